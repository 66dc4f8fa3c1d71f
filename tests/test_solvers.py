"""The backend-neutral MILP interface: every backend, same answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from siting import settings
from siting.model.solvers import SOLVED, SOLVERS, STATUSES, LinearModel, Row, check_gap, solve_milp


def knapsack(scale: float = 1.0) -> LinearModel:
    """Max 5a + 4b + 3c + 7d s.t. 2a + 3b + c + 4d <= 5: optimum c + d = 10."""
    return LinearModel(
        n_vars=4,
        var_names=("a", "b", "c", "d"),
        c=np.array([5.0, 4.0, 3.0, 7.0]),
        rows=(Row("capacity", [0, 1, 2, 3], np.array([2, 3, 1, 4]) * scale, "<=", 5 * scale),),
    )


# ---------------------------------------------------------------- synthetic: known optimum


@pytest.mark.parametrize("solver", SOLVERS)
def test_knapsack_optimum(solver: str) -> None:
    out = solve_milp(knapsack(), solver=solver, time_limit_s=10)
    assert out.status == "optimal"
    assert out.solver == solver
    assert out.objective == pytest.approx(10.0)
    assert out.x is not None
    assert out.x.tolist() == [0, 0, 1, 1]
    assert out.gap == 0.0
    assert out.solve_time_s >= 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_decimal_coefficients(solver: str) -> None:
    """Rows in tenths: CP-SAT scales them to integers, the others take them as they are."""
    out = solve_milp(knapsack(scale=0.1), solver=solver, time_limit_s=10)
    assert out.status == "optimal"
    assert out.x is not None
    assert out.x.tolist() == [0, 0, 1, 1]


@pytest.mark.parametrize("solver", SOLVERS)
def test_equality_and_ge_rows(solver: str) -> None:
    model = LinearModel(
        n_vars=3,
        var_names=("a", "b", "c"),
        c=np.array([3.0, 2.0, 1.0]),
        rows=(
            Row("two", [0, 1, 2], [1, 1, 1], "==", 2),
            Row("not_a_alone", [0], [1], "<=", 0),
            Row("c_in", [2], [1], ">=", 1),
        ),
    )
    out = solve_milp(model, solver=solver, time_limit_s=10)
    assert out.status == "optimal"
    assert out.x is not None
    assert out.x.tolist() == [0, 1, 1]
    assert out.objective == pytest.approx(3.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible(solver: str) -> None:
    model = LinearModel(
        n_vars=2,
        var_names=("a", "b"),
        c=np.array([1.0, 1.0]),
        rows=(Row("one", [0, 1], [1, 1], "==", 1), Row("both", [0, 1], [1, 1], ">=", 2)),
    )
    out = solve_milp(model, solver=solver, time_limit_s=10)
    assert out.status == "infeasible"
    assert out.x is None
    assert math.isnan(out.objective)
    assert math.isnan(out.gap)


@pytest.mark.parametrize("solver", SOLVERS)
def test_time_limit_on_a_model_that_finishes(solver: str) -> None:
    out = solve_milp(knapsack(), solver=solver, time_limit_s=2.0)
    assert out.status == "optimal"
    assert out.solve_time_s < 2.0


def test_default_solver_and_time_limit_come_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "default_solver", "highs")
    monkeypatch.setattr(settings, "time_limit_s", 5.0)
    out = solve_milp(knapsack())
    assert out.solver == "highs"
    assert out.status == "optimal"


def test_empty_row_handling() -> None:
    ok = LinearModel(1, ("a",), np.array([1.0]), (Row("zero", [0], [0.0], "<=", 1),))
    assert solve_milp(ok, solver="highs").x.tolist() == [1]  # type: ignore[union-attr]
    bad = LinearModel(1, ("a",), np.array([1.0]), (Row("zero", [], [], ">=", 1),))
    assert solve_milp(bad, solver="highs").status == "infeasible"


def multi_knapsack(seed: int, n: int = 40, m: int = 4) -> LinearModel:
    """A random 0/1 multi-dimensional knapsack whose LP bound is above its optimum."""
    rng = np.random.default_rng(seed)
    w = rng.integers(5, 40, size=(m, n))
    rows = tuple(Row(f"r{k}", np.arange(n), w[k], "<=", float(w[k].sum() // 3)) for k in range(m))
    return LinearModel(
        n, tuple(f"x{j}" for j in range(n)), rng.integers(10, 60, size=n).astype(float), rows
    )


# ---------------------------------------------------------------- relative gap


def test_statuses_are_spelled_out_and_solved_ones_have_a_solution() -> None:
    assert STATUSES == (
        "optimal",
        "within_gap",
        "feasible",
        "infeasible",
        "no_solution_in_time",
        "error",
    )
    assert set(SOLVED) < set(STATUSES)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_stop_at_the_requested_gap_is_within_gap_not_optimal(solver: str) -> None:
    model = multi_knapsack(0)
    exact = solve_milp(model, solver="highs", time_limit_s=20)
    assert exact.status == "optimal"
    out = solve_milp(model, solver=solver, time_limit_s=20, gap_rel=0.2)
    assert out.status == "within_gap"  # a proven optimum would say "optimal"
    assert out.gap_rel == 0.2
    assert 0.0 < out.gap <= 0.2  # every backend reports the gap it reached
    assert out.x is not None
    assert out.objective == pytest.approx(float(model.c @ out.x))
    assert exact.objective * (1 - 0.2) <= out.objective <= exact.objective
    assert all(row.coefs @ out.x[row.indices] <= row.rhs for row in model.rows)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_gap_that_closes_to_zero_is_optimal(solver: str) -> None:
    """With a gap allowed, a solve that proves its optimum still says "optimal"."""
    out = solve_milp(knapsack(), solver=solver, time_limit_s=10, gap_rel=0.01)
    assert out.status == "optimal"
    assert out.gap == 0.0
    assert out.objective == pytest.approx(10.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_zero_gap_is_the_default_and_proves_the_optimum(solver: str) -> None:
    out = solve_milp(multi_knapsack(1), solver=solver, time_limit_s=20)
    assert out.status == "optimal" and out.gap == 0.0 and out.gap_rel == 0.0


@pytest.mark.parametrize("gap", [-0.01, 1.0, 1.5, math.nan, math.inf, "half"])
def test_bad_gap_is_rejected_with_its_range(gap: object) -> None:
    with pytest.raises(ValueError, match=r"gap_rel must be .*\[0, 1\)"):
        solve_milp(knapsack(), solver="highs", gap_rel=gap)  # type: ignore[arg-type]


def test_check_gap_accepts_zero_and_fractions() -> None:
    assert check_gap(0) == 0.0
    assert check_gap(0.005) == 0.005


def test_status_with_a_gap_in_words() -> None:
    from siting.model.solvers import _status_at_gap

    assert _status_at_gap("optimal", 0.003, 0.0) == ("optimal", 0.0)
    assert _status_at_gap("optimal", 0.003, 0.005) == ("within_gap", 0.003)
    assert _status_at_gap("optimal", 0.0, 0.005) == ("optimal", 0.0)
    assert _status_at_gap("optimal", math.nan, 0.005)[0] == "within_gap"
    assert _status_at_gap("feasible", 0.004, 0.005) == ("within_gap", 0.004)  # time limit
    assert _status_at_gap("feasible", 0.02, 0.005) == ("feasible", 0.02)
    assert _status_at_gap("feasible", 0.004, 0.0) == ("feasible", 0.004)


def test_cbc_gap_is_read_from_its_log() -> None:
    from siting.model.backends.cbc import cbc_gap as _cbc_gap

    proven = "Result - Optimal solution found\n\nObjective value:  1089.0\n"
    assert _cbc_gap(proven) == 0.0
    within = (
        "Result - Optimal solution found (within gap tolerance)\n\n"
        "Objective value:                1000.00000000\n"
        "Upper bound:                    1010.000\nGap:   -0.01\n"
    )
    assert _cbc_gap(within) == pytest.approx(0.01)
    stopped = within.replace(
        "Optimal solution found (within gap tolerance)", "Stopped on time limit"
    )
    assert _cbc_gap(stopped) == pytest.approx(0.01)
    assert math.isnan(_cbc_gap(""))
    # CBC 2.10 says "Optimal" also after a stop at the ratio gap: the gap it logged holds
    at_ratio = (
        "Cbc0011I Exiting as integer gap of 60.5 less than 0 or 5%\n"
        "Cbc0011I Exiting as integer gap of 45.0 less than 0 or 5%\n"
        "Result - Optimal solution found\n\nObjective value:  1000.0\n"
    )
    assert _cbc_gap(at_ratio) == pytest.approx(0.045)


# ---------------------------------------------------------------- warm start


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize(
    "start",
    [[0, 0, 1, 1], [1, 0, 1, 0], [0, 0, 0, 0], [1, 1, 1, 1]],
    ids=["optimal", "feasible", "empty", "infeasible"],
)
def test_a_start_is_accepted_and_the_answer_unchanged(solver: str, start: list[int]) -> None:
    out = solve_milp(knapsack(), solver=solver, time_limit_s=10, start=np.array(start))
    assert out.status == "optimal"
    assert out.x is not None and out.x.tolist() == [0, 0, 1, 1]
    assert out.objective == pytest.approx(10.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_start_on_a_larger_model_keeps_the_optimum(solver: str) -> None:
    model = multi_knapsack(2)
    exact = solve_milp(model, solver="highs", time_limit_s=20)
    assert exact.x is not None
    for start in (exact.x, np.ones(model.n_vars), np.zeros(model.n_vars)):
        out = solve_milp(model, solver=solver, time_limit_s=20, start=start)
        assert out.status == "optimal"
        assert out.objective == pytest.approx(exact.objective)


def test_a_start_of_the_wrong_shape_or_values_is_rejected() -> None:
    with pytest.raises(ValueError, match="3 values for 4 variables"):
        solve_milp(knapsack(), solver="highs", start=np.array([0, 1, 0]))
    with pytest.raises(ValueError, match="only 0 and 1"):
        solve_milp(knapsack(), solver="highs", start=np.array([0, 0.5, 0, 1]))


def test_a_start_on_an_infeasible_model_changes_nothing() -> None:
    model = LinearModel(
        2,
        ("a", "b"),
        np.array([1.0, 1.0]),
        (Row("one", [0, 1], [1, 1], "==", 1), Row("both", [0, 1], [1, 1], ">=", 2)),
    )
    for solver in SOLVERS:
        out = solve_milp(model, solver=solver, time_limit_s=10, start=np.array([1, 1]))
        assert out.status == "infeasible" and out.x is None


# ---------------------------------------------------------------- errors


def test_unknown_solver_lists_the_allowed_names() -> None:
    with pytest.raises(ValueError, match="'cbc', 'highs', 'cp-sat'"):
        solve_milp(knapsack(), solver="gurobi")


def test_unknown_default_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "default_solver", "scip")
    with pytest.raises(ValueError, match="unknown solver 'scip'"):
        solve_milp(knapsack())


@pytest.mark.parametrize("limit", [0, -1, math.nan, math.inf])
def test_bad_time_limit(limit: float) -> None:
    with pytest.raises(ValueError, match="time_limit_s"):
        solve_milp(knapsack(), solver="highs", time_limit_s=limit)


def test_cpsat_rejects_fractional_objective() -> None:
    model = LinearModel(1, ("a",), np.array([0.5]))
    with pytest.raises(ValueError, match="integral objective"):
        solve_milp(model, solver="cp-sat")


def test_cpsat_rejects_rows_that_cannot_be_scaled() -> None:
    model = LinearModel(
        2, ("a", "b"), np.array([1.0, 1.0]), (Row("third", [0, 1], [1 / 3, 1.0], "<=", 1),)
    )
    with pytest.raises(ValueError, match="third"):
        solve_milp(model, solver="cp-sat")
    # the floating-point backends take it
    assert solve_milp(model, solver="cbc").status == "optimal"


def test_cpsat_rounds_a_fractional_rhs_inwards() -> None:
    model = LinearModel(
        2, ("a", "b"), np.array([1.0, 1.0]), (Row("le", [0, 1], [1, 1], "<=", 1.5),)
    )
    assert solve_milp(model, solver="cp-sat").objective == 1.0
    eq = LinearModel(1, ("a",), np.array([1.0]), (Row("eq", [0], [1], "==", 0.5),))
    assert solve_milp(eq, solver="cp-sat").status == "infeasible"


def test_model_validation() -> None:
    with pytest.raises(ValueError, match="repeated"):
        Row("r", [0, 0], [1, 1], "<=", 1)
    with pytest.raises(ValueError, match="sense"):
        Row("r", [0], [1], "<", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="finite"):
        Row("r", [0], [math.nan], "<=", 1)
    with pytest.raises(ValueError, match="out of range"):
        LinearModel(1, ("a",), np.array([1.0]), (Row("r", [1], [1], "<=", 1),))
    with pytest.raises(ValueError, match="names"):
        LinearModel(2, ("a",), np.array([1.0, 1.0]))


@pytest.mark.parametrize("solver", SOLVERS)
def test_no_backend_answer_breaks_a_row(solver: str) -> None:
    # 400.0004 x <= 400 allows only x = 0; CBC's preprocessing rounds the coefficient and
    # answers x = 1, which solve_milp must not pass on as a solution
    model = LinearModel(
        n_vars=1,
        var_names=("x",),
        c=np.array([1.0]),
        rows=(Row("cap", np.array([0]), np.array([400.0004]), "<=", 400.0),),
    )
    out = solve_milp(model, solver=solver)
    assert (out.status == "optimal" and out.x.tolist() == [0]) or (
        out.status == "error" and out.x is None
    )


def test_an_integral_objective_is_optimal_only_within_one_unit() -> None:
    from siting.model.solvers import _status_at_gap

    # a relative gap of 6e-10 on an objective of 2e9 leaves 1.2 units: not proven optimal
    assert _status_at_gap("optimal", 6e-10, 0.005, objective=2e9, integral=True)[0] == (
        "within_gap"
    )
    assert _status_at_gap("optimal", 1e-10, 0.005, objective=2e9, integral=True) == ("optimal", 0.0)
    assert _status_at_gap("optimal", 0.002, 0.005, objective=1000.0, integral=True) == (
        "within_gap",
        0.002,
    )
    # a bound 0.2 above an integer objective of 100: no better integer solution exists
    assert _status_at_gap("optimal", 0.002, 0.005, objective=100.0, integral=True) == (
        "optimal",
        0.0,
    )
    assert _status_at_gap("optimal", 0.002, 0.005, objective=100.0, integral=False) == (
        "within_gap",
        0.002,
    )
    assert _status_at_gap("optimal", 0.0, 0.0) == ("optimal", 0.0)
