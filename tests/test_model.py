"""Site choice models: known answers, ties, NaN, and MILP = brute force on every backend."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from siting.model import site_choice
from siting.model.rows import MAX_OBJECTIVE_COEFFICIENT, HardConstraint
from siting.model.site_choice import SiteChoiceModel, rank_by_enumeration
from siting.model.solvers import SOLVERS, LinearModel, SolveOutcome
from siting.model.two_site import TwoSiteModel, pairs_by_enumeration

NAN = math.nan

# ---------------------------------------------------------------- synthetic: known answers

IDS = ["delta", "alpha", "charlie", "bravo", "echo"]
#                 delta alpha charlie bravo echo
UTILITY = np.array([0.9, 0.7, 0.95, 0.7, 0.8])
AREA_HA = np.array([20.0, 15.0, NAN, 12.0, 5.0])  # charlie unknown, echo too small
SPACE = HardConstraint("available_ha", AREA_HA, ">=", 10.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_known_ranking_with_nan_and_tie(solver: str) -> None:
    res = SiteChoiceModel(IDS, UTILITY, [SPACE]).solve(solver=solver, top_k=5)
    assert res.status == "optimal"
    assert res.site_ids == ("delta", "alpha", "bravo")  # alpha/bravo tie -> alpha first
    assert [r.rank for r in res.ranking] == [1, 2, 3]
    assert [r.index for r in res.ranking] == [0, 1, 3]
    assert res.objective == pytest.approx(0.9)
    assert res.n_solves == 1  # top-k in one solve
    assert res.solver == solver
    assert res.gap == 0.0
    assert all(r.status == "optimal" for r in res.ranking)


@pytest.mark.parametrize("solver", SOLVERS)
def test_utilities_equal_at_1e6_tie_on_id(solver: str) -> None:
    u = np.array([0.5, 0.5000004, 0.2])  # equal after quantisation
    res = SiteChoiceModel(["b", "a", "c"], u).solve(solver=solver, top_k=2)
    assert res.site_ids == ("a", "b")
    assert res.objective == 0.5000004  # the real utility, not the scaled integer
    u2 = np.array([0.5, 0.500001, 0.2])  # one resolution step apart
    assert SiteChoiceModel(["a", "b", "c"], u2).solve(solver=solver).site_ids == ("b",)


@pytest.mark.parametrize("solver", SOLVERS)
def test_all_senses(solver: str) -> None:
    cons = [
        HardConstraint("env_category", np.array([3, 5, 4, 2, NAN]), "<=", 4),
        HardConstraint("cleanroom", np.array([1, 1, 1, 0, 1]), "==", 1),
    ]
    res = SiteChoiceModel(IDS, UTILITY, cons).solve(solver=solver, top_k=3)
    assert res.site_ids == ("charlie", "delta")


@pytest.mark.parametrize("solver", SOLVERS)
def test_infeasible_gives_empty_ranking(solver: str) -> None:
    too_big = HardConstraint("available_ha", AREA_HA, ">=", 100.0)
    res = SiteChoiceModel(IDS, UTILITY, [too_big]).solve(solver=solver, top_k=3)
    assert res.status == "infeasible"
    assert res.ranking == ()
    assert math.isnan(res.objective)
    assert res.n_solves == 0  # the pre-filter leaves no site: nothing to solve


@pytest.mark.parametrize("solver", SOLVERS)
def test_top_k_beyond_the_feasible_sites_ranks_them_all(solver: str) -> None:
    cons = [HardConstraint("available_ha", AREA_HA, ">=", 14.0)]  # delta and alpha
    for top_k in (2, 3, 50):
        res = SiteChoiceModel(IDS, UTILITY, cons).solve(solver=solver, top_k=top_k)
        assert res.site_ids == ("delta", "alpha"), top_k
        assert res.status == "optimal"
    one = SiteChoiceModel(IDS, UTILITY, cons).solve(solver=solver, top_k=1)
    assert one.site_ids == ("delta",)


@pytest.mark.parametrize("solver", SOLVERS)
def test_top_k_cuts_through_a_tie_by_site_id(solver: str) -> None:
    u = np.array([0.3, 0.6, 0.6, 0.6000004, 0.9])  # three equal after quantisation
    ids = ["d", "c", "a", "b", "e"]
    res = SiteChoiceModel(ids, u).solve(solver=solver, top_k=3)
    assert res.site_ids == ("e", "a", "b")
    assert res.ranking == rank_by_enumeration(ids, u, top_k=3).ranking


def test_linear_model_has_the_feasible_columns_and_positive_coefficients() -> None:
    model = SiteChoiceModel(IDS, UTILITY, [SPACE]).linear_model(top_k=2)
    assert model.var_names == ("x[delta]", "x[alpha]", "x[bravo]")
    assert [(r.sense, r.rhs, r.indices.tolist()) for r in model.rows] == [("<=", 2.0, [0, 1, 2])]
    assert model.c.min() == 1.0  # bravo, the worst feasible site
    assert model.c[0] > model.c[1] > model.c[2]  # delta, then alpha before bravo (tie on id)
    empty = SiteChoiceModel(["a"], np.array([0.5]), [SPACE_ONE]).linear_model()
    assert empty.n_vars == 0


SPACE_ONE = HardConstraint("available_ha", np.array([NAN]), ">=", 1.0)


def test_no_sites_gives_empty_ranking() -> None:
    res = SiteChoiceModel([], np.zeros(0)).solve(solver="highs", top_k=3)
    assert (res.status, res.ranking, res.n_solves) == ("infeasible", (), 0)


def _stopped(status: str, x: list[int] | None) -> Callable[..., SolveOutcome]:
    """A stand-in for solve_milp that stops at the time limit with ``x`` (or without)."""

    def solve(model: LinearModel, **_: object) -> SolveOutcome:
        assert model.n_vars == 4  # delta, alpha, charlie, bravo (echo fails)
        chosen = None if x is None else np.array(x)
        objective = math.nan if chosen is None else float(model.c @ chosen)
        return SolveOutcome(status, objective, chosen, math.nan, 60.0, "cbc")

    return solve


def test_time_limit_ranks_what_the_solver_had(monkeypatch: pytest.MonkeyPatch) -> None:
    cons = [HardConstraint("available_ha", np.nan_to_num(AREA_HA, nan=8.0), ">=", 6.0)]  # no echo
    model = SiteChoiceModel(IDS, UTILITY, cons)
    # not the best two (charlie, delta): bravo and delta, ranked by their coefficients
    monkeypatch.setattr(site_choice, "solve_milp", _stopped("feasible", [1, 0, 0, 1]))
    res = model.solve(solver="cbc", top_k=2)
    assert res.status == "feasible"
    assert res.site_ids == ("delta", "bravo")
    assert [r.status for r in res.ranking] == ["feasible", "feasible"]
    assert math.isnan(res.gap)
    assert res.solve_time_s == 60.0
    monkeypatch.setattr(site_choice, "solve_milp", _stopped("no_solution_in_time", None))
    res = model.solve(solver="cbc", top_k=2)
    assert (res.status, res.ranking, res.n_solves) == ("no_solution_in_time", (), 1)
    assert math.isnan(res.objective)


def test_enumeration_known_answer() -> None:
    res = rank_by_enumeration(IDS, UTILITY, [SPACE], top_k=2)
    assert res.site_ids == ("delta", "alpha")
    assert res.solver == "enumeration"
    assert rank_by_enumeration(IDS, UTILITY, [], top_k=10).site_ids == (
        "charlie",
        "delta",
        "echo",
        "alpha",
        "bravo",
    )


def test_model_is_not_changed_by_solving() -> None:
    model = SiteChoiceModel(IDS, UTILITY, [SPACE])
    before = dict(vars(model))
    model.solve(solver="highs", top_k=2)
    assert vars(model).keys() == before.keys()
    assert all(vars(model)[k] is v for k, v in before.items())


@pytest.mark.parametrize("solver", SOLVERS)
def test_deterministic(solver: str) -> None:
    model = SiteChoiceModel(IDS, UTILITY, [SPACE])
    a = model.solve(solver=solver, top_k=3)
    b = model.solve(solver=solver, top_k=3)
    assert (a.status, a.ranking, a.objective, a.n_solves) == (
        b.status,
        b.ranking,
        b.objective,
        b.n_solves,
    )


# two sites on a line at 0, 10, 20 and 50 km; D's floor area is unknown
PAIR_IDS = ["A", "B", "C", "D"]
POS_KM = np.array([0.0, 10.0, 20.0, 50.0])
DIST = np.abs(POS_KM[:, None] - POS_KM[None, :])
U_RND = np.array([0.9, 0.5, 0.9, 1.0])
U_PROD = np.array([0.2, 0.9, 0.6, 1.0])
PROD_SPACE = HardConstraint("available_ha", np.array([30.0, 30.0, 30.0, NAN]), ">=", 10.0)


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_site_known_answer(solver: str) -> None:
    model = TwoSiteModel(PAIR_IDS, U_RND, U_PROD, [], [PROD_SPACE], DIST, 15.0)
    res = model.solve(solver=solver, top_k=10)
    pairs = [(p.rnd_id, p.prod_id) for p in res.ranking]
    # (A,B) and (C,B) tie at 1.8 -> R&D id A first; D is 30+ km from all -> never R&D
    assert pairs == [("A", "B"), ("C", "B"), ("B", "C"), ("B", "A")]
    assert [p.utility for p in res.ranking] == pytest.approx([1.8, 1.8, 1.1, 0.7])
    assert [p.distance_km for p in res.ranking] == [10.0, 10.0, 10.0, 10.0]
    assert res.status == "optimal"
    assert res.objective == pytest.approx(1.8)
    assert res.n_solves == 5
    assert (
        res.ranking
        == pairs_by_enumeration(
            PAIR_IDS, U_RND, U_PROD, [], [PROD_SPACE], DIST, 15.0, top_k=10
        ).ranking
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_site_infeasible_when_too_far(solver: str) -> None:
    res = TwoSiteModel(PAIR_IDS, U_RND, U_PROD, [], [], DIST, 5.0).solve(solver=solver)
    assert res.status == "infeasible"
    assert res.ranking == ()


def test_two_site_model_has_the_feasible_columns_only() -> None:
    model = TwoSiteModel(PAIR_IDS, U_RND, U_PROD, [], [PROD_SPACE], DIST, 15.0)
    milp = model.linear_model()
    # R&D: every site; production: D's area is unknown, so no z[D]
    assert milp.var_names == ("y[A]", "y[B]", "y[C]", "y[D]", "z[A]", "z[B]", "z[C]")
    assert not any(r.name.startswith("prod:") or r.name.startswith("rnd:") for r in milp.rows)


@pytest.mark.parametrize("solver", SOLVERS)
def test_two_site_without_a_feasible_production_site_needs_no_solve(solver: str) -> None:
    none_fit = HardConstraint("available_ha", np.array([1.0, 2.0, 3.0, NAN]), ">=", 10.0)
    res = TwoSiteModel(PAIR_IDS, U_RND, U_PROD, [], [none_fit], DIST, 15.0).solve(solver=solver)
    assert (res.status, res.ranking, res.n_solves) == ("infeasible", (), 0)


# ---------------------------------------------------------------- errors


def test_input_errors() -> None:
    with pytest.raises(ValueError, match="unique"):
        SiteChoiceModel(["a", "a"], np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="entries"):
        SiteChoiceModel(["a", "b"], np.array([0.1]))
    with pytest.raises(ValueError, match="finite"):
        SiteChoiceModel(["a"], np.array([NAN]))
    with pytest.raises(ValueError, match="values for 2 sites"):
        SiteChoiceModel(["a", "b"], np.array([0.1, 0.2]), [SPACE])
    with pytest.raises(ValueError, match="sense"):
        HardConstraint("x", np.array([1.0]), ">", 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="top_k"):
        SiteChoiceModel(["a"], np.array([0.1])).solve(top_k=0)
    with pytest.raises(ValueError, match="unknown solver"):
        SiteChoiceModel(["a"], np.array([0.1])).solve(solver="glpk")
    with pytest.raises(ValueError, match="symmetric"):
        TwoSiteModel(
            ["a", "b"], np.zeros(2), np.zeros(2), [], [], np.array([[0, 1.0], [2.0, 0]]), 5.0
        )


def test_size_guard_asks_to_prefilter() -> None:
    n = math.isqrt(MAX_OBJECTIVE_COEFFICIENT // 2_000_001) + 1
    ids = [f"s{i}" for i in range(n)]
    with pytest.raises(ValueError, match="pre-filter"):
        TwoSiteModel(ids, np.ones(n), np.ones(n), [], [], np.zeros((n, n)), 1.0)


# ---------------------------------------------------------------- property: MILP = brute force

GRID = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]  # constraint values and bounds: exact boundary cases
UTILS = [0.0, 0.1, 0.25, 0.5, 0.5000004, 0.7, 0.9999996, 1.0]  # duplicates and near-ties


def ids_st(min_n: int, max_n: int) -> st.SearchStrategy[list[str]]:
    """Unique short ids over a small alphabet ("a" < "aa" < "ab" < "b" ...)."""
    return st.lists(
        st.text(alphabet="abc", min_size=1, max_size=3), unique=True, min_size=min_n, max_size=max_n
    )


PROPERTY = hyp_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def constraints_st(draw: st.DrawFn, n: int, max_count: int = 3) -> list[HardConstraint]:
    """Random rows; values near the bound (equal to it, either side of it, or NaN)."""
    out = []
    for k in range(draw(st.integers(0, max_count))):
        sense = draw(st.sampled_from([">=", "<=", "=="]))
        rhs = draw(st.sampled_from(GRID))
        near = [rhs, rhs, rhs - 0.5, rhs + 0.5, rhs - 1.5, rhs + 1.0, NAN]
        values = draw(st.lists(st.sampled_from(near), min_size=n, max_size=n))
        out.append(HardConstraint(f"c{k}", np.array(values), sense, rhs))
    return out


@st.composite
def single_instance(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(1, 12))
    ids = draw(ids_st(n, n))
    u = np.array(draw(st.lists(st.sampled_from(UTILS), min_size=n, max_size=n)))
    cons = draw(constraints_st(n))
    top_k = draw(st.integers(1, n))
    return ids, u, cons, top_k


@st.composite
def pair_instance(draw: st.DrawFn) -> tuple:
    n = draw(st.integers(2, 7))
    ids = draw(ids_st(n, n))
    u_r = np.array(draw(st.lists(st.sampled_from(UTILS), min_size=n, max_size=n)))
    u_p = np.array(draw(st.lists(st.sampled_from(UTILS), min_size=n, max_size=n)))
    cons_r = draw(constraints_st(n, 2))
    cons_p = draw(constraints_st(n, 2))
    upper = draw(
        st.lists(st.sampled_from([0.0, 5.0, 10.0, 20.0, 40.0, NAN]), min_size=n * n, max_size=n * n)
    )
    d = np.triu(np.array(upper).reshape(n, n), 1)
    d = d + d.T
    np.fill_diagonal(d, 0.0)
    max_km = draw(st.sampled_from([0.0, 5.0, 10.0, 20.0, 100.0]))
    top_k = draw(st.integers(1, n))
    return ids, u_r, u_p, cons_r, cons_p, d, max_km, top_k


@PROPERTY
@given(single_instance())
def test_site_choice_equals_enumeration_on_every_backend(inst: tuple) -> None:
    ids, u, cons, top_k = inst
    ref = rank_by_enumeration(ids, u, cons, top_k=top_k)
    event(f"n={len(ids)}, top_k={top_k}, ranked={len(ref.ranking)}")
    model = SiteChoiceModel(ids, u, cons)
    for solver in SOLVERS:
        res = model.solve(solver=solver, top_k=top_k)
        assert res.ranking == ref.ranking, solver
        assert res.status == ref.status, solver


@PROPERTY
@given(pair_instance())
def test_two_site_equals_enumeration_on_every_backend(inst: tuple) -> None:
    ids, u_r, u_p, cons_r, cons_p, d, max_km, top_k = inst
    ref = pairs_by_enumeration(ids, u_r, u_p, cons_r, cons_p, d, max_km, top_k=top_k)
    model = TwoSiteModel(ids, u_r, u_p, cons_r, cons_p, d, max_km)
    for solver in SOLVERS:
        res = model.solve(solver=solver, top_k=top_k)
        assert res.ranking == ref.ranking, solver
        assert res.status == ref.status, solver


@pytest.mark.parametrize("seed", [0, 1])
def test_larger_seeded_instances_agree(seed: int) -> None:
    """40 sites, utilities on a coarse grid (many ties), decimal values with NaN."""
    rng = np.random.default_rng(seed)
    n = 40
    ids = [f"site-{rng.integers(0, 10**5):05d}-{i}" for i in range(n)]
    u, u_p = np.round(rng.random(n), 1), np.round(rng.random(n), 1)
    area = np.round(rng.random(n) * 30, 2)
    area[rng.random(n) < 0.2] = NAN
    cons = [
        HardConstraint("available_ha", area, ">=", 7.25),
        HardConstraint("env_category", rng.integers(1, 7, n).astype(float), "<=", 5),
    ]
    xy = rng.integers(0, 100, (n, 2)).astype(float)
    d = np.round(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)), 1)
    single_ref = rank_by_enumeration(ids, u, cons, top_k=6)
    pair_ref = pairs_by_enumeration(ids, u, u_p, cons[1:], cons[:1], d, 25.0, top_k=4)
    assert len(single_ref.ranking) == 6
    assert len(pair_ref.ranking) == 4
    for solver in SOLVERS:
        assert (
            SiteChoiceModel(ids, u, cons).solve(solver=solver, top_k=6).ranking
            == single_ref.ranking
        ), solver
        assert (
            TwoSiteModel(ids, u, u_p, cons[1:], cons[:1], d, 25.0)
            .solve(solver=solver, top_k=4)
            .ranking
            == pair_ref.ranking
        ), solver


@pytest.mark.parametrize("solver", SOLVERS)
def test_rows_spanning_many_orders_of_magnitude(solver: str) -> None:
    """Slack values from 1e-3 to 1e6 (as real constraints produce) must not mislead a backend."""
    rng = np.random.default_rng(3)
    n = 60
    ids = [f"s{i:02d}" for i in range(n)]
    utility = rng.random(n)
    values = rng.choice([-1e6, -12.5, -0.001, 0.0, 0.001, 3.25, 1e6], size=(3, n))
    values[1, ::7] = np.nan
    constraints = [HardConstraint(f"c{k}", values[k], ">=", 0.0) for k in range(3)]
    expected = rank_by_enumeration(ids, utility, constraints, top_k=6)
    got = SiteChoiceModel(ids, utility, constraints).solve(solver=solver, top_k=6)
    assert got.site_ids == expected.site_ids
