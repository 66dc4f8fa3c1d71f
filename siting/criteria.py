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

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siting import settings, vocab
from siting._errors import Problem, SitingInputError
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
    file = str(path)
    try:
        with path.open("rb") as fh:
            content = tomllib.load(fh)
    except FileNotFoundError:
        raise SitingInputError(Problem(file=file, message="file not found")) from None
    except tomllib.TOMLDecodeError as exc:
        raise SitingInputError(Problem(file=file, message=f"not valid TOML: {exc}")) from None
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
    site_value
        Per site: the fact the rule looked at, in words.
    """

    name: str
    label: str
    unit: str
    requirement: str
    slack: np.ndarray
    site_value: tuple[str, ...]

    @property
    def unknown(self) -> np.ndarray:
        """Sites whose data do not say."""
        return np.isnan(self.slack)

    @property
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

    @property
    def utility(self) -> np.ndarray:
        """Per site: the weighted sum of scores, in [0, 1]."""
        total = np.zeros(len(self.site_ids))
        for crit in self.criteria:
            total += crit.contribution
        return total

    @property
    def feasible(self) -> np.ndarray:
        """Per site: passes every constraint (unknowns pass if allowed)."""
        ok = np.ones(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            ok &= con.passes | (con.unknown & self.allow_unknown)
        return ok

    @property
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
    table: pd.DataFrame,
    catalogue: Catalogue,
    *,
    campuses: pd.DataFrame,
    role: Literal["single", "rnd", "production"] = "single",
    origin_xy: tuple[float, float] | None = None,
) -> Evaluation:
    """Evaluate every hard constraint and criterion of a profile on every site.

    Parameters
    ----------
    profile
        The company profile.
    table
        The site table (:func:`siting.site_table`).
    catalogue
        The criteria catalogue.
    campuses
        The campus layer the site table was built from (for distances to matching campuses).
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
    facts = _SiteFacts(table, origin_xy)
    constraints = _constraints(profile, needs, facts, catalogue, role)
    criteria = _criteria(profile, needs, facts, catalogue, campuses, role)
    weights = {c.name: c.weight for c in criteria}
    return Evaluation(site_ids=tuple(table["site_id"]), constraints=constraints,
                      criteria=criteria, allow_unknown=profile.constraints.allow_unknown,
                      role=role, weights=weights)


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


class _SiteFacts:
    """Typed views of the site-table columns the rules use."""

    def __init__(self, table: pd.DataFrame, origin_xy: tuple[float, float] | None) -> None:
        self.n = len(table)
        self.table = table
        self.available_ha = table["available_ha"].astype(float).to_numpy()
        self.status = table["status"].astype(str).to_numpy()
        self.available_year = table["available_year"].astype(float).to_numpy()
        self.env = table["max_env_category"].astype(float).to_numpy()
        self.afname = table["afname_class"].astype(int).to_numpy()
        self.relief = table["expected_relief_year"].astype(float).to_numpy()
        self.province = table["province"].astype(str).to_numpy()
        self.facilities = list(table["campus_facilities_in_reach"])
        self.domains = list(table["campus_domains_in_reach"])
        self.campuses = list(table["campuses_in_reach"])
        xy = np.column_stack([table.geometry.x.to_numpy(), table.geometry.y.to_numpy()])
        self.xy = xy
        self.origin_km = (None if origin_xy is None else
                          np.hypot(xy[:, 0] - origin_xy[0], xy[:, 1] - origin_xy[1]) / 1000.0)

    def flag(self, column: str) -> np.ndarray:
        return self.table[column].astype(bool).to_numpy()


def _fmt(value: float, digits: int = 1) -> str:
    return "unknown" if np.isnan(value) else f"{value:,.{digits}f}"


def _year(value: float) -> str:
    return "unknown" if np.isnan(value) else f"{value:.0f}"


def _constraints(
    profile: Profile, needs: _RoleNeeds, facts: _SiteFacts, catalogue: Catalogue, role: str
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
            tuple(f"{_fmt(a)} ha available" for a in available)))

    # availability year
    deliver = np.where(facts.status == "available", np.minimum(year, facts.available_year),
                       facts.available_year)
    deliver = np.where(facts.status == "available",
                       np.where(np.isnan(facts.available_year), year, deliver), deliver)
    slack = np.where(facts.status == "fully_issued", -NO_LIMIT, year - deliver)
    text = tuple(
        "fully issued" if s == "fully_issued" else
        ("available now" if s == "available" and (np.isnan(y) or y <= year) else
         f"{s}, plots from {_year(y)}")
        for s, y in zip(facts.status, facts.available_year, strict=True))
    out.append(ConstraintEvaluation("availability_year", "Plots deliverable in time", "years",
                                    f"plots deliverable by {year}", slack, text))

    # environmental category
    if needs.environmental_category >= p.environmental_category_applies_from:
        out.append(ConstraintEvaluation(
            "environmental_category", "Environmental category", "categories",
            f"category {needs.environmental_category} or higher allowed",
            facts.env - needs.environmental_category,
            tuple(f"up to category {_fmt(e, 0)}" for e in facts.env)))

    # grid
    if needs.power_mw > p.small_connection_mw:
        queued = np.isin(facts.afname, p.queued_classes)
        slack = np.where(queued, year - np.nan_to_num(facts.relief, nan=year + NO_LIMIT),
                         NO_LIMIT)
        slack = np.where(facts.afname < 0, np.nan, slack)
        text = tuple(
            f"class {c} ({vocab.CONGESTION_CLASSES[c]})"
            + (f", relief expected {_year(r)}" if c in p.queued_classes and not np.isnan(r)
               else (", no relief year published" if c in p.queued_classes else ""))
            for c, r in zip(facts.afname, facts.relief, strict=True))
        out.append(ConstraintEvaluation(
            "grid", "Grid connection", "years",
            f"{needs.power_mw:g} MW demand connection by {year}", slack, text))

    # facilities
    if needs.cleanroom_m2 > 0:
        ready = facts.flag("cleanroom_ready")
        shared = np.array(["cleanroom" in f for f in facts.facilities])
        out.append(ConstraintEvaluation(
            "cleanroom", "Cleanroom", "", f"{needs.cleanroom_m2:,.0f} m2 cleanroom: a "
            "cleanroom-ready site or a shared cleanroom within reach",
            np.where(ready | shared, 1.0, np.nan),
            tuple("cleanroom-ready site" if r else ("shared cleanroom within reach" if s else
                                                    "neither stated by a source")
                  for r, s in zip(ready, shared, strict=True))))
    # facility flags mean "stated by a source": a flag not stated is unknown, not absent
    for flag, label in (("vibration_free", "Vibration-free"),
                        ("heavy_transport", "Heavy transport")):
        if getattr(needs, flag):
            values = facts.flag(flag)
            out.append(ConstraintEvaluation(
                flag, label, "", f"{label.lower()} site",
                np.where(values, 1.0, np.nan),
                tuple("stated by a source" if v else "not stated by any source"
                      for v in values)))

    # relocation distance
    limit = profile.constraints.max_relocation_km
    if limit is not None and facts.origin_km is not None:
        out.append(ConstraintEvaluation(
            "relocation_distance", "Relocation distance", "km",
            f"<= {limit:g} km from the current location", limit - facts.origin_km,
            tuple(f"{d:,.0f} km away" for d in facts.origin_km)))

    # provinces
    include = set(profile.constraints.include_provinces)
    exclude = set(profile.constraints.exclude_provinces)
    if include or exclude:
        allowed = np.array([(not include or prov in include) and prov not in exclude
                            for prov in facts.province])
        wording = []
        if include:
            wording.append(f"in {', '.join(sorted(include))}")
        if exclude:
            wording.append(f"not in {', '.join(sorted(exclude))}")
        out.append(ConstraintEvaluation("provinces", "Province", "", " and ".join(wording),
                                        np.where(allowed, 1.0, -1.0),
                                        tuple(facts.province)))

    # R&D site of a two-site configuration: a matching campus within reach
    if role == "rnd" and needs.needs_campus:
        wanted = set(profile.company.nts_domains)
        matches = np.array([bool(wanted & set(d)) for d in facts.domains])
        out.append(ConstraintEvaluation(
            "rnd_campus", "Matching campus (R&D)", "",
            f"a campus in one of the company's domains within {settings.campus_reach_km:g} km",
            np.where(matches, 1.0, -1.0),
            tuple("matching campus within reach" if m else "none within reach"
                  for m in matches)))
    assert all(len(c.slack) == n for c in out)
    return tuple(out)


def _criteria(
    profile: Profile, needs: _RoleNeeds, facts: _SiteFacts, catalogue: Catalogue,
    campuses: pd.DataFrame, role: str,
) -> tuple[CriterionEvaluation, ...]:
    weights = resolve_weights(profile, catalogue)
    for name, factor in catalogue.roles.get(role, {}).items():
        weights[name] *= factor
    talent = needs.talent
    domains = set(profile.company.nts_domains)
    table = facts.table
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
                    * np.minimum(table[f"{lvl}_talent_reach"].to_numpy(float) / talent[lvl], cap)
                    for lvl in levels)
        raw["talent_fit"] = np.asarray(ratio, dtype=float)
        raw["student_pipeline"] = np.asarray(
            sum(talent[lvl] / total * table[f"{lvl}_students_reach"].to_numpy(float)
                for lvl in levels), dtype=float)
    else:
        for name in ("talent_fit", "student_pipeline"):
            raw[name] = np.zeros(facts.n)
            applicable[name] = False
            notes[name] = ("the profile hires no staff" if role == "single" else
                           f"the {role} site hires no staff at its levels")
    raw["labour_pool"] = table["labour_pool_reach"].to_numpy(float)

    if domains:
        raw["ecosystem_match"] = np.array([len(domains & set(d)) / len(domains)
                                           for d in facts.domains])
    else:
        raw["ecosystem_match"] = np.zeros(facts.n)
        applicable["ecosystem_match"] = False
        notes["ecosystem_match"] = "the profile names no NTS domains"
    raw["campus_proximity"] = _matching_campus_km(table, campuses, domains)

    kinds = set(catalogue.params.shared_facility_kinds)
    raw["shared_facilities"] = np.array(
        [len(kinds & set(f)) for f in facts.facilities], dtype=float
    ) + facts.flag("shared_facility").astype(float)

    if facts.origin_km is not None:
        raw["relocation_distance"] = facts.origin_km
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


def _matching_campus_km(
    table: pd.DataFrame, campuses: pd.DataFrame, domains: set[str]
) -> np.ndarray:
    """Distance from each site to the nearest campus in one of the domains [km]."""
    if domains:
        mask = np.array([bool(domains & set(d)) for d in campuses["nts_domains"]])
        campuses = campuses[mask]
    if len(campuses) == 0:
        return np.full(len(table), np.nan)
    cx = campuses.geometry.x.to_numpy()
    cy = campuses.geometry.y.to_numpy()
    sx = table.geometry.x.to_numpy()[:, None]
    sy = table.geometry.y.to_numpy()[:, None]
    return np.hypot(sx - cx, sy - cy).min(axis=1) / 1000.0


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
        table = {float(k): s for k, s in crit.scores.items()}
        score = np.array([table.get(float(x), 0.0) if not np.isnan(x) else 0.0 for x in v])
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
