"""``siting screen``: screen a lead pipeline from the command line.

A thin layer over :func:`siting.jobs.screen.screen_leads`. Registered on the main app in
:mod:`siting.cli.app`; this module does not import it (so running ``python -m siting.cli.app`` does
not load the app twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from siting._errors import Problem, SitingInputError, excerpt
from siting.cli._common import check_outputs, err, labelled, layer_files, out
from siting.model.solvers import SOLVERS

if TYPE_CHECKING:
    from siting.layers.load import GeoData
    from siting.results.assignment import AssignmentResult
    from siting.results.screening import ScreenResult

#: Invalid leads listed in full on the terminal (all of them are in the output file).
MAX_INVALID_SHOWN = 20


def screen_command(
    leads: Annotated[
        Path,
        typer.Argument(
            help="Leads table: .csv (comma or semicolon "
            "separated, UTF-8) or .xlsx, one company per "
            "row; see models/leads/README.md.",
            dir_okay=False,
        ),
    ],
    top: Annotated[
        int, typer.Option("--top", min=1, max=100, help="Sites to recommend per lead.")
    ] = 5,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write one row per lead and site: .csv, .xlsx (with summary sheets) or "
            ".json (everything).",
            dir_okay=False,
        ),
    ] = None,
    solver: Annotated[
        str | None,
        typer.Option(
            "--solver",
            help="Solve the MILP per lead with cbc, highs or cp-sat (default: exact "
            "enumeration, same ranking, much faster).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="local (this process) or dask (a local 2-worker cluster, or "
            "--scheduler); the results are the same.",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            help="Dask scheduler address, with --engine dask: on this machine "
            "(tcp://127.0.0.1:8786), or on another only over TLS (tls://host:8786, with "
            "Dask's TLS settings) unless --allow-insecure-scheduler. Workers get each "
            "lead's needs, never its name or id.",
        ),
    ] = None,
    allow_insecure_scheduler: Annotated[
        bool,
        typer.Option(
            "--allow-insecure-scheduler",
            help="Accept a --scheduler on another machine without TLS: the leads' needs "
            "then cross the network in clear text (a trusted network only).",
        ),
    ] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Excel sheet to read (default: the first).")
    ] = None,
    geodata: Annotated[
        Path | None,
        typer.Option(
            "--geodata",
            help="Data folder with your own layer files; layers it lacks come from "
            "the embedded dataset.",
            file_okay=False,
        ),
    ] = None,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria", help="Criteria catalogue (default models/criteria.toml).", dir_okay=False
        ),
    ] = None,
    map_out: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Write an interactive map (HTML): the leads by status and a line to "
            "each lead's top-1 site.",
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
    """Screen a lead pipeline: the top sites of every lead, and the leads no site fits.

    Every lead is ranked on its own with the rules of `siting rank`. A lead with bad input is
    reported (row, column, what is wrong) and the others go on; no lead is lost. Exit code 0
    when the run completed (invalid and unplaceable leads are results), 2 when the file itself
    cannot be read.
    """
    from siting.inputs.leads import read_leads
    from siting.jobs.screen import screen_leads
    from siting.layers.load import load_geodata
    from siting.outputs.tables import write_screen

    if solver is not None and solver not in SOLVERS:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--solver",
                label="option",
                message=f"{excerpt(solver)} is not a solver; allowed: {', '.join(SOLVERS)}",
            )
        )
    if engine not in ("local", "dask"):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--engine",
                label="option",
                message=f"{excerpt(engine)} is no engine; allowed: local, dask",
            )
        )
    check_map_options(map_out, offline)
    if out_file is not None and out_file.suffix.lower() not in (".csv", ".xlsx", ".json"):
        raise SitingInputError(
            Problem(
                file=str(out_file),
                column="--out",
                label="option",
                message="use a .csv, .xlsx or .json file",
            )
        )
    check_outputs(
        [leads, criteria, *layer_files(geodata)], [("--out", out_file), ("--map", map_out)]
    )
    table = read_leads(leads, sheet=sheet)
    for warning in table.warnings:
        err.print(labelled("warning", "yellow", f": {warning}"), highlight=False)
    data = load_geodata(geodata) if map_out is not None else None
    with Progress(
        TextColumn("screening leads"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("screen", total=max(1, len(table.valid)))

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(1, total))

        result = screen_leads(
            table,
            top=top,
            geodata_dir=geodata,
            catalogue=criteria,
            solver=solver,
            engine=engine,
            scheduler=scheduler,
            allow_insecure_scheduler=allow_insecure_scheduler,
            progress=progress,
            data=data,
        )
    _print_summary(result)
    if out_file is not None:
        write_screen(result, out_file)
        out.print(f"wrote {out_file}", highlight=False)
    if map_out is not None:
        write_portfolio_map(result, map_out, data=data, offline=offline, console=out)


def check_map_options(map_out: Path | None, offline: bool) -> None:
    """Reject ``--offline`` without ``--map``."""
    if offline and map_out is None:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--offline",
                label="option",
                message="applies to the map: add --map OUT.html",
            )
        )


def write_portfolio_map(
    result: ScreenResult | AssignmentResult,
    path: Path,
    *,
    data: GeoData | None,
    offline: bool,
    console: Console,
) -> Path:
    """Draw a screening or assignment map, save it and print the path."""
    from siting.outputs.maps.portfolio import render_portfolio_map
    from siting.outputs.maps.ranking import save_map

    m = render_portfolio_map(result, data=data, offline=offline)
    written = save_map(m, path, offline=offline)
    console.print(
        f"wrote map {written}" + (" (offline)" if offline else ""), highlight=False, markup=False
    )
    return written


def _print_summary(result: ScreenResult) -> None:
    from siting.outputs.tables import summary_rows

    s = result.summary
    counts = Table(title=f"Screening of {result.file}", show_header=False)
    counts.add_column("what")
    counts.add_column("value", justify="right")
    for label, value in summary_rows(result):
        counts.add_row(label, str(value))
    counts.add_row("time", f"{result.elapsed_s:.1f} s")
    out.print(counts)

    regions = Table(title="Per region (province of the current location)")
    for column in ("region", "leads", "placed", "nowhere", "invalid", "most common blocking rule"):
        regions.add_column(
            column,
            justify="left" if column in ("region", "most common blocking rule") else "right",
            overflow="fold",
        )
    for r in s.regions:
        regions.add_row(
            r.region,
            str(r.leads),
            str(r.placed),
            str(r.nowhere),
            str(r.invalid),
            f"{r.top_blocking_rule} ({r.top_blocking_leads})" if r.top_blocking_rule else "",
        )
    out.print(regions)

    if s.rules:
        rules = Table(title=f"What blocks the {s.nowhere} lead(s) no site fits")
        rules.add_column("rule")
        rules.add_column("rules out most sites for", justify="right")
        rules.add_column("relaxed alone would place", justify="right")
        for rule in s.rules:
            rules.add_row(
                rule.label, f"{rule.most_restrictive} lead(s)", f"{rule.sole_blocker} lead(s)"
            )
        out.print(rules)

    bad = [lead for lead in result.leads if lead.status in ("invalid_input", "error")]
    if bad:
        out.print(
            labelled(
                f"{len(bad)} lead(s) not screened",
                "bold",
                " (reported with their reason; the others went on):",
            ),
            highlight=False,
        )
        for lead in bad[:MAX_INVALID_SHOWN]:
            out.print(
                f"  - row {lead.row}, {lead.lead_id!s}: {lead.reason}",
                markup=False,
                highlight=False,
            )
        if len(bad) > MAX_INVALID_SHOWN:
            out.print(f"  ... and {len(bad) - MAX_INVALID_SHOWN} more (see --out).")
