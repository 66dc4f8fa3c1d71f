"""The value of capacity re-solves one kept model: each equals a fresh solve of its instance."""

from __future__ import annotations

import numpy as np
import pytest

from siting.model.assignment import AssignmentModel
from siting.model.assignment.capacity_rows import capacities
from siting.model.assignment.capacity_values import Resolves, binding_candidates
from siting.model.assignment.milp import solve_stage
from siting.model.solvers import SOLVERS


def _contested_model() -> AssignmentModel:
    """Five leads on three sites and one grid zone that share capacities.

    Sites s1 (6 ha), s2 (3 ha), s3 (unknown area: one lead); zone z1 (s1 and s2) holds 5 MW.
    The optimum fills s1 with A and C (5 ha), so E (2 ha, no power) stays out; one more
    hectare at s1 admits it (a gain of 0.5 x 0.95), one more MW or a hectare at s2 adds
    nothing.
    """
    leads = ["A", "B", "C", "D", "E"]
    pairs = [(0, 0), (0, 1), (1, 0), (1, 2), (2, 0), (2, 1), (3, 1), (3, 2), (4, 0)]
    utility = [0.9, 0.4, 0.8, 0.5, 0.7, 0.6, 0.9, 0.3, 0.95]
    return AssignmentModel(
        leads,
        ["s1", "s2", "s3"],
        pairs,
        utility,
        lead_weight=[1.0, 2.0, 1.0, 1.0, 0.5],
        land_ha=[3.0, 3.0, 2.0, 3.0, 2.0],
        power_mw=[2.0, 1.0, 2.0, 1.0, 0.0],
        site_capacity_ha=[6.0, 3.0, np.nan],
        site_zone=[0, 0, -1],
        zone_headroom_mw=[5.0],
        zone_ids=["z1"],
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_resolve_with_one_more_unit_equals_a_fresh_solve(solver: str) -> None:
    model = _contested_model()
    sol = model.solve(solver=solver, capacity_values=False)
    x = np.zeros(model.n_pairs, dtype=np.int64)
    x[list(sol.chosen_pairs)] = 1
    caps = capacities(model)
    used = {cap.name: float(cap.coefs @ x[cap.pairs]) for cap in caps}
    names = [cap.name for cap, _ in binding_candidates(model, x, caps, used)]
    assert {"site:s1", "zone:z1"} <= set(names)  # the instance tests what it claims
    resolves = Resolves(model, names, solver)
    gains = []
    for name in names:
        kept, x_kept = resolves.solve(name, x, limit=30.0, gap_rel=0.0)
        fresh, x_fresh = solve_stage(model, solver, 30.0, extra={name: 1.0})
        assert kept.status == fresh.status == "optimal"
        assert x_kept is not None and x_fresh is not None
        assert model._fit(x_kept) == pytest.approx(model._fit(x_fresh), abs=1e-9), name
        gains.append(model._fit(x_kept) - model._fit(x))
    assert max(gains) == pytest.approx(0.475)  # the hectare at s1 admits E
    # the changes of one re-solve do not carry over: the model as built solves as before
    again, x_again = resolves.solve(names[0], x, limit=30.0, gap_rel=0.0)
    first, _ = solve_stage(model, solver, 30.0, extra={names[0]: 1.0})
    assert again.objective == pytest.approx(first.objective)
    assert x_again is not None


@pytest.mark.parametrize("solver", SOLVERS)
def test_capacity_values_are_those_of_fresh_solves(solver: str) -> None:
    model = _contested_model()
    sol = model.solve(solver=solver)
    x = np.zeros(model.n_pairs, dtype=np.int64)
    x[list(sol.chosen_pairs)] = 1
    by_row = {f"{v.kind}:{v.key}": v.added_value for v in sol.capacity_values}
    assert by_row
    for name, gain in by_row.items():
        _, x_fresh = solve_stage(model, solver, 30.0, extra={name: 1.0})
        assert x_fresh is not None
        assert gain == pytest.approx(round(model._fit(x_fresh) - model._fit(x), 6), abs=1e-9)


@pytest.mark.parametrize("seed", range(8))
def test_local_search_keeps_every_row_and_never_loses_fit(seed: int) -> None:
    from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
    from siting.model.assignment.local_search import improve
    from siting.model.assignment.solving import checked
    from tests.test_assign import _random_model

    model = _random_model(np.random.default_rng(seed))
    keep = kept_pairs(model)
    greedy = greedy_assignment(model, keep=keep)
    better = checked(model, improve(model, greedy, keep=keep), capacities(model))
    assert not (better & ~keep).any()
    optimum = model.solve(solver="highs", capacity_values=False).fit_int
    assert float(model._q @ greedy) <= float(model._q @ better) <= optimum


def test_local_search_places_a_lead_by_moving_another() -> None:
    # A (3 ha) sits at s1, its best site; B (3 ha) fits only at s1 (4 ha). Moving A to s2
    # (a little worse for A) places B: the greedy rule cannot see it, an ejection does.
    model = AssignmentModel(
        ["A", "B"],
        ["s1", "s2"],
        [(0, 0), (0, 1), (1, 0)],
        [0.9, 0.8, 0.7],
        lead_weight=[1.0, 1.0],
        land_ha=[3.0, 3.0],
        power_mw=[0.0, 0.0],
        site_capacity_ha=[4.0, 3.0],
        site_zone=[-1, -1],
        zone_headroom_mw=[],
    )
    from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
    from siting.model.assignment.local_search import improve

    keep = kept_pairs(model)
    greedy = greedy_assignment(model, keep=keep)
    assert greedy.tolist() == [1, 0, 0]
    assert improve(model, greedy, keep=keep).tolist() == [0, 1, 1]


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_kept_model_changes_one_row_and_fixes_variables_per_solve(solver: str) -> None:
    from siting.model.persistent import PersistentMilp
    from siting.model.solvers import LinearModel, Row, solve_milp

    # maximise 5a + 4b + 3c with 2a + 2b + 2c <= 4: the best two of three
    base = LinearModel(
        3, ("a", "b", "c"), np.array([5.0, 4.0, 3.0]), (Row("cap", [0, 1, 2], [2, 2, 2], "<=", 4),)
    )
    kept = PersistentMilp(base, solver=solver)
    assert kept.solve().x.tolist() == [1, 1, 0]  # type: ignore[union-attr]
    more = kept.solve(rhs={0: 6.0}, start=np.array([1, 1, 0]))
    assert more.status == "optimal" and more.objective == 12.0
    fixed = kept.solve(fixed_zero=np.array([True, False, False]))
    assert fixed.status == "optimal" and fixed.x.tolist() == [0, 1, 1]  # type: ignore[union-attr]
    again = kept.solve()  # the changes of earlier solves do not carry over
    fresh = solve_milp(base, solver=solver)
    assert again.objective == fresh.objective == 9.0
