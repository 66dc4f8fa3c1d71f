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

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.inputs.profile import (
    FLAT_FIELDS,
    Profile,
    needs_year_warning,
    nest_flat_record,
    parse_profile,
)

#: The header row is searched for in the first this many rows.
HEADER_SEARCH_ROWS = 50

#: Names (case-insensitive) that mark the id column of the header row.
ID_COLUMNS = ("id", "company.id")

#: Leaves of the profile that hold numbers (a decimal comma is accepted there in ``;`` files).
_NUMERIC_LEAVES = frozenset(
    {
        "lat",
        "lon",
        "year",
        "land_ha",
        "floor_m2",
        "cleanroom_m2",
        "environmental_category",
        "power_mw",
        "mbo",
        "hbo",
        "wo",
        "max_relocation_km",
        "max_distance_km",
        "rnd_land_ha",
        "rnd_power_mw",
    }
)
_DECIMAL_COMMA = re.compile(r"^\s*[+-]?\d+,\d+\s*$")
_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")


@dataclass(frozen=True)
class Lead:
    """One data row of a leads table.

    Attributes
    ----------
    lead_id
        The id as given, or ``row-<n>`` when the row has none.
    row
        Spreadsheet row number (as Excel shows it).
    profile
        The validated profile; ``None`` when the row is invalid.
    problems
        Every problem of the row (empty when valid), each with file, row and column.
    extra
        Values of the extra columns asked for (``read_leads(extra_columns=...)``), as text.
    """

    lead_id: str
    row: int
    profile: Profile | None
    problems: tuple[Problem, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        """Whether the row is a valid profile."""
        return self.profile is not None and not self.problems


@dataclass(frozen=True)
class LeadTable:
    """A read leads table: every lead, valid or not, in file order.

    Attributes
    ----------
    file
        The file as named by the user.
    leads
        One per non-empty data row, in file order.
    header_row
        Spreadsheet row number of the header row (1 unless title lines precede it).
    columns
        The header cells, as given.
    blank_rows
        Data rows skipped because every cell was empty.
    warnings
        Problems that do not invalidate a lead (unknown columns, title lines skipped).
    separator
        ``","`` or ``";"`` for CSV; ``None`` for Excel.
    sheet
        The sheet read, for Excel.
    """

    file: str
    leads: tuple[Lead, ...]
    header_row: int
    columns: tuple[str, ...]
    blank_rows: int = 0
    warnings: tuple[Problem, ...] = ()
    separator: str | None = None
    sheet: str | None = None

    def __len__(self) -> int:
        return len(self.leads)

    @property
    def valid(self) -> tuple[Lead, ...]:
        """The valid leads."""
        return tuple(lead for lead in self.leads if lead.valid)

    @property
    def invalid(self) -> tuple[Lead, ...]:
        """The invalid leads."""
        return tuple(lead for lead in self.leads if not lead.valid)


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
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
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
    if suffix in (".xlsx", ".xlsm"):
        rows, sheet_name = _excel_rows(path, file, sheet)
        separator = None
    else:
        if sheet is not None:
            raise SitingInputError(
                Problem(file=file, message="a CSV file has no sheets; leave out the sheet option")
            )
        rows, separator = _csv_rows(path, file)
        sheet_name = None
    return _build_table(
        rows, file=file, separator=separator, sheet=sheet_name, extra_columns=tuple(extra_columns)
    )


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
        [_excel_text(None if _missing(v) else v) for v in values]
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


# --- reading the cells ------------------------------------------------------------------------


def _csv_rows(path: Path, file: str) -> tuple[list[list[str]], str]:
    try:
        raw = read_capped(path, what="leads table")
    except OSError as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot read: {exc}")) from None
    if b"\x00" in raw[:4096]:
        raise SitingInputError(
            Problem(
                file=file, message="not a text file (binary content); save the table as CSV UTF-8"
            )
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"not UTF-8 text (byte {exc.start}); save the table as "
                "'CSV UTF-8' in Excel",
            )
        ) from None
    if not text.strip():
        raise SitingInputError(Problem(file=file, message="the file is empty"))
    candidates = []
    for sep in (",", ";"):
        try:
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        except csv.Error as exc:
            raise SitingInputError(Problem(file=file, message=f"not valid CSV: {exc}")) from None
        header = _find_header(rows)
        width = len(rows[header]) if header is not None else 0
        candidates.append((header is not None, width, sep == ",", sep, rows))
    _, _, _, sep, rows = max(candidates, key=lambda c: c[:3])
    return rows, sep


def _excel_rows(path: Path, file: str, sheet: str | None) -> tuple[list[list[str]], str]:
    import zipfile

    from openpyxl import load_workbook

    _check_workbook_container(path, file)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise _damaged(file, "it cannot be unpacked: not an .xlsx file, or cut short") from None
    except Exception:  # openpyxl raises what its parts raise (KeyError, XML errors, ...)
        raise _damaged(file, "a part of the workbook is missing or unreadable") from None
    try:
        if sheet is None:
            if not book.sheetnames:
                raise SitingInputError(Problem(file=file, message="the workbook has no sheets"))
            ws = book[book.sheetnames[0]]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise SitingInputError(
                Problem(
                    file=file,
                    message=f"no sheet {excerpt(sheet)}; sheets: {', '.join(book.sheetnames[:20])}",
                )
            )
        rows = [[_excel_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        return rows, ws.title
    except SitingInputError:
        raise
    except Exception:  # a damaged sheet shows only while its rows are read
        raise _damaged(file, "a sheet cannot be read") from None
    finally:
        book.close()


def _damaged(file: str, why: str) -> SitingInputError:
    return SitingInputError(
        Problem(
            file=file,
            message=f"the workbook is damaged ({why}); open it in Excel and save it again as "
            ".xlsx, or save the sheet as CSV",
        )
    )


#: The signature of an OLE2 compound file: an encrypted Office file, or an old .xls workbook.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The stream a password-protected (encrypted) Office file keeps the workbook in.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _check_workbook_container(path: Path, file: str) -> None:
    """Raise a clear message for a password-protected workbook or an old ``.xls`` file.

    Both are OLE2 compound files, not the zip container of ``.xlsx``; an encrypted workbook
    holds its content in an ``EncryptedPackage`` stream.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(1 << 20)
    except OSError as exc:
        raise SitingInputError(
            Problem(file=file, message=f"cannot read: {exc.strerror or exc}")
        ) from None
    if not head.startswith(_OLE_SIGNATURE):
        return
    if _ENCRYPTED_STREAM in head:
        message = (
            "the workbook is password-protected (encrypted), so it cannot be read; remove "
            "the password in Excel (File > Info > Protect Workbook > Encrypt with Password) "
            "or save the sheet as CSV"
        )
    else:
        message = (
            "an old Excel (.xls, 97-2003) workbook or another Office file, not .xlsx; save "
            "it as .xlsx or as CSV"
        )
    raise SitingInputError(Problem(file=file, message=message))


class _NumberCell(str):
    """The text of a numeric spreadsheet cell: a number, never a thousands-separated text."""


def _excel_text(value: Any) -> str:
    """Render an Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else _NumberCell(repr(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _find_header(rows: Sequence[Sequence[str]]) -> int | None:
    for k, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(str(cell).strip().casefold() in ID_COLUMNS for cell in row):
            return k
    return None


# --- rows to leads ----------------------------------------------------------------------------


def _build_table(
    rows: list[list[str]],
    *,
    file: str,
    separator: str | None,
    sheet: str | None,
    extra_columns: tuple[str, ...],
) -> LeadTable:
    if not any(cell.strip() for row in rows for cell in row):
        raise SitingInputError(Problem(file=file, message="the file is empty"))
    header_index = _find_header(rows)
    if header_index is None:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"no header row with an 'id' column in the first "
                f"{HEADER_SEARCH_ROWS} rows; the header needs at least id, "
                "municipality (or lat and lon) and year",
            )
        )
    header_row = header_index + 1
    columns = [str(c).strip() for c in rows[header_index]]
    while columns and not columns[-1]:
        columns.pop()
    warnings: list[Problem] = []
    if header_index > 0:
        warnings.append(
            Problem(
                file=file,
                row=header_row,
                message=f"header found in row {header_row}; the "
                f"{header_index} row(s) above it were skipped",
            )
        )
    problems = []
    seen: dict[str, int] = {}
    for k, name in enumerate(columns):
        key = name.casefold()
        if name and key in seen:
            problems.append(
                Problem(
                    file=file,
                    row=header_row,
                    column=name,
                    message=f"column named twice (columns {_letter(seen[key])} and {_letter(k)})",
                )
            )
        seen.setdefault(key, k)
    if problems:
        raise SitingInputError(problems)

    # classify the columns once: profile fields, extra columns, unknown (warned, ignored)
    extra = {c.casefold() for c in extra_columns}
    use: dict[int, str] = {}
    keep: dict[int, str] = {}
    unnamed_with_data: list[int] = []
    for k, name in enumerate(columns):
        canonical = _canonical(name)
        if not name:
            unnamed_with_data.append(k)
        elif name.casefold() in extra:
            keep[k] = name
        elif canonical is None:
            warnings.append(
                Problem(
                    file=file,
                    row=header_row,
                    column=name,
                    message="not a profile field; its values are ignored",
                )
            )
        else:
            use[k] = canonical
    flat_of = {FLAT_FIELDS.get(c, tuple(c.split("."))): (columns[k], c) for k, c in use.items()}
    id_column = next(k for k, c in use.items() if c in ("id", "company.id"))
    if ("needs", "year") not in flat_of:
        warnings.append(
            Problem(
                file=file,
                row=header_row,
                column="year",
                message="no 'year' column: every lead lacks the year its site is needed",
            )
        )
    if not any(path[:2] == ("company", "current_location") for path in flat_of):
        warnings.append(
            Problem(
                file=file,
                row=header_row,
                column="municipality",
                message="no 'municipality' or 'lat'/'lon' column: the leads' "
                "current locations (relocation distance, region) are "
                "unknown",
            )
        )

    leads: list[Lead] = []
    blank = 0
    unnamed_seen: set[int] = set()
    synthetic: set[int] = set()
    past: list[int] = []
    for offset, cells in enumerate(rows[header_index + 1 :], start=1):
        row = header_row + offset
        if not any(str(c).strip() for c in cells):
            blank += 1
            continue
        mismatch = _cell_count_problem(cells, len(columns), file=file, row=row, csv=separator)
        if mismatch is not None:
            # the cells may be shifted (a name's second half under another column): the row
            # is reported by its number alone, and no cell is read or quoted
            synthetic.add(row)
            leads.append(Lead(lead_id=f"row-{row}", row=row, profile=None, problems=(mismatch,)))
            continue
        row_problems: list[Problem] = []
        for k in unnamed_with_data:
            if k < len(cells) and str(cells[k]).strip():
                unnamed_seen.add(k)
        record: dict[str, Any] = {}
        for k, canonical in use.items():
            value = cells[k] if k < len(cells) else ""
            record[canonical] = _number_text(value, canonical, separator)
        raw_id = str(cells[id_column]).strip() if id_column < len(cells) else ""
        lead_id = raw_id or f"row-{row}"
        if not raw_id:
            synthetic.add(row)
        nested, _ = nest_flat_record(record)
        profile: Profile | None = None
        try:
            profile = parse_profile(nested, file=file, row=row)
        except SitingInputError as exc:
            row_problems.extend(_relocate(p, flat_of, record, separator) for p in exc.problems)
        if profile is not None and not row_problems and needs_year_warning(profile):
            past.append(row)
        extras = {name: str(cells[k]).strip() if k < len(cells) else "" for k, name in keep.items()}
        leads.append(
            Lead(
                lead_id=lead_id,
                row=row,
                profile=None if row_problems else profile,
                problems=tuple(row_problems),
                extra=extras,
            )
        )
    if past:
        shown = ", ".join(map(str, past[:10])) + (" ..." if len(past) > 10 else "")
        warnings.append(
            Problem(
                file=file,
                row=past[0],
                column=flat_of.get(("needs", "year"), ("year",))[0],
                message=f"{len(past)} lead(s) need their site in a year already past "
                f"(rows {shown}): check the year",
            )
        )
    for k in sorted(unnamed_seen):
        warnings.append(
            Problem(
                file=file,
                row=header_row,
                column=_letter(k),
                message="column without a name in the header; its values are ignored",
            )
        )
    return LeadTable(
        file=file,
        leads=tuple(_mark_duplicates(leads, file, synthetic)),
        header_row=header_row,
        columns=tuple(columns),
        blank_rows=blank,
        warnings=tuple(warnings),
        separator=separator,
        sheet=sheet,
    )


def _cell_count_problem(
    cells: Sequence[str], width: int, *, file: str, row: int, csv: str | None
) -> Problem | None:
    """Return the problem of a row whose cells do not line up with the header, if they do not.

    A row with data beyond the header's last column, or (in a CSV file) with fewer cells than
    the header, cannot be read safely: a separator inside an unquoted cell shifts every cell
    after it. The message quotes no cell.
    """
    extra = len(cells) > width and any(str(c).strip() for c in cells[width:])
    short = csv is not None and len(cells) < width
    if not (extra or short):
        return None
    n = len(cells) if csv is not None else max(k + 1 for k, c in enumerate(cells) if str(c).strip())
    hint = (
        " (a separator inside an unquoted cell?)"
        if extra and csv is not None
        else " (a separator missing?)"
        if short
        else " (cells beyond the header's last column)"
    )
    return Problem(
        file=file,
        row=row,
        message=f"{n} cells but the header has {width} columns{hint}; the row is not read "
        "(no cell is shown): fix the row, e.g. quote a cell that holds the separator",
    )


def _canonical(name: str) -> str | None:
    """Return the profile key a header cell stands for, or ``None`` if it is none."""
    folded = name.strip()
    lower = folded.casefold()
    for flat in FLAT_FIELDS:
        if flat.casefold() == lower:
            return flat
    parts = folded.split(".")
    if parts[0].casefold() == "weights" and len(parts) == 2 and parts[1]:
        return f"weights.{parts[1]}"
    model: type[BaseModel] | None = Profile
    for part in parts:
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
        options = getattr(annotation, "__args__", (annotation,))
        model = next((a for a in options if isinstance(a, type) and issubclass(a, BaseModel)), None)
    return folded if model is None else None


def _number_text(value: str, canonical: str, separator: str | None) -> str | float:
    """Return a number cell as a float where it is unambiguous, else the text as given.

    A decimal comma in a ``;``-separated file and a numeric spreadsheet cell become floats;
    any other text goes on as text (so the profile check can refuse ``1.500``).
    """
    leaf = canonical.rsplit(".", 1)[-1].removeprefix("talent_")
    if not (leaf in _NUMERIC_LEAVES or canonical.startswith("weights.")):
        return value
    if isinstance(value, _NumberCell):
        return float(value)
    if separator == ";" and _DECIMAL_COMMA.match(value):
        return float(value.replace(",", "."))
    return value


def _relocate(
    problem: Problem,
    flat_of: Mapping[tuple[str, ...], tuple[str, str]],
    record: Mapping[str, Any],
    separator: str | None,
) -> Problem:
    """Name the column as the file does (``year``, not ``needs.year``) and add hints."""
    column = problem.column
    message = problem.message
    if message == "required key is missing":
        message = "required: the column is missing or the cell is empty"
    if column:
        path = tuple(column.split("."))
        value = ""
        if path in flat_of:
            column, canonical = flat_of[path]
            value = str(record.get(canonical) or "")
        elif path == ("company", "current_location"):
            column = "municipality/lat/lon"
        elif path in FLAT_FIELDS.values():
            column = next(k for k, v in FLAT_FIELDS.items() if v == path)
        if path[-1] in _NUMERIC_LEAVES and _DECIMAL_COMMA.match(value) and separator != ";":
            message += (
                "; a decimal comma is read only in ';'-separated files: write a decimal point"
            )
    return Problem(
        file=problem.file, row=problem.row, column=column, message=message, label="column"
    )


def _mark_duplicates(leads: Iterable[Lead], file: str, synthetic: set[int]) -> list[Lead]:
    leads = list(leads)
    rows_of: dict[str, list[int]] = {}
    for lead in leads:
        if lead.row not in synthetic:
            rows_of.setdefault(lead.lead_id, []).append(lead.row)
    out = []
    for lead in leads:
        rows = [] if lead.row in synthetic else rows_of.get(lead.lead_id, [])
        if len(rows) < 2:
            out.append(lead)
            continue
        others = ", ".join(str(r) for r in rows if r != lead.row)
        dup = Problem(
            file=file,
            row=lead.row,
            column="id",
            message=f"duplicate id {excerpt(lead.lead_id)}: also in row(s) {others}",
        )
        out.append(
            Lead(
                lead_id=lead.lead_id,
                row=lead.row,
                profile=None,
                problems=(*lead.problems, dup),
                extra=lead.extra,
            )
        )
    return out


def _letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
