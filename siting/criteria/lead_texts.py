"""One lead's rules and criteria with their texts (what ``evaluate`` adds to a batch row)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np

from siting import settings, vng, vocab
from siting._memo import IdentityMemo
from siting.criteria import cluster, floor_space, grid_texts, site_fit, site_purpose
from siting.criteria import talent as talent_scores
from siting.criteria.batch import BatchEvaluation
from siting.criteria.evaluated import ConstraintEvaluation, CriterionEvaluation
from siting.criteria.lead_params import _RoleNeeds, batch_fit_checks
from siting.criteria.rules import RULES
from siting.criteria.site_facts import DOMAIN_INDEX, FACILITY_INDEX, SiteFacts
from siting.inputs.catalogue import Catalogue
from siting.inputs.profile import Profile


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
    texts: _Texts = {}
    _site_texts(profile, needs, facts, catalogue, batch, texts)
    texts["grid"] = (grid.requirement, grid.describe)
    advice = {"grid": grid.advise}
    _facility_texts(needs, facts, catalogue, texts)
    _place_texts(profile, facts, origin_km, batch, texts)
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


#: Rule id -> (the requirement in words, site index -> the fact in words).
_Texts = dict[str, tuple[str, Callable[[int], str]]]


def _site_texts(
    profile: Profile,
    needs: _RoleNeeds,
    facts: SiteFacts,
    catalogue: Catalogue,
    batch: BatchEvaluation,
    texts: _Texts,
) -> None:
    """Word the space, delivery, environmental-category and site-fit rules."""
    plot = floor_space.plot_words(
        profile.needs.land_ha, profile.needs.floor_m2, catalogue.params.floor_space_index
    )
    texts["space"] = (
        f">= {plot} available"
        if needs.land_ha != profile.needs.land_ha
        else f">= {needs.land_ha:g} ha available",
        _space_words(facts),
    )
    year = profile.needs.year
    texts["availability_year"] = (f"plots deliverable by {year}", _delivery_words(facts, year))
    texts["environmental_category"] = (
        f"category {vng.label(needs.environmental_category)} or higher allowed (VNG)",
        lambda i: (
            "no environmental category stated by any source"
            if np.isnan(facts.env[i])
            else f"up to category {vng.label(facts.env[i])}"
        ),
    )
    fit_slack = batch.slack["site_fit"][0]
    checks, qualifies = batch_fit_checks(profile, needs, catalogue)
    category = needs.environmental_category
    texts["site_fit"] = (
        site_fit.requirement(checks, qualifies, activity=needs.activity, category=category),
        lambda i: (
            site_fit.describe(
                i, facts.fit, checks, qualifies, float(fit_slack[i]), category=category
            )
            if facts.fit is not None
            else ""
        ),
    )


#: The area available per site [ha], per site facts.
_AVAILABLE: IdentityMemo[np.ndarray] = IdentityMemo()


def _available_ha(facts: SiteFacts) -> np.ndarray:
    """Return the area available per site [ha]: 0 where fully issued (remembered per facts)."""

    def build() -> np.ndarray:
        available = np.where(
            facts.status == "fully_issued",
            np.nan_to_num(facts.available_ha, nan=0.0),
            facts.available_ha,
        )
        available.setflags(write=False)
        return available

    return _AVAILABLE.get((facts,), build)


def _space_words(facts: SiteFacts) -> Callable[[int], str]:
    """Site index -> its available area in words (or what bounds it when not known)."""
    available = _available_ha(facts)
    bound = facts.area_bound_ha

    def space(i: int) -> str:
        if not np.isnan(available[i]):
            return f"{_fmt(available[i])} ha available"
        if bound is not None and not np.isnan(bound[i]):
            return f"available area not known (the terrain is {_fmt(bound[i])} ha net)"
        return "available area not known"

    return space


def _delivery_words(facts: SiteFacts, year: int) -> Callable[[int], str]:
    """Site index -> when its plots can be delivered, in words."""

    def delivery(i: int) -> str:
        s, y = facts.status[i], facts.available_year[i]
        if s == "fully_issued":
            return "fully issued"
        if s == "unknown":
            return "status to confirm (no recent dated source)"
        if s == "available" and (np.isnan(y) or y <= year):
            return "available now"
        return f"{s}, plots from {_year(y)}"

    return delivery


def _facility_texts(
    needs: _RoleNeeds, facts: SiteFacts, catalogue: Catalogue, texts: _Texts
) -> None:
    """Word the cleanroom, vibration-free and heavy-transport rules."""
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


def _place_texts(
    profile: Profile,
    facts: SiteFacts,
    origin_km: np.ndarray | None,
    batch: BatchEvaluation,
    texts: _Texts,
) -> None:
    """Word the relocation-distance, province and R&D-campus rules."""
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
                else _purpose_words(profile, needs, catalogue, facts)
                if name == "site_purpose"
                else cluster.describer(name, facts.context, crit.unit)
                if facts is not None and facts.context is not None
                else None,
            )
        )
    return tuple(out)


def _purpose_words(
    profile: Profile, needs: _RoleNeeds, catalogue: Catalogue, facts: SiteFacts | None
) -> Callable[[int], str] | None:
    """Return site index -> its purpose for this lead in words (``None`` without facts)."""
    if facts is None or facts.fit is None:
        return None
    checks, qualifies = batch_fit_checks(profile, needs, catalogue)
    need = site_purpose.need_of(
        checks,
        qualifies,
        activity=needs.activity,
        domains=[DOMAIN_INDEX[d] for d in profile.company.nts_domains],
    )
    table = site_purpose.score_table(catalogue.criteria["site_purpose"].scores or {})
    fit, own = facts.fit, facts.campus_domains
    return site_purpose.describer(need, fit, own, table)


def _fmt(value: float, digits: int = 1) -> str:
    return "unknown" if np.isnan(value) else f"{value:,.{digits}f}"


def _year(value: float) -> str:
    return "unknown" if np.isnan(value) else f"{value:.0f}"


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
