"""HTML snippets of the maps: explanation popups, tooltips, the case panel and the legend.

Every piece of user or data text goes through :func:`esc` (``html.escape``, braces too, so
no text is ever evaluated as a template); the markup around it is ours. Styles are CSS
classes (:data:`CSS`) or inline styles, nothing external.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

from siting._wording import format_gap
from siting.outputs.maps.palettes import CONGESTION_COLORS  # noqa: F401 (re-exported)
from siting.results.ranking import PairRecommendation, RankingResult, Recommendation, SiteOutcome

#: Colours of the site outcomes.
OUTCOME_COLORS: dict[str, str] = {
    "recommended": "#1a237e",
    "feasible": "#00897b",
    "unverified": "#ffb300",
    "excluded": "#9e9e9e",
}

#: Outcome -> words for the legend.
OUTCOME_LABELS: dict[str, str] = {
    "recommended": "recommended (numbered by rank)",
    "feasible": "feasible, not in the top",
    "unverified": "feasible but unverified (some facts unknown)",
    "excluded": "excluded by a hard constraint",
}

CAMPUS_COLOR = "#2e7d32"
ORIGIN_COLOR = "#212121"

#: Colours of the two-site configurations: the R&D badge, the production badge, the link.
PAIR_COLORS: dict[str, str] = {"rnd": "#6a1b9a", "production": "#4e342e", "line": "#c2185b"}
#: Role -> words and the badge letter.
ROLE_LABELS: dict[str, str] = {"rnd": "R&D", "production": "production"}
ROLE_TITLES: dict[str, str] = {"rnd": "R&D", "production": "Production"}
ROLE_LETTERS: dict[str, str] = {"rnd": "R", "production": "P"}
#: How many pair ranks a site's badge lists per role before "+n more".
BADGE_RANKS: int = 3

CSS = """
.siting-rank {
    width: 24px; height: 24px; border-radius: 50%; background: #1a237e; color: #fff;
    border: 2px solid #fff; box-shadow: 0 0 0 1px #1a237e, 0 1px 4px rgba(0,0,0,.5);
    font: bold 13px/24px Arial, Helvetica, sans-serif; text-align: center;
}
.siting-rank.unverified { background: #3949ab; border-style: dashed; }
.siting-campus {
    width: 12px; height: 12px; background: #2e7d32; border: 2px solid #fff;
    box-shadow: 0 0 0 1px #2e7d32; color: #fff; font: bold 9px/12px Arial, sans-serif;
    text-align: center;
}
.siting-origin {
    width: 14px; height: 14px; background: #212121; border: 2px solid #fff;
    transform: rotate(45deg); box-shadow: 0 0 0 1px #212121;
}
.siting-box {
    background: rgba(255,255,255,.95); padding: 8px 10px; border-radius: 4px;
    box-shadow: 0 1px 5px rgba(0,0,0,.4); font: 12px/1.35 Arial, Helvetica, sans-serif;
    color: #222;
}
.siting-box { overflow: hidden; }
.siting-body { overflow-y: auto; }
.siting-panel { width: 290px; }
.siting-panel .siting-body { max-height: calc(42vh - 30px); }
.siting-legend { width: 230px; }
.siting-legend .siting-body { max-height: calc(30vh - 30px); }
.leaflet-control-layers-expanded { font-size: 11px; line-height: 1.2; padding: 4px 6px;
    max-width: 230px; }
.leaflet-control-layers-expanded .leaflet-control-layers-list { max-height: 26vh;
    overflow-y: auto; }
.siting-tabs .bar { display: flex; gap: 2px; margin: 4px 0; border-bottom: 1px solid #ccc; }
.siting-tabs .bar button { border: 1px solid #ccc; border-bottom: 0; background: #f4f4f4;
    font: 11px Arial, sans-serif; padding: 2px 6px; cursor: pointer; border-radius: 3px 3px 0 0; }
.siting-tabs .bar button.on { background: #fff; font-weight: bold; }
.siting-tabs .pane[hidden] { display: none; }
.siting-box h3 { margin: 0 0 4px; font-size: 14px; }
.siting-box summary { font-weight: bold; cursor: pointer; margin-top: 4px; }
.siting-box table { border-collapse: collapse; width: 100%; }
.siting-box td, .siting-box th { padding: 1px 3px; text-align: left; vertical-align: top; }
.siting-box td.n, .siting-box th.n { text-align: right; white-space: nowrap; }
.siting-box .note, .siting-pop .note { color: #555; font-size: 11px; }
.siting-alert { background: #fdecea; border-left: 4px solid #c62828; padding: 4px 6px;
    margin: 4px 0; }
.siting-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px;
    vertical-align: -2px; border: 1px solid #666; }
.siting-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
    margin-right: 5px; vertical-align: -1px; border: 1px solid #222; }
.siting-legend .sec { margin-top: 6px; }
.siting-legend .sec > b { display: block; }
.siting-popup .leaflet-popup-content { margin: 10px 12px; font: 12px/1.35 Arial, sans-serif; }
.siting-pop h4 { margin: 0 0 2px; font-size: 14px; }
.siting-pop h5 { margin: 8px 0 2px; font-size: 12px; }
.siting-pop table { border-collapse: collapse; width: 100%; }
.siting-pop td, .siting-pop th { padding: 1px 3px; text-align: left; vertical-align: top;
    border-bottom: 1px solid #eee; }
.siting-pop td.n, .siting-pop th.n { text-align: right; white-space: nowrap; }
.siting-pop ul { margin: 0; padding-left: 16px; }
.siting-bar { display: inline-block; height: 8px; background: #e0e0e0; vertical-align: middle;
    position: relative; }
.siting-bar > i { display: block; height: 8px; background: #1a237e; }
.siting-badge { display: inline-block; padding: 0 4px; border-radius: 3px; color: #fff;
    font-size: 10px; font-weight: bold; }
.siting-badge.pass { background: #2e7d32; }
.siting-badge.fail { background: #c62828; }
.siting-badge.unknown { background: #ef6c00; }
"""

CSS += f"""
.siting-pair {{
    position: absolute; left: 0; top: 0; transform: translate(-50%, calc(-100% - 16px));
    display: flex; white-space: nowrap; border: 2px solid #fff; border-radius: 4px;
    box-shadow: 0 0 0 1px #555, 0 1px 4px rgba(0,0,0,.5); color: #fff; cursor: pointer;
    font: bold 12px/17px Arial, Helvetica, sans-serif;
}}
.siting-pair::after {{
    content: ""; position: absolute; left: 50%; top: 100%; width: 2px; height: 16px;
    margin: 2px 0 0 -1px; background: #555;
}}
.siting-pair > span {{ padding: 0 4px; }}
.siting-pair .r, .siting-key.r {{ background: {PAIR_COLORS["rnd"]}; }}
.siting-pair .p, .siting-key.p {{ background: {PAIR_COLORS["production"]}; }}
.siting-pair.top {{ box-shadow: 0 0 0 2px {PAIR_COLORS["line"]}, 0 1px 5px rgba(0,0,0,.6);
    font-size: 13px; line-height: 19px; }}
.siting-pair.top::after {{ background: {PAIR_COLORS["line"]}; }}
.siting-key {{ display: inline-block; padding: 0 4px; margin-right: 5px; border-radius: 3px;
    color: #fff; font: bold 11px/15px Arial, Helvetica, sans-serif; }}
.siting-link {{ display: inline-block; width: 26px; margin-right: 5px; vertical-align: middle;
    border-top: 2px solid {PAIR_COLORS["line"]}; }}
.siting-pop details {{ margin-top: 6px; border-top: 1px solid #ddd; }}
.siting-pop summary {{ font-weight: bold; cursor: pointer; margin-top: 4px; }}
"""


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
            ' &middot; <span class="siting-badge unknown">unverified</span> verify: '
            + esc(", ".join(unknown))
        )
    parts.append("</div>")
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
        word = {"pass": "ok", "fail": "fails", "unknown": "verify"}.get(line.status, line.status)
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
    check = " &middot; unverified" if rec.unverified else ""
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


def pair_max_distance_km(result: RankingResult) -> float | None:
    """Return the longest distance allowed between a pair's two sites [km], if the result says.

    A ranking records it only when its key needs carry a number under ``max_distance_km``;
    otherwise ``None`` (the maps then show the distance without the limit).
    """
    value = result.needs.get("max_distance_km")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value > 0 else None


def pair_tooltip(pair: PairRecommendation, max_km: float | None) -> str:
    """Pair rank, the two sites, their distance and the limit (a line's tooltip)."""
    limit = f" (at most {max_km:g} km allowed)" if max_km is not None else " (straight line)"
    return (
        f"<b>Pair #{pair.rank}</b>: <b>{pair.distance_km:,.1f} km</b> apart{limit}<br>"
        f"R&amp;D {esc(pair.rnd.name)} &harr; production {esc(pair.production.name)}<br>"
        f"combined score {pair.utility:.3f} of 2 &middot; click for both sites"
    )


def pair_popup(pair: PairRecommendation, max_km: float | None) -> str:
    """Return one two-site configuration as popup HTML: both sites in their roles, in brief.

    Parameters
    ----------
    pair
        The configuration.
    max_km
        Longest distance allowed between the two sites [km], if known.

    Returns
    -------
    str
    """
    limit = f"; at most {max_km:g} km allowed" if max_km is not None else ""
    parts = [
        f'<div class="siting-pop" data-pair="{pair.rank}">',
        f"<h4>Two-site configuration #{pair.rank}</h4>",
        f"<div><b>combined score {pair.utility:.3f}</b> of 2 (R&amp;D "
        f"{pair.rnd.utility:.3f} + production {pair.production.utility:.3f})</div>",
        f"<div><b>{pair.distance_km:,.1f} km</b> apart (straight line{limit})</div>",
    ]
    for role, rec in (("rnd", pair.rnd), ("production", pair.production)):
        reasons = rec.top_reasons(3)
        parts.append(
            f"<h5>{esc(ROLE_TITLES[role])} site: {esc(rec.name)}</h5>"
            + _place(rec)
            + _score_line(rec, f"score as {ROLE_LABELS[role]} site")
        )
        if reasons:
            parts.append(f"<div>strongest: {esc('; '.join(reasons))}</div>")
    parts.append(
        '<div class="note">click a site\'s R/P badge for its full explanation in its '
        "role</div></div>"
    )
    return "".join(parts)


def pair_roles(
    site_id: str, pairs: Iterable[PairRecommendation]
) -> list[tuple[str, PairRecommendation]]:
    """Return ``(role, pair)`` for every pair a site belongs to, best pair first."""
    out = []
    for pair in sorted(pairs, key=lambda p: p.rank):
        for role, rec in (("rnd", pair.rnd), ("production", pair.production)):
            if rec.site_id == site_id:
                out.append((role, pair))
    return out


def pair_badge(site_id: str, roles: Sequence[tuple[str, PairRecommendation]]) -> str:
    """Return the marker badge of a site in two-site configurations, e.g. ``R3 | P1 P4 P5``.

    One badge per site: an R part listing the pairs it is the R&D site of and a P part for
    production, each with at most :data:`BADGE_RANKS` ranks (then ``+n``). The badge of a site
    in pair 1 is outlined in the link colour. ``data-roles`` lists every role token.
    """
    spans = []
    tokens = []
    for role in ("rnd", "production"):
        letter = ROLE_LETTERS[role]
        ranks = [pair.rank for r, pair in roles if r == role]
        if not ranks:
            continue
        shown = " ".join(f"{letter}{rank}" for rank in ranks[:BADGE_RANKS])
        more = f" +{len(ranks) - BADGE_RANKS}" if len(ranks) > BADGE_RANKS else ""
        spans.append(f'<span class="{letter.lower()}">{shown}{more}</span>')
        tokens.extend(f"{letter}{rank}" for rank in ranks)
    top = " top" if any(pair.rank == 1 for _, pair in roles) else ""
    return (
        f'<div class="siting-pair{top}" data-site="{esc(site_id)}" '
        f'data-roles="{esc(" ".join(tokens))}">{"".join(spans)}</div>'
    )


def pair_site_tooltip(rec: Recommendation, roles: Sequence[tuple[str, PairRecommendation]]) -> str:
    """Name a site and its roles in the two-site configurations."""
    words = []
    for role in ("rnd", "production"):
        ranks = [f"#{pair.rank}" for r, pair in roles if r == role]
        if ranks:
            words.append(f"{ROLE_LABELS[role]} site of pair {', '.join(ranks)}")
    return (
        f"<b>{esc(rec.name)}</b> ({esc(rec.municipality)}): {esc('; '.join(words))} "
        "&middot; click for why"
    )


def pair_site_popup(roles: Sequence[tuple[str, PairRecommendation]], max_km: float | None) -> str:
    """Return the explanation of a site in each of its two-site roles as popup HTML.

    Parameters
    ----------
    roles
        ``(role, pair)`` for every pair the site belongs to, best first (:func:`pair_roles`).
    max_km
        Longest distance allowed between a pair's sites [km], if known.

    Returns
    -------
    str
        The pairs it belongs to (role, partner, distance, combined score), then per role the
        score breakdown, hard constraints and weight ranges of the site in that role (open for
        the role of its best pair), then the data caveats.
    """
    first_role, first_pair = roles[0]
    site = first_pair.rnd if first_role == "rnd" else first_pair.production
    n = len(roles)
    parts = [
        f'<div class="siting-pop" data-site="{esc(site.site_id)}">',
        f"<h4>{esc(site.name)}</h4>",
        _place(site),
        f"<div>In <b>{n}</b> two-site configuration{'s' if n != 1 else ''}:</div>",
        '<table><tr><th class="n">pair</th><th>role</th><th>with</th>'
        '<th class="n">apart</th><th class="n">combined</th></tr>',
    ]
    for role, pair in roles:
        other_role = "production" if role == "rnd" else "rnd"
        other = pair.production if role == "rnd" else pair.rnd
        parts.append(
            f'<tr><td class="n">#{pair.rank}</td><td>{esc(ROLE_LABELS[role])}</td>'
            f'<td>{esc(other.name)} <span class="note">({esc(ROLE_LABELS[other_role])})'
            f'</span></td><td class="n">{pair.distance_km:,.1f} km</td>'
            f'<td class="n">{pair.utility:.3f}</td></tr>'
        )
    limit = f", at most {max_km:g} km allowed" if max_km is not None else ""
    parts.append(
        '</table><div class="note">combined = the two sites\' scores in their roles, '
        f"of 2; apart = straight line{limit}</div>"
    )
    seen: set[str] = set()
    for role, pair in roles:
        if role in seen:
            continue
        seen.add(role)
        rec = pair.rnd if role == "rnd" else pair.production
        label = ROLE_LABELS[role]
        ranks = ", ".join(f"#{p.rank}" for r, p in roles if r == role)
        is_open = " open" if len(seen) == 1 else ""
        parts.append(
            f'<details{is_open} data-role="{role}"><summary>Why as {esc(label)} site '
            f"(pair {ranks})</summary>"
            + _score_line(rec, f"score as {label} site")
            + _breakdown_table(rec)
            + _constraint_list(rec)
            + _stability_list(
                rec, f"Its place among the {label} candidates holds while a weight stays in"
            )
            + "</details>"
        )
    parts.append(_caveat_list(site))
    parts.append("</div>")
    return "".join(parts)


def panel(result: RankingResult) -> str:
    """Return the case panel: headline, key needs, solver outcome, exclusion funnel."""
    parts = []
    n_rec = len(result.recommendations)
    if result.infeasibility is not None or not result.recommendations:
        message = (
            result.infeasibility.message
            if result.infeasibility is not None
            else "no site satisfies every hard constraint"
        )
        single = " single" if result.pair_status else ""
        parts.append(
            f'<div class="siting-alert"><b>No feasible{single} site.</b> {esc(message)}</div>'
        )
    else:
        single = " as a single site for everything" if result.pair_status else ""
        parts.append(
            f"<div><b>{n_rec}</b> site{'s' if n_rec != 1 else ''} recommended{single} "
            "(numbered markers; click one for why).</div>"
        )
    if result.pairs or result.pair_status:
        parts.append(_two_site_summary(result))
    unverified = (
        f" ({result.n_unverified} only because some facts are unknown)"
        if result.n_unverified
        else ""
    )
    parts.append(
        f"<div>{result.n_feasible} of {result.n_sites} sites satisfy every hard "
        f"constraint{unverified}.</div>"
    )
    parts.append("<details><summary>Key needs</summary><table>")
    for key, value in result.needs.items():
        if key == "id":
            continue
        parts.append(
            f"<tr><td>{esc(str(key).replace('_', ' '))}</td><td>{esc(_words(value))}</td></tr>"
        )
    parts.append("</table></details>")
    parts.append(
        "<details><summary>Exclusion funnel</summary><table><tr><th>rule</th>"
        '<th class="n">fail</th><th class="n">unknown</th><th class="n">left</th></tr>'
        f'<tr><td>all sites</td><td></td><td></td><td class="n">{result.n_sites}</td>'
        "</tr>"
    )
    for step in result.funnel:
        parts.append(
            f'<tr><td title="{esc(step.requirement)}">{esc(step.label)}<br>'
            f'<span class="note">{esc(step.requirement)}</span></td>'
            f'<td class="n">{step.failing}</td><td class="n">{step.unknown}</td>'
            f'<td class="n">{step.remaining}</td></tr>'
        )
    parts.append(
        '</table><div class="note">fail and unknown count each rule on all sites; '
        "left = sites passing it and every rule above</div></details>"
    )
    if result.notes:
        parts.append(
            "<details><summary>Notes</summary><ul>"
            + "".join(f"<li>{esc(n)}</li>" for n in result.notes)
            + "</ul></details>"
        )
    gap = esc(format_gap(result.gap, result.status))
    parts.append(
        f'<div class="note">solver {esc(result.solver)}: <b>{esc(result.status)}</b>, '
        f"gap {gap}, {result.n_solves} solve(s) in {result.solve_time_s:.2f} s</div>"
    )
    return "".join(parts)


def _two_site_summary(result: RankingResult) -> str:
    """Return the panel's lines on the two-site search: its outcome and the best pair."""
    max_km = pair_max_distance_km(result)
    limit = f", at most {max_km:g} km apart" if max_km is not None else ""
    head = f"<b>Two-site search</b> (R&amp;D site near a matching campus + production site{limit})"
    status = esc(result.pair_status or "unknown")
    if not result.pairs:
        why = (
            "no R&amp;D site and production site that each pass every rule of their role lie "
            "within the distance limit of each other"
            if result.pair_status == "infeasible"
            else "the search ended without one"
        )
        single = (
            "; the numbered markers are single sites for everything"
            if result.recommendations
            else ""
        )
        return (
            f'<div class="siting-alert siting-two-site">{head}: <b>no configuration '
            f"found</b> (search status: {status}): {why}{single}.</div>"
        )
    n = len(result.pairs)
    best = result.pairs[0]
    note = (
        ""
        if result.pair_status == "optimal"
        else f' <span class="note">(search status: {status})</span>'
    )
    return (
        f'<div class="siting-two-site">{head}: <b>{n}</b> configuration'
        f"{'s' if n != 1 else ''}{note}: badges "
        '<span class="siting-key r">R1</span>R&amp;D and '
        '<span class="siting-key p">P1</span>production site of pair 1, joined by a line '
        "(click a badge or line for why).</div>"
        f"<div>Best: R&amp;D {esc(best.rnd.name)} + production {esc(best.production.name)}"
        f", {best.distance_km:,.1f} km apart, combined score {best.utility:.3f} of 2.</div>"
    )


def legend(sections: Iterable[tuple[str | None, str, str, bool]]) -> str:
    """Return the legend of ``(layer name or None, title, body html, shown)`` sections.

    A section tied to a layer is hidden while that layer is off.
    """
    parts = []
    for layer, title, body, shown in sections:
        data = f' data-layer="{esc(layer)}"' if layer is not None else ""
        hidden = "" if shown else ' style="display:none"'
        parts.append(f'<div class="sec"{data}{hidden}><b>{esc(title)}</b>{body}</div>')
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
