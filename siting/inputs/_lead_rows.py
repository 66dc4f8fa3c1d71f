"""The data rows of a leads table, read into :class:`~siting.inputs.lead_table.Lead` objects.

:func:`read_rows` reads every non-empty data row into one lead (valid, or invalid with all
its problems located by file, row and column), marks repeated ids, and gives the warnings
that concern rows (a need year already past, data in a column without a name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt
from siting.inputs._lead_cells import NumberCell
from siting.inputs._lead_columns import Columns, letter
from siting.inputs.lead_table import Lead
from siting.inputs.profile import (
    FLAT_FIELDS,
    Profile,
    needs_year_warning,
    nest_flat_record,
    parse_profile,
)

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


def read_rows(
    rows: Sequence[Sequence[str]],
    header_index: int,
    columns: Columns,
    *,
    file: str,
    separator: str | None,
) -> tuple[list[Lead], int, list[Problem]]:
    """Read the data rows below the header; return the leads, the blank rows and warnings."""
    header_row = header_index + 1
    leads: list[Lead] = []
    blank = 0
    unnamed_seen: set[int] = set()
    synthetic: set[int] = set()  # rows whose id is made up (row-<n>)
    past: list[int] = []
    for offset, cells in enumerate(rows[header_index + 1 :], start=1):
        row = header_row + offset
        if not any(str(c).strip() for c in cells):
            blank += 1
            continue
        width = len(columns.names)
        mismatch = _cell_count_problem(cells, width, file=file, row=row, csv=separator)
        if mismatch is not None:
            # the cells may be shifted (a name's second half under another column): the row
            # is reported by its number alone, and no cell is read or quoted
            synthetic.add(row)
            leads.append(Lead(lead_id=f"row-{row}", row=row, profile=None, problems=(mismatch,)))
            continue
        for k in columns.unnamed:
            if k < len(cells) and str(cells[k]).strip():
                unnamed_seen.add(k)
        lead, is_past = _read_row(cells, row, columns, file=file, separator=separator)
        if not _raw_id(cells, columns):
            synthetic.add(row)
        if is_past:
            past.append(row)
        leads.append(lead)
    warnings = _row_warnings(past, unnamed_seen, columns, file=file, header_row=header_row)
    return _mark_duplicates(leads, file, synthetic), blank, warnings


def _raw_id(cells: Sequence[str], columns: Columns) -> str:
    """Return the id cell of a row, stripped (empty when the row has none)."""
    k = columns.id_column
    return str(cells[k]).strip() if k < len(cells) else ""


def _read_row(
    cells: Sequence[str], row: int, columns: Columns, *, file: str, separator: str | None
) -> tuple[Lead, bool]:
    """Read one data row; return its lead and whether its need year is already past."""
    record: dict[str, Any] = {}
    for k, canonical in columns.use.items():
        value = cells[k] if k < len(cells) else ""
        record[canonical] = _number_text(value, canonical, separator)
    raw_id = _raw_id(cells, columns)
    nested, _ = nest_flat_record(record)
    row_problems: list[Problem] = []
    profile: Profile | None = None
    try:
        profile = parse_profile(nested, file=file, row=row)
    except SitingInputError as exc:
        row_problems.extend(_relocate(p, columns.flat_of, record, separator) for p in exc.problems)
    past = profile is not None and not row_problems and needs_year_warning(profile)
    extras = {
        name: str(cells[k]).strip() if k < len(cells) else "" for k, name in columns.keep.items()
    }
    lead = Lead(
        lead_id=raw_id or f"row-{row}",
        row=row,
        profile=None if row_problems else profile,
        problems=tuple(row_problems),
        extra=extras,
    )
    return lead, bool(past)


def _row_warnings(
    past: Sequence[int], unnamed_seen: set[int], columns: Columns, *, file: str, header_row: int
) -> list[Problem]:
    """Return the warnings about rows: need years already past, data in unnamed columns."""
    warnings = []
    if past:
        shown = ", ".join(map(str, past[:10])) + (" ..." if len(past) > 10 else "")
        warnings.append(
            Problem(
                file=file,
                row=past[0],
                column=columns.flat_of.get(("needs", "year"), ("year",))[0],
                message=f"{len(past)} lead(s) need their site in a year already past "
                f"(rows {shown}): check the year",
            )
        )
    for k in sorted(unnamed_seen):
        warnings.append(
            Problem(
                file=file,
                row=header_row,
                column=letter(k),
                message="column without a name in the header; its values are ignored",
            )
        )
    return warnings


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


def _number_text(value: str, canonical: str, separator: str | None) -> str | float:
    """Return a number cell as a float where it is unambiguous, else the text as given.

    A decimal comma in a ``;``-separated file and a numeric spreadsheet cell become floats;
    any other text goes on as text (so the profile check can refuse ``1.500``).
    """
    leaf = canonical.rsplit(".", 1)[-1].removeprefix("talent_")
    if not (leaf in _NUMERIC_LEAVES or canonical.startswith("weights.")):
        return value
    if isinstance(value, NumberCell):
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
    """Make both (all) rows with the same id invalid, each naming the others."""
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
