"""Interactive maps that show why each site is recommended (folium / Leaflet).

:func:`render_map` draws a :class:`~siting.results.ranking.RankingResult` with the data behind it;
it
takes an optional existing :class:`folium.Map` and returns it. :func:`save_map` writes the HTML,
optionally fully offline. Layers (each switchable in the layer control):

- the recommended sites, numbered by rank, each with its explanation in a popup (contribution
  of every criterion, every hard constraint with its slack, the weight ranges over which the
  rank holds, what separates it from the next site, data caveats);
- all candidate sites coloured by outcome, the excluding rules in the tooltip;
- grid congestion by class: the embedded data are per municipality and boundaries are not
  shipped, so by default a hexagon grid (:func:`hexagon_grid`) takes the class of the nearest
  municipality point; with ``boundaries`` the municipalities themselves are drawn;
- STEM talent within commuting reach per education level, computed at the hexagon centres with
  :func:`siting.layers.site_table.talent_within_reach` (an estimate);
- campuses with their NTS domains and shared facilities;
- the company's current location with straight lines and distances to the top sites;
- for a two-site search (``[two_site]`` in the profile), the configurations: one badge per site
  naming its roles by pair (``R1`` R&D site of pair 1, ``P2`` production site of pair 2), a
  line per pair with its distance, popups explaining each site in its role.

Congestion and the talent levels are *surfaces*: one is shown at a time. A panel shows the
case's key needs, the solver outcome and the exclusion funnel; a legend explains the colours of
the visible layers. All text from the result or the data is HTML-escaped.

Geometry is built in EPSG:28992 [m] and reprojected to EPSG:4326 only for drawing, with
coordinates rounded to :data:`COORD_DECIMALS` and boundaries simplified by
:data:`SIMPLIFY_TOLERANCE_M`, so a national map stays small (about 1-2 MB).
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path
from typing import Any

import branca.colormap
import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from siting import settings, vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.grid_info import municipality_grid_points
from siting.layers.load import GeoData, load_geodata
from siting.layers.site_table import STUDENT_LABELS, talent_within_reach
from siting.outputs.maps.assets import make_offline, remote_references, strip_remote_urls
from siting.outputs.maps.elements import (
    Bind,
    HtmlControl,
    PolygonSurface,
    Style,
    SurfaceSwitch,
    render_page,
)
from siting.outputs.maps.html import (
    CAMPUS_COLOR,
    CONGESTION_COLORS,
    CSS,
    ORIGIN_COLOR,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    PAIR_COLORS,
    campus_popup,
    dot,
    esc,
    legend,
    pair_badge,
    pair_max_distance_km,
    pair_popup,
    pair_roles,
    pair_site_popup,
    pair_site_tooltip,
    pair_tooltip,
    panel,
    recommendation_popup,
    recommendation_tooltip,
    site_category,
    swatch,
)
from siting.outputs.maps.sites import (
    AT_MUNICIPALITY,
    CATEGORIES,
    SITE_CSS,
    fan_out,
    outline_cells,
    site_markers,
    stack_up,
)
from siting.results.ranking import PairRecommendation, RankingResult

#: Layer names as the layer control shows them.
LAYER_RECOMMENDED = "Recommended sites (numbered by rank)"
LAYER_SITES = "All candidate sites by outcome"
LAYER_OUTLINES = "Site outlines (IBIS polygons)"
LAYER_CONGESTION = "Grid congestion (demand side)"
LAYER_TALENT = {
    level: f"STEM talent within reach: {level} (estimate)" for level in vocab.EDUCATION_LEVELS
}
LAYER_CAMPUSES = "Campuses (NTS domains, shared facilities)"
LAYER_ORIGIN = "Current location and distances"
LAYER_PAIRS = "Two-site configurations"

#: Width of a hexagon cell, flat side to flat side [km].
HEX_CELL_KM: float = 6.0
#: Hexagons are drawn where their centre lies within this distance of a municipality point [km].
HEX_REACH_KM: float = 8.0
#: Tolerance with which boundary polygons are simplified before drawing [m].
SIMPLIFY_TOLERANCE_M: float = 100.0
#: Decimals kept of each coordinate [degree] (5 decimals: about 1 m).
COORD_DECIMALS: int = 5
#: Number of colour classes of the talent surfaces (quantiles of the hexagon values).
TALENT_CLASSES: int = 6
#: How many recommended sites get a line from the current location.
ORIGIN_LINES: int = 5
#: Line width of the best two-site configuration and of the others [px].
PAIR_LINE_WEIGHTS: tuple[float, float] = (6.0, 3.0)

_SURFACES = ("congestion", *vocab.EDUCATION_LEVELS)
#: Options of the explanation popups.
_POPUP_OPTIONS: dict[str, Any] = {
    "maxWidth": 440,
    "minWidth": 340,
    "maxHeight": 440,
    "className": "siting-popup",
    # keep the popup clear of the panel (left) and layer control (right)
    "autoPanPaddingTopLeft": [330, 10],
    "autoPanPaddingBottomRight": [330, 10],
}
#: Online base map: a light grey canvas that needs no API key (CARTO's Positron now needs one).
TILES = "Esri.WorldGrayCanvas"


def render_map(
    result: RankingResult,
    *,
    data: GeoData | None = None,
    m: folium.Map | None = None,
    offline: bool = False,
    boundaries: gpd.GeoDataFrame | None = None,
    surface: str | None = "congestion",
) -> folium.Map:
    """Draw a ranking and the data behind it on an interactive map.

    Parameters
    ----------
    result
        The ranking (:func:`siting.jobs.rank.rank_sites`, or a saved one via
        :func:`siting.results.ranking.ranking_from_dict`).
    data
        The layers for the surfaces and campuses; default :func:`siting.load_geodata`.
    m
        A map to draw on; a new one fitted to the Netherlands when ``None``.
    offline
        Build for a self-contained file: no tile layer, no CDN asset, Leaflet inlined
        (removes the tile layers of a given ``m``). Save with ``save_map(..., offline=True)``.
    boundaries
        Municipality polygons with a ``gm_code`` column (e.g. from
        :func:`siting.importers.boundaries.read_municipality_boundaries`): congestion is then
        drawn per municipality instead of on hexagons.
    surface
        The surface shown on opening: ``"congestion"``, ``"mbo"``, ``"hbo"``, ``"wo"``, or
        ``None`` for none (the others can be switched on in the layer control).

    Returns
    -------
    folium.Map
        ``m`` (or the new map) with the layers, legend, panel, layer control and scale.

    Raises
    ------
    SitingInputError
        For an unknown ``surface`` or boundaries without ``gm_code`` or CRS.
    """
    if surface is not None and surface not in _SURFACES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="surface",
                label="option",
                message=f"{excerpt(surface)} is not a surface; allowed: {', '.join(_SURFACES)}",
            )
        )
    data = load_geodata() if data is None else data
    polygons = None if boundaries is None else _boundary_polygons(boundaries)
    created = m is None
    m = start_map(m, offline=offline)

    hexes = hexagon_grid(municipality_grid_points(data).geometry)
    sections: list[tuple[str | None, str, str, bool]] = []
    surfaces: dict[str, str] = {}

    group = folium.FeatureGroup(LAYER_CONGESTION, show=surface == "congestion").add_to(m)
    sections.append(_congestion_layer(group, data, hexes, polygons, shown=group.show))
    surfaces[LAYER_CONGESTION] = group.get_name()
    for level, (title, body) in _talent_layers(data, hexes).items():
        group = folium.FeatureGroup(LAYER_TALENT[level], show=surface == level).add_to(m)
        group.add_child(body[0])
        sections.append((LAYER_TALENT[level], title, body[1], group.show))
        surfaces[LAYER_TALENT[level]] = group.get_name()

    group = folium.FeatureGroup(LAYER_CAMPUSES).add_to(m)
    sections.append(_campus_layer(group, data))
    if result.origin is not None:
        group = folium.FeatureGroup(LAYER_ORIGIN).add_to(m)
        sections.append(_origin_layer(group, result))
    group = folium.FeatureGroup(LAYER_OUTLINES)
    outlines = _outline_layer(group, result, data)
    if outlines is not None:
        m.add_child(group)
        sections.insert(0, outlines)
    group = folium.FeatureGroup(LAYER_SITES).add_to(m)
    sections.insert(0, _sites_layer(group, result))
    group = folium.FeatureGroup(LAYER_RECOMMENDED).add_to(m)
    sections.insert(0, _recommended_layer(group, result))
    if result.pairs:
        group = folium.FeatureGroup(LAYER_PAIRS, show=True).add_to(m)
        sections.insert(0, _pair_layer(group, result))

    m.add_child(
        HtmlControl(
            panel(result),
            position="topleft",
            css_class="siting-box siting-panel",
            element_id="siting-panel",
        ),
        name="siting_panel",
    )
    m.add_child(
        HtmlControl(
            legend(sections),
            position="bottomright",
            css_class="siting-box siting-legend",
            element_id="siting-legend",
        ),
        name="siting_legend",
    )
    _layer_control_last(m)
    m.add_child(SurfaceSwitch(surfaces), name="siting_surface_switch")
    if created:
        bounds = data.municipalities.to_crs(settings.display_crs).total_bounds
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return m


def start_map(m: folium.Map | None = None, *, offline: bool = False) -> folium.Map:
    """Return a map ready for the ranking layers: base layer, offline mode, CSS.

    Parameters
    ----------
    m
        A map to draw on; a new one centred on the Netherlands (with the grey background map
        unless ``offline``) when ``None``.
    offline
        Make it self-contained (:func:`siting.outputs.maps.assets.make_offline`).

    Returns
    -------
    folium.Map
        ``m`` or the new map.
    """
    if m is None:
        m = folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None, control_scale=True)
        if not offline:
            folium.TileLayer(_tile_provider(), control=False).add_to(m)
    if offline:
        make_offline(m)
    css = CSS + SITE_CSS + (".leaflet-container { background: #eef1f4; }" if offline else "")
    m.add_child(Style(css), name="siting_css")
    return m


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


def add_layer_control(m: folium.Map) -> folium.Map:
    """Add a layer control after all layers, or move an existing one there; return ``m``."""
    _layer_control_last(m)
    return m


def save_map(m: folium.Map, path: str | Path, *, offline: bool = False) -> Path:
    """Write a map as one HTML file.

    Parameters
    ----------
    m
        The map (:func:`render_map`).
    path
        Target file; its folder is created if needed.
    offline
        Make the file self-contained (:func:`siting.outputs.maps.assets.make_offline`) and remove
        every reference to another host, so opening it makes no network request.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    if offline:
        make_offline(m)
    page = render_page(m)
    if offline:
        page = strip_remote_urls(page)
        leftover = remote_references(page)
        if leftover:  # pragma: no cover - strip_remote_urls removes them all
            raise RuntimeError(f"offline map still references other hosts: {leftover[:3]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


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
    _require_working_crs(points.crs, "points")
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


def _congestion_layer(
    group: folium.FeatureGroup,
    data: GeoData,
    hexes: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame | None,
    *,
    shown: bool,
) -> tuple[str | None, str, str, bool]:
    grid = municipality_grid_points(data).reset_index(drop=True)
    classes = [-1 if _missing(c) else int(c) for c in grid["afname_class"]]
    palette = [CONGESTION_COLORS[c] for c in sorted(CONGESTION_COLORS)]
    index = {c: i for i, c in enumerate(sorted(CONGESTION_COLORS))}

    def tooltip(k: int, *, approx: str) -> str:
        row = grid.iloc[k]
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
            f"<b>{esc(vocab.CONGESTION_CLASSES[classes[k]])}</b> (class {classes[k]}, the worst "
            f"of the areas that may feed a site here)<br>"
            f"{esc(row['municipality'])}: {esc(basis)}; state "
            f"{esc(_text(row.get('status_date')))}, "
            f"{esc(_text(row.get('grid_operator')))}{relief_text}<br>"
            f'<span class="note">{esc(approx)}</span>'
        )

    cells: list[tuple[Any, int, str]] = []
    if polygons is None:
        approx = "per-municipality approximation: class of the nearest municipality point"
        shapes = _to_latlngs(hexes.geometry, ring_only=True)
        for shape, k in zip(shapes, hexes["nearest"].to_numpy(), strict=True):
            cells.append((shape, index[classes[k]], tooltip(int(k), approx=approx)))
        how = (
            f"drawn as ~{HEX_CELL_KM:g} km hexagons coloured by the class of the nearest "
            "municipality point"
        )
    else:
        position = {code: k for k, code in enumerate(grid["gm_code"])}
        approx = "per-municipality approximation of the capacity map"
        shapes = _to_latlngs(polygons.geometry)
        for shape, code, name in zip(shapes, polygons["gm_code"], polygons["name"], strict=True):
            k = position.get(code)
            if k is None:
                cells.append((shape, index[-1], f"<b>unknown</b><br>{esc(name)}: no record"))
            else:
                cells.append((shape, index[classes[k]], tooltip(k, approx=approx)))
        how = "drawn per municipality (boundaries given)"
    group.add_child(
        PolygonSurface(
            cells,
            colors=palette,
            style={
                "stroke": polygons is not None,
                "color": "#ffffff",
                "weight": 0.6,
                "opacity": 0.8,
                "fillOpacity": 0.55,
            },
        )
    )
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
    return LAYER_CONGESTION, "Grid congestion, demand side (class)", body, shown


def _talent_layers(
    data: GeoData, hexes: gpd.GeoDataFrame
) -> dict[str, tuple[str, tuple[PolygonSurface, str]]]:
    xy = hexes[["x", "y"]].to_numpy()
    reach = talent_within_reach(xy, data)
    shapes = _to_latlngs(hexes.geometry, ring_only=True)
    base = branca.colormap.linear.Purples_09.scale(0.0, 1.0)
    palette = [base.rgb_hex_str(v) for v in np.linspace(0.12, 1.0, TALENT_CLASSES)]
    out = {}
    for level in vocab.EDUCATION_LEVELS:
        values = reach[f"{level}_talent_reach"]
        students = reach[f"{level}_students_reach"]
        edges = _class_edges(values, TALENT_CLASSES)
        classes = np.searchsorted(edges, values, side="right")
        cells = [
            (
                shape,
                int(c),
                f"<b>{level}: &asymp; {v:,.0f} FTE</b> technical workforce "
                f"within reach (estimate)<br>{s:,.0f} {STUDENT_LABELS[level]} within reach",
            )
            for shape, c, v, s in zip(shapes, classes, values, students, strict=True)
        ]
        surface = PolygonSurface(
            cells, colors=palette[: len(edges) + 1], style={"stroke": False, "fillOpacity": 0.6}
        )
        labels = _class_labels(edges)
        body = "".join(swatch(palette[i], label) for i, label in enumerate(labels))
        body += (
            '<div class="note">Estimate: technical workforce by the municipalities\' '
            f"figures, distance-weighted (half at {settings.talent_half_distance_km:g} "
            f"km, none beyond {settings.talent_reach_km:g} km), at each hexagon's centre; "
            "colour classes are quantiles.</div>"
        )
        out[level] = (f"STEM talent within reach: {level} [FTE, estimate]", (surface, body))
    return out


def _campus_layer(group: folium.FeatureGroup, data: GeoData) -> tuple[str | None, str, str, bool]:
    campuses = data.campuses
    if not campuses.empty:
        points = campuses.geometry.representative_point().to_crs(settings.display_crs)
        for (_, row), point in zip(campuses.iterrows(), points, strict=True):
            marker = folium.Marker(
                _latlon(point.y, point.x),
                icon=folium.DivIcon(
                    html='<div class="siting-campus"></div>', icon_size=(16, 16), icon_anchor=(8, 8)
                ),
            )
            marker.add_child(
                Bind(
                    popup=campus_popup(row.to_dict(), vocab.NTS_DOMAINS, vocab.SHARED_FACILITIES),
                    tooltip=f"<b>{esc(row['name'])}</b> (campus)",
                    popup_options={"maxWidth": 360, "className": "siting-popup"},
                )
            )
            group.add_child(marker)
    body = swatch(CAMPUS_COLOR, "campus or science park (click: NTS domains, shared facilities)")
    return LAYER_CAMPUSES, "Campuses", body, True


def _origin_layer(
    group: folium.FeatureGroup, result: RankingResult
) -> tuple[str | None, str, str, bool]:
    assert result.origin is not None
    lon, lat = result.origin
    to_rd = Transformer.from_crs(settings.display_crs, settings.working_crs, always_xy=True)
    ox, oy = to_rd.transform(lon, lat)
    for rec in result.recommendations[:ORIGIN_LINES]:
        x, y = to_rd.transform(rec.lon, rec.lat)
        km = math.hypot(x - ox, y - oy) / 1000.0
        line = folium.PolyLine(
            [_latlon(lat, lon), _latlon(rec.lat, rec.lon)],
            color=ORIGIN_COLOR,
            weight=2,
            opacity=0.7,
            dash_array="6 6",
        )
        line.add_child(
            Bind(
                tooltip=f"#{rec.rank} {esc(rec.name)}: <b>{km:,.1f} km</b> "
                "from the current location (straight line)"
            )
        )
        group.add_child(line)
    marker = folium.Marker(
        _latlon(lat, lon),
        icon=folium.DivIcon(
            html='<div class="siting-origin"></div>', icon_size=(18, 18), icon_anchor=(9, 9)
        ),
    )
    marker.add_child(Bind(tooltip=f"<b>Current location</b> of case {esc(result.case_id)}"))
    group.add_child(marker)
    body = (
        f'<div><span class="siting-swatch" style="background:{ORIGIN_COLOR};'
        'transform:rotate(45deg)"></span>current location</div>'
        f'<div class="note">dashed lines: straight-line distance to the top '
        f"{min(ORIGIN_LINES, len(result.recommendations))} sites (tooltip)</div>"
    )
    return LAYER_ORIGIN, "Current location", body, True


def _sites_layer(
    group: folium.FeatureGroup, result: RankingResult
) -> tuple[str | None, str, str, bool]:
    """Every candidate site, one marker per point (:mod:`siting.outputs.maps.sites`)."""
    changes = {miss.site_id: miss.changes for miss in result.near_misses}
    group.add_child(site_markers(result.sites, changes, decimals=COORD_DECIMALS))
    body = "".join(
        dot(OUTCOME_COLORS[c], OUTCOME_LABELS[c], hollow=c == "excluded")
        for c in ("recommended", "feasible", "unverified", "excluded")
    )
    body += '<div class="note">hover a site for its outcome and the rules that exclude it</div>'
    if any(s.location_kind == "municipality" for s in result.sites):
        body += (
            '<div><span class="siting-group c1" style="display:inline-block;width:14px;'
            'height:14px;line-height:14px;font-size:9px;margin-right:5px">n</span>'
            "n sites at one point, coloured by the best of them: register terrains without a "
            "location are placed at their municipality's point (hover for the list)</div>"
        )
    return LAYER_SITES, "Candidate sites", body, True


def _outline_layer(
    group: folium.FeatureGroup, result: RankingResult, data: GeoData
) -> tuple[str | None, str, str, bool] | None:
    """Draw the outlines of the sites that have polygons (an IBIS export with geometry)."""
    categories = {s.site_id: CATEGORIES.index(site_category(s)) for s in result.sites}
    cells = outline_cells(data.sites, categories, _to_latlngs)
    if not cells:
        return None
    colors = [OUTCOME_COLORS[c] for c in CATEGORIES]
    style = {"weight": 1, "color": "#333333", "fillOpacity": 0.35}
    group.add_child(PolygonSurface(cells, colors=colors, style=style))
    body = (
        '<div class="note">the site outlines of the IBIS export, simplified, coloured by '
        "outcome</div>"
    )
    return LAYER_OUTLINES, "Site outlines", body, True


def _recommended_layer(
    group: folium.FeatureGroup, result: RankingResult
) -> tuple[str | None, str, str, bool]:
    n = len(result.recommendations)
    points = [tuple(_latlon(rec.lat, rec.lon)) for rec in result.recommendations]
    offsets = fan_out(points)
    for rec, (dx, dy) in zip(result.recommendations, offsets, strict=True):
        extra = " unverified" if rec.unverified else ""
        tooltip = recommendation_tooltip(rec)
        if rec.location_kind == "municipality":
            tooltip += f"<br><i>{AT_MUNICIPALITY}</i>"
        marker = folium.Marker(
            _latlon(rec.lat, rec.lon),
            icon=folium.DivIcon(
                html=f'<div class="siting-rank{extra}" data-rank="{rec.rank}">{rec.rank}</div>',
                icon_size=(28, 28),
                icon_anchor=(14 - dx, 14 - dy),
            ),
            z_index_offset=1000 - rec.rank,
        )
        marker.add_child(
            Bind(
                popup=recommendation_popup(rec, n),
                tooltip=tooltip,
                popup_options=_POPUP_OPTIONS,
                tooltip_options={"direction": "top", "offset": [0, -12]},
            )
        )
        group.add_child(marker)
    body = (
        '<div><span class="siting-rank" style="display:inline-block;width:18px;'
        'height:18px;line-height:18px;font-size:11px;margin-right:5px">1</span>'
        "recommended site, by rank: click for the explanation</div>"
    )
    if any(o != (0, 0) for o in offsets):
        body += '<div class="note">recommended sites at one point are spread around it</div>'
    if any(rec.unverified for rec in result.recommendations):
        body += (
            '<div class="note">dashed border: to confirm, relies on facts no source '
            "states (see popup)</div>"
        )
    if not result.recommendations:
        body = '<div class="note">no feasible site: see the panel</div>'
    return LAYER_RECOMMENDED, "Recommended sites", body, True


def _pair_layer(
    group: folium.FeatureGroup, result: RankingResult
) -> tuple[str | None, str, str, bool]:
    """Draw the two-site configurations: a line per pair, one badge marker per site.

    A site may belong to several pairs, in either role; it gets one marker whose badge lists
    its roles by pair (``R3 | P1 P4 P5``) and whose popup explains it in each role, so no
    duplicates stack at one place. The badge stands above the site on a short stem, clear of
    the numbered marker a recommended site has at the same place (drawn above the badges).
    Badges of different sites at one point (sites placed at their municipality's point) are
    stacked above each other.
    """
    max_km = pair_max_distance_km(result)
    for pair in sorted(result.pairs, key=lambda p: -p.rank):  # pair 1 drawn last, on top
        top = pair.rank == 1
        line = folium.PolyLine(
            [
                _latlon(pair.rnd.lat, pair.rnd.lon),
                _latlon(pair.production.lat, pair.production.lon),
            ],
            color=PAIR_COLORS["line"],
            weight=PAIR_LINE_WEIGHTS[0 if top else 1],
            opacity=0.95 if top else 0.6,
            dash_array=None if top else "8 6",
            class_name=f"siting-pair-line{' top' if top else ''}",
        )
        line.add_child(
            Bind(
                popup=pair_popup(pair, max_km),
                tooltip=pair_tooltip(pair, max_km),
                popup_options=_POPUP_OPTIONS,
            )
        )
        group.add_child(line)
    badges = []
    for site_id, roles in _pair_sites(result.pairs).items():
        role, first = roles[0]
        badges.append((site_id, roles, first, first.rnd if role == "rnd" else first.production))
    offsets = stack_up([tuple(_latlon(b[3].lat, b[3].lon)) for b in badges])
    for (site_id, roles, first, rec), (dx, dy) in zip(badges, offsets, strict=True):
        marker = folium.Marker(
            _latlon(rec.lat, rec.lon),
            icon=folium.DivIcon(
                html=pair_badge(site_id, roles), icon_size=(0, 0), icon_anchor=(-dx, -dy)
            ),
            # above the candidate sites, below the numbered markers; best pair on top
            z_index_offset=500 - first.rank,
        )
        marker.add_child(
            Bind(
                popup=pair_site_popup(roles, max_km),
                tooltip=pair_site_tooltip(rec, roles),
                popup_options={**_POPUP_OPTIONS, "offset": [0, -32]},
                tooltip_options={"direction": "top", "offset": [0, -42]},
            )
        )
        group.add_child(marker)
    limit = f", at most {max_km:g} km apart" if max_km is not None else ""
    body = (
        '<div><span class="siting-key r">R1</span><span class="siting-key p">P1</span>'
        "R&amp;D / production site of pair 1 (one badge per site lists all its roles)</div>"
        f'<div><span class="siting-link" style="border-top-width:{PAIR_LINE_WEIGHTS[0]:g}px">'
        "</span>pair 1 (badge outlined)</div>"
        f'<div><span class="siting-link" style="border-top-width:{PAIR_LINE_WEIGHTS[1]:g}px;'
        'border-top-style:dashed;opacity:.7"></span>pairs 2 and lower</div>'
        f'<div class="note">R&amp;D near a matching campus + production{esc(limit)}; '
        "hover a line for the distance, click a badge for why the site fits its role</div>"
    )
    return LAYER_PAIRS, "Two-site configurations", body, True


def _pair_sites(
    pairs: tuple[PairRecommendation, ...],
) -> dict[str, list[tuple[str, PairRecommendation]]]:
    """Site id -> ``(role, pair)`` of every pair it belongs to, best first; best pairs first."""
    out: dict[str, list[tuple[str, PairRecommendation]]] = {}
    for pair in sorted(pairs, key=lambda p: p.rank):
        for rec in (pair.rnd, pair.production):
            if rec.site_id not in out:
                out[rec.site_id] = pair_roles(rec.site_id, pairs)
    return out


def _layer_control_last(m: folium.Map) -> None:
    """Add a layer control after all layers, or move an existing one there."""
    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(name)
            return
    folium.LayerControl(collapsed=False).add_to(m)


def _boundary_polygons(boundaries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
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


def _class_edges(values: np.ndarray, n: int) -> list[float]:
    """Inner class edges at quantiles, rounded to two significant digits, increasing."""
    positive = values[values > 0]
    if positive.size == 0:
        return []
    edges = []
    for q in np.linspace(0, 1, n + 1)[1:-1]:
        edge = float(np.quantile(positive, q))
        if edge > 0:
            digits = 1 - math.floor(math.log10(edge))
            edge = round(edge, digits)
        if edge > 0 and (not edges or edge > edges[-1]):
            edges.append(edge)
    return edges


def _class_labels(edges: list[float]) -> list[str]:
    if not edges:
        return ["0"]
    labels = [f"< {edges[0]:,.0f}"]
    labels += [f"{a:,.0f} - {b:,.0f}" for a, b in itertools.pairwise(edges)]
    labels.append(f">= {edges[-1]:,.0f}")
    return labels


def _require_working_crs(crs: Any, what: str) -> None:
    if crs is None or not gpd.GeoSeries([], crs=crs).crs.equals(settings.working_crs):
        raise SitingInputError(
            Problem(
                file="<input>",
                column=what,
                message=f"{what} must be in {settings.working_crs}, got {crs}",
            )
        )


def _tile_provider() -> Any:
    import xyzservices

    return xyzservices.providers.query_name(TILES)


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str | tuple | list):
        return value is None
    return bool(pd.isna(value))


def _text(value: Any) -> str:
    return "unknown" if _missing(value) else str(value)
