"""What every command shares: consoles, exit codes, common options, the problem report.

The consoles print every text as text: rich markup and emoji codes are off (a ``[/]`` or
``[link=...]`` in an id, a name or a path is shown as typed, never read as markup), and a
render hook drops control characters and escape sequences from everything they print
(:func:`siting._errors.printable`), whatever the renderable: a string, a ``Text``, a table
cell, a rule or panel title. Our own styling is given as styles (``Text.assemble``), never as
markup.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, ConsoleOptions, RenderableType, RenderHook, RenderResult
from rich.segment import Segment
from rich.text import Text

from siting._errors import Problem, SitingInputError, excerpt, printable

if TYPE_CHECKING:
    from siting.outputs.terminal.progress import RichProgress

EXIT_INVALID_INPUT = 2
EXIT_INFEASIBLE = 3
MAX_PROBLEMS_SHOWN = 50
_WIDTH = shutil.get_terminal_size((120, 24)).columns


class _Printable:
    """A renderable whose text segments are stripped of control characters."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for segment in console.render(self.renderable, options):
            if segment.control or segment.text.isprintable():
                yield segment
            else:
                yield Segment(printable(segment.text), segment.style)


class _PrintableHook(RenderHook):
    def process_renderables(self, renderables: list[Any]) -> list[Any]:
        return [_Printable(r) for r in renderables]


def make_console(*, stderr: bool = False, **kwargs: Any) -> Console:
    """Return a console that prints all text literally and without control characters.

    Parameters
    ----------
    stderr
        Print to standard error.
    **kwargs
        More :class:`rich.console.Console` options (e.g. ``file``, ``width``).

    Returns
    -------
    rich.console.Console
    """
    kwargs.setdefault("width", _WIDTH)
    console = Console(stderr=stderr, markup=False, emoji=False, **kwargs)
    console.push_render_hook(_PrintableHook())
    return console


out = make_console()
err = make_console(stderr=True)

GeodataOption = Annotated[
    Path | None,
    typer.Option(
        "--geodata",
        help="Data folder with your own layer files (CSV, GPKG or "
        "GeoJSON); layers it lacks come from the embedded dataset.",
        file_okay=False,
    ),
]

CriteriaOption = Annotated[
    Path | None,
    typer.Option(
        "--criteria", help="Criteria catalogue (default models/criteria.toml).", dir_okay=False
    ),
]

TravelTimesOption = Annotated[
    Path | None,
    typer.Option(
        "--travel-times",
        help="Travel times between municipalities (CSV: CBS codes as header and first "
        "column, minutes in the cells): talent within reach is weighted by them instead of "
        "straight-line distance where given.",
        dir_okay=False,
    ),
]

OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        hidden=True,
        help="The default: the map is self-contained (kept for existing scripts).",
    ),
]

TilesOption = Annotated[
    bool,
    typer.Option(
        "--tiles",
        help="Add an online background map (tiles from Esri's server: opening the map then "
        "contacts that host). Without it the map is self-contained: nothing is fetched and "
        "an offline basemap is drawn, for confidential meetings.",
    ),
]


def map_mode(map_out: Path | None, *, tiles: bool, offline: bool) -> bool:
    """Return whether the map is drawn offline (the default; ``--tiles`` for tiles).

    Raises
    ------
    SitingInputError
        For ``--tiles`` with ``--offline``, or either without ``--map``.
    """
    if tiles and offline:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--tiles",
                label="option",
                message="--tiles adds online tiles, --offline refuses them: give one",
            )
        )
    for flag, given in (("--tiles", tiles), ("--offline", offline)):
        if given and map_out is None:
            raise SitingInputError(
                Problem(
                    file="<options>",
                    column=flag,
                    label="option",
                    message="applies to the map: add --map OUT.html",
                )
            )
    return not tiles


def print_problems(problems: Sequence[Problem]) -> None:
    """Print located problems to standard error (at most :data:`MAX_PROBLEMS_SHOWN`)."""
    n = len(problems)
    err.print(Text(f"{n} problem{'s' if n != 1 else ''} found:", style="red"))
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err.print(f"  - {problem}", highlight=False)
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


def check_output_formats(
    paths: list[Path] | None, *, dialect: str = "standard", crs: str | None = None
) -> list[Path]:
    """Check the formats of ``--out`` paths, the dialect and the CRS; return the paths.

    Done before any work; :func:`check_outputs` then checks that no output overwrites an
    input (give it :func:`out_targets` of these paths). The defaults (no ``--out``, the
    standard dialect, no CRS) need no check, so a command without outputs does not load the
    output writers.
    """
    if not paths and dialect == "standard" and crs is None:
        return []
    from siting.outputs.gis import resolve_crs
    from siting.outputs.tables import CSV_DIALECTS, check_output_path

    if dialect not in CSV_DIALECTS:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--csv-dialect",
                label="option",
                message=f"{excerpt(dialect)} is no CSV dialect; allowed: {', '.join(CSV_DIALECTS)}",
            )
        )
    resolve_crs(crs)
    return [check_output_path(p) for p in paths or ()]


def out_targets(paths: Iterable[Path], option: str = "--out") -> list[tuple[str, Path]]:
    """Return ``(option, file)`` of every file ``--out`` paths may write, for :func:`check_outputs`.

    A GeoParquet or GeoJSON output writes one file per layer besides the one named
    (``<stem>-<layer><suffix>``, :func:`siting.outputs.gis.layer_paths`): each is an output.
    """
    paths = list(paths)
    if not paths:
        return []
    from siting.outputs.gis import layer_paths

    return [(option, target) for path in paths for target in layer_paths(path)]


def write_outputs(
    result: object, paths: list[Path], *, dialect: str = "standard", crs: str | None = None
) -> None:
    """Write a result to every path and say where it went."""
    if not paths:
        return
    from siting.outputs.tables import write_result

    for path in paths:
        for written in write_result(result, path, csv_dialect=dialect, crs=crs):  # type: ignore[arg-type]
            out.print(f"wrote {written}", highlight=False, soft_wrap=True)


def progress_bar() -> RichProgress:
    """Return a rich progress display on standard error, for ``progress=`` of a job."""
    from siting.outputs.terminal.progress import RichProgress

    return RichProgress(err)


def print_json(data: Any) -> None:
    """Print data as JSON on standard output (text as text: control characters dropped)."""
    sys.stdout.write(printable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n")


def labelled(label: str, style: str, *text: str) -> Text:
    """Return ``label`` in ``style`` followed by plain text, e.g. a ``warning:`` line."""
    return Text.assemble((label, style), *text)


def check_outputs(
    inputs: Iterable[Path | None], outputs: Iterable[tuple[str, Path | None]]
) -> None:
    """Refuse output paths that are an input (however spelled) or an existing symbolic link.

    An output that names an input file would overwrite it (a confidential leads table, say):
    the same path in another spelling (``./in.csv``, ``dir/../in.csv``), through a symbolic
    link, or another hard link of the same file (same device and inode) all count. An output
    that is itself a symbolic link is refused too: it would be written through to wherever
    the link points.

    Parameters
    ----------
    inputs
        The input files of the command (``None`` entries are skipped).
    outputs
        ``(option, path)`` of every output file (``None`` paths are skipped).

    Raises
    ------
    SitingInputError
        Naming each refused output and the input it would overwrite.
    """
    known = [(path, _identity(path)) for path in inputs if path is not None]
    problems = []
    for option, path in outputs:
        if path is None:
            continue
        if path.is_symlink():
            problems.append(
                Problem(
                    file=str(path),
                    column=option,
                    label="option",
                    message="is a symbolic link; an output is never written through a link: "
                    "give the file itself, or remove the link",
                )
            )
            continue
        identity = _identity(path)
        for source, source_identity in known:
            if identity & source_identity:
                problems.append(
                    Problem(
                        file=str(path),
                        column=option,
                        label="option",
                        message=f"is the input file {source}: writing it would overwrite the "
                        "input; give another output file",
                    )
                )
                break
    if problems:
        raise SitingInputError(problems)


def layer_files(folder: Path | None) -> list[Path]:
    """Return the layer files of a ``--geodata`` folder (inputs an output must not overwrite)."""
    if folder is None or not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".gpkg", ".geojson"))


def _identity(path: Path) -> set[tuple[Any, ...]]:
    """Return what makes two paths the same file: device and inode, real and plain path.

    The plain path (``os.path.normpath`` of the absolute path) covers an output in a folder
    that does not exist yet (``new/../in.csv``): the writer creates the folder, and the path
    then leads to the input.
    """
    ids: set[tuple[Any, ...]] = {
        ("path", os.path.realpath(path)),
        ("path", os.path.normpath(os.path.abspath(path))),
    }
    try:
        stat = path.stat()
    except OSError:
        return ids
    return ids | {("inode", stat.st_dev, stat.st_ino)}


def check_solver(solver: str | None, allowed: Sequence[str]) -> None:
    """Refuse a ``--solver`` that is not one of ``allowed``.

    Raises
    ------
    SitingInputError
        Naming the option and the allowed values.
    """
    if solver is not None and solver not in allowed:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--solver",
                label="option",
                message=f"{excerpt(solver)} is not a solver; allowed: {', '.join(allowed)}",
            )
        )
