"""The header of a leads table: where it is, and what each column stands for.

:func:`read_header` finds the header row and refuses a column named twice;
:func:`classify_columns` sorts the columns into profile fields, extra columns kept as text,
unnamed columns and unknown ones (warned about once and ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from siting._errors import Problem, SitingInputError
from siting.inputs._lead_cells import HEADER_SEARCH_ROWS, find_header
from siting.inputs.profile import FLAT_FIELDS, Profile


@dataclass(frozen=True)
class Columns:
    """The columns of a leads table, classified.

    Attributes
    ----------
    names
        The header cells, stripped, without trailing empty ones.
    use
        Column index -> the profile key it stands for.
    keep
        Column index -> name, for the extra columns kept as text.
    unnamed
        Indices of the columns without a name.
    flat_of
        Profile path -> (column name as in the file, profile key).
    id_column
        Index of the id column.
    """

    names: tuple[str, ...]
    use: dict[int, str]
    keep: dict[int, str]
    unnamed: tuple[int, ...]
    flat_of: dict[tuple[str, ...], tuple[str, str]]
    id_column: int


def read_header(rows: Sequence[Sequence[str]], file: str) -> tuple[int, list[str], list[Problem]]:
    """Return the header's index, its cells and the warning of title lines skipped, if any.

    Raises
    ------
    SitingInputError
        For an empty file, no header row with an ``id`` column, or a column named twice.
    """
    if not any(cell.strip() for row in rows for cell in row):
        raise SitingInputError(Problem(file=file, message="the file is empty"))
    header_index = find_header(rows)
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
    _refuse_repeated(columns, file, header_row)
    return header_index, columns, warnings


def _refuse_repeated(columns: Sequence[str], file: str, header_row: int) -> None:
    """Raise :class:`SitingInputError` for every column named twice (case-insensitive)."""
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
                    message=f"column named twice (columns {letter(seen[key])} and {letter(k)})",
                )
            )
        seen.setdefault(key, k)
    if problems:
        raise SitingInputError(problems)


def classify_columns(
    columns: Sequence[str], extra_columns: Sequence[str], file: str, header_row: int
) -> tuple[Columns, list[Problem]]:
    """Classify the columns once; return them and the warnings about them.

    The warnings: a column that is no profile field (its values are ignored), no ``year``
    column, no ``municipality`` or ``lat``/``lon`` column.
    """
    extra = {c.casefold() for c in extra_columns}
    use: dict[int, str] = {}
    keep: dict[int, str] = {}
    unnamed: list[int] = []
    warnings: list[Problem] = []
    for k, name in enumerate(columns):
        canonical = canonical_key(name)
        if not name:
            unnamed.append(k)
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
    warnings += _missing_column_warnings(flat_of, file, header_row)
    found = Columns(tuple(columns), use, keep, tuple(unnamed), flat_of, id_column)
    return found, warnings


def _missing_column_warnings(
    flat_of: dict[tuple[str, ...], tuple[str, str]], file: str, header_row: int
) -> list[Problem]:
    """Return the warnings for a missing ``year`` and a missing location column."""
    warnings = []
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
    return warnings


def canonical_key(name: str) -> str | None:
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


def letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index (0 -> A, 26 -> AA)."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out
