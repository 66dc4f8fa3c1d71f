"""A warm ranking's shortcuts give what the plain computation gives.

Site outcomes built when read, several profiles evaluated in one batch (a sweep), the
rank-stability ranges of several sites at once: each checked against the direct computation.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import siting
from siting.criteria.evaluated import CriterionEvaluation, Evaluation
from siting.criteria.evaluation import evaluate, evaluate_many
from siting.inputs.catalogue import load_catalogue
from siting.inputs.origin import resolve_origin
from siting.inputs.profile import load_profile
from siting.jobs.explain_sites import weight_ranges_at
from siting.jobs.facts_cache import cached_site_facts
from siting.jobs.rank import feasible_ranks, rank_sites
from siting.jobs.sweep_steps import rank_step, rank_steps, sweep_base
from siting.results.ranking_dict import ranking_from_dict
from siting.results.site_outcomes import SiteOutcomes

from .conftest import REPO

MICROCHIP = REPO / "models" / "cases" / "case2_microchip_dense_region.toml"


# --- synthetic: rank-stability ranges -----------------------------------------------------------


def _rank_of(utility: np.ndarray, i: int) -> int:
    """Position of site ``i`` by utility, best first (no ties in these data)."""
    return int((utility > utility[i]).sum())


def test_weight_ranges_bound_the_weights_over_which_a_site_keeps_its_rank():
    rng = np.random.default_rng(7)
    n = 12
    scores = rng.random((3, n))
    weights = (0.5, 0.3, 0.2)
    criteria = tuple(
        CriterionEvaluation(
            name=f"c{k}",
            label=f"criterion {k}",
            unit="",
            direction="max",
            raw=scores[k],
            score=scores[k],
            weight=w,
            applicable=True,
        )
        for k, w in enumerate(weights)
    )
    ev = Evaluation(
        site_ids=tuple(f"s{j:02d}" for j in range(n)),
        constraints=(),
        criteria=criteria,
        allow_unknown=True,
    )
    candidates = np.arange(n)
    sites = list(range(n))
    checked = 0
    for i, ranges in zip(sites, weight_ranges_at(ev, sites, candidates), strict=True):
        for k, r in enumerate(ranges):

            def rank_at(w: float, k: int = k, i: int = i) -> int:
                return _rank_of(ev.utility + (w - weights[k]) * scores[k], i)

            before = rank_at(weights[k])
            if r.high - r.low > 0.01:  # inside the range (bounds rounded to 4 decimals)
                assert rank_at(r.low + 0.002) == before
                assert rank_at(min(r.high, 2.0) - 0.002) == before
                checked += 1
            if np.isfinite(r.high):  # past the upper bound a candidate crosses the site
                assert rank_at(r.high + 0.002) != before
            if r.low > 0.002:
                assert rank_at(r.low - 0.002) != before
    assert checked > 10


def test_a_site_without_competitors_keeps_its_rank_at_any_weight():
    criteria = (
        CriterionEvaluation(
            "c", "c", "", "max", np.array([0.2, 0.9]), np.array([0.2, 0.9]), 1.0, True
        ),
    )
    ev = Evaluation(site_ids=("a", "b"), constraints=(), criteria=criteria, allow_unknown=True)
    ((alone,),), ((with_other,),) = (
        weight_ranges_at(ev, [1], np.array([1])),
        weight_ranges_at(ev, [1], np.array([0, 1])),
    )
    assert (alone.low, alone.high) == (0.0, np.inf)
    assert with_other.high == np.inf and with_other.low < 1.0


# --- real data ----------------------------------------------------------------------------------


def test_site_outcomes_are_built_when_read_and_equal_their_records():
    result = rank_sites(MICROCHIP, top=5, solver="enumeration")
    sites = result.sites
    assert isinstance(sites, SiteOutcomes)
    assert len(sites) == result.n_sites
    assert "not built" in repr(sites)  # the length does not build the records
    records = tuple(sites)
    assert "not built" not in repr(sites)
    assert sites == records and records == sites
    recommended = [s.site_id for s in records if s.outcome == "recommended"]
    assert recommended == sorted(
        (r.site_id for r in result.recommendations), key=[s.site_id for s in records].index
    )
    assert sum(s.outcome != "excluded" for s in records) == result.n_feasible
    assert pickle.loads(pickle.dumps(sites)) == records
    assert ranking_from_dict(result.to_dict()).sites == sites


def test_profiles_evaluated_together_equal_each_evaluated_alone():
    data = siting.load_geodata()
    table = siting.site_table(data=data)
    facts = cached_site_facts(table, data)
    catalogue = load_catalogue()
    base = load_profile(MICROCHIP)
    profiles = [
        base.model_copy(update={"needs": base.needs.model_copy(update=change)})
        for change in ({"power_mw": 2.0}, {"power_mw": 12.0, "year": 2027}, {"land_ha": 8.0})
    ]
    origin = resolve_origin(base, data, file="profile")
    together = evaluate_many(profiles, facts, catalogue, origins=[origin] * len(profiles))
    some = [*np.flatnonzero(together[1].feasible)[:3].tolist(), 0, len(table) - 1]
    for profile, ev in zip(profiles, together, strict=True):
        alone = evaluate(profile, facts, catalogue, origin_xy=origin)
        assert [c.name for c in ev.constraints] == [c.name for c in alone.constraints]
        for a, b in zip(ev.constraints, alone.constraints, strict=True):
            np.testing.assert_array_equal(a.slack, b.slack)
            assert a.requirement == b.requirement
            assert [a.describe(i) for i in some] == [b.describe(i) for i in some]
        for a, b in zip(ev.criteria, alone.criteria, strict=True):
            np.testing.assert_array_equal(a.raw, b.raw)
            np.testing.assert_array_equal(a.score, b.score)
            assert a.weight == b.weight
        np.testing.assert_array_equal(ev.utility, alone.utility)
        np.testing.assert_array_equal(ev.feasible_from, alone.feasible_from)


@pytest.mark.parametrize("solver", ["enumeration", "highs"])
def test_a_sweep_in_one_batch_ranks_each_value_as_alone(solver):
    data = siting.load_geodata()
    base = sweep_base(data)
    catalogue = load_catalogue()
    profile = load_profile(MICROCHIP)
    profiles = [
        profile.model_copy(update={"needs": profile.needs.model_copy(update={"land_ha": ha})})
        for ha in (1.0, 5.0, 20.0)
    ]
    steps = rank_steps(base, profiles, file="p", top=5, solver=solver, catalogue=catalogue)
    for p, step in zip(profiles, steps, strict=True):
        alone = rank_step(base, p, file="p", top=5, solver=solver, catalogue=catalogue)
        assert step.top == alone.top
        assert step.rank == alone.rank
        # the top and the ranks of a full ranking: the solver's top first, then the rest
        ranked = rank_sites(p, top=5, solver=solver, data=data)
        top_ids = [r.site_id for r in ranked.recommendations]
        assert [s.site_id for s in step.top] == top_ids
        assert step.rank == feasible_ranks(step.ev, top_ids)
        assert (step.n_feasible, step.n_verified) == (alone.n_feasible, alone.n_verified)
        assert step.verified_by_rule == alone.verified_by_rule
    assert steps[0].n_feasible > steps[-1].n_feasible  # the need matters: a real sweep


# --- what a warm ranking keeps per table or layer is not stale when they change -------------------


def test_a_recommendations_site_facts_are_those_of_the_table_it_is_read_from():
    from siting.jobs.rank_records import _row
    from siting.layers.site_cells import RANKING_COLUMNS as _ROW_COLUMNS

    table = siting.site_table()
    first = dict(_row(table, 0))
    cells = {c: table.iat[0, table.columns.get_loc(c)] for c in _ROW_COLUMNS}
    assert list(first) == list(cells)
    for column, value in cells.items():  # the cells themselves (a missing value is NA or NaN)
        assert first[column] is value or first[column] == value or (value != value), column
    changed = table.copy()
    changed.iloc[0, changed.columns.get_loc("name")] = "Renamed park"
    changed.iloc[0, changed.columns.get_loc("available_ha")] = 123.5
    again = _row(changed, 0)
    assert again["name"] == "Renamed park" and again["available_ha"] == 123.5
    assert _row(table, 0)["name"] == first["name"] != "Renamed park"
    with pytest.raises(TypeError):
        _row(table, 0)["name"] = "x"  # type: ignore[index]  # shared between rankings


def test_a_current_location_is_found_in_the_municipalities_it_is_asked_of():
    from dataclasses import replace

    data = siting.load_geodata()
    profile = load_profile(MICROCHIP)  # Eindhoven
    here = resolve_origin(profile, data, file="profile")
    munis = data.municipalities.copy()
    k = munis.index[munis["name"] == "Eindhoven"][0]
    munis.loc[k, "geometry"] = munis.geometry.loc[k].__class__(here[0] + 1000.0, here[1])
    moved = replace(data, municipalities=munis)
    assert resolve_origin(profile, moved, file="profile") == (here[0] + 1000.0, here[1])
    assert resolve_origin(profile, data, file="profile") == here
