"""Read a user-supplied municipality boundary file in full detail (for checks and maps)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from siting import settings
from siting._errors import Problem, SitingInputError
from siting.layers.places import gm_codes

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
