"""Build the grid layers (``grid_areas``, ``grid_area_links``) from the capacity map's files.

:func:`build_grid_areas` turns the tables read by :mod:`siting.importers.capacity_map` into
one record per regional supply area, TenneT congestion area and TenneT station, demand side,
each with its source file and row (the links from the postcode table are in
:mod:`siting.importers.grid_links`). :func:`write_layer` writes a layer CSV that a data folder
accepts.

**Derived classes.** The 2025 regional file publishes no colour code. Where its figures allow,
a class is *derived* and kept apart from the published one (``derived_class``):

- 3 (shortage) where the required transport capacity is at least the present one;
- 0 (available) where room remains after the queue (present - required - queue > 0) and no
  solve year later than the figures' year is published;
- 1 (limited) otherwise (room before the queue, but the queue takes it or a later solve year
  is published);
- nothing (empty) where the present or the required capacity is not published.

A TenneT congestion area carries no class of its own; its derived class is the class that
every one of its stations carries, where they agree. A derived class never stands in for a
published one and no class 2 (under investigation) is derived: nothing in the figures says so.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.schema import GRID_AREA_LINKS, GRID_AREAS, LayerSpec
from siting.layers.validate import cells_as_text, neutralise_formulas, parse_table

TENNET = "TenneT"
_AREA_COLUMNS = [c.name for c in GRID_AREAS.columns]
_LINK_COLUMNS = [c.name for c in GRID_AREA_LINKS.columns]


def build_grid_areas(
    supply_areas: pd.DataFrame,
    tennet_areas: pd.DataFrame | None = None,
    stations: pd.DataFrame | None = None,
    *,
    reference_date: str,
) -> pd.DataFrame:
    """Return the ``grid_areas`` layer: regional areas, TenneT areas and stations (demand side).

    Parameters
    ----------
    supply_areas
        From :func:`siting.importers.capacity_map.read_supply_areas`.
    tennet_areas
        From :func:`~siting.importers.capacity_map.read_tennet_areas` (optional).
    stations
        From :func:`~siting.importers.capacity_map.read_tennet_stations` (optional). A
        demand-side area that a station names but ``tennet_areas`` lacks gets a record
        without figures.
    reference_date
        State of the rows that carry no year of their own (the TenneT files are undated):
        ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        Exactly the columns of :data:`siting.layers.schema.GRID_AREAS`, regional areas first
        (in file order), then TenneT areas, then stations.

    Raises
    ------
    SitingInputError
        If ``reference_date`` is malformed or an id occurs in two files (each located).
    """
    pattern = GRID_AREAS.column("reference_date").pattern or ""
    if (
        not isinstance(reference_date, str)
        or not pd.Series([reference_date]).str.fullmatch(pattern).iloc[0]
    ):
        raise SitingInputError(
            Problem(
                file="<argument>",
                column="reference_date",
                message=f"{excerpt(reference_date)} is not a date like 2025, 2025-Q4 or 2025-12",
            )
        )
    frames = [_regional(supply_areas, reference_date)]
    if tennet_areas is not None or stations is not None:
        frames.append(_tennet_areas(tennet_areas, stations, reference_date))
    if stations is not None:
        frames.append(_stations(stations, reference_date))
    out = pd.concat([f for f in frames if len(f)], ignore_index=True) if frames else None
    if out is None or out.empty:
        return typed_layer(pd.DataFrame({c: [] for c in _AREA_COLUMNS}), GRID_AREAS)
    problems = []
    first: dict[str, tuple[str, int]] = {}
    for area_id, file, row in zip(
        out["area_id"], out["source_file"], out["source_row"], strict=True
    ):
        if area_id in first:
            f0, r0 = first[area_id]
            problems.append(
                Problem(
                    file=file,
                    row=int(row),
                    message=f"id {excerpt(area_id)} is also used in {f0}, row {r0}: ids must be "
                    "unique across the capacity-map files",
                )
            )
        else:
            first[area_id] = (file, int(row))
    if problems:
        raise SitingInputError(problems)
    return typed_layer(out[_AREA_COLUMNS], GRID_AREAS)


def derived_regional_class(
    available: np.ndarray,
    required: np.ndarray,
    queue: np.ndarray,
    solve_year: np.ndarray,
    reference_year: np.ndarray,
) -> np.ndarray:
    """Derive a demand-side class from the published figures (the rule in the module docstring).

    Parameters
    ----------
    available, required, queue
        Present and required transport capacity and the queue [MW] (NaN = not published).
    solve_year, reference_year
        Expected solve year and the figures' year (NaN = not published).

    Returns
    -------
    numpy.ndarray
        Float array: 0, 1 or 3, NaN where present or required capacity is not published.
    """
    available, required = np.asarray(available, float), np.asarray(required, float)
    queue, solve = np.asarray(queue, float), np.asarray(solve_year, float)
    headroom = available - required
    room_after_queue = headroom - queue
    later = solve > np.asarray(reference_year, float)  # NaN compares False
    cls = np.where(headroom <= 0, 3.0, np.where((room_after_queue > 0) & ~later, 0.0, 1.0))
    return np.where(np.isnan(headroom), np.nan, cls)


def write_layer(frame: pd.DataFrame, spec: LayerSpec, path: str | Path) -> Path:
    """Write a layer CSV that a data folder accepts (checked against its schema first).

    Comma-separated, ``.`` as decimal mark, UTF-8, figures rounded to 4 decimals; free text that
    a spreadsheet would run as a formula is quoted
    (:func:`siting.layers.validate.neutralise_formulas`).

    Parameters
    ----------
    frame
        A frame with the layer's columns.
    spec
        The layer (:data:`~siting.layers.schema.GRID_AREAS`, ...).
    path
        The CSV file to write (its folder must exist).

    Returns
    -------
    Path

    Raises
    ------
    SitingInputError
        If columns are missing, a value breaks the schema, or the file cannot be written.
    """
    path = Path(path)
    file = str(path)
    names = [c.name for c in spec.columns]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"the frame lacks column(s) {', '.join(missing)} of the {spec.name} "
                f"layer; columns found: {', '.join(excerpt(str(c)) for c in frame.columns[:30])}",
            )
        )
    out = frame[names].reset_index(drop=True).copy()
    for col in spec.columns:
        if col.kind == "float":
            out[col.name] = pd.to_numeric(out[col.name], errors="coerce").astype(float).round(4)
    text = out.apply(cells_as_text) if len(out) else out.astype(object)
    text = neutralise_formulas(text, spec)
    _, problems = parse_table(text, spec, file=file)
    if problems:
        raise SitingInputError(problems)
    if not path.parent.is_dir():
        raise SitingInputError(Problem(file=file, message="the folder does not exist"))
    try:
        text.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    except OSError as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot write: {exc}")) from None
    return path


# -- internals ----------------------------------------------------------------------------------


def _date_of(year: Any, quarter: Any, fallback: str) -> str:
    if pd.isna(year):
        return fallback
    return f"{int(year)}-Q{int(quarter)}" if not pd.isna(quarter) else f"{int(year)}"


def _regional(areas: pd.DataFrame, reference_date: str) -> pd.DataFrame:
    file = Path(str(areas.attrs.get("file", "voedingsgebieden.csv"))).name
    dates = [
        _date_of(y, q, reference_date) for y, q in zip(areas["year"], areas["quarter"], strict=True)
    ]
    ref_year = np.array([float(d[:4]) for d in dates])
    derived = derived_regional_class(
        areas["afname_available_mw"].to_numpy(float),
        areas["afname_required_mw"].to_numpy(float),
        areas["afname_queue_mw"].to_numpy(float),
        areas["afname_solve_year"].astype("Float64").to_numpy(float, na_value=np.nan),
        ref_year,
    )
    return pd.DataFrame(
        {
            "area_id": areas["zone_id"].to_numpy(dtype=object),
            "kind": "regional",
            "operator": areas["rnb"].fillna("unknown").to_numpy(dtype=object),
            "parent_id": None,
            "afname_class": areas["afname_class"].to_numpy(dtype=object),
            "derived_class": pd.array(
                [pd.NA if np.isnan(v) else int(v) for v in derived], dtype="Int64"
            ),
            "available_mw": areas["afname_available_mw"].to_numpy(float),
            "required_mw": areas["afname_required_mw"].to_numpy(float),
            "queue_mw": areas["afname_queue_mw"].to_numpy(float),
            "requests": areas["afname_requests"].to_numpy(float),
            "expected_solve_year": areas["afname_solve_year"].to_numpy(dtype=object),
            "reference_date": dates,
            "note": areas["note"].to_numpy(dtype=object),
            "source_file": file,
            "source_row": areas.index.to_numpy(dtype=int),
        }
    )


def _tennet_areas(
    tennet_areas: pd.DataFrame | None, stations: pd.DataFrame | None, reference_date: str
) -> pd.DataFrame:
    common: dict[str, int | None] = {}
    first_row: dict[str, int] = {}
    station_file = ""
    if stations is not None:
        station_file = Path(str(stations.attrs.get("file", "tennetcongestie.csv"))).name
        for row, area, cls in zip(
            stations.index, stations["area_afname"], stations["afname_class"], strict=True
        ):
            first_row.setdefault(area, int(row))
            value = None if pd.isna(cls) else int(cls)
            common[area] = value if common.get(area, value) == value else None
    records = []
    known = set()
    if tennet_areas is not None:
        file = Path(str(tennet_areas.attrs.get("file", "tennetgebieden.csv"))).name
        for row, rec in tennet_areas.iterrows():
            known.add(rec["area_id"])
            records.append(
                _tennet_record(rec, common.get(rec["area_id"]), file, int(row), reference_date)
            )
    for area in sorted(set(common) - known, key=lambda a: first_row.get(a, -1)):
        empty = pd.Series({"area_id": area})
        records.append(
            _tennet_record(empty, common[area], station_file, first_row[area], reference_date)
        )
    return pd.DataFrame(records, columns=_AREA_COLUMNS)


def _tennet_record(
    rec: pd.Series, derived: int | None, file: str, row: int, reference_date: str
) -> dict[str, object]:
    return {
        "area_id": rec["area_id"],
        "kind": "tennet_area",
        "operator": TENNET,
        "parent_id": None,
        "afname_class": None,
        "derived_class": derived,
        "available_mw": rec.get("afname_available_mw", np.nan),
        "required_mw": rec.get("afname_required_mw", np.nan),
        "queue_mw": rec.get("afname_queue_mw", np.nan),
        "requests": rec.get("afname_requests", np.nan),
        "expected_solve_year": rec.get("afname_solve_year", None),
        "reference_date": reference_date,
        "note": rec.get("note", None),
        "source_file": file,
        "source_row": row,
    }


def _stations(stations: pd.DataFrame, reference_date: str) -> pd.DataFrame:
    file = Path(str(stations.attrs.get("file", "tennetcongestie.csv"))).name
    return pd.DataFrame(
        {
            "area_id": stations["tennet_id"].to_numpy(dtype=object),
            "kind": "tennet_station",
            "operator": TENNET,
            "parent_id": stations["area_afname"].to_numpy(dtype=object),
            "afname_class": stations["afname_class"].to_numpy(dtype=object),
            "derived_class": None,
            "available_mw": np.nan,
            "required_mw": np.nan,
            "queue_mw": np.nan,
            "requests": np.nan,
            "expected_solve_year": None,
            "reference_date": reference_date,
            "note": None,
            "source_file": file,
            "source_row": stations.index.to_numpy(dtype=int),
        }
    )


def typed_layer(frame: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Return the frame with the layer's dtypes (nullable ints and years, floats, text)."""
    out = {}
    for col in spec.columns:
        values = frame[col.name] if col.name in frame.columns else [None] * len(frame)
        if col.kind in ("int", "year"):
            numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
            out[col.name] = numbers.round().astype("Int64").to_numpy()
        elif col.kind == "float":
            out[col.name] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
        else:
            series = pd.Series(values, dtype=object)
            out[col.name] = series.where(series.notna(), None)
    result = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in out.items()})
    for col in spec.columns:
        if col.kind in ("int", "year"):
            result[col.name] = result[col.name].astype("Int64")
        elif col.kind == "float":
            result[col.name] = result[col.name].astype(float)
        else:
            result[col.name] = result[col.name].astype(object)
    return result
