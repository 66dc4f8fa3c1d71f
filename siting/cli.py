"""The ``siting`` command line: a thin layer over the public API (typer + rich).

Exit codes: 0 success, 2 invalid input (every problem listed with file, row and column).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from siting import vocab
from siting._errors import SitingInputError
from siting.info import data_info
from siting.layers import check_geodata, load_geodata

EXIT_INVALID_INPUT = 2
MAX_PROBLEMS_SHOWN = 50

app = typer.Typer(
    help="Find where in the Netherlands a growing deeptech company can relocate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Inspect and check the geodata the tool runs on.",
                       no_args_is_help=True)
app.add_typer(data_app, name="data")

out = Console()
err = Console(stderr=True)

GeodataOption = Annotated[
    Path | None,
    typer.Option("--geodata", help="Data folder with your own layer files (CSV, GPKG or "
                                   "GeoJSON); layers it lacks come from the embedded dataset.",
                 file_okay=False),
]


@data_app.command("info")
def info_command(
    geodata: GeodataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the layers, their record counts and reference dates, and a per-province summary."""
    summary = data_info(load_geodata(geodata))
    if as_json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold")
    for row in summary["layers"]:
        layers.add_row(row["layer"], str(row["records"]), row["reference_date"], row["file"])
    out.print(layers)
    provinces = Table(title="Per province")
    provinces.add_column("province", no_wrap=True)
    for column in ("municipalities", "population", "sites", "available ha", "ha unknown",
                   "campuses", "grid 3/2/1/0/?"):
        provinces.add_column(column, justify="right", no_wrap=True)
    for row in summary["provinces"]:
        congestion = row["congestion"]
        grid = "/".join(str(congestion[vocab.CONGESTION_CLASSES[c]]) for c in (3, 2, 1, 0, -1))
        provinces.add_row(
            row["province"], str(row["municipalities"]), f"{row['population']:,}",
            str(row["sites"]), f"{row['available_ha']:,.1f}", str(row["sites_area_unknown"]),
            str(row["campuses"]), grid,
        )
    out.print(provinces)
    out.print("available ha: sum of the known figures; ha unknown: sites without one. "
              "grid 3/2/1/0/?: municipalities per demand-side congestion class (3 shortage, "
              "2 queue under investigation, 1 limited, 0 available, ? unknown), a "
              "per-municipality approximation of the capacity map (geodata/SOURCES.md).")


@data_app.command("check")
def check_command(
    geodata: GeodataOption = None,
    boundaries: Annotated[
        Path | None,
        typer.Option("--boundaries", help="Municipality boundary file (e.g. CBS "
                                          "gemeente_gegeneraliseerd GeoJSON/TopoJSON): also "
                                          "check every site and campus lies in its municipality.",
                     dir_okay=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate every layer and their consistency; exit 2 with a located report on problems."""
    report = check_geodata(geodata, boundaries=boundaries)
    if as_json:
        print(json.dumps({
            "ok": report.ok,
            "counts": report.counts,
            "files": {k: str(v) for k, v in report.files.items()},
            "errors": [vars(p) for p in report.errors],
            "warnings": [vars(p) for p in report.warnings],
        }, indent=2, ensure_ascii=False))
    else:
        for name, count in report.counts.items():
            out.print(f"  {name:<18} {count:>5} records  {report.files[name]}")
        for problem in report.warnings:
            err.print(f"[yellow]warning[/]: {problem}", markup=True, highlight=False)
        if report.ok:
            out.print("[green]OK[/]: every layer is valid and consistent.")
        else:
            _print_problems(report.errors)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID_INPUT)


def _print_problems(problems: tuple | list) -> None:
    n = len(problems)
    err.print(f"[red]{n} problem{'s' if n != 1 else ''} found:[/]")
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err.print(f"  - {problem}", markup=False, highlight=False)
    if n > MAX_PROBLEMS_SHOWN:
        err.print(f"  ... and {n - MAX_PROBLEMS_SHOWN} more (use --json for all).")


def main() -> None:
    """Entry point: run the app, turning input errors into a located report and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except SitingInputError as exc:
        _print_problems(list(exc.problems))
        sys.exit(EXIT_INVALID_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
