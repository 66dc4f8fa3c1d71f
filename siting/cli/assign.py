"""``siting assign``: the portfolio assignment of a lead pipeline, on the command line.

A thin layer over :func:`siting.jobs.assign.assign_leads`; registered on the app in
:mod:`siting.cli.app`. The leads file is read with :func:`siting.inputs.leads.read_leads` (CSV or
Excel): invalid rows are reported as unplaced with ``invalid input`` and never lost.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from siting._errors import Problem, SitingInputError, excerpt
from siting.cli._common import check_outputs, labelled, layer_files, out
from siting.model.solvers import SOLVERS

#: Rows shown per table on the terminal (the output file has everything).
MAX_ROWS_SHOWN = 60


def assign_command(
    leads: Annotated[
        Path,
        typer.Argument(
            help="Leads table (.csv or .xlsx), one row per "
            "company; an optional 'priority' column "
            "weights the leads (default 1).",
            dir_okay=False,
        ),
    ],
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the assignment: .csv (one row per lead), .xlsx or .json (everything).",
            dir_okay=False,
        ),
    ] = None,
    solver: Annotated[
        str | None, typer.Option("--solver", help="cbc, highs or cp-sat (default: cbc).")
    ] = None,
    time_limit: Annotated[
        float | None,
        typer.Option("--time-limit", min=0.1, help="Time limit per solve, in seconds."),
    ] = None,
    gap: Annotated[
        float,
        typer.Option(
            "--gap",
            help="Stop as soon as the assignment is proven within this relative gap of "
            "the optimum, e.g. 0.005 for 0.5 %. Default 0: prove the optimum and "
            "break ties deterministically. A gap is much faster on large "
            "pipelines; the output then says how close the assignment is, ties "
            "are not broken deterministically and the values of capacity are "
            "approximate.",
        ),
    ] = 0.0,
    headroom: Annotated[
        Path | None,
        typer.Option(
            "--headroom",
            help="Grid headroom per congestion zone: CSV with columns "
            "zone_id,headroom_mw [MW]. Zones without a figure are not "
            "constrained.",
            dir_okay=False,
        ),
    ] = None,
    absorption_share: Annotated[
        float | None,
        typer.Option(
            "--absorption-share",
            help="Cap the hires placed per labour-market region at this "
            "share (0-1] of its technical workforce.",
        ),
    ] = None,
    geodata: Annotated[
        Path | None,
        typer.Option(
            "--geodata",
            help="Data folder with your own layer files; layers it lacks come "
            "from the embedded dataset.",
            file_okay=False,
        ),
    ] = None,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria", help="Criteria catalogue (default models/criteria.toml).", dir_okay=False
        ),
    ] = None,
    max_resolves: Annotated[
        int,
        typer.Option(
            "--max-resolves", min=0, help="Re-solves for the value of capacity (0: skip)."
        ),
    ] = 30,
    map_out: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Write an interactive map (HTML): leads, lines to their assigned "
            "sites, unplaced leads with the reason, zones by headroom used.",
            dir_okay=False,
        ),
    ] = None,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Make the map self-contained: opening it makes no request to any "
            "other host (no background map), for confidential meetings.",
        ),
    ] = False,
) -> None:
    """Assign a pipeline of leads to sites without promising a plot or grid headroom twice.

    Prints the solver status, objective, gap and time, the assignment, the unplaced leads
    with the reason, and what one more ha or MW of each binding capacity would add.
    """
    from siting.cli.screen import check_map_options, write_portfolio_map
    from siting.inputs.leads import read_leads
    from siting.jobs.assign import assign_leads
    from siting.layers.load import load_geodata
    from siting.outputs.tables import write_assignment

    check_map_options(map_out, offline)

    if solver is not None and solver not in SOLVERS:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--solver",
                label="option",
                message=f"{excerpt(solver)} is not a solver; allowed: {', '.join(SOLVERS)}",
            )
        )
    if absorption_share is not None and not 0 < absorption_share <= 1:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--absorption-share",
                label="option",
                message="must be in (0, 1]",
            )
        )
    if not (math.isfinite(gap) and 0 <= gap < 1):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--gap",
                label="option",
                message=f"must be a relative gap in [0, 1), e.g. 0.005 for 0.5 %; got {gap:g}",
            )
        )
    check_outputs(
        [leads, headroom, criteria, *layer_files(geodata)],
        [("--out", out_file), ("--map", map_out)],
    )
    table = read_leads(leads, extra_columns=["priority"])
    for warning in table.warnings:
        out.print(labelled("note:", "yellow", f" {warning}"), highlight=False)
    data = load_geodata(geodata) if map_out is not None else None
    result = assign_leads(
        table,
        geodata_dir=geodata,
        catalogue=criteria,
        solver=solver,
        time_limit_s=time_limit,
        headroom=headroom,
        absorption_share=absorption_share,
        max_resolves=max_resolves,
        data=data,
        gap_rel=gap,
    )
    if len(result.leads) != len(table):
        raise RuntimeError(f"{len(table)} leads read but {len(result.leads)} reported")
    print_assignment(result, out)
    if out_file is not None:
        write_assignment(result, out_file)
        out.print(f"wrote {out_file}")
    if map_out is not None:
        write_portfolio_map(result, map_out, data=data, offline=offline, console=out)


def print_assignment(result: object, console: Console) -> None:
    """Print an :class:`~siting.jobs.assign.AssignmentResult` as tables."""
    from siting.model.assignment import format_gap
    from siting.results.assignment import PLACED, AssignmentResult

    assert isinstance(result, AssignmentResult)
    gap = format_gap(result.gap)
    asked = f" (requested {result.gap_rel:.2%})" if result.gap_rel > 0 else ""
    console.print(
        labelled(
            "Portfolio assignment",
            "bold",
            f": {len(result.leads)} leads, {result.n_placed} placed, "
            f"{result.n_unplaced} unplaced, {result.n_invalid} invalid input",
        )
    )
    console.print(
        f"solver {result.solver}: {result.status}, objective "
        f"{result.objective:.4f} (priority-weighted total fit), gap {gap}{asked}, "
        f"{result.solve_time_s:.2f} s",
        highlight=False,
    )
    if result.status_note:
        style = None if result.status == "optimal" else "yellow"
        console.print(result.status_note, style=style, highlight=False)

    placed = [lead for lead in result.leads if lead.status == PLACED]
    grid = Table(title="Assignment", title_justify="left")
    for col in ("lead", "site", "municipality", "zone", "utility", "priority", "ha", "MW"):
        grid.add_column(
            col, justify="right" if col in ("utility", "priority", "ha", "MW") else "left"
        )
    for lead in placed[:MAX_ROWS_SHOWN]:
        grid.add_row(
            lead.lead_id,
            lead.site_name,
            lead.municipality,
            lead.zone_id,
            f"{lead.utility:.3f}",
            f"{lead.priority:g}",
            f"{lead.land_ha:g}",
            f"{lead.power_mw:g}",
        )
    if placed:
        console.print(grid)
    if len(placed) > MAX_ROWS_SHOWN:
        console.print(f"... and {len(placed) - MAX_ROWS_SHOWN} more (see --out)")

    others = [lead for lead in result.leads if lead.status != PLACED]
    if others:
        table = Table(title="Unplaced leads", title_justify="left")
        table.add_column("lead")
        table.add_column("status")
        table.add_column("reason", overflow="fold")
        for lead in others[:MAX_ROWS_SHOWN]:
            where = f" (row {lead.row})" if lead.row is not None else ""
            table.add_row(lead.lead_id + where, lead.status, lead.reason)
        console.print(table)
        if len(others) > MAX_ROWS_SHOWN:
            console.print(f"... and {len(others) - MAX_ROWS_SHOWN} more (see --out)")

    console.print(
        labelled("Value of capacity", "bold", f": {result.capacity_note}"), highlight=False
    )
    if result.capacity_values:
        table = Table(title_justify="left")
        for col in (
            "capacity",
            "name",
            "used / capacity",
            "+1 unit adds",
            "competing",
            "leads moved",
        ):
            table.add_column(col, overflow="fold")
        for v in result.capacity_values[:MAX_ROWS_SHOWN]:
            added = "n/a" if math.isnan(v.added_value) else f"{v.added_value:.4f}"
            table.add_row(
                f"{v.kind} {v.key}",
                v.name,
                f"{v.used:g} / {v.capacity:g} {v.unit}",
                added,
                str(v.leads_competing),
                str(len(v.changed_leads)),
            )
        console.print(table)
    unconstrained = [z for z in result.zones if not z.constrained]
    constrained = [z for z in result.zones if z.constrained]
    if constrained:
        table = Table(title="Grid headroom per congestion zone", title_justify="left")
        for col in ("zone", "name", "used MW", "headroom MW", "leads"):
            table.add_column(col)
        for z in constrained[:MAX_ROWS_SHOWN]:
            table.add_row(z.zone_id, z.name, f"{z.used_mw:g}", f"{z.headroom_mw:g}", str(z.n_leads))
        console.print(table)
    if unconstrained:
        console.print(
            f"{len(unconstrained)} congestion zone(s): headroom not known: not constrained",
            highlight=False,
        )
    for note in result.notes:
        console.print(labelled("note:", "dim", f" {note}"), highlight=False)
