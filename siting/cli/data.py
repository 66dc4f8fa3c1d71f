"""The ``siting data`` commands: inspect, check and import the geodata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from siting import vocab
from siting._errors import Problem, SitingInputError
from siting.cli._common import (
    EXIT_INVALID_INPUT,
    CsvDialectOption,
    GeodataOption,
    err,
    out,
    print_problems,
    progress_bar,
)
from siting.layers.info import data_info
from siting.layers.load import check_geodata, load_geodata

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
    summary = data_info(load_geodata(geodata))
    if out_file is not None:
        _write_info(summary, out_file, dialect=csv_dialect)
    if as_json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold", no_wrap=column != "reference date")
    for row in summary["layers"]:
        layers.add_row(
            row["layer"], str(row["records"]), row["reference_date"], Path(row["file"]).name
        )
    out.print(layers)
    provinces = Table(title="Per province")
    provinces.add_column("province", no_wrap=True)
    for column in (
        "municipalities",
        "population",
        "sites",
        "available ha",
        "ha unknown",
        "campuses",
        "grid 3/2/1/0/?",
    ):
        provinces.add_column(column, justify="right", no_wrap=True)
    for row in summary["provinces"]:
        congestion = row["congestion"]
        grid = "/".join(str(congestion[vocab.CONGESTION_CLASSES[c]]) for c in (3, 2, 1, 0, -1))
        provinces.add_row(
            row["province"],
            str(row["municipalities"]),
            f"{row['population']:,}",
            str(row["sites"]),
            f"{row['available_ha']:,.1f}",
            str(row["sites_area_unknown"]),
            str(row["campuses"]),
            grid,
        )
    out.print(provinces)
    hotspots = Table(title="Technology hotspots (brandpunten)")
    hotspots.add_column("hotspot", overflow="fold")
    for column in ("municipalities", "campuses", "sites"):
        hotspots.add_column(column, justify="right", no_wrap=True)
    hotspots.add_column("NTS domains (short names)", overflow="fold")
    for row in summary["hotspots"]:
        hotspots.add_row(
            row["name"],
            str(row["municipalities"]),
            str(row["campuses"]),
            str(row["sites"]),
            ", ".join(row["nts_short"]),
        )
    out.print(hotspots)
    talent = Table(title="Technical talent counts (DUO; kind and year per column)")
    for column in ("column", "kind", "year", "national"):
        talent.add_column(column, justify="right" if column == "national" else "left")
    for row in summary["talent"]:
        talent.add_row(row["column"], row["kind"], str(row["year"]), f"{row['national']:,}")
    out.print(talent)
    out.print(
        "available ha: sum of the known figures; ha unknown: sites without one. "
        "grid 3/2/1/0/?: municipalities per demand-side congestion class (3 shortage, "
        "2 queue under investigation, 1 limited, 0 available, ? unknown), a "
        "per-municipality approximation of the capacity map (geodata/SOURCES.md). "
        "Hotspot municipalities are each hotspot's core, not its full region; the talent "
        "counts are first-years (intake), all enrolled (stock), diplomas (graduates) or our "
        "estimate, as labelled."
    )


def _write_info(summary: dict, path: Path, *, dialect: str) -> None:
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
    err.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)


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
    report = check_geodata(geodata, boundaries=boundaries)
    if as_json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "counts": report.counts,
                    "files": {k: str(v) for k, v in report.files.items()},
                    "errors": [vars(p) for p in report.errors],
                    "warnings": [vars(p) for p in report.warnings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for name, count in report.counts.items():
            out.print(f"  {name:<18} {count:>5} records  {report.files[name]}")
        for problem in report.warnings:
            err.print(f"[yellow]warning[/]: {problem}", markup=True, highlight=False)
        if report.ok:
            out.print("[green]OK[/]: every layer is valid and consistent.")
        else:
            print_problems(report.errors)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID_INPUT)


@data_app.command("import-ibis")
def import_ibis_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="IBIS export (GeoJSON, WFS GeoJSON or GeoPackage).", exists=True, dir_okay=False
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="Data folder to write sites.gpkg into (created if needed).",
            file_okay=False,
        ),
    ],
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="Municipality boundaries, to fill municipality codes "
            "the export lacks (older extracts have none).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    reference_year: Annotated[
        int | None, typer.Option("--reference-year", help="Year the area figures refer to.")
    ] = None,
    use_tottuit: Annotated[
        bool,
        typer.Option(
            "--use-tottuit",
            help="Read HA_TOTTUIT as available area: an ASSUMPTION, the field is undocumented.",
        ),
    ] = False,
) -> None:
    """Turn an IBIS business-park export into the sites layer of a data folder."""
    from siting.importers.boundaries import read_municipality_boundaries
    from siting.importers.ibis import assign_municipality, read_ibis

    with progress_bar() as progress:
        progress.stage(f"reading {file.name}")
        sites = read_ibis(file, reference_year=reference_year, use_tottuit=use_tottuit)
        if boundaries is not None:
            progress.stage("placing the terrains in their municipalities")
            sites = assign_municipality(sites, read_municipality_boundaries(boundaries))
    missing = int(sites["gm_code"].isna().sum())
    if missing:
        raise SitingInputError(
            Problem(
                file=str(file),
                column="gm_code",
                message=f"{missing} terrain(s) have no municipality code; pass --boundaries FILE "
                "to fill them from municipality polygons",
            )
        )
    into.mkdir(parents=True, exist_ok=True)
    target = into / "sites.gpkg"
    with progress_bar() as progress:
        progress.stage(f"writing {target.name}")
        sites.to_file(target, driver="GPKG")
    out.print(
        f"wrote {len(sites)} sites to {target}; check with: siting data check --geodata {into}"
    )


@data_app.command("import-capacity-map")
def import_capacity_map_command(
    postcodes: Annotated[
        Path,
        typer.Argument(help="congestie_pc6.csv of the capacity map.", exists=True, dir_okay=False),
    ],
    areas: Annotated[
        Path,
        typer.Argument(
            help="voedingsgebieden.csv of the capacity map.", exists=True, dir_okay=False
        ),
    ],
    status_date: Annotated[
        str, typer.Option("--date", help="Date of the map state (YYYY-MM or YYYY-MM-DD).")
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into", help="Data folder to write grid_congestion.csv into.", file_okay=False
        ),
    ],
) -> None:
    """Aggregate the grid capacity map to the grid_congestion layer of a data folder."""
    from siting.importers import capacity_map

    with progress_bar() as progress:
        progress.stage(f"reading {postcodes.name}")
        postcode_areas = capacity_map.read_postcode_areas(postcodes)
        progress.stage(f"reading {areas.name}")
        supply_areas = capacity_map.read_supply_areas(areas)
        progress.stage("aggregating the supply areas per municipality")
        frame = capacity_map.congestion_by_municipality(
            postcode_areas, supply_areas, status_date=status_date
        )
    into.mkdir(parents=True, exist_ok=True)
    target = capacity_map.write_congestion_layer(frame, into / "grid_congestion.csv")
    out.print(
        f"wrote {len(frame)} municipalities to {target}; check with: siting data check "
        f"--geodata {into}"
    )
