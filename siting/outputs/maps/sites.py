"""Candidate-site markers: one per site, one per point that several sites share.

Register terrains without a location of their own are placed at their municipality's point
(``location_kind = municipality``), so many sites can share one point. They are drawn as one
marker per point, a disc with the number of sites, coloured by the best outcome among them,
whose tooltip says they are placed at the municipality and lists them (best first); a point with
one site gets the usual circle. Recommended sites that share a point are fanned out around it
in screen pixels (:func:`fan_out`), so their numbers never stack and the point stays exact.
Sites with an outline (an IBIS polygon) can be drawn as simplified polygons
(:func:`outline_cells`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import geopandas as gpd
from branca.element import MacroElement
from jinja2 import Template

from siting import settings
from siting.outputs.maps.elements import js_value
from siting.outputs.maps.html import OUTCOME_COLORS, esc, site_category, site_tooltip
from siting.results.ranking import SiteOutcome

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: Sites listed by name in the tooltip of a point several sites share.
GROUP_LISTED: int = 10
#: Smallest radius of the circle around a point on which co-located recommended markers sit
#: [px]; it grows with their number so that the 28 px markers do not overlap.
FAN_RADIUS_PX: float = 16.0
#: Circumference per marker on that circle [px].
FAN_SPACING_PX: float = 28.0
#: Tolerance with which site outlines are simplified before drawing [m].
OUTLINE_TOLERANCE_M: float = 10.0
#: Outcome categories in drawing order (the best drawn last, on top).
CATEGORIES: tuple[str, ...] = ("excluded", "feasible", "unverified", "recommended")
AT_MUNICIPALITY = "placed at the municipality's point (the register gives no location)"

SITE_CSS = "".join(
    f".siting-group.c{k} {{ background: {OUTCOME_COLORS[c]}; }}\n" for k, c in enumerate(CATEGORIES)
) + (
    ".siting-group { width: 20px; height: 20px; border-radius: 50%; border: 2px solid #fff;"
    " box-shadow: 0 0 0 1px #333, 0 1px 3px rgba(0,0,0,.4); color: #fff; text-align: center;"
    " font: bold 10px/20px Arial, Helvetica, sans-serif; }\n"
    ".siting-group.c0 { color: #222; }\n"
)


class SiteMarkers(MacroElement):
    """Many site markers in compact form, added to the parent group.

    Parameters
    ----------
    points
        ``(lat, lon, category index, number of sites, tooltip html)`` per point; one site
        gives a circle marker styled by its category, several a disc with the number.
    styles
        Leaflet circle-marker options per category index.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            var styles = {{ this.styles }};
            var points = {{ this.points }};
            for (var i = 0; i < points.length; i++) {
                var p = points[i], layer;
                if (p[3] === 1) {
                    layer = L.circleMarker([p[0], p[1]], styles[p[2]]);
                } else {
                    layer = L.marker([p[0], p[1]], {icon: L.divIcon({
                        className: "", iconSize: [24, 24], iconAnchor: [12, 12],
                        html: '<div class="siting-group c' + p[2] + '">' + p[3] + "</div>"})});
                }
                layer.bindTooltip(p[4], {sticky: true}).addTo(group);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, points: list[tuple[Any, ...]], *, styles: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "SiteMarkers"
        self.n_points = len(points)
        self.n_sites = sum(int(p[3]) for p in points)
        self.points = js_value([list(p) for p in points])
        self.styles = js_value(styles)


def by_point(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """Group items by their point (first appearance order)."""
    out: dict[K, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def site_markers(
    sites: Sequence[SiteOutcome],
    changes: Mapping[str, Sequence[str]],
    *,
    decimals: int,
) -> SiteMarkers:
    """Return the markers of every candidate site, one per point.

    Parameters
    ----------
    sites
        The ranking's site outcomes.
    changes
        Site id -> the smallest changes that would make it fit (near misses).
    decimals
        Coordinate decimals kept [degree].

    Returns
    -------
    SiteMarkers
        One entry per distinct point, the best outcome drawn last.
    """
    groups = by_point(sites, lambda s: (round(s.lat, decimals), round(s.lon, decimals)))
    points = []
    for (lat, lon), members in groups.items():
        members = sorted(members, key=_best_first)
        category = CATEGORIES.index(site_category(members[0]))
        if len(members) == 1:
            site = members[0]
            tip = site_tooltip(site, changes.get(site.site_id, ()))
            if site.location_kind == "municipality":
                tip += f"<br><i>{AT_MUNICIPALITY}</i>"
        else:
            tip = group_tooltip(members)
        points.append((lat, lon, category, len(members), tip))
    points.sort(key=lambda p: p[2])
    return SiteMarkers(points, styles=[_style(c) for c in CATEGORIES])


def group_tooltip(members: Sequence[SiteOutcome]) -> str:
    """Return the tooltip of a point several sites share: how many, where, which (best first)."""
    members = sorted(members, key=_best_first)
    placed = sum(s.location_kind == "municipality" for s in members)
    counts = {c: sum(site_category(s) == c for s in members) for c in reversed(CATEGORIES)}
    parts = [f"<b>{len(members)} sites at this point</b> ({esc(members[0].municipality)})"]
    if placed:
        share = "all" if placed == len(members) else f"{placed} of them"
        parts.append(f"<i>{share} {AT_MUNICIPALITY}</i>")
    parts.append(", ".join(f"{n} {c}" for c, n in counts.items() if n))
    for site in members[:GROUP_LISTED]:
        parts.append(f"{esc(site.name)}: {_outcome_words(site)}")
    if len(members) > GROUP_LISTED:
        parts.append(f"... and {len(members) - GROUP_LISTED} more (all in the ranking's output)")
    return "<br>".join(parts)


def fan_out(keys: Sequence[Hashable], *, radius_px: float = FAN_RADIUS_PX) -> list[tuple[int, int]]:
    """Pixel offsets that spread markers sharing a point on a circle around it.

    Parameters
    ----------
    keys
        The point of each marker, in drawing order.
    radius_px
        Smallest radius of the circle [px]; for many markers the radius that leaves
        :data:`FAN_SPACING_PX` of circumference per marker.

    Returns
    -------
    list of (dx, dy)
        ``(0, 0)`` for a marker alone at its point; else evenly spaced offsets, the first at
        the top.
    """
    groups = by_point(range(len(keys)), lambda i: keys[i])
    offsets = [(0, 0)] * len(keys)
    for members in groups.values():
        if len(members) < 2:
            continue
        radius = max(radius_px, FAN_SPACING_PX * len(members) / (2 * math.pi))
        for k, i in enumerate(members):
            angle = 2 * math.pi * k / len(members)
            offsets[i] = (round(radius * math.sin(angle)), round(-radius * math.cos(angle)))
    return offsets


def stack_up(keys: Sequence[Hashable], *, step_px: float = 22.0) -> list[tuple[int, int]]:
    """Pixel offsets that stack wide markers sharing a point above each other.

    Parameters
    ----------
    keys
        The point of each marker, in drawing order.
    step_px
        Height of one marker [px].

    Returns
    -------
    list of (dx, dy)
        ``(0, 0)`` for the first marker at a point, ``(0, -step_px * k)`` for the k-th next.
    """
    seen: dict[Hashable, int] = {}
    offsets = []
    for key in keys:
        k = seen.get(key, 0)
        seen[key] = k + 1
        offsets.append((0, -round(step_px * k)))
    return offsets


def outline_cells(
    sites: gpd.GeoDataFrame, categories: Mapping[str, int], to_latlngs: Callable[..., list[Any]]
) -> list[tuple[Any, int, str]]:
    """Return the simplified outlines of the sites that have one, for a polygon surface.

    Parameters
    ----------
    sites
        The sites layer (EPSG:28992); points are skipped.
    categories
        Site id -> category index (:data:`CATEGORIES`).
    to_latlngs
        Converts polygons in EPSG:28992 to rounded Leaflet latlngs.

    Returns
    -------
    list
        ``(latlngs, category index, tooltip)`` per outlined site.
    """
    polygonal = sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    outlined = sites[polygonal]
    if outlined.empty:
        return []
    shapes = outlined.geometry.to_crs(settings.working_crs).simplify(OUTLINE_TOLERANCE_M)
    latlngs = to_latlngs(shapes)
    return [
        (ring, categories.get(str(sid), 0), f"<b>{esc(name)}</b> (outline from IBIS)")
        for ring, sid, name in zip(latlngs, outlined["site_id"], outlined["name"], strict=True)
    ]


def _best_first(site: SiteOutcome) -> tuple[int, int, float]:
    return (
        -CATEGORIES.index(site_category(site)),
        site.rank if site.rank is not None else 10**9,
        -site.utility,
    )


def _outcome_words(site: SiteOutcome) -> str:
    category = site_category(site)
    if category == "recommended":
        return f"recommended #{site.rank}, score {site.utility:.3f}"
    if category in ("feasible", "unverified"):
        check = " (to confirm)" if category == "unverified" else " (verified)"
        return f"feasible{check}, score {site.utility:.3f}"
    rules = f" by {esc(', '.join(site.failing))}" if site.failing else ""
    return f"excluded{rules}"


def _style(category: str) -> dict[str, Any]:
    color = OUTCOME_COLORS[category]
    stroke = {"recommended": "#ffffff", "excluded": color}.get(category, "#333333")
    style: dict[str, Any] = {
        "radius": 4 if category == "excluded" else 6,
        "color": stroke,
        "weight": 1.5 if category == "excluded" else 1,
        "fill": True,
        "fillColor": "#ffffff" if category == "excluded" else color,
        "fillOpacity": 0.9,
    }
    if category == "unverified":
        style["dashArray"] = "2 2"
    return style
