"""Read a lead pipeline (CSV or Excel) into profiles, never losing a lead.

A leads table has one row per company, with the flat profile columns of
:data:`siting.inputs.profile.FLAT_FIELDS` (``id``, ``municipality``, ``year``, ``land_ha``,
``power_mw``, ``talent_hbo``, ...) or their full names (``needs.land_ha``,
``weights.talent_fit``). Every row goes through :func:`siting.inputs.profile.parse_profile`, so a
batch and a single TOML case obey the same rules.

What :func:`read_leads` guarantees:

- every non-empty data row yields exactly one :class:`Lead`: either valid (with its
  :class:`~siting.inputs.profile.Profile`) or invalid with *all* its problems, each located by file,
  spreadsheet row and column; blank rows are skipped and counted;
- file-level problems (missing or empty file, unknown extension, unreadable text, no header
  row with an ``id`` column, a column named twice) raise :class:`~siting.SitingInputError`;
- two rows with the same id are both invalid, each naming the other row;
- columns that are no profile field are reported once, as a warning, and ignored.

Formats: CSV separated by ``,`` or ``;`` (detected from the header row), UTF-8 with or
without a byte-order mark; in ``;``-separated files (the Dutch Excel default) a decimal comma
in a number field (``2,5``) is read as a decimal point. Excel ``.xlsx``: the first sheet or
the one named. In both, title lines above the header are skipped: the header is the first row
with a cell ``id`` (case-insensitive).

Lists inside a cell (``nts_domains``, ``exclude_provinces``, ``space_types``) are separated by
``|`` or ``;`` (in a ``;``-separated file, ``|`` needs no quotes); a comma inside an official
domain name stays part of the name (:func:`siting.inputs.profile.split_list_text`). A number
written with a Dutch thousands separator (``1.500``) is refused with a message naming the
column, never read as 1.5; a need year already past is a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.inputs._lead_cells import (
    HEADER_SEARCH_ROWS,
    ID_COLUMNS,
    csv_rows,
    excel_rows,
    excel_text,
)
from siting.inputs._lead_columns import classify_columns, read_header
from siting.inputs._lead_rows import read_rows
from siting.inputs.lead_table import Lead, LeadTable

__all__ = [
    "HEADER_SEARCH_ROWS",
    "ID_COLUMNS",
    "Lead",
    "LeadTable",
    "leads_from_frame",
    "read_leads",
]

_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


def read_leads(
    path: str | Path | pd.DataFrame,
    *,
    sheet: str | None = None,
    extra_columns: Sequence[str] = (),
) -> LeadTable:
    """Read a leads table (CSV, Excel or a DataFrame) into one :class:`Lead` per data row.

    Parameters
    ----------
    path
        A ``.csv`` (``,`` or ``;`` separated, UTF-8) or ``.xlsx`` file, or a
        :class:`pandas.DataFrame` with the same columns (read by :func:`leads_from_frame`).
    sheet
        Excel sheet to read; default the first.
    extra_columns
        Columns that are no profile field but that the caller uses (e.g. ``priority``): kept
        as text in :attr:`Lead.extra` and not reported as unknown.

    Returns
    -------
    LeadTable

    Raises
    ------
    SitingInputError
        For file-level problems: missing, empty or unreadable file, unknown extension, no
        header row with an ``id`` column, a column named twice.
    """
    if _is_frame(path):
        if sheet is not None:
            raise SitingInputError(
                Problem(file="<DataFrame>", message="a DataFrame has no sheets; leave out sheet")
            )
        return leads_from_frame(path, extra_columns=extra_columns)
    path = _checked_path(path)
    file = str(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        rows, sheet_name = excel_rows(path, file, sheet)
        separator = None
    else:
        if sheet is not None:
            raise SitingInputError(
                Problem(file=file, message="a CSV file has no sheets; leave out the sheet option")
            )
        rows, separator = csv_rows(path, file)
        sheet_name = None
    return _build_table(
        rows, file=file, separator=separator, sheet=sheet_name, extra_columns=tuple(extra_columns)
    )


def _checked_path(path: object) -> Path:
    """Return ``path`` as a :class:`~pathlib.Path` of an existing leads file.

    Raises
    ------
    SitingInputError
        For a value that is no path, an unknown extension, or a missing file.
    """
    if not isinstance(path, str | Path):
        raise SitingInputError(
            Problem(
                file="<leads>",
                message=f"expected a leads file (.csv, .xlsx) or a pandas DataFrame, got "
                f"{type(path).__name__}",
            )
        )
    path = Path(path)
    file = str(path)
    if path.suffix.lower() not in _SUFFIXES:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"unknown file type {excerpt(path.suffix)}; give a .csv (comma or "
                "semicolon separated, UTF-8) or an .xlsx file",
            )
        )
    if not path.is_file():
        raise SitingInputError(
            Problem(file=file, message="file not found" if not path.exists() else "not a file")
        )
    return path


def leads_from_frame(
    frame: pd.DataFrame,
    *,
    file: str = "<DataFrame>",
    extra_columns: Sequence[str] = (),
) -> LeadTable:
    """Read a leads table held in a DataFrame, with the rules of :func:`read_leads`.

    The column names are the header; each row is one lead. Cells are read as a CSV export
    would hold them (missing values empty, ``True`` as ``true``, ``2.0`` as ``2``). Rows are
    numbered as in a spreadsheet of the frame: the header is row 1, the first lead row 2.

    Parameters
    ----------
    frame
        One row per company, columns as in ``models/leads/README.md``.
    file
        How problems name the table.
    extra_columns
        As in :func:`read_leads`.

    Returns
    -------
    LeadTable

    Raises
    ------
    SitingInputError
        When the frame has no ``id`` column or names a column twice.
    """
    header = [str(c) for c in frame.columns]
    rows = [header] + [
        [excel_text(None if _missing(v) else v) for v in values]
        for values in frame.itertuples(index=False, name=None)
    ]
    if len(rows) == 1:
        raise SitingInputError(Problem(file=file, message="the table has no rows"))
    return _build_table(
        rows, file=file, separator=None, sheet=None, extra_columns=tuple(extra_columns)
    )


def _is_frame(value: object) -> bool:
    return type(value).__name__ == "DataFrame" and hasattr(value, "itertuples")


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and arrays are not missing
        return False


def _build_table(
    rows: list[list[str]],
    *,
    file: str,
    separator: str | None,
    sheet: str | None,
    extra_columns: tuple[str, ...],
) -> LeadTable:
    """Read the header and every data row of a table of text cells into a :class:`LeadTable`."""
    header_index, names, warnings = read_header(rows, file)
    header_row = header_index + 1
    columns, column_warnings = classify_columns(names, extra_columns, file, header_row)
    leads, blank, row_warnings = read_rows(
        rows, header_index, columns, file=file, separator=separator
    )
    return LeadTable(
        file=file,
        leads=tuple(leads),
        header_row=header_row,
        columns=tuple(names),
        blank_rows=blank,
        warnings=tuple(warnings + column_warnings + row_warnings),
        separator=separator,
        sheet=sheet,
    )
