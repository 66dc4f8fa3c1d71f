"""The backend-neutral MILP interface: every backend, same answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from siting import settings
from siting.solvers import SOLVERS, LinearModel, Row, solve_milp


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
    model = LinearModel(2, ("a", "b"), np.array([1.0, 1.0]),
                        (Row("third", [0, 1], [1 / 3, 1.0], "<=", 1),))
    with pytest.raises(ValueError, match="third"):
        solve_milp(model, solver="cp-sat")
    # the floating-point backends take it
    assert solve_milp(model, solver="cbc").status == "optimal"


def test_cpsat_rounds_a_fractional_rhs_inwards() -> None:
    model = LinearModel(2, ("a", "b"), np.array([1.0, 1.0]),
                        (Row("le", [0, 1], [1, 1], "<=", 1.5),))
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
