"""Interactive maps that show why each site is recommended (folium / Leaflet).

:func:`render_map` draws a :class:`~siting.results.ranking.RankingResult` with the data behind
it; it takes an optional existing :class:`folium.Map` and returns it. :func:`save_map` writes
the HTML. A map is self-contained by default: Leaflet is inlined, nothing is fetched, and an
offline basemap (:mod:`siting.outputs.maps.basemap`: provinces, place names, CBS/PDOK
boundaries) is drawn under the layers; background tiles only with ``offline=False``
(``--tiles``), with a notice in the map when they cannot load. Layers (each switchable in the
layer control, :mod:`siting.outputs.maps.ranking_layers`):

- the recommended sites, numbered by rank, each with its explanation in a popup (tabs: why,
  rules, stability, caveats);
- all candidate sites coloured by outcome, the excluding rules in the tooltip;
- grid congestion by class and STEM talent within commuting reach per education level, drawn
  per municipality (:mod:`siting.outputs.maps.surfaces`); one surface is shown at a time;
- campuses with their NTS domains and shared facilities;
- the company's current location with straight lines and distances to the top sites;
- for a two-site search, the configurations (one badge per site, a line per pair).

A collapsible panel shows the case's key needs, the solver outcome, the exclusion funnel and
the live weights (:mod:`siting.outputs.maps.live`: sliders that re-rank the feasible sites in
the browser); a collapsible legend explains the visible layers. The map opens at the extent of
the recommended sites and the origin, the national view one click away. All text from the
result or the data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import folium
import geopandas as gpd

from siting import vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.load import GeoData, load_geodata
from siting.outputs.maps.assets import make_offline, remote_references, strip_remote_urls
from siting.outputs.maps.basemap import BASEMAP_CSS, add_basemap, open_at
from siting.outputs.maps.elements import (
    TABS_SCRIPT,
    HtmlControl,
    Script,
    Style,
    SurfaceSwitch,
    render_page,
)
from siting.outputs.maps.geometry import (  # noqa: F401 (the public helpers, re-exported)
    COORD_DECIMALS,
    HEX_CELL_KM,
    HEX_REACH_KM,
    SIMPLIFY_TOLERANCE_M,
    boundary_polygons,
    hexagon_grid,
    latlon,
    polygon_latlngs,
)
from siting.outputs.maps.live import LIVE_CSS, add_live_weights, live_section
from siting.outputs.maps.panels import legend, panel
from siting.outputs.maps.ranking_layers import (  # noqa: F401 (layer names, re-exported)
    LAYER_CAMPUSES,
    LAYER_CONGESTION,
    LAYER_ORIGIN,
    LAYER_OUTLINES,
    LAYER_PAIRS,
    LAYER_RECOMMENDED,
    LAYER_SITES,
    LAYER_TALENT,
    ORIGIN_LINES,
    PAIR_LINE_WEIGHTS,
    campus_layer,
    origin_layer,
    outline_layer,
    pair_layer,
    recommended_layer,
    sites_layer,
)
from siting.outputs.maps.sites import SITE_CSS
from siting.outputs.maps.styles import CSS
from siting.outputs.maps.surfaces import congestion_layer, talent_layers
from siting.results.ranking import RankingResult

#: Number of colour classes of the talent surfaces (quantiles of the municipalities' values).
TALENT_CLASSES: int = 6
#: Width of the panel [px]: with the legend and the layer control, at most a quarter of a
#: 1366x768 screen (tested in the browser).
PANEL_WIDTH_PX: int = 290

#: A smaller panel for small frames (``compact``).
COMPACT_CSS = """
.siting-panel { width: 240px; }
.siting-panel .siting-body { max-height: calc(30vh - 30px); }
"""

_SURFACES = ("congestion", *vocab.EDUCATION_LEVELS)


def render_map(
    result: RankingResult,
    *,
    data: GeoData | None = None,
    m: folium.Map | None = None,
    offline: bool = True,
    boundaries: gpd.GeoDataFrame | None = None,
    surface: str | None = "congestion",
    live: bool = True,
    compact: bool = False,
    focus: Sequence[tuple[float, float]] | None = None,
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
        A map to draw on; a new one opened at the results when ``None``.
    offline
        Self-contained (the default): no tile layer, nothing fetched, Leaflet inlined
        (removes the tile layers of a given ``m``). ``False`` adds the online background
        tiles (``--tiles``) over the offline basemap, with a notice when they cannot load.
    boundaries
        Municipality polygons with a ``gm_code`` column (e.g. from
        :func:`siting.importers.boundaries.read_municipality_boundaries`) to draw the surfaces
        on instead of the shipped CBS/PDOK boundaries.
    surface
        The surface shown on opening: ``"congestion"``, ``"mbo"``, ``"hbo"``, ``"wo"``, or
        ``None`` for none (the others can be switched on in the layer control).
    live
        Carry the feasible sites' scores and the weight sliders (when the result has them).
    compact
        For a small frame (the panes of a comparison): the legend and the layer control
        start collapsed.
    focus
        ``(lat, lon)`` points [degree] to open at; default the recommended sites, the pairs'
        sites and the origin.

    Returns
    -------
    folium.Map
        ``m`` (or the new map) with the layers, legend, panel, layer control and scale.

    Raises
    ------
    SitingInputError
        For an unknown ``surface`` or boundaries without ``gm_code`` or CRS.
    """
    _check_surface(surface)
    data = load_geodata() if data is None else data
    polygons = None if boundaries is None else boundary_polygons(boundaries)
    created = m is None
    m = start_map(m, offline=offline, data=data)
    sections, surfaces, recommended = _ranking_layers(m, result, data, polygons, surface=surface)
    add_panels(
        m,
        panel(result) + live_section(result),
        legend(sections),
        case_title=f"Case {result.case_id}",
    )
    if live:
        add_live_weights(m, result, recommended.get_name())
    _layer_control_last(m, collapsed=compact)
    if compact:
        m.add_child(Style(COMPACT_CSS), name="siting_compact_css")
    m.add_child(SurfaceSwitch(surfaces), name="siting_surface_switch")
    if created:
        points = list(focus) if focus is not None else result_points(result)
        open_at(m, points, padding_left=PANEL_WIDTH_PX + 20, padding_right=60 if compact else 270)
    return m


def _check_surface(surface: str | None) -> None:
    """Raise for a surface name that is not one of ``_SURFACES``."""
    if surface is not None and surface not in _SURFACES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="surface",
                label="option",
                message=f"{excerpt(surface)} is not a surface; allowed: {', '.join(_SURFACES)}",
            )
        )


def _ranking_layers(
    m: folium.Map,
    result: RankingResult,
    data: GeoData,
    polygons: gpd.GeoDataFrame | None,
    *,
    surface: str | None,
) -> tuple[list[tuple[str | None, str, str, bool]], dict[str, str], folium.FeatureGroup]:
    """Add the layers of a ranking map.

    Returns
    -------
    tuple
        The legend sections, the surface groups' names by layer name, and the group of the
        recommended sites.
    """
    sections: list[tuple[str | None, str, str, bool]] = []
    surfaces: dict[str, str] = {}
    group = _group(m, LAYER_CONGESTION, show=surface == "congestion")
    sections.append(
        congestion_layer(group, data, polygons, shown=group.show, layer=LAYER_CONGESTION)
    )
    surfaces[LAYER_CONGESTION] = group.get_name()
    for level, (title, layer, body) in talent_layers(
        data, polygons, classes=TALENT_CLASSES
    ).items():
        group = _group(m, LAYER_TALENT[level], show=surface == level)
        group.add_child(layer)
        sections.append((LAYER_TALENT[level], title, body, group.show))
        surfaces[LAYER_TALENT[level]] = group.get_name()

    group = _group(m, LAYER_CAMPUSES)
    sections.append(campus_layer(group, data))
    if result.origin is not None:
        group = _group(m, LAYER_ORIGIN)
        sections.append(origin_layer(group, result))
    group = folium.FeatureGroup(LAYER_OUTLINES)
    outlines = outline_layer(group, result, data)
    if outlines is not None:
        m.add_child(group)
        sections.insert(0, outlines)
    group = _group(m, LAYER_SITES)
    sections.insert(0, sites_layer(group, result))
    recommended = _group(m, LAYER_RECOMMENDED)
    sections.insert(0, recommended_layer(recommended, result))
    if result.pairs:
        group = _group(m, LAYER_PAIRS, show=True)
        sections.insert(0, pair_layer(group, result))

    return sections, surfaces, recommended


def result_points(result: RankingResult) -> list[tuple[float, float]]:
    """Return what a ranking map is about: its recommended and paired sites and the origin.

    Returns
    -------
    list
        ``(lat, lon)`` [degree].
    """
    points = [(rec.lat, rec.lon) for rec in result.recommendations]
    points += [(r.lat, r.lon) for p in result.pairs for r in (p.rnd, p.production)]
    if result.origin is not None:
        points.append((result.origin[1], result.origin[0]))
    return points


def add_panels(
    m: folium.Map,
    panel_html: str,
    legend_html: str,
    *,
    case_title: str,
    legend_collapsed: bool = False,
) -> None:
    """Add the collapsible panel (top left) and legend (bottom right) of ready-made HTML.

    Parameters
    ----------
    m
        The map.
    panel_html, legend_html
        Escaped HTML (:mod:`siting.outputs.maps.html`).
    case_title
        The panel's title, plain text (escaped by the element).
    legend_collapsed
        Start with the legend collapsed.
    """
    m.add_child(
        HtmlControl(
            panel_html,
            position="topleft",
            css_class="siting-box siting-panel",
            element_id="siting-panel",
            title=case_title,
        ),
        name="siting_panel",
    )
    m.add_child(
        HtmlControl(
            legend_html,
            position="bottomright",
            css_class="siting-box siting-legend",
            element_id="siting-legend",
            title="Legend",
            collapsed=legend_collapsed,
        ),
        name="siting_legend",
    )


def start_map(
    m: folium.Map | None = None, *, offline: bool = True, data: GeoData | None = None
) -> folium.Map:
    """Return a map ready for the layers: Leaflet inlined, the offline basemap, the CSS.

    Parameters
    ----------
    m
        A map to draw on; a new one centred on the Netherlands when ``None``.
    offline
        No background tiles (the default); ``False`` adds them (:func:`add_basemap`).
    data
        The layers for the place names; default :func:`siting.load_geodata`.

    Returns
    -------
    folium.Map
        ``m`` or the new map.
    """
    if m is None:
        m = folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None, control_scale=True)
    make_offline(m, keep_tiles=not offline)
    add_basemap(m, load_geodata() if data is None else data, tiles=not offline)
    css = CSS + SITE_CSS + BASEMAP_CSS + LIVE_CSS
    m.add_child(Style(css), name="siting_css")
    m.add_child(Script(TABS_SCRIPT), name="siting_tabs")
    return m


def add_layer_control(m: folium.Map) -> folium.Map:
    """Add a layer control after all layers, or move an existing one there; return ``m``."""
    _layer_control_last(m)
    return m


def save_map(m: folium.Map, path: str | Path, *, offline: bool = True) -> Path:
    """Write a map as one HTML file.

    Parameters
    ----------
    m
        The map (:func:`render_map`).
    path
        Target file; its folder is created if needed.
    offline
        Self-contained (the default): check that the page names no other host, so opening it
        makes no network request. ``False`` keeps the background tiles of a map drawn with
        them; Leaflet is inlined either way.

    Returns
    -------
    Path
        The written file.
    """
    path = Path(path)
    make_offline(m, keep_tiles=not offline)
    page = strip_remote_urls(render_page(m))
    if offline:
        leftover = remote_references(page)
        if leftover:  # pragma: no cover - strip_remote_urls removes them all
            raise RuntimeError(f"offline map still references other hosts: {leftover[:3]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def _group(m: folium.Map, name: str, show: bool = True) -> folium.FeatureGroup:
    """Add a layer (feature group) to ``m`` and return it."""
    group = folium.FeatureGroup(name, show=show)
    m.add_child(group)
    return group


def _layer_control_last(m: folium.Map, *, collapsed: bool = False) -> None:
    """Add a layer control after all layers, or move an existing one there."""
    for name, child in list(m._children.items()):
        if isinstance(child, folium.LayerControl):
            m._children.move_to_end(name)
            return
    folium.LayerControl(collapsed=collapsed).add_to(m)
