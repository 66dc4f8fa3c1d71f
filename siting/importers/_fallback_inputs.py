"""The checked inputs of :mod:`siting.importers.grid_fallback`: each postcode with its class.

A postcode's class is its own ``afname`` code, or, where that is missing, the code of its
supply area; a postcode naming a supply area the area table does not have is a problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.importers._capacity_csv import _report
from siting.layers.schema import GRID_CONGESTION

_DATE = re.compile(GRID_CONGESTION.column("status_date").pattern or "")


def _rows_of(frame: pd.DataFrame) -> np.ndarray:
    if frame.index.name == "row":
        return frame.index.to_numpy(dtype=int)
    return np.arange(len(frame)) + 2


def _require_frame_columns(frame: pd.DataFrame, needed: Iterable[str], file: str) -> list[Problem]:
    missing = [c for c in needed if c not in frame.columns]
    if not missing:
        return []
    return [
        Problem(
            file=file,
            message=f"missing column(s) {', '.join(missing)}; columns found: "
            f"{', '.join(map(str, frame.columns))}",
        )
    ]


def _is_date(text: object) -> bool:
    """Return whether ``text`` is a real month (``2025-01``) or day (``2025-01-31``)."""
    if not isinstance(text, str) or _DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text if len(text) > 7 else text + "-01")
    except ValueError:  # e.g. 2025-02-30
        return False
    return True


def _postcode_classes(
    postcodes: pd.DataFrame, areas: pd.DataFrame | None, *, status_date: str | None
) -> pd.DataFrame:
    """Postcodes with their class, supply area and operator; unknown areas are problems."""
    pc_file = str(postcodes.attrs.get("file", "<postcodes>"))
    area_file = "" if areas is None else str(areas.attrs.get("file", "<supply areas>"))
    problems = _check_inputs(postcodes, areas, status_date, pc_file, area_file)
    if problems:
        raise SitingInputError(problems)
    merged = pd.DataFrame(
        {
            "gm_code": postcodes["gm_code"].to_numpy(dtype=object),
            "zone_id": postcodes["zone_id"].to_numpy(dtype=object),
            "municipality": (
                postcodes["municipality"].to_numpy(dtype=object)
                if "municipality" in postcodes.columns
                else None
            ),
        }
    )
    own = pd.array(postcodes["afname_class"].to_numpy(dtype=object), dtype="Int64")
    zone_class = pd.array([pd.NA] * len(merged), dtype="Int64")
    operator: list[object] = [None] * len(merged)
    if areas is not None:
        rows = _rows_of(postcodes)
        known = set(areas["zone_id"].dropna())
        unknown = (merged["zone_id"].notna() & ~merged["zone_id"].isin(known)).to_numpy()
        _report(
            problems,
            unknown,
            lambda i: f"supply area {excerpt(merged['zone_id'].iloc[i])} is not in {area_file}",
            file=pc_file,
            column="voedingsgebied_id",
            rows=rows,
        )
        if problems:
            raise SitingInputError(problems)
        lookup = areas.drop_duplicates("zone_id").set_index("zone_id")
        zone_class = pd.array(
            merged["zone_id"].map(lookup["afname_class"]).to_numpy(dtype=object), dtype="Int64"
        )
        label = lookup["grid_operator"].where(lookup["grid_operator"].notna(), lookup["rnb"])
        operator = list(merged["zone_id"].map(label).to_numpy(dtype=object))
    merged["from_area"] = pd.isna(own) & ~pd.isna(zone_class)
    cls = pd.Series(own).fillna(pd.Series(zone_class)).fillna(-1)
    merged["class"] = cls.astype("int64").to_numpy()
    merged["operator"] = pd.Series(operator, dtype=object).to_numpy()
    return merged[merged["gm_code"].notna()].reset_index(drop=True)


def _check_inputs(
    postcodes: pd.DataFrame,
    areas: pd.DataFrame | None,
    status_date: str | None,
    pc_file: str,
    area_file: str,
) -> list[Problem]:
    """Return the problems of the date argument and of the frames' columns."""
    problems = []
    if status_date is not None and not _is_date(status_date):
        problems.append(
            Problem(
                file="<argument>",
                column="status_date",
                message=f"{excerpt(status_date)} is not a date like 2025-01 or 2025-01-31",
            )
        )
    problems += _require_frame_columns(
        postcodes, ("postcode", "zone_id", "gm_code", "afname_class"), pc_file
    )
    if areas is not None:
        problems += _require_frame_columns(
            areas,
            (
                "zone_id",
                "grid_operator",
                "rnb",
                "afname_class",
                "afname_available_mw",
                "afname_required_mw",
                "afname_queue_mw",
            ),
            area_file,
        )
    return problems
