"""The ``siting data`` commands: inspect, check and import the geodata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from siting import vocab
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
    progress_bar,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.layers.load import GeoData

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

    check_outputs(layer_files(geodata), [("--out", out_file)])
    summary = data_info(load_geodata(geodata))
    if out_file is not None:
        _write_info(summary, out_file, dialect=csv_dialect)
    if as_json:
        print_json(summary)
        return
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold", no_wrap=column != "reference date")
    for row in summary["layers"]:
        layers.add_row(
            row["layer"], str(row["records"]), row["reference_date"], Path(row["file"]).name
        )
    out.print(layers)
    supply = summary["supply"]
    kinds = ", ".join(f"{n:,} {k}" for k, n in supply["location_kinds"].items() if n)
    known = ", ".join(f"{label} {pct:.1f}%" for label, pct in supply["known_pct"].items())
    out.print(
        f"Sites: {supply['sites']:,} in {supply['provinces']} provinces and "
        f"{supply['municipalities']} municipalities; placed: {kinds} (municipality = at the "
        f"municipality's point, the register gives no location).\nKnown per site: {known}.",
        highlight=False,
    )
    provinces = Table(title="Per province")
    provinces.add_column("province", no_wrap=True)
    for column in (
        "municipalities",
        "population",
        "sites",
        "with sites",
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
            str(row["municipalities_with_sites"]),
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
    hotspots.add_column("NTS domains (short names; * core)", overflow="fold")
    for row in summary["hotspots"]:
        core = set(row.get("core_domains") or ())
        short = [
            f"{name}*" if full in core else name
            for name, full in zip(row["nts_short"], row["nts_domains"], strict=True)
        ]
        hotspots.add_row(
            row["name"],
            str(row["municipalities"]),
            str(row["campuses"]),
            str(row["sites"]),
            ", ".join(short),
        )
    out.print(hotspots)
    if show_all:
        talent = Table(title="Technical talent counts (DUO; kind and year per column)")
        for column in ("column", "kind", "year", "national"):
            talent.add_column(column, justify="right" if column == "national" else "left")
        for row in summary["talent"]:
            talent.add_row(row["column"], row["kind"], str(row["year"]), f"{row['national']:,}")
        out.print(talent)
    else:
        out.print("Talent counts per kind and year: siting data info --all (or --json).")
    out.print(
        "with sites: municipalities with at least one site. "
        "available ha: sum of the known figures (for register terrains the immediately "
        "issuable area, an upper bound); ha unknown: sites without one. "
        "grid 3/2/1/0/?: municipalities per demand-side class (3 shortage, 2 queue under "
        "investigation, 1 limited, 0 available, ? unknown): the worst class over the supply "
        "areas and TenneT levels that may feed a site there (published, derived from the "
        "figures, or the per-municipality fallback; geodata/SOURCES.md). "
        "Hotspot municipalities are each hotspot's core, not its full region; the talent "
        "counts are first-years (intake), all enrolled (stock), diplomas (graduates) or our "
        "estimate, as labelled."
    )
    _print_grid_placement(summary["grid"], full=show_all)


def _print_grid_placement(grid: dict, *, full: bool) -> None:
    """Print what the grid links place, and what they cannot place (a table with ``full``)."""
    links = ", ".join(f"{n} {k}" for k, n in grid["links_by_confidence"].items())
    munis = "; ".join(f"{n} {k}" for k, n in grid["municipalities"].items())
    if not full:
        placed = "; ".join(
            f"{kind} {row['placed']} of {row['records']} placed"
            for kind, row in grid["areas"].items()
        )
        missing = ", ".join(
            f"{operator}: {row['unplaced']}"
            for operator, row in grid["regional_by_operator"].items()
            if row["unplaced"]
        )
        out.print(
            f"Grid areas: {placed} (regional not placed: {missing}); links by confidence: "
            f"{links}. Municipalities: {munis}. Table: --all.",
            highlight=False,
        )
        return
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
    out.print(f"links by confidence: {links}. Municipalities: {munis}.", highlight=False)


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


@data_app.command("import-ibis")
def import_ibis_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="IBIS export: GeoJSON (also a WFS response, with or without geometry), "
            "GeoPackage, or a CSV/TSV table with the register's fields (RIN_NUMMER, PLAN_NAAM, "
            "GEM_CODES, HA_BRUTO, HA_NETTO, HA_TOTTUIT, JAAR, WLOC_TYPE, or the older "
            "RINNUMMER, BEDRIJVENT, OPPBRUTO, OPPNETTO).",
            exists=True,
            dir_okay=False,
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="Data folder to write the sites layer into (created if needed): sites.gpkg "
            "when the export has polygons, else sites.csv.",
            file_okay=False,
        ),
    ],
    geodata: GeodataOption = None,
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
    source: Annotated[
        str | None,
        typer.Option("--source", help="Where the export comes from (e.g. the WFS address)."),
    ] = None,
    no_tottuit: Annotated[
        bool,
        typer.Option(
            "--no-tottuit",
            help="Do not use HA_TOTTUIT (immediately issuable) as the available area.",
        ),
    ] = False,
    ibis_only: Annotated[
        bool,
        typer.Option(
            "--ibis-only",
            help="Only the register's terrains, without the authored sites merged on top.",
        ),
    ] = False,
) -> None:
    """Refresh the sites layer from an IBIS export: every terrain a site, authored facts on top.

    The embedded authored records (geodata/authored) are merged as for the embedded layer:
    an authored site that is a terrain keeps its facts and gains the export's areas; a terrain
    without a polygon is placed at its municipality's point.
    """
    from siting.importers.ibis import read_ibis_terrains
    from siting.layers.load import load_geodata
    from siting.layers.supply import sites_from_terrains, write_sites

    check_outputs(
        [file, boundaries],
        [("--into", into / f"sites{ext}") for ext in (".csv", ".gpkg")],
    )
    with progress_bar() as progress:
        progress.stage(f"reading {file.name}")
        terrains = read_ibis_terrains(file, reference_year=reference_year, source=source)
        if terrains.empty:
            raise SitingInputError(
                Problem(
                    file=str(file),
                    message="the export holds no business-park terrains: nothing was written "
                    "(a sites layer needs the register's terrains)",
                )
            )
        data = load_geodata(geodata)
        progress.stage("placing the terrains in their municipalities")
        terrains = _with_municipalities(terrains, data, boundaries)
    if no_tottuit:
        terrains = terrains.assign(issuable_ha=float("nan"))
    unplaced = terrains["gm_code"].isna().to_numpy()
    if len(terrains) and unplaced.all() and boundaries is None:
        raise SitingInputError(
            Problem(
                file=str(file),
                column="GEM_CODES",
                message="no terrain has a municipality code (older extracts have none); pass "
                "--boundaries FILE to fill them from municipality polygons",
            )
        )
    left_out = [(rin, "no municipality code") for rin in terrains.loc[unplaced, "rin"]]
    terrains = terrains[~unplaced]
    with progress_bar() as progress:
        progress.stage("merging the authored records")
        sites = sites_from_terrains(
            terrains, data.municipalities, include_authored_sites=not ibis_only
        )
        progress.stage(f"writing the sites layer into {into}")
        target = write_sites(sites, into)
    register = int(sites["site_id"].str.startswith("ibis-").sum())
    out.print(
        f"wrote {len(sites)} sites ({register} register terrains on their own, "
        f"{len(sites) - register} authored) to {target}; check with: siting data check "
        f"--geodata {into}"
    )
    if left_out:
        shown = ", ".join(rin for rin, _ in left_out[:10]) + (" ..." if len(left_out) > 10 else "")
        err.print(
            labelled(
                "warning",
                "yellow",
                f": {len(left_out)} terrain(s) left out: no municipality code (GM0000 or none; "
                f"RIN {shown}); with polygons, --boundaries FILE fills the code",
            ),
            highlight=False,
        )


def _with_municipalities(
    terrains: gpd.GeoDataFrame, data: GeoData, boundaries: Path | None
) -> gpd.GeoDataFrame:
    """Codes of former municipalities -> their successors; missing codes from boundaries."""
    from siting.importers.boundaries import read_municipality_boundaries
    from siting.importers.cbs import resolve_codes
    from siting.importers.ibis import assign_municipality

    out = terrains.copy()
    out.attrs = dict(terrains.attrs)
    known = out["gm_code"].notna()
    out.loc[known, "gm_code"] = resolve_codes(out.loc[known, "gm_code"], data.municipal_mergers)
    if boundaries is not None and out["gm_code"].isna().any() and out.geometry.notna().any():
        named = out.assign(site_id="ibis-" + out["rin"], municipality=None)
        assigned = assign_municipality(named, read_municipality_boundaries(boundaries))
        out["gm_code"] = assigned["gm_code"].to_numpy()
    unknown = sorted(set(out["gm_code"].dropna()) - set(data.municipalities["gm_code"]))
    if unknown:
        raise SitingInputError(
            Problem(
                file=str(terrains.attrs.get("file", "")),
                column="GEM_CODES",
                message=f"municipality code(s) not in the municipalities layer: "
                f"{', '.join(unknown[:10])}",
            )
        )
    return out


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
    import pandas as pd

    from siting.importers import capacity_map, grid_fallback, grid_layers, grid_links
    from siting.layers.schema import GRID_AREA_LINKS, GRID_AREAS

    folder = source if source.is_dir() else source.parent
    areas_file = source if source.is_file() else folder / "voedingsgebieden.csv"
    optional = {
        name: folder / name
        for name in ("tennetgebieden.csv", "tennetcongestie.csv", "congestie_pc6.csv")
        if (folder / name).is_file()
    }
    check_outputs(
        [areas_file, *optional.values(), postcodes, site_postcodes],
        [
            ("--into", into / name)
            for name in ("grid_areas.csv", "grid_area_links.csv", "grid_congestion.csv")
        ],
    )
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
