"""Screen a lead pipeline: rank every lead on its own, report who fits where and who nowhere.

Every valid lead is ranked independently with the rules of ``siting rank``
(:func:`siting.jobs.rank.rank_sites`): the site facts are built once, then per lead
:func:`~siting.criteria.evaluation.evaluate` and
:func:`~siting.model.site_choice.rank_by_enumeration`. The single-site
choice is separable (each site is feasible or not on its own), so the enumeration is exact and
gives the MILP's ranking, ties included; pass ``solver=`` to solve the MILP per lead instead.
Two-site configurations (``two_site.*`` columns) are not screened; ``siting rank`` ranks them
for one lead.

Each lead gets one status:

``ok``
    At least one site satisfies every hard constraint; its top sites follow.
``no_feasible_site``
    No site does; the reason names the rules that rule out most sites and the best single
    relaxation (:func:`siting.jobs.explain.infeasibility`). These leads are the policy signals.
``invalid_input``
    The row is not a valid profile, or names an unknown municipality or criterion; every
    problem is listed with its row and column. The other leads go on.
``error``
    An unexpected failure while ranking this lead (a bug): reported, and the others go on.

A run never loses a lead: the output has exactly one group of rows per input row, which
:func:`screen_leads` checks before returning.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.criteria.site_facts import site_facts
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.leads import LeadTable, read_leads
from siting.inputs.origin import resolve_origin
from siting.jobs import screen_context
from siting.jobs.screen_batch import _screen_tasks
from siting.jobs.screen_context import (
    _as_lead,
    _batch_size,
    _Context,
    _distinct_tasks,
    _flat_column,
    _invalid,
    _Locator,
    _Task,
    _unique_id_ranks,
)
from siting.jobs.screen_dask import _run_dask, wire_profile
from siting.jobs.screen_summary import _summarise
from siting.layers.load import GeoData, load_geodata
from siting.layers.site_table import site_table
from siting.model.rows import ENUMERATION
from siting.model.solvers import SOLVERS
from siting.progress import Progress, ProgressArg, progress_reporter
from siting.results.screening import UNKNOWN_REGION, ScreenedLead, ScreenResult

__all__ = ["ENGINES", "ProgressCallback", "screen_leads", "wire_profile"]

#: Engines :func:`screen_leads` can run on.
ENGINES: tuple[str, ...] = ("local", "dask")


#: A plain progress callback ``progress(done, total)`` (kept for older callers).
ProgressCallback = Callable[[int, int], None]

#: Columns of a leads table that are no profile field but belong to the format (``priority``
#: weights a lead in ``siting assign``; screening does not use it).
_EXTRA = ("priority",)


def screen_leads(
    leads: LeadTable | str | Path | pd.DataFrame,
    *,
    top: int = 5,
    geodata_dir: str | Path | None = None,
    catalogue: Catalogue | str | Path | None = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    progress: ProgressArg = None,
    data: GeoData | None = None,
    allow_insecure_scheduler: bool = False,
) -> ScreenResult:
    """Rank every lead of a pipeline independently and summarise who fits where.

    Parameters
    ----------
    leads
        A :class:`~siting.inputs.leads.LeadTable`, the path of a leads CSV / Excel file, or a
        :class:`pandas.DataFrame` with the columns of a leads table.
    top
        Sites to recommend per lead.
    geodata_dir
        Data folder; ``None`` for the default.
    catalogue
        Criteria catalogue or its file; ``None`` for the default.
    solver
        ``None`` ranks by exact enumeration (fast); ``"cbc"``, ``"highs"`` or ``"cp-sat"``
        solves the MILP of :class:`~siting.model.site_choice.SiteChoiceModel` per lead (same
        ranking).
    time_limit_s
        Time limit per MILP solve [s] (with ``solver``).
    engine
        ``"local"`` (this process) or ``"dask"`` (partitions over a Dask cluster; same result).
    scheduler
        Dask scheduler address; ``None`` starts a local cluster of two worker processes whose
        every port (status page included) listens on 127.0.0.1 only, on a free port. A
        scheduler on another machine must use TLS (``tls://host:8786``, with Dask's TLS
        settings) unless ``allow_insecure_scheduler`` (:mod:`siting.jobs.dask_engine`).
        Workers get each lead's needs without its name or id (:func:`wire_profile`); workers of
        a remote scheduler need ``siting`` installed. A script that uses the local cluster
        needs the ``if __name__ == "__main__":`` guard (worker processes are spawned).
    progress
        Reports the leads ranked so far: a callable ``progress(done, total)`` or a
        :class:`siting.progress.Progress` (see :mod:`siting.progress`).
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.
    allow_insecure_scheduler
        Accept a scheduler on another machine without TLS (the needs then cross the network
        in clear text).

    Returns
    -------
    ScreenResult

    Raises
    ------
    SitingInputError
        For a file-level problem of the leads file, the options, the catalogue or the data.
    """
    _check_options(top, engine, solver, scheduler, allow_insecure_scheduler)
    table = leads if isinstance(leads, LeadTable) else read_leads(leads, extra_columns=_EXTRA)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    started = time.perf_counter()
    report = progress_reporter(progress)
    data = load_geodata(geodata_dir) if data is None else data
    ctx = _context(data, catalogue, top=top, solver=solver, time_limit_s=time_limit_s)
    n_sites = ctx.facts.n
    outcomes, tasks = _tasks(table, data)
    total = len(tasks)
    report.stage("screening leads", total)
    if engine == "dask" and tasks:
        ranked = _run_dask(
            tasks,
            ctx,
            scheduler=scheduler,
            allow_insecure=allow_insecure_scheduler,
            report=report,
        )
    else:
        ranked = _run_local(tasks, ctx, report)
    for task, outcome in zip(tasks, ranked, strict=True):
        outcomes[task.index] = outcome
    assert all(o is not None for o in outcomes)
    final = tuple(o for o in outcomes if o is not None)
    result = ScreenResult(
        file=table.file,
        leads=final,
        summary=_summarise(final, blank_rows=table.blank_rows),
        top=top,
        method=solver or ENUMERATION,
        engine=engine,
        n_sites=n_sites,
        warnings=table.warnings,
        elapsed_s=round(time.perf_counter() - started, 3),
    )
    _check_no_lead_lost(table, result)
    return result


def _check_no_lead_lost(table: LeadTable, result: ScreenResult) -> None:
    """Raise when the output does not hold exactly the input leads (by input row).

    Every outcome gives at least one row of :meth:`ScreenResult.rows` (one per site, or one
    without), so checking the outcomes checks the flat output.
    """
    rows_in = [lead.row for lead in table.leads]
    rows_out = {lead.row for lead in result.leads}
    if len(result.leads) != len(rows_in) or rows_out != set(rows_in):
        lost = sorted(set(rows_in) - rows_out)
        raise RuntimeError(
            f"screening lost leads: {len(rows_in)} in, {len(rows_out)} out "
            f"(missing rows {lost[:10]})"
        )


def _check_options(
    top: int, engine: str, solver: str | None, scheduler: str | None, allow_insecure: bool
) -> None:
    """Raise :class:`SitingInputError` for an option screening cannot run with."""
    if top < 1:
        raise SitingInputError(
            Problem(file="<options>", column="top", label="option", message="must be at least 1")
        )
    if engine not in ENGINES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="engine",
                label="option",
                message=f"{excerpt(engine)} is no engine; allowed: {', '.join(ENGINES)}",
            )
        )
    if solver is not None and solver not in SOLVERS:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="solver",
                label="option",
                message=f"{excerpt(solver)} is not a solver; allowed: {', '.join(SOLVERS)}",
            )
        )
    if scheduler is not None and engine != "dask":
        raise SitingInputError(
            Problem(
                file="<options>",
                column="scheduler",
                label="option",
                message="a scheduler address needs engine 'dask'",
            )
        )
    if scheduler is not None:
        from siting.jobs.dask_engine import check_scheduler

        check_scheduler(scheduler, allow_insecure=allow_insecure)


def _context(
    data: GeoData,
    catalogue: Catalogue,
    *,
    top: int,
    solver: str | None,
    time_limit_s: float | None,
) -> _Context:
    """Build what every lead is ranked against: the site facts, texts and id order."""
    sites = site_table(data=data)
    return _Context(
        facts=site_facts(sites, data.campuses),
        sites=pd.DataFrame(sites[["name", "municipality", "province"]])
        .reset_index(drop=True)
        .assign(x=sites.geometry.x.to_numpy(), y=sites.geometry.y.to_numpy()),
        catalogue=catalogue,
        top=top,
        solver=solver,
        time_limit_s=time_limit_s,
        id_rank=_unique_id_ranks(list(sites["site_id"])),
    )


def _tasks(table: LeadTable, data: GeoData) -> tuple[list[ScreenedLead | None], list[_Task]]:
    """Return the invalid leads' outcomes (``None`` for the others) and the valid leads' tasks.

    Many leads share a location: each one is resolved once.
    """
    outcomes: list[ScreenedLead | None] = [None] * len(table.leads)
    tasks: list[_Task] = []
    locate = _Locator(data.municipalities)
    # many leads share a location: resolve each one once
    origins: dict[Any, tuple[float, float] | SitingInputError | None] = {}
    regions: dict[tuple[float, float] | None, str] = {}
    for index, lead in enumerate(table.leads):
        if not lead.valid:
            outcomes[index] = _invalid(lead, lead.problems, UNKNOWN_REGION)
            continue
        assert lead.profile is not None
        location = lead.profile.company.current_location
        key = None if location is None else (location.municipality, location.lat, location.lon)
        if key not in origins:
            try:
                origins[key] = resolve_origin(lead.profile, data, file=table.file)
            except SitingInputError as exc:
                origins[key] = exc
        origin = origins[key]
        if isinstance(origin, SitingInputError):
            problems = tuple(
                Problem(
                    file=table.file, row=lead.row, column=_flat_column(p.column), message=p.message
                )
                for p in origin.problems
            )
            outcomes[index] = _invalid(lead, problems, UNKNOWN_REGION)
            continue
        if origin not in regions:
            regions[origin] = locate(origin)
        tasks.append(
            _Task(
                index=index,
                lead_id=lead.lead_id,
                row=lead.row,
                file=table.file,
                profile=lead.profile,
                origin=origin,
                region=regions[origin],
            )
        )

    return outcomes, tasks


def _run_local(tasks: list[_Task], ctx: _Context, report: Progress) -> list[ScreenedLead]:
    """Rank the tasks in this process, in batches, reporting progress per batch.

    Leads with the same needs, constraints, weights and origin are ranked once
    (:func:`_distinct_tasks`); each gets that outcome under its own id and row.
    """
    distinct, of = _distinct_tasks(tasks)
    ranked: list[ScreenedLead] = []
    # progress in leads: a distinct lead stands for every lead that shares its needs
    done = np.cumsum(np.bincount(of, minlength=len(distinct))).tolist()
    step = 25 if ctx.solver is not None or screen_context._PER_LEAD else _batch_size(ctx)
    for first in range(0, len(distinct), step):
        ranked.extend(_screen_tasks(distinct[first : first + step], ctx))
        report.advance(done[len(ranked) - 1])
    return [_as_lead(task, ranked[k]) for task, k in zip(tasks, of.tolist(), strict=True)]
