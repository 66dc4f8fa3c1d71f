"""What screening ranks against: one valid lead (a task), the shared context, lead-row helpers."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from siting._errors import Problem
from siting.criteria.site_facts import SiteFacts
from siting.inputs.catalogue import Catalogue
from siting.inputs.leads import Lead
from siting.inputs.profile import Profile
from siting.model.rows import id_ranks
from siting.results.ranking import Infeasibility
from siting.results.screening import (
    UNKNOWN_REGION,
    ScreenedLead,
)

#: Leads x sites evaluated at once by the vectorised enumeration (2 MiB per float array). Only
#: the rules are computed on every cell of a batch; the criteria are computed where they are
#: read (the feasible cells, the top sites), so what is left per batch is mostly fixed Python
#: work per rule and criterion, which larger batches share among more leads. Measured on the
#: 2-core machine of issue 18 (CPU time, 1,000 leads x the national table, loaded machine):
#: 2^15 cells 1.2-1.9 s, 2^18 1.4-1.5 s, 2^19 0.9-1.2 s, 2^20 0.85-1.0 s, with the peak resident
#: memory growing with the batch (200, 240, 266, 358 MB); 2^18 keeps 10,000 leads under the
#: 400 MB target with room to spare. (Before the criteria were computed where read, 2^15 was
#: about twice as fast as 2^17: the batch's arrays stayed in a core's L2 cache.)
_BATCH_CELLS = 1 << 18


#: Force the per-lead path even for the enumeration (a private switch for the tests).
_PER_LEAD = False


@dataclass(frozen=True)
class _Task:
    """One valid lead, ready to rank: what a worker needs."""

    index: int
    lead_id: str
    row: int
    file: str
    profile: Profile
    origin: tuple[float, float] | None
    region: str


@dataclass(frozen=True)
class _Context:
    """What every lead is ranked against: built once, shipped once to each worker."""

    facts: SiteFacts
    sites: pd.DataFrame
    catalogue: Catalogue
    top: int
    solver: str | None
    time_limit_s: float | None
    id_rank: np.ndarray | None = None

    @cached_property
    def site_text(self) -> tuple[list[str], list[str], list[str]]:
        """Name, municipality and province of every site, as text."""
        return tuple(
            self.sites[column].astype(str).tolist()
            for column in ("name", "municipality", "province")
        )

    @cached_property
    def site_xy(self) -> tuple[list[float], list[float]]:
        """Point of every site in EPSG:28992 [m], rounded to 1 cm."""
        return (
            self.sites["x"].astype(float).round(2).tolist(),
            self.sites["y"].astype(float).round(2).tolist(),
        )


def _unique_id_ranks(site_ids: list[str]) -> np.ndarray | None:
    """Position of each site id in the sorted ids; ``None`` (no batches) when ids repeat."""
    return id_ranks(site_ids) if len(set(site_ids)) == len(site_ids) else None


#: The parts of a profile a ranking does not read: the company's name, id and location text
#: (the location is ranked from its resolved point, :attr:`_Task.origin`), as
#: :func:`siting.jobs.screen_dask.wire_profile` leaves them out for a worker.
_IDENTITY = {"company": {"id", "name", "current_location"}}


def _distinct_tasks(tasks: Sequence[_Task]) -> tuple[list[_Task], np.ndarray]:
    """Return the first task of each distinct ranking input and which one each task is.

    Two leads whose profiles are the same but for their identity (:data:`_IDENTITY`) and whose
    origins are the same point get the same outcome (the ranking reads nothing else), so a
    pipeline in which many leads share their needs ranks each set of needs once.

    Returns
    -------
    distinct
        The first task of each distinct input, in the order of first appearance.
    of
        ``(len(tasks),)``: each task's position in ``distinct``.
    """
    index: dict[tuple[str, tuple[float, float] | None], int] = {}
    distinct: list[_Task] = []
    of = np.empty(len(tasks), dtype=np.int64)
    for k, task in enumerate(tasks):
        key = (task.profile.model_dump_json(exclude=_IDENTITY), task.origin)
        if key not in index:
            index[key] = len(distinct)
            distinct.append(task)
        of[k] = index[key]
    return distinct, of


def _as_lead(task: _Task, outcome: ScreenedLead) -> ScreenedLead:
    """Return the outcome ranked for a task with the same input, as the outcome of ``task``.

    The id, row, file, region and origin are the task's own (the rest depends on the ranking
    input only).
    """
    if outcome.lead_id == task.lead_id and outcome.row == task.row:
        return outcome
    problems = tuple(dataclasses.replace(p, file=task.file, row=task.row) for p in outcome.problems)
    return dataclasses.replace(
        outcome,
        lead_id=task.lead_id,
        row=task.row,
        region=task.region,
        origin=task.origin,
        problems=problems,
    )


def _batch_size(ctx: _Context) -> int:
    """Leads per batch of the vectorised enumeration."""
    return max(1, _BATCH_CELLS // max(1, ctx.facts.n))


class _Locator:
    """Province of a point: that of the nearest municipality centre (exact for a municipality).

    For a lead given by municipality the origin *is* the municipality's point, so this is its
    province; for a lat/lon lead it is an approximation near provincial borders.
    """

    def __init__(self, municipalities: pd.DataFrame) -> None:
        geometry = municipalities.geometry
        self.xy = np.column_stack([geometry.x.to_numpy(), geometry.y.to_numpy()])
        self.province = municipalities["province"].astype(str).to_numpy()

    def __call__(self, origin: tuple[float, float] | None) -> str:
        if origin is None or not len(self.xy):
            return UNKNOWN_REGION
        d = np.hypot(self.xy[:, 0] - origin[0], self.xy[:, 1] - origin[1])
        return str(self.province[int(np.argmin(d))])


def _invalid(lead: Lead, problems: Sequence[Problem], region: str) -> ScreenedLead:
    return ScreenedLead(
        lead_id=lead.lead_id,
        row=lead.row,
        status="invalid_input",
        reason=_problems_text(problems),
        region=region,
        problems=tuple(problems),
    )


def _nowhere_outcome(
    task: _Task, why: Infeasibility, blocking_label: str, sole_blockers: tuple[str, ...]
) -> ScreenedLead:
    """Return the outcome of a lead no site fits, from the explanation of its empty ranking."""
    return ScreenedLead(
        lead_id=task.lead_id,
        row=task.row,
        origin=task.origin,
        status="no_feasible_site",
        reason=why.message,
        region=task.region,
        n_feasible=0,
        blocking_rule=why.most_restrictive,
        blocking_label=blocking_label,
        sole_blockers=sole_blockers,
    )


def _flat_column(column: str | None) -> str | None:
    """Column name as in a leads table for a profile key (``company...municipality``)."""
    if column is not None and column.startswith("company.current_location."):
        return column.rsplit(".", 1)[-1]  # municipality, lat/lon
    return column


def _problems_text(problems: Sequence[Problem]) -> str:
    parts = []
    for p in problems:
        where = f"column '{p.column}': " if p.column else ""
        parts.append(f"{where}{p.message}")
    return "; ".join(parts) if parts else "invalid input"
