"""The site-table facts the rules and criteria use, as plain arrays built once per table.

:func:`site_facts` turns a site table (:func:`siting.layers.site_table`) and its campus layer into a
:class:`SiteFacts`; evaluating a profile (:mod:`siting.criteria.evaluation`) is then pure numpy,
which keeps ranking and screening many leads fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from siting import vocab
from siting.criteria import talent
from siting.criteria.cluster import ContextFacts, domain_facilities
from siting.criteria.grid_rule import GridFacts, build_grid_facts
from siting.criteria.rules import NO_LIMIT
from siting.criteria.site_fit import FitFacts

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SiteFacts:
    """The site-table facts the rules and criteria use, as plain arrays (built once, reused).

    Build it with :func:`site_facts`; evaluating a profile is then pure numpy, which keeps
    screening many leads fast.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    available_ha, available_year, env
        Float arrays (NaN = unknown): available area [ha] (NaN also where the site table
        flags the figure as a fact to confirm: undated or too old), first delivery year,
        highest environmental category.
    status, province
        Text arrays; a status the site table flags as a fact to confirm (no dated source, or
        one too old) is ``unknown``.
    afname
        Worst demand-side class over the site's candidate chains (-1 unknown .. 3; for
        readers: the grid rule reads :attr:`grid`).
    grid
        The candidate chains of supply area and TenneT level per site
        (:class:`~siting.criteria.grid_rule.GridFacts`).
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
    fit
        Designation and zoning facts for the ``site_fit`` rule
        (:class:`~siting.criteria.site_fit.FitFacts`).
    context
        The site's hotspot and its municipality's CBS proxies
        (:class:`~siting.criteria.cluster.ContextFacts`).
    domain_facilities
        Bool ``(N, D, F)``: shared facilities of campuses within reach active in each NTS
        domain (:func:`~siting.criteria.cluster.domain_facilities`).
    area_bound_ha
        The most any plot on the site can be [ha]: its net area, else its gross area (NaN
        when neither is known). Where the available area is unknown, a plot larger than
        this fails the ``space`` rule for certain instead of being a fact to confirm.
    campus_domains
        Bool matrix (site x domain): the NTS domains of the site's own campus (its
        ``campus_id`` in the campus layer); all false where the site has no campus record.
    """

    site_ids: tuple[str, ...]
    available_ha: np.ndarray
    available_year: np.ndarray
    env: np.ndarray
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
    grid: GridFacts
    fit: FitFacts | None = None
    context: ContextFacts | None = None
    domain_facilities: np.ndarray | None = None
    area_bound_ha: np.ndarray | None = None
    campus_domains: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of sites."""
        return len(self.site_ids)

    @cached_property
    def derived(self) -> _SiteDerived:
        """Site-only arrays the rules and criteria use, computed once per site table."""
        return _SiteDerived.of(self)

    def talent_tops(self, quantile: float) -> dict[str, float]:
        """Per education level, the ``quantile`` of the workforce in reach over the sites.

        :func:`siting.criteria.talent.national_tops` of the ``<level>_talent_reach`` pools
        [FTE est.], computed once per quantile.
        """
        cache: dict[float, dict[str, float]] = self.__dict__.setdefault("_talent_tops", {})
        if quantile not in cache:
            pools = {lvl: self.reach[f"{lvl}_talent_reach"] for lvl in vocab.EDUCATION_LEVELS}
            cache[quantile] = talent.national_tops(pools, quantile)
        return cache[quantile]


@dataclass(frozen=True)
class _SiteDerived:
    """Per-site arrays derived from :class:`SiteFacts` that do not depend on a lead.

    Attributes
    ----------
    space_available
        Area the ``space`` rule compares with the plot [ha] (NaN = unknown).
    headroom_available
        Area the ``space_headroom`` criterion divides by the plot [ha]; 0 when fully issued.
    headroom_no_plot
        ``space_headroom`` for a lead that needs no plot: inf with area to issue, else 0.
    delivery_year, delivery_floor
        ``availability_year`` slack = max(year - delivery_year, delivery_floor): an available
        site delivers at once (inf, floor 0), a fully issued one never (inf, floor
        -NO_LIMIT), a planned one from its year (NaN when unknown).
    province_code, provinces
        Province index per site and the province names.
    stated
        ``cleanroom``, ``vibration_free``, ``heavy_transport`` -> slack per site: 1 when a
        source states it, else NaN (unknown).
    """

    space_available: np.ndarray
    headroom_available: np.ndarray
    headroom_no_plot: np.ndarray
    delivery_year: np.ndarray
    delivery_floor: np.ndarray
    province_code: np.ndarray
    provinces: tuple[str, ...]
    stated: Mapping[str, np.ndarray]

    @classmethod
    def of(cls, facts: SiteFacts) -> _SiteDerived:
        fully_issued = facts.status == "fully_issued"
        available_now = facts.status == "available"
        year = facts.available_year
        headroom_available = np.where(fully_issued, 0.0, facts.available_ha)
        names, code = np.unique(facts.province, return_inverse=True)
        shared = facts.facilities[:, FACILITY_INDEX["cleanroom"]]
        return cls(
            space_available=np.where(
                fully_issued, np.nan_to_num(facts.available_ha, nan=0.0), facts.available_ha
            ),
            headroom_available=headroom_available,
            headroom_no_plot=np.where(headroom_available > 0, np.inf, 0.0),
            delivery_year=np.where(fully_issued | (available_now & np.isnan(year)), np.inf, year),
            delivery_floor=np.where(available_now, 0.0, np.where(fully_issued, -NO_LIMIT, -np.inf)),
            province_code=code.reshape(-1),
            provinces=tuple(str(name) for name in names),
            stated={
                "cleanroom": np.where(facts.flags["cleanroom_ready"] | shared, 1.0, np.nan),
                "vibration_free": np.where(facts.flags["vibration_free"], 1.0, np.nan),
                "heavy_transport": np.where(facts.flags["heavy_transport"], 1.0, np.nan),
            },
        )


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
        The site table (:func:`siting.layers.site_table`).
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
    reach_columns = [
        c
        for c in table.columns
        if c.endswith("_reach")
        and c not in ("campuses_in_reach", "campus_domains_in_reach", "campus_facilities_in_reach")
    ]
    area_to_confirm, status_to_confirm = (
        table[c].astype(bool).to_numpy() if c in table else np.zeros(n, dtype=bool)
        for c in ("available_ha_to_confirm", "status_to_confirm")
    )
    return SiteFacts(
        site_ids=tuple(table["site_id"]),
        available_ha=np.where(area_to_confirm, np.nan, table["available_ha"].astype(float)),
        available_year=table["available_year"].astype(float).to_numpy(),
        env=table["max_env_category"].astype(float).to_numpy(),
        status=np.where(status_to_confirm, "unknown", table["status"].astype(str).to_numpy()),
        province=table["province"].astype(str).to_numpy(),
        afname=table["afname_class"].astype(int).to_numpy(),
        flags={
            f: table[f].astype(bool).to_numpy()
            for f in ("cleanroom_ready", "vibration_free", "heavy_transport", "shared_facility")
        },
        facilities=facilities,
        domains=domains,
        domain_campus_km=domain_km,
        any_campus_km=dist.min(axis=1) if len(campuses) else np.full(n, np.inf),
        reach={c: table[c].to_numpy(float) for c in reach_columns},
        xy=xy,
        grid=build_grid_facts(table["grid_chains"]),
        fit=FitFacts.of_table(table),
        context=ContextFacts.of_table(table),
        domain_facilities=domain_facilities(table, campuses),
        area_bound_ha=_area_bound(table),
        campus_domains=_own_campus_domains(table, campuses, active),
    )


def _own_campus_domains(
    table: pd.DataFrame, campuses: pd.DataFrame, active: np.ndarray
) -> np.ndarray:
    """Per site, the NTS domains of its own campus (``(N, D)`` bools; none without one)."""
    out = np.zeros((len(table), active.shape[1]), dtype=bool)
    if "campus_id" not in table or "campus_id" not in campuses:
        return out
    row = {str(c): j for j, c in enumerate(campuses["campus_id"])}
    for i, campus in enumerate(table["campus_id"]):
        j = row.get(str(campus)) if isinstance(campus, str) and campus else None
        if j is not None:
            out[i] = active[j]
    return out


def _area_bound(table: pd.DataFrame) -> np.ndarray:
    """Per site the net area, else the gross area [ha] (NaN when neither is stated)."""
    n = len(table)
    net, gross = (
        table[c].astype(float).to_numpy() if c in table else np.full(n, np.nan)
        for c in ("net_ha", "gross_ha")
    )
    return np.where(np.isnan(net), gross, net)
