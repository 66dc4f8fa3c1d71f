"""Every criterion's raw values for a batch of leads (:func:`_criterion_values`)."""

from __future__ import annotations

from functools import partial

import numpy as np

from siting import vocab
from siting.criteria import cluster, site_purpose
from siting.criteria import talent as talent_scores
from siting.criteria.grouping import _Cells, _GridRows, _Grouped, _RowCells, _Scored
from siting.criteria.lead_params import LeadParams
from siting.criteria.site_facts import FACILITY_INDEX, SiteFacts
from siting.inputs.catalogue import Catalogue


def _criterion_values(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    domain_counts: tuple[np.ndarray, _Grouped],
    origin_km: np.ndarray | None,
    grid: _GridRows,
) -> tuple[_Values, np.ndarray]:
    """Every criterion's raw values (catalogue order) and ``(L, C)`` applicability.

    A criterion's values are an ``(L, N)`` array, :class:`_Grouped` rows when they depend
    on the lead only through something many leads share (year, domains; one row when the
    same for every lead), or :class:`_Cells` computed where they are read (most cells fail a
    rule and are never read by the screening).
    """
    n_leads, n = params.n, facts.n
    raw: _Values = {}
    applicable: dict[str, np.ndarray] = {}
    _space_and_grid(params, facts, grid, raw)
    _talent(params, facts, catalogue, raw, applicable)
    _ecosystem(params, facts, catalogue, domain_counts, raw, applicable)
    _relocation(params, n, origin_km, raw, applicable)
    if "site_purpose" in catalogue.criteria:
        _purpose(params, facts, catalogue, raw)
    names = list(catalogue.criteria)
    everywhere = np.ones(n_leads, dtype=bool)
    use = np.column_stack([applicable.get(name, everywhere) for name in names])
    return {name: raw[name] for name in names}, use.reshape(n_leads, len(names))


_Values = dict[str, np.ndarray | _Grouped | _Cells | _Scored]


def _space_and_grid(params: LeadParams, facts: SiteFacts, grid: _GridRows, raw: _Values) -> None:
    """Fill the space headroom and the grid outlook."""
    n = facts.n
    site = facts.derived
    land = params.land_ha[:, 0]
    plot = land > 0
    safe = np.where(plot, land, 1.0)

    def headroom(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        ratio = site.headroom_available[sites] / safe[leads]
        return np.where(plot[leads], ratio, site.headroom_no_plot[sites])

    raw["space_headroom"] = _Cells((params.n, n), headroom)

    # years to spare at the earliest connection year; a small connection is not limited (inf)
    spare_of_set = grid.outcome.spare  # (distinct grid rows, chain sets)
    row = np.where(grid.large, grid.group, -1)
    chain_set = facts.grid.site_group

    def spare(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        g = row[leads]
        return np.where(g >= 0, spare_of_set[np.maximum(g, 0), chain_set[sites]], np.inf)

    raw["grid_outlook"] = _Cells((params.n, n), spare)


def _talent(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    raw: _Values,
    applicable: dict[str, np.ndarray],
) -> None:
    """Fill the talent fit, the student pipeline and the labour pool."""
    n_leads = params.n
    shape = (n_leads, facts.n)
    one_row = np.zeros(n_leads, dtype=np.int64)
    # the true ratio of workforce in reach to hires, scored per level
    # (:mod:`siting.criteria.talent`); the pipeline is sum of need * students / total
    talent = params.talent
    hires = talent > 0
    staffed = np.asarray(hires.any(axis=1))
    pipeline = np.zeros(shape)
    pools = {lvl: facts.reach[f"{lvl}_talent_reach"] for lvl in vocab.EDUCATION_LEVELS}
    crit = catalogue.criteria["talent_fit"]
    tops = facts.talent_tops(float(crit.full_quantile or 0.95))
    fit = talent_scores.TalentFit(talent, vocab.EDUCATION_LEVELS, pools, crit, tops)
    fit_raw = _Cells(shape, fit.raw)
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
        _Scored(fit_raw, _Cells(shape, fit.score))
        if crit.normalise in ("ratio_cap", "log_ratio")
        else fit_raw
    )
    raw["student_pipeline"] = pipeline
    applicable["talent_fit"] = applicable["student_pipeline"] = staffed
    raw["labour_pool"] = _Grouped(facts.reach["labour_pool_reach"][None, :], one_row)


def _ecosystem(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    domain_counts: tuple[np.ndarray, _Grouped],
    raw: _Values,
    applicable: dict[str, np.ndarray],
) -> None:
    """Fill the criteria of the lead's domains: ecosystem, campuses, hotspots, facilities."""
    n = facts.n
    one_row = np.zeros(params.n, dtype=np.int64)
    applicable["ecosystem_match"] = params.domains.sum(axis=1) > 0
    shape = (params.n, n)
    domains, counts = domain_counts
    group = counts.group
    named = domains.sum(axis=1)
    named = np.where(named > 0, named, 1.0)

    def ecosystem(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        g = group[leads]
        return counts.rows[g, sites] / named[g]

    # the four criteria of the lead's domains depend on the lead through its row of domains
    # only: expanded whole, each row is kept per site facts (:class:`_RowCells`)
    by_domains = partial(_RowCells, shape, group=group, keys=domains)
    raw["ecosystem_match"] = by_domains(
        ecosystem, sources=(facts.domains,), what=("ecosystem_match",)
    )

    # distance to the nearest campus in one of the lead's domains (any campus for none)
    mask = domains > 0
    some = np.asarray(mask.any(axis=1))

    def nearest(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        g = group[leads]
        km = np.asarray(np.where(mask[g], facts.domain_campus_km[sites], np.inf)).min(axis=-1)
        km = np.where(np.isfinite(km), km, np.nan)
        return np.where(some[g], km, facts.any_campus_km[sites])

    raw["campus_proximity"] = by_domains(
        nearest,
        sources=(facts.domain_campus_km, facts.any_campus_km),
        what=("campus_proximity",),
    )

    # hotspot match and the CBS municipal proxies (:mod:`siting.criteria.cluster`)
    applicable["hotspot_match"] = applicable["ecosystem_match"]
    if facts.context is not None:
        factors = (
            catalogue.params.hotspot_in_development_factor,
            catalogue.params.hotspot_secondary_factor,
        )
        raw["hotspot_match"] = by_domains(
            cluster.hotspot_cells(
                domains,
                group,
                facts.context,
                in_development_factor=factors[0],
                secondary_factor=factors[1],
            ),
            sources=(facts.context,),
            what=("hotspot_match", *factors),
        )
        for name, values in cluster.proxy_rows(facts.context, n).items():
            raw[name] = _Grouped(values, one_row)
    else:
        for name in cluster.CRITERIA:
            raw[name] = _Grouped(np.full((1, n), np.nan), one_row)

    # kinds of shared facility on campuses in reach active in the lead's domains (any campus
    # for a lead naming none), plus one where the site itself offers one
    kinds = [FACILITY_INDEX[k] for k in catalogue.params.shared_facility_kinds]
    flags = facts.flags["shared_facility"]
    own = flags.astype(float)
    if facts.domain_facilities is not None:
        kinds_at = cluster.facility_cells(
            domains, group, facts.domain_facilities, facts.facilities, kinds
        )

        def facilities(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
            return kinds_at(leads, sites) + own[sites]

        raw["shared_facilities"] = by_domains(
            facilities,
            sources=(facts.domain_facilities, facts.facilities, flags),
            what=("shared_facilities", *kinds),
        )
    else:
        raw["shared_facilities"] = _Grouped(
            (facts.facilities[:, kinds].sum(axis=1) + own)[None, :], one_row
        )


def purpose_needs(params: LeadParams) -> list[site_purpose.PurposeNeed]:
    """Per lead, what its site purpose depends on (:class:`site_purpose.PurposeNeed`)."""
    return [
        site_purpose.need_of(
            params.fit_checks[k],
            params.qualifies[k],
            activity=params.activity[k],
            domains=np.flatnonzero(params.domains[k]).tolist(),
        )
        for k in range(params.n)
    ]


def _purpose(params: LeadParams, facts: SiteFacts, catalogue: Catalogue, raw: _Values) -> None:
    """Fill the site purpose (:mod:`siting.criteria.site_purpose`): one row per kind of need."""
    if facts.fit is None:  # a table without designations: nothing known for or against
        raw["site_purpose"] = _Grouped(np.full((1, facts.n), np.nan), np.zeros(params.n, int))
        return
    table = site_purpose.score_table(catalogue.criteria["site_purpose"].scores or {})
    rows, group = site_purpose.purpose_rows(
        purpose_needs(params), facts.fit, facts.campus_domains, table
    )
    raw["site_purpose"] = _Grouped(rows, group)


def _relocation(
    params: LeadParams,
    n: int,
    origin_km: np.ndarray | None,
    raw: _Values,
    applicable: dict[str, np.ndarray],
) -> None:
    """Fill the relocation distance (0 for a lead without a location)."""
    shape = (params.n, n)
    located = ~np.isnan(params.origin[:, 0])
    applicable["relocation_distance"] = located
    if located.any():
        assert origin_km is not None
        raw["relocation_distance"] = (
            origin_km if located.all() else np.where(located[:, None], origin_km, 0.0)
        )
    else:
        raw["relocation_distance"] = np.broadcast_to(np.zeros(n), shape)
