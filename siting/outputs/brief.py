"""A one-page case brief of a ranking, for the case meeting (HTML, printable to A4 PDF).

``siting rank CASE --brief OUT.html`` writes it: the needs, the top sites with their reasons
and the facts to confirm, the grid and talent outlook of each, a static map drawn offline
(:mod:`siting.outputs.static_map`), how many sites fit, and the data's dates and caveats. The
page is self-contained (no script, no request to any host) and has print CSS for one A4 page.
It names the case by its id and never names the company unless asked (``company_name``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from siting import vng
from siting.criteria.unknowns import QUESTIONS
from siting.layers.load import GeoData, load_geodata
from siting.outputs.maps.html import esc
from siting.outputs.static_map import ranking_map_svg
from siting.results.ranking import RankingResult, Recommendation, format_value

#: Sites described in the brief.
TOP = 5
#: Layers whose reference dates the brief gives.
DATED_LAYERS = ("sites", "grid_areas", "stem_talent", "municipalities", "campuses")

CSS = """
@page { size: A4 portrait; margin: 11mm 11mm 10mm 11mm; }
* { box-sizing: border-box; }
body { font: 8.2pt/1.28 "DejaVu Sans", Arial, Helvetica, sans-serif; color: #1d1d1d;
  margin: 0 auto; max-width: 188mm; }
h1 { font-size: 14pt; margin: 0 0 1mm 0; color: #1a237e; }
h2 { font-size: 9.4pt; margin: 2.4mm 0 1mm 0; color: #1a237e; border-bottom: 0.3mm solid #c5cae9; }
.sub { color: #555; margin: 0 0 2mm 0; }
.top { display: grid; grid-template-columns: 1fr 54mm; gap: 4mm; align-items: start; }
.map svg { width: 54mm; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.6mm 1mm; }
th { background: #e8eaf6; font-weight: bold; }
.sites { font-size: 7.6pt; line-height: 1.18; }
.sites td { border-bottom: 0.2mm solid #dddddd; }
.sites td.num { text-align: right; white-space: nowrap; }
.sites col.n { width: 4mm; } .sites col.s { width: 30mm; } .sites col.w { width: 38mm; }
.sites col.g { width: 50mm; } .sites col.t { width: 15mm; }
.needs th { background: none; width: 24mm; padding-left: 0; }
ul { margin: 0; padding-left: 3.4mm; }
.small { font-size: 7.2pt; color: #444; }
p { margin: 0 0 1mm 0; }
.cols { columns: 2; column-gap: 6mm; }
.verify { color: #8a4b00; }
footer { margin-top: 2mm; font-size: 7pt; color: #666; }
@media print { body { max-width: none; } h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def _e(value: object) -> str:
    """Return text for the page, through the HTML gateway :func:`siting.outputs.maps.html.esc`."""
    return esc(value)


def _needs(result: RankingResult) -> str:
    n = result.needs
    rows = [
        ("needed by", n.get("year", "")),
        ("plot", n.get("plot", "")),
        ("power", n.get("power", "")),
        ("env. category", vng.label(float(n.get("environmental_category", 1)))),
        ("cleanroom", n.get("cleanroom", "")),
        ("staff to hire", n.get("talent", "")),
        ("NTS domains", ", ".join(n.get("nts_domains", ())) or "none given"),
        ("driven by", ", ".join(n.get("space_types", ()))),
    ]
    if "max_distance_km" in n:
        rows.append(("two sites", f"R&D + production at most {n['max_distance_km']:g} km apart"))
    cells = [f"<th>{_e(k)}</th><td>{_e(v)}</td>" for k, v in rows[:6]]
    body = "".join(f"<tr>{''.join(cells[k : k + 2])}</tr>" for k in range(0, len(cells), 2))
    body += "".join(f"<tr><th>{_e(k)}</th><td colspan='3'>{_e(v)}</td></tr>" for k, v in rows[6:])
    return f"<table class='needs'>{body}</table>"


def _outcome(result: RankingResult) -> str:
    left = result.n_sites
    steps = [f"{result.n_sites} candidate sites"]
    for step in result.funnel:
        if step.remaining != left:
            steps.append(f"{step.label}: {step.remaining} left")
            left = step.remaining
    unverified = (
        f" ({result.n_feasible - result.n_unverified} verified, {result.n_unverified} "
        "to confirm: relying on facts no source states)"
        if result.n_unverified
        else ""
    )
    text = (
        f"<p><b>{result.n_feasible} of {result.n_sites}</b> sites satisfy every hard "
        f"rule{_e(unverified)}.</p><p class='small'>Exclusion funnel: {_e(' → '.join(steps))}</p>"
    )
    if result.infeasibility is not None:
        text += f"<p><b>No site fits.</b> {_e(result.infeasibility.message)}</p>"
    return text


def _line(rec: Recommendation, constraint: str) -> str:
    for line in rec.constraints:
        if line.constraint == constraint:
            return line.site_value
    return ""


def _criterion(rec: Recommendation, criterion: str) -> str:
    for line in rec.breakdown:
        if line.criterion == criterion:
            return format_value(line.value, line.unit)
    return "not scored"


def _grid_outlook(rec: Recommendation) -> str:
    """Return the grid outlook in words (the criterion's short text), else the rule's finding."""
    for line in rec.breakdown:
        if line.criterion == "grid_outlook" and line.text:
            return line.text
    return _line(rec, "grid")


def _to_confirm(rec: Recommendation) -> list[str]:
    # the questions grouped by whom to ask, so that a site with several fits one line each
    whom: dict[str, list[str]] = {}
    for line in rec.constraints:
        if line.status == "unknown":
            asking = QUESTIONS.get(line.constraint)
            whom.setdefault(asking.ask if asking else "owner", []).append(line.label)
    items = [f"ask the {party}: {', '.join(labels)}" for party, labels in whom.items()]
    items += [
        c
        for c in rec.caveats
        if not c.startswith("grid class") and ("approximat" in c or "unknown" in c)
    ]
    return items or ["verified: every rule is met on the data; confirm the figures with the owner"]


def _sites(result: RankingResult, top: int) -> str:
    if not result.recommendations:
        misses = "".join(
            f"<li><b>{_e(m.name)}</b> ({_e(m.municipality)}): {_e('; '.join(m.changes))}</li>"
            for m in result.near_misses[:3]
        )
        return f"<h2>Closest sites and what would make them fit</h2><ul>{misses}</ul>"
    rows = []
    for rec in result.recommendations[:top]:
        reasons = "".join(f"<li>{_e(r)}</li>" for r in rec.top_reasons(2))
        confirm = "".join(f"<li class='verify'>{_e(c)}</li>" for c in _to_confirm(rec)[:2])
        grid = _e(_grid_outlook(rec))
        rows.append(
            f"<tr><td class='num'><b>{rec.rank}</b></td>"
            f"<td><b>{_e(rec.name)}</b><br>{_e(rec.municipality)}, {_e(rec.province)}"
            f"<br><span class='small'>score {rec.utility:.3f}, {_e(rec.verification)}</span></td>"
            f"<td><ul>{reasons}</ul></td>"
            f"<td>{grid}</td><td>{_e(_criterion(rec, 'talent_fit'))}</td>"
            f"<td><ul>{confirm}</ul></td></tr>"
        )
    head = (
        "<tr><th>#</th><th>site</th><th>why it fits</th><th>grid outlook</th>"
        "<th>talent in reach</th><th>to confirm</th></tr>"
    )
    return (
        f"<h2>Top {min(top, len(result.recommendations))} sites</h2>"
        "<table class='sites'><colgroup><col class='n'><col class='s'><col class='w'>"
        "<col class='g'><col class='t'><col></colgroup>"
        f"{head}{''.join(rows)}</table>"
    )


def _data(result: RankingResult, data: GeoData) -> str:
    dates = "; ".join(
        f"<b>{_e(name.replace('_', ' '))}</b> "
        f"{_e(data.catalog.get(name, {}).get('reference_date', 'not stated'))}"
        for name in DATED_LAYERS
    )
    caveats = [
        "Grid outlook: the capacity map's supply and TenneT areas, linked to a site through its "
        "municipality (approximate); confirm which area feeds the plot, and the date, with the "
        "grid operator.",
        "Talent within reach is a distance-weighted estimate of the technical workforce and "
        "graduates (straight-line distances), not a count of job seekers.",
        "Site areas are dated and many are unknown; confirm availability with the "
        "municipality or the park's owner.",
        "Scores (0-1) compare these sites for this case only; they are not a valuation.",
    ]
    caveats += list(result.notes)
    items = "".join(f"<li>{_e(c)}</li>" for c in caveats)
    return (
        "<h2>Data and caveats</h2><div class='small'>"
        f"<p>Reference dates: {dates}.</p><ul class='cols'>{items}</ul></div>"
    )


def render_brief(
    result: RankingResult,
    *,
    data: GeoData | None = None,
    company_name: str | None = None,
    top: int = TOP,
    today: dt.date | None = None,
) -> str:
    """Return the one-page case brief of a ranking as a self-contained HTML page.

    Parameters
    ----------
    result
        The ranking.
    data
        The layers it was ranked on (reference dates, grid classes on the map); default the
        embedded dataset.
    company_name
        Name the company in the title; by default the brief names only the case id.
    top
        How many sites it describes.
    today
        Date printed on the brief; default today.

    Returns
    -------
    str
        The HTML page.
    """
    data = load_geodata() if data is None else data
    title = f"Case brief: {company_name}" if company_name else f"Case brief: {result.case_id}"
    day = (today or dt.date.today()).isoformat()
    solver = f"{result.solver}, {result.status}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f"<p class='sub'>Relocation options in the Netherlands · case {_e(result.case_id)} · "
        f"{_e(day)} · confidential: for the case meeting</p>"
        "<div class='top'><div><h2>What the company needs</h2>"
        f"{_needs(result)}<h2>Outcome</h2>{_outcome(result)}</div>"
        f"<div class='map'>{ranking_map_svg(result, data=data)}"
        "<div class='small'>Municipalities shaded by demand-side grid congestion "
        "(approximation); numbers: rank of the recommended sites.</div></div></div>"
        f"{_sites(result, top)}{_data(result, data)}"
        f"<footer>Made with siting (ranking by {_e(solver)}). Boundaries: CBS/PDOK "
        "gebiedsindelingen 2024 (CC BY 4.0), simplified. Every figure is from the embedded "
        "dataset; see geodata/SOURCES.md for sources and confidence.</footer>"
        "</body></html>"
    )


def write_brief(
    result: RankingResult,
    path: str | Path,
    *,
    data: GeoData | None = None,
    company_name: str | None = None,
    top: int = TOP,
) -> Path:
    """Write :func:`render_brief` to ``path`` (its folder is created); return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        render_brief(result, data=data, company_name=company_name, top=top), encoding="utf-8"
    )
    return path
