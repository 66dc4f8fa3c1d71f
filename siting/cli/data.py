"""The ``siting data`` commands: inspect, check and import the geodata."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from siting import vocab
from siting._errors import Problem, SitingInputError
from siting.layers.info import data_info
from siting.layers.load import check_geodata, load_geodata

if TYPE_CHECKING:
    pass
from siting.cli._common import (
    EXIT_INVALID_INPUT,
    GeodataOption,
    check_outputs,
    err,
    labelled,
    out,
    print_json,
    print_problems,
)

data_app = typer.Typer(help="Inspect and check the geodata the tool runs on.", no_args_is_help=True)


@data_app.command("info")
def info_command(
    geodata: GeodataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the layers, their record counts and reference dates, and a per-province summary."""
    summary = data_info(load_geodata(geodata))
    if as_json:
        print_json(summary)
        return
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold")
    for row in summary["layers"]:
        layers.add_row(row["layer"], str(row["records"]), row["reference_date"], row["file"])
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
    out.print(
        "available ha: sum of the known figures; ha unknown: sites without one. "
        "grid 3/2/1/0/?: municipalities per demand-side congestion class (3 shortage, "
        "2 queue under investigation, 1 limited, 0 available, ? unknown), a "
        "per-municipality approximation of the capacity map (geodata/SOURCES.md)."
    )


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
    from siting.importers.ibis import assign_municipality, read_ibis, write_sites_layer

    check_outputs([file, boundaries], [("--into", into / "sites.gpkg")])
    sites = read_ibis(file, reference_year=reference_year, use_tottuit=use_tottuit)
    if sites.empty:
        raise SitingInputError(
            Problem(
                file=str(file),
                message="the export holds no business-park terrains: nothing was written "
                "(a sites layer needs at least one site)",
            )
        )
    if boundaries is not None:
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
    target = write_sites_layer(sites, into / "sites.gpkg")
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

    check_outputs([postcodes, areas], [("--into", into / "grid_congestion.csv")])
    frame = capacity_map.congestion_by_municipality(
        capacity_map.read_postcode_areas(postcodes),
        capacity_map.read_supply_areas(areas),
        status_date=status_date,
    )
    into.mkdir(parents=True, exist_ok=True)
    target = capacity_map.write_congestion_layer(frame, into / "grid_congestion.csv")
    out.print(
        f"wrote {len(frame)} municipalities to {target}; check with: siting data check "
        f"--geodata {into}"
    )
