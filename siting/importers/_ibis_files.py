"""Open an IBIS export (GeoJSON, GeoPackage or a CSV/TSV table) for :mod:`siting.importers.ibis`.

A GIS file without a CRS, or with metre coordinates under a geographic CRS, is refused with
a located problem; a GeoJSON without a ``crs`` member is WGS84 lon/lat (RFC 7946).
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.importers import _ibis_fields as f

#: File name endings read as tables without geometry.
TABLE_SUFFIXES = (".csv", ".tsv", ".txt")


def _check_reference_year(reference_year: int | None, *, file: str) -> None:
    low, high = f.YEAR_RANGE
    if reference_year is not None and not (
        isinstance(reference_year, int | np.integer) and low <= int(reference_year) <= high
    ):
        raise SitingInputError(
            Problem(
                file=file,
                column="reference_year",
                message=f"reference_year {excerpt(reference_year)} is not a year ({low}-{high})",
            )
        )


def _read_file(path: Path, *, layer: str | None) -> pd.DataFrame:
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    if path.suffix.lower() in TABLE_SUFFIXES:
        return _read_table(path)
    try:
        with warnings.catch_warnings():
            # mixed-type properties are read as text, which is what happens next anyway
            warnings.filterwarnings("ignore", message=".*Could not parse column.*")
            raw = gpd.read_file(path, layer=layer) if layer is not None else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SitingInputError(
            Problem(
                file=file,
                message=f"cannot read the file: {excerpt(str(exc), limit=200, quote=False)}",
            )
        ) from None
    if raw.geometry.isna().all():
        return pd.DataFrame(raw.drop(columns=raw.geometry.name))  # attributes only
    if raw.crs is None:
        if path.suffix.lower() in (".json", ".geojson"):
            # RFC 7946: GeoJSON coordinates without a crs member are WGS84 lon/lat.
            raw = raw.set_crs(settings.display_crs)
        else:
            raise SitingInputError(
                Problem(
                    file=file,
                    message="the file has no CRS; set one (IBIS from PDOK is EPSG:28992)",
                )
            )
    if raw.crs.is_geographic:
        x0, y0, x1, y1 = raw.total_bounds
        if max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
            raise SitingInputError(
                Problem(
                    file=file,
                    column="geometry",
                    message="the coordinates look like metres (e.g. RD New, EPSG:28992) but "
                    "the file declares no projected CRS (GeoJSON without a crs member means "
                    "WGS84 lon/lat, RFC 7946): wrong CRS",
                )
            )
    return raw


def _read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or TSV attribute table (separator from the suffix or the header line)."""
    file = str(path)
    try:
        content = read_capped(path, what="IBIS table").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SitingInputError(Problem(file=file, message="not UTF-8 text")) from None
    head = content.split("\n", 1)[0]
    sep = "\t" if path.suffix.lower() == ".tsv" or "\t" in head else ";" if ";" in head else ","
    try:
        return pd.read_csv(io.StringIO(content), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SitingInputError(
            Problem(
                file=file, message=f"not a valid table: {excerpt(str(exc), limit=200, quote=False)}"
            )
        ) from None
