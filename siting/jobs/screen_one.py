"""Screen one lead on its own: evaluate it, then the enumeration or a MILP (the fallback)."""

from __future__ import annotations

from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError, excerpt
from siting.criteria.evaluation import Evaluation, evaluate
from siting.criteria.unknowns import feasible_reason
from siting.jobs.explain import breakdown, infeasibility
from siting.jobs.rank import constraint_rows
from siting.jobs.screen_context import (
    _Context,
    _flat_column,
    _nowhere_outcome,
    _problems_text,
    _Task,
)
from siting.model.site_choice import RankingSolution, SiteChoiceModel, rank_by_enumeration
from siting.results.ranking import STRENGTH_SCORE, format_value
from siting.results.screening import (
    ScreenedLead,
    SiteHit,
)


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
        hits = _hits(ev, solution, ctx)
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
            sites=hits,
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
    label = labels.get(why.most_restrictive, why.most_restrictive)
    return _nowhere_outcome(task, why, label, _sole_blockers(ev))


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


def _hits(ev: Evaluation, solution: RankingSolution, ctx: _Context) -> tuple[SiteHit, ...]:
    """Return the ranked sites of one lead with their three strongest reasons (as ``rank``)."""
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
    return tuple(hits)
