"""The surfaces of the ranking map: grid congestion and STEM talent, drawn per municipality.

Both are drawn on the municipality areas of the offline basemap (the simplified CBS/PDOK
boundaries in ``geodata/boundaries``, :func:`siting.outputs.maps.geometry.boundary_shapes`),
or on boundaries the caller gives; only when neither is available on hexagons
(:func:`siting.outputs.maps.geometry.hexagon_grid`) coloured by the nearest municipality
point. The palettes are colour-blind safe (:mod:`siting.outputs.maps.palettes`), with every
class visible on the basemap.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from siting import settings, vocab
from siting.layers.grid_info import municipality_grid_points
from siting.layers.load import GeoData
from siting.layers.site_table import STUDENT_LABELS, talent_within_reach
from siting.outputs.maps.elements import PolygonSurface
from siting.outputs.maps.geometry import (
    HEX_CELL_KM,
    boundary_shapes,
    class_edges,
    class_labels,
    hexagon_grid,
    polygon_latlngs,
)
from siting.outputs.maps.html import esc, swatch
from siting.outputs.maps.palettes import CONGESTION_COLORS, TALENT_COLORS

#: ``(latlngs, municipality point index or None, name)`` per drawn area.
Areas = list[tuple[Any, int | None, str]]
Section = tuple[str | None, str, str, bool]


def municipality_areas(
    grid: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame | None = None
) -> tuple[Areas, str]:
    """Return the areas to colour per municipality and how they were drawn (for the legend).

    Parameters
    ----------
    grid
        One row per municipality with ``gm_code`` and a point geometry in EPSG:28992
        (:func:`siting.layers.grid_info.municipality_grid_points`), positionally indexed.
    polygons
        Municipality polygons with ``gm_code`` and ``name`` in EPSG:28992, or ``None`` for
        the shipped boundaries.

    Returns
    -------
    tuple
        The areas (the index is the row of ``grid`` whose figures colour it, ``None`` for an
        area without a record) and a few words on the geometry.
    """
    position = {str(code): k for k, code in enumerate(grid["gm_code"])}
    if polygons is not None:
        shapes = polygon_latlngs(polygons.geometry)
        areas: Areas = [
            (shape, position.get(str(code)), str(name))
            for shape, code, name in zip(shapes, polygons["gm_code"], polygons["name"], strict=True)
        ]
        return areas, "drawn per municipality (boundaries given)"
    shipped = boundary_shapes("municipalities", str(settings.boundaries_dir))
    if shipped:
        areas = [
            (shape, position.get(str(props.get("gm_code"))), str(props.get("name", "")))
            for props, shape in shipped
        ]
        return areas, "drawn per municipality (CBS/PDOK boundaries, simplified)"
    points = grid.geometry[grid.geometry.notna() & ~grid.geometry.is_empty]
    hexes = hexagon_grid(points)
    shapes = polygon_latlngs(hexes.geometry, ring_only=True)
    index = points.index.to_numpy()
    areas = [(shape, int(index[k]), "") for shape, k in zip(shapes, hexes["nearest"], strict=True)]
    return areas, (
        f"drawn as ~{HEX_CELL_KM:g} km hexagons coloured by the class of the nearest "
        "municipality point (no boundaries shipped)"
    )


def congestion_layer(
    group: folium.FeatureGroup,
    data: GeoData,
    polygons: gpd.GeoDataFrame | None,
    *,
    shown: bool,
    layer: str,
) -> Section:
    """Colour the municipalities by their worst demand-side congestion class; legend section."""
    grid = municipality_grid_points(data).reset_index(drop=True)
    classes = [-1 if _missing(c) else int(c) for c in grid["afname_class"]]
    order = sorted(CONGESTION_COLORS)
    palette = [CONGESTION_COLORS[c] for c in order]
    index = {c: i for i, c in enumerate(order)}
    areas, how = municipality_areas(grid, polygons)
    approx = "per-municipality approximation of the capacity map"
    cells = []
    for shape, k, name in areas:
        if k is None:
            cells.append((shape, index[-1], f"<b>unknown</b><br>{esc(name)}: no record"))
        else:
            cells.append(
                (shape, index[classes[k]], _congestion_tip(grid.iloc[k], classes[k], approx))
            )
    style = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.45}
    group.add_child(PolygonSurface(cells, colors=palette, style=style))
    dates = sorted({str(d) for d in grid["status_date"] if not _missing(d)})
    when = (
        f"status {dates[0]}"
        if len(dates) == 1
        else f"status dates {dates[0]} .. {dates[-1]} (per municipality, in the tooltip)"
        if dates
        else "status date unknown"
    )
    body = "".join(
        swatch(
            CONGESTION_COLORS[c],
            f"{c} {vocab.CONGESTION_CLASSES[c]}" if c >= 0 else vocab.CONGESTION_CLASSES[c],
        )
        for c in (3, 2, 1, 0, -1)
    )
    body += (
        f'<div class="note">{esc(when)}. Per municipality the worst class of the supply '
        "areas and TenneT levels of the capacity map that may feed a site there (published, "
        "derived from the figures, or a fallback from announcements): an approximation, "
        f"{esc(how)}.</div>"
    )
    return layer, "Grid congestion, demand side (class)", body, shown


def _congestion_tip(row: pd.Series, cls: int, approx: str) -> str:
    relief = row.get("expected_relief_year")
    relief_text = "" if _missing(relief) else f", latest solve year {int(relief)}"
    areas = row.get("grid_area_ids") or ()
    basis = (
        f"{len(areas)} supply area(s) placed here"
        if areas
        else "no supply area placed: fallback"
        if str(row.get("grid_basis", "")).startswith("fallback")
        else "no supply area placed"
    )
    return (
        f"<b>{esc(vocab.CONGESTION_CLASSES[cls])}</b> (class {cls}, the worst "
        f"of the areas that may feed a site here)<br>"
        f"{esc(row['municipality'])}: {esc(basis)}; state "
        f"{esc(_text(row.get('status_date')))}, "
        f"{esc(_text(row.get('grid_operator')))}{relief_text}<br>"
        f'<span class="note">{esc(approx)}</span>'
    )


def talent_layers(
    data: GeoData, polygons: gpd.GeoDataFrame | None, *, classes: int
) -> dict[str, tuple[str, PolygonSurface, str]]:
    """Return per education level its legend title, surface and legend body.

    The talent within commuting reach is computed at each municipality's point
    (:func:`siting.layers.site_table.talent_within_reach`, an estimate) and drawn on its area;
    the classes are quantiles of the municipalities' values.
    """
    grid = municipality_grid_points(data).reset_index(drop=True)
    areas, how = municipality_areas(grid, polygons)
    points = grid.geometry
    located = points.notna() & ~points.is_empty
    xy = np.zeros((len(grid), 2))
    xy[located.to_numpy()] = np.column_stack([points[located].x, points[located].y])
    reach = talent_within_reach(xy, data)
    drawn = [(shape, k, name) for shape, k, name in areas if k is not None and located.iloc[k]]
    out = {}
    for level in vocab.EDUCATION_LEVELS:
        values = reach[f"{level}_talent_reach"]
        students = reach[f"{level}_students_reach"]
        edges = class_edges(values[located.to_numpy()], classes)
        palette = _spread(TALENT_COLORS, len(edges) + 1)
        cells = []
        for shape, k, name in drawn:
            assert k is not None
            c = int(np.searchsorted(edges, values[k], side="right"))
            where = f"{esc(name)}: " if name else ""
            cells.append(
                (
                    shape,
                    c,
                    f"{where}<b>{level}: &asymp; {values[k]:,.0f} FTE</b> technical workforce "
                    f"within reach (estimate)<br>{students[k]:,.0f} {STUDENT_LABELS[level]} "
                    "within reach",
                )
            )
        surface = PolygonSurface(
            cells,
            colors=palette,
            style={"color": "#ffffff", "weight": 0.5, "opacity": 0.8, "fillOpacity": 0.65},
        )
        body = "".join(swatch(palette[i], label) for i, label in enumerate(class_labels(edges)))
        body += (
            '<div class="note">Estimate: technical workforce by the municipalities\' '
            f"figures, distance-weighted (half at {settings.talent_half_distance_km:g} "
            f"km, none beyond {settings.talent_reach_km:g} km), at each municipality's point, "
            f"{esc(how)}; colour classes are quantiles.</div>"
        )
        out[level] = (f"STEM talent within reach: {level} [FTE, estimate]", surface, body)
    return out


def _spread(colors: tuple[str, ...], n: int) -> list[str]:
    """Return ``n`` colours picked evenly from a sequential palette (all when ``n`` >= its size)."""
    if n >= len(colors):
        return list(colors)
    picks = np.round(np.linspace(0, len(colors) - 1, max(n, 1))).astype(int)
    return [colors[i] for i in picks]


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str | tuple | list):
        return value is None
    return bool(pd.isna(value))


def _text(value: Any) -> str:
    return "unknown" if _missing(value) else str(value)
