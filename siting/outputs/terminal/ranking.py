"""A ranking on the terminal: one screen by default, the full explanation on demand.

By default (:func:`print_ranking` with ``details=0``) the report fits a screen: the needs,
the recommended sites one line each, the two-site configurations, the exclusion funnel in one
line and the solver outcome (about 25 lines for a top 10, whatever the number of candidate
sites). ``details=N`` adds the full explanation of the top N; ``full=True`` prints everything
(every explanation, the funnel as a table, the near misses and the notes).
"""

from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from rich.text import Text

from siting import vng
from siting._wording import TO_CONFIRM, format_gap
from siting.outputs.frames import check_text
from siting.outputs.terminal._text import plain, styled
from siting.results.ranking import RankingResult, Recommendation, format_value

#: Near misses shown when nothing is feasible (all of them with ``full``).
NEAR_MISSES_SHOWN = 3


def print_ranking(
    result: RankingResult, console: Console, *, details: int = 0, full: bool = False
) -> None:
    """Print a ranking: the recommended sites with their top reasons, funnel and solver.

    Parameters
    ----------
    result
        The ranking.
    console
        Where to print.
    details
        How many recommendations get their full explanation below the table.
    full
        Print everything: every explanation, the funnel table, near misses and notes.
    """
    _print_headline(result, console)
    _print_earliest_fit(result, console)
    if result.recommendations:
        console.print(_recommendation_table(result, console, wrap=full))
        shown = result.recommendations if full else result.recommendations[:details]
        for rec in shown:
            _print_explanation(rec, console)
    else:
        assert result.infeasibility is not None
        console.print(styled(("No feasible site.", "bold red"), f" {result.infeasibility.message}"))
    if result.pairs:
        console.print(_pair_table(result, console, wrap=full))
    elif result.pair_status:
        console.print(plain(f"Two-site configurations: none found ({result.pair_status})."))
    if full:
        _print_funnel(result, console)
    else:
        console.print(_funnel_line(result))
    if result.near_misses and (full or not result.recommendations):
        _print_near_misses(result, console, full=full)
    for note in result.notes if full else result.notes[:2]:
        console.print(plain(f"note: {note}", "dim"))
    console.print(
        plain(
            f"solver {result.solver}: {result.status}, objective "
            f"{result.objective:.4f}, gap {format_gap(result.gap, result.status)}, "
            f"{result.n_solves} solve(s) in {result.solve_time_s:.3f} s",
            "dim",
        )
    )
    if not full:
        console.print(
            plain(
                "more: --details N explains the top N in full (every criterion, rule and "
                "slack); --all prints everything (funnel table, near misses, notes).",
                "dim",
            )
        )


def _print_headline(result: RankingResult, console: Console) -> None:
    """Print the case's key needs and how many sites satisfy every hard constraint."""
    needs = result.needs
    category = vng.label(float(needs["environmental_category"]))
    console.print(
        styled(
            (f"Case {needs['id']}", "bold"),
            f": {needs['plot']} plot, {needs['power']} by {needs['year']}, environmental "
            f"category {category}, cleanroom {needs['cleanroom']}, "
            f"talent {needs['talent']}; driven by {', '.join(needs['space_types'])}.",
        )
    )
    console.print(
        plain(
            f"{result.n_feasible} of {result.n_sites} sites satisfy every hard constraint"
            + (
                f" ({result.n_feasible - result.n_unverified} verified, "
                f"{result.n_unverified} {TO_CONFIRM}: relying on facts no source states)"
                if result.n_unverified
                else ""
            )
            + "."
        )
    )


def _print_earliest_fit(result: RankingResult, console: Console) -> None:
    """``Earliest year sites fit the need: 2029 (3 site(s): ...); by then more: 2031: 12``."""
    fit = result.earliest_fit
    if fit is None:
        return
    if fit.year is None:
        console.print(
            plain(
                f"Earliest year sites fit the need: none by {fit.horizon} (sites with a rule "
                "still to confirm are not counted)."
            )
        )
        return
    names = ", ".join(name for _, name in fit.sites[:3]) + (", ..." if fit.n_sites > 3 else "")
    later = ", ".join(f"{y}: {n}" for y, n in fit.by_year[1:4])
    tail = (f"; by then more: {later}" if later else "") + "."
    head = f"Earliest year sites fit the need: {fit.year} ({fit.n_sites} site(s)"
    if len(f"{head}: {names}){tail}") > console.width:  # one line: the names go first
        names = ""
    console.print(
        styled(
            "Earliest year sites fit the need: ",
            (str(fit.year), "bold"),
            f" ({fit.n_sites} site(s)" + (f": {names}" if names else "") + f"){tail}",
        )
    )


def _widths(
    console: Console, fixed: int, shares: tuple[float, ...], *, narrow: int = 2
) -> list[int | None]:
    """Return the widths of the wide columns, so that the table fills the console.

    ``fixed`` characters go to the ``narrow`` columns; the rest is shared out by ``shares``
    (3 characters of border and padding per column).
    """
    n_columns = len(shares) + narrow
    free = max(10 * len(shares), console.width - 3 * n_columns - 1 - fixed)
    return [max(6, int(free * share)) for share in shares]


def _recommendation_table(result: RankingResult, console: Console, *, wrap: bool) -> Table:
    table = Table(title="Recommended sites", title_justify="left")
    table.add_column("#", justify="right", no_wrap=True, min_width=len(str(result.n_sites)))
    if wrap:
        for column in ("site", "municipality", "score", "top reasons", "check"):
            table.add_column(
                column, overflow="fold", justify="right" if column == "score" else "left"
            )
    else:
        return _compact_table(result, table, console)
    for rec in result.recommendations:
        table.add_row(
            str(rec.rank),
            styled(rec.name, "\n", (rec.site_id, "dim")),
            plain(rec.municipality),
            f"{rec.utility:.3f}",
            plain("; ".join(rec.top_reasons(3))),
            plain(check_text(rec)),
        )
    return table


def _compact_table(result: RankingResult, table: Table, console: Console) -> Table:
    """One line per site, texts cut to widths that fill the console."""
    site_w, muni_w, reason_w, check_w = _widths(console, 4 + 5, (0.24, 0.14, 0.42, 0.20))
    table.add_column("site", no_wrap=True, overflow="ellipsis", width=site_w)
    table.add_column("municipality", no_wrap=True, overflow="ellipsis", width=muni_w)
    table.add_column("score", justify="right", no_wrap=True, width=5)
    table.add_column("top reasons", no_wrap=True, overflow="ellipsis", width=reason_w)
    table.add_column("check", no_wrap=True, overflow="ellipsis", width=check_w)
    for rec in result.recommendations:
        table.add_row(
            str(rec.rank),
            plain(rec.name),
            plain(rec.municipality),
            f"{rec.utility:.3f}",
            plain("; ".join(rec.top_reasons(2))),
            plain(check_text(rec)),
        )
    return table


def _pair_table(result: RankingResult, console: Console, *, wrap: bool) -> Table:
    table = Table(
        title="Two-site configurations (R&D near a matching campus + production)",
        title_justify="left",
    )
    table.add_column("#", justify="right", no_wrap=True, min_width=len(str(len(result.pairs))))
    rnd_w, prod_w = _widths(console, 4 + 8 + 5, (0.5, 0.5), narrow=3)
    for column, width in (("R&D site", rnd_w), ("production site", prod_w)):
        table.add_column(
            column,
            no_wrap=not wrap,
            overflow="fold" if wrap else "ellipsis",
            width=None if wrap else width,
        )
    table.add_column("apart", justify="right", no_wrap=True, width=8)
    table.add_column("score", justify="right", no_wrap=True, width=5)
    for pair in result.pairs:
        table.add_row(
            str(pair.rank),
            plain(f"{pair.rnd.name} ({pair.rnd.municipality})"),
            plain(f"{pair.production.name} ({pair.production.municipality})"),
            f"{pair.distance_km:.1f} km",
            f"{pair.utility:.3f}",
        )
    return table


def _funnel_line(result: RankingResult) -> Text:
    """Return the exclusion funnel in one line: sites left after each rule that removes any."""
    steps = [f"{result.n_sites} sites"]
    left = result.n_sites
    for step in result.funnel:
        if step.remaining != left:
            steps.append(f"{step.label} {step.remaining}")
            left = step.remaining
    return styled(
        ("Exclusion funnel", "bold"), " (sites left after each rule): " + " -> ".join(steps)
    )


def _print_funnel(result: RankingResult, console: Console) -> None:
    table = Table(title="Exclusion funnel", title_justify="left")
    for column in ("rule", "requirement", "fail", "unknown", "left"):
        table.add_column(
            column,
            justify="left" if column in ("rule", "requirement") else "right",
            overflow="fold",
        )
    table.add_row("all sites", "", "", "", str(result.n_sites))
    for step in result.funnel:
        table.add_row(
            plain(step.label),
            plain(step.requirement),
            str(step.failing),
            str(step.unknown),
            str(step.remaining),
        )
    console.print(table)


def _print_near_misses(result: RankingResult, console: Console, *, full: bool) -> None:
    misses = result.near_misses if full else result.near_misses[:NEAR_MISSES_SHOWN]
    table = Table(title="Best excluded sites and what would make them fit", title_justify="left")
    table.add_column("site", overflow="fold", ratio=2)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("smallest changes", overflow="fold", ratio=5)
    for miss in misses:
        table.add_row(
            plain(f"{miss.name} ({miss.municipality})"),
            f"{miss.utility:.3f}",
            plain("\n".join(miss.changes)),
        )
    console.print(table)
    if len(result.near_misses) > len(misses):
        console.print(plain(f"... and {len(result.near_misses) - len(misses)} more (--all)", "dim"))


def _print_explanation(rec: Recommendation, console: Console) -> None:
    console.print(
        styled(
            "\n",
            (f"#{rec.rank} {rec.name}", "bold"),
            f" ({rec.municipality}): score {rec.utility:.3f}, ",
            (rec.verification, "yellow" if rec.unverified else "green"),
        )
    )
    table = Table(show_header=True, box=None, padding=(0, 1))
    for column in ("criterion", "value", "score", "weight", "adds"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for line in rec.breakdown:
        table.add_row(
            plain(line.label),
            plain(
                f"{line.text} ({line.value:.2f})"
                if line.criterion == "site_purpose" and line.text
                else format_value(line.value, line.unit)
            ),
            f"{line.normalised:.2f}",
            f"{line.weight:.2f}",
            f"{line.contribution:.3f}",
        )
    console.print(table)
    for check in rec.constraints:
        slack = (
            ""
            if not check.unit or math.isnan(check.slack) or math.isinf(check.slack)
            else f", slack {check.slack:,.1f} {check.unit}"
        )
        mark = {
            "pass": ("ok", "green"),
            "fail": ("fails", "red"),
            "unknown": (TO_CONFIRM, "yellow"),
        }[check.status]
        console.print(
            styled(
                "  ",
                mark,
                f" {check.label}: {check.site_value} (needs {check.requirement}{slack})",
            )
        )
    for q in rec.questions:
        console.print(styled("  ", ("question", "yellow"), f" {q}"))
    if rec.versus_next is not None:
        sep = rec.versus_next
        diffs = ", ".join(f"{label} {diff:+.3f}" for label, diff in sep.differences[:3])
        why = f": {diffs}" if diffs else ": the same score on every criterion (a tie)"
        console.print(
            plain(f"  ahead of #{rec.rank + 1} {sep.next_site_name} by {sep.utility_gap:.3f}{why}")
        )
    stable = [s for s in rec.stability if s.weight > 0]
    if stable:
        console.print(
            plain(
                "  rank holds for weights: "
                + "; ".join(
                    f"{s.label} {s.low:.2f}-"
                    f"{'any' if math.isinf(s.high) else f'{s.high:.2f}'} (now {s.weight:.2f})"
                    for s in stable
                )
            )
        )
    console.print(styled("  ", ("data: " + "; ".join(rec.caveats), "dim")))
