"""Geometry for the maps: EPSG:28992 shapes to rounded Leaflet latlngs, the shipped boundaries.

Geometry is built in EPSG:28992 [m] and reprojected to EPSG:4326 only for drawing, with
coordinates rounded to :data:`COORD_DECIMALS`. The offline basemap and the surfaces use the
simplified CBS/PDOK boundaries that ``scripts/build_geodata.py`` ships in ``geodata/boundaries``
(already in EPSG:4326 and rounded): :func:`boundary_shapes` reads them as Leaflet latlngs.
"""

from __future__ import annotations

import itertools
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError

#: Width of a hexagon cell, flat side to flat side [km].
HEX_CELL_KM: float = 6.0
#: Hexagons are drawn where their centre lies within this distance of a municipality point [km].
HEX_REACH_KM: float = 8.0
#: Tolerance with which boundary polygons are simplified before drawing [m].
SIMPLIFY_TOLERANCE_M: float = 100.0
#: Decimals kept of each coordinate [degree] (5 decimals: about 1 m).
COORD_DECIMALS: int = 5


def latlon(lat: float, lon: float) -> list[float]:
    """Return ``[lat, lon]`` [degree] rounded to :data:`COORD_DECIMALS`, as Leaflet takes it."""
    return _latlon(lat, lon)


def polygon_latlngs(geometry: gpd.GeoSeries, *, ring_only: bool = False) -> list[Any]:
    """Return Leaflet latlngs of polygons in EPSG:28992, reprojected and rounded.

    Parameters
    ----------
    geometry
        Polygons (or multipolygons) in EPSG:28992.
    ring_only
        Only the exterior ring of each polygon (enough for hexagons).

    Returns
    -------
    list
        One entry per geometry.
    """
    return _to_latlngs(geometry, ring_only=ring_only)


@lru_cache(maxsize=4)
def boundary_shapes(name: str, folder: str | None = None) -> tuple[tuple[dict[str, Any], Any], ...]:
    """Return the shipped boundaries as ``(properties, Leaflet latlngs)`` per feature.

    Parameters
    ----------
    name
        ``"municipalities"`` (properties ``gm_code``, ``name``) or ``"provinces"``
        (``province_code``, ``name``).
    folder
        The folder; default :data:`siting.settings.boundaries_dir`.

    Returns
    -------
    tuple
        In file order; latlngs as Leaflet's ``L.polygon`` takes them (rings of ``[lat, lon]``
        [degree], a list of polygons for a multipolygon). Empty when the file is missing.
    """
    path = (Path(folder) if folder is not None else settings.boundaries_dir) / f"{name}.geojson"
    if not path.is_file():
        return ()
    features = json.loads(path.read_text(encoding="utf-8")).get("features", [])
    out = []
    for feature in features:
        geometry = feature.get("geometry") or {}
        coords = geometry.get("coordinates")
        if not coords:
            continue
        if geometry.get("type") == "Polygon":
            shape: Any = [_swap(ring) for ring in coords]
        elif geometry.get("type") == "MultiPolygon":
            shape = [[_swap(ring) for ring in polygon] for polygon in coords]
        else:
            continue
        out.append((dict(feature.get("properties") or {}), shape))
    return tuple(out)


def _swap(ring: list[list[float]]) -> list[list[float]]:
    """GeoJSON ``[lon, lat]`` -> Leaflet ``[lat, lon]``, without the closing point."""
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    return [
        [round(float(p[1]), COORD_DECIMALS), round(float(p[0]), COORD_DECIMALS)] for p in points
    ]


def hexagon_grid(
    points: gpd.GeoSeries,
    *,
    cell_km: float = HEX_CELL_KM,
    reach_km: float = HEX_REACH_KM,
) -> gpd.GeoDataFrame:
    """Pointy-top hexagons covering the surroundings of a set of points.

    Parameters
    ----------
    points
        Points in EPSG:28992 (e.g. municipality points).
    cell_km
        Cell width, flat side to flat side [km].
    reach_km
        Keep cells whose centre lies within this distance of a point [km].

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``x``, ``y`` (centre [m]), ``nearest`` (position of the nearest point in
        ``points``), ``distance_km`` and the hexagon ``geometry``, in EPSG:28992.
    """
    require_working_crs(points.crs, "points")
    points = points[points.notna() & ~points.is_empty]
    if points.empty:
        return gpd.GeoDataFrame(
            {"x": [], "y": [], "nearest": [], "distance_km": []},
            geometry=[],
            crs=settings.working_crs,
        )
    xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    width = cell_km * 1000.0
    radius = width / math.sqrt(3.0)
    reach = reach_km * 1000.0
    (x0, y0), (x1, y1) = xy.min(axis=0) - reach, xy.max(axis=0) + reach
    rows = np.arange(y0, y1 + 1.5 * radius, 1.5 * radius)
    centres = []
    for i, y in enumerate(rows):
        xs = np.arange(x0 + (width / 2.0 if i % 2 else 0.0), x1 + width, width)
        centres.append(np.column_stack([xs, np.full(len(xs), y)]))
    grid = np.vstack(centres)
    nearest = np.empty(len(grid), dtype=int)
    distance = np.empty(len(grid))
    for start in range(0, len(grid), 2048):
        block = grid[start : start + 2048]
        d = np.hypot(block[:, None, 0] - xy[None, :, 0], block[:, None, 1] - xy[None, :, 1])
        nearest[start : start + 2048] = d.argmin(axis=1)
        distance[start : start + 2048] = d.min(axis=1)
    keep = distance <= reach
    grid, nearest, distance = grid[keep], nearest[keep], distance[keep]
    angles = np.deg2rad(30.0 + 60.0 * np.arange(6))
    corners = grid[:, None, :] + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return gpd.GeoDataFrame(
        {
            "x": grid[:, 0],
            "y": grid[:, 1],
            "nearest": nearest,
            "distance_km": np.round(distance / 1000.0, 2),
        },
        geometry=shapely.polygons(corners),
        crs=settings.working_crs,
    )


def boundary_polygons(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return municipality polygons (``gm_code``, ``name``) in EPSG:28992, simplified."""
    problems = []
    if "gm_code" not in boundaries.columns:
        problems.append(
            Problem(
                file="<boundaries>",
                column="gm_code",
                message="municipality boundaries need a gm_code column",
            )
        )
    if boundaries.crs is None:
        problems.append(
            Problem(
                file="<boundaries>",
                column="geometry",
                message="municipality boundaries have no CRS",
            )
        )
    if problems:
        raise SitingInputError(problems)
    frame = boundaries.to_crs(settings.working_crs)
    names = frame["name"] if "name" in frame.columns else frame["gm_code"]
    geometry = frame.geometry.simplify(SIMPLIFY_TOLERANCE_M, preserve_topology=True)
    out = gpd.GeoDataFrame(
        {"gm_code": frame["gm_code"].astype(str).to_numpy(), "name": names.astype(str).to_numpy()},
        geometry=geometry.to_numpy(),
        crs=settings.working_crs,
    )
    return out[out.geometry.notna() & ~out.geometry.is_empty].reset_index(drop=True)


def _to_latlngs(geometry: gpd.GeoSeries, *, ring_only: bool = False) -> list[Any]:
    """Leaflet latlngs of polygons in EPSG:28992, reprojected and rounded."""
    shown = geometry.to_crs(settings.display_crs)
    return [_ring(g.exterior) if ring_only else _polygon_latlngs(g) for g in shown]


def _polygon_latlngs(geom: shapely.Geometry) -> list[Any]:
    if isinstance(geom, shapely.Polygon):
        return [_ring(geom.exterior), *(_ring(r) for r in geom.interiors)]
    parts = [
        g
        for g in getattr(geom, "geoms", ())
        if isinstance(g, shapely.Polygon | shapely.MultiPolygon)
    ]
    out: list[Any] = []
    for part in parts:
        if isinstance(part, shapely.MultiPolygon):
            out.extend(_polygon_latlngs(p) for p in part.geoms)
        else:
            out.append(_polygon_latlngs(part))
    return out


def _ring(ring: shapely.LinearRing) -> list[list[float]]:
    coords = np.asarray(ring.coords)[:-1, :2]
    return np.round(coords[:, ::-1], COORD_DECIMALS).tolist()


def _latlon(lat: float, lon: float) -> list[float]:
    return [round(float(lat), COORD_DECIMALS), round(float(lon), COORD_DECIMALS)]


def class_edges(values: np.ndarray, n: int) -> list[float]:
    """Inner class edges at quantiles, rounded to two significant digits, increasing."""
    positive = values[values > 0]
    if positive.size == 0:
        return []
    edges: list[float] = []
    for q in np.linspace(0, 1, n + 1)[1:-1]:
        edge = float(np.quantile(positive, q))
        if edge > 0:
            digits = 1 - math.floor(math.log10(edge))
            edge = round(edge, digits)
        if edge > 0 and (not edges or edge > edges[-1]):
            edges.append(edge)
    return edges


def class_labels(edges: list[float]) -> list[str]:
    """Return the legend labels of classes with inner ``edges``."""
    if not edges:
        return ["0"]
    labels = [f"< {edges[0]:,.0f}"]
    labels += [f"{a:,.0f} - {b:,.0f}" for a, b in itertools.pairwise(edges)]
    labels.append(f">= {edges[-1]:,.0f}")
    return labels


def require_working_crs(crs: Any, what: str) -> None:
    """Raise a located input error unless ``crs`` is the working CRS."""
    if crs is None or not gpd.GeoSeries([], crs=crs).crs.equals(settings.working_crs):
        raise SitingInputError(
            Problem(
                file="<input>",
                column=what,
                message=f"{what} must be in {settings.working_crs}, got {crs}",
            )
        )
