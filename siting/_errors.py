"""The package's small exception family and the located problem record."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One located problem in an input.

    Parameters
    ----------
    file
        The file the problem is in (as the user named it, or the layer file).
    message
        What is wrong and, where possible, what is allowed.
    row
        Where in the file: for CSV and spreadsheet files the row number as a spreadsheet shows
        it (the header is row 1, the first record row 2); for GIS files (GeoPackage, GeoJSON)
        the 1-based feature number. ``None`` for file-level problems.
    column
        The column or field concerned, if any.
    label
        What ``column`` is called in the message: ``"column"`` for tables, ``"key"`` for TOML.
    """

    file: str
    message: str
    row: int | None = None
    column: str | None = None
    label: str = "column"

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", {self.label} '{self.column}'"
        return f"{where}: {self.message}"


class SitingInputError(ValueError):
    """Bad input: every problem found, each with its file, row and column.

    Parameters
    ----------
    problems
        The problems; at least one.
    """

    def __init__(self, problems: Iterable[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(file="<input>", message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("SitingInputError needs at least one problem")
        n = len(self.problems)
        head = f"{n} problem{'s' if n > 1 else ''} in the input:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))
