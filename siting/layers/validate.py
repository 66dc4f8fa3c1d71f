"""Parse a raw table against a :class:`~siting.layers.schema.LayerSpec`, collecting every problem.

The functions here never raise for bad data: they return the parsed frame together with the
list of :class:`~siting._errors.Problem` found, so a caller can report all of them at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from siting import vng
from siting._errors import Problem, excerpt, safe_cell
from siting.layers.schema import Column, LayerSpec

_TRUE = {"true", "1", "yes", "ja", "waar", "y", "t"}
_FALSE = {"false", "0", "no", "nee", "onwaar", "n", "f"}
_YEAR_RANGE = (1900, 2100)

#: Rough extent of the Netherlands incl. its territorial waters, WGS84 [degree].
NL_LONLAT_BOUNDS = (3.0, 50.6, 7.5, 53.8)
#: The same in RD New [m].
NL_RD_BOUNDS = (-10_000.0, 280_000.0, 300_000.0, 640_000.0)


def parse_table(
    raw: pd.DataFrame,
    spec: LayerSpec,
    *,
    file: str,
    first_row: int = 2,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse and check the columns of ``raw`` (all cells as text) against ``spec``.

    Parameters
    ----------
    raw
        The table as read, every cell a string (empty string for an empty cell).
    spec
        The layer specification.
    file
        File name used in the problems.
    first_row
        Row number of the first data row as the user sees it (2 in a spreadsheet with a header).

    Returns
    -------
    frame : pandas.DataFrame
        Typed columns in the order of the spec (unknown values as missing).
    problems : list of Problem
        Every problem found.
    """
    problems: list[Problem] = []
    raw = raw.rename(columns=lambda c: str(c).strip())
    rows = np.arange(len(raw)) + first_row
    missing = [c.name for c in spec.columns if c.name not in raw.columns and not c.optional_column]
    if missing:
        problems.append(
            Problem(
                file=file,
                message=f"missing column(s): {', '.join(missing)}; "
                f"the {spec.name} layer needs {', '.join(c.name for c in spec.columns)}",
            )
        )
    parsed: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name not in raw.columns:
            parsed[col.name] = pd.Series([None] * len(raw), index=raw.index, dtype=object)
            continue
        text = raw[col.name].fillna("").astype(str).str.strip()
        values, col_problems = _parse_column(text, col, file=file, rows=rows)
        parsed[col.name] = values
        problems.extend(col_problems)
    frame = pd.DataFrame(parsed, index=raw.index)
    problems.extend(_duplicate_ids(frame, spec, file=file, rows=rows))
    return frame.reset_index(drop=True), problems


#: Adds a problem per flagged row: ``bad(mask, message)``, the message a text, one text per
#: row, or a function of the cell.
_Bad = Callable[[np.ndarray, "str | Sequence[str] | Callable[[str], str]"], None]


def _parse_column(
    text: pd.Series, col: Column, *, file: str, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    problems: list[Problem] = []
    empty = text.eq("").to_numpy()
    # one conversion to Python strings: iterating an Arrow-backed column cell by cell costs
    # about 0.7 us a cell (2 s of a 100,000-site layer), a numpy object array a tenth of that
    cells = text.to_numpy(dtype=object)

    def bad(mask: np.ndarray, message: str | Sequence[str] | Callable[[str], str]) -> None:
        """Add a problem per row in ``mask``: the message, or the message of its cell."""
        for i in np.flatnonzero(mask).tolist():
            if isinstance(message, str):
                msg = message
            elif callable(message):
                msg = message(cells[i])
            else:
                msg = message[i]
            problems.append(Problem(file=file, row=int(rows[i]), column=col.name, message=msg))

    if col.required:
        bad(empty, "a value is required here")
    if col.kind in ("int", "float", "year"):
        return _parse_numbers(text, col, empty, bad), problems
    if col.kind == "category":
        return _parse_categories(text, empty, bad), problems
    if col.kind == "bool":
        return _parse_bools(text, col, empty, bad), problems
    if col.kind == "list":
        return _parse_lists(text, cells, col, bad), problems
    return _parse_texts(text, cells, col, empty, bad), problems


def _parse_numbers(text: pd.Series, col: Column, empty: np.ndarray, bad: _Bad) -> pd.Series:
    """Parse an ``int``, ``float`` or ``year`` column (decimal comma allowed), in its bounds."""
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    numbers = numbers.astype(float)
    not_number = (~empty) & numbers.isna().to_numpy()
    bad(not_number, lambda v: f"{excerpt(v)} is not a number")
    finite = np.isfinite(numbers.to_numpy())
    bad((~empty) & (~not_number) & ~finite, "the number must be finite")
    ok = finite
    if col.kind in ("int", "year"):
        frac = ok & (np.mod(numbers.to_numpy(), 1.0) != 0)
        bad(frac, lambda v: f"{excerpt(v, quote=False)} is not a whole number")
        ok = ok & ~frac
    lo, hi = col.minimum, col.maximum
    if col.kind == "year":
        lo, hi = _YEAR_RANGE
    arr = numbers.to_numpy()
    if lo is not None:
        below = ok & (arr < lo)
        bad(below, lambda v: f"{excerpt(v, quote=False)} is below the minimum {lo:g}")
        ok = ok & ~below
    if hi is not None:
        above = ok & (arr > hi)
        bad(above, lambda v: f"{excerpt(v, quote=False)} is above the maximum {hi:g}")
        ok = ok & ~above
    values = numbers.where(ok)
    if col.kind in ("int", "year"):
        values = values.astype("Int64")
    return values


def _parse_categories(text: pd.Series, empty: np.ndarray, bad: _Bad) -> pd.Series:
    """Parse a ``category`` column: a category of the VNG scale (:mod:`siting.vng`)."""
    numbers = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").astype(float)
    ok = np.array([vng.is_category(v) for v in numbers.to_numpy()], dtype=bool)
    allowed = ", ".join(f"{v:g}" for v in vng.CATEGORIES)
    bad(
        (~empty) & ~ok,
        lambda v: (
            f"{excerpt(v)} is not an environmental category of the VNG scale; allowed: {allowed}"
        ),
    )
    return numbers.where(ok)


def _parse_bools(text: pd.Series, col: Column, empty: np.ndarray, bad: _Bad) -> pd.Series:
    """Parse a ``bool`` column (``None`` where empty; ``boolean`` when required)."""
    lower = text.str.lower()
    is_true = lower.isin(_TRUE).to_numpy()
    is_false = lower.isin(_FALSE).to_numpy()
    bad((~empty) & ~is_true & ~is_false, lambda v: f"{excerpt(v)} is not true or false")
    flags = np.full(len(text), None, dtype=object)  # None where neither
    flags[is_false] = False
    flags[is_true] = True
    values = pd.Series(flags, index=text.index, dtype=object)
    if col.required:
        values = values.astype("boolean")
    return values


def _parse_lists(text: pd.Series, cells: np.ndarray, col: Column, bad: _Bad) -> pd.Series:
    """Parse a ``list`` column: ``;``-separated items, each in ``col.allowed`` if given."""
    items = [tuple(p.strip() for p in v.split(";") if p.strip()) if v else () for v in cells]
    if col.allowed is not None:
        allowed = set(col.allowed)
        msgs = []
        for tup in items:
            unknown = [x for x in tup if x not in allowed]
            msgs.append(
                f"unknown value(s) {', '.join(map(excerpt, unknown[:5]))}; allowed: "
                f"{', '.join(col.allowed)}"
                if unknown
                else ""
            )
        bad(np.array([bool(m) for m in msgs], dtype=bool), msgs)
    return pd.Series(items, index=text.index, dtype=object)


def _parse_texts(
    text: pd.Series, cells: np.ndarray, col: Column, empty: np.ndarray, bad: _Bad
) -> pd.Series:
    """Parse a ``str`` column: allowed values and pattern; ``None`` where empty."""
    if col.allowed is not None:
        not_allowed = (~empty) & ~text.isin(col.allowed).to_numpy()
        allowed_text = ", ".join(col.allowed)
        bad(not_allowed, lambda v: f"{excerpt(v)} is not allowed; allowed: {allowed_text}")
    if col.pattern is not None:
        regex = re.compile(col.pattern)
        mismatch = np.array([bool(v) and regex.fullmatch(v) is None for v in cells], dtype=bool)
        bad(mismatch, lambda v: f"{excerpt(v)} does not have the form {col.pattern}")
    values = cells.copy()  # object array: None where empty
    values[empty] = None
    return pd.Series(values, index=text.index, dtype=object)


def _duplicate_ids(
    frame: pd.DataFrame, spec: LayerSpec, *, file: str, rows: np.ndarray
) -> list[Problem]:
    ids = frame[spec.id_column]
    dup = ids.notna() & ids.duplicated(keep="first")
    problems = []
    first_row = {}
    for i, value in enumerate(ids):
        if value is not None and value not in first_row:
            first_row[value] = int(rows[i])
    for i in np.flatnonzero(dup.to_numpy()).tolist():
        value = ids.iloc[i]
        problems.append(
            Problem(
                file=file,
                row=int(rows[i]),
                column=spec.id_column,
                message=f"duplicate id {excerpt(value)} (first used in row {first_row[value]})",
            )
        )
    return problems


def check_lonlat(lon: pd.Series, lat: pd.Series, *, file: str, first_row: int = 2) -> list[Problem]:
    """Check WGS84 lon/lat columns: in the Netherlands, not swapped, not RD New metres.

    Parameters
    ----------
    lon, lat
        Parsed coordinates [degree]; missing values are skipped (reported elsewhere).
    file
        File name used in the problems.
    first_row
        Row number of the first data row.

    Returns
    -------
    list of Problem
    """
    problems = []
    xmin, ymin, xmax, ymax = NL_LONLAT_BOUNDS
    xs, ys = lon.to_numpy(float), lat.to_numpy(float)
    with np.errstate(invalid="ignore"):
        inside = (xs >= xmin) & (xs <= xmax) & (ys >= ymin) & (ys <= ymax)
    outside = np.isfinite(xs) & np.isfinite(ys) & ~inside
    for i in np.flatnonzero(outside).tolist():  # only the rows to report, one by one
        x, y = float(xs[i]), float(ys[i])
        row = i + first_row
        if abs(x) > 1000 or abs(y) > 1000:
            msg = (
                f"({x:g}, {y:g}) look like metres (e.g. RD New, EPSG:28992), but lon/lat "
                "must be WGS84 degrees (EPSG:4326): wrong CRS"
            )
        elif xmin <= y <= xmax and ymin <= x <= ymax:
            msg = f"lon {x:g} and lat {y:g} look swapped"
        else:
            msg = (
                f"({x:g}, {y:g}) lies outside the Netherlands "
                f"(lon {xmin}..{xmax}, lat {ymin}..{ymax})"
            )
        problems.append(Problem(file=file, row=row, column="lon/lat", message=msg))
    return problems


def cells_as_text(column: pd.Series) -> pd.Series:
    """Render the cells of a typed column as the text :func:`parse_table` reads.

    Missing values become ``""``; whole floats lose their ``.0`` (GIS formats store integers
    as floats); other values are stripped text.

    Parameters
    ----------
    column
        Any column.

    Returns
    -------
    pandas.Series
        Object column of strings.
    """

    def render(value: object) -> str:
        if value is None or value is pd.NA:
            return ""
        if isinstance(value, float | np.floating):
            if np.isnan(value):
                return ""
            if float(value).is_integer():
                return str(int(value))
        return str(value).strip()

    return column.astype(object).map(render).astype(object)


def neutralise_formulas(frame: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Return ``frame`` with its free-text cells guarded against running as a formula.

    A text cell of a layer file that starts like a spreadsheet formula (``=``, ``+``, ``-``,
    ``@``, tab, carriage return) gets a leading quote (:func:`siting._errors.safe_cell`), as
    the results do, so a layer written by an importer is safe to open in a spreadsheet.
    Columns with a pattern or a list of allowed values (ids, codes, classes) cannot start so
    when valid and are left as they are; numbers are never touched.

    Parameters
    ----------
    frame
        A layer table (text or parsed values).
    spec
        Its layer specification.

    Returns
    -------
    pandas.DataFrame
        A new frame.
    """
    out = frame.copy()
    for col in spec.columns:
        if col.name not in out.columns or col.kind not in ("str", "list"):
            continue
        if col.pattern is not None or col.allowed is not None:
            continue
        out[col.name] = [_safe_text(v) for v in out[col.name]]
    return out


def _safe_text(value: object) -> object:
    if isinstance(value, tuple | list):
        return type(value)(safe_cell(v) for v in value)
    return safe_cell(value)
