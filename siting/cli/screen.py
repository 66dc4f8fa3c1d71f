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

from siting._errors import Problem, SitingInputError, excerpt
from siting.cli._common import (
    AllOption,
    CrsOption,
    CsvDialectOption,
    OfflineOption,
    OutOption,
    RowsOption,
    TilesOption,
    TravelTimesOption,
    check_output_formats,
    check_outputs,
    err,
    labelled,
    layer_files,
    map_mode,
    out,
    out_targets,
    progress_bar,
    write_outputs,
)
from siting.model.names import SOLVERS

if TYPE_CHECKING:
    from siting.layers.load import GeoData
    from siting.results.assignment import AssignmentResult
    from siting.results.screening import ScreenResult


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
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    crs: CrsOption = None,
    rows: RowsOption = 10,
    show_all: AllOption = False,
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
    offline: OfflineOption = False,
    tiles: TilesOption = False,
    travel_times: TravelTimesOption = None,
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
    from siting.outputs.terminal.pipelines import print_screening

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
    offline = map_mode(map_out, tiles=tiles, offline=offline)
    paths = check_output_formats(out_files, dialect=csv_dialect, crs=crs)
    check_outputs(
        [leads, criteria, *layer_files(geodata)],
        [*out_targets(paths), ("--map", map_out)],
    )
    table = read_leads(leads, sheet=sheet, extra_columns=["priority"])
    for warning in table.warnings:
        err.print(labelled("warning", "yellow", f": {warning}"), highlight=False)
    data = load_geodata(geodata) if map_out is not None or travel_times else None
    if travel_times is not None:
        from siting.inputs.travel_times import with_travel_times

        data = with_travel_times(data, travel_times)
    with progress_bar() as progress:
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
    print_screening(result, out, rows=None if show_all else rows)
    write_outputs(result, paths, dialect=csv_dialect, crs=crs)
    if map_out is not None:
        write_portfolio_map(result, map_out, data=data, offline=offline, console=out)


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
        f"wrote map {written}" + (" (offline)" if offline else " (with online tiles)"),
        highlight=False,
        soft_wrap=True,
    )
    return written
