"""The ``siting data`` commands: inspect, check and import the geodata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.table import Table

from siting import vocab
from siting._errors import Problem, SitingInputError
from siting.layers.info import data_info
from siting.layers.load import check_geodata, load_geodata

if TYPE_CHECKING:
    pass
from siting.cli._common import EXIT_INVALID_INPUT, GeodataOption, err, out, print_problems

data_app = typer.Typer(help="Inspect and check the geodata the tool runs on.", no_args_is_help=True)


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
        "grid 3/2/1/0/?: municipalities per demand-side class (3 shortage, 2 queue under "
        "investigation, 1 limited, 0 available, ? unknown): the worst class over the supply "
        "areas and TenneT levels that may feed a site there (published, derived from the "
        "figures, or the per-municipality fallback; geodata/SOURCES.md)."
    )
    _print_grid_placement(summary["grid"])


def _print_grid_placement(grid: dict) -> None:
    """Print what the grid links place, and what they cannot place."""
    table = Table(title="Grid areas placed in municipalities")
    for column in ("records", "kind / operator", "placed", "not placed"):
        table.add_column(column, justify="left" if column == "kind / operator" else "right")
    for kind, row in grid["areas"].items():
        unplaced = str(row["unplaced"])
        if row.get("feed_in_only"):
            unplaced += f" (+{row['feed_in_only']} feed-in only)"
        table.add_row(str(row["records"]), kind, str(row["placed"]), unplaced)
    for operator, row in grid["regional_by_operator"].items():
        total = row["placed"] + row["unplaced"]
        table.add_row(
            str(total), f"  regional: {operator}", str(row["placed"]), str(row["unplaced"])
        )
    out.print(table)
    links = ", ".join(f"{n} {k}" for k, n in grid["links_by_confidence"].items())
    munis = "; ".join(f"{n} {k}" for k, n in grid["municipalities"].items())
    out.print(f"links by confidence: {links}. Municipalities: {munis}.", highlight=False)


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

    sites = read_ibis(file, reference_year=reference_year, use_tottuit=use_tottuit)
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
    into.mkdir(parents=True, exist_ok=True)
    target = into / "sites.gpkg"
    sites.to_file(target, driver="GPKG")
    out.print(
        f"wrote {len(sites)} sites to {target}; check with: siting data check --geodata {into}"
    )


@data_app.command("import-capacity-map")
def import_capacity_map_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="Folder with the capacity map's CSV files as published (voedingsgebieden.csv; "
            "tennetgebieden.csv, tennetcongestie.csv and congestie_pc6.csv where present), or "
            "the path of its voedingsgebieden.csv.",
            exists=True,
        ),
    ],
    status_date: Annotated[
        str,
        typer.Option(
            "--date",
            help="State of the rows that carry no year of their own (the TenneT files): "
            "YYYY, YYYY-Qn or YYYY-MM.",
        ),
    ],
    into: Annotated[
        Path,
        typer.Option("--into", help="Data folder to write the grid layers into.", file_okay=False),
    ],
    postcodes: Annotated[
        Path | None,
        typer.Option(
            "--postcodes",
            help="congestie_pc6.csv, when not in the folder: links every municipality to each "
            "supply area feeding its postcodes (confidence reported).",
            dir_okay=False,
            exists=True,
        ),
    ] = None,
    site_postcodes: Annotated[
        Path | None,
        typer.Option(
            "--site-postcodes",
            help="CSV site_id,postcode: place these sites exactly by their postcode "
            "(needs congestie_pc6.csv).",
            dir_okay=False,
            exists=True,
        ),
    ] = None,
) -> None:
    """Turn the grid capacity map's CSV files into the grid layers of a data folder.

    Writes grid_areas.csv (supply areas, TenneT areas and stations, demand side). With the
    postcode table also grid_area_links.csv (reported links, and site links from
    --site-postcodes) and grid_congestion.csv (the per-municipality fallback); without it
    the embedded authored links apply to the imported areas.
    """
    from siting.importers import capacity_map, grid_fallback, grid_layers, grid_links
    from siting.layers.schema import GRID_AREA_LINKS, GRID_AREAS

    folder = source if source.is_dir() else source.parent
    areas_file = source if source.is_file() else folder / "voedingsgebieden.csv"
    optional = {
        name: folder / name
        for name in ("tennetgebieden.csv", "tennetcongestie.csv", "congestie_pc6.csv")
        if (folder / name).is_file()
    }
    supply = capacity_map.read_supply_areas(areas_file)
    tennet = (
        capacity_map.read_tennet_areas(optional["tennetgebieden.csv"])
        if "tennetgebieden.csv" in optional
        else None
    )
    stations = (
        capacity_map.read_tennet_stations(optional["tennetcongestie.csv"])
        if "tennetcongestie.csv" in optional
        else None
    )
    areas = grid_layers.build_grid_areas(supply, tennet, stations, reference_date=status_date)
    pc_file = postcodes or optional.get("congestie_pc6.csv")
    if site_postcodes is not None and pc_file is None:
        raise SitingInputError(
            Problem(
                file=str(site_postcodes),
                message="placing sites by postcode needs congestie_pc6.csv (--postcodes FILE)",
            )
        )
    into.mkdir(parents=True, exist_ok=True)
    written = [grid_layers.write_layer(areas, GRID_AREAS, into / "grid_areas.csv")]
    if pc_file is not None:
        pcs = capacity_map.read_postcode_areas(pc_file)
        links = grid_links.links_from_postcodes(pcs, areas)
        if site_postcodes is not None:
            site_links = grid_links.site_links_from_postcodes(
                grid_links.read_site_postcodes(site_postcodes), pcs, areas
            )
            links = pd.concat([links, site_links], ignore_index=True)
        written.append(
            grid_layers.write_layer(links, GRID_AREA_LINKS, into / "grid_area_links.csv")
        )
        fallback = grid_fallback.congestion_by_municipality(
            pcs, supply, status_date=_month(status_date)
        )
        written.append(grid_fallback.write_congestion_layer(fallback, into / "grid_congestion.csv"))
    out.print(
        f"wrote {', '.join(str(p) for p in written)} ({len(areas)} areas); check with: "
        f"siting data check --geodata {into}"
        + (
            ""
            if pc_file is not None
            else "; no congestie_pc6.csv: the embedded authored links place the areas"
        ),
        highlight=False,
    )


def _month(date: str) -> str:
    """``2025-Q4`` -> ``2025-10``, ``2025`` -> ``2025-01`` (the fallback layer's date format)."""
    if "-Q" in date:
        year, quarter = date.split("-Q")
        return f"{year}-{3 * int(quarter) - 2:02d}"
    return date if "-" in date else f"{date}-01"
