"""Portfolio maps: a whole lead pipeline on one map, assigned or screened.

:func:`render_portfolio_map` draws an :class:`~siting.jobs.assign.AssignmentResult` or a
:class:`~siting.jobs.screen.ScreenResult` with the helpers of :mod:`siting.outputs.maps.ranking`;
it takes an
optional existing :class:`folium.Map` and returns it, and
:func:`siting.outputs.maps.ranking.save_map` writes it
(``offline=True`` for a self-contained file). Layers (each switchable in the layer control):

For an **assignment**:

- the grid areas per municipality, coloured by the largest share of published room [MW] the
  assignment uses in the supply areas that may feed a site there; elsewhere by the worst
  demand-side class, as :func:`siting.outputs.maps.ranking.render_map` draws it (areas
  without a published room take one large lead; the tooltip says how many are used). Drawn
  on the municipality areas of the offline basemap;
- the assigned sites, with the area used and the capacity [ha] in the tooltip;
- a line from each placed lead's current location to its site (lead, site, straight-line
  distance [km], utility);
- the placed leads and, marked distinctly, the unplaced and invalid ones with their reason.

For a **screening**: the leads by status (ok, no feasible site, invalid input), a line from each
lead to its top-1 site, the top-1 sites, and congestion by class.

The leads' current locations come from the result (each outcome's ``origin``); leads without a
known location are listed in the panel only. Leads at the same place share one marker whose
tooltip lists them, as do sites at the same point (register terrains without a location are
placed at their municipality's point). Company names are not shown (leads are
confidential); every id and text is HTML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
from pyproj import Transformer

from siting import settings, vocab
from siting._wording import format_gap
from siting.layers.grid_info import municipality_grid_points
from siting.layers.load import GeoData, load_geodata
from siting.model.solvers import SOLVED
from siting.outputs.maps.basemap import open_at
from siting.outputs.maps.elements import Bind, PolygonSurface, Style, SurfaceSwitch
from siting.outputs.maps.html import dot, esc, legend, swatch
from siting.outputs.maps.palettes import CONGESTION_COLORS, HEADROOM_COLORS
from siting.outputs.maps.ranking import (
    PANEL_WIDTH_PX,
    add_layer_control,
    add_panels,
    latlon,
    start_map,
)
from siting.outputs.maps.sites import by_point
from siting.outputs.maps.surfaces import municipality_areas
from siting.results.assignment import INVALID, PLACED, AssignmentResult, ZoneUse
from siting.results.screening import ScreenResult

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


def render_portfolio_map(
    result: AssignmentResult | ScreenResult,
    *,
    data: GeoData | None = None,
    m: folium.Map | None = None,
    offline: bool = True,
) -> folium.Map:
    """Draw a pipeline's assignment or screening on an interactive map.

    Parameters
    ----------
    result
        From :func:`siting.jobs.assign.assign_leads` or :func:`siting.jobs.screen.screen_leads`.
    data
        The layers (sites, zones); default :func:`siting.load_geodata`. Use the data the
        result was computed on.
    m
        A map to draw on; a new one fitted to the Netherlands when ``None``.
    offline
        Self-contained (the default: Leaflet inlined, the offline basemap, nothing fetched);
        ``False`` adds the online background tiles (``--tiles``).

    Returns
    -------
    folium.Map
        ``m`` (or the new map) with the layers, legend, panel, layer control and scale.

    Raises
    ------
    TypeError
        For a result of another kind.
    """
    if not isinstance(result, AssignmentResult | ScreenResult):
        raise TypeError(
            f"expected an AssignmentResult or a ScreenResult, got {type(result).__name__}"
        )
    data = load_geodata() if data is None else data
    origins = [None if lead.origin is None else _point(*lead.origin) for lead in result.leads]
    sites = _site_points(data)
    created = m is None
    m = start_map(m, offline=offline, data=data)
    m.add_child(Style(PORTFOLIO_CSS), name="siting_portfolio_css")
    if isinstance(result, AssignmentResult):
        sections, html, zones_var = _assignment_layers(m, result, data, origins, sites)
    else:
        sections, html, zones_var = _screening_layers(m, result, data, origins, sites)
    missing = [
        (lead.lead_id, lead.status, lead.reason)
        for lead, xy in zip(result.leads, origins, strict=True)
        if xy is None
    ]
    html += _missing_section(missing)
    kind = "Assignment" if isinstance(result, AssignmentResult) else "Screening"
    add_panels(m, html, legend(sections), case_title=f"{kind} of {len(result.leads)} leads")
    add_layer_control(m)
    m.add_child(SurfaceSwitch({zones_var[0]: zones_var[1]}), name="siting_surface_switch")
    if created:
        points = [(xy[2], xy[3]) for xy in origins if xy is not None]
        points += [(sites[i][2], sites[i][3]) for i in _result_sites(result) if i in sites]
        open_at(m, points, padding_left=PANEL_WIDTH_PX + 20)
    return m


def _result_sites(result: AssignmentResult | ScreenResult) -> list[str]:
    """Return the sites the map is about: the assigned ones, or each lead's top-1 site."""
    if isinstance(result, AssignmentResult):
        return [s.site_id for s in result.sites if s.leads]
    return [lead.sites[0].site_id for lead in result.leads if lead.sites]


# --- assignment ------------------------------------------------------------------------------


def _assignment_layers(
    m: folium.Map,
    result: AssignmentResult,
    data: GeoData,
    origins: list[_Point | None],
    sites: dict[str, _Point],
) -> tuple[list[tuple[str | None, str, str, bool]], str, tuple[str, str]]:
    sections = []
    group = folium.FeatureGroup(LAYER_ZONES).add_to(m)
    sections.append(
        _zone_layer(group, data, {z.zone_id: z for z in result.zones}, layer=LAYER_ZONES)
    )
    zones_var = (LAYER_ZONES, group.get_name())

    group = folium.FeatureGroup(LAYER_SITES).add_to(m)
    zones = {z.zone_id: z for z in result.zones}
    placed_sites = [s for s in result.sites if s.leads and s.site_id in sites]
    for point, uses in by_point(placed_sites, lambda u: sites[u.site_id]).items():
        texts = []
        for use in uses:
            if math.isnan(use.capacity_ha):
                capacity = f"{use.used_ha:,.2f} ha used; {esc(use.rule)}"
            else:
                capacity = (
                    f"<b>{use.used_ha:,.2f} of {use.capacity_ha:,.2f} ha used</b> "
                    f"({max(use.capacity_ha - use.used_ha, 0.0):,.2f} ha left)"
                )
            zone_text = "".join("<br>" + _zone_words(z) for z in _zones_of(zones, use.zone_id))
            texts.append(
                f"<b>{esc(use.name)}</b> ({esc(use.municipality)})<br>{capacity}<br>"
                f"{len(use.leads)} lead(s) placed: {esc(_ids(use.leads))}{zone_text}"
            )
        tip = "<br>".join(_capped(texts))
        if len(uses) > 1:
            tip = f"<b>{len(uses)} assigned sites at this point</b><br>{tip}"
        _site_circle(group, point, tip)
    sections.append(
        (
            LAYER_SITES,
            "Assigned sites",
            dot(SITE_COLOR, "site with leads placed (tooltip: ha used / capacity)"),
            True,
        )
    )

    placed = [
        (lead, xy) for lead, xy in zip(result.leads, origins, strict=True) if lead.status == PLACED
    ]
    group = folium.FeatureGroup(LAYER_LINES).add_to(m)
    lines: dict[tuple[Any, str], list[str]] = {}
    for lead, xy in placed:
        if xy is None or lead.site_id not in sites:
            continue
        lines.setdefault((xy, lead.site_id), []).append(
            f"<b>{esc(lead.lead_id)}</b> &rarr; {esc(lead.site_name)} "
            f"({esc(lead.municipality)}): {_km(xy, sites[lead.site_id]):,.1f} km, utility "
            f"{lead.utility:.3f}"
        )
    for (xy, site), texts in lines.items():
        _line(group, xy, sites[site], texts, dashed=False)
    sections.append(
        (
            LAYER_LINES,
            "Assignment",
            _line_swatch(dashed=False)
            + '<div class="note">straight line from the current location to the '
            "assigned site; tooltip: lead, site, distance [km], utility</div>",
            True,
        )
    )

    group = folium.FeatureGroup(LAYER_PLACED).add_to(m)
    by_place = _by_place(placed)
    for xy, members in by_place.items():
        texts = [
            f"<b>{esc(lead.lead_id)}</b> &rarr; {esc(lead.site_name)} (utility {lead.utility:.3f})"
            for lead in members
        ]
        _lead_circle(group, xy, LEAD_COLORS[PLACED], f"{len(members)} placed lead(s)", texts)
    sections.append(
        (
            LAYER_PLACED,
            "Placed leads",
            dot(LEAD_COLORS[PLACED], "current location of placed lead(s)"),
            True,
        )
    )

    group = folium.FeatureGroup(LAYER_UNPLACED).add_to(m)
    others = [
        (lead, xy) for lead, xy in zip(result.leads, origins, strict=True) if lead.status != PLACED
    ]
    for status, css, offset in (("unplaced", "unplaced", -4), (INVALID, "invalid", 20)):
        for xy, members in _by_place([(ld, p) for ld, p in others if ld.status == status]).items():
            texts = [
                f"<b>{esc(lead.lead_id)}</b>: {esc(lead.reason or status)}" for lead in members
            ]
            _lead_mark(
                group, xy, css, offset, f"{len(members)} {STATUS_WORDS[status]} lead(s)", texts
            )
    body = (
        _mark_swatch("unplaced", "unplaced lead: no site left for it (tooltip: why)")
        + _mark_swatch("invalid", "invalid input (tooltip: the problem)")
        + '<div class="note">leads at the same place share a marker; the number is how '
        "many</div>"
    )
    sections.append((LAYER_UNPLACED, "Unplaced and invalid leads", body, True))
    sections.insert(0, sections.pop())  # most important first
    return sections, _assignment_panel(result), zones_var


def _assignment_panel(result: AssignmentResult) -> str:
    gap = esc(format_gap(result.gap, result.status))  # one wording: siting._wording
    if result.gap_rel > 0:
        gap += f" (requested {result.gap_rel:.2%})"
    parts = [
        "<div><b>Portfolio assignment</b></div>",
        f"<div><b>{len(result.leads)}</b> leads: <b>{result.n_placed}</b> placed, "
        f"<b>{result.n_unplaced}</b> unplaced, <b>{result.n_invalid}</b> invalid "
        "input</div>",
        f"<div>solver {esc(result.solver)}: <b>{esc(result.status)}</b>, objective "
        f'{result.objective:.4f} <span class="note">(priority-weighted total fit)'
        f"</span>, gap {gap}, {result.solve_time_s:.2f} s</div>",
    ]
    if result.status_note and result.status != "optimal":
        parts.append(f'<div class="note">{esc(result.status_note)}</div>')
    if result.status not in SOLVED:
        parts.append(
            f'<div class="siting-alert">The solver returned no assignment '
            f"(status {esc(result.status)}).</div>"
        )
    parts.append("<details open><summary>Value of one more unit of capacity</summary>")
    if result.capacity_values:
        parts.append(
            '<table><tr><th>capacity</th><th class="n">used / capacity</th>'
            '<th class="n">+1 adds</th></tr>'
        )
        for v in result.capacity_values[:CAPACITY_ROWS]:
            added = "n/a" if math.isnan(v.added_value) else f"{v.added_value:.4f}"
            parts.append(
                f'<tr><td>{esc(v.kind)} {esc(v.name)}<br><span class="note">'
                f"{esc(v.key)}, {v.leads_competing} lead(s) competing</span></td>"
                f'<td class="n">{_capacity_use(v)}</td>'
                f'<td class="n">{added}</td></tr>'
            )
        parts.append("</table>")
        if len(result.capacity_values) > CAPACITY_ROWS:
            parts.append(
                f'<div class="note">top {CAPACITY_ROWS} of '
                f"{len(result.capacity_values)} (see --out)</div>"
            )
    else:
        parts.append("<div>no binding capacity: one more ha or MW unlocks nothing</div>")
    parts.append(f'<div class="note">{esc(result.capacity_note)}</div></details>')
    unplaced = [lead for lead in result.leads if lead.status != PLACED]
    if unplaced:
        parts.append(
            f"<details><summary>Unplaced and invalid leads ({len(unplaced)})</summary><ul>"
        )
        parts.extend(
            f"<li><b>{esc(lead.lead_id)}</b> ({esc(STATUS_WORDS[lead.status])}): "
            f"{esc(lead.reason)}</li>"
            for lead in unplaced[:PANEL_LEADS]
        )
        parts.append("</ul>" + _more(len(unplaced)) + "</details>")
    if result.notes:
        parts.append(
            "<details><summary>Notes</summary><ul>"
            + "".join(f"<li>{esc(n)}</li>" for n in result.notes)
            + "</ul></details>"
        )
    return "".join(parts)


# --- screening -------------------------------------------------------------------------------


def _screening_layers(
    m: folium.Map,
    result: ScreenResult,
    data: GeoData,
    origins: list[_Point | None],
    sites: dict[str, _Point],
) -> tuple[list[tuple[str | None, str, str, bool]], str, tuple[str, str]]:
    sections = []
    group = folium.FeatureGroup(LAYER_CONGESTION).add_to(m)
    sections.append(_zone_layer(group, data, None, layer=LAYER_CONGESTION))
    zones_var = (LAYER_CONGESTION, group.get_name())

    tops: dict[str, list[str]] = {}
    group = folium.FeatureGroup(LAYER_TOP_LINES).add_to(m)
    lines: dict[tuple[Any, str], list[str]] = {}
    for lead, xy in zip(result.leads, origins, strict=True):
        if not lead.sites:
            continue
        hit = lead.sites[0]
        tops.setdefault(hit.site_id, []).append(lead.lead_id)
        if xy is None or hit.site_id not in sites:
            continue
        lines.setdefault((xy, hit.site_id), []).append(
            f"<b>{esc(lead.lead_id)}</b> &rarr; #1 {esc(hit.name)} ({esc(hit.municipality)}): "
            f"{_km(xy, sites[hit.site_id]):,.1f} km, utility {hit.score:.3f}"
        )
    for (xy, site), texts in lines.items():
        _line(group, xy, sites[site], texts, dashed=True)
    sections.append(
        (
            LAYER_TOP_LINES,
            "Top-1 site of each lead",
            _line_swatch(dashed=True)
            + '<div class="note">straight line to the best site of each lead ranked '
            "on its own (leads may share a site: screening does not share capacity; "
            "see siting assign); tooltip: lead, site, distance [km], utility</div>",
            True,
        )
    )

    group = folium.FeatureGroup(LAYER_TOP_SITES).add_to(m)
    names = {
        hit.site_id: (hit.name, hit.municipality) for lead in result.leads for hit in lead.sites[:1]
    }
    for point, chosen in by_point([s for s in tops if s in sites], lambda s: sites[s]).items():
        texts = []
        for site in chosen:
            name, municipality = names[site]
            ids = tops[site]
            texts.append(
                f"<b>{esc(name)}</b> ({esc(municipality)})<br>top-1 site of {len(ids)} "
                f"lead(s): {esc(_ids(ids))}"
            )
        tip = "<br>".join(_capped(texts))
        if len(chosen) > 1:
            tip = f"<b>{len(chosen)} top-1 sites at this point</b><br>{tip}"
        _site_circle(group, point, tip)
    sections.append(
        (LAYER_TOP_SITES, "Top-1 sites", dot(SITE_COLOR, "best site of at least one lead"), True)
    )

    group = folium.FeatureGroup(LAYER_STATUS).add_to(m)
    pairs = list(zip(result.leads, origins, strict=True))
    for xy, members in _by_place([(ld, p) for ld, p in pairs if ld.status == "ok"]).items():
        texts = [
            f"<b>{esc(lead.lead_id)}</b>: {lead.n_feasible} feasible site(s); #1 "
            f"{esc(lead.sites[0].name) if lead.sites else '-'}"
            for lead in members
        ]
        _lead_circle(
            group, xy, LEAD_COLORS["ok"], f"{len(members)} lead(s) with a feasible site", texts
        )
    for statuses, css, offset in (
        (("no_feasible_site",), "unplaced", -4),
        (("invalid_input", "error"), "invalid", 20),
    ):
        chosen = [(ld, p) for ld, p in pairs if ld.status in statuses]
        for xy, members in _by_place(chosen).items():
            texts = [f"<b>{esc(lead.lead_id)}</b>: {esc(lead.reason)}" for lead in members]
            _lead_mark(
                group,
                xy,
                css,
                offset,
                f"{len(members)} lead(s): {esc(STATUS_WORDS[statuses[0]])}",
                texts,
            )
    body = (
        dot(LEAD_COLORS["ok"], "ok: at least one feasible site")
        + _mark_swatch("unplaced", "no feasible site (tooltip: why)")
        + _mark_swatch("invalid", "invalid input (tooltip: the problem)")
        + '<div class="note">leads at the same place share a marker; the number is how '
        "many</div>"
    )
    sections.insert(0, (LAYER_STATUS, "Leads by status", body, True))
    return sections, _screening_panel(result), zones_var


def _screening_panel(result: ScreenResult) -> str:
    s = result.summary
    parts = [
        "<div><b>Pipeline screening</b></div>",
        f"<div><b>{s.leads_in}</b> leads: <b>{s.placed}</b> placed (at least one "
        f"feasible site), <b>{s.nowhere}</b> nowhere (no feasible site), "
        f"<b>{s.invalid}</b> invalid input"
        + (f", <b>{s.errors}</b> failed" if s.errors else "")
        + "</div>",
        f'<div class="note">{esc(Path(result.file).name)}: {result.n_sites} candidate '
        f"sites, top {result.top} per lead, {esc(result.method)} on "
        f"{esc(result.engine)}, {result.elapsed_s:.1f} s</div>",
        "<details open><summary>Per region (province of the current location)</summary>"
        '<table><tr><th>region</th><th class="n">leads</th><th class="n">placed</th>'
        '<th class="n">nowhere</th><th>most common blocking rule</th></tr>',
    ]
    for r in s.regions:
        rule = f"{esc(r.top_blocking_rule)} ({r.top_blocking_leads})" if r.top_blocking_rule else ""
        parts.append(
            f'<tr><td>{esc(r.region)}</td><td class="n">{r.leads}</td>'
            f'<td class="n">{r.placed}</td><td class="n">{r.nowhere}</td>'
            f"<td>{rule}</td></tr>"
        )
    parts.append("</table></details>")
    if s.rules:
        parts.append(
            f"<details><summary>What blocks the {s.nowhere} lead(s) no site fits"
            '</summary><table><tr><th>rule</th><th class="n">rules out most</th>'
            '<th class="n">relaxed alone places</th></tr>'
        )
        parts.extend(
            f'<tr><td>{esc(r.label)}</td><td class="n">{r.most_restrictive}</td>'
            f'<td class="n">{r.sole_blocker}</td></tr>'
            for r in s.rules
        )
        parts.append("</table></details>")
    return "".join(parts)


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
            row = grid.iloc[k]
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
            cache[k] = (index, tip)
        return cache[k]

    cells = []
    for shape, k, name in areas:
        if k is None:
            cells.append((shape, classes.index(-1), f"<b>{esc(name)}</b>: no grid record"))
        else:
            cells.append((shape, *cell(k)))
    style = {"color": "#ffffff", "weight": 0.6, "opacity": 0.9, "fillOpacity": 0.6}
    group.add_child(PolygonSurface(cells, colors=palette, style=style))
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
    title = "Grid areas: published room used" if zones else "Grid congestion"
    return layer, title, body, True


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
