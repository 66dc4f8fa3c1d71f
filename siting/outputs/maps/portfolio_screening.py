"""The screening half of the portfolio maps: leads by status, lines to their top-1 sites."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import folium

from siting.layers.load import GeoData
from siting.outputs.maps.html import dot, esc
from siting.outputs.maps.portfolio_parts import (
    LAYER_CONGESTION,
    LAYER_STATUS,
    LAYER_TOP_LINES,
    LAYER_TOP_SITES,
    LEAD_COLORS,
    SITE_COLOR,
    STATUS_WORDS,
    _by_place,
    _capped,
    _ids,
    _km,
    _lead_circle,
    _lead_mark,
    _line,
    _line_swatch,
    _mark_swatch,
    _Point,
    _site_circle,
    _zone_layer,
)
from siting.outputs.maps.sites import by_point
from siting.results.screening import ScreenResult

# --- screening -------------------------------------------------------------------------------


def _screening_layers(
    m: folium.Map,
    result: ScreenResult,
    data: GeoData,
    origins: list[_Point | None],
    sites: dict[str, _Point],
) -> tuple[list[tuple[str | None, str, str, bool]], str, tuple[str, str]]:
    sections = []
    group = folium.FeatureGroup(LAYER_CONGESTION)
    group.add_to(m)
    sections.append(_zone_layer(group, data, None, layer=LAYER_CONGESTION))
    zones_var = (LAYER_CONGESTION, group.get_name())

    section, tops = _top_lines_layer(m, result, origins, sites)
    sections.append(section)
    sections.append(_top_sites_layer(m, result, tops, sites))
    sections.insert(0, _lead_status_layer(m, result, origins))
    return sections, _screening_panel(result), zones_var


def _top_lines_layer(
    m: folium.Map, result: ScreenResult, origins: list[_Point | None], sites: dict[str, _Point]
) -> tuple[tuple[str | None, str, str, bool], dict[str, list[str]]]:
    """Add a dashed line from each lead to its top-1 site.

    Returns
    -------
    tuple
        The legend section, and the leads whose top-1 site each site is (site id -> lead ids).
    """
    tops: dict[str, list[str]] = {}
    group = folium.FeatureGroup(LAYER_TOP_LINES)
    group.add_to(m)
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
    section = (
        LAYER_TOP_LINES,
        "Top-1 site of each lead",
        _line_swatch(dashed=True)
        + '<div class="note">straight line to the best site of each lead ranked '
        "on its own (leads may share a site: screening does not share capacity; "
        "see siting assign); tooltip: lead, site, distance [km], utility</div>",
        True,
    )
    return section, tops


def _top_sites_layer(
    m: folium.Map, result: ScreenResult, tops: dict[str, list[str]], sites: dict[str, _Point]
) -> tuple[str | None, str, str, bool]:
    """Add the top-1 sites with the leads they are best for; return the legend section."""
    group = folium.FeatureGroup(LAYER_TOP_SITES)
    group.add_to(m)
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
    return (LAYER_TOP_SITES, "Top-1 sites", dot(SITE_COLOR, "best site of at least one lead"), True)


def _lead_status_layer(
    m: folium.Map, result: ScreenResult, origins: list[_Point | None]
) -> tuple[str | None, str, str, bool]:
    """Add the leads at their current location, by status; return the legend section."""
    group = folium.FeatureGroup(LAYER_STATUS)
    group.add_to(m)
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
        in_status = [(ld, p) for ld, p in pairs if ld.status in statuses]
        for xy, members in _by_place(in_status).items():
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
    return (LAYER_STATUS, "Leads by status", body, True)


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
