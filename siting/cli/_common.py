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
