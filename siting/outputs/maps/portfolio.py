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
from typing import Any

import folium

from siting._wording import format_gap
from siting.layers.load import GeoData, load_geodata
from siting.model.solvers import SOLVED
from siting.outputs.maps.basemap import open_at
from siting.outputs.maps.elements import Style, SurfaceSwitch
from siting.outputs.maps.html import dot, esc
from siting.outputs.maps.panels import legend
from siting.outputs.maps.portfolio_parts import (  # noqa: F401 (layer names re-exported)
    _TO_WGS84,
    CAPACITY_ROWS,
    HEADROOM_EDGES,
    HEADROOM_LABELS,
    LAYER_CONGESTION,
    LAYER_LINES,
    LAYER_PLACED,
    LAYER_SITES,
    LAYER_STATUS,
    LAYER_TOP_LINES,
    LAYER_TOP_SITES,
    LAYER_UNPLACED,
    LAYER_ZONES,
    LEAD_COLORS,
    LINE_COLOR,
    PANEL_LEADS,
    PORTFOLIO_CSS,
    SITE_COLOR,
    STATUS_WORDS,
    TOOLTIP_LEADS,
    _by_place,
    _capacity_use,
    _capped,
    _headroom_class,
    _ids,
    _km,
    _lead_circle,
    _lead_mark,
    _line,
    _line_swatch,
    _mark_swatch,
    _missing,
    _missing_section,
    _more,
    _Point,
    _point,
    _site_circle,
    _site_points,
    _text,
    _zone_layer,
    _zone_words,
    _zones_of,
)
from siting.outputs.maps.portfolio_screening import _screening_layers
from siting.outputs.maps.ranking import (
    PANEL_WIDTH_PX,
    add_layer_control,
    add_panels,
    start_map,
)
from siting.outputs.maps.sites import by_point
from siting.results.assignment import INVALID, PLACED, AssignedLead, AssignmentResult
from siting.results.screening import ScreenedLead, ScreenResult


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
    leads: Sequence[AssignedLead | ScreenedLead] = result.leads
    missing = [
        (lead.lead_id, lead.status, lead.reason)
        for lead, xy in zip(leads, origins, strict=True)
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
    group = folium.FeatureGroup(LAYER_ZONES)
    group.add_to(m)
    sections.append(
        _zone_layer(group, data, {z.zone_id: z for z in result.zones}, layer=LAYER_ZONES)
    )
    zones_var = (LAYER_ZONES, group.get_name())

    sections.append(_assigned_sites_layer(m, result, sites))
    placed = [
        (lead, xy) for lead, xy in zip(result.leads, origins, strict=True) if lead.status == PLACED
    ]
    sections.append(_assignment_lines_layer(m, placed, sites))
    sections.append(_placed_leads_layer(m, placed))
    sections.append(_unplaced_leads_layer(m, result, origins))
    sections.insert(0, sections.pop())  # most important first
    return sections, _assignment_panel(result), zones_var


def _assigned_sites_layer(
    m: folium.Map, result: AssignmentResult, sites: dict[str, _Point]
) -> tuple[str | None, str, str, bool]:
    """Add the sites with leads placed (tooltip: ha used of the capacity); return the section."""
    group = folium.FeatureGroup(LAYER_SITES)
    group.add_to(m)
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
    return (
        LAYER_SITES,
        "Assigned sites",
        dot(SITE_COLOR, "site with leads placed (tooltip: ha used / capacity)"),
        True,
    )


def _assignment_lines_layer(
    m: folium.Map, placed: list[tuple[AssignedLead, _Point | None]], sites: dict[str, _Point]
) -> tuple[str | None, str, str, bool]:
    """Add a line from each placed lead to its site; return the legend section."""
    group = folium.FeatureGroup(LAYER_LINES)
    group.add_to(m)
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
    return (
        LAYER_LINES,
        "Assignment",
        _line_swatch(dashed=False)
        + '<div class="note">straight line from the current location to the '
        "assigned site; tooltip: lead, site, distance [km], utility</div>",
        True,
    )


def _placed_leads_layer(
    m: folium.Map, placed: list[tuple[AssignedLead, _Point | None]]
) -> tuple[str | None, str, str, bool]:
    """Add the current locations of the placed leads; return the legend section."""
    group = folium.FeatureGroup(LAYER_PLACED)
    group.add_to(m)
    by_place = _by_place(placed)
    for xy, members in by_place.items():
        texts = [
            f"<b>{esc(lead.lead_id)}</b> &rarr; {esc(lead.site_name)} (utility {lead.utility:.3f})"
            for lead in members
        ]
        _lead_circle(group, xy, LEAD_COLORS[PLACED], f"{len(members)} placed lead(s)", texts)
    return (
        LAYER_PLACED,
        "Placed leads",
        dot(LEAD_COLORS[PLACED], "current location of placed lead(s)"),
        True,
    )


def _unplaced_leads_layer(
    m: folium.Map, result: AssignmentResult, origins: list[_Point | None]
) -> tuple[str | None, str, str, bool]:
    """Add the unplaced and invalid leads, by status; return the legend section."""
    group = folium.FeatureGroup(LAYER_UNPLACED)
    group.add_to(m)
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
    return (LAYER_UNPLACED, "Unplaced and invalid leads", body, True)


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
            added = v.added_text
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
