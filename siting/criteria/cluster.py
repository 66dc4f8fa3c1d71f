"""Ecosystem, clustering, housing and accessibility criteria from the site's surroundings.

The facts come from :mod:`siting.layers.site_context` (hotspot membership and CBS municipal
proxies, joined by the site's municipality). The criteria (``models/criteria.toml``):

``hotspot_match``
    Share of the company's NTS domains that the programme's technology hotspot the site lies
    in is strong in (``hotspots.csv``), a core (flagship) domain of the hotspot counting fully
    and a secondary one (present: research groups, a campus, a few firms) counting
    ``hotspot_secondary_factor`` (0.5); a hotspot that names no core domain counts all its
    domains fully. A hotspot in development (Almere) counts ``hotspot_in_development_factor``
    (0.5) of that; 0 outside every hotspot. Next to the campus match, which looks at campuses
    within 25 km: a hotspot is the wider ecosystem of firms, suppliers and institutions.
``housing_pressure``
    Average WOZ value of dwellings in the site's municipality [kEUR] (CBS 2021): a proxy for
    how hard staff find a home; lower is better.
``accessibility``
    CBS urbanisation class of the site's municipality (1 very strongly urban .. 5 not urban):
    a proxy for public transport and daily amenities, not a travel time.
``industrial_cluster``
    Share of business establishments in industry and energy (SBI B-F) in the site's
    municipality [%] (CBS 2021): a proxy for an industrial cluster (suppliers, skilled trades,
    acceptance of industry), counted in establishments, not jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from siting import vocab
from siting._memo import IdentityMemo
from siting.layers.site_context import PROXY_COLUMNS, PROXY_NOTE

if TYPE_CHECKING:
    import pandas as pd

#: Criterion -> the site-table proxy column it reads.
PROXY_CRITERIA: dict[str, str] = {
    "housing_pressure": "muni_woz_avg_keur",
    "accessibility": "muni_urbanisation_class",
    "industrial_cluster": "muni_industry_energy_pct",
}

#: Every criterion of this module.
CRITERIA: tuple[str, ...] = ("hotspot_match", *PROXY_CRITERIA)

_DOMAINS = {slug: k for k, slug in enumerate(vocab.NTS_DOMAINS)}


@dataclass(frozen=True)
class ContextFacts:
    """Per site: its hotspot and its municipality's CBS proxies, as arrays.

    Attributes
    ----------
    hotspot_name
        Hotspot name per site (``""``: none).
    hotspot_domains
        Bool ``(N, D)``: domains of :data:`siting.vocab.NTS_DOMAINS` the site's hotspot is
        strong in.
    hotspot_core
        Bool ``(N, D)``: its core (flagship) domains (all of ``hotspot_domains`` where the
        hotspot names none).
    in_development
        Bool ``(N,)``: the hotspot is in development.
    proxies
        Site-table proxy column -> float values (NaN unknown).
    proxy_year
        Year of the CBS figures per site (NaN unknown).
    """

    hotspot_name: np.ndarray
    hotspot_domains: np.ndarray
    hotspot_core: np.ndarray
    in_development: np.ndarray
    proxies: dict[str, np.ndarray]
    proxy_year: np.ndarray

    @classmethod
    def of_table(cls, table: pd.DataFrame) -> ContextFacts:
        """Read the context columns of a site table (absent columns: unknown, no hotspot)."""
        import pandas as pd

        n = len(table)
        hot = np.zeros((n, len(_DOMAINS)), dtype=bool)
        if "hotspot_domains" in table:
            for i, slugs in enumerate(table["hotspot_domains"]):
                hot[i, [_DOMAINS[d] for d in (slugs or ()) if d in _DOMAINS]] = True
        core = hot.copy()
        if "hotspot_core_domains" in table:
            for i, slugs in enumerate(table["hotspot_core_domains"]):
                named = [_DOMAINS[d] for d in (slugs or ()) if d in _DOMAINS]
                if named:
                    core[i] = False
                    core[i, named] = hot[i, named]

        def column(name: str) -> np.ndarray:
            if name not in table:
                return np.full(n, np.nan)
            return pd.to_numeric(table[name], errors="coerce").to_numpy(float)

        names = (
            table["hotspot_name"].astype("string").fillna("").to_numpy(object)
            if "hotspot_name" in table
            else np.full(n, "", dtype=object)
        )
        status = (
            table["hotspot_status"].astype("string").fillna("").to_numpy(object)
            if "hotspot_status" in table
            else np.full(n, "", dtype=object)
        )
        return cls(
            hotspot_name=names,
            hotspot_domains=hot,
            hotspot_core=core,
            in_development=status == "in_development",
            proxies={c: column(c) for c in PROXY_COLUMNS},
            proxy_year=column("proxy_year"),
        )


def domain_facilities(table: pd.DataFrame, campuses: pd.DataFrame) -> np.ndarray:
    """Per site and NTS domain, the shared facilities of campuses in reach active in it.

    Parameters
    ----------
    table
        The site table (``campuses_in_reach``: campus ids within the campus reach).
    campuses
        The campus layer (``campus_id``, ``nts_domains``, ``shared_facilities``).

    Returns
    -------
    numpy.ndarray
        Bool ``(N, D, F)`` over :data:`siting.vocab.NTS_DOMAINS` and
        :data:`siting.vocab.SHARED_FACILITIES`.
    """
    kinds = {slug: k for k, slug in enumerate(vocab.SHARED_FACILITIES)}
    index = {str(c): j for j, c in enumerate(campuses["campus_id"])}
    n, c = len(table), len(index)
    reach = np.zeros((n, c), dtype=np.int64)
    if "campuses_in_reach" in table:
        for i, ids in enumerate(table["campuses_in_reach"]):
            reach[i, [index[x] for x in (ids or ()) if x in index]] = 1
    active = np.zeros((c, len(_DOMAINS)), dtype=bool)
    offers = np.zeros((c, len(kinds)), dtype=np.int64)
    for j, (slugs, facilities) in enumerate(
        zip(campuses["nts_domains"], campuses["shared_facilities"], strict=True)
    ):
        active[j, [_DOMAINS[d] for d in (slugs or ()) if d in _DOMAINS]] = True
        offers[j, [kinds[f] for f in (facilities or ()) if f in kinds]] = 1
    cube = np.zeros((n, len(_DOMAINS), len(kinds)), dtype=bool)
    for d in range(len(_DOMAINS)):
        cube[:, d, :] = (reach[:, active[:, d]] @ offers[active[:, d]]) > 0
    return cube


def facility_cells(
    domain_rows: np.ndarray,
    group: np.ndarray,
    cube: np.ndarray,
    anywhere: np.ndarray,
    kinds: list[int],
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return the kinds of shared facility on campuses in reach active in the lead's domains.

    Parameters
    ----------
    domain_rows
        ``(G, D)`` domain counts per distinct set of domains.
    group
        ``(L,)``: each lead's row of ``domain_rows``.
    cube
        :func:`domain_facilities`.
    anywhere
        Bool ``(N, F)``: facilities of every campus in reach (for a lead naming no domain).
    kinds
        Facility columns counted.

    Returns
    -------
    callable
        ``(leads, sites)`` -> the counts at those cells (index arrays that broadcast).
    """
    named = domain_rows > 0
    some = np.asarray(named.any(axis=1))
    by_domain, any_domain = _kind_bits(cube, anywhere, tuple(kinds))

    def compute(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        g = group[leads]
        bits = np.bitwise_or.reduce(np.where(named[g], by_domain[sites], np.uint64(0)), axis=-1)
        bits = np.where(some[g], bits, any_domain[sites])
        return _bit_count(bits).astype(float)

    return compute


#: Per cube, anywhere array and kinds: the kinds as bits (:func:`_kind_bits`).
_KIND_BITS: IdentityMemo[tuple[np.ndarray, np.ndarray]] = IdentityMemo()


def _kind_bits(
    cube: np.ndarray, anywhere: np.ndarray, kinds: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Return the kinds as bits: per site and domain ``(N, D)``, and per site ``(N,)``.

    Per site and domain the kinds on campuses in reach active in it, so a cell ORs its lead's
    domains and counts the bits (the kinds any of them offers). They depend on the site
    facts and the catalogue only: remembered per cube (read-only), not built per lead.
    """

    def build() -> tuple[np.ndarray, np.ndarray]:
        weights = np.left_shift(np.uint64(1), np.arange(len(kinds), dtype=np.uint64))
        by_domain = (cube[:, :, list(kinds)] * weights).sum(axis=-1, dtype=np.uint64)  # (N, D)
        any_domain = (anywhere[:, list(kinds)] * weights).sum(axis=-1, dtype=np.uint64)  # (N,)
        for array in (by_domain, any_domain):
            array.setflags(write=False)
        return by_domain, any_domain

    return _KIND_BITS.get((cube, anywhere), build, kinds)


#: Set bits of each byte value.
_BYTE_BITS = np.array([bin(b).count("1") for b in range(256)], dtype=np.int64)


def _bit_count(bits: np.ndarray) -> np.ndarray:
    """Return the number of set bits of each unsigned 64-bit integer."""
    as_bytes = np.ascontiguousarray(bits, dtype=np.uint64).view(np.uint8)
    return _BYTE_BITS[as_bytes].reshape(*np.shape(bits), 8).sum(axis=-1)


def hotspot_cells(
    domain_rows: np.ndarray,
    group: np.ndarray,
    facts: ContextFacts,
    *,
    in_development_factor: float,
    secondary_factor: float = 0.5,
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Return the ``hotspot_match`` share at cells: the lead's domains in the site's hotspot.

    Parameters
    ----------
    domain_rows
        ``(G, D)``: how often each NTS domain is named, per distinct set of domains.
    group
        ``(L,)``: each lead's row of ``domain_rows``.
    facts
        The sites' context.
    in_development_factor
        Weight of a hotspot in development (0-1).
    secondary_factor
        Weight of a domain the hotspot has but not among its core domains (0-1).

    Returns
    -------
    callable
        ``(leads, sites)`` -> the shares at those cells (index arrays that broadcast).
    """
    counts = domain_rows.astype(float)
    named = counts.sum(axis=1)
    named = np.where(named > 0, named, 1.0)
    strength, factor = _hotspot_weights(facts, in_development_factor, secondary_factor)

    def compute(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        g = group[leads]
        # small integer counts times 0, 0.5 or 1: exact in any order
        shared = (counts[g] * strength[sites]).sum(axis=-1)
        return shared / named[g] * factor[sites]

    return compute


#: Per context facts and factors: :func:`_hotspot_weights`.
_HOTSPOT_WEIGHTS: IdentityMemo[tuple[np.ndarray, np.ndarray]] = IdentityMemo()


def _hotspot_weights(
    facts: ContextFacts, in_development_factor: float, secondary_factor: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return per site and domain the hotspot's strength ``(N, D)``, per site its factor.

    They depend on the sites and the catalogue only: remembered per context facts
    (read-only), not built per lead.
    """

    def build() -> tuple[np.ndarray, np.ndarray]:
        strength = np.where(
            facts.hotspot_core, 1.0, np.where(facts.hotspot_domains, secondary_factor, 0.0)
        )
        factor = np.where(facts.in_development, in_development_factor, 1.0)
        for array in (strength, factor):
            array.setflags(write=False)
        return strength, factor

    return _HOTSPOT_WEIGHTS.get(
        (facts,), build, (float(in_development_factor), float(secondary_factor))
    )


def proxy_rows(facts: ContextFacts, n: int) -> dict[str, np.ndarray]:
    """Return the CBS municipal proxy criteria per site, ``(1, N)`` each."""
    return {name: facts.proxies[column][None, :] for name, column in PROXY_CRITERIA.items()}


def describer(name: str, facts: ContextFacts, unit: str) -> Callable[[int], str] | None:
    """Return site index -> the criterion's value in words (``None``: not this module's)."""
    if name == "hotspot_match":

        def hotspot(i: int) -> str:
            hotspot_name = facts.hotspot_name[i]
            if not hotspot_name:
                return "in no technology hotspot of the programme"
            kind = " (in development)" if facts.in_development[i] else ""
            return f"in the {hotspot_name} hotspot{kind}"

        return hotspot
    if name not in PROXY_CRITERIA:
        return None
    values = facts.proxies[PROXY_CRITERIA[name]]

    def proxy(i: int) -> str:
        value, year = values[i], facts.proxy_year[i]
        if np.isnan(value):
            return "unknown"
        shown = f"{value:.0f}" if name != "industrial_cluster" else f"{value:.1f}"
        when = "unknown year" if np.isnan(year) else f"{year:.0f}"
        return f"{shown} {unit} ({PROXY_NOTE.format(year=when)})"

    return proxy
