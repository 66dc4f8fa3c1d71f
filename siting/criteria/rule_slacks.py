"""Every hard rule's ``(L, N)`` slacks for a batch of leads (:func:`_rule_slacks`)."""

from __future__ import annotations

import numpy as np

from siting import vng
from siting.criteria import floor_space, site_fit
from siting.criteria.grouping import _GridRows, _Grouped
from siting.criteria.lead_params import LeadParams
from siting.criteria.rules import NO_LIMIT, RULES
from siting.criteria.site_facts import FACILITY_INDEX, SiteFacts
from siting.inputs.catalogue import Catalogue


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
    slack: dict[str, np.ndarray] = {}
    active: dict[str, np.ndarray] = {}
    _site_rules(params, facts, catalogue, slack, active)
    _need_rules(params, facts, catalogue, grid, slack, active)
    _place_rules(params, facts, counts, origin_km, slack, active)
    return _assemble(slack, active, params.n, facts.n)


def _site_rules(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    slack: dict[str, np.ndarray],
    active: dict[str, np.ndarray],
) -> None:
    """Fill the space, delivery, environmental-category and site-fit rules."""
    p = catalogue.params
    n_leads = params.n
    site = facts.derived
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
    delivery = np.subtract(params.year, site.delivery_year)
    slack["availability_year"] = np.maximum(delivery, site.delivery_floor, out=delivery)

    # environmental category [steps of the VNG scale]; sub-categories nobody stated: NaN
    category = params.environmental_category
    active["environmental_category"] = category[:, 0] >= p.environmental_category_applies_from
    if active["environmental_category"].any():
        slack["environmental_category"] = vng.category_slack(
            facts.env, category, steps=vng.site_steps(facts.env)
        )

    # site fit: designation and zoning vs activity (:mod:`siting.criteria.site_fit`)
    active["site_fit"] = np.ones(n_leads, dtype=bool)
    if facts.fit is not None:
        slack["site_fit"] = site_fit.fit_slack(
            params.fit_checks, params.qualifies, facts.fit, category[:, 0]
        )
    else:
        active["site_fit"][:] = False


def _need_rules(
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
    grid: _GridRows,
    slack: dict[str, np.ndarray],
    active: dict[str, np.ndarray],
) -> None:
    """Fill the grid-connection and facility rules."""
    n_leads = params.n
    site = facts.derived
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
            catalogue.params.shared_cleanroom_max_m2,
        )


def _place_rules(
    params: LeadParams,
    facts: SiteFacts,
    counts: _Grouped,
    origin_km: np.ndarray | None,
    slack: dict[str, np.ndarray],
    active: dict[str, np.ndarray],
) -> None:
    """Fill the relocation-distance, province and R&D-campus rules."""
    n_leads = params.n
    site = facts.derived
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


def _assemble(
    slack: dict[str, np.ndarray], active: dict[str, np.ndarray], n_leads: int, n_sites: int
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Every rule's ``(L, N)`` slacks in :data:`RULES` order, NO_LIMIT where it does not apply."""
    out = {}
    unlimited = None
    for name in RULES:
        use = active[name]
        if not use.any():
            if unlimited is None:
                unlimited = np.broadcast_to(np.full(n_sites, NO_LIMIT), (n_leads, n_sites))
            out[name] = unlimited
            continue
        values = slack[name]
        if values.shape != (n_leads, n_sites):  # a site-only array: one row per lead
            out[name] = np.where(use[:, None], values, NO_LIMIT)
        else:  # an array of this call's own
            if not use.all():
                np.copyto(values, NO_LIMIT, where=~use[:, None])
            out[name] = values
    return out, np.column_stack([active[name] for name in RULES]).reshape(n_leads, len(RULES))
