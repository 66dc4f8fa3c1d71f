"""Shared parsing of the capacity-map CSV files: reading, finding columns, located problems.

Used by :mod:`siting.importers.capacity_map` (the readers per file) and
:mod:`siting.importers.grid_fallback`. The format assumptions are stated once in
:mod:`siting.importers.capacity_map`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.layers.places import gm_codes

CLASSES = (-1, 0, 1, 2, 3)


_CLASS_HELP = "colour codes are -1 (no information), 0, 1, 2 or 3"


_MAX_PER_COLUMN = 20


def _report_duplicates(
    ids: pd.Series, rows: np.ndarray, file: str, column: str, what: str, problems: list[Problem]
) -> None:
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value is None:
            continue
        if value in first:
            problems.append(
                Problem(
                    file=file,
                    row=int(rows[i]),
                    column=column,
                    message=f"duplicate {what} {excerpt(value)} (first in row {first[value]})",
                )
            )
        else:
            first[value] = int(rows[i])


def _parse_whole(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    """Whole numbers written like ``2031`` or ``2031,0`` -> ``Int64`` (empty: ``<NA>``)."""
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text).to_numpy()
    whole = np.isfinite(values) & (np.mod(np.nan_to_num(values), 1.0) == 0)
    _report(
        problems,
        ~empty & ~whole,
        lambda i: f"{excerpt(text.iloc[i])} is not a whole number",
        file=file,
        column=column,
        rows=rows,
    )
    out = pd.Series(pd.NA, index=text.index, dtype="Int64")
    out[whole] = values[whole].astype(int)
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    """Every cell as stripped-later text; ``;`` (or ``,``/tab) separated; BOM and CRLF allowed."""
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    data = read_capped(path, what="capacity-map CSV")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    if not content.strip():
        raise SitingInputError(Problem(file=file, message="the file is empty"))
    header = content.lstrip().splitlines()[0]
    sep = ";" if ";" in header else "\t" if "\t" in header else ","
    try:
        raw = pd.read_csv(
            io.StringIO(content), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SitingInputError(Problem(file=file, message=f"not a valid CSV file: {exc}")) from None
    return raw.astype(object)


def _normalise_header(name: object) -> str:
    text = str(name).strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _find_columns(
    raw: pd.DataFrame,
    candidates: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    *,
    file: str,
) -> tuple[dict[str, str], list[Problem]]:
    """Map output roles to the file's columns; a problem per missing required role."""
    by_key: dict[str, str] = {}
    for col in raw.columns:
        by_key.setdefault(_normalise_header(col), col)
    found = {}
    for role, names in candidates.items():
        col = next((by_key[n] for n in names if n in by_key), None)
        if col is not None:
            found[role] = col
    listed = ", ".join(excerpt(str(c), quote=False) for c in raw.columns[:30]) or "none"
    if len(raw.columns) > 30:
        listed += f" and {len(raw.columns) - 30} more"
    problems = [
        Problem(
            file=file,
            column=candidates[role][0],
            message=f"missing column '{candidates[role][0]}' (also accepted: "
            f"{', '.join(candidates[role][1:]) or 'no other name'}); columns found: {listed}",
        )
        for role in required
        if role not in found
    ]
    return found, problems


def _report(
    problems: list[Problem],
    mask: np.ndarray,
    message: Callable[[int], str],
    *,
    file: str,
    column: str,
    rows: np.ndarray,
) -> None:
    """Add a located problem per flagged row, at most ``_MAX_PER_COLUMN`` plus a count."""
    flagged = np.flatnonzero(mask)
    for i in flagged[:_MAX_PER_COLUMN]:
        problems.append(Problem(file=file, row=int(rows[i]), column=column, message=message(i)))
    if len(flagged) > _MAX_PER_COLUMN:
        problems.append(
            Problem(
                file=file,
                column=column,
                message=f"... and {len(flagged) - _MAX_PER_COLUMN:,} more rows with such problems",
            )
        )


def _optional_text(text: pd.Series) -> pd.Series:
    return text.where(text.ne(""), None).astype(object)


def _required_text(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    _report(
        problems,
        text.eq("").to_numpy(dtype=bool),
        lambda i: "a value is required here",
        file=file,
        column=column,
        rows=rows,
    )
    return _optional_text(text)


def _to_float(text: pd.Series) -> pd.Series:
    """Decimal comma (``1.234,5``) or point (``1234.5``) -> float; anything else -> NaN."""
    t = text.str.replace(r"[\s\u00a0]", "", regex=True)
    comma = t.str.contains(",", regex=False)
    t = t.where(~comma, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    return pd.to_numeric(t.where(t.ne(""), None), errors="coerce").astype(float)


def _parse_numbers(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text)
    arr = values.to_numpy()
    bad = ~empty & ~np.isfinite(arr)
    _report(
        problems,
        bad,
        lambda i: f"{excerpt(text.iloc[i])} is not a number",
        file=file,
        column=column,
        rows=rows,
    )
    negative = ~empty & np.isfinite(arr) & (np.nan_to_num(arr) < 0)
    _report(
        problems,
        negative,
        lambda i: (
            f"{excerpt(text.iloc[i], quote=False)} is negative; capacities and queues are >= 0"
        ),
        file=file,
        column=column,
        rows=rows,
    )
    return values.where(~pd.Series(bad | negative, index=values.index))


def _parse_classes(
    text: pd.Series,
    file: str,
    column: str,
    rows: np.ndarray,
    problems: list[Problem],
    *,
    empty_as: int | object = -1,
) -> pd.Series:
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text).to_numpy()
    finite = np.isfinite(values)
    whole = finite & (np.mod(np.nan_to_num(values), 1.0) == 0)
    valid = whole & np.isin(np.nan_to_num(values, nan=99.0), CLASSES)
    bad = ~empty & ~valid
    _report(
        problems,
        bad,
        lambda i: f"{excerpt(text.iloc[i])} is not a colour code; {_CLASS_HELP}",
        file=file,
        column=column,
        rows=rows,
    )
    result = pd.Series(pd.NA, index=text.index, dtype="Int64")
    result[valid] = values[valid].astype(int)
    if empty_as is not pd.NA:
        result = result.fillna(empty_as).astype("int64")
    return result


def _parse_gm_codes(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    codes = gm_codes(text)
    _report(
        problems,
        codes.isna().to_numpy(),
        lambda i: (
            "a municipality code is required here"
            if text.iloc[i] == ""
            else f"{excerpt(text.iloc[i])} is not a municipality code (like 772, 0772 or GM0772)"
        ),
        file=file,
        column=column,
        rows=rows,
    )
    return codes


def _read_table(
    path: str | Path,
    candidates: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    *,
    id_role: str,
    what: str,
    text_roles: Iterable[str] = (),
) -> pd.DataFrame:
    """Read one capacity-map table: text, numbers, colour codes and years by their role."""
    path = Path(path)
    file = str(path)
    raw = _read_csv(path)
    cols, problems = _find_columns(raw, candidates, required, file=file)
    if problems:
        raise SitingInputError(problems)
    rows = np.arange(len(raw)) + 2
    text = {role: raw[col].str.strip() for role, col in cols.items()}
    out: dict[str, pd.Series] = {}
    absent: list[str] = []
    for role in candidates:
        if role == id_role:
            out[role] = _required_text(text[role], file, cols[role], rows, problems)
        elif role in ("afname", "opwek"):
            out[f"{role}_class"] = (
                _parse_classes(text[role], file, cols[role], rows, problems)
                if role in text
                else pd.Series(pd.NA, index=raw.index, dtype="Int64")
            )
        elif role in text_roles:
            out[role] = (
                _optional_text(text[role])
                if role in text
                else pd.Series(None, index=raw.index, dtype=object)
            )
        elif role not in text:
            if role.endswith(("_mw", "_requests")):
                absent.append(candidates[role][0])
            kind = float if role.endswith(("_mw", "_requests")) else "Int64"
            out[role] = pd.Series(np.nan if kind is float else pd.NA, index=raw.index, dtype=kind)
        elif role.endswith(("_mw", "_requests")):
            out[role] = _parse_numbers(text[role], file, cols[role], rows, problems)
        else:  # years, quarters
            out[role] = _parse_whole(text[role], file, cols[role], rows, problems)
    _report_duplicates(out[id_role], rows, file, cols[id_role], what, problems)
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(rows, name="row")
    frame.attrs.update({"file": file, "absent_columns": absent})
    return frame
