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

from siting import settings
from siting._errors import Problem, SitingInputError
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

LeadsArgument = Annotated[
    Path,
    typer.Argument(
        help="Leads table (.csv or .xlsx), one row per "
        "company; an optional 'priority' column "
        "weights the leads (default 1).",
        dir_okay=False,
    ),
]
SolverOption = Annotated[
    str | None,
    typer.Option("--solver", help=f"cbc, highs or cp-sat (default: {settings.default_solver})."),
]
TimeLimitOption = Annotated[
    float | None,
    typer.Option("--time-limit", min=0.1, help="Time limit per solve, in seconds."),
]
GapOption = Annotated[
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
]
HeadroomOption = Annotated[
    Path | None,
    typer.Option(
        "--headroom",
        help="What-if room [MW] per supply area (its id) or for the supply areas "
        "feeding a municipality (its code): CSV with columns zone_id,headroom_mw. "
        "Applied to the grid rule and the shared capacities alike.",
        dir_okay=False,
    ),
]
AbsorptionOption = Annotated[
    float | None,
    typer.Option(
        "--absorption-share",
        help="Cap the hires placed per labour-market region at this "
        "share (0-1] of its technical workforce.",
    ),
]
MaxResolvesOption = Annotated[
    int,
    typer.Option("--max-resolves", min=0, help="Re-solves for the value of capacity (0: skip)."),
]
MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Write an interactive map (HTML): leads, lines to their assigned "
        "sites, unplaced leads with the reason, zones by headroom used.",
        dir_okay=False,
    ),
]


def assign_command(
    leads: LeadsArgument,
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    crs: CrsOption = None,
    rows: RowsOption = 10,
    show_all: AllOption = False,
    solver: SolverOption = None,
    time_limit: TimeLimitOption = None,
    gap: GapOption = 0.0,
    headroom: HeadroomOption = None,
    absorption_share: AbsorptionOption = None,
    geodata: PipelineGeodataOption = None,
    criteria: CriteriaOption = None,
    max_resolves: MaxResolvesOption = 30,
    map_out: MapOption = None,
    offline: OfflineOption = False,
    tiles: TilesOption = False,
    travel_times: TravelTimesOption = None,
) -> None:
    """Assign a pipeline of leads to sites without promising a plot or grid headroom twice.

    Prints the solver status, objective, gap and time, the assignment, the unplaced leads
    with the reason, and what one more ha or MW of each binding capacity would add.
    """
    from siting.jobs.assign import assign_leads
    from siting.outputs.terminal.pipelines import print_assignment

    offline = map_mode(map_out, tiles=tiles, offline=offline)
    _check_options(solver, absorption_share, gap)
    paths = check_output_formats(out_files, dialect=csv_dialect, crs=crs)
    check_outputs(
        [leads, headroom, criteria, *layer_files(geodata)],
        [*out_targets(paths), ("--map", map_out)],
    )
    table = read_pipeline(leads, label="note:", separator=" ")
    data = pipeline_data(geodata, map_out=map_out, travel_times=travel_times)
    with progress_bar() as progress:
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
            progress=progress,
        )
    if len(result.leads) != len(table):
        raise RuntimeError(f"{len(table)} leads read but {len(result.leads)} reported")
    print_assignment(result, out, rows=None if show_all else rows)
    write_outputs(result, paths, dialect=csv_dialect, crs=crs)
    if map_out is not None:
        write_portfolio_map(result, map_out, data=data, offline=offline, console=out)


def _check_options(solver: str | None, absorption_share: float | None, gap: float) -> None:
    """Refuse an unknown solver, an absorption share outside (0, 1] or a gap outside [0, 1)."""
    check_solver(solver, SOLVERS)
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
