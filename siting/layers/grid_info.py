"""Readable summaries of the grid join: per municipality, what is placed, levels in words.

:func:`municipality_grid` joins each municipality as a site at its point would be joined (for
maps and ``data info``); :func:`placement_counts` counts what the links place and what they
cannot; :func:`chain_year_text` and :func:`level_name` put one level in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from siting import vocab
from siting.layers.grid import GridLevel, grid_join
from siting.layers.load import GeoData

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd


def municipality_grid(data: GeoData) -> pd.DataFrame:
    """Return the grid summary of every municipality (for maps and ``data info``).

    Each municipality is joined as a site at its point would be (its own links, else the
    fallback), so the summary is what a site there placed by its municipality gets.

    Returns
    -------
    pandas.DataFrame
        ``gm_code``, ``municipality`` and :data:`GRID_COLUMNS` (without ``grid_chains``),
        one row per municipality, in the layer's order.
    """
    import pandas as pd

    munis = pd.DataFrame(data.municipalities.drop(columns="geometry", errors="ignore"))
    frame = pd.DataFrame({"site_id": munis["gm_code"], "gm_code": munis["gm_code"]})
    joined = grid_join(data, frame)
    out = joined.drop(columns="grid_chains")
    out.insert(0, "gm_code", munis["gm_code"].to_numpy())
    out.insert(1, "municipality", munis["name"].to_numpy())
    return out.reset_index(drop=True)


def municipality_grid_points(data: GeoData) -> gpd.GeoDataFrame:
    """Return :func:`municipality_grid` at the municipalities' points, in the columns maps read.

    Returns
    -------
    geopandas.GeoDataFrame
        ``gm_code``, ``municipality``, ``grid_operator``, ``afname_class``, ``status_date``,
        ``expected_relief_year``, ``grid_basis``, ``grid_area_ids``; point geometry in
        EPSG:28992.
    """
    import geopandas as gpd

    summary = municipality_grid(data).rename(columns={"congestion_status_date": "status_date"})
    points = data.municipalities.set_index("gm_code").geometry
    return gpd.GeoDataFrame(
        summary[
            [
                "gm_code",
                "municipality",
                "grid_operator",
                "afname_class",
                "status_date",
                "expected_relief_year",
                "grid_basis",
                "grid_area_ids",
            ]
        ],
        geometry=summary["gm_code"].map(points).to_numpy(),
        crs=data.municipalities.crs,
    )


def placement_counts(data: GeoData) -> dict[str, object]:
    """Count what the links place: areas by kind and operator, links by confidence.

    Returns
    -------
    dict
        JSON-ready: ``areas`` (per kind: records, placed, unplaced), ``regional_by_operator``
        (placed / unplaced), ``links_by_confidence``, ``tennet_parents_by_confidence`` (the
        links that name the TenneT station or area above a regional area, by confidence: a
        parent inferred from names or codes is at best ``approximate``), ``municipalities``
        (with a placed supply area, on the fallback only, with nothing).
    """
    areas, links = data.grid_areas, data.grid_area_links
    linked = set(links["area_id"]) | set(links["tennet_id"].dropna())
    parents = set(areas.loc[areas["area_id"].isin(linked), "parent_id"].dropna())
    placed = areas["area_id"].isin(linked) | (
        areas["kind"].eq("tennet_area") & areas["area_id"].isin(parents)
    )
    demand_areas = set(areas["parent_id"].dropna())
    figures = areas[["available_mw", "required_mw", "queue_mw"]].notna().any(axis=1)
    feed_in_only = areas["kind"].eq("tennet_area") & ~areas["area_id"].isin(demand_areas) & ~figures
    by_kind = {}
    for kind, group in areas.groupby("kind", sort=True):
        n = int(placed[group.index].sum())
        skip = int(feed_in_only[group.index].sum())
        by_kind[str(kind)] = {
            "records": len(group),
            "placed": n,
            "unplaced": len(group) - n - skip,
            "feed_in_only": skip,
        }
    regional = areas["kind"].eq("regional")
    by_operator = {}
    for op, group in areas[regional].groupby("operator", sort=True):
        n = int(placed[group.index].sum())
        by_operator[str(op)] = {"placed": n, "unplaced": len(group) - n}
    summary = municipality_grid(data)
    basis = summary["grid_basis"].value_counts()
    return {
        "areas": by_kind,
        "regional_by_operator": by_operator,
        "links_by_confidence": {
            str(k): int(v) for k, v in links["confidence"].value_counts().sort_index().items()
        },
        "tennet_parents_by_confidence": {
            str(k): int(v)
            for k, v in links.loc[links["tennet_id"].notna(), "confidence"]
            .value_counts()
            .sort_index()
            .items()
        },
        "municipalities": {
            "with a placed supply area": int(basis.get("municipality links", 0)),
            "TenneT station only (supply area unknown)": int(
                basis.get("TenneT station only: supply area not placed", 0)
            ),
            "fallback only (per-municipality approximation)": int(
                basis.get("fallback: per-municipality approximation", 0)
            ),
            "no grid data": int(basis.get("none", 0)),
        },
    }


def chain_year_text(level: GridLevel) -> str:
    """Describe one level in words: id, operator, class, figures [MW], solve year."""
    if level.kind == "unknown":
        return "not placed (no figures)"
    label = vocab.CONGESTION_CLASSES.get(level.cls, "unknown")
    cls = (
        f"class {level.cls} {label}"
        if level.class_basis == "what-if"
        else f"class {level.cls} {label}"
        if level.class_basis == "published"
        else f"derived class {level.cls} {label}"
        if level.class_basis == "derived"
        else f"class {level.cls} {label} (approximation from announcements)"
        if level.class_basis == "fallback" and level.cls >= 0
        else "no class published"
    )
    parts = [cls + (" (what-if)" if level.what_if else "")]
    if not np.isnan(level.queue_mw) and not np.isnan(level.available_mw):
        parts.append(f"{level.queue_mw:,.1f} MW queued on {level.available_mw:,.1f} MW")
    elif not np.isnan(level.queue_mw):
        parts.append(f"{level.queue_mw:,.1f} MW queued")
    room = level.room_mw
    if not np.isnan(room):
        parts.append(f"room {room:,.1f} MW" if room > 0 else "no room")
    if not np.isnan(level.solve_year):
        parts.append(f"expected solved {level.solve_year:.0f}")
    return "; ".join(parts)


def level_name(level: GridLevel) -> str:
    """``"supply area OS DOKKUM 10-1i (Liander)"``, ``"TenneT station Dokkum 110"``, ..."""
    if level.kind == "regional":
        return f"supply area {level.area_id} ({level.operator})"
    if level.kind == "tennet_station":
        return f"{level.area_id.replace('Station ', 'TenneT station ', 1)} ({level.area_name})"
    if level.kind == "tennet_area":
        return f"TenneT area {level.area_id}"
    if level.kind == "fallback":
        return f"{level.area_name or level.area_id} (no supply area placed: fallback)"
    return "unknown TenneT level" if level.operator == "TenneT" else "unknown supply area"


# -- internals ----------------------------------------------------------------------------------
