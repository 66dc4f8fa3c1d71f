"""The ``siting data`` commands: inspect, check and import the geodata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from siting._errors import Problem, SitingInputError
from siting.cli._common import (
    EXIT_INVALID_INPUT,
    CsvDialectOption,
    GeodataOption,
    check_outputs,
    err,
    labelled,
    layer_files,
    out,
    print_json,
    print_problems,
)
from siting.cli.data_import import import_capacity_map_command, import_ibis_command

data_app = typer.Typer(help="Inspect and check the geodata the tool runs on.", no_args_is_help=True)


@data_app.command("info")
def info_command(
    geodata: GeodataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Also write the overview: .xlsx (a sheet per table), .csv (the layers) or .json.",
            dir_okay=False,
        ),
    ] = None,
    csv_dialect: CsvDialectOption = "standard",
    show_all: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Also show the talent counts per kind and year and the grid placement table.",
        ),
    ] = False,
) -> None:
    """Show the layers, their record counts and reference dates, and a per-province summary."""
    if out_file is not None and out_file.suffix.lower() not in (".xlsx", ".csv", ".json"):
        raise SitingInputError(
            Problem(
                file=str(out_file),
                column="--out",
                label="option",
                message="use a .xlsx, .csv or .json file",
            )
        )
    from siting.layers.info import data_info
    from siting.layers.load import load_geodata
    from siting.outputs.terminal.data_info import print_data_info

    check_outputs(layer_files(geodata), [("--out", out_file)])
    summary = data_info(load_geodata(geodata))
    if out_file is not None:
        _write_info(summary, out_file, dialect=csv_dialect)
    if as_json:
        print_json(summary)
        return
    print_data_info(summary, out, full=show_all)


def _write_info(summary: dict, path: Path, *, dialect: str) -> None:
    """Write the overview (``--out``): .xlsx (a sheet per table), .csv (the layers) or .json."""
    from siting.outputs.excel import write_workbook
    from siting.outputs.tables import write_csv
    from siting.outputs.whatif_frames import data_info_sheets

    sheets = data_info_sheets(summary)
    if path.suffix.lower() == ".xlsx":
        write_workbook(sheets, path)
    elif path.suffix.lower() == ".csv":
        write_csv(sheets[0].frame, path, dialect=dialect)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    err.print(f"wrote {path}", highlight=False, soft_wrap=True)


@data_app.command("check")
def check_command(
    geodata: GeodataOption = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="Municipality boundary file (e.g. CBS "
            "gemeente_gegeneraliseerd GeoJSON/TopoJSON): also "
            "check every site and campus lies in its municipality.",
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate every layer and their consistency; exit 2 with a located report on problems."""
    from siting.layers.load import check_geodata

    report = check_geodata(geodata, boundaries=boundaries)
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "counts": report.counts,
                "files": {k: str(v) for k, v in report.files.items()},
                "errors": [vars(p) for p in report.errors],
                "warnings": [vars(p) for p in report.warnings],
            }
        )
    else:
        for name, count in report.counts.items():
            out.print(f"  {name:<18} {count:>5} records  {report.files[name]}")
        for problem in report.warnings:
            err.print(labelled("warning", "yellow", f": {problem}"), highlight=False)
        if report.ok:
            out.print(labelled("OK", "green", ": every layer is valid and consistent."))
        else:
            print_problems(report.errors)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID_INPUT)


data_app.command("import-ibis")(import_ibis_command)
data_app.command("import-capacity-map")(import_capacity_map_command)
