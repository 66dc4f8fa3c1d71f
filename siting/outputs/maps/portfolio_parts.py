"""Pieces of the portfolio maps: layer names, colours, the grid-area layer, markers, texts.

Used by :mod:`siting.outputs.maps.portfolio`; every id and text is HTML-escaped (``esc``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import folium
import numpy as np
import pandas as pd
from pyproj import Transformer

from siting import settings, vocab
from siting.layers.grid_info import municipality_grid_points
from siting.layers.load import GeoData
from siting.outputs.maps.elements import Bind, PolygonSurface
from siting.outputs.maps.html import esc, swatch
from siting.outputs.maps.palettes import CONGESTION_COLORS, HEADROOM_COLORS
from siting.outputs.maps.ranking import (
    latlon,
)
from siting.outputs.maps.surfaces import municipality_areas
from siting.results.assignment import INVALID, PLACED, ZoneUse

#: Layer names of an assignment map, as the layer control shows them.
LAYER_ZONES = "Grid areas: published room used"
LAYER_SITES = "Assigned sites (ha used / capacity)"
LAYER_LINES = "Lines: lead to assigned site"
LAYER_PLACED = "Placed leads (current location)"
LAYER_UNPLACED = "Unplaced and invalid leads (reason in the tooltip)"

#: Layer names of a screening map.
LAYER_CONGESTION = "Grid congestion (demand side)"
LAYER_STATUS = "Leads by screening status (current location)"
LAYER_TOP_LINES = "Lines: lead to its top-1 site"
LAYER_TOP_SITES = "Top-1 sites"

#: Rows of the value-of-capacity list in the panel.
CAPACITY_ROWS: int = 8
#: Leads listed per list in the panel (the output file has all of them).
PANEL_LEADS: int = 25
#: Leads listed in one marker's or line's tooltip.
TOOLTIP_LEADS: int = 12

#: Upper edges of the classes of headroom used [share of the headroom]; the last class is
#: "full" (no headroom left).
HEADROOM_EDGES: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)
HEADROOM_LABELS: tuple[str, ...] = (
    "< 25 % used",
    "25 - 50 % used",
    "50 - 75 % used",
    "75 - 100 % used",
    "full: no headroom left",
)

#: Colours of the leads by status (assignment and screening statuses).
LEAD_COLORS: dict[str, str] = {
    PLACED: "#1565c0",
    "ok": "#1565c0",
    "unplaced": "#c62828",
    "no_feasible_site": "#c62828",
    INVALID: "#757575",
    "invalid_input": "#757575",
    "error": "#424242",
}
#: Status -> words.
STATUS_WORDS: dict[str, str] = {
    PLACED: "placed",
    "unplaced": "unplaced",
    INVALID: "invalid input",
    "ok": "ok (feasible sites)",
    "no_feasible_site": "no feasible site",
    "invalid_input": "invalid input",
    "error": "error while ranking",
}
LINE_COLOR = "#1a237e"
SITE_COLOR = "#00897b"

PORTFOLIO_CSS = """
.siting-lead-x { width: 14px; height: 14px; border-radius: 2px; color: #fff;
    font: bold 10px/14px Arial, Helvetica, sans-serif; text-align: center;
    border: 1px solid #fff; box-shadow: 0 0 0 1px #333, 0 1px 3px rgba(0,0,0,.5); }
.siting-lead-x.unplaced { background: #c62828; }
.siting-lead-x.invalid { background: #757575; border-radius: 50%; }
"""

_TO_WGS84 = Transformer.from_crs(settings.working_crs, settings.display_crs, always_xy=True)

#: One point of the map: x, y [m] in EPSG:28992, lat, lon [degree].
_Point = tuple[float, float, float, float]


# --- shared layers and pieces ----------------------------------------------------------------


def _capacity_use(v: Any) -> str:
    """``"0.86 / 0.9 MW"``, or for relief one year earlier ``"solved 2032, not 2033"``."""
    if v.kind == "relief":
        return f"solved {v.used:.0f}, not {v.capacity:.0f}"
    return f"{v.used:g} / {v.capacity:g} {esc(v.unit)}"


def _zones_of(zones: dict[str, ZoneUse], key: str) -> list[ZoneUse]:
    """Return the zones of one area or municipality (``area:X``, ``no-room:X``, ...)."""
    return [z for zid, z in zones.items() if zid.split(":", 1)[-1] == key]


def _zone_layer(
    group: folium.FeatureGroup, data: GeoData, zones: dict[str, ZoneUse] | None, *, layer: str
) -> tuple[str | None, str, str, bool]:
    """Hexagons coloured by the room used in the areas that may feed a site, else by class."""
    grid = municipality_grid_points(data)
    grid = grid[grid.geometry.notna() & ~grid.geometry.is_empty].reset_index(drop=True)
    areas, how = municipality_areas(grid)
    classes = sorted(CONGESTION_COLORS)
    palette = [CONGESTION_COLORS[c] for c in classes] + list(HEADROOM_COLORS)
    zones = zones or {}
    cache: dict[int, tuple[int, str]] = {}

    def cell(k: int) -> tuple[int, str]:
        if k not in cache:
            cache[k] = _zone_cell(grid.iloc[k], zones, classes)
        return cache[k]

    cells = []
    for shape, k, name in areas:
        if k is None:
            cells.append((shape, classes.index(-1), f"<b>{esc(name)}</b>: no grid record"))
        else:
            cells.append((shape, *cell(k)))
    style = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.6}
    group.add_child(PolygonSurface(cells, colors=palette, style=style))
    body = _zone_legend(zones, how)
    title = "Grid areas: published room used" if zones else "Grid congestion"
    return layer, title, body, True


def _zone_cell(row: pd.Series, zones: dict[str, ZoneUse], classes: list[int]) -> tuple[int, str]:
    """Return the colour index and the tooltip of one municipality's hexagons."""
    code = str(row["gm_code"])
    c = -1 if _missing(row.get("afname_class")) else int(row["afname_class"])
    relief = row.get("expected_relief_year")
    relief_text = "" if _missing(relief) else f", latest solve year {int(relief)}"
    tip = (
        f"<b>{esc(row['municipality'])}</b> ({esc(code)})<br>worst class {c}: "
        f"{esc(vocab.CONGESTION_CLASSES.get(c, 'unknown'))}, state "
        f"{esc(_text(row.get('status_date')))}{relief_text}"
    )
    keys = [*tuple(row.get("grid_area_ids") or ()), code]
    mine = [z for key in keys for z in _zones_of(zones, key)]
    rooms = [z for z in mine if z.unit == "MW" and z.n_leads > 0]
    if rooms:
        z = max(rooms, key=lambda u: u.used_mw / u.headroom_mw if u.headroom_mw else 1)
        share = z.used_mw / z.headroom_mw if z.headroom_mw > 0 else 1.0
        index = len(classes) + _headroom_class(share, z)
    else:
        index = classes.index(c)
    for z in mine[:6]:
        tip += "<br>" + _zone_words(z)
    if len(mine) > 6:
        tip += f"<br>... and {len(mine) - 6} more area(s)"
    if zones and not mine:
        tip += "<br>no candidate site of any lead here"
    tip += '<br><span class="note">areas placed by municipality: approximate</span>'
    return index, tip


def _zone_legend(zones: dict[str, ZoneUse], how: str) -> str:
    """Return the legend of the zone layer: room used where leads compete, else the class."""
    body = ""
    if any(z.unit == "MW" for z in zones.values()):
        body += "<div><b>share of the published room [MW] used</b></div>"
        body += "".join(
            swatch(color, label)
            for color, label in zip(HEADROOM_COLORS, HEADROOM_LABELS, strict=True)
        )
        body += "<div><b>elsewhere: worst demand-side class</b></div>"
    body += "".join(
        swatch(
            CONGESTION_COLORS[c],
            f"{c} {vocab.CONGESTION_CLASSES[c]}" if c >= 0 else vocab.CONGESTION_CLASSES[c],
        )
        for c in (3, 2, 1, 0, -1)
    )
    body += (
        '<div class="note">Per municipality, the supply areas of the capacity map that may '
        "feed a site there (placed by the station's place: approximate), "
        f"{esc(how)}. An area without a published room takes at most one large lead.</div>"
    )
    return body


def _headroom_class(share: float, zone: ZoneUse) -> int:
    if zone.headroom_mw <= 0 or (zone.n_leads > 0 and zone.used_mw >= zone.headroom_mw - 1e-9):
        return len(HEADROOM_EDGES)
    return int(np.searchsorted(HEADROOM_EDGES, share, side="right"))


def _zone_words(zone: ZoneUse) -> str:
    if zone.unit == "lead":
        return (
            f"{esc(zone.name)}: {zone.used_mw:g} of {zone.headroom_mw:g} large lead(s) "
            "(no published room)"
        )
    return (
        f"{esc(zone.name)}: {zone.used_mw:,.2f} of {zone.headroom_mw:,.2f} MW of published "
        "room used"
    )


def _line(
    group: folium.FeatureGroup, xy: _Point, site: _Point, texts: list[str], *, dashed: bool
) -> None:
    extra = {"dash_array": "6 5"} if dashed else {}
    line = folium.PolyLine(
        [latlon(xy[2], xy[3]), latlon(site[2], site[3])],
        color=LINE_COLOR,
        weight=2,
        opacity=0.65,
        class_name="siting-line",
        **extra,
    )
    line.add_child(Bind(tooltip="<br>".join(_capped(texts))))
    group.add_child(line)


def _site_circle(group: folium.FeatureGroup, point: _Point, tooltip: str) -> None:
    """Draw one marker for the sites at a point (sites placed at a municipality share one)."""
    _, _, lat, lon = point
    marker = folium.CircleMarker(
        latlon(lat, lon),
        radius=7,
        color="#ffffff",
        weight=1.5,
        fill=True,
        fill_color=SITE_COLOR,
        fill_opacity=0.95,
    )
    marker.add_child(Bind(tooltip=tooltip))
    group.add_child(marker)


def _lead_circle(
    group: folium.FeatureGroup, xy: _Point, color: str, head: str, texts: list[str]
) -> None:
    marker = folium.CircleMarker(
        latlon(xy[2], xy[3]),
        radius=5 + min(len(texts), 16) ** 0.5,
        color="#ffffff",
        weight=1.5,
        fill=True,
        fill_color=color,
        fill_opacity=0.9,
        class_name="siting-lead",
    )
    marker.add_child(Bind(tooltip=f"<b>{head}</b><br>" + "<br>".join(_capped(texts))))
    group.add_child(marker)


def _lead_mark(
    group: folium.FeatureGroup, xy: _Point, css: str, offset: int, head: str, texts: list[str]
) -> None:
    """Add a square (unplaced) or round grey (invalid) marker beside a place, with a count."""
    label = "&times;" if len(texts) == 1 else str(len(texts))
    marker = folium.Marker(
        latlon(xy[2], xy[3]),
        icon=folium.DivIcon(
            html=f'<div class="siting-lead-x {css}" data-leads="{len(texts)}">{label}</div>',
            icon_size=(16, 16),
            icon_anchor=(offset, 8),
        ),
        z_index_offset=500,
    )
    marker.add_child(
        Bind(
            tooltip=f"<b>{head}</b><br>" + "<br>".join(_capped(texts)),
            tooltip_options={"direction": "top", "offset": [0, -8]},
        )
    )
    group.add_child(marker)


def _mark_swatch(css: str, label: str) -> str:
    return (
        f'<div><span class="siting-lead-x {css}" style="display:inline-block;'
        f'vertical-align:-3px;margin-right:5px">&times;</span>{esc(label)}</div>'
    )


def _line_swatch(*, dashed: bool) -> str:
    style = "dashed" if dashed else "solid"
    return (
        f'<div><span style="display:inline-block;width:22px;border-top:2px {style} '
        f'{LINE_COLOR};vertical-align:3px;margin-right:5px"></span>lead to site</div>'
    )


def _missing_section(missing: list[tuple[str, str, str]]) -> str:
    if not missing:
        return ""
    why = "no current location, or one that cannot be placed"
    parts = [
        f"<details><summary>Not on the map ({len(missing)} lead(s))</summary>"
        f'<div class="note">{esc(why)}</div><ul>'
    ]
    parts.extend(
        f"<li><b>{esc(lead)}</b> ({esc(STATUS_WORDS.get(status, status))})"
        + (f": {esc(reason)}" if reason and status not in (PLACED, "ok") else "")
        + "</li>"
        for lead, status, reason in missing[:PANEL_LEADS]
    )
    parts.append("</ul>" + _more(len(missing)) + "</details>")
    return "".join(parts)


# --- locations -------------------------------------------------------------------------------


def _site_points(data: GeoData) -> dict[str, _Point]:
    points = data.sites.geometry.representative_point()
    return {
        str(s): _point(float(p.x), float(p.y))
        for s, p in zip(data.sites["site_id"], points, strict=True)
        if not p.is_empty
    }


def _point(x: float, y: float) -> _Point:
    lon, lat = _TO_WGS84.transform(x, y)
    return (x, y, round(float(lat), 5), round(float(lon), 5))


def _km(a: _Point, b: _Point) -> float:
    return math.hypot(a[0] - b[0], a[1] - b[1]) / 1000.0


def _by_place(pairs: Sequence[tuple[Any, _Point | None]]) -> dict[_Point, list[Any]]:
    out: dict[_Point, list[Any]] = {}
    for lead, xy in pairs:
        if xy is not None:
            out.setdefault(xy, []).append(lead)
    return out


# --- text ------------------------------------------------------------------------------------


def _capped(texts: list[str]) -> list[str]:
    if len(texts) <= TOOLTIP_LEADS:
        return texts
    return [
        *texts[:TOOLTIP_LEADS],
        f"... and {len(texts) - TOOLTIP_LEADS} more (see the output file)",
    ]


def _ids(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:TOOLTIP_LEADS])
    return shown + (f" and {len(ids) - TOOLTIP_LEADS} more" if len(ids) > TOOLTIP_LEADS else "")


def _more(n: int) -> str:
    return (
        f'<div class="note">first {PANEL_LEADS} of {n} (all in the output file)</div>'
        if n > PANEL_LEADS
        else ""
    )


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, str):
        return value is None
    return bool(pd.isna(value))


def _text(value: Any) -> str:
    return "unknown" if _missing(value) else str(value)
