"""``siting screen``: screen a lead pipeline from the command line.

A thin layer over :func:`siting.jobs.screen.screen_leads`. Registered on the main app in
:mod:`siting.cli.app`; this module does not import it (so running ``python -m siting.cli.app`` does
not load the app twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siting._errors import Problem, SitingInputError, excerpt
from siting.cli._common import (
    AllOption,
    CriteriaOption,
    CrsOption,
    CsvDialectOption,
    OfflineOption,
    OutOption,
    RowsOption,
    TilesOption,
    TravelTimesOption,
    check_output_formats,
    check_outputs,
    check_solver,
    layer_files,
    map_mode,
    out,
    out_targets,
    progress_bar,
    write_outputs,
)
from siting.cli._pipeline import (
    PipelineGeodataOption,
    pipeline_data,
    read_pipeline,
    write_portfolio_map,
)
from siting.model.names import SOLVERS

__all__ = ["screen_command", "write_portfolio_map"]


LeadsArgument = Annotated[
    Path,
    typer.Argument(
        help="Leads table: .csv (comma or semicolon "
        "separated, UTF-8) or .xlsx, one company per "
        "row; see models/leads/README.md.",
        dir_okay=False,
    ),
]
TopOption = Annotated[
    int, typer.Option("--top", min=1, max=100, help="Sites to recommend per lead.")
]
SolverOption = Annotated[
    str | None,
    typer.Option(
        "--solver",
        help="Solve the MILP per lead with cbc, highs or cp-sat (default: exact "
        "enumeration, same ranking, much faster).",
    ),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="local (this process) or dask (a local 2-worker cluster, or "
        "--scheduler); the results are the same.",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address, with --engine dask: on this machine "
        "(tcp://127.0.0.1:8786), or on another only over TLS (tls://host:8786, with "
        "Dask's TLS settings) unless --allow-insecure-scheduler. Workers get each "
        "lead's needs, never its name or id.",
    ),
]
InsecureOption = Annotated[
    bool,
    typer.Option(
        "--allow-insecure-scheduler",
        help="Accept a --scheduler on another machine without TLS: the leads' needs "
        "then cross the network in clear text (a trusted network only).",
    ),
]
SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Excel sheet to read (default: the first).")
]
MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Write an interactive map (HTML): the leads by status and a line to "
        "each lead's top-1 site.",
        dir_okay=False,
    ),
]


def screen_command(
    leads: LeadsArgument,
    top: TopOption = 5,
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    crs: CrsOption = None,
    rows: RowsOption = 10,
    show_all: AllOption = False,
    solver: SolverOption = None,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    allow_insecure_scheduler: InsecureOption = False,
    sheet: SheetOption = None,
    geodata: PipelineGeodataOption = None,
    criteria: CriteriaOption = None,
    map_out: MapOption = None,
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
    from siting.jobs.screen import screen_leads
    from siting.outputs.terminal.pipelines import print_screening

    check_solver(solver, SOLVERS)
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
    table = read_pipeline(leads, sheet=sheet, label="warning", separator=": ")
    data = pipeline_data(geodata, map_out=map_out, travel_times=travel_times)
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
