"""Excel workbooks that analysts can use as they open them.

Every sheet has readable headers with units (:mod:`siting.outputs.columns`), a styled and
frozen header row, an auto filter over the whole table, column widths that fit the content,
number formats with units, and one table per sheet; empty tables get no sheet. Written in
openpyxl's write-only mode, so tens of thousands of rows stay quick and small in memory.

Formula neutralisation: a text cell is always written as a string cell (``data_type 's'``),
so a lead id such as ``=HYPERLINK(...)`` shows as exactly that text in Excel, is never run,
and carries no visible quote. Escape sequences and control characters are dropped from every
text cell (:func:`siting._errors.printable`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting._errors import printable
from siting.outputs.columns import header, kind_of, number_format

if TYPE_CHECKING:
    import pandas as pd

#: Column widths are kept within these bounds [characters].
MIN_WIDTH, MAX_WIDTH = 8, 60
#: Rows sampled for the column widths (the longest of them sets the width).
WIDTH_SAMPLE = 5000
#: Header style.
HEADER_FILL = "DDE4EE"
#: Characters that may not stand in an Excel cell (control characters).
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}
#: Characters Excel forbids in sheet titles.
_BAD_TITLE = str.maketrans({c: " " for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    """One table for a workbook (or a CSV file).

    Attributes
    ----------
    title
        Sheet title (at most 31 characters are used).
    frame
        The table; its column names are field names.
    headers
        Readable headers for fields the header map does not know.
    kinds
        Kinds (:data:`siting.outputs.columns.KINDS`) for fields the header map does not know.
    validations
        Field -> allowed values (a sequence, or a range formula such as
        ``"='Allowed values'!$A$2:$A$343"``): an Excel drop-down list on that column.
    """

    title: str
    frame: pd.DataFrame
    headers: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    validations: Mapping[str, Sequence[str] | str] = field(default_factory=dict)


def write_workbook(sheets: Iterable[Sheet], path: str | Path) -> Path:
    """Write tables as a styled workbook, one sheet per non-empty table.

    Parameters
    ----------
    sheets
        The tables, in sheet order; tables without rows are left out.
    path
        The ``.xlsx`` file; its folder is created if needed.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        When every table is empty (a workbook needs one sheet).
    """
    from openpyxl import Workbook

    path = Path(path)
    kept = [s for s in sheets if len(s.frame)]
    if not kept:
        raise ValueError("no table has rows: nothing to write")
    book = Workbook(write_only=True)
    titles: set[str] = set()
    for sheet in kept:
        _write_sheet(book, sheet, _unique_title(sheet.title, titles))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _unique_title(title: str, taken: set[str]) -> str:
    base = title.translate(_BAD_TITLE).strip()[:31] or "table"
    name, k = base, 2
    while name.casefold() in taken:
        suffix = f" ({k})"
        name, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(name.casefold())
    return name


def _write_sheet(book: Any, sheet: Sheet, title: str) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = book.create_sheet(title)
    frame = sheet.frame
    columns = [str(c) for c in frame.columns]
    headers = [header(c, overrides=dict(sheet.headers)) for c in columns]
    kinds = [kind_of(c, overrides=dict(sheet.kinds)) for c in columns]
    formats = [number_format(k) for k in kinds]
    values = [[_cell_value(v) for v in frame[c].tolist()] for c in frame.columns]
    for k, (head, column) in enumerate(zip(headers, values, strict=True), start=1):
        ws.column_dimensions[get_column_letter(k)].width = _width(head, column, formats[k - 1])
    last = get_column_letter(max(1, len(columns)))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(frame) + 1}"
    for k, name in enumerate(columns):
        allowed = sheet.validations.get(name)
        if allowed:
            inline = not isinstance(allowed, str)
            formula = '"' + ",".join(allowed) + '"' if inline else str(allowed).lstrip("=")
            rule = DataValidation(type="list", formula1=formula, allow_blank=True)
            rule.error = (
                f"Allowed: {', '.join(allowed)}" if inline else "Choose a value from the list"
            )
            rule.errorTitle = headers[k]
            rule.add(f"{get_column_letter(k + 1)}2:{get_column_letter(k + 1)}1000")
            ws.data_validations.append(rule)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    wrap = Alignment(wrap_text=True, vertical="top")
    line = Border(bottom=Side(style="thin", color="7F8FA6"))
    head_cells = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=_clean(text))
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment, cell.border = bold, fill, wrap, line
        head_cells.append(cell)
    ws.row_dimensions[1].height = 30
    ws.append(head_cells)
    styles = []  # one style per column, copied onto its number cells (cheaper than setting it)
    for fmt in formats:
        template = WriteOnlyCell(ws)
        if fmt is not None:
            template.number_format = fmt
        styles.append(template._style if fmt is not None else None)
    for row in zip(*values, strict=True) if values else ():
        ws.append([_cell(ws, v, st, WriteOnlyCell) for v, st in zip(row, styles, strict=True)])


def _cell(ws: Any, value: Any, style: Any, make: Any) -> Any:
    """Return what to append for one value: text never as a formula, numbers formatted."""
    if value is None:
        return None
    if isinstance(value, str):
        if not value.startswith("="):
            return value  # openpyxl stores other text as a string cell
        cell = make(ws, value=value)
        cell.data_type = "s"  # never a formula, shown as written
        return cell
    if style is not None and not isinstance(value, bool):
        cell = make(ws, value=value)
        cell._style = copy(style)
        return cell
    return value


def _cell_value(value: Any) -> Any:
    """Return a value ready for a cell: text cleaned, tuples joined, NaN empty, inf in words."""
    import pandas as pd

    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()  # numpy scalars
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "no limit" if value > 0 else "cannot pass"
        return value
    if isinstance(value, bool | int):
        return value
    if isinstance(value, list | tuple):
        return _clean("; ".join(str(v) for v in value))
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return _clean(str(value))


def _clean(text: str) -> str:
    """Drop escape sequences and control characters (:func:`siting._errors.printable`)."""
    return printable(text).translate(_ILLEGAL)


def _width(head: str, values: list[Any], fmt: str | None) -> float:
    """Return a column width that shows the header words and the longest value of a sample."""
    longest_word = max((len(w) for w in head.split()), default=0)
    head_width = max(longest_word, min(len(head), 24))
    sample = values[:WIDTH_SAMPLE]
    if fmt is not None:
        extra = len(fmt.split('"')[1]) if '"' in fmt else 0
        content = max((len(f"{v:,.2f}") + extra for v in sample if _is_number(v)), default=0)
        content = max(content, *(len(v) for v in sample if isinstance(v, str)), 0)
    else:
        content = max((len(str(v)) for v in sample if v is not None), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, head_width + 2, content + 2)))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
