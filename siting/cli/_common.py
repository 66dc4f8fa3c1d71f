"""What every command shares: consoles, exit codes, common options, the problem report."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

if TYPE_CHECKING:
    pass

EXIT_INVALID_INPUT = 2
MAX_PROBLEMS_SHOWN = 50
_WIDTH = shutil.get_terminal_size((120, 24)).columns
out = Console(width=_WIDTH)
err = Console(stderr=True, width=_WIDTH)

GeodataOption = Annotated[
    Path | None,
    typer.Option(
        "--geodata",
        help="Data folder with your own layer files (CSV, GPKG or "
        "GeoJSON); layers it lacks come from the embedded dataset.",
        file_okay=False,
    ),
]


EXIT_INFEASIBLE = 3

OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Make the map self-contained: opening it makes no request "
        "to any other host (no background map), for confidential "
        "meetings.",
    ),
]


def print_problems(problems: tuple | list) -> None:
    n = len(problems)
    err.print(f"[red]{n} problem{'s' if n != 1 else ''} found:[/]")
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err.print(f"  - {problem}", markup=False, highlight=False)
    if n > MAX_PROBLEMS_SHOWN:
        err.print(f"  ... and {n - MAX_PROBLEMS_SHOWN} more (use --json for all).")


OutOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--out",
        help="Write the result; the suffix chooses the format: .csv (the main table), .xlsx "
        "(every table, styled), .json (everything), .gpkg / .parquet / .geojson (GIS "
        "layers). Repeat for several files.",
        dir_okay=False,
    ),
]

CsvDialectOption = Annotated[
    str,
    typer.Option(
        "--csv-dialect",
        help="CSV files: 'standard' (comma, decimal point, UTF-8) or 'excel' (semicolon, "
        "decimal comma, UTF-8 with BOM: opens as it is in Dutch Excel).",
    ),
]

CrsOption = Annotated[
    str | None,
    typer.Option(
        "--crs",
        help="GIS files: EPSG:28992 (RD New, the default; GeoJSON: EPSG:4326) or EPSG:4326 "
        "(WGS84).",
    ),
]

RowsOption = Annotated[
    int, typer.Option("--rows", min=0, help="Rows shown per list on the terminal.")
]

AllOption = Annotated[
    bool, typer.Option("--all", help="Show every row and detail on the terminal.")
]


def check_outputs(
    paths: list[Path] | None, *, dialect: str = "standard", crs: str | None = None
) -> list[Path]:
    """Check output paths, dialect and CRS before any work is done; return the paths."""
    from siting.outputs.gis import resolve_crs
    from siting.outputs.tables import CSV_DIALECTS, check_output_path

    if dialect not in CSV_DIALECTS:
        from siting._errors import Problem, SitingInputError

        raise SitingInputError(
            Problem(
                file="<options>",
                column="--csv-dialect",
                label="option",
                message=f"'{dialect}' is no CSV dialect; allowed: {', '.join(CSV_DIALECTS)}",
            )
        )
    resolve_crs(crs)
    return [check_output_path(p) for p in paths or ()]


def write_outputs(
    result: object, paths: list[Path], *, dialect: str = "standard", crs: str | None = None
) -> None:
    """Write a result to every path and say where it went."""
    from siting.outputs.tables import write_result

    for path in paths:
        for written in write_result(result, path, csv_dialect=dialect, crs=crs):  # type: ignore[arg-type]
            out.print(f"wrote {written}", highlight=False, markup=False, soft_wrap=True)


def progress_bar() -> object:
    """Return a rich progress display on standard error, for ``progress=`` of a job."""
    from siting.outputs.terminal.progress import RichProgress

    return RichProgress(err)
