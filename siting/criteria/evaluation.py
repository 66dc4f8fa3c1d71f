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
    Highest environmental category allowed >= the category needed; applies from category
    ``environmental_category_applies_from`` (3) up, as categories 1-2 fit on any business park.
``site_fit`` (designation vs activity)
    The site's designation and zoning admit the activity: no hazardous category on a mixed
    urban area or next to housing, a quay for a water-bound need, heavy transport not to a
    campus or mixed area, production on a campus plot only where allowed, a sector-reserved
    park only for that sector (:mod:`siting.criteria.site_fit`); unknown designation: unknown.
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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from typing import Any, Literal, cast

import numpy as np

from siting import settings, vocab
from siting.criteria import cluster, floor_space, grid_rule, grid_texts, site_fit, unknowns
from siting.criteria import talent as talent_scores
from siting.criteria.rules import NO_LIMIT, RULES, SLACK_DECIMALS, slack_passes
from siting.criteria.site_facts import DOMAIN_INDEX, FACILITY_INDEX, SiteFacts
from siting.inputs.catalogue import Catalogue, CriterionSpec, resolve_weights
from siting.inputs.profile import Profile


@dataclass(frozen=True)
class ConstraintEvaluation:
    """One hard constraint evaluated on every site.

    Attributes
    ----------
    name, label
        Rule id and readable name.
    unit
        Unit of the slack.
    requirement
        What the profile asks, in words.
    slack
        Per site: how far the site is from failing, in ``unit`` (>= 0 passes, < 0 fails, NaN
        unknown, :data:`NO_LIMIT` for "no restriction here").
    describe
        Site index -> the fact the rule looked at, in words (computed on demand: only the
        explained sites need it).
    advise
        Site index -> what would make a site that misses pass, in words (``None``: the
        explanation words it from the slack).
    accept_unknown
        Whether an unknown fact passes this rule as a question to confirm (the profile's
        ``allow_unknown`` and ``verify``, :func:`siting.criteria.unknowns.accepts_unknown`).
    """

    name: str
    label: str
    unit: str
    requirement: str
    slack: np.ndarray
    describe: Callable[[int], str]
    advise: Callable[[int], str] | None = None
    accept_unknown: bool = False

    @cached_property
    def ok(self) -> np.ndarray:
        """Sites the rule lets through: passing, or unknown where unknowns are accepted."""
        return (
            self.passes | (self.unknown & self.accept_unknown)
            if self.accept_unknown
            else self.passes
        )

    @cached_property
    def unknown(self) -> np.ndarray:
        """Sites whose data do not say."""
        return np.isnan(self.slack)

    @cached_property
    def passes(self) -> np.ndarray:
        """Sites that pass for certain (slack >= 0 at :data:`SLACK_DECIMALS`)."""
        return slack_passes(self.slack)


@dataclass(frozen=True)
class CriterionEvaluation:
    """One criterion evaluated on every site.

    Attributes
    ----------
    name, label, unit, direction
        From the catalogue.
    raw
        Per site: the value in ``unit`` (NaN where unknown: it scores 0).
    score
        Per site: the normalised score in [0, 1].
    weight
        Weight in the utility (weights sum to 1 over the applicable criteria).
    applicable
        Whether the criterion applies to the profile (else its weight is 0).
    note
        Why it does not apply, or how it was computed.
    describe
        Site index -> the value in words (``None``: the value and unit say it).
    """

    name: str
    label: str
    unit: str
    direction: str
    raw: np.ndarray
    score: np.ndarray
    weight: float
    applicable: bool
    note: str = ""
    describe: Callable[[int], str] | None = None

    @property
    def contribution(self) -> np.ndarray:
        """Per site: weight x score."""
        return self.weight * self.score


@dataclass(frozen=True)
class Evaluation:
    """Every constraint and criterion of a profile on every site.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    constraints, criteria
        The evaluations.
    allow_unknown
        The profile's ``allow_unknown`` (``False``: strict); which rules accept unknown facts
        is each constraint's :attr:`ConstraintEvaluation.accept_unknown`.
    role
        ``"single"``, ``"rnd"`` or ``"production"``.
    weights
        Criterion -> weight used.
    fit_years
        Computes :attr:`feasible_from` on demand (set by :func:`evaluate`).
    """

    site_ids: tuple[str, ...]
    constraints: tuple[ConstraintEvaluation, ...]
    criteria: tuple[CriterionEvaluation, ...]
    allow_unknown: bool
    role: str = "single"
    weights: Mapping[str, float] = field(default_factory=dict)
    fit_years: Callable[[Evaluation], np.ndarray] | None = field(default=None, repr=False)

    @cached_property
    def feasible_from(self) -> np.ndarray | None:
        """Per site: the earliest year needed from which it passes every rule.

        Inf where not in reach; ``None`` when the evaluation cannot tell (see
        :func:`feasible_from_years`).
        """
        return None if self.fit_years is None else self.fit_years(self)

    @cached_property
    def utility(self) -> np.ndarray:
        """Per site: the weighted sum of scores, in [0, 1]."""
        total = np.zeros(len(self.site_ids))
        for crit in self.criteria:
            total += crit.contribution
        return total

    @cached_property
    def feasible(self) -> np.ndarray:
        """Per site: passes every constraint (unknowns pass where the rule accepts them)."""
        ok = np.ones(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            ok &= con.ok
        return ok

    @cached_property
    def unverified(self) -> np.ndarray:
        """Per site: feasible only because some facts are unknown ("to confirm")."""
        unknown = np.zeros(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            unknown |= con.unknown
        return unknown & self.feasible

    def accepts_unknown(self, rule: str) -> bool:
        """Whether an unknown fact of ``rule`` passes as a question to confirm.

        A rule that does not apply answers with the profile's ``allow_unknown``.
        """
        for con in self.constraints:
            if con.name == rule:
                return con.accept_unknown
        return self.allow_unknown

    def model_slacks(self) -> dict[str, np.ndarray]:
        """Return each rule's slack as the model judges it: ``slack_i >= 0`` for the chosen site.

        Slacks are rounded to :data:`SLACK_DECIMALS`, so the model, the enumeration and
        :attr:`feasible` judge a site on exactly the same numbers; where the rule accepts
        unknown facts an unknown slack reads 0 (passes).

        Returns
        -------
        dict of str to numpy.ndarray
            Rule id -> slack per site, in the rule's unit.
        """
        rows = {}
        for con in self.constraints:
            slack = np.round(con.slack, SLACK_DECIMALS)
            if con.accept_unknown:
                slack = np.where(np.isnan(slack), 0.0, slack)
            rows[con.name] = slack
        return rows


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
    params = LeadParams.from_profiles([profile], catalogue, origins=[origin_xy], role=role)
    batch = evaluate_batch(params, facts, catalogue)
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
    return Evaluation(
        site_ids=facts.site_ids,
        constraints=constraints,
        criteria=criteria,
        allow_unknown=profile.constraints.allow_unknown,
        role=role,
        weights=weights,
        fit_years=lambda ev: feasible_from_years(ev, params, facts, catalogue),
    )


#: How many years after the year needed :func:`feasible_from_years` looks [years].
FIT_HORIZON_YEARS = 20


def feasible_from_years(
    ev: Evaluation, params: LeadParams, facts: SiteFacts, catalogue: Catalogue
) -> np.ndarray:
    """Per site: the earliest year needed from which it passes every rule (inf: not in reach).

    Only two rules depend on the year: plots deliverable in time and the grid connection in
    time; the others are taken as :func:`evaluate` found them. Years from the year needed to
    :data:`FIT_HORIZON_YEARS` later are tried; unknown facts pass where the profile allows
    them (as in :attr:`Evaluation.feasible`).

    Parameters
    ----------
    ev
        The evaluation of one lead.
    params
        Its needs (one row).
    facts, catalogue
        As for :func:`evaluate`.

    Returns
    -------
    numpy.ndarray
        Per site a year, or inf.
    """
    accepts = {con.name: con.accept_unknown for con in ev.constraints}
    others = np.ones(facts.n, dtype=bool)
    for con in ev.constraints:
        if con.name not in ("grid", "availability_year"):
            others &= con.ok
    years = params.year[0, 0] + np.arange(FIT_HORIZON_YEARS + 1, dtype=float)[:, None]
    site = facts.derived
    delivery = np.maximum(years - site.delivery_year, site.delivery_floor)
    ok = slack_passes(delivery) | (np.isnan(delivery) & accepts.get("availability_year", True))
    if params.power_mw[0, 0] > catalogue.params.small_connection_mw:
        n = years.shape[0]
        outcome = grid_rule.grid_outcome(
            facts.grid,
            np.full((n, 1), params.power_mw[0, 0]),
            years + params.max_delay_years[0, 0],
            np.full((n, 1), bool(params.flexible[0, 0])),
        )
        slack = outcome.slack[:, facts.grid.site_group]
        ok &= slack_passes(slack) | (np.isnan(slack) & accepts.get("grid", True))
    ok &= others
    first = np.where(ok.any(axis=0), ok.argmax(axis=0), -1)
    return np.where(first >= 0, years[np.maximum(first, 0), 0], np.inf)


@dataclass(frozen=True)
class LeadParams:
    """The needs of L leads as arrays with a leading lead axis (for :func:`evaluate_batch`).

    Column vectors have shape ``(L, 1)`` so they broadcast against the site arrays ``(N,)``.
    Build it with :meth:`from_profiles`.

    Attributes
    ----------
    role
        ``"single"``, ``"rnd"`` or ``"production"`` (the same for every lead).
    year, land_ha, power_mw, environmental_category, cleanroom_m2
        Needs per lead, ``(L, 1)`` floats (after the role's split).
    vibration_free, heavy_transport, needs_campus
        ``(L, 1)`` bools.
    max_relocation_km
        ``(L, 1)``; NaN when the profile sets no maximum.
    max_delay_years
        ``(L, 1)``: years the grid connection may come after the year needed.
    flexible
        ``(L, 1)`` bools: a flexible grid contract or own storage is acceptable.
    allow_unknown
        ``(L,)`` bools: the profiles' ``allow_unknown``.
    accept_unknown
        ``(L, R)`` bools over :data:`RULES`: whether an unknown fact passes the rule
        (:func:`siting.criteria.unknowns.accept_matrix`).
    talent
        Hires per level of :data:`siting.vocab.EDUCATION_LEVELS`, ``(L, 3)``.
    domains
        ``(L, D)``: how often each NTS domain of :data:`siting.vocab.NTS_DOMAINS` is named.
    origin
        Current location in EPSG:28992 [m], ``(L, 2)``; NaN when not known.
    include_provinces, exclude_provinces
        Per lead, the provinces (empty: no restriction).
    weights
        ``(L, C)``: resolved weights (presets, overrides, role factors) in catalogue order, not
        yet scaled to the applicable criteria.
    fit_checks, qualifies, activity
        The site-fit checks that apply (``(L, 5)`` bools, :func:`site_fit.lead_checks`), the
        sectors each lead belongs to and its activity (after the role's split).
    """

    role: str
    year: np.ndarray
    land_ha: np.ndarray
    power_mw: np.ndarray
    environmental_category: np.ndarray
    cleanroom_m2: np.ndarray
    vibration_free: np.ndarray
    heavy_transport: np.ndarray
    needs_campus: np.ndarray
    max_relocation_km: np.ndarray
    max_delay_years: np.ndarray
    flexible: np.ndarray
    allow_unknown: np.ndarray
    accept_unknown: np.ndarray
    talent: np.ndarray
    domains: np.ndarray
    origin: np.ndarray
    include_provinces: tuple[tuple[str, ...], ...]
    exclude_provinces: tuple[tuple[str, ...], ...]
    weights: np.ndarray
    fit_checks: np.ndarray
    qualifies: tuple[frozenset[str], ...]
    activity: tuple[str, ...]

    @property
    def n(self) -> int:
        """Number of leads."""
        return len(self.allow_unknown)

    @classmethod
    def from_profiles(
        cls,
        profiles: Sequence[Profile],
        catalogue: Catalogue,
        *,
        origins: Sequence[tuple[float, float] | None] | None = None,
        role: str = "single",
    ) -> LeadParams:
        """Collect the needs of some profiles.

        Raises
        ------
        SitingInputError
            When a profile weights a criterion the catalogue does not have.
        """
        n = len(profiles)
        origins = [None] * n if origins is None else list(origins)
        names = list(catalogue.criteria)
        factors = cast("Mapping[str, Mapping[str, float]]", catalogue.roles).get(role, {})
        scalars = np.zeros((n, 7))
        flags = np.zeros((n, 5), dtype=bool)
        talent = np.zeros((n, len(vocab.EDUCATION_LEVELS)))
        domains = np.zeros((n, len(DOMAIN_INDEX)))
        origin = np.full((n, 2), np.nan)
        weights = np.zeros((n, len(names)))
        include, exclude = [], []
        fit_checks = np.zeros((n, len(site_fit.CHECKS) - 1), dtype=bool)
        for k, (profile, xy) in enumerate(zip(profiles, origins, strict=True)):
            needs = _role_needs(profile, role, catalogue.params.floor_space_index)
            fit_checks[k] = site_fit.lead_checks(
                environmental_category=needs.environmental_category,
                water_bound=needs.water_bound,
                heavy_transport=needs.heavy_transport,
                activity=needs.activity,
                hazardous_from=catalogue.params.hazardous_category_from,
                industrial_from=catalogue.params.industrial_category_from,
            )
            limit = profile.constraints.max_relocation_km
            scalars[k] = (
                profile.needs.year,
                needs.land_ha,
                needs.power_mw,
                needs.environmental_category,
                needs.cleanroom_m2,
                np.nan if limit is None else limit,
                profile.constraints.max_delay_years,
            )
            flags[k] = (
                needs.vibration_free,
                needs.heavy_transport,
                needs.needs_campus,
                profile.constraints.allow_unknown,
                profile.constraints.flexible_connection,
            )
            talent[k] = [needs.talent[lvl] for lvl in vocab.EDUCATION_LEVELS]
            for d in profile.company.nts_domains:
                domains[k, DOMAIN_INDEX[d]] += 1
            if xy is not None:
                origin[k] = xy
            include.append(tuple(profile.constraints.include_provinces))
            exclude.append(tuple(profile.constraints.exclude_provinces))
            resolved = resolve_weights(profile, catalogue)
            for name, factor in factors.items():
                resolved[name] *= factor
            weights[k] = [resolved[name] for name in names]
        col = scalars[:, :, None]
        return cls(
            role=role,
            year=col[:, 0],
            land_ha=col[:, 1],
            power_mw=col[:, 2],
            environmental_category=col[:, 3],
            cleanroom_m2=col[:, 4],
            max_relocation_km=col[:, 5],
            max_delay_years=col[:, 6],
            flexible=flags[:, 4:5],
            vibration_free=flags[:, 0:1],
            heavy_transport=flags[:, 1:2],
            needs_campus=flags[:, 2:3],
            allow_unknown=flags[:, 3].copy(),
            accept_unknown=unknowns.accept_matrix(
                [(p.constraints.allow_unknown, p.constraints.verify) for p in profiles]
            ),
            talent=talent,
            domains=domains,
            origin=origin,
            include_provinces=tuple(include),
            exclude_provinces=tuple(exclude),
            weights=weights,
            fit_checks=fit_checks,
            qualifies=tuple(frozenset(p.constraints.qualifies_for) for p in profiles),
            activity=tuple(_role_needs(p, role).activity for p in profiles),
        )


@dataclass(frozen=True)
class BatchEvaluation:
    """Every constraint and criterion of L leads on N sites (from :func:`evaluate_batch`).

    Row ``l`` of every array equals what :func:`evaluate` gives for lead ``l`` alone.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    slack
        Rule id (every key of :data:`RULES`, in order) -> ``(L, N)`` slacks; :data:`NO_LIMIT`
        where the rule does not apply to the lead.
    active
        ``(L, R)``: which rules apply to which lead (the rules :func:`evaluate` lists).
    raw, score
        Criterion (catalogue order) -> ``(L, N)`` raw values and normalised scores (arrays the
        same for every lead may be broadcast views).
    applicable
        ``(L, C)``: whether the criterion applies to the lead.
    weights
        ``(L, C)``: weights in the utility (summing to 1 over the applicable criteria).
    allow_unknown
        ``(L,)``: the profiles' ``allow_unknown``.
    accept_unknown
        ``(L, R)``: whether an unknown fact passes the rule (rules in :data:`RULES` order).
    """

    site_ids: tuple[str, ...]
    slack: Mapping[str, np.ndarray]
    active: np.ndarray
    raw: Mapping[str, np.ndarray]
    score: Mapping[str, np.ndarray]
    applicable: np.ndarray
    weights: np.ndarray
    allow_unknown: np.ndarray
    accept_unknown: np.ndarray

    @property
    def rules(self) -> tuple[str, ...]:
        """Rule ids, in the order of :data:`RULES`."""
        return tuple(self.slack)

    @property
    def criteria(self) -> tuple[str, ...]:
        """Criterion names, in catalogue order."""
        return tuple(self.raw)

    @cached_property
    def utility(self) -> np.ndarray:
        """``(L, N)``: the weighted sum of scores (summed as :attr:`Evaluation.utility`).

        A criterion no lead weights adds exact zeros (scores are finite) and is skipped.
        """
        total = np.zeros((len(self.allow_unknown), len(self.site_ids)))
        term = np.empty_like(total)
        for c, name in enumerate(self.raw):
            if self.weights[:, c].any():
                np.multiply(self.weights[:, c, None], self.score[name], out=term)
                total += term
        return total

    @cached_property
    def passing(self) -> dict[str, np.ndarray]:
        """Rule -> ``(L, N)``: passes, or unknown where the rule accepts it (active rules)."""
        out = {}
        for r, name in enumerate(self.slack):
            if not self.active[:, r].any():
                continue
            rows = np.flatnonzero(self.accept_unknown[:, r])  # leads whose unknowns pass
            s = self.slack[name]
            ok = slack_passes(s)
            if rows.size == len(self.allow_unknown):
                ok |= np.isnan(s)
            elif rows.size:
                ok[rows] |= np.isnan(s[rows])
            out[name] = ok
        return out

    @cached_property
    def feasible(self) -> np.ndarray:
        """``(L, N)``: passes every rule (unknowns pass where allowed)."""
        ok = np.ones((len(self.allow_unknown), len(self.site_ids)), dtype=bool)
        for passing in self.passing.values():
            ok &= passing
        return ok

    @cached_property
    def unverified(self) -> np.ndarray:
        """``(L, N)``: feasible only because some facts are unknown."""
        unknown = np.zeros((len(self.allow_unknown), len(self.site_ids)), dtype=bool)
        # an unknown fact that does not pass rules the site out: only the leads that accept
        # some unknown can have sites to confirm
        rows = np.flatnonzero(self.accept_unknown.any(axis=1))
        if rows.size == 0:
            return unknown
        some = np.zeros((rows.size, len(self.site_ids)), dtype=bool)
        for r, name in enumerate(self.slack):
            if self.active[rows, r].any():
                some |= np.isnan(self.slack[name][rows]) & self.active[rows, r, None]
        unknown[rows] = some & self.feasible[rows]
        return unknown


def evaluate_batch(params: LeadParams, facts: SiteFacts, catalogue: Catalogue) -> BatchEvaluation:
    """Evaluate every hard constraint and criterion of L leads on every site at once.

    The rules and criteria of :func:`evaluate`, with the leads' needs as ``(L, 1)`` arrays
    broadcast against the site arrays: row ``l`` equals :func:`evaluate` for lead ``l``.

    Parameters
    ----------
    params
        The leads' needs (:meth:`LeadParams.from_profiles`).
    facts
        The sites' facts (:func:`site_facts`).
    catalogue
        The criteria catalogue.

    Returns
    -------
    BatchEvaluation
    """
    domains, counts = _domain_counts(params, facts)
    origin_km = _origin_km(params, facts)
    grid = _grid_rows(params, facts, catalogue)
    slack, active = _rule_slacks(params, facts, catalogue, counts, origin_km, grid)
    values, applicable = _criterion_values(
        params, facts, catalogue, (domains, counts), origin_km, grid
    )
    max_km = params.max_relocation_km
    pressure = facts.grid.pressure[facts.grid.site_group]
    raw, score = {}, {}
    for name, crit in catalogue.criteria.items():
        value = values[name]
        if isinstance(value, _Scored):  # scored where the raw values were computed
            raw[name], score[name] = value.raw, value.score
            continue
        if isinstance(value, _Grouped) and crit.normalise == "years_to_spare":
            assert crit.cap is not None and crit.queue_weight is not None
            rows = grid_rule.outlook_score(
                value.rows,
                pressure,
                cap=crit.cap,
                queue_weight=crit.queue_weight,
                unknown_score=float(crit.unknown_score or 0.0),
            )
            raw[name] = value.expand()
            score[name] = _Grouped(rows, value.group).expand()
            continue
        if isinstance(value, _Grouped):  # normalise each distinct row once
            raw[name] = value.expand()
            score[name] = _Grouped(_normalise(value.rows, crit), value.group).expand()
            continue
        zero_at = None
        if name == "relocation_distance" and crit.zero_at is not None:
            zero_at = np.where(np.isnan(max_km), crit.zero_at, max_km)
        raw[name] = value
        score[name] = _normalise(value, crit, zero_at)
    names = list(catalogue.criteria)
    weights = np.where(applicable & (params.weights > 0), params.weights, 0.0)
    scale = np.zeros(params.n)
    for c in range(len(names)):  # summed in order, as Python's sum
        scale += weights[:, c]
    positive = scale > 0
    weights = np.where(positive[:, None], weights / np.where(positive, scale, 1.0)[:, None], 0.0)
    return BatchEvaluation(
        site_ids=facts.site_ids,
        slack=slack,
        active=active,
        raw=raw,
        score=score,
        applicable=applicable,
        weights=weights,
        allow_unknown=params.allow_unknown,
        accept_unknown=params.accept_unknown,
    )


# --- internals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grouped:
    """An ``(L, N)`` array whose rows repeat: ``rows[group]``, with ``G`` distinct ``rows``.

    Leads that share a year, a set of domains or a location share a row; a criterion of such
    rows is normalised once per distinct row.
    """

    rows: np.ndarray
    group: np.ndarray

    def expand(self) -> np.ndarray:
        """Return the ``(L, N)`` array (a broadcast view when every lead shares one row)."""
        if len(self.rows) == 1:
            return np.broadcast_to(self.rows[0], (len(self.group), self.rows.shape[1]))
        return self.rows[self.group]


@dataclass(frozen=True)
class _Scored:
    """``(L, N)`` raw values with their scores, computed together (the talent fit)."""

    raw: np.ndarray
    score: np.ndarray


def _grouped_by(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``keys`` (``(L, K)``, first appearance first) and each lead's group."""
    index: dict[bytes, int] = {}
    group = np.fromiter(
        (index.setdefault(row.tobytes(), len(index)) for row in keys),
        dtype=np.int64,
        count=len(keys),
    )
    first = np.zeros(len(index), dtype=np.int64)
    first[group[::-1]] = np.arange(len(keys) - 1, -1, -1)
    return keys[first], group


def _domain_counts(params: LeadParams, facts: SiteFacts) -> tuple[np.ndarray, _Grouped]:
    """Return the distinct domain rows and per site the campus counts in their domains.

    Returns
    -------
    domains
        The distinct rows of :attr:`LeadParams.domains`, ``(G, D)``.
    counts
        Per lead and site: how many of the lead's NTS domains a campus within reach is
        active in (``(G, N)`` rows).
    """
    domains, group = _grouped_by(params.domains)
    # small integers: an integer product is exact and needs no BLAS threads
    counts = domains.astype(np.int64) @ facts.domains.T.astype(np.int64)
    return domains, _Grouped(counts.astype(float), group)


def _origin_km(params: LeadParams, facts: SiteFacts) -> np.ndarray | None:
    """``(L, N)`` straight-line distances from each lead's location [km]; NaN where unknown.

    ``None`` when no lead has a location. Computed once per distinct location.
    """
    origin = params.origin
    if np.isnan(origin[:, 0]).all():
        return None
    points, group = _grouped_by(np.nan_to_num(origin, nan=-np.inf))
    points = np.where(np.isinf(points), np.nan, points)
    # sqrt(dx^2 + dy^2) in place: several times faster than np.hypot, and exact enough for
    # coordinates of at most 1e6 m
    km = np.subtract(facts.xy[:, 0], points[:, 0:1])
    km *= km
    dy = np.subtract(facts.xy[:, 1], points[:, 1:2])
    dy *= dy
    km += dy
    np.sqrt(km, out=km)
    km /= 1e3
    return km if len(points) == len(group) else km[group]


@dataclass(frozen=True)
class _RoleNeeds:
    land_ha: float
    power_mw: float
    environmental_category: int
    heavy_transport: bool
    vibration_free: bool
    cleanroom_m2: float
    needs_campus: bool
    talent: dict[str, float]
    water_bound: bool = False
    activity: str = "production"


def _role_needs(profile: Profile, role: str, floor_space_index: float = 0.6) -> _RoleNeeds:
    n = profile.needs
    hires = {lvl: float(getattr(n.talent, lvl)) for lvl in vocab.EDUCATION_LEVELS}
    # the floor space needs a plot (:mod:`siting.criteria.floor_space`); R&D keeps its own
    land = floor_space.plot_needed_ha(n.land_ha, n.floor_m2, floor_space_index)
    if role == "single" or profile.two_site is None:
        return _RoleNeeds(
            land,
            n.power_mw,
            n.environmental_category,
            n.heavy_transport,
            n.vibration_free,
            n.cleanroom_m2,
            needs_campus=False,
            talent=hires,
            water_bound=n.water_bound,
            activity=n.activity,
        )
    split = profile.two_site
    if role == "rnd":
        return _RoleNeeds(
            split.rnd_land_ha,
            split.rnd_power_mw,
            1,
            False,
            n.vibration_free,
            n.cleanroom_m2,
            needs_campus=bool(profile.company.nts_domains),
            talent={**hires, "mbo": 0.0},
            activity="rnd",
        )
    return _RoleNeeds(
        land,
        n.power_mw - split.rnd_power_mw,
        n.environmental_category,
        n.heavy_transport,
        False,
        0.0,
        needs_campus=False,
        talent={"mbo": hires["mbo"], "hbo": 0.0, "wo": 0.0},
        water_bound=n.water_bound,
        activity="production",
    )


def batch_fit_checks(
    profile: Profile, needs: _RoleNeeds, catalogue: Catalogue
) -> tuple[np.ndarray, frozenset[str]]:
    """Return the site-fit checks of one lead in a role, and the sectors it belongs to."""
    checks = site_fit.lead_checks(
        environmental_category=needs.environmental_category,
        water_bound=needs.water_bound,
        heavy_transport=needs.heavy_transport,
        activity=needs.activity,
        hazardous_from=catalogue.params.hazardous_category_from,
        industrial_from=catalogue.params.industrial_category_from,
    )
    return checks, frozenset(profile.constraints.qualifies_for)


def _fmt(value: float, digits: int = 1) -> str:
    return "unknown" if np.isnan(value) else f"{value:,.{digits}f}"


def _year(value: float) -> str:
    return "unknown" if np.isnan(value) else f"{value:.0f}"


@dataclass(frozen=True)
class _GridRows:
    """The grid rule for the distinct (need, target year, flexible) rows of a batch.

    ``outcome`` has one row per distinct combination (:class:`grid_rule.GridOutcome` on the
    chain sets), ``group`` gives each lead its row and ``large`` says which leads need more
    than the small-connection limit.
    """

    outcome: grid_rule.GridOutcome
    group: np.ndarray
    large: np.ndarray
    power: np.ndarray
    target: np.ndarray


def _grid_rows(params: LeadParams, facts: SiteFacts, catalogue: Catalogue) -> _GridRows:
    power = params.power_mw[:, 0]
    target = params.year[:, 0] + params.max_delay_years[:, 0]
    keys = np.column_stack([power, target, params.flexible[:, 0].astype(float)])
    rows, group = _grouped_by(keys)
    outcome = grid_rule.grid_outcome(facts.grid, rows[:, 0:1], rows[:, 1:2], rows[:, 2:3] > 0)
    return _GridRows(
        outcome=outcome,
        group=group,
        large=power > catalogue.params.small_connection_mw,
        power=rows[:, 0],
        target=rows[:, 1],
    )


def _rule_slacks(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    counts: _Grouped,
    origin_km: np.ndarray | None,
    grid: _GridRows,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every rule's ``(L, N)`` slacks (NO_LIMIT where it does not apply) and ``(L, R)`` use.

    Each ``(L, N)`` array costs a pass over memory, so the site-only parts come from
    :attr:`SiteFacts.derived` and each rule takes one or two passes.
    """
    p = catalogue.params
    n_leads = params.n
    year = params.year
    site = facts.derived
    slack: dict[str, np.ndarray] = {}
    active: dict[str, np.ndarray] = {}

    # space
    active["space"] = params.land_ha[:, 0] > 0
    if active["space"].any():
        slack["space"] = site.space_available - params.land_ha
        bound = facts.area_bound_ha
        if bound is not None:  # area not known, but more than the whole terrain: fails
            beyond = np.isnan(site.space_available) & (bound < params.land_ha)
            if beyond.any():
                slack["space"] = np.where(beyond, bound - params.land_ha, slack["space"])

    # availability year: year - first delivery year (never below 0 where available now)
    active["availability_year"] = np.ones(n_leads, dtype=bool)
    delivery = np.subtract(year, site.delivery_year)
    slack["availability_year"] = np.maximum(delivery, site.delivery_floor, out=delivery)

    # environmental category
    category = params.environmental_category
    active["environmental_category"] = category[:, 0] >= p.environmental_category_applies_from
    if active["environmental_category"].any():
        slack["environmental_category"] = facts.env - category

    # site fit: designation and zoning vs activity (:mod:`siting.criteria.site_fit`)
    active["site_fit"] = np.ones(n_leads, dtype=bool)
    if facts.fit is not None:
        slack["site_fit"] = site_fit.fit_slack(
            params.fit_checks, params.qualifies, facts.fit, category[:, 0]
        )
    else:
        active["site_fit"][:] = False

    # grid connection in time: years to spare at the earliest year the need can be had firm
    # (:mod:`siting.criteria.grid_rule`), per distinct (need, year, flexible) row
    active["grid"] = grid.large
    if grid.large.any():
        rows = np.clip(grid.outcome.slack, -NO_LIMIT, NO_LIMIT)[:, facts.grid.site_group]
        slack["grid"] = (
            rows[grid.group] if len(rows) > 1 else np.broadcast_to(rows, (n_leads, facts.n))
        )

    # facilities; the flags mean "stated by a source": not stated is unknown, not absent
    active["cleanroom"] = params.cleanroom_m2[:, 0] > 0
    for flag in ("vibration_free", "heavy_transport"):
        active[flag] = getattr(params, flag)[:, 0]
    for flag in ("vibration_free", "heavy_transport"):
        slack[flag] = site.stated[flag]
    # a shared cleanroom serves small needs only (:mod:`siting.criteria.floor_space`)
    if active["cleanroom"].any():
        slack["cleanroom"] = floor_space.cleanroom_slack(
            params.cleanroom_m2,
            facts.flags["cleanroom_ready"],
            facts.facilities[:, FACILITY_INDEX["cleanroom"]],
            p.shared_cleanroom_max_m2,
        )

    # relocation distance
    limit = params.max_relocation_km
    active["relocation_distance"] = ~np.isnan(limit[:, 0]) & ~np.isnan(params.origin[:, 0])
    if active["relocation_distance"].any():
        assert origin_km is not None
        slack["relocation_distance"] = limit - origin_km

    # provinces: included (when a list is given) and not excluded
    restricted = [
        bool(inc or exc)
        for inc, exc in zip(params.include_provinces, params.exclude_provinces, strict=True)
    ]
    active["provinces"] = np.array(restricted, dtype=bool).reshape(n_leads)
    if any(restricted):
        allowed = np.array(
            [
                [
                    1.0 if (not inc or name in inc) and name not in exc else -1.0
                    for name in site.provinces
                ]
                for inc, exc in zip(params.include_provinces, params.exclude_provinces, strict=True)
            ]
        ).reshape(n_leads, len(site.provinces))
        slack["provinces"] = allowed[:, site.province_code]

    # R&D site of a two-site configuration: a matching campus within reach
    active["rnd_campus"] = params.needs_campus[:, 0] & (params.role == "rnd")
    if active["rnd_campus"].any():
        slack["rnd_campus"] = np.where(counts.rows > 0, 1.0, -1.0)[counts.group]

    out = {}
    unlimited = None
    for name in RULES:
        use = active[name]
        if not use.any():
            if unlimited is None:
                unlimited = np.broadcast_to(np.full(facts.n, NO_LIMIT), (n_leads, facts.n))
            out[name] = unlimited
            continue
        values = slack[name]
        if values.shape != (n_leads, facts.n):  # a site-only array: one row per lead
            out[name] = np.where(use[:, None], values, NO_LIMIT)
        else:  # an array of this call's own
            if not use.all():
                np.copyto(values, NO_LIMIT, where=~use[:, None])
            out[name] = values
    return out, np.column_stack([active[name] for name in RULES]).reshape(n_leads, len(RULES))


def _criterion_values(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    domain_counts: tuple[np.ndarray, _Grouped],
    origin_km: np.ndarray | None,
    grid: _GridRows,
) -> tuple[dict[str, np.ndarray | _Grouped | _Scored], np.ndarray]:
    """Every criterion's raw values (catalogue order) and ``(L, C)`` applicability.

    A criterion's values are an ``(L, N)`` array, or :class:`_Grouped` rows when they depend
    on the lead only through something many leads share (year, domains; one row when the
    same for every lead).
    """
    n_leads, n = params.n, facts.n
    shape = (n_leads, n)
    site = facts.derived
    raw: dict[str, np.ndarray | _Grouped | _Scored] = {}
    applicable: dict[str, np.ndarray] = {}
    one_row = np.zeros(n_leads, dtype=np.int64)

    land = params.land_ha
    plot = land[:, 0] > 0
    headroom = site.headroom_available / np.where(land > 0, land, 1.0)
    if not plot.all():
        headroom[~plot] = site.headroom_no_plot
    raw["space_headroom"] = headroom

    # years to spare at the earliest connection year; a small connection is not limited (inf)
    spare = grid.outcome.spare[:, facts.grid.site_group]
    raw["grid_outlook"] = _Grouped(
        np.vstack([spare, np.full((1, n), np.inf)]),
        np.where(grid.large, grid.group, len(spare)),
    )

    # the true ratio of workforce in reach to hires, scored per level
    # (:mod:`siting.criteria.talent`); the pipeline is sum of need * students / total
    talent = params.talent
    hires = talent > 0
    staffed = np.asarray(hires.any(axis=1))
    pipeline = np.zeros(shape)
    pools = {lvl: facts.reach[f"{lvl}_talent_reach"] for lvl in vocab.EDUCATION_LEVELS}
    crit = catalogue.criteria["talent_fit"]
    fit, fit_score = talent_scores.talent_fit(talent, vocab.EDUCATION_LEVELS, pools, crit)
    if staffed.any():
        total = np.zeros(n_leads)
        for k in range(talent.shape[1]):  # summed in order, as Python's sum
            total += talent[:, k]
        total = np.where(staffed, total, 1.0)[:, None]
        term = np.empty(shape)
        for k, lvl in enumerate(vocab.EDUCATION_LEVELS):
            if not hires[:, k].any():
                continue
            need = talent[:, k : k + 1]
            students = facts.reach[f"{lvl}_students_reach"]
            # a lead that hires nobody at this level adds exactly 0; where a site's reach is
            # unknown (NaN) its cells are zeroed too
            none = None if hires[:, k].all() else ~hires[:, k : k + 1]
            np.multiply(need, students, out=term)
            if none is not None and not np.isfinite(students).all():
                np.copyto(term, 0.0, where=none)
            pipeline += term
        pipeline /= total
    raw["talent_fit"] = (
        _Scored(fit, fit_score) if crit.normalise in ("ratio_cap", "log_ratio") else fit
    )
    raw["student_pipeline"] = pipeline
    applicable["talent_fit"] = applicable["student_pipeline"] = staffed
    raw["labour_pool"] = _Grouped(facts.reach["labour_pool_reach"][None, :], one_row)

    applicable["ecosystem_match"] = params.domains.sum(axis=1) > 0
    domains, counts = domain_counts
    named = domains.sum(axis=1)
    raw["ecosystem_match"] = _Grouped(
        counts.rows / np.where(named > 0, named, 1.0)[:, None], counts.group
    )
    # distance to the nearest campus in one of the lead's domains
    nearest = np.empty((len(domains), n))
    for g, mask in enumerate(domains > 0):
        if mask.any():
            km = facts.domain_campus_km[:, mask].min(axis=1)
            nearest[g] = np.where(np.isfinite(km), km, np.nan)
        else:
            nearest[g] = facts.any_campus_km
    raw["campus_proximity"] = _Grouped(nearest, counts.group)

    # hotspot match and the CBS municipal proxies (:mod:`siting.criteria.cluster`)
    applicable["hotspot_match"] = applicable["ecosystem_match"]
    if facts.context is not None:
        rows = cluster.criterion_rows(
            domains,
            facts.context,
            in_development_factor=catalogue.params.hotspot_in_development_factor,
            secondary_factor=catalogue.params.hotspot_secondary_factor,
        )
    else:
        rows = {name: np.full((1, n), np.nan) for name in cluster.CRITERIA}
    for name, values in rows.items():
        raw[name] = _Grouped(values, counts.group if len(values) > 1 else one_row)

    # kinds of shared facility on campuses in reach active in the lead's domains (any campus
    # for a lead naming none), plus one where the site itself offers one
    kinds = [FACILITY_INDEX[k] for k in catalogue.params.shared_facility_kinds]
    own = facts.flags["shared_facility"].astype(float)
    if facts.domain_facilities is not None:
        kinds_rows = cluster.facility_rows(
            domains, facts.domain_facilities, facts.facilities, kinds
        )
        raw["shared_facilities"] = _Grouped(kinds_rows + own, counts.group)
    else:
        raw["shared_facilities"] = _Grouped(
            (facts.facilities[:, kinds].sum(axis=1) + own)[None, :], one_row
        )

    located = ~np.isnan(params.origin[:, 0])
    applicable["relocation_distance"] = located
    if located.any():
        assert origin_km is not None
        raw["relocation_distance"] = (
            origin_km if located.all() else np.where(located[:, None], origin_km, 0.0)
        )
    else:
        raw["relocation_distance"] = np.broadcast_to(np.zeros(n), shape)

    names = list(catalogue.criteria)
    everywhere = np.ones(n_leads, dtype=bool)
    use = np.column_stack([applicable.get(name, everywhere) for name in names])
    return {name: raw[name] for name in names}, use.reshape(n_leads, len(names))


def _constraints(
    profile: Profile,
    needs: _RoleNeeds,
    facts: SiteFacts,
    origin_km: np.ndarray | None,
    catalogue: Catalogue,
    batch: BatchEvaluation,
    grid: grid_texts.SiteTexts,
) -> tuple[ConstraintEvaluation, ...]:
    """Return the rules that apply to one lead (row 0 of ``batch``), with their texts."""
    year = profile.needs.year
    texts: dict[str, tuple[str, Callable[[int], str]]] = {}

    available = np.where(
        facts.status == "fully_issued",
        np.nan_to_num(facts.available_ha, nan=0.0),
        facts.available_ha,
    )
    bound = facts.area_bound_ha

    def space(i: int) -> str:
        if not np.isnan(available[i]):
            return f"{_fmt(available[i])} ha available"
        if bound is not None and not np.isnan(bound[i]):
            return f"available area not known (the terrain is {_fmt(bound[i])} ha net)"
        return "available area not known"

    plot = floor_space.plot_words(
        profile.needs.land_ha, profile.needs.floor_m2, catalogue.params.floor_space_index
    )
    texts["space"] = (
        f">= {plot} available"
        if needs.land_ha != profile.needs.land_ha
        else f">= {needs.land_ha:g} ha available",
        space,
    )

    def delivery(i: int) -> str:
        s, y = facts.status[i], facts.available_year[i]
        if s == "fully_issued":
            return "fully issued"
        if s == "unknown":
            return "status to confirm (no recent dated source)"
        if s == "available" and (np.isnan(y) or y <= year):
            return "available now"
        return f"{s}, plots from {_year(y)}"

    texts["availability_year"] = (f"plots deliverable by {year}", delivery)
    texts["environmental_category"] = (
        f"category {needs.environmental_category} or higher allowed",
        lambda i: (
            "no environmental category stated by any source"
            if np.isnan(facts.env[i])
            else f"up to category {facts.env[i]:.0f}"
        ),
    )

    fit_slack = batch.slack["site_fit"][0]
    checks, qualifies = batch_fit_checks(profile, needs, catalogue)
    texts["site_fit"] = (
        site_fit.requirement(
            checks, qualifies, activity=needs.activity, category=needs.environmental_category
        ),
        lambda i: (
            site_fit.describe(
                i,
                facts.fit,
                checks,
                qualifies,
                float(fit_slack[i]),
                category=needs.environmental_category,
            )
            if facts.fit is not None
            else ""
        ),
    )
    texts["grid"] = (grid.requirement, grid.describe)
    advice = {"grid": grid.advise}
    ready = facts.flags["cleanroom_ready"]
    shared = facts.facilities[:, FACILITY_INDEX["cleanroom"]]
    shared_max = catalogue.params.shared_cleanroom_max_m2
    texts["cleanroom"] = (
        f"{needs.cleanroom_m2:,.0f} m2 cleanroom: a cleanroom-ready site"
        + (
            " or a shared cleanroom within reach"
            if needs.cleanroom_m2 <= shared_max
            else f" (a shared cleanroom serves up to {shared_max:,.0f} m2)"
        ),
        lambda i: floor_space.cleanroom_words(
            needs.cleanroom_m2, bool(ready[i]), bool(shared[i]), shared_max
        ),
    )
    for flag in ("vibration_free", "heavy_transport"):
        texts[flag] = (
            f"{RULES[flag][0].lower()} site",
            partial(_stated_text, facts.flags[flag]),
        )
    limit = profile.constraints.max_relocation_km
    texts["relocation_distance"] = (
        f"<= {limit:g} km from the current location" if limit is not None else "",
        lambda i: f"{origin_km[i]:,.0f} km away" if origin_km is not None else "",
    )
    include = sorted(set(profile.constraints.include_provinces))
    exclude = sorted(set(profile.constraints.exclude_provinces))
    wording = ([f"in {', '.join(include)}"] if include else []) + (
        [f"not in {', '.join(exclude)}"] if exclude else []
    )
    texts["provinces"] = (" and ".join(wording), lambda i: str(facts.province[i]))
    matches = batch.slack["rnd_campus"][0] > 0
    texts["rnd_campus"] = (
        f"a campus in one of the company's domains within {settings.campus_reach_km:g} km",
        lambda i: "matching campus within reach" if matches[i] else "none within reach",
    )

    out = []
    for r, name in enumerate(RULES):
        if batch.active[0, r]:
            label, unit = RULES[name]
            requirement, describe = texts[name]
            out.append(
                ConstraintEvaluation(
                    name,
                    label,
                    unit,
                    requirement,
                    batch.slack[name][0],
                    describe,
                    advice.get(name),
                    bool(batch.accept_unknown[0, r]),
                )
            )
    return tuple(out)


def _criteria(
    profile: Profile,
    needs: _RoleNeeds,
    catalogue: Catalogue,
    role: str,
    batch: BatchEvaluation,
    grid: grid_texts.SiteTexts,
    *,
    located: bool,
    facts: SiteFacts | None = None,
) -> tuple[CriterionEvaluation, ...]:
    """Return the criteria of one lead (row 0 of ``batch``), with their notes."""
    notes: dict[str, str] = {}
    if needs.land_ha <= 0:
        notes["space_headroom"] = "no plot needed: any site with area to issue scores 1"
    if not any(needs.talent[lvl] > 0 for lvl in vocab.EDUCATION_LEVELS):
        for name in ("talent_fit", "student_pipeline"):
            notes[name] = (
                "the profile hires no staff"
                if role == "single"
                else f"the {role} site hires no staff at its levels"
            )
    if not profile.company.nts_domains:
        notes["ecosystem_match"] = notes["hotspot_match"] = "the profile names no NTS domains"
    if not located:
        notes["relocation_distance"] = "the profile gives no current location"
    out = []
    for c, (name, crit) in enumerate(catalogue.criteria.items()):
        out.append(
            CriterionEvaluation(
                name=name,
                label=crit.label,
                unit=crit.unit,
                direction=crit.direction,
                raw=batch.raw[name][0],
                score=batch.score[name][0],
                weight=float(batch.weights[0, c]),
                applicable=bool(batch.applicable[0, c]),
                note=notes.get(name, ""),
                describe=grid.outlook
                if name == "grid_outlook"
                else cluster.describer(name, facts.context, crit.unit)
                if facts is not None and facts.context is not None
                else None,
            )
        )
    return tuple(out)


def _normalise(
    values: np.ndarray, crit: CriterionSpec, zero_at: np.ndarray | None = None
) -> np.ndarray:
    """Scores in [0, 1] of raw values; ``minmax`` scales each row (last axis) on its own.

    ``zero_at`` (broadcasting against ``values``) overrides the criterion's for
    ``linear_decay``. ``log_minmax`` is ``minmax`` of the natural logarithm (a raw value of 0
    or less scores 0). NaN scores 0 and infinities clip (as
    ``np.clip(np.nan_to_num(score, nan=0.0), 0, 1)``). Returns a new array.
    """
    v = np.asarray(values, dtype=float)
    if crit.normalise == "ratio_cap":
        assert crit.cap is not None
        score = np.minimum(v, crit.cap)
        score /= crit.cap
        return np.fmax(score, 0.0, out=score)  # <= 1 already
    if crit.normalise == "linear_decay":
        assert crit.zero_at is not None
        score = np.multiply(v, 1.0 / (crit.zero_at if zero_at is None else zero_at))
        np.subtract(1.0, score, out=score)
    elif crit.normalise == "identity":
        score = v.copy()
    elif crit.normalise == "lookup":
        assert crit.scores is not None
        score = np.zeros_like(v)
        for key, value in crit.scores.items():
            score[v == float(key)] = value
    elif v.shape[-1] == 0:  # minmax of no site
        score = v.copy()
    else:  # minmax (of the logarithm for log_minmax), over the sites of each row
        if crit.normalise == "log_minmax":
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
        finite = np.isfinite(v)
        some = finite.any(axis=-1, keepdims=True)
        lo = np.where(some, np.where(finite, v, np.inf).min(axis=-1, keepdims=True), 0.0)
        hi = np.where(some, np.where(finite, v, -np.inf).max(axis=-1, keepdims=True), 0.0)
        spread = hi > lo
        score = np.where(
            spread, (v - lo) / np.where(spread, hi - lo, 1.0), np.where(finite, 1.0, 0.0)
        )
    np.fmax(score, 0.0, out=score)
    return np.fmin(score, 1.0, out=score)


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
        "environmental_category": n.environmental_category,
        "cleanroom": f"{n.cleanroom_m2:,.0f} m2" if n.cleanroom_m2 else "none",
        "talent": f"mbo {n.talent.mbo:g} / hbo {n.talent.hbo:g} / wo {n.talent.wo:g} FTE",
        "nts_domains": [vocab.NTS_DOMAINS[d] for d in profile.company.nts_domains],
        "space_types": list(profile.constraints.space_types),
        **two_site,
    }


def _describe_fit(
    raw: np.ndarray, talent: Mapping[str, float], pools: Mapping[str, np.ndarray], i: int
) -> str:
    """Say site ``i``'s talent fit (:func:`siting.criteria.talent.describe_fit`)."""
    return talent_scores.describe_fit(i, float(raw[i]), talent, pools)


def _describe_pipeline(raw: np.ndarray, talent: Mapping[str, float], i: int) -> str:
    """Say site ``i``'s students in reach (:func:`siting.criteria.talent.describe_pipeline`)."""
    return talent_scores.describe_pipeline(i, float(raw[i]), talent)


def _stated_text(flags: np.ndarray, i: int) -> str:
    """Say whether a source states site ``i``'s flag."""
    return "stated by a source" if flags[i] else "not stated by any source"
