"""Screenings and assignments on the terminal: the summary first, long lists capped.

Every list shows its first ``rows`` entries (default :data:`ROWS_SHOWN`) and says how many
more there are; ``rows=None`` shows everything. The output files (``--out``) always hold every
row, so a pipeline of thousands of leads still fits a screen.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from siting._wording import format_gap
from siting.outputs.pipeline_frames import screening_summary
from siting.outputs.terminal._text import plain, styled
from siting.results.assignment import PLACED, AssignmentResult
from siting.results.screening import ScreenResult

#: Rows per list by default.
ROWS_SHOWN = 10


def _cap(items: list, rows: int | None) -> list:
    return items if rows is None else items[:rows]


def _more(console: Console, shown: int, total: int) -> None:
    if total > shown:
        console.print(
            plain(f"... and {total - shown} more (all in --out; --all lists them here)", "dim")
        )


def print_screening(
    result: ScreenResult, console: Console, *, rows: int | None = ROWS_SHOWN
) -> None:
    """Print a screening: the counts, per region, what blocks, the leads not screened.

    Parameters
    ----------
    result
        From :func:`siting.jobs.screen.screen_leads`.
    console
        Where to print.
    rows
        Rows per list (``None``: all).
    """
    s = result.summary
    counts = Table(title=plain(f"Screening of {result.file}"), show_header=False)
    counts.add_column("what")
    counts.add_column("value", justify="right")
    for label, value in screening_summary(result):
        counts.add_row(plain(label), plain(value))
    counts.add_row("run time", f"{result.elapsed_s:.2f} s")
    console.print(counts)

    regions = Table(title="Per region (province of the current location)", title_justify="left")
    for column in ("region", "leads", "placed", "nowhere", "invalid", "most common blocking rule"):
        regions.add_column(
            column,
            justify="left" if column in ("region", "most common blocking rule") else "right",
            overflow="fold",
        )
    for r in s.regions:  # at most the 12 provinces and "unknown"
        regions.add_row(
            plain(r.region),
            str(r.leads),
            str(r.placed),
            str(r.nowhere),
            str(r.invalid),
            plain(f"{r.top_blocking_rule} ({r.top_blocking_leads})") if r.top_blocking_rule else "",
        )
    console.print(regions)

    if s.rules:
        rules = Table(
            title=f"What blocks the {s.nowhere} lead(s) no site fits", title_justify="left"
        )
        rules.add_column("rule")
        rules.add_column("rules out most sites for", justify="right")
        rules.add_column("relaxed alone would place", justify="right")
        for rule in _cap(list(s.rules), rows):
            rules.add_row(
                plain(rule.label),
                f"{rule.most_restrictive} lead(s)",
                f"{rule.sole_blocker} lead(s)",
            )
        console.print(rules)
        _more(console, len(_cap(list(s.rules), rows)), len(s.rules))

    bad = [lead for lead in result.leads if lead.status in ("invalid_input", "error")]
    if bad:
        console.print(
            styled(
                (f"{len(bad)} lead(s) not screened", "bold"),
                " (reported with their reason; the others went on):",
            )
        )
        for lead in _cap(bad, rows):
            console.print(plain(f"  - row {lead.row}, {lead.lead_id!s}: {lead.reason}"))
        _more(console, len(_cap(bad, rows)), len(bad))


def print_assignment(
    result: AssignmentResult, console: Console, *, rows: int | None = ROWS_SHOWN
) -> None:
    """Print an assignment: solver outcome in words, placed and unplaced leads, capacities.

    Parameters
    ----------
    result
        From :func:`siting.jobs.assign.assign_leads`.
    console
        Where to print.
    rows
        Rows per list (``None``: all).
    """
    asked = f" (requested {result.gap_rel:.2%})" if result.gap_rel > 0 else ""
    console.print(
        styled(
            ("Portfolio assignment", "bold"),
            f": {len(result.leads)} leads, {result.n_placed} placed, "
            f"{result.n_unplaced} unplaced, {result.n_invalid} invalid input",
        )
    )
    console.print(
        plain(
            f"solver {result.solver}: {result.status}, objective "
            f"{result.objective:.4f} (priority-weighted total fit), gap "
            f"{format_gap(result.gap, result.status)}{asked}, {result.solve_time_s:.2f} s"
        )
    )
    if result.status_note:
        style = "" if result.status == "optimal" else "yellow"
        console.print(plain(result.status_note, style))

    placed = [lead for lead in result.leads if lead.status == PLACED]
    if placed:
        grid = Table(title="Assignment", title_justify="left")
        widest = {"site": max(12, console.width // 4), "municipality": max(10, console.width // 8)}
        for col in ("lead", "site", "municipality", "zone", "utility", "priority", "ha", "MW"):
            grid.add_column(
                col,
                justify="left" if col in ("lead", "site", "municipality", "zone") else "right",
                no_wrap=True,
                overflow="ellipsis",
                max_width=widest.get(col),
            )
        for lead in _cap(placed, rows):
            grid.add_row(
                plain(lead.lead_id),
                plain(lead.site_name),
                plain(lead.municipality),
                plain(lead.zone_id),
                f"{lead.utility:.3f}",
                f"{lead.priority:g}",
                f"{lead.land_ha:g}",
                f"{lead.power_mw:g}",
            )
        console.print(grid)
        _more(console, len(_cap(placed, rows)), len(placed))

    others = [lead for lead in result.leads if lead.status != PLACED]
    if others:
        table = Table(title="Unplaced leads", title_justify="left")
        table.add_column("lead", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("reason", overflow="fold")
        for lead in _cap(others, rows):
            where = f" (row {lead.row})" if lead.row is not None else ""
            table.add_row(plain(lead.lead_id + where), plain(lead.status), plain(lead.reason))
        console.print(table)
        _more(console, len(_cap(others, rows)), len(others))
    _print_capacity(result, console, rows=rows)


def _print_capacity(result: AssignmentResult, console: Console, *, rows: int | None) -> None:
    console.print(styled(("Value of capacity", "bold"), f": {result.capacity_note}"))
    values = list(result.capacity_values)
    if values:
        table = Table(title_justify="left")
        for col in ("capacity", "name", "used / capacity", "+1 unit adds", "competing", "moved"):
            table.add_column(col, overflow="fold")
        for v in _cap(values, rows):
            added = v.added_text
            use = (
                f"solved {v.used:.0f} instead of {v.capacity:.0f}"
                if v.kind == "relief"
                else f"{v.used:g} / {v.capacity:g} {v.unit}"
            )
            table.add_row(
                plain(f"{v.kind} {v.key}"),
                plain(v.name),
                use,
                added,
                str(v.leads_competing),
                str(len(v.changed_leads)),
            )
        console.print(table)
        _more(console, len(_cap(values, rows)), len(values))
    zones = sorted(result.zones, key=lambda z: (-z.n_leads, z.zone_id))
    if zones:
        table = Table(title="Grid capacity per area", title_justify="left")
        for col in ("area", "name", "used", "capacity", "leads"):
            table.add_column(col, overflow="fold")
        for z in _cap(zones, rows):
            table.add_row(
                plain(z.zone_id),
                plain(z.name),
                f"{z.used_mw:g} {z.unit}",
                f"{z.headroom_mw:g} {z.unit}",
                str(z.n_leads),
            )
        console.print(table)
        _more(console, len(_cap(zones, rows)), len(zones))
    for note in result.notes:
        console.print(styled(("note:", "dim"), f" {note}"))
