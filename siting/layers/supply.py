"""The national supply of sites: every IBIS terrain a candidate site, authored facts on top.

:func:`sites_from_terrains` turns the register's terrains (:mod:`siting.importers.ibis`) and the
authored inputs (:mod:`siting.layers.authored`) into the ``sites`` layer
(:data:`siting.layers.schema.SITES`). The rules, each fact keeping its source and year:

- **One site per terrain.** A terrain an authored site is (``site_ibis_links.csv``) becomes
  part of that site, which keeps its authored facts (location, facilities, environmental
  category, notes), takes its status from the re-check (``site_status_checks.csv``) and gains
  the terrain's RIN and areas; several terrains of one authored site (the parts of one park)
  are summed into it, so no area is counted twice. Every other terrain is a site
  ``ibis-<RIN>``. Authored sites that are no register terrain (campus plots, planned parks)
  stay as they are; a plot within a terrain counted at another site keeps its own figures.
- **Areas.** Gross and net area from the register (``area_year`` = its peiljaar) where it has
  them, else the authored figures. The available area is the register's immediately issuable
  area (``HA_TOTTUIT``), an upper bound that can include reserved land
  (``available_ha_confidence = approximate``), unless an authored figure is newer, or the
  re-checked status is ``fully_issued`` (then 0, dated by that check). A register 0 on an
  authored campus or science park is not taken: a campus lets floor space, and no issuable
  land does not mean no room. A register 0 in a
  province whose issuable figures are known to be missing (``ibis_register_notes.csv``) is
  unknown, as are a 0 ha gross or net area (a work location has at least 1 ha gross by the
  register's definition) and a figure that contradicts another (net above gross, issuable
  above net); the notes give the register's figures, which stay in the ``ibis_*`` columns.
- **Status** of a register-only terrain: ``available`` when it lists issuable land,
  ``fully_issued`` when it lists none, ``unknown`` when the figure is unknown; dated by the
  peiljaar.
- **Location.** The terrain's polygon when the export has one (``location_kind = polygon``);
  else an authored site's own point (``site``), else the municipality's point
  (``municipality``): the register gives no location, and distances are measured from there.
- **Designation.** An authored site's designation row, else the terrain's
  (``designations.csv``), else what its ``WLOC_TYPE`` code means where a public source says
  so (``ibis_type_codes.csv``: A port-industrial with quay, B business park, C2/C3 campus);
  else unknown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError
from siting.layers.authored import Authored, load_authored
from siting.layers.schema import SITES
from siting.layers.supply_designations import designation_facts
from siting.layers.supply_records import (
    authored_record,
    terrain_facts,
    terrain_record,
)
from siting.layers.validate import neutralise_formulas


def sites_from_terrains(
    terrains: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame | None = None,
    *,
    authored: Authored | None = None,
    include_authored_sites: bool = True,
) -> gpd.GeoDataFrame:
    """Build the ``sites`` layer from the register's terrains and the authored inputs.

    Parameters
    ----------
    terrains
        One row per RIN (:func:`siting.importers.ibis.read_ibis_terrains`).
    municipalities
        The municipalities layer (``gm_code``, ``name``, ``province``, point geometry in
        EPSG:28992): names the municipality and province and places a terrain without a
        polygon at its point. Without it, every terrain needs a polygon.
    authored
        The authored inputs; default the embedded ones (:func:`load_authored`).
    include_authored_sites
        Merge the authored sites (default). With ``False`` only the register's terrains are
        returned (with the type codes, register notes and terrain designations applied).

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`siting.layers.schema.SITES` and ``geometry`` (a terrain's
        polygon, else a point) in EPSG:28992: authored sites first, in their order, then the
        other terrains in the register's order. ``attrs["left_out"]`` lists the RINs left out
        (no municipality and no polygon) with the reason; ``attrs["missing_rins"]`` the RINs
        of authored links the terrains lack (none for the national register: a regional
        export lacks the others), whose sites keep their authored figures.

    Raises
    ------
    SitingInputError
        For a terrain without polygon whose municipality has no point (or is not given).
    """
    authored = load_authored() if authored is None else authored
    places = _places(municipalities)
    by_rin = {str(row["rin"]): terrain_facts(row, authored, places) for row in _rows(terrains)}
    designations = designation_facts(authored)
    records: list[dict[str, object]] = []
    carried: set[str] = set()
    problems: list[Problem] = []
    missing: list[str] = []
    if include_authored_sites:
        records, carried = _authored_records(authored, by_rin, designations, places, missing)
    left_out: list[tuple[str, str]] = []
    for rin, facts in by_rin.items():
        if rin in carried:
            continue
        if facts["gm_code"] is None and facts["geometry"] is None:
            left_out.append((rin, "no municipality code (GM0000) and no polygon"))
            continue
        place = places.get(str(facts["gm_code"]))
        if facts["geometry"] is None and (place is None or place["point"] is None):
            problems.append(_no_point(terrains, rin, facts))
            continue
        records.append(terrain_record(facts, designations.get(rin), place))
    if problems:
        raise SitingInputError(problems)
    frame = _frame(records)
    frame.attrs.update({**terrains.attrs, "left_out": left_out, "missing_rins": missing})
    return frame


def _authored_records(
    authored: Authored,
    by_rin: dict[str, dict[str, object]],
    designations: dict[str, dict[str, object]],
    places: dict[str, dict[str, object]],
    missing: list[str],
) -> tuple[list[dict[str, object]], set[str]]:
    """Return the records of the authored sites and the RINs they carry.

    ``missing`` gets the RINs of authored links that ``by_rin`` lacks.
    """
    records: list[dict[str, object]] = []
    carried: set[str] = set()
    links = _links_by_site(authored, by_rin, missing)
    checks = authored.status_checks.set_index("site_id")
    points = gpd.GeoSeries.from_xy(
        authored.sites["lon"].astype(float),
        authored.sites["lat"].astype(float),
        crs=settings.display_crs,
    ).to_crs(settings.working_crs)
    for site in _rows(authored.sites.assign(geometry=points.to_numpy())):
        site_links = links.get(str(site["site_id"]), [])
        carried.update(str(link["rin"]) for link in site_links if link["rin"] is not None)
        records.append(
            authored_record(
                site,
                site_links,
                by_rin,
                check=checks.loc[site["site_id"]].to_dict(),
                designation=designations.get(str(site["site_id"])),
                place=places.get(str(site["gm_code"])),
            )
        )
    return records, carried


def sites_as_text(sites: pd.DataFrame) -> pd.DataFrame:
    """Render a sites frame as the text of ``sites.csv`` (the layer's CSV form).

    Parameters
    ----------
    sites
        Site records with the :data:`siting.layers.schema.SITES` columns.

    Returns
    -------
    pandas.DataFrame
        One string per cell: booleans ``true``/``false``, lists ``;``-separated, numbers
        without trailing zeros, unknown values empty; no geometry. Free text that a
        spreadsheet would run as a formula (a name starting with ``=``, say) is quoted
        (:func:`siting.layers.validate.neutralise_formulas`).
    """
    sites = neutralise_formulas(pd.DataFrame(sites), SITES)
    columns = {}
    for col in SITES.columns:
        values = sites[col.name]
        if col.kind in ("float", "category"):
            text = values.map(lambda v: "" if _missing(v) else _number(float(v)))
        elif col.kind == "bool":
            text = values.map(lambda v: "" if _missing(v) else str(bool(v)).lower())
        elif col.kind == "list":
            text = values.map(lambda v: ";".join(v) if isinstance(v, tuple | list) else "")
        else:
            text = values.map(lambda v: "" if _missing(v) else str(v))
        columns[col.name] = text.astype(object)
    return pd.DataFrame(columns)


def write_sites(sites: gpd.GeoDataFrame, folder: str | Path) -> Path:
    """Write a sites layer into a data folder, as the loader reads it.

    Parameters
    ----------
    sites
        Site records with the :data:`siting.layers.schema.SITES` columns and geometry.
    folder
        Data folder (created if needed).

    Returns
    -------
    Path
        ``sites.gpkg`` when any site has a polygon (points and polygons in one layer,
        EPSG:28992), else ``sites.csv``.

    Raises
    ------
    SitingInputError
        When the folder already holds the layer in another form, which the loader would read
        instead (``sites.csv`` is read before ``sites.gpkg``).
    """
    folder = Path(folder)
    polygons = bool(sites.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).any())
    target = folder / ("sites.gpkg" if polygons else "sites.csv")
    for other in (folder / f"sites{ext}" for ext in (".csv", ".gpkg", ".geojson")):
        if other != target and other.exists():
            raise SitingInputError(
                Problem(
                    file=str(other),
                    message=f"the folder already has {other.name}, which the loader would read "
                    f"instead of the new {target.name}: remove it or choose another folder",
                )
            )
    folder.mkdir(parents=True, exist_ok=True)
    text = sites_as_text(sites)
    if polygons:
        layer = gpd.GeoDataFrame(
            text.drop(columns=["lon", "lat"]),
            geometry=sites.geometry.to_crs(settings.working_crs).to_numpy(),
            crs=settings.working_crs,
        )
        layer.to_file(target, driver="GPKG", layer="sites")
    else:
        text.to_csv(target, index=False)
    return target


def _number(value: float) -> str:
    """Write a number as the layer does: at most 6 decimals, no trailing zeros."""
    text = f"{round(value, 6):.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _places(municipalities: gpd.GeoDataFrame | None) -> dict[str, dict[str, object]]:
    """``gm_code`` -> name, province and point (EPSG:28992) of each municipality."""
    if municipalities is None:
        return {}
    points = municipalities.geometry.to_crs(settings.working_crs)
    lonlat = points.to_crs(settings.display_crs)
    return {
        str(code): {
            "name": name,
            "province": province,
            "point": point,
            "lon": round(float(lon), 6),
            "lat": round(float(lat), 6),
        }
        for code, name, province, point, lon, lat in zip(
            municipalities["gm_code"],
            municipalities["name"],
            municipalities["province"],
            points,
            municipalities["lon"] if "lon" in municipalities else lonlat.x,
            municipalities["lat"] if "lat" in municipalities else lonlat.y,
            strict=True,
        )
    }


def _rows(frame: pd.DataFrame) -> Iterable[dict[str, object]]:
    """Yield the records of a frame as dicts, missing values as ``None``, geometry included."""
    for record in frame.to_dict("records"):
        yield {k: (None if _missing(v) else v) for k, v in record.items()}


def _links_by_site(
    authored: Authored, by_rin: dict[str, dict[str, object]], missing: list[str]
) -> dict[str, list[dict[str, object]]]:
    """Site id -> its link rows; a link to a RIN the terrains lack becomes a ``none`` link.

    A regional export does not hold every authored site's terrain: such a site keeps its
    authored figures, its note says the RIN was not in the export, and the RIN is listed in
    ``missing``.
    """
    out: dict[str, list[dict[str, object]]] = {}
    for link in _rows(authored.links):
        rin = link["rin"] if link["rin"] is not None else link["within_rin"]
        if rin is not None and str(rin) not in by_rin:
            missing.append(str(rin))
            link = {**link, "rin": None, "within_rin": rin, "match": "not_in_export"}
        out.setdefault(str(link["site_id"]), []).append(link)
    return out


def _no_point(terrains: gpd.GeoDataFrame, rin: str, facts: dict[str, object]) -> Problem:
    where = terrains.attrs.get("file", "<terrains>")
    code = facts["gm_code"]
    return Problem(
        file=str(where),
        column="GEM_CODES",
        message=f"terrain RIN {rin} has no polygon and its municipality {code} has no point: "
        "give the municipalities layer",
    )


def _frame(records: list[dict[str, object]]) -> gpd.GeoDataFrame:
    """Assemble the ``sites`` columns, typed as the layer loader types them."""
    base = pd.DataFrame(records, columns=[*(c.name for c in SITES.columns), "geometry"])
    geometry = gpd.GeoSeries(list(base["geometry"]), crs=settings.working_crs)
    points = geometry.representative_point().to_crs(settings.display_crs)
    stated = base["lon"].notna() & base["lat"].notna()  # an authored or municipality point
    base["lon"] = base["lon"].where(stated, points.x.round(6).to_numpy())
    base["lat"] = base["lat"].where(stated, points.y.round(6).to_numpy())
    columns: dict[str, pd.Series] = {}
    for col in SITES.columns:
        series = base[col.name].reset_index(drop=True)
        if col.kind in ("int", "year"):
            series = pd.Series(series.to_numpy(dtype=object), dtype="Int64")
        elif col.kind in ("float", "category"):
            series = series.astype(float)
        elif col.kind == "bool":
            series = series.astype("boolean" if col.required else object)
        elif col.kind == "list":
            series = series.map(lambda v: tuple(v) if isinstance(v, tuple | list) else ())
        else:
            series = series.astype(object).where(series.notna(), None)
        columns[col.name] = series
    return gpd.GeoDataFrame(columns, geometry=geometry.to_numpy(), crs=settings.working_crs)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, shapely.Geometry):
        return value.is_empty
    return False
