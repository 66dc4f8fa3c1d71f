"""Criteria and hard constraints: from the site table and a profile to scores and slacks.

The catalogue (``models/criteria.toml``, :mod:`siting.inputs.catalogue`) names the criteria, their
units and normalisation, the weight presets per kind of room to grow, and the parameters of the
hard constraints; the site facts come from :mod:`siting.criteria.site_facts` and the rule ids, the
no-limit slack and the pass test from :mod:`siting.criteria.rules`. Given a profile,
:func:`evaluate`
returns, per site, every hard constraint's slack (in its unit; NaN
where the data do not say) and every criterion's raw value, normalised score and weight.

Hard constraints (each a named rule; a site must pass all):

``space``
    Available area >= the plot needed [ha]. A fully issued site has 0 ha available. Skipped when
    the profile needs no plot.
``availability_year``
    The site can deliver plots by the year needed: a site with status ``available`` can; a
    ``planned`` one from its ``available_year`` (unknown when not stated); a ``fully_issued``
    one cannot.
``environmental_category``
    Highest environmental category allowed >= the category needed, on the VNG scale with its
    sub-categories (:mod:`siting.vng`; slack in steps of the scale, 3.2 -> 4.1 is one step; a
    whole 3, 4 or 5 on either side that the sub-category would decide is unknown); applies from
    category ``environmental_category_applies_from`` (3) up, as categories 1-2 fit on any
    business park.
``site_fit`` (designation vs activity)
    The site's designation and zoning admit the activity: no hazardous category on a mixed
    urban area or next to housing, a quay for a water-bound need, heavy transport not to a
    campus or mixed area, production on a campus plot only where allowed, a sector-reserved
    park only for that sector, seaport land only for a port-related lead (a question where only
    the port authority's land policy reserves it; :mod:`siting.criteria.site_fit`); unknown
    designation: unknown.
``grid`` (grid connection in time)
    A demand connection above ``small_connection_mw`` (3x80 A) must be had firm by the year
    needed plus the delay the profile accepts (``constraints.max_delay_years``): slack = year
    + delay - the earliest connection year [years], derived from the site's candidate supply
    areas and the TenneT level above them (:mod:`siting.criteria.grid_rule`). Certain only
    where every candidate area agrees; otherwise unknown ("confirm with the operator"), as is
    a class 1 or 2 area when the profile accepts a flexible contract.
``cleanroom``
    When the profile needs cleanroom space: the site is cleanroom-ready, or a campus within reach
    offers a shared cleanroom; unknown when no source states either.
``vibration_free``, ``heavy_transport``
    When the profile needs them: a source states the site offers them. The flags mean
    "stated by a source", so a site where no source says so is unknown, not failing.
``relocation_distance``
    Straight-line distance from the current location <= ``max_relocation_km`` [km].
``provinces``
    The site's province is included (when a list is given) and not excluded.
``rnd_campus`` (R&D site of a two-site configuration)
    A campus active in one of the company's NTS domains lies within ``rnd_campus_reach_km``.

A site passes a rule when its slack, rounded to :data:`SLACK_DECIMALS` (3) decimals, is >= 0:
the ranking, the model and the explanations judge the same rounded numbers. A site whose fact
is unknown passes the rule as a question to confirm (:mod:`siting.criteria.unknowns`), unless
the profile requires the rule verified (``constraints.verify``) or sets the strict mode
``constraints.allow_unknown = false``; then it fails.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any, Literal

import numpy as np

from siting import vocab
from siting.criteria import floor_space, grid_texts
from siting.criteria.batch import BatchEvaluation, evaluate_batch
from siting.criteria.evaluated import ConstraintEvaluation, CriterionEvaluation, Evaluation
from siting.criteria.feasible_years import FIT_HORIZON_YEARS, feasible_from_years
from siting.criteria.grid_rule import GridOutcome
from siting.criteria.lead_params import LeadParams, _role_needs, batch_fit_checks
from siting.criteria.lead_texts import _constraints, _criteria, _describe_fit, _describe_pipeline
from siting.criteria.rules import NO_LIMIT, RULES, SLACK_DECIMALS
from siting.criteria.site_facts import SiteFacts
from siting.inputs.catalogue import Catalogue
from siting.inputs.profile import Profile

__all__ = [
    "FIT_HORIZON_YEARS",
    "NO_LIMIT",
    "RULES",
    "SLACK_DECIMALS",
    "BatchEvaluation",
    "ConstraintEvaluation",
    "CriterionEvaluation",
    "Evaluation",
    "LeadParams",
    "batch_fit_checks",
    "describe_needs",
    "evaluate",
    "evaluate_batch",
    "evaluate_many",
    "feasible_from_years",
]


def evaluate(
    profile: Profile,
    facts: SiteFacts,
    catalogue: Catalogue,
    *,
    role: Literal["single", "rnd", "production"] = "single",
    origin_xy: tuple[float, float] | None = None,
) -> Evaluation:
    """Evaluate every hard constraint and criterion of a profile on every site.

    This is :func:`evaluate_batch` for one lead, with the rules' texts added.

    Parameters
    ----------
    profile
        The company profile.
    facts
        The sites' facts (:func:`site_facts`).
    catalogue
        The criteria catalogue.
    role
        ``"single"`` for a one-site search; ``"rnd"`` or ``"production"`` for the two sites of a
        two-site configuration (the profile's needs are split, see
        :class:`siting.inputs.profile.TwoSite`).
    origin_xy
        The current location in EPSG:28992 [m], if known.

    Returns
    -------
    Evaluation
    """
    return evaluate_many([profile], facts, catalogue, role=role, origins=[origin_xy])[0]


def evaluate_many(
    profiles: Sequence[Profile],
    facts: SiteFacts,
    catalogue: Catalogue,
    *,
    role: Literal["single", "rnd", "production"] = "single",
    origins: Sequence[tuple[float, float] | None] | None = None,
) -> list[Evaluation]:
    """Evaluate several profiles on every site at once: :func:`evaluate` of each.

    One :func:`evaluate_batch` for all of them (the variants of a sweep share the site
    facts; their rules and criteria are computed for every profile in one pass), then each
    profile's texts. Evaluation ``l`` equals :func:`evaluate` of profile ``l`` alone (row
    ``l`` of a batch is that lead's evaluation).

    Parameters
    ----------
    profiles
        The company profiles.
    facts, catalogue, role
        As for :func:`evaluate`.
    origins
        Per profile its current location in EPSG:28992 [m], if known.

    Returns
    -------
    list of Evaluation
        In the order of ``profiles``.
    """
    origins = [None] * len(profiles) if origins is None else list(origins)
    params = LeadParams.from_profiles(profiles, catalogue, origins=origins, role=role)
    batch = evaluate_batch(params, facts, catalogue)
    one = params if len(profiles) == 1 else None
    return [
        _evaluation(
            profile,
            facts,
            catalogue,
            role,
            origin,
            _row(batch, row),
            one,
            _known_grid(batch, params, row),
        )
        for row, (profile, origin) in enumerate(zip(profiles, origins, strict=True))
    ]


def _evaluation(
    profile: Profile,
    facts: SiteFacts,
    catalogue: Catalogue,
    role: Literal["single", "rnd", "production"],
    origin_xy: tuple[float, float] | None,
    batch: BatchEvaluation,
    params: LeadParams | None,
    known_grid: tuple[float, float, bool, GridOutcome] | None = None,
) -> Evaluation:
    """Return one lead's evaluation from its batch row (``batch`` of one row), texts added.

    ``params`` are the lead's needs as the batch read them, when the batch had this lead
    only (else they are read again for :attr:`Evaluation.feasible_from`, when asked).
    """
    needs = _role_needs(profile, role, catalogue.params.floor_space_index)
    origin_km = None if origin_xy is None else batch.raw["relocation_distance"][0]
    p = catalogue.params
    grid = grid_texts.site_texts(
        facts.grid,
        power_mw=needs.power_mw,
        year=profile.needs.year,
        delay_years=profile.constraints.max_delay_years,
        accepts_flexible=profile.constraints.flexible_connection,
        small_mw=p.small_connection_mw,
        small_reach=p.small_connection_reach,
        known=known_grid,
    )
    constraints = _constraints(profile, needs, facts, origin_km, catalogue, batch, grid)
    criteria = _criteria(
        profile, needs, catalogue, role, batch, grid, located=origin_xy is not None, facts=facts
    )
    pools = {lvl: facts.reach[f"{lvl}_talent_reach"] for lvl in vocab.EDUCATION_LEVELS}
    criteria = tuple(
        replace(
            c,
            describe=partial(_describe_fit, c.raw, needs.talent, pools),
        )
        if c.name == "talent_fit"
        else replace(
            c,
            describe=partial(_describe_pipeline, c.raw, needs.talent),
        )
        if c.name == "student_pipeline"
        else c
        for c in criteria
    )
    weights = {c.name: c.weight for c in criteria}

    def fit_years(ev: Evaluation) -> np.ndarray:
        needs = params
        if needs is None:
            needs = LeadParams.from_profiles([profile], catalogue, origins=[origin_xy], role=role)
        return feasible_from_years(ev, needs, facts, catalogue)

    return Evaluation(
        site_ids=facts.site_ids,
        constraints=constraints,
        criteria=criteria,
        allow_unknown=profile.constraints.allow_unknown,
        role=role,
        weights=weights,
        fit_years=fit_years,
    )


def _known_grid(
    batch: BatchEvaluation, params: LeadParams, row: int
) -> tuple[float, float, bool, GridOutcome] | None:
    """Return lead ``row``'s grid need and the rule's outcome for it, as the batch found them.

    The batch's rows are its leads' distinct (need, target year, flexible) combinations.
    """
    rows = batch.grid
    if rows is None:
        return None
    g = int(rows.group[row])
    o, one = rows.outcome, slice(g, g + 1)
    outcome = GridOutcome(
        lo=o.lo[one], hi=o.hi[one], slack=o.slack[one], flexible=o.flexible[one], spare=o.spare[one]
    )
    return float(rows.power[g]), float(rows.target[g]), bool(params.flexible[row, 0]), outcome


class _RowValues(Mapping[str, np.ndarray]):
    """Name -> row ``row`` of a batch's ``(L, N)`` arrays, as a ``(1, N)`` view."""

    def __init__(self, values: Mapping[str, np.ndarray], row: int) -> None:
        self._values = values
        self._row = row

    def __getitem__(self, name: str) -> np.ndarray:
        return self._values[name][self._row : self._row + 1]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _row(batch: BatchEvaluation, row: int) -> BatchEvaluation:
    """Return lead ``row`` of a batch as a batch of one lead (views: nothing is copied)."""
    if len(batch.allow_unknown) == 1:
        return batch
    one = slice(row, row + 1)
    return BatchEvaluation(
        site_ids=batch.site_ids,
        slack=_RowValues(batch.slack, row),
        active=batch.active[one],
        raw=_RowValues(batch.raw, row),
        score=_RowValues(batch.score, row),
        applicable=batch.applicable[one],
        weights=batch.weights[one],
        allow_unknown=batch.allow_unknown[one],
        accept_unknown=batch.accept_unknown[one],
    )


def describe_needs(profile: Profile, catalogue: Catalogue | None = None) -> dict[str, Any]:
    """Return the profile's key needs in words, for tables and maps (no confidential name).

    A two-site profile adds ``max_distance_km``, the largest distance between its sites [km].
    With the catalogue, a plot set by the floor space says so (its floor-space index).
    """
    fsi = 0.6 if catalogue is None else catalogue.params.floor_space_index
    n = profile.needs
    two_site = (
        {} if profile.two_site is None else {"max_distance_km": profile.two_site.max_distance_km}
    )
    return {
        "id": profile.company.id,
        "year": n.year,
        "plot": floor_space.plot_words(n.land_ha, n.floor_m2, fsi),
        "floor": f"{n.floor_m2:,.0f} m2" if n.floor_m2 else "none",
        "power": f"{n.power_mw:g} MW",
        "environmental_category": _category_number(n.environmental_category),
        "cleanroom": f"{n.cleanroom_m2:,.0f} m2" if n.cleanroom_m2 else "none",
        "talent": f"mbo {n.talent.mbo:g} / hbo {n.talent.hbo:g} / wo {n.talent.wo:g} FTE",
        "nts_domains": [vocab.NTS_DOMAINS[d] for d in profile.company.nts_domains],
        "space_types": list(profile.constraints.space_types),
        **two_site,
    }


def _category_number(category: float) -> int | float:
    """Return an environmental category as written: ``4`` stays an int, ``4.1`` a float."""
    return int(category) if category == int(category) else category
