"""The cells of a leads file: CSV (``,`` or ``;``) or Excel, as rows of text.

Used by :func:`siting.inputs.leads.read_leads`; a numeric spreadsheet cell is kept as a
:class:`NumberCell` so that it is never read as a thousands-separated text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped

#: The header row is searched for in the first this many rows.
HEADER_SEARCH_ROWS = 50

#: Names (case-insensitive) that mark the id column of the header row.
ID_COLUMNS = ("id", "company.id")


def csv_rows(path: Path, file: str) -> tuple[list[list[str]], str]:
    """Return the rows of a CSV file and its separator (the one that finds the header)."""
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
        header = find_header(rows)
        width = len(rows[header]) if header is not None else 0
        candidates.append((header is not None, width, sep == ",", sep, rows))
    _, _, _, sep, rows = max(candidates, key=lambda c: c[:3])
    return rows, sep


def excel_rows(path: Path, file: str, sheet: str | None) -> tuple[list[list[str]], str]:
    """Return the rows of a workbook's sheet (the first unless named) as text, and its name."""
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
        rows = [[excel_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        return rows, ws.title
    except SitingInputError:
        raise
    except Exception:  # a damaged sheet shows only while its rows are read
        raise _damaged(file, "a sheet cannot be read") from None
    finally:
        book.close()


def _damaged(file: str, why: str) -> SitingInputError:
    """Return the error for a damaged workbook."""
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


class NumberCell(str):
    """The text of a numeric spreadsheet cell: a number, never a thousands-separated text."""


def excel_text(value: Any) -> str:
    """Render an Excel cell as the text a CSV export would hold."""
    if value is None:
        return ""
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else NumberCell(repr(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def find_header(rows: Sequence[Sequence[str]]) -> int | None:
    """Return the index of the first row with an id cell (:data:`ID_COLUMNS`), if any."""
    for k, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(str(cell).strip().casefold() in ID_COLUMNS for cell in row):
            return k
    return None
