"""Criteria and hard constraints: from the site table and a profile to scores and slacks.

The catalogue (``models/criteria.toml``) names the criteria, their units and normalisation, the
weight presets per kind of room to grow, and the parameters of the hard constraints. Given a
profile, :func:`evaluate` returns, per site, every hard constraint's slack (in its unit; NaN
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
``grid``
    A large consumer (power need above ``small_connection_mw``) cannot connect in a zone of a
    queued class (2 or 3) before the zone's expected relief year: slack = year needed - relief
    year [years]; a queued zone without a published relief year fails. Unknown class: unknown.
``grid_capacity``
    Where the rule above lets a large consumer connect: its need must fit in the zone's demand
    headroom [MW] when that is known (the capacity-map importer or a scenario gives it); in a
    *limited* (class 1) zone without a headroom figure the fit is unknown ("confirm with the
    grid operator"), never assumed; in an available (class 0) zone it passes.
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

A site whose fact is unknown fails the constraint, unless the profile sets
``constraints.allow_unknown = true``; then it passes but is marked as unverified.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siting import settings, vocab
from siting._errors import Problem, SitingInputError
from siting._toml import read_toml
from siting.model import HardConstraint
from siting.profile import SPACE_TYPES, Profile

#: Slack standing for "no restriction here" (or "cannot pass", negated).
NO_LIMIT = 1e6


class _Criterion(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    unit: str
    direction: Literal["max", "min"]
    normalise: Literal["ratio_cap", "linear_decay", "identity", "lookup", "minmax"]
    description: str
    cap: float | None = Field(default=None, gt=0)
    zero_at: float | None = Field(default=None, gt=0)
    scores: dict[str, float] | None = None


class _ConstraintParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    small_connection_mw: float = Field(ge=0)
    queued_classes: tuple[int, ...]
    environmental_category_applies_from: int = Field(ge=1, le=6)
    shared_facility_kinds: tuple[str, ...]
    rnd_campus_reach_km: float = Field(gt=0)


class _Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    criteria: dict[str, _Criterion]
    presets: dict[str, dict[str, float]]
    constraints: _ConstraintParams
    roles: dict[Literal["rnd", "production"], dict[str, float]] = Field(default_factory=dict)


#: The criteria this module knows how to compute.
KNOWN_CRITERIA: tuple[str, ...] = (
    "space_headroom", "grid_outlook", "talent_fit", "student_pipeline", "labour_pool",
    "ecosystem_match", "campus_proximity", "shared_facilities", "relocation_distance",
)


@dataclass(frozen=True)
class Catalogue:
    """The validated criteria catalogue.

    Attributes
    ----------
    criteria
        Name -> definition (label, unit, direction, normalisation, parameters).
    presets
        Kind of room to grow -> criterion weights.
    params
        Parameters of the hard constraints.
    file
        Where it was read from.
    roles
        Weight multipliers per role of a two-site configuration (``rnd``, ``production``).
    """

    criteria: Mapping[str, _Criterion]
    presets: Mapping[str, Mapping[str, float]]
    params: _ConstraintParams
    file: str
    roles: Mapping[str, Mapping[str, float]] = field(default_factory=dict)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and check the criteria catalogue.

    Parameters
    ----------
    path
        A catalogue TOML file; ``None`` for :data:`siting.settings.criteria_file`.

    Returns
    -------
    Catalogue

    Raises
    ------
    SitingInputError
        With every problem (key, what is wrong, what is allowed).
    """
    path = Path(path) if path is not None else settings.criteria_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_catalogue(str(path), stamp)


@lru_cache(maxsize=16)
def _load_catalogue(file: str, stamp: int) -> Catalogue:
    """Read and check a catalogue; cached per file and modification time."""
    content = read_toml(file)
    try:
        parsed = _Catalogue.model_validate(content)
    except ValidationError as exc:
        raise SitingInputError([
            Problem(file=file, column=".".join(map(str, e["loc"])), label="key",
                    message=str(e["msg"])) for e in exc.errors()
        ]) from None
    problems = []
    for name, crit in parsed.criteria.items():
        if name not in KNOWN_CRITERIA:
            problems.append(Problem(file=file, column=f"criteria.{name}", label="key",
                                    message=f"unknown criterion; known: "
                                            f"{', '.join(KNOWN_CRITERIA)}"))
        needed = {"ratio_cap": "cap", "linear_decay": "zero_at", "lookup": "scores"}
        key = needed.get(crit.normalise)
        if key and getattr(crit, key) is None:
            problems.append(Problem(file=file, column=f"criteria.{name}.{key}", label="key",
                                    message=f"required for normalise = '{crit.normalise}'"))
    for kind in SPACE_TYPES:
        if kind not in parsed.presets:
            problems.append(Problem(file=file, column=f"presets.{kind}", label="key",
                                    message="missing preset"))
    for kind, weights in parsed.presets.items():
        if kind not in SPACE_TYPES:
            problems.append(Problem(file=file, column=f"presets.{kind}", label="key",
                                    message=f"unknown kind; allowed: {', '.join(SPACE_TYPES)}"))
        for name, weight in weights.items():
            if name not in parsed.criteria:
                problems.append(Problem(file=file, column=f"presets.{kind}.{name}", label="key",
                                        message="not a criterion of this catalogue"))
            elif weight < 0:
                problems.append(Problem(file=file, column=f"presets.{kind}.{name}", label="key",
                                        message="weights must be >= 0"))
    for role, multipliers in parsed.roles.items():
        for name, value in multipliers.items():
            if name not in parsed.criteria or value < 0:
                problems.append(Problem(file=file, column=f"roles.{role}.{name}", label="key",
                                        message="not a criterion of this catalogue"
                                        if name not in parsed.criteria else "must be >= 0"))
    unknown_kinds = set(parsed.constraints.shared_facility_kinds) - set(vocab.SHARED_FACILITIES)
    if unknown_kinds:
        problems.append(Problem(file=file, column="constraints.shared_facility_kinds",
                                label="key", message=f"unknown kind(s) {sorted(unknown_kinds)}"))
    if problems:
        raise SitingInputError(problems)
    return Catalogue(criteria=parsed.criteria, presets=parsed.presets,
                     params=parsed.constraints, file=file, roles=parsed.roles)


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
    """

    name: str
    label: str
    unit: str
    requirement: str
    slack: np.ndarray
    describe: Callable[[int], str]

    @cached_property
    def unknown(self) -> np.ndarray:
        """Sites whose data do not say."""
        return np.isnan(self.slack)

    @cached_property
    def passes(self) -> np.ndarray:
        """Sites that pass for certain."""
        return np.nan_to_num(self.slack, nan=-1.0) >= 0


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
        Whether unknown facts pass (then flagged as unverified).
    role
        ``"single"``, ``"rnd"`` or ``"production"``.
    """

    site_ids: tuple[str, ...]
    constraints: tuple[ConstraintEvaluation, ...]
    criteria: tuple[CriterionEvaluation, ...]
    allow_unknown: bool
    role: str = "single"
    weights: Mapping[str, float] = field(default_factory=dict)

    @cached_property
    def utility(self) -> np.ndarray:
        """Per site: the weighted sum of scores, in [0, 1]."""
        total = np.zeros(len(self.site_ids))
        for crit in self.criteria:
            total += crit.contribution
        return total

    @cached_property
    def feasible(self) -> np.ndarray:
        """Per site: passes every constraint (unknowns pass if allowed)."""
        ok = np.ones(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            ok &= con.passes | (con.unknown & self.allow_unknown)
        return ok

    @cached_property
    def unverified(self) -> np.ndarray:
        """Per site: feasible only because some facts are unknown."""
        unknown = np.zeros(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            unknown |= con.unknown
        return unknown & self.feasible

    def hard_constraints(self) -> list[HardConstraint]:
        """Return the constraints as model rows: ``slack_i >= 0`` for the chosen site.

        Slacks are rounded to 3 decimals (1 m, 10 m2, a thousandth of a year), so the model
        and the enumeration judge a site on exactly the same numbers.
        """
        rows = []
        for con in self.constraints:
            slack = np.round(con.slack, 3)
            if self.allow_unknown:
                slack = np.where(np.isnan(slack), 0.0, slack)
            rows.append(HardConstraint(name=con.name, values=slack, sense=">=", rhs=0.0))
        return rows


def resolve_weights(profile: Profile, catalogue: Catalogue) -> dict[str, float]:
    """Weights of the profile: mean of its presets, overridden by its ``[weights]``.

    Returns
    -------
    dict
        Criterion -> weight (not yet scaled; zero weights included).

    Raises
    ------
    SitingInputError
        When the profile weights a criterion the catalogue does not have.
    """
    unknown = [k for k in profile.weights if k not in catalogue.criteria]
    if unknown:
        raise SitingInputError(Problem(
            file="profile", column="weights", label="key",
            message=f"unknown criterion {', '.join(map(repr, unknown))}; known: "
                    f"{', '.join(catalogue.criteria)}"))
    kinds = profile.constraints.space_types or ("space",)
    weights = dict.fromkeys(catalogue.criteria, 0.0)
    for kind in kinds:
        for name, value in catalogue.presets[kind].items():
            weights[name] += value / len(kinds)
    weights.update(profile.weights)
    return weights


def evaluate(
    profile: Profile,
    facts: SiteFacts,
    catalogue: Catalogue,
    *,
    role: Literal["single", "rnd", "production"] = "single",
    origin_xy: tuple[float, float] | None = None,
) -> Evaluation:
    """Evaluate every hard constraint and criterion of a profile on every site.

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
        two-site configuration (the profile's needs are split, see :class:`siting.profile.TwoSite`).
    origin_xy
        The current location in EPSG:28992 [m], if known.

    Returns
    -------
    Evaluation
    """
    needs = _role_needs(profile, role)
    origin_km = (None if origin_xy is None else
                 np.hypot(facts.xy[:, 0] - origin_xy[0], facts.xy[:, 1] - origin_xy[1]) / 1e3)
    constraints = _constraints(profile, needs, facts, origin_km, catalogue, role)
    criteria = _criteria(profile, needs, facts, origin_km, catalogue, role)
    weights = {c.name: c.weight for c in criteria}
    return Evaluation(site_ids=facts.site_ids, constraints=constraints, criteria=criteria,
                      allow_unknown=profile.constraints.allow_unknown, role=role,
                      weights=weights)


# --- internals --------------------------------------------------------------------------------


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


def _role_needs(profile: Profile, role: str) -> _RoleNeeds:
    n = profile.needs
    hires = {lvl: float(getattr(n.talent, lvl)) for lvl in vocab.EDUCATION_LEVELS}
    if role == "single" or profile.two_site is None:
        return _RoleNeeds(n.land_ha, n.power_mw, n.environmental_category, n.heavy_transport,
                          n.vibration_free, n.cleanroom_m2, needs_campus=False, talent=hires)
    split = profile.two_site
    if role == "rnd":
        return _RoleNeeds(split.rnd_land_ha, split.rnd_power_mw, 1, False, n.vibration_free,
                          n.cleanroom_m2, needs_campus=bool(profile.company.nts_domains),
                          talent={**hires, "mbo": 0.0})
    return _RoleNeeds(n.land_ha, n.power_mw - split.rnd_power_mw, n.environmental_category,
                      n.heavy_transport, False, 0.0, needs_campus=False,
                      talent={"mbo": hires["mbo"], "hbo": 0.0, "wo": 0.0})


@dataclass(frozen=True)
class SiteFacts:
    """The site-table facts the rules and criteria use, as plain arrays (built once, reused).

    Build it with :func:`site_facts`; evaluating a profile is then pure numpy, which keeps
    screening many leads fast.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    available_ha, available_year, env, relief, headroom_mw
        Float arrays (NaN = unknown): available area [ha], first delivery year, highest
        environmental category, expected relief year, the zone's demand headroom [MW].
    status, province
        Text arrays.
    afname
        Demand-side congestion class (-1 unknown .. 3).
    flags
        ``cleanroom_ready``, ``vibration_free``, ``heavy_transport``, ``shared_facility`` ->
        bool arrays ("stated by a source").
    facilities
        Bool matrix (site x :data:`siting.vocab.SHARED_FACILITIES`): shared facilities on
        campuses within reach.
    domains
        Bool matrix (site x :data:`siting.vocab.NTS_DOMAINS`): domains of campuses within reach.
    domain_campus_km
        Float matrix (site x domain): distance to the nearest campus active in the domain
        [km] (inf when no campus is).
    any_campus_km
        Distance to the nearest campus of any domain [km].
    reach
        Site-table reach columns (``{level}_talent_reach``, ``{level}_students_reach``,
        ``labour_pool_reach``) as float arrays.
    xy
        Site points in EPSG:28992 [m], shape ``(n, 2)``.
    """

    site_ids: tuple[str, ...]
    available_ha: np.ndarray
    available_year: np.ndarray
    env: np.ndarray
    relief: np.ndarray
    headroom_mw: np.ndarray
    status: np.ndarray
    province: np.ndarray
    afname: np.ndarray
    flags: Mapping[str, np.ndarray]
    facilities: np.ndarray
    domains: np.ndarray
    domain_campus_km: np.ndarray
    any_campus_km: np.ndarray
    reach: Mapping[str, np.ndarray]
    xy: np.ndarray

    @property
    def n(self) -> int:
        """Number of sites."""
        return len(self.site_ids)


DOMAIN_INDEX = {slug: k for k, slug in enumerate(vocab.NTS_DOMAINS)}
FACILITY_INDEX = {slug: k for k, slug in enumerate(vocab.SHARED_FACILITIES)}


#: (id of the table, id of the campus layer) -> (table, campuses, facts); the objects are kept
#: so an id reused after garbage collection cannot return stale facts.
_FACTS_CACHE: dict[tuple[int, int], tuple[pd.DataFrame, pd.DataFrame, SiteFacts]] = {}


def site_facts(table: pd.DataFrame, campuses: pd.DataFrame) -> SiteFacts:
    """Return the facts of a site table and its campus layer, built once per pair (cached).

    Treat the inputs as read-only, like the site table itself.
    """
    key = (id(table), id(campuses))
    hit = _FACTS_CACHE.get(key)
    if hit is not None and hit[0] is table and hit[1] is campuses:
        return hit[2]
    facts = build_site_facts(table, campuses)
    if len(_FACTS_CACHE) >= 8:
        _FACTS_CACHE.pop(next(iter(_FACTS_CACHE)))
    _FACTS_CACHE[key] = (table, campuses, facts)
    return facts


def build_site_facts(table: pd.DataFrame, campuses: pd.DataFrame) -> SiteFacts:
    """Extract the arrays :func:`evaluate` needs from a site table and its campus layer.

    Parameters
    ----------
    table
        The site table (:func:`siting.site_table`).
    campuses
        The campus layer the table was built from (for distances per NTS domain).

    Returns
    -------
    SiteFacts
    """
    n = len(table)
    facilities = np.zeros((n, len(FACILITY_INDEX)), dtype=bool)
    for i, kinds in enumerate(table["campus_facilities_in_reach"]):
        facilities[i, [FACILITY_INDEX[k] for k in kinds]] = True
    domains = np.zeros((n, len(DOMAIN_INDEX)), dtype=bool)
    for i, slugs in enumerate(table["campus_domains_in_reach"]):
        domains[i, [DOMAIN_INDEX[d] for d in slugs]] = True
    xy = np.column_stack([table.geometry.x.to_numpy(), table.geometry.y.to_numpy()])
    cxy = np.column_stack([campuses.geometry.x.to_numpy(), campuses.geometry.y.to_numpy()])
    dist = np.hypot(xy[:, None, 0] - cxy[None, :, 0], xy[:, None, 1] - cxy[None, :, 1]) / 1e3
    active = np.zeros((len(campuses), len(DOMAIN_INDEX)), dtype=bool)
    for j, slugs in enumerate(campuses["nts_domains"]):
        active[j, [DOMAIN_INDEX[d] for d in slugs]] = True
    domain_km = np.full((n, len(DOMAIN_INDEX)), np.inf)
    for k in range(len(DOMAIN_INDEX)):
        if active[:, k].any():
            domain_km[:, k] = dist[:, active[:, k]].min(axis=1)
    reach_columns = [c for c in table.columns if c.endswith("_reach")
                     and c not in ("campuses_in_reach", "campus_domains_in_reach",
                                   "campus_facilities_in_reach")]
    return SiteFacts(
        site_ids=tuple(table["site_id"]),
        available_ha=table["available_ha"].astype(float).to_numpy(),
        available_year=table["available_year"].astype(float).to_numpy(),
        env=table["max_env_category"].astype(float).to_numpy(),
        relief=table["expected_relief_year"].astype(float).to_numpy(),
        headroom_mw=table["grid_headroom_mw"].astype(float).to_numpy(),
        status=table["status"].astype(str).to_numpy(),
        province=table["province"].astype(str).to_numpy(),
        afname=table["afname_class"].astype(int).to_numpy(),
        flags={f: table[f].astype(bool).to_numpy() for f in
               ("cleanroom_ready", "vibration_free", "heavy_transport", "shared_facility")},
        facilities=facilities,
        domains=domains,
        domain_campus_km=domain_km,
        any_campus_km=dist.min(axis=1) if len(campuses) else np.full(n, np.inf),
        reach={c: table[c].to_numpy(float) for c in reach_columns},
        xy=xy,
    )


def _fmt(value: float, digits: int = 1) -> str:
    return "unknown" if np.isnan(value) else f"{value:,.{digits}f}"


def _year(value: float) -> str:
    return "unknown" if np.isnan(value) else f"{value:.0f}"


def _constraints(
    profile: Profile, needs: _RoleNeeds, facts: SiteFacts, origin_km: np.ndarray | None,
    catalogue: Catalogue, role: str,
) -> tuple[ConstraintEvaluation, ...]:
    p = catalogue.params
    year = profile.needs.year
    out: list[ConstraintEvaluation] = []
    n = facts.n

    # space
    if needs.land_ha > 0:
        available = np.where(facts.status == "fully_issued",
                             np.nan_to_num(facts.available_ha, nan=0.0), facts.available_ha)
        out.append(ConstraintEvaluation(
            "space", "Space", "ha", f">= {needs.land_ha:g} ha available",
            available - needs.land_ha,
            lambda i: f"{_fmt(available[i])} ha available"))

    # availability year
    deliver = np.where(facts.status == "available", np.minimum(year, facts.available_year),
                       facts.available_year)
    deliver = np.where(facts.status == "available",
                       np.where(np.isnan(facts.available_year), year, deliver), deliver)
    slack = np.where(facts.status == "fully_issued", -NO_LIMIT, year - deliver)
    def delivery(i: int) -> str:
        s, y = facts.status[i], facts.available_year[i]
        if s == "fully_issued":
            return "fully issued"
        if s == "available" and (np.isnan(y) or y <= year):
            return "available now"
        return f"{s}, plots from {_year(y)}"

    out.append(ConstraintEvaluation("availability_year", "Plots deliverable in time", "years",
                                    f"plots deliverable by {year}", slack, delivery))

    # environmental category
    if needs.environmental_category >= p.environmental_category_applies_from:
        out.append(ConstraintEvaluation(
            "environmental_category", "Environmental category", "categories",
            f"category {needs.environmental_category} or higher allowed",
            facts.env - needs.environmental_category,
            lambda i: f"up to category {_fmt(facts.env[i], 0)}"))

    # grid
    if needs.power_mw > p.small_connection_mw:
        queued = np.isin(facts.afname, p.queued_classes)
        slack = np.where(queued, year - np.nan_to_num(facts.relief, nan=year + NO_LIMIT),
                         NO_LIMIT)
        slack = np.where(facts.afname < 0, np.nan, slack)
        def grid_text(i: int) -> str:
            c, r = int(facts.afname[i]), facts.relief[i]
            text = f"class {c} ({vocab.CONGESTION_CLASSES[c]})"
            if c in p.queued_classes:
                text += (f", relief expected {_year(r)}" if not np.isnan(r)
                         else ", no relief year published")
            return text

        out.append(ConstraintEvaluation(
            "grid", "Grid connection", "years",
            f"{needs.power_mw:g} MW demand connection by {year}", slack, grid_text))

        # capacity: where the zone's headroom is known the need must fit in it; a limited
        # (class 1) zone without a figure cannot be assumed to take a large connection
        open_zone = ~queued | (np.nan_to_num(facts.relief, nan=np.inf) <= year)
        headroom = facts.headroom_mw
        slack = np.where(~np.isnan(headroom), headroom - needs.power_mw,
                         np.where(facts.afname == 1, np.nan, NO_LIMIT))
        slack = np.where(open_zone & (facts.afname >= 0), slack, NO_LIMIT)

        def capacity_text(i: int) -> str:
            if not np.isnan(headroom[i]):
                return f"{headroom[i]:,.1f} MW headroom in the zone"
            if facts.afname[i] == 1:
                return "limited capacity, headroom not published: confirm with the grid operator"
            return "no headroom figure (not limited)"

        out.append(ConstraintEvaluation(
            "grid_capacity", "Grid capacity", "MW",
            f"{needs.power_mw:g} MW fits in the zone's demand headroom", slack, capacity_text))

    # facilities
    if needs.cleanroom_m2 > 0:
        ready = facts.flags["cleanroom_ready"]
        shared = facts.facilities[:, FACILITY_INDEX["cleanroom"]]
        out.append(ConstraintEvaluation(
            "cleanroom", "Cleanroom", "", f"{needs.cleanroom_m2:,.0f} m2 cleanroom: a "
            "cleanroom-ready site or a shared cleanroom within reach",
            np.where(ready | shared, 1.0, np.nan),
            lambda i: ("cleanroom-ready site" if ready[i] else
                       "shared cleanroom within reach" if shared[i] else
                       "neither stated by a source")))
    # facility flags mean "stated by a source": a flag not stated is unknown, not absent
    for flag, label in (("vibration_free", "Vibration-free"),
                        ("heavy_transport", "Heavy transport")):
        if getattr(needs, flag):
            values = facts.flags[flag]
            out.append(ConstraintEvaluation(
                flag, label, "", f"{label.lower()} site",
                np.where(values, 1.0, np.nan),
                lambda i, v=values: ("stated by a source" if v[i]
                                     else "not stated by any source")))

    # relocation distance
    limit = profile.constraints.max_relocation_km
    if limit is not None and origin_km is not None:
        out.append(ConstraintEvaluation(
            "relocation_distance", "Relocation distance", "km",
            f"<= {limit:g} km from the current location", limit - origin_km,
            lambda i: f"{origin_km[i]:,.0f} km away"))

    # provinces
    include = set(profile.constraints.include_provinces)
    exclude = set(profile.constraints.exclude_provinces)
    if include or exclude:
        allowed = np.ones(facts.n, dtype=bool)
        if include:
            allowed &= np.isin(facts.province, sorted(include))
        if exclude:
            allowed &= ~np.isin(facts.province, sorted(exclude))
        wording = []
        if include:
            wording.append(f"in {', '.join(sorted(include))}")
        if exclude:
            wording.append(f"not in {', '.join(sorted(exclude))}")
        out.append(ConstraintEvaluation("provinces", "Province", "", " and ".join(wording),
                                        np.where(allowed, 1.0, -1.0),
                                        lambda i: str(facts.province[i])))

    # R&D site of a two-site configuration: a matching campus within reach
    if role == "rnd" and needs.needs_campus:
        matches = facts.domains[:, _domain_columns(profile)].any(axis=1)
        out.append(ConstraintEvaluation(
            "rnd_campus", "Matching campus (R&D)", "",
            f"a campus in one of the company's domains within {settings.campus_reach_km:g} km",
            np.where(matches, 1.0, -1.0),
            lambda i: "matching campus within reach" if matches[i] else "none within reach"))
    assert all(len(c.slack) == n for c in out)
    return tuple(out)


def _criteria(
    profile: Profile, needs: _RoleNeeds, facts: SiteFacts, origin_km: np.ndarray | None,
    catalogue: Catalogue, role: str,
) -> tuple[CriterionEvaluation, ...]:
    weights = resolve_weights(profile, catalogue)
    for name, factor in catalogue.roles.get(role, {}).items():
        weights[name] *= factor
    talent = needs.talent
    columns = _domain_columns(profile)
    raw: dict[str, np.ndarray] = {}
    notes: dict[str, str] = {}
    applicable: dict[str, bool] = dict.fromkeys(catalogue.criteria, True)

    available = np.where(facts.status == "fully_issued", 0.0, facts.available_ha)
    if needs.land_ha > 0:
        raw["space_headroom"] = available / needs.land_ha
    else:
        raw["space_headroom"] = np.where(available > 0, np.inf, 0.0)
        notes["space_headroom"] = "no plot needed: any site with area to issue scores 1"

    effective = facts.afname.copy()
    relieved = np.isin(effective, [2, 3]) & (facts.relief <= profile.needs.year)
    effective[relieved] = 1
    raw["grid_outlook"] = effective.astype(float)

    levels = [lvl for lvl in vocab.EDUCATION_LEVELS if talent[lvl] > 0]
    if levels:
        total = sum(talent.values())
        # hire-weighted mean of the per-level pools; each level is capped at the criterion's
        # cap first, so a huge pool at one level cannot hide a thin one at another
        cap = catalogue.criteria["talent_fit"].cap or np.inf
        ratio = sum(talent[lvl] / total
                    * np.minimum(facts.reach[f"{lvl}_talent_reach"] / talent[lvl], cap)
                    for lvl in levels)
        raw["talent_fit"] = np.asarray(ratio, dtype=float)
        raw["student_pipeline"] = np.asarray(
            sum(talent[lvl] / total * facts.reach[f"{lvl}_students_reach"]
                for lvl in levels), dtype=float)
    else:
        for name in ("talent_fit", "student_pipeline"):
            raw[name] = np.zeros(facts.n)
            applicable[name] = False
            notes[name] = ("the profile hires no staff" if role == "single" else
                           f"the {role} site hires no staff at its levels")
    raw["labour_pool"] = facts.reach["labour_pool_reach"]

    if columns:
        raw["ecosystem_match"] = facts.domains[:, columns].sum(axis=1) / len(columns)
        nearest = facts.domain_campus_km[:, columns].min(axis=1)
        raw["campus_proximity"] = np.where(np.isfinite(nearest), nearest, np.nan)
    else:
        raw["campus_proximity"] = facts.any_campus_km
        raw["ecosystem_match"] = np.zeros(facts.n)
        applicable["ecosystem_match"] = False
        notes["ecosystem_match"] = "the profile names no NTS domains"

    kinds = [FACILITY_INDEX[k] for k in catalogue.params.shared_facility_kinds]
    raw["shared_facilities"] = (facts.facilities[:, kinds].sum(axis=1)
                                + facts.flags["shared_facility"]).astype(float)

    if origin_km is not None:
        raw["relocation_distance"] = origin_km
    else:
        raw["relocation_distance"] = np.zeros(facts.n)
        applicable["relocation_distance"] = False
        notes["relocation_distance"] = "the profile gives no current location"

    active = {k: w for k, w in weights.items() if applicable.get(k, False) and w > 0}
    scale = sum(active.values())
    out = []
    for name, crit in catalogue.criteria.items():
        weight = active.get(name, 0.0) / scale if scale > 0 else 0.0
        values = raw[name]
        params = crit
        if name == "relocation_distance" and profile.constraints.max_relocation_km:
            params = crit.model_copy(update={"zero_at": profile.constraints.max_relocation_km})
        out.append(CriterionEvaluation(
            name=name, label=crit.label, unit=crit.unit, direction=crit.direction,
            raw=values, score=_normalise(values, params), weight=weight,
            applicable=applicable.get(name, False), note=notes.get(name, "")))
    return tuple(out)


def _domain_columns(profile: Profile) -> list[int]:
    return [DOMAIN_INDEX[d] for d in profile.company.nts_domains]


def _normalise(values: np.ndarray, crit: _Criterion) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if crit.normalise == "ratio_cap":
        assert crit.cap is not None
        score = np.minimum(v, crit.cap) / crit.cap
    elif crit.normalise == "linear_decay":
        assert crit.zero_at is not None
        score = 1.0 - v / crit.zero_at
    elif crit.normalise == "identity":
        score = v
    elif crit.normalise == "lookup":
        assert crit.scores is not None
        score = np.zeros_like(v)
        for key, value in crit.scores.items():
            score[v == float(key)] = value
    else:  # minmax
        finite = v[np.isfinite(v)]
        lo, hi = (finite.min(), finite.max()) if finite.size else (0.0, 0.0)
        score = (v - lo) / (hi - lo) if hi > lo else np.where(np.isfinite(v), 1.0, 0.0)
    return np.clip(np.nan_to_num(score, nan=0.0), 0.0, 1.0)


def describe_needs(profile: Profile) -> dict[str, Any]:
    """Return the profile's key needs in words, for tables and maps (no confidential name)."""
    n = profile.needs
    return {
        "id": profile.company.id,
        "year": n.year,
        "plot": f"{n.land_ha:g} ha",
        "power": f"{n.power_mw:g} MW",
        "environmental_category": n.environmental_category,
        "cleanroom": f"{n.cleanroom_m2:,.0f} m2" if n.cleanroom_m2 else "none",
        "talent": f"mbo {n.talent.mbo:g} / hbo {n.talent.hbo:g} / wo {n.talent.wo:g} FTE",
        "nts_domains": [vocab.NTS_DOMAINS[d] for d in profile.company.nts_domains],
        "space_types": list(profile.constraints.space_types),
    }
