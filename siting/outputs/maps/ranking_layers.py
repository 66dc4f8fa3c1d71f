"""The layers of the ranking map: recommended sites, candidates, outlines, campuses, origin, pairs.

Each ``*_layer`` function draws into a :class:`folium.FeatureGroup` and returns the legend
section ``(layer name, title, body html, shown)``. All text from the result or the data goes
through :func:`siting.outputs.maps.html.esc` (and :func:`~siting.outputs.maps.elements.js_value`
inside the elements).
"""

from __future__ import annotations

import math
from typing import Any

import folium
from pyproj import Transformer

from siting import settings, vocab
from siting.layers.load import GeoData
from siting.outputs.maps.elements import Bind, PolygonSurface
from siting.outputs.maps.geometry import COORD_DECIMALS, latlon, polygon_latlngs
from siting.outputs.maps.html import (
    campus_popup,
    dot,
    esc,
    recommendation_popup,
    recommendation_tooltip,
    site_category,
    swatch,
)
from siting.outputs.maps.pairs_html import (
    pair_badge,
    pair_max_distance_km,
    pair_popup,
    pair_roles,
    pair_site_popup,
    pair_site_tooltip,
    pair_tooltip,
)
from siting.outputs.maps.sites import (
    AT_MUNICIPALITY,
    CATEGORIES,
    fan_out,
    outline_cells,
    site_markers,
    stack_up,
)
from siting.outputs.maps.styles import (
    CAMPUS_COLOR,
    ORIGIN_COLOR,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    PAIR_COLORS,
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

#: How many recommended sites get a line from the current location.
ORIGIN_LINES: int = 5
#: Line width of the best two-site configuration and of the others [px].
PAIR_LINE_WEIGHTS: tuple[float, float] = (6.0, 3.0)
#: Options of the explanation popups: wide enough for the tables, no inner scroll box (the
#: content is in tabs, :func:`siting.outputs.maps.html.tabs`).
POPUP_OPTIONS: dict[str, Any] = {
    "maxWidth": 420,
    "minWidth": 340,
    "className": "siting-popup",
    # keep the popup clear of the panel (left), the layer control and the legend (right)
    "autoPanPaddingTopLeft": [330, 10],
    "autoPanPaddingBottomRight": [270, 10],
}

Section = tuple[str | None, str, str, bool]


def campus_layer(group: folium.FeatureGroup, data: GeoData) -> Section:
    """Draw the campuses with their NTS domains and shared facilities."""
    campuses = data.campuses
    if not campuses.empty:
        points = campuses.geometry.representative_point().to_crs(settings.display_crs)
        for (_, row), point in zip(campuses.iterrows(), points, strict=True):
            marker = folium.Marker(
                latlon(point.y, point.x),
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


def origin_layer(group: folium.FeatureGroup, result: RankingResult) -> Section:
    """Draw the current location with straight lines to the top sites."""
    assert result.origin is not None
    lon, lat = result.origin
    to_rd = Transformer.from_crs(settings.display_crs, settings.working_crs, always_xy=True)
    ox, oy = to_rd.transform(lon, lat)
    for rec in result.recommendations[:ORIGIN_LINES]:
        x, y = to_rd.transform(rec.lon, rec.lat)
        km = math.hypot(x - ox, y - oy) / 1000.0
        line = folium.PolyLine(
            [latlon(lat, lon), latlon(rec.lat, rec.lon)],
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
        latlon(lat, lon),
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


def sites_layer(group: folium.FeatureGroup, result: RankingResult) -> Section:
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


def outline_layer(
    group: folium.FeatureGroup, result: RankingResult, data: GeoData
) -> Section | None:
    """Draw the outlines of the sites that have polygons (an IBIS export with geometry)."""
    categories = {s.site_id: CATEGORIES.index(site_category(s)) for s in result.sites}
    cells = outline_cells(data.sites, categories, polygon_latlngs)
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


def recommended_layer(group: folium.FeatureGroup, result: RankingResult) -> Section:
    """Draw the recommended sites, numbered by rank, with their explanations."""
    n = len(result.recommendations)
    points = [tuple(latlon(rec.lat, rec.lon)) for rec in result.recommendations]
    offsets = fan_out(points)
    for rec, (dx, dy) in zip(result.recommendations, offsets, strict=True):
        extra = " unverified" if rec.unverified else ""
        tooltip = recommendation_tooltip(rec)
        if rec.location_kind == "municipality":
            tooltip += f"<br><i>{AT_MUNICIPALITY}</i>"
        marker = folium.Marker(
            latlon(rec.lat, rec.lon),
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
                popup_options=POPUP_OPTIONS,
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


def pair_layer(group: folium.FeatureGroup, result: RankingResult) -> Section:
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
                latlon(pair.rnd.lat, pair.rnd.lon),
                latlon(pair.production.lat, pair.production.lon),
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
                popup_options=POPUP_OPTIONS,
            )
        )
        group.add_child(line)
    badges = []
    for site_id, roles in pair_sites(result.pairs).items():
        role, first = roles[0]
        badges.append((site_id, roles, first, first.rnd if role == "rnd" else first.production))
    offsets = stack_up([tuple(latlon(b[3].lat, b[3].lon)) for b in badges])
    for (site_id, roles, first, rec), (dx, dy) in zip(badges, offsets, strict=True):
        marker = folium.Marker(
            latlon(rec.lat, rec.lon),
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
                popup_options={**POPUP_OPTIONS, "offset": [0, -32]},
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


def pair_sites(
    pairs: tuple[PairRecommendation, ...],
) -> dict[str, list[tuple[str, PairRecommendation]]]:
    """Site id -> ``(role, pair)`` of every pair it belongs to, best first; best pairs first."""
    out: dict[str, list[tuple[str, PairRecommendation]]] = {}
    for pair in sorted(pairs, key=lambda p: p.rank):
        for rec in (pair.rnd, pair.production):
            if rec.site_id not in out:
                out[rec.site_id] = pair_roles(rec.site_id, pairs)
    return out
