"""Summaries of the loaded data for ``siting data info``."""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting import vocab
from siting.layers.grid_info import municipality_grid, placement_counts
from siting.layers.load import GeoData
from siting.layers.schema import LAYERS


def data_info(data: GeoData) -> dict[str, Any]:
    """Summarise the layers: files, counts, reference dates and a per-province overview.

    Parameters
    ----------
    data
        Loaded layers.

    Returns
    -------
    dict
        ``{"layers": [...], "provinces": [...], "grid": {...}}``, JSON-serialisable. Per
        province: number of municipalities, population, sites, available area [ha] (sum of
        known figures) and sites without a known figure, campuses, and municipalities per
        demand-side class (the worst class over the supply areas and TenneT levels that may
        feed a site placed at the municipality). ``grid``: what the links place and what
        cannot be placed (:func:`siting.layers.grid.placement_counts`).
    """
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
    municipalities = pd.DataFrame(data.municipalities.drop(columns="geometry"))
    province_of = municipalities.set_index("gm_code")["province"]
    sites = pd.DataFrame(data.sites.drop(columns="geometry"))
    sites["province"] = sites["gm_code"].map(province_of)
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
                "available_ha": round(float(available.sum()), 1),
                "sites_area_unknown": int(available.isna().sum()),
                "campuses": int(campuses["province"].eq(name).sum()),
                "congestion": {
                    vocab.CONGESTION_CLASSES[c]: int((classes == c).sum())
                    for c in vocab.CONGESTION_CLASSES
                },
            }
        )
    return {"layers": layers, "provinces": provinces, "grid": placement_counts(data)}
