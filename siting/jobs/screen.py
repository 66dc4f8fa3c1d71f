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

import dataclasses
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.criteria.evaluation import BatchEvaluation, LeadParams, evaluate, evaluate_batch
from siting.criteria.rules import RULES, slack_passes
from siting.criteria.site_facts import SiteFacts, site_facts
from siting.criteria.unknowns import feasible_reason
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.leads import Lead, LeadTable, read_leads
from siting.inputs.origin import resolve_origin
from siting.inputs.profile import Profile
from siting.jobs.explain import (
    breakdown,
    describe_infeasibility,
    infeasibility,
    relaxation_gains,
)
from siting.jobs.rank import constraint_rows
from siting.layers.load import GeoData, load_geodata
from siting.layers.site_table import site_table
from siting.model.rows import ENUMERATION, id_ranks, quantise
from siting.model.site_choice import SiteChoiceModel, rank_by_enumeration
from siting.model.solvers import SOLVERS
from siting.progress import Progress, ProgressArg, progress_reporter
from siting.results.ranking import STRENGTH_SCORE, format_value
from siting.results.screening import (
    UNKNOWN_REGION,
    RegionLine,
    RuleLine,
    ScreenedLead,
    ScreenResult,
    ScreenSummary,
    SiteHit,
)

#: Engines :func:`screen_leads` can run on.
ENGINES: tuple[str, ...] = ("local", "dask")


#: A plain progress callback ``progress(done, total)`` (kept for older callers).
ProgressCallback = Callable[[int, int], None]

#: Leads x sites evaluated at once by the vectorised enumeration (256 KiB per float array, so
#: a batch's arrays and temporaries stay in a core's L2 cache). Measured on the 2-core machine
#: of issue 18 (2 MiB L2 per core), 1,000 leads x the national table: 2^15 cells took about
#: half the time of 2^17 (1.5-1.8 s against 3.1-3.3 s); 2^13 and fewer cost more again (the
#: per-batch Python work of each rule and criterion).
_BATCH_CELLS = 1 << 15

#: Columns of a leads table that are no profile field but belong to the format (``priority``
#: weights a lead in ``siting assign``; screening does not use it).
_EXTRA = ("priority",)

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

        check_scheduler(scheduler, allow_insecure=allow_insecure_scheduler)
    table = leads if isinstance(leads, LeadTable) else read_leads(leads, extra_columns=_EXTRA)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    started = time.perf_counter()
    report = progress_reporter(progress)
    data = load_geodata(geodata_dir) if data is None else data
    sites = site_table(data=data)
    ctx = _Context(
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
        ranked = []
        step = 25 if ctx.solver is not None or _PER_LEAD else _batch_size(ctx)
        for first in range(0, total, step):
            ranked.extend(_screen_tasks(tasks[first : first + step], ctx))
            report.advance(len(ranked))
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
        n_sites=len(sites),
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


# --- ranking one lead --------------------------------------------------------------------------


def _screen_one(task: _Task, ctx: _Context) -> ScreenedLead:
    """Rank one lead against the shared site facts; never raises."""
    try:
        return _rank_one(task, ctx)
    except SitingInputError as exc:
        problems = tuple(
            Problem(file=task.file, row=task.row, column=_flat_column(p.column), message=p.message)
            for p in exc.problems
        )
        return ScreenedLead(
            lead_id=task.lead_id,
            row=task.row,
            origin=task.origin,
            status="invalid_input",
            reason=_problems_text(problems),
            region=task.region,
            problems=problems,
        )
    except Exception as exc:  # a bug must not lose the lead or stop the run
        return ScreenedLead(
            lead_id=task.lead_id,
            row=task.row,
            origin=task.origin,
            status="error",
            reason=f"internal error while ranking: {type(exc).__name__}: "
            f"{excerpt(str(exc), limit=200)}",
            region=task.region,
        )


def _rank_one(task: _Task, ctx: _Context) -> ScreenedLead:
    ev = evaluate(task.profile, ctx.facts, ctx.catalogue, origin_xy=task.origin)
    constraints = constraint_rows(ev)
    if ctx.solver is None:
        solution = rank_by_enumeration(ev.site_ids, ev.utility, constraints, top_k=ctx.top)
    else:
        solution = SiteChoiceModel(
            site_ids=ev.site_ids, utility=ev.utility, constraints=constraints
        ).solve(solver=ctx.solver, time_limit_s=ctx.time_limit_s, top_k=ctx.top)
    feasible = ev.feasible
    n_feasible = int(feasible.sum())
    n = len(ev.site_ids)
    if solution.ranking:
        utility = ev.utility
        hits = []
        for r in solution.ranking:
            i = r.index
            lines = sorted(breakdown(ev, i), key=lambda c: -c.contribution)
            strong = [
                c for c in lines if c.contribution > 0 and c.normalised >= STRENGTH_SCORE
            ]  # strengths only, as Recommendation.top_reasons
            reasons = tuple(f"{c.label} ({format_value(c.value, c.unit)})" for c in strong[:3])
            site = ctx.sites.iloc[i]
            hits.append(
                SiteHit(
                    x=ctx.site_xy[0][i],
                    y=ctx.site_xy[1][i],
                    rank=r.rank,
                    site_id=r.site_id,
                    name=str(site["name"]),
                    municipality=str(site["municipality"]),
                    province=str(site["province"]),
                    score=round(float(utility[i]), 4),
                    unverified=bool(ev.unverified[i]),
                    reasons=reasons,
                )
            )
        reason = feasible_reason(n_feasible, n, int(ev.unverified.sum()))
        if solution.status not in ("optimal",):
            reason += f"; solver status {solution.status}"
        return ScreenedLead(
            lead_id=task.lead_id,
            row=task.row,
            origin=task.origin,
            status="ok",
            reason=reason,
            region=task.region,
            sites=tuple(hits),
            n_feasible=n_feasible,
        )
    if n_feasible and solution.status != "infeasible":
        return ScreenedLead(
            lead_id=task.lead_id,
            row=task.row,
            origin=task.origin,
            status="error",
            reason=f"solver {solution.solver} returned no site "
            f"({solution.status}) although {n_feasible} are feasible",
            region=task.region,
            n_feasible=n_feasible,
        )
    why = infeasibility(ev, ctx.sites)
    labels = {con.name: con.label for con in ev.constraints}
    return ScreenedLead(
        lead_id=task.lead_id,
        row=task.row,
        origin=task.origin,
        status="no_feasible_site",
        reason=why.message,
        region=task.region,
        n_feasible=0,
        blocking_rule=why.most_restrictive,
        blocking_label=labels.get(why.most_restrictive, why.most_restrictive),
        sole_blockers=_sole_blockers(ev),
    )


def _sole_blockers(ev: Any) -> tuple[str, ...]:
    """Labels of the rules that, relaxed alone, would admit at least one site."""
    passing = [(con.label, con.ok) for con in ev.constraints]
    out = []
    for k, (label, _) in enumerate(passing):
        others = np.ones(len(ev.site_ids), dtype=bool)
        for j, (_, ok) in enumerate(passing):
            if j != k:
                others &= ok
        if others.any():
            out.append(label)
    return tuple(out)


def _screen_partition(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    return _screen_tasks(tasks, ctx)


# --- ranking a batch of leads at once ---------------------------------------------------------


def _unique_id_ranks(site_ids: list[str]) -> np.ndarray | None:
    """Position of each site id in the sorted ids; ``None`` (no batches) when ids repeat."""
    return id_ranks(site_ids) if len(set(site_ids)) == len(site_ids) else None


def _batch_size(ctx: _Context) -> int:
    """Leads per batch of the vectorised enumeration."""
    return max(1, _BATCH_CELLS // max(1, ctx.facts.n))


def _screen_tasks(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    """Rank some leads; never raises. Same outcomes as :func:`_screen_one` on each lead.

    With the enumeration the leads are evaluated and ranked in batches (:func:`_rank_batch`);
    a batch that fails (a lead whose weights do not resolve, or a bug) goes the per-lead way,
    where each lead reports its own problem.
    """
    if ctx.solver is not None or _PER_LEAD or ctx.facts.n == 0 or ctx.id_rank is None:
        return [_screen_one(task, ctx) for task in tasks]
    out: list[ScreenedLead] = []
    size = _batch_size(ctx)
    for start in range(0, len(tasks), size):
        chunk = tasks[start : start + size]
        try:
            out.extend(_rank_batch(chunk, ctx))
        except Exception:  # e.g. weights that do not resolve: each lead says what it is
            out.extend(_screen_one(task, ctx) for task in chunk)
    return out


def _rank_batch(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    """Rank leads at once by exact enumeration: the outcomes of :func:`_rank_one` for each."""
    assert ctx.id_rank is not None
    params = LeadParams.from_profiles(
        [t.profile for t in tasks], ctx.catalogue, origins=[t.origin for t in tasks]
    )
    batch = evaluate_batch(params, ctx.facts, ctx.catalogue)
    n = len(batch.site_ids)
    rho = ctx.id_rank
    utility = batch.utility
    feasible = batch.feasible
    n_feasible = feasible.sum(axis=1)
    n_unverified = batch.unverified.sum(axis=1)
    # the enumeration's order: quantised utility descending, then site id (as
    # rank_by_enumeration)
    key = np.where(feasible, quantise(utility) * n + (n - 1 - rho), -1)
    k = min(ctx.top, n)
    part = (
        np.argpartition(-key, k - 1, axis=1)[:, :k]
        if k < n
        else np.broadcast_to(np.arange(n), key.shape)
    )
    part_key = np.take_along_axis(key, part, axis=1)
    order = np.argsort(-part_key, axis=1, kind="stable")
    best = np.take_along_axis(part, order, axis=1)
    best_key = np.take_along_axis(part_key, order, axis=1)
    names, municipalities, provinces = ctx.site_text
    xs, ys = ctx.site_xy
    # per chosen site, each criterion's raw value and contribution as explain.breakdown gives
    # them: (L, top, C), contributions rounded to 4 decimals as Python's round
    raw = np.stack(
        [
            np.take_along_axis(np.broadcast_to(batch.raw[name], key.shape), best, axis=1)
            for name in batch.criteria
        ],
        axis=-1,
    )
    contribution = np.stack(
        [
            batch.weights[:, c, None]
            * np.take_along_axis(np.broadcast_to(batch.score[name], key.shape), best, axis=1)
            for c, name in enumerate(batch.criteria)
        ],
        axis=-1,
    )
    # strengths only (a normalised score of STRENGTH_SCORE or more, at breakdown's 4
    # decimals), as Recommendation.top_reasons
    normalised = np.stack(
        [
            np.take_along_axis(np.broadcast_to(batch.score[name], key.shape), best, axis=1)
            for name in batch.criteria
        ],
        axis=-1,
    )
    strong = _round_half_even(normalised, 4) >= STRENGTH_SCORE
    contribution = np.where(
        (batch.weights > 0)[:, None, :] & strong, _round_half_even(contribution, 4), -np.inf
    )
    # the three largest, ties in catalogue order (a stable sort, as breakdown's lines)
    top3 = np.argsort(-contribution, axis=-1, kind="stable")[..., :3]
    top3_value = np.take_along_axis(contribution, top3, axis=-1).tolist()
    top3_raw = np.take_along_axis(raw, top3, axis=-1).tolist()
    top3 = top3.tolist()
    labels = [
        (ctx.catalogue.criteria[name].label, ctx.catalogue.criteria[name].unit)
        for name in batch.criteria
    ]
    scores = np.take_along_axis(utility, best, axis=1).tolist()
    flags = np.take_along_axis(batch.unverified, best, axis=1).tolist()
    texts: dict[tuple[float, str], str] = {}
    out = []
    best_sites, best_keys = best.tolist(), best_key.tolist()
    for lead, task in enumerate(tasks):
        chosen = [i for i, kk in zip(best_sites[lead], best_keys[lead], strict=True) if kk >= 0]
        feasible_count = int(n_feasible[lead])
        if not chosen:
            out.append(_nowhere(task, batch, lead, ctx, names))
            continue
        hits = []
        for j, i in enumerate(chosen):
            reasons = []
            for c, value, contributes in zip(
                top3[lead][j], top3_raw[lead][j], top3_value[lead][j], strict=True
            ):
                if contributes > 0:
                    label, unit = labels[c]
                    text = texts.get((value, unit)) if value else None  # (0.0 == -0.0)
                    if text is None:
                        text = texts[value, unit] = format_value(value, unit)
                    reasons.append(f"{label} ({text})")
            hits.append(
                SiteHit(
                    x=xs[i],
                    y=ys[i],
                    rank=j + 1,
                    site_id=batch.site_ids[i],
                    name=names[i],
                    municipality=municipalities[i],
                    province=provinces[i],
                    score=round(scores[lead][j], 4),
                    unverified=bool(flags[lead][j]),
                    reasons=tuple(reasons),
                )
            )
        reason = feasible_reason(feasible_count, n, int(n_unverified[lead]))
        out.append(
            ScreenedLead(
                lead_id=task.lead_id,
                row=task.row,
                origin=task.origin,
                status="ok",
                reason=reason,
                region=task.region,
                sites=tuple(hits),
                n_feasible=feasible_count,
            )
        )
    return out


def _round_half_even(values: np.ndarray, decimals: int) -> np.ndarray:
    """Python's ``round(v, decimals)`` of every element, vectorised (bit for bit).

    ``rint(v * 10**d) / 10**d`` is the double nearest ``k / 10**d`` for the right integer
    ``k`` unless ``v * 10**d`` lies within rounding error of a half; those few elements (and
    non-finite ones) are rounded by Python itself.
    """
    scale = 10.0**decimals
    scaled = values * scale
    out = np.rint(scaled) / scale
    doubtful = ~(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)  # NaN/inf doubtful too
    for index in zip(*np.nonzero(doubtful), strict=True):
        out[index] = round(float(values[index]), decimals)
    return out


def _nowhere(
    task: _Task, batch: BatchEvaluation, lead: int, ctx: _Context, names: list[str]
) -> ScreenedLead:
    """Return the outcome of a lead without a feasible site (as :func:`_rank_one` does)."""
    assert ctx.id_rank is not None
    id_rank = ctx.id_rank
    rules = [(name, RULES[name][0]) for r, name in enumerate(batch.rules) if batch.active[lead, r]]
    passing = {name: batch.passing[name][lead] for name, _ in rules}
    labels = dict(rules)
    admitted = relaxation_gains(passing)

    def best_of(gained: np.ndarray) -> str:
        rounded = np.round(batch.utility[lead, gained], 6)
        candidates = gained[rounded == rounded.max()]
        top = int(candidates[np.argmin(id_rank[candidates])])
        return f"{batch.site_ids[top]} ({names[top]})"

    known = {
        name: slack_passes(batch.slack[name][lead]) | np.isnan(batch.slack[name][lead])
        for name in passing
    }
    explained = describe_infeasibility(passing, labels, admitted, best_of, known=known)
    return ScreenedLead(
        lead_id=task.lead_id,
        row=task.row,
        origin=task.origin,
        status="no_feasible_site",
        reason=explained.message,
        region=task.region,
        n_feasible=0,
        blocking_rule=explained.most_restrictive,
        blocking_label=labels[explained.most_restrictive],
        sole_blockers=tuple(labels[name] for name in passing if admitted[name].size),
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


# --- helpers ----------------------------------------------------------------------------------


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


def _summarise(leads: Sequence[ScreenedLead], *, blank_rows: int) -> ScreenSummary:
    counts = Counter(lead.status for lead in leads)
    regions: dict[str, list[ScreenedLead]] = {}
    for lead in leads:
        regions.setdefault(lead.region, []).append(lead)
    region_lines = []
    for region, members in regions.items():
        status = Counter(m.status for m in members)
        blocking = Counter(m.blocking_label for m in members if m.status == "no_feasible_site")
        top_rule, top_count = (
            min(blocking.items(), key=lambda kv: (-kv[1], kv[0])) if blocking else ("", 0)
        )
        region_lines.append(
            RegionLine(
                region=region,
                leads=len(members),
                placed=status["ok"],
                nowhere=status["no_feasible_site"],
                invalid=status["invalid_input"],
                top_blocking_rule=top_rule,
                top_blocking_leads=top_count,
            )
        )
    region_lines.sort(key=lambda r: (r.region == UNKNOWN_REGION, -r.leads, r.region))
    most = Counter(m.blocking_label for m in leads if m.status == "no_feasible_site")
    sole = Counter(
        label for m in leads if m.status == "no_feasible_site" for label in m.sole_blockers
    )
    rules = [
        RuleLine(label=label, most_restrictive=most[label], sole_blocker=sole[label])
        for label in set(most) | set(sole)
    ]
    rules.sort(key=lambda r: (-r.most_restrictive, -r.sole_blocker, r.label))
    return ScreenSummary(
        leads_in=len(leads),
        placed=counts["ok"],
        nowhere=counts["no_feasible_site"],
        invalid=counts["invalid_input"],
        errors=counts["error"],
        blank_rows=blank_rows,
        regions=tuple(region_lines),
        rules=tuple(rules),
    )


# --- writing ----------------------------------------------------------------------------------
