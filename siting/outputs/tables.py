"""Write results as CSV, Excel, JSON or GIS files; the suffix of the path chooses the format.

==============================  ==========================================================
``.csv``                        the main table; ``dialect="standard"`` (``,``, decimal
                                point, UTF-8) or ``"excel"`` (``;``, decimal comma, UTF-8
                                with a byte-order mark: what Dutch Excel opens as it is)
``.xlsx``                       every table of the result, one styled sheet each
                                (:mod:`siting.outputs.excel`)
``.json``                       everything (``to_dict()``)
``.gpkg``, ``.parquet``,        the result's layers with their geometry
``.geojson``                    (:mod:`siting.outputs.gis`)
==============================  ==========================================================

Formula neutralisation: in CSV a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading apostrophe (``'=SUM(A1)``), which spreadsheets show as text
and never evaluate; in Excel files text is written as string cells, shown as written, with no
visible mark; JSON and GIS files keep the data as it is.
"""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt, safe_cell
from siting.outputs.excel import Sheet, write_workbook
from siting.outputs.frames import ranking_frame, ranking_sheets
from siting.outputs.pipeline_frames import (
    assignment_frame,
    assignment_sheets,
    screening_frame,
    screening_sheets,
    screening_summary,
)
from siting.outputs.whatif_frames import (
    comparison_frame,
    comparison_sheets,
    sweep_frame,
    sweep_sheets,
)
from siting.results.assignment import AssignmentResult
from siting.results.ranking import RankingResult, json_ready
from siting.results.screening import ScreenResult
from siting.results.whatif import Comparison, Sweep

#: CSV dialects: name -> (separator, decimal mark, encoding).
CSV_DIALECTS: dict[str, tuple[str, str, str]] = {
    "standard": (",", ".", "utf-8"),
    "excel": (";", ",", "utf-8-sig"),
}
#: Suffixes written by :mod:`siting.outputs.gis`.
GIS_SUFFIXES = (".gpkg", ".parquet", ".geoparquet", ".geojson")
#: Every suffix :func:`write_result` knows.
SUFFIXES = (".csv", ".xlsx", ".json", *GIS_SUFFIXES)

#: What :func:`write_result` writes.
Result = RankingResult | ScreenResult | AssignmentResult | Comparison | Sweep


def write_csv(frame: pd.DataFrame, path: str | Path, *, dialect: str = "standard") -> Path:
    """Write a table as CSV in one of :data:`CSV_DIALECTS`, formula-like text neutralised.

    Parameters
    ----------
    frame
        The table (field names as headers).
    path
        Target file; its folder is created if needed.
    dialect
        ``"standard"``: ``,``-separated, decimal point, UTF-8; ``"excel"``: ``;``-separated,
        decimal comma, UTF-8 with a byte-order mark.

    Returns
    -------
    Path
    """
    if dialect not in CSV_DIALECTS:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="csv dialect",
                label="option",
                message=f"{excerpt(dialect)} is no CSV dialect; allowed: {', '.join(CSV_DIALECTS)}",
            )
        )
    separator, decimal, encoding = CSV_DIALECTS[dialect]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=separator)
        writer.writerow([str(c) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([_csv_value(v, decimal) for v in row])
    return path


def _csv_value(value: Any, decimal: str) -> Any:
    if value is None or value is pd.NA:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        text = repr(value)
        return text.replace(".", decimal) if decimal != "." else text
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value)
    return safe_cell(value)


def main_frame(result: Result) -> pd.DataFrame:
    """Return the main table of a result (what its ``.csv`` holds and ``to_frame()`` gives)."""
    if isinstance(result, RankingResult):
        return ranking_frame(result)
    if isinstance(result, ScreenResult):
        return screening_frame(result)
    if isinstance(result, AssignmentResult):
        return assignment_frame(result)
    if isinstance(result, Comparison):
        return comparison_frame(result)
    if isinstance(result, Sweep):
        return sweep_frame(result)
    raise TypeError(f"no table for a {type(result).__name__}")


def result_sheets(result: Result) -> list[Sheet]:
    """Return every table of a result, for a workbook."""
    if isinstance(result, RankingResult):
        return ranking_sheets(result)
    if isinstance(result, ScreenResult):
        return screening_sheets(result)
    if isinstance(result, AssignmentResult):
        return assignment_sheets(result)
    if isinstance(result, Comparison):
        return comparison_sheets(result)
    if isinstance(result, Sweep):
        return sweep_sheets(result)
    raise TypeError(f"no tables for a {type(result).__name__}")


def check_output_path(path: str | Path, *, option: str = "--out") -> Path:
    """Return the path, or raise a located error when its suffix is no known format."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise SitingInputError(
            Problem(
                file=str(path),
                column=option,
                label="option",
                message=f"unknown output type {excerpt(path.suffix)}; use {', '.join(SUFFIXES)}",
            )
        )
    return path


def write_result(
    result: Result,
    path: str | Path,
    *,
    csv_dialect: str = "standard",
    crs: str | None = None,
) -> list[Path]:
    """Write a result in the format its path's suffix names.

    Parameters
    ----------
    result
        A ranking, screening, assignment, comparison or sweep.
    path
        ``.csv``, ``.xlsx``, ``.json``, ``.gpkg``, ``.parquet`` / ``.geoparquet`` or
        ``.geojson``; its folder is created if needed.
    csv_dialect
        For ``.csv``: ``"standard"`` or ``"excel"`` (see :func:`write_csv`).
    crs
        For the GIS formats: ``"EPSG:28992"`` (default, RD New) or ``"EPSG:4326"`` (WGS84).

    Returns
    -------
    list of Path
        The files written (GeoParquet and GeoJSON hold one layer per file: the first is the
        main layer, the others are named ``<stem>-<layer><suffix>``).

    Raises
    ------
    SitingInputError
        For an unknown suffix, dialect or CRS.
    """
    path = check_output_path(path)
    suffix = path.suffix.lower()
    if suffix in GIS_SUFFIXES:
        if isinstance(result, Comparison | Sweep):
            raise SitingInputError(
                Problem(
                    file=str(path),
                    message="comparisons and sweeps have no map layers; write .csv, .xlsx "
                    "or .json (or rank a case with --out FILE.gpkg)",
                )
            )
        from siting.outputs.gis import write_gis

        return write_gis(result, path, crs=crs)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        data = json_ready(result.to_dict())
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    elif suffix == ".xlsx":
        write_workbook(result_sheets(result), path)
    else:
        write_csv(main_frame(result), path, dialect=csv_dialect)
    return [path]


def write_ranking_csv(
    result: RankingResult, path: str | Path, *, dialect: str = "standard"
) -> Path:
    """Write one row per recommended site as CSV (:func:`siting.outputs.frames.ranking_frame`).

    Parameters
    ----------
    result
        The ranking.
    path
        Target file.
    dialect
        See :func:`write_csv`.

    Returns
    -------
    Path
    """
    return write_csv(ranking_frame(result), path, dialect=dialect)


def write_screen(
    result: ScreenResult,
    path: str | Path,
    *,
    dialect: str = "standard",
    crs: str | None = None,
) -> Path:
    """Write a screening result; the suffix chooses the format (see :func:`write_result`).

    CSV holds one row per lead and site (:func:`siting.outputs.frames.screening_frame`),
    Excel every table, JSON the full result (:meth:`ScreenResult.to_dict`).

    Returns
    -------
    Path
        The (first) file written.
    """
    return write_result(result, path, csv_dialect=dialect, crs=crs)[0]


def write_assignment(
    result: AssignmentResult,
    path: str | Path,
    *,
    dialect: str = "standard",
    crs: str | None = None,
) -> Path:
    """Write an assignment; the suffix chooses the format (see :func:`write_result`).

    ``.csv`` has one row per lead, ``.xlsx`` a sheet per table (leads, sites, zones, capacity
    values, regions, run) and ``.json`` everything.

    Returns
    -------
    Path
        The (first) file written.
    """
    return write_result(result, path, csv_dialect=dialect, crs=crs)[0]


def summary_rows(result: ScreenResult) -> list[tuple[str, Any]]:
    """Return a screening's headline counts as ``(label, value)`` pairs."""
    return screening_summary(result)
