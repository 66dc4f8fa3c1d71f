"""Read one layer file (CSV, GeoPackage or GeoJSON) and check it against its schema.

:func:`read_layer` parses the attributes (:func:`siting.layers.validate.parse_table`), checks
the geometry (points or polygons inside the Netherlands, in EPSG:28992) and the rules across
a record's columns (:func:`record_rules`); every problem is located by file, row and column.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem
from siting.layers.schema import SITES, LayerSpec
from siting.layers.validate import NL_RD_BOUNDS, cells_as_text, check_lonlat, parse_table


def read_layer(spec: LayerSpec, path: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read, parse and check one layer file; geometry in EPSG:28992 (or empty)."""
    file = str(path)
    raw, geometry, first_row, problems = _read_raw(path)
    if raw is None:
        return empty_layer(spec), problems
    parse_spec = spec
    if geometry is not None:  # lon/lat are derived from the geometry, not read
        parse_spec = replace(
            spec, columns=tuple(c for c in spec.columns if c.name not in ("lon", "lat"))
        )
    frame, parse_problems = parse_table(raw, parse_spec, file=file, first_row=first_row)
    problems.extend(parse_problems)
    if spec.geometry == "point":
        if geometry is None:
            problems.extend(
                check_lonlat(frame["lon"], frame["lat"], file=file, first_row=first_row)
            )
            geometry = gpd.GeoSeries.from_xy(frame["lon"], frame["lat"], crs=settings.display_crs)
            geometry = geometry.to_crs(settings.working_crs)
        else:
            geo_problems, geometry = _check_geometry(geometry, file=file, first_row=first_row)
            problems.extend(geo_problems)
            lonlat = geometry.representative_point().to_crs(settings.display_crs)
            frame.insert(
                frame.columns.get_loc(spec.columns[0].name) + 1, "lon", lonlat.x.round(6).to_numpy()
            )
            frame.insert(frame.columns.get_loc("lon") + 1, "lat", lonlat.y.round(6).to_numpy())
            frame = frame[[c.name for c in spec.columns]]
    else:
        geometry = gpd.GeoSeries([None] * len(frame), crs=settings.working_crs)
    if spec is SITES:
        frame = site_fallbacks(frame, set(raw.columns), geometry)
    problems.extend(record_rules(spec, frame, file=file, first_row=first_row))
    gdf = gpd.GeoDataFrame(
        frame, geometry=geometry.reset_index(drop=True).to_numpy(), crs=settings.working_crs
    )
    return gdf, problems


def _read_raw(
    path: Path,
) -> tuple[pd.DataFrame | None, gpd.GeoSeries | None, int, list[Problem]]:
    """Return a file's attributes as text, its geometry, its first data row and its problems."""
    file = str(path)
    if path.suffix.lower() == ".csv":
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            return None, None, 2, [Problem(file=file, message="not UTF-8 text")]
        except pd.errors.EmptyDataError:
            return None, None, 2, [Problem(file=file, message="the file is empty")]
        except pd.errors.ParserError as exc:
            return None, None, 2, [Problem(file=file, message=f"not a valid CSV file: {exc}")]
        return raw, None, 2, []
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        return None, None, 1, [Problem(file=file, message=f"cannot read the file: {exc}")]
    if gdf.crs is None:
        return (
            None,
            None,
            1,
            [Problem(file=file, message="the file has no CRS; set one (e.g. EPSG:28992)")],
        )
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    attrs = attrs.apply(cells_as_text)
    return attrs, gdf.geometry, 1, []


def _check_geometry(
    geometry: gpd.GeoSeries, *, file: str, first_row: int
) -> tuple[list[Problem], gpd.GeoSeries]:
    """Return the problems of the geometry and the geometry in EPSG:28992.

    A problem: empty, not a point or polygon, invalid, or outside the Netherlands.
    """
    problems = []
    geometry = geometry.to_crs(settings.working_crs)
    xmin, ymin, xmax, ymax = NL_RD_BOUNDS
    for i, geom in enumerate(geometry):
        row = i + first_row
        if geom is None or geom.is_empty:
            problems.append(
                Problem(file=file, row=row, column="geometry", message="empty geometry")
            )
            continue
        if geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="geometry",
                    message=f"{geom.geom_type} is not a point or polygon",
                )
            )
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            problems.append(
                Problem(
                    file=file, row=row, column="geometry", message=f"invalid geometry: {reason}"
                )
            )
            continue
        bx0, by0, bx1, by1 = geom.bounds
        if bx0 < xmin or by0 < ymin or bx1 > xmax or by1 > ymax:
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="geometry",
                    message="lies outside the Netherlands in EPSG:28992: is the file's CRS right?",
                )
            )
    return problems, geometry


def site_fallbacks(frame: pd.DataFrame, present: set[str], geometry: gpd.GeoSeries) -> pd.DataFrame:
    """Fill the site columns a file does not have from the ones it has (older site files).

    A file without ``available_ha_year``, ``available_ha_confidence`` or
    ``available_ha_source`` (the site layer before the national register) gives its available
    area the year, confidence and source of its other areas; one without ``location_kind``
    has points placed on the site (``site``), or polygons (``polygon``).

    Parameters
    ----------
    frame
        The parsed site records.
    present
        The columns the file has.
    geometry
        The records' geometry (points or polygons).

    Returns
    -------
    pandas.DataFrame
        A copy with the absent columns filled.
    """
    out = frame.copy()
    known = out["available_ha"].notna()
    if "available_ha_year" not in present:
        out["available_ha_year"] = out["area_year"].where(known)
    if "available_ha_confidence" not in present:
        out["available_ha_confidence"] = out["area_confidence"].where(known, "unknown")
    if "available_ha_source" not in present:
        out["available_ha_source"] = out["area_source"].where(known, None)
    if "location_kind" not in present:
        polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        out["location_kind"] = np.where(polygonal, "polygon", "site")
    return out


def record_rules(
    spec: LayerSpec, frame: pd.DataFrame, *, file: str, first_row: int
) -> list[Problem]:
    """Check the rules across the columns of a record (e.g. available <= net <= gross area)."""
    if spec is not SITES:
        return []
    problems = []
    order = [("available_ha", "net_ha"), ("net_ha", "gross_ha"), ("available_ha", "gross_ha")]
    for small, large in order:
        a = frame[small].astype(float)
        b = frame[large].astype(float)
        for i in np.flatnonzero((a > b + 1e-9).to_numpy()):
            problems.append(
                Problem(
                    file=file,
                    row=int(i) + first_row,
                    column=small,
                    message=f"{small} {a.iloc[i]:g} exceeds {large} {b.iloc[i]:g}",
                )
            )
    for figures, confidence in (
        (["gross_ha", "net_ha"], "area_confidence"),
        (["available_ha"], "available_ha_confidence"),
    ):
        unknown = frame[confidence].eq("unknown") & frame[figures].notna().any(axis=1)
        for i in np.flatnonzero(unknown.to_numpy()):
            problems.append(
                Problem(
                    file=file,
                    row=int(i) + first_row,
                    column=confidence,
                    message=f"'unknown' but {' or '.join(figures)} is given; say how sure "
                    "it is (reported, approximate or estimate)",
                )
            )
    full = frame["status"].eq("fully_issued") & (frame["available_ha"].astype(float) > 0)
    for i in np.flatnonzero(full.to_numpy()):
        problems.append(
            Problem(
                file=file,
                row=int(i) + first_row,
                column="status",
                message="'fully_issued' but available_ha is above 0",
            )
        )
    return problems


def empty_table(spec: LayerSpec) -> pd.DataFrame:
    """Return an empty table with the layer's columns."""
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})


def empty_layer(spec: LayerSpec) -> gpd.GeoDataFrame:
    """Return an empty layer with the layer's columns and an empty geometry in EPSG:28992."""
    columns = {c.name: pd.Series([], dtype=object) for c in spec.columns}
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries([], crs=settings.working_crs), crs=settings.working_crs
    )
