"""The case panel and the legend of the maps (escaped with ``esc``)."""

from __future__ import annotations

from collections.abc import Iterable

from siting._wording import format_gap
from siting.outputs.maps.html import _words, esc
from siting.outputs.maps.pairs_html import pair_max_distance_km
from siting.results.ranking import RankingResult


def panel(result: RankingResult) -> str:
    """Return the case panel: headline, key needs, solver outcome, exclusion funnel."""
    parts = _headline(result)
    parts += _needs_and_funnel(result)
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


def _headline(result: RankingResult) -> list[str]:
    """Return the panel's first lines: what is recommended (or why nothing), and how many fit."""
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
        f" ({result.n_feasible - result.n_unverified} verified, {result.n_unverified} "
        "to confirm: relying on facts no source states)"
        if result.n_unverified
        else ""
    )
    parts.append(
        f"<div>{result.n_feasible} of {result.n_sites} sites satisfy every hard "
        f"constraint{unverified}.</div>"
    )
    return parts


def _needs_and_funnel(result: RankingResult) -> list[str]:
    """Return the key needs and the exclusion funnel, as two collapsed tables."""
    parts = []
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
    return parts


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
