"""Screen leads over a Dask cluster: what a worker gets (no name, no id) and what comes back."""

from __future__ import annotations

import dataclasses

from siting.inputs.profile import Profile
from siting.jobs.screen_batch import _screen_partition
from siting.jobs.screen_context import _Context, _Task
from siting.progress import Progress
from siting.results.screening import (
    ScreenedLead,
)


def wire_profile(profile: Profile) -> Profile:
    """Return a profile as a Dask worker needs it: without name, id or location text.

    Ranking needs the domains, needs, constraints and weights (the location travels as the
    resolved point); the company's name and id and the text of its location stay on this
    machine.
    """
    company = profile.company.model_copy(
        update={"name": "", "id": "lead", "current_location": None}
    )
    return profile.model_copy(update={"company": company})


def _run_dask(
    tasks: list[_Task],
    ctx: _Context,
    *,
    scheduler: str | None,
    allow_insecure: bool,
    report: Progress,
) -> list[ScreenedLead]:
    """Rank the tasks in partitions over a Dask cluster; results in task order.

    Only what ranking needs is shipped (:func:`wire_profile`, the point of the location);
    the id, file, row and region of each lead are put back on the outcomes here.
    """
    from siting.jobs.dask_engine import run_partitions

    shipped = [
        _Task(
            index=k,
            lead_id="",
            row=0,
            file="",
            profile=wire_profile(task.profile),
            origin=task.origin,
            region="",
        )
        for k, task in enumerate(tasks)
    ]
    outcomes = run_partitions(
        _screen_partition,
        shipped,
        ctx,
        scheduler=scheduler,
        allow_insecure=allow_insecure,
        progress=lambda done, _total: report.advance(done),
    )
    return [_restore(task, outcome) for task, outcome in zip(tasks, outcomes, strict=True)]


def _restore(task: _Task, outcome: ScreenedLead) -> ScreenedLead:
    """Put a lead's id, row, file and region back on its outcome from a worker."""
    problems = tuple(dataclasses.replace(p, file=task.file, row=task.row) for p in outcome.problems)
    return dataclasses.replace(
        outcome, lead_id=task.lead_id, row=task.row, region=task.region, problems=problems
    )
