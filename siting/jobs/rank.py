"""Rank relocation sites for one company: profile -> criteria -> model -> explained result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import Problem, SitingInputError
from siting.criteria.evaluation import Evaluation, describe_needs, evaluate
from siting.criteria.site_facts import SiteFacts
from siting.criteria.unknowns import unknown_note
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.origin import (
    resolve_origin,
)
from siting.inputs.profile import Profile, load_profile, needs_year_warning
from siting.inputs.travel_times import TravelTimes, travel_note, with_travel_times
from siting.jobs.explain import earliest_fit, funnel, infeasibility, near_misses
from siting.jobs.facts_cache import cached_site_facts
from siting.jobs.rank_records import recommendation, recommendations, site_outcomes
from siting.layers.load import GeoData, load_geodata
from siting.layers.municipality_index import municipality_index
from siting.layers.site_table import site_cells
from siting.model.rows import HardConstraint, best_sites, feasible_mask, id_ranks
from siting.model.site_choice import RankingSolution, SiteChoiceModel, rank_by_enumeration
from siting.model.two_site import PairSolution, TwoSiteModel, pairs_by_enumeration
from siting.results.live_scores import ScoreTable
from siting.results.ranking import PairRecommendation, RankingResult

if TYPE_CHECKING:
    import pandas as pd

    from siting.layers.site_cells import SiteCells

#: Exact method for the single-site choice: sort the feasible sites (the problem is separable;
#: tests show it equals the MILP of every backend). Fast: used for screening and benchmarks.
ENUMERATION = "enumeration"


def constraint_rows(ev: Evaluation) -> list[HardConstraint]:
    """Return an evaluation's rules as model rows: ``slack_i >= 0`` for the chosen site.

    Parameters
    ----------
    ev
        The evaluation of one lead (or one role) on every site.

    Returns
    -------
    list of HardConstraint
        One row per rule, on the slacks as :meth:`Evaluation.model_slacks` rounds them.
    """
    return [
        HardConstraint(name=name, values=slack, sense=">=", rhs=0.0)
        for name, slack in ev.model_slacks().items()
    ]


def feasible_ranks(ev: Evaluation, top_ids: Sequence[str]) -> dict[str, int]:
    """Return every feasible site's rank: ``top_ids`` first, in their order, then the rest.

    The rest follow in the enumeration's order (utility, then site id); ``top_ids`` is the
    solver's own top (the same sites as the enumeration's, in its order).
    """
    chosen = set(top_ids)
    rest = (ev.site_ids[i] for i in enumeration_order(ev))
    ranked = [*top_ids, *(sid for sid in rest if sid not in chosen)]
    return {sid: k for k, sid in enumerate(ranked, start=1)}


def enumeration_order(ev: Evaluation, rows: Sequence[HardConstraint] | None = None) -> list[int]:
    """Return every feasible site, best first, in the enumeration's order.

    The order of :func:`~siting.model.site_choice.rank_by_enumeration` (quantised utility,
    then site id: a total order, so its top k is the head of this list).

    Parameters
    ----------
    ev
        The evaluation.
    rows
        Its :func:`constraint_rows`, when already built.

    Returns
    -------
    list of int
        Site indices.
    """
    rows = constraint_rows(ev) if rows is None else rows
    feasible = feasible_mask(rows, len(ev.site_ids))
    utility = np.asarray(ev.utility, dtype=float)[None, :]
    order = best_sites(utility, feasible[None, :], id_ranks(ev.site_ids), max(1, feasible.size))[0]
    return order[order >= 0].tolist()


def rank_sites(
    profile: Profile | str | Path,
    *,
    top: int = 10,
    solver: str | None = None,
    time_limit_s: float | None = None,
    geodata_dir: str | Path | None = None,
    catalogue: Catalogue | str | Path | None = None,
    data: GeoData | None = None,
    travel_times: str | Path | TravelTimes | None = None,
    weights: Mapping[str, float] | None = None,
) -> RankingResult:
    """Rank the candidate sites for a company and explain every recommendation.

    Parameters
    ----------
    profile
        A :class:`~siting.inputs.profile.Profile` or the path of a profile TOML file.
    top
        How many sites to recommend.
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"`` (the MILP), or ``"enumeration"`` (exact
        enumeration of the same scores and rules); default
        :data:`siting.settings.default_solver`.
    time_limit_s
        Time limit per solve [s]; default :data:`siting.settings.time_limit_s`.
    geodata_dir
        Data folder; ``None`` for the default.
    catalogue
        Criteria catalogue or its file; ``None`` for :data:`siting.settings.criteria_file`.
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.
    travel_times
        A travel-time matrix (municipality x municipality, minutes) or its CSV file: talent
        within reach is then weighted by travel time where the matrix gives it
        (:mod:`siting.inputs.travel_times`).
    weights
        Criterion -> weight, over the profile's weights (``siting rank --weights``; the
        weights are scaled to sum 1 over the applicable criteria, as always).

    Returns
    -------
    RankingResult
        With ``status == "infeasible"`` and an :class:`~siting.results.ranking.Infeasibility` when
        no
        site fits.

    Raises
    ------
    SitingInputError
        For an invalid profile, catalogue or data folder.
    """
    file = str(profile) if not isinstance(profile, Profile) else "profile"
    profile, catalogue = _inputs(profile, weights, catalogue, top=top)
    data = load_geodata(geodata_dir) if data is None else data
    data = with_travel_times(data, travel_times)
    table = site_cells(data=data)
    origin = resolve_origin(profile, data, file=file)
    facts = cached_site_facts(table, data)
    ev = evaluate(profile, facts, catalogue, origin_xy=origin)
    return ranking_of(
        ev, profile, data, catalogue, origin, top=top, solver=solver, time_limit_s=time_limit_s
    )


def ranking_of(
    ev: Evaluation,
    profile: Profile,
    data: GeoData,
    catalogue: Catalogue,
    origin: tuple[float, float] | None,
    *,
    top: int,
    solver: str | None,
    time_limit_s: float | None,
) -> RankingResult:
    """Rank and explain an evaluated profile (:func:`rank_sites` after its evaluation).

    ``data`` is the data ``ev`` was evaluated on (its site table is :func:`site_cells`'s),
    ``profile`` the profile as evaluated, with its weights, ``origin`` its current location
    in EPSG:28992 [m].
    """
    table = site_cells(data=data)
    facts = cached_site_facts(table, data)
    solution = _choose(ev, solver=solver, time_limit_s=time_limit_s, top=top)
    feasible = np.flatnonzero(ev.feasible)
    ranked = [r.index for r in solution.ranking]
    pairs: tuple[PairRecommendation, ...] = ()
    pair_status = ""
    if profile.two_site is not None:
        pairs, pair_status = _rank_pairs(
            profile,
            table,
            facts,
            catalogue,
            origin,
            top=top,
            solver=solver,
            time_limit_s=time_limit_s,
        )
    return RankingResult(
        case_id=profile.company.id,
        needs=describe_needs(profile, catalogue),
        weights={k: round(v, 4) for k, v in ev.weights.items() if v > 0},
        status=solution.status,
        objective=round(solution.objective, 6) if ranked else float("nan"),
        gap=solution.gap,
        solve_time_s=round(solution.solve_time_s, 4),
        solver=solution.solver,
        n_solves=solution.n_solves,
        recommendations=recommendations(ev, table, ranked, feasible),
        funnel=funnel(ev),
        near_misses=near_misses(ev, table),
        infeasibility=None if ranked else infeasibility(ev, table),
        n_sites=len(table),
        n_feasible=int(feasible.size),
        n_unverified=int(ev.unverified.sum()),
        notes=_notes(profile, ev, data),
        sites=site_outcomes(ev, table, ranked),
        origin=_origin_lonlat(origin, data),
        pairs=pairs,
        pair_status=pair_status,
        earliest_fit=earliest_fit(ev, table, profile.needs.year),
        live=score_table(ev),
    )


def _choose(
    ev: Evaluation, *, solver: str | None, time_limit_s: float | None, top: int
) -> RankingSolution:
    """Choose the top sites: exact enumeration, or the MILP of the solver named."""
    if solver == ENUMERATION:
        return rank_by_enumeration(ev.site_ids, ev.utility, constraint_rows(ev), top_k=top)
    model = SiteChoiceModel(
        site_ids=ev.site_ids, utility=ev.utility, constraints=constraint_rows(ev)
    )
    return model.solve(solver=solver, time_limit_s=time_limit_s, top_k=top)


def _inputs(
    profile: Profile | str | Path,
    weights: Mapping[str, float] | None,
    catalogue: Catalogue | str | Path | None,
    *,
    top: int,
) -> tuple[Profile, Catalogue]:
    """Read the profile (with the weights given over its own) and the catalogue; check top."""
    if not isinstance(profile, Profile):
        profile = load_profile(profile)
    if weights:
        profile = profile.model_copy(update={"weights": {**profile.weights, **weights}})
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    if top < 1:
        raise SitingInputError(
            Problem(file="<options>", column="top", label="option", message="must be at least 1")
        )
    return profile, catalogue


def _origin_lonlat(origin: tuple[float, float] | None, data: GeoData) -> tuple[float, float] | None:
    """Return the current location in WGS84 [degree], rounded, or ``None``.

    A municipality's point has its lon/lat in the municipality index (the same transform,
    done when the layers were read); another point is transformed here.
    """
    if origin is None:
        return None
    found = municipality_index(data).lonlat_of(origin)
    if found is None:
        from siting._crs import to_display

        lon, lat = to_display(np.array([origin[0]]), np.array([origin[1]]))
        found = float(lon[0]), float(lat[0])
    return (round(found[0], 6), round(found[1], 6))


def _notes(profile: Profile, ev: Evaluation, data: GeoData) -> tuple[str, ...]:
    """Return the notes: criteria not used, travel times, a year past, unknown facts."""
    notes = tuple(
        f"{c.label}: not used ({c.note})" for c in ev.criteria if not c.applicable and c.note
    )
    travel = travel_note(data.travel_times)
    if travel is not None:
        notes += (travel,)
    past = needs_year_warning(profile)
    if past is not None:
        notes += (past,)
    notes += (unknown_note(profile.constraints.allow_unknown, profile.constraints.verify),)
    if not any(w > 0 for w in ev.weights.values()):
        notes += (
            "every criterion weight is 0: each feasible site scores 0, so the order is by "
            "site id only; give a criterion a weight > 0 to rank the sites.",
        )
    return notes


def score_table(ev: Evaluation) -> ScoreTable:
    """Return the feasible sites' scores per applicable criterion, for live weights in a map.

    Parameters
    ----------
    ev
        The evaluation of the lead.

    Returns
    -------
    ScoreTable
        Criteria in catalogue order with their (scaled) weights; sites in site-table order.
    """
    criteria = [c for c in ev.criteria if c.applicable]
    feasible = np.flatnonzero(ev.feasible)
    matrix = np.column_stack([c.score[feasible] for c in criteria]) if criteria else None
    return ScoreTable(
        criteria=tuple(c.name for c in criteria),
        labels=tuple(c.label for c in criteria),
        weights=tuple(float(c.weight) for c in criteria),
        site_ids=tuple(ev.site_ids[i] for i in feasible),
        scores=tuple(map(tuple, matrix.astype(np.float64).tolist()))
        if matrix is not None
        else tuple(() for _ in feasible),
    )


def _rank_pairs(
    profile: Profile,
    table: pd.DataFrame | SiteCells,
    facts: SiteFacts,
    catalogue: Catalogue,
    origin: tuple[float, float] | None,
    *,
    top: int,
    solver: str | None,
    time_limit_s: float | None,
) -> tuple[tuple[PairRecommendation, ...], str]:
    """Rank two-site configurations (R&D + production) with :class:`TwoSiteModel`.

    Candidates are pre-filtered to the sites eligible for at least one role, which keeps the
    pair model small (its exact integer objective bounds the number of candidates).
    """
    assert profile.two_site is not None
    roles = {
        role: evaluate(profile, facts, catalogue, role=role, origin_xy=origin)
        for role in ("rnd", "production")
    }
    ev_r, ev_p = roles["rnd"], roles["production"]
    candidates = np.flatnonzero(ev_r.feasible | ev_p.feasible)
    if candidates.size < 2:
        return (), "infeasible"
    xy = facts.xy[candidates]
    distance = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) / 1e3

    def subset(ev: Evaluation) -> list[HardConstraint]:
        return [
            HardConstraint(c.name, c.values[candidates], c.sense, c.rhs)
            for c in constraint_rows(ev)
        ]

    if solver == ENUMERATION:
        solution = pairs_by_enumeration(
            [ev_r.site_ids[i] for i in candidates],
            ev_r.utility[candidates],
            ev_p.utility[candidates],
            subset(ev_r),
            subset(ev_p),
            distance,
            profile.two_site.max_distance_km,
            top_k=top,
        )
        return _pairs(solution, ev_r, ev_p, table, candidates), solution.status
    model = TwoSiteModel(
        site_ids=[ev_r.site_ids[i] for i in candidates],
        utility_rnd=ev_r.utility[candidates],
        utility_prod=ev_p.utility[candidates],
        constraints_rnd=subset(ev_r),
        constraints_prod=subset(ev_p),
        distance_km=distance,
        max_distance_km=profile.two_site.max_distance_km,
    )
    solution = model.solve(solver=solver, time_limit_s=time_limit_s, top_k=top)
    return _pairs(solution, ev_r, ev_p, table, candidates), solution.status


def _pairs(
    solution: PairSolution,
    ev_r: Evaluation,
    ev_p: Evaluation,
    table: pd.DataFrame | SiteCells,
    candidates: np.ndarray,
) -> tuple[PairRecommendation, ...]:
    return tuple(
        PairRecommendation(
            rank=pair.rank,
            utility=round(pair.utility, 4),
            distance_km=round(pair.distance_km, 2),
            rnd=recommendation(
                ev_r,
                table,
                int(candidates[pair.rnd_index]),
                rank=pair.rank,
                next_index=None,
                candidates=np.flatnonzero(ev_r.feasible),
            ),
            production=recommendation(
                ev_p,
                table,
                int(candidates[pair.prod_index]),
                rank=pair.rank,
                next_index=None,
                candidates=np.flatnonzero(ev_p.feasible),
            ),
        )
        for pair in solution.ranking
    )
