"""The result of reading a leads table: :class:`LeadTable`, one :class:`Lead` per data row.

Read by :func:`siting.inputs.leads.read_leads` (which re-exports both classes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from siting._errors import Problem
from siting.inputs.profile import Profile


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
