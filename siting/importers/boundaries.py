"""Read a user-supplied municipality boundary file in full detail (for checks and maps)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError
from siting.layers.places import gm_code, gm_codes

_CODE_COLUMNS = ("gm_code", "statcode", "gemeentecode", "GM_CODE", "code")
_NAME_COLUMNS = ("name", "statnaam", "gemeentenaam", "naam")


def read_municipality_boundaries(path: str | Path) -> gpd.GeoDataFrame:
    """Read municipality polygons (GeoJSON, TopoJSON or GeoPackage) into EPSG:28992.

    Suitable inputs are the CBS/PDOK ``gemeente_gegeneraliseerd`` layers or any file with a
    municipality code column (``statcode``, ``gm_code`` or ``gemeentecode``). A GeoJSON or
    TopoJSON file without a CRS is read as WGS84 (RFC 7946); other formats need a CRS. Invalid
    polygons (generalised boundary files often have a few self-intersections) are repaired with
    ``make_valid``; the number repaired is in ``frame.attrs["repaired"]``.

    Parameters
    ----------
    path
        The boundary file.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``gm_code``, ``name`` and polygon ``geometry`` in EPSG:28992.

    Raises
    ------
    SitingInputError
        If the file cannot be read, has no code column or (GeoPackage) no CRS.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    try:
        frame = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SitingInputError(Problem(file=file, message=f"cannot read the file: {exc}")) from None
    if frame.crs is None:
        if path.suffix.lower() in (".json", ".geojson", ".topojson"):
            frame = frame.set_crs(settings.display_crs)
        else:
            raise SitingInputError(Problem(file=file, message="the file has no CRS"))
    code_col = next((c for c in _CODE_COLUMNS if c in frame.columns), None)
    if code_col is None:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"no municipality code column (one of {', '.join(_CODE_COLUMNS)}); "
                f"columns found: {', '.join(map(str, frame.columns))}",
            )
        )
    name_col = next((c for c in _NAME_COLUMNS if c in frame.columns), None)
    raw_codes = frame[code_col].astype(str).str.strip()
    codes = gm_codes(raw_codes).fillna(raw_codes)  # a non-code stays as written: it never joins
    invalid = ~frame.geometry.is_valid
    geometry = frame.geometry.where(~invalid, frame.geometry.make_valid())
    out = gpd.GeoDataFrame(
        {
            "gm_code": codes.to_numpy(),
            "name": frame[name_col].astype(str).to_numpy() if name_col else codes.to_numpy(),
        },
        geometry=geometry.to_numpy(),
        crs=frame.crs,
    ).to_crs(settings.working_crs)
    out.attrs["repaired"] = int(invalid.sum())
    return out


def assign_municipality(
    frame: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    overwrite: bool = False,
) -> gpd.GeoDataFrame:
    """Fill ``gm_code`` (and an empty ``municipality``) by the largest overlap.

    Parameters
    ----------
    frame
        Sites with polygon (or point) geometry, for example from :func:`read_ibis`.
    municipalities
        Municipality polygons with a code column (``gm_code``, ``statcode``, ``gemeentecode``
        or ``GM_CODE``; values such as ``GM0772`` or ``772``) and optionally a name column
        (``name``, ``municipality``, ``statnaam`` or ``gemeentenaam``). Must have a CRS.
        Invalid polygons are repaired with ``make_valid`` for the overlay.
    overwrite
        Also replace codes that are already filled.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``frame``; sites that overlap no municipality keep an empty code and their
        ``site_id`` is listed in ``attrs["unassigned"]``.

    Raises
    ------
    SitingInputError
        If either frame has no CRS or ``municipalities`` has no code column.
    """
    code_col, name_col = _municipality_columns(frame, municipalities)
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    for col in ("gm_code", "municipality"):
        if col not in out.columns:
            out[col] = None
        out[col] = out[col].astype(object)
    codes = [gm_code(v) for v in municipalities[code_col]]
    polys = municipalities.geometry.to_crs(settings.working_crs).to_numpy()
    polys = np.where(shapely.is_valid(polys), polys, shapely.make_valid(polys))
    tree = shapely.STRtree(polys)
    geoms = out.geometry.to_crs(settings.working_crs).to_numpy()
    todo = [i for i in range(len(out)) if overwrite or not _filled(out["gm_code"].iloc[i])]
    unassigned = []
    for i in todo:
        geom = geoms[i]
        candidates = [] if geom is None else tree.query(geom, predicate="intersects")
        if len(candidates) == 0:
            unassigned.append(str(out["site_id"].iloc[i]) if "site_id" in out else str(i))
            continue
        overlap = shapely.area(shapely.intersection(geom, polys[candidates]))
        best = int(candidates[int(np.argmax(overlap))])
        out.iloc[i, out.columns.get_loc("gm_code")] = codes[best]
        if name_col is not None and (overwrite or not _filled(out["municipality"].iloc[i])):
            out.iloc[i, out.columns.get_loc("municipality")] = str(
                municipalities[name_col].iloc[best]
            )
    out.attrs["unassigned"] = unassigned
    return out


def _municipality_columns(
    frame: gpd.GeoDataFrame, municipalities: gpd.GeoDataFrame
) -> tuple[Any, Any]:
    """Return the code and name columns of ``municipalities``; raise for no CRS or no code."""
    problems = []
    if frame.crs is None:
        problems.append(Problem(file="<sites>", message="the sites have no CRS"))
    if municipalities.crs is None:
        problems.append(Problem(file="<municipalities>", message="the polygons have no CRS"))
    lower = {str(c).lower(): c for c in municipalities.columns}
    code_col = next(
        (lower[c] for c in ("gm_code", "statcode", "gemeentecode", "gemeente_code") if c in lower),
        None,
    )
    name_col = next(
        (lower[c] for c in ("name", "municipality", "statnaam", "gemeentenaam") if c in lower),
        None,
    )
    if code_col is None:
        problems.append(
            Problem(
                file="<municipalities>",
                message="no municipality code column (gm_code, statcode, gemeentecode or "
                f"GM_CODE); columns found: {', '.join(map(str, municipalities.columns))}",
            )
        )
    if problems:
        raise SitingInputError(problems)
    return code_col, name_col


def _filled(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and math.isnan(value))
        and str(value).strip() != ""
    )
