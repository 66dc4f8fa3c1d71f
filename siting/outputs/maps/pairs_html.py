"""HTML of the two-site configurations: badges, tooltips, popups (escaped with ``esc``)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from siting.outputs.maps.html import (
    _breakdown_table,
    _caveat_list,
    _constraint_list,
    _place,
    _score_line,
    _stability_list,
    esc,
)
from siting.outputs.maps.styles import BADGE_RANKS, ROLE_LABELS, ROLE_LETTERS, ROLE_TITLES
from siting.results.ranking import PairRecommendation, RankingResult, Recommendation


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
    spans: list[str] = []
    tokens: list[str] = []
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
