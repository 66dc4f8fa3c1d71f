"""Summaries of the loaded data for ``siting data info``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting import vocab
from siting.layers.grid_info import municipality_grid, placement_counts
from siting.layers.load import GeoData
from siting.layers.schema import LAYERS, TALENT_MEASURES

#: What ``data info`` reports as known per site: label -> the columns of which one must be set.
SITE_FACTS: dict[str, tuple[str, ...]] = {
    "area": ("gross_ha", "net_ha"),
    "issuable area": ("available_ha",),
    "environmental category": ("max_env_category",),
    "designation": ("designation",),
    "status date": ("status_date",),
}


def data_info(data: GeoData) -> dict[str, Any]:
    """Summarise the layers: files, counts, reference dates, the supply and each province.

    Parameters
    ----------
    data
        Loaded layers.

    Returns
    -------
    dict
        ``{"layers": [...], "supply": {...}, "provinces": [...], "grid": {...},
        "hotspots": [...], "talent": [...]}``, JSON-serialisable. ``supply``: number of sites,
        provinces and municipalities with a site, sites per location kind, and the share of
        sites [%] whose area, issuable area, environmental category, designation and status
        date are known (:data:`SITE_FACTS`). Per province: number of municipalities,
        population, sites, municipalities with a site, available area [ha] (sum of known
        figures) and sites without a known figure, campuses, and municipalities per
        demand-side class (the worst class over the supply areas and TenneT levels that may
        feed a site placed at the municipality). ``grid``: what the links place and what
        cannot be placed (:func:`siting.layers.grid.placement_counts`). Per hotspot: status,
        municipalities, NTS domains (and the core ones), campuses and the sites in its
        municipalities. Per talent count: its kind, year and national total [persons].
    """
    municipalities = pd.DataFrame(data.municipalities.drop(columns="geometry"))
    province_of = municipalities.set_index("gm_code")["province"]
    sites = pd.DataFrame(data.sites.drop(columns="geometry"))
    sites["province"] = sites["gm_code"].map(province_of)
    return {
        "layers": _layers_info(data),
        "supply": supply_info(sites),
        "provinces": _provinces_info(data, municipalities, sites),
        "grid": placement_counts(data),
        "hotspots": _hotspots(data, sites),
        "talent": [
            {
                "column": column,
                "kind": kind,
                "year": year,
                "national": int(data.stem_talent[column].astype(float).sum()),
            }
            for column, (kind, year, _) in TALENT_MEASURES.items()
            if column in data.stem_talent
        ],
    }


def _layers_info(data: GeoData) -> list[dict[str, Any]]:
    """Return per layer: its file, number of records, reference date and source."""
    layers = []
    for spec in LAYERS:
        meta = data.catalog.get(spec.name, {})
        layers.append(
            {
                "layer": spec.name,
                "file": str(data.files.get(spec.name, "")),
                "records": len(getattr(data, spec.name)),
                "reference_date": str(meta.get("reference_date", "not stated")),
                "source": str(meta.get("source", "not stated")),
            }
        )
    return layers


def _provinces_info(
    data: GeoData, municipalities: pd.DataFrame, sites: pd.DataFrame
) -> list[dict[str, Any]]:
    """Return the figures per province (:func:`data_info`); ``sites`` has a ``province``."""
    province_of = municipalities.set_index("gm_code")["province"]
    campuses = pd.DataFrame(data.campuses.drop(columns="geometry"))
    campuses["province"] = campuses["gm_code"].map(province_of)
    grid = municipality_grid(data)
    grid["province"] = grid["gm_code"].map(province_of)
    provinces = []
    for name in vocab.PROVINCES.values():
        in_prov = municipalities["province"].eq(name)
        prov_sites = sites[sites["province"].eq(name)]
        available = prov_sites["available_ha"].astype(float)
        classes = grid.loc[grid["province"].eq(name), "afname_class"].astype(int)
        provinces.append(
            {
                "province": name,
                "municipalities": int(in_prov.sum()),
                "population": int(municipalities.loc[in_prov, "population"].sum()),
                "sites": len(prov_sites),
                "municipalities_with_sites": int(prov_sites["gm_code"].nunique()),
                "available_ha": round(float(available.sum()), 1),
                "sites_area_unknown": int(available.isna().sum()),
                "campuses": int(campuses["province"].eq(name).sum()),
                "congestion": {
                    vocab.CONGESTION_CLASSES[c]: int((classes == c).sum())
                    for c in vocab.CONGESTION_CLASSES
                },
            }
        )
    return provinces


def _hotspots(data: GeoData, sites: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in data.hotspots.itertuples(index=False):
        codes = tuple(row.gm_codes or ())
        out.append(
            {
                "hotspot": row.hotspot_id,
                "name": row.name,
                "status": row.status,
                "municipalities": len(codes),
                "nts_domains": [vocab.NTS_DOMAINS[d] for d in row.nts_domains or ()],
                "nts_short": [vocab.NTS_DOMAIN_SHORT_NAMES[d][0] for d in row.nts_domains or ()],
                "core_domains": [
                    vocab.NTS_DOMAINS[d] for d in getattr(row, "core_domains", None) or ()
                ],
                "campuses": len(row.campus_ids or ()),
                "sites": int(sites["gm_code"].isin(codes).sum()),
            }
        )
    return out


def supply_info(sites: pd.DataFrame) -> dict[str, Any]:
    """Summarise the candidate sites: coverage and the share of each fact that is known.

    Parameters
    ----------
    sites
        The sites layer's records (with ``province`` filled).

    Returns
    -------
    dict
        ``sites``, ``provinces``, ``municipalities`` (with at least one site),
        ``location_kinds`` (sites per kind) and ``known_pct`` (fact -> share of sites [%]).
    """
    n = len(sites)
    kinds = sites["location_kind"].fillna("site").value_counts()
    known = {
        label: round(100.0 * float(sites[list(columns)].notna().any(axis=1).mean()), 1)
        if n
        else 0.0
        for label, columns in SITE_FACTS.items()
    }
    return {
        "sites": n,
        "provinces": int(sites["province"].nunique()),
        "municipalities": int(sites["gm_code"].nunique()),
        "location_kinds": {k: int(kinds.get(k, 0)) for k in vocab.LOCATION_KINDS},
        "known_pct": known,
    }
