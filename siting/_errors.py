"""The package's small exception family, the located problem record, and safe text.

Text from an input may reach a message, the terminal or a spreadsheet cell. The helpers here
are the one place it is made safe for each: :func:`printable` (no terminal control characters
or escape sequences), :func:`excerpt` (a quoted value in a message: short and printable) and
:func:`safe_cell` (a spreadsheet cell that cannot run as a formula). :class:`Problem` cleans
its own texts, so a message can never carry a control sequence or an unbounded value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: Characters of a quoted value kept in a message (:func:`excerpt`).
EXCERPT_CHARS: int = 40
#: Longest message, file and column name a :class:`Problem` keeps [characters].
MESSAGE_CHARS: int = 1000
FILE_CHARS: int = 300
COLUMN_CHARS: int = 80

#: ANSI/VT escape sequences (CSI, OSC, two-character escapes), then every other control
#: character: C0 but tab and newline, DEL, C1, and the Unicode bidirectional overrides and
#: isolates (which reorder what a terminal shows).
_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, screen clears
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: window titles, hyperlinks
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")

#: Text cells a spreadsheet would read as a formula (or as the start of one).
FORMULA_START: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """Return ``text`` without escape sequences and control characters (tab, newline kept).

    Parameters
    ----------
    text
        Any text, e.g. from an input file.

    Returns
    -------
    str
        The text as a terminal would show it without being steered by it.
    """
    if text.isprintable():  # the common case: nothing to remove
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def excerpt(value: object, *, limit: int = EXCERPT_CHARS, quote: bool = True) -> str:
    """Return a value as it may be quoted in a message: printable, on one line, short.

    Text is quoted (``'abc'``), anything else shown as ``repr`` (``1e+308``, ``True``); line
    breaks become spaces and control characters are dropped; beyond ``limit`` characters the
    value is cut and its length said (``'abcd...' (10,000 characters)``).

    Parameters
    ----------
    value
        The value to quote.
    limit
        Characters kept.
    quote
        Quote text (``False`` for text that stands for a number).

    Returns
    -------
    str
    """
    text = value if isinstance(value, str) else repr(value)
    clean = printable(_LINE_BREAK.sub(" ", text))
    cut = clean if len(clean) <= limit else clean[:limit] + "..."
    if quote and isinstance(value, str):
        cut = f"'{cut}'"
    return cut if len(clean) <= limit else f"{cut} ({len(text):,} characters)"


def safe_cell(value: object) -> object:
    """Return a text cell safe for a spreadsheet: printable, never run as a formula.

    Control characters are dropped (:func:`printable`; Excel files cannot even hold most of
    them), then a cell that a spreadsheet would read as a formula gets a leading quote.
    Anything but text is returned as it is.
    """
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) else value


def _bounded(text: str, limit: int) -> str:
    clean = printable(text)
    return clean if len(clean) <= limit else clean[:limit] + "... (cut)"


@dataclass(frozen=True)
class Problem:
    """One located problem in an input.

    The texts are cleaned on creation: control characters and escape sequences are dropped
    and each text is bounded (:data:`MESSAGE_CHARS`, :data:`FILE_CHARS`,
    :data:`COLUMN_CHARS`), whatever the input held.

    Parameters
    ----------
    file
        The file the problem is in (as the user named it, or the layer file).
    message
        What is wrong and, where possible, what is allowed. A value quoted in it goes through
        :func:`excerpt`.
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "file", _bounded(str(self.file), FILE_CHARS))
        object.__setattr__(self, "message", _bounded(str(self.message), MESSAGE_CHARS))
        if self.column is not None:
            column = _LINE_BREAK.sub(" ", str(self.column))
            object.__setattr__(self, "column", _bounded(column, COLUMN_CHARS))

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
