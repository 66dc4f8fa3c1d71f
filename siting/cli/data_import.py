"""The ``siting data import-*`` commands: refresh the sites or grid layers from a published export.

Registered on ``siting data`` in :mod:`siting.cli.data`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from siting._errors import Problem, SitingInputError
from siting.cli._common import GeodataOption, check_outputs, err, labelled, out, progress_bar

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.layers.load import GeoData


IbisFileArgument = Annotated[
    Path,
    typer.Argument(
        help="IBIS export: GeoJSON (also a WFS response, with or without geometry), "
        "GeoPackage, or a CSV/TSV table with the register's fields (RIN_NUMMER, PLAN_NAAM, "
        "GEM_CODES, HA_BRUTO, HA_NETTO, HA_TOTTUIT, JAAR, WLOC_TYPE, or the older "
        "RINNUMMER, BEDRIJVENT, OPPBRUTO, OPPNETTO).",
        exists=True,
        dir_okay=False,
    ),
]
SitesIntoOption = Annotated[
    Path,
    typer.Option(
        "--into",
        help="Data folder to write the sites layer into (created if needed): sites.gpkg "
        "when the export has polygons, else sites.csv.",
        file_okay=False,
    ),
]
IbisBoundariesOption = Annotated[
    Path | None,
    typer.Option(
        "--boundaries",
        help="Municipality boundaries, to fill municipality codes "
        "the export lacks (older extracts have none).",
        exists=True,
        dir_okay=False,
    ),
]
ReferenceYearOption = Annotated[
    int | None, typer.Option("--reference-year", help="Year the area figures refer to.")
]
SourceOption = Annotated[
    str | None,
    typer.Option("--source", help="Where the export comes from (e.g. the WFS address)."),
]
NoTottuitOption = Annotated[
    bool,
    typer.Option(
        "--no-tottuit",
        help="Do not use HA_TOTTUIT (immediately issuable) as the available area.",
    ),
]
IbisOnlyOption = Annotated[
    bool,
    typer.Option(
        "--ibis-only",
        help="Only the register's terrains, without the authored sites merged on top.",
    ),
]


def import_ibis_command(
    file: IbisFileArgument,
    into: SitesIntoOption,
    geodata: GeodataOption = None,
    boundaries: IbisBoundariesOption = None,
    reference_year: ReferenceYearOption = None,
    source: SourceOption = None,
    no_tottuit: NoTottuitOption = False,
    ibis_only: IbisOnlyOption = False,
) -> None:
    """Refresh the sites layer from an IBIS export: every terrain a site, authored facts on top.

    The embedded authored records (geodata/authored) are merged as for the embedded layer:
    an authored site that is a terrain keeps its facts and gains the export's areas; a terrain
    without a polygon is placed at its municipality's point.
    """
    from siting.layers.supply import sites_from_terrains, write_sites

    check_outputs(
        [file, boundaries],
        [("--into", into / f"sites{ext}") for ext in (".csv", ".gpkg")],
    )
    terrains, data = _read_terrains(
        file, geodata, boundaries, reference_year=reference_year, source=source
    )
    if no_tottuit:
        terrains = terrains.assign(issuable_ha=float("nan"))
    terrains, left_out = _placed_terrains(terrains, file, boundaries)
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
        shown = ", ".join(left_out[:10]) + (" ..." if len(left_out) > 10 else "")
        err.print(
            labelled(
                "warning",
                "yellow",
                f": {len(left_out)} terrain(s) left out: no municipality code (GM0000 or none; "
                f"RIN {shown}); with polygons, --boundaries FILE fills the code",
            ),
            highlight=False,
        )


def _read_terrains(
    file: Path,
    geodata: Path | None,
    boundaries: Path | None,
    *,
    reference_year: int | None,
    source: str | None,
) -> tuple[gpd.GeoDataFrame, GeoData]:
    """Read the export's terrains and place them in their municipalities; return the layers too.

    Raises
    ------
    SitingInputError
        When the export holds no terrain, or names municipality codes the layers lack.
    """
    from siting.importers.ibis import read_ibis_terrains
    from siting.layers.load import load_geodata

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
    return terrains, data


def _placed_terrains(
    terrains: gpd.GeoDataFrame, file: Path, boundaries: Path | None
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Return the terrains with a municipality code, and the RIN numbers of those without.

    Raises
    ------
    SitingInputError
        When no terrain has a code and no boundaries were given to fill them.
    """
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
    left_out = [str(rin) for rin in terrains.loc[unplaced, "rin"]]
    return terrains[~unplaced], left_out


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


CapacitySourceArgument = Annotated[
    Path,
    typer.Argument(
        help="Folder with the capacity map's CSV files as published (voedingsgebieden.csv; "
        "tennetgebieden.csv, tennetcongestie.csv and congestie_pc6.csv where present), or "
        "the path of its voedingsgebieden.csv.",
        exists=True,
    ),
]
StatusDateOption = Annotated[
    str,
    typer.Option(
        "--date",
        help="State of the rows that carry no year of their own (the TenneT files): "
        "YYYY, YYYY-Qn or YYYY-MM.",
    ),
]
GridIntoOption = Annotated[
    Path,
    typer.Option("--into", help="Data folder to write the grid layers into.", file_okay=False),
]
PostcodesOption = Annotated[
    Path | None,
    typer.Option(
        "--postcodes",
        help="congestie_pc6.csv, when not in the folder: links every municipality to each "
        "supply area feeding its postcodes (confidence reported).",
        dir_okay=False,
        exists=True,
    ),
]
SitePostcodesOption = Annotated[
    Path | None,
    typer.Option(
        "--site-postcodes",
        help="CSV site_id,postcode: place these sites exactly by their postcode "
        "(needs congestie_pc6.csv).",
        dir_okay=False,
        exists=True,
    ),
]

#: The capacity map's optional files, read when present next to voedingsgebieden.csv.
_OPTIONAL_FILES = ("tennetgebieden.csv", "tennetcongestie.csv", "congestie_pc6.csv")


def import_capacity_map_command(
    source: CapacitySourceArgument,
    status_date: StatusDateOption,
    into: GridIntoOption,
    postcodes: PostcodesOption = None,
    site_postcodes: SitePostcodesOption = None,
) -> None:
    """Turn the grid capacity map's CSV files into the grid layers of a data folder.

    Writes grid_areas.csv (supply areas, TenneT areas and stations, demand side). With the
    postcode table also grid_area_links.csv (reported links, and site links from
    --site-postcodes) and grid_congestion.csv (the per-municipality fallback); without it
    the embedded authored links apply to the imported areas.
    """
    from siting.importers import capacity_map, grid_layers
    from siting.layers.schema import GRID_AREAS

    folder = source if source.is_dir() else source.parent
    areas_file = source if source.is_file() else folder / "voedingsgebieden.csv"
    optional = {name: folder / name for name in _OPTIONAL_FILES if (folder / name).is_file()}
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
        written += _write_postcode_layers(
            pc_file, site_postcodes, supply, areas, status_date=status_date, into=into
        )
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


def _write_postcode_layers(
    pc_file: Path,
    site_postcodes: Path | None,
    supply: Any,
    areas: Any,
    *,
    status_date: str,
    into: Path,
) -> list[Path]:
    """Write grid_area_links.csv and grid_congestion.csv from the postcode table.

    Returns
    -------
    list of Path
        The files written.
    """
    import pandas as pd

    from siting.importers import capacity_map, grid_fallback, grid_layers, grid_links
    from siting.layers.schema import GRID_AREA_LINKS

    pcs = capacity_map.read_postcode_areas(pc_file)
    links = grid_links.links_from_postcodes(pcs, areas)
    if site_postcodes is not None:
        site_links = grid_links.site_links_from_postcodes(
            grid_links.read_site_postcodes(site_postcodes), pcs, areas
        )
        links = pd.concat([links, site_links], ignore_index=True)
    written = [grid_layers.write_layer(links, GRID_AREA_LINKS, into / "grid_area_links.csv")]
    fallback = grid_fallback.congestion_by_municipality(
        pcs, supply, status_date=_month(status_date)
    )
    written.append(grid_fallback.write_congestion_layer(fallback, into / "grid_congestion.csv"))
    return written


def _month(date: str) -> str:
    """``2025-Q4`` -> ``2025-10``, ``2025`` -> ``2025-01`` (the fallback layer's date format)."""
    if "-Q" in date:
        year, quarter = date.split("-Q")
        return f"{year}-{3 * int(quarter) - 2:02d}"
    return date if "-" in date else f"{date}-01"
