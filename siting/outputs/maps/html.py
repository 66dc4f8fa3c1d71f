"""HTML snippets of the maps: explanation popups, tooltips, the case panel and the legend.

Every piece of user or data text goes through :func:`esc` (``html.escape``, braces too, so
no text is ever evaluated as a template); the markup around it is ours. Styles are CSS
classes (:data:`CSS`) or inline styles, nothing external.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from siting.outputs.maps.palettes import CONGESTION_COLORS  # noqa: F401 (re-exported)
from siting.outputs.maps.styles import (  # noqa: F401 (re-exported)
    BADGE_RANKS,
    CAMPUS_COLOR,
    CSS,
    ORIGIN_COLOR,
    OUTCOME_COLORS,
    OUTCOME_LABELS,
    PAIR_COLORS,
    ROLE_LABELS,
    ROLE_LETTERS,
    ROLE_TITLES,
)
from siting.results.ranking import Recommendation, SiteOutcome

#: Braces as HTML character references: branca renders every element's output a second time
#: as a Jinja template, and every Jinja delimiter (``{{``, ``{%``, ``{#``) starts with ``{``.
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;"})


def esc(value: Any) -> str:
    """Return ``value`` as HTML-escaped text (quotes and braces too), shown literally.

    Besides ``& < > " '``, the braces become character references (``&#123;``, ``&#125;``),
    so no text can form a Jinja delimiter when branca re-renders the map's HTML as a template
    (:func:`siting.outputs.maps.elements.check_literal` checks that nothing else can).
    """
    return html.escape(str(value), quote=True).translate(_BRACES)


def fmt_value(value: float | None, unit: str = "") -> str:
    """Format a number with its unit for display (``unknown`` for NaN, ``no limit`` for inf)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if isinstance(value, float) and math.isinf(value):
        return "no limit"
    text = f"{value:,.0f}" if abs(value) >= 100 or unit.startswith("year") else f"{value:,.2f}"
    return f"{text} {unit}".strip()


def site_category(site: SiteOutcome) -> str:
    """Return the colour category of a site: recommended, feasible, unverified or excluded."""
    if site.outcome == "feasible" and site.unverified:
        return "unverified"
    return site.outcome if site.outcome in OUTCOME_COLORS else "excluded"


def recommendation_popup(rec: Recommendation, n_recommended: int) -> str:
    """Return the explanation of one recommended site as popup HTML.

    Parameters
    ----------
    rec
        The recommendation.
    n_recommended
        How many sites were recommended (for the last one's "what separates it").

    Returns
    -------
    str
    """
    why = [_score_line(rec), _breakdown_table(rec)]
    sep = rec.versus_next
    if sep is not None:
        why.append(
            f'<div class="note">ahead of #{rec.rank + 1} {esc(sep.next_site_name)} by '
            f"{sep.utility_gap:.3f} (tab Next)</div>"
        )
    nxt = []
    if sep is not None:
        nxt.append(
            f"<h5>Ahead of #{rec.rank + 1} {esc(sep.next_site_name)} by "
            f"{sep.utility_gap:.3f}</h5><ul>"
        )
        for label, diff in sep.differences[:4]:
            nxt.append(f"<li>{esc(label)} {diff:+.3f}</li>")
        nxt.append("</ul>")
    else:
        nxt.append(
            f"<h5>Last of the {n_recommended} recommended</h5>"
            '<div class="note">see the candidate layer for the sites after it</div>'
        )
    nxt.append(_stability_list(rec, "Rank holds while a weight stays in"))
    items = [
        ("Why", "".join(why)),
        ("Rules", _constraint_list(rec)),
        ("Next", "".join(nxt)),
    ]
    caveats = _caveat_list(rec)
    if caveats:
        items.append(("Caveats", caveats))
    return (
        f'<div class="siting-pop" data-site="{esc(rec.site_id)}">'
        f"<h4>#{rec.rank} {esc(rec.name)}</h4>{_place(rec)}{tabs(items)}</div>"
    )


def tabs(items: Sequence[tuple[str, str]]) -> str:
    """Return sections as tabs: a bar of buttons, the first section shown (no inner scroll).

    Parameters
    ----------
    items
        ``(label, html)`` per tab; labels are plain text, the html is ready-made (escaped).
        The page's :data:`siting.outputs.maps.elements.TABS_SCRIPT` switches them.
    """
    on = ' class="on"'
    bar = "".join(
        f'<button type="button" data-tab="{k}"{on if k == 0 else ""}>{esc(label)}</button>'
        for k, (label, _) in enumerate(items)
    )
    panes = "".join(
        f'<div class="pane" data-pane="{k}"{"" if k == 0 else " hidden"}>{body}</div>'
        for k, (_, body) in enumerate(items)
    )
    return f'<div class="siting-tabs"><div class="bar">{bar}</div>{panes}</div>'


def _place(rec: Recommendation) -> str:
    return (
        f"<div>{esc(rec.municipality)}, {esc(rec.province)} "
        f'<span class="note">({esc(rec.site_id)})</span></div>'
    )


def _score_line(rec: Recommendation, what: str = "score") -> str:
    parts = [f"<div><b>{esc(what)} {rec.utility:.3f}</b> of 1"]
    if rec.unverified:
        unknown = [c.label for c in rec.constraints if c.status == "unknown"]
        parts.append(
            ' &middot; <span class="siting-badge unknown">to confirm</span> '
            + esc(", ".join(unknown))
        )
    else:
        parts.append(' &middot; <span class="siting-badge pass">verified</span>')
    parts.append("</div>")
    if rec.questions:
        parts.append(
            '<div class="note">questions: ' + "; ".join(esc(q) for q in rec.questions) + "</div>"
        )
    return "".join(parts)


def _constraint_list(rec: Recommendation) -> str:
    parts = ["<h5>Hard constraints</h5><ul>"]
    for line in rec.constraints:
        slack = ""
        if line.unit and math.isfinite(line.slack):
            slack = f"; slack {line.slack:,.1f} {esc(line.unit)}"
        elif math.isinf(line.slack):
            slack = "; no restriction"
        elif math.isnan(line.slack):
            slack = "; slack unknown"
        word = {"pass": "ok", "fail": "fails", "unknown": "to confirm"}.get(
            line.status, line.status
        )
        parts.append(
            f'<li><span class="siting-badge {esc(line.status)}">{esc(word)}</span> '
            f"<b>{esc(line.label)}</b>: {esc(line.site_value)} "
            f'<span class="note">(needs {esc(line.requirement)}{slack})</span></li>'
        )
    parts.append("</ul>")
    return "".join(parts)


def _stability_list(rec: Recommendation, heading: str) -> str:
    stable = [s for s in rec.stability if s.weight > 0]
    if not stable:
        return ""
    parts = [f"<h5>{esc(heading)}</h5><ul>"]
    for s in stable:
        high = "any" if math.isinf(s.high) or math.isnan(s.high) else f"{s.high:.2f}"
        parts.append(
            f"<li>{esc(s.label)}: {s.low:.2f} &ndash; {high} "
            f'<span class="note">(now {s.weight:.2f})</span></li>'
        )
    parts.append('</ul><div class="note">each weight varied alone, the others fixed</div>')
    return "".join(parts)


def _caveat_list(rec: Recommendation) -> str:
    if not rec.caveats:
        return ""
    return (
        "<h5>Data caveats</h5><ul>" + "".join(f"<li>{esc(c)}</li>" for c in rec.caveats) + "</ul>"
    )


def _breakdown_table(rec: Recommendation) -> str:
    lines = list(rec.breakdown)
    top_weight = max((c.weight for c in lines), default=0.0) or 1.0
    rows = [
        "<h5>Why: contribution of each criterion</h5><table><tr><th>criterion "
        '<span class="note">(value)</span></th><th class="n">score</th>'
        '<th class="n">weight</th><th>adds</th></tr>'
    ]
    for c in lines:
        outer = round(60 * c.weight / top_weight)
        inner = 0 if math.isnan(c.normalised) else round(100 * max(0.0, min(1.0, c.normalised)))
        rows.append(
            f'<tr><td>{esc(c.label)}<br><span class="note">{esc(fmt_value(c.value, c.unit))}'
            f'</span></td><td class="n">{c.normalised:.2f}</td><td class="n">{c.weight:.2f}</td>'
            f'<td style="white-space:nowrap"><span class="siting-bar" style="width:{outer}px">'
            f'<i style="width:{inner}%"></i></span> {c.contribution:.3f}</td></tr>'
        )
    rows.append(
        '</table><div class="note">bar length = weight, filled part = score; '
        "adds = weight &times; score</div>"
    )
    return "".join(rows)


def recommendation_tooltip(rec: Recommendation) -> str:
    """One line naming a recommended site and its score."""
    check = " &middot; to confirm" if rec.unverified else " &middot; verified"
    return (
        f"<b>#{rec.rank} {esc(rec.name)}</b> ({esc(rec.municipality)}): score "
        f"{rec.utility:.3f}{check} &middot; click for why"
    )


def site_tooltip(site: SiteOutcome, changes: Sequence[str] = ()) -> str:
    """Name, outcome and the excluding (or unknown) rules of a candidate site."""
    head = f"<b>{esc(site.name)}</b> ({esc(site.municipality)})<br>"
    category = site_category(site)
    if category == "recommended":
        body = f"recommended #{site.rank}, score {site.utility:.3f}"
    elif category in ("feasible", "unverified"):
        body = f"feasible, score {site.utility:.3f}, not in the top"
    else:
        body = "excluded"
        if site.failing:
            body += " by: " + esc(", ".join(site.failing))
        body += f" (would score {site.utility:.3f})"
    if site.unknown:
        body += "<br>facts unknown for: " + esc(", ".join(site.unknown))
    if changes:
        body += "<br>would fit if: " + esc("; ".join(changes))
    return head + body


def campus_popup(campus: dict[str, Any], nts: dict[str, str], facilities: dict[str, str]) -> str:
    """Name, kind, NTS domains and shared facilities of a campus."""
    domains = [nts.get(d, d) for d in _as_tuple(campus.get("nts_domains"))]
    shared = [facilities.get(f, f) for f in _as_tuple(campus.get("shared_facilities"))]
    institutions = list(_as_tuple(campus.get("knowledge_institutions")))
    parts = [
        f'<div class="siting-pop"><h4>{esc(campus.get("name", ""))}</h4>',
        f"<div>{esc(str(campus.get('campus_type', '')).replace('_', ' '))} in "
        f"{esc(campus.get('municipality', ''))}</div>",
        "<h5>NTS domains</h5>",
        "<ul>" + "".join(f"<li>{esc(d)}</li>" for d in domains) + "</ul>"
        if domains
        else "<div>none recorded</div>",
        "<h5>Shared facilities</h5>",
        esc(", ".join(shared)) if shared else "none recorded",
    ]
    details = campus.get("facility_details")
    if isinstance(details, str) and details:
        parts.append(f'<div class="note">{esc(details)}</div>')
    if institutions:
        parts.append("<h5>Knowledge institutions</h5>" + esc(", ".join(institutions)))
    parts.append(
        f'<div class="note">confidence: {esc(campus.get("confidence", "unknown"))}</div></div>'
    )
    return "".join(parts)


def swatch(color: str, label: str) -> str:
    """Return a square colour sample with its label."""
    return (
        f'<div><span class="siting-swatch" style="background:{esc(color)}"></span>'
        f"{esc(label)}</div>"
    )


def dot(color: str, label: str, *, hollow: bool = False) -> str:
    """Return a round colour sample with its label."""
    fill = "#fff" if hollow else esc(color)
    return (
        f'<div><span class="siting-dot" style="background:{fill};border-color:'
        f'{esc(color)}"></span>{esc(label)}</div>'
    )


def _words(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ()
    if isinstance(value, str):
        return tuple(v for v in value.split(";") if v)
    return tuple(value)
