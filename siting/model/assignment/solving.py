"""Solving the assignment: both stages, the checks, the fallbacks and the result."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import (
    _TOL,
    MAX_RESOLVES,
    _gap_to,
)
from siting.model.assignment.capacity_rows import capacities
from siting.model.assignment.capacity_values import time_budget_s, value_capacities
from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
from siting.model.assignment.local_search import improve
from siting.model.assignment.milp import solve_stage
from siting.model.assignment.reasons import explain, status_note
from siting.model.assignment.relaxation import Relaxed, applies, relax_and_round
from siting.model.assignment.solution import AssignmentSolution, CapacityValue, _Capacity
from siting.model.solvers import (
    SolveOutcome,
    check_gap,
    check_solver,
    check_time_limit,
)

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel

#: The shortest time left worth a MILP of the whole model after the relaxation [s].
_MIN_MILP_S = 1.0


def solve_assignment(
    model: AssignmentModel,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    capacity_values: bool = True,
    max_resolves: int = MAX_RESOLVES,
    gap_rel: float = 0.0,
) -> AssignmentSolution:
    """Solve the assignment, explain the unplaced leads and value the binding capacities.

    Parameters
    ----------
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default
        :data:`siting.settings.default_solver`.
    time_limit_s
        Time limit per solve (the main one and each re-solve) [s]; default
        :data:`siting.settings.time_limit_s`.
    gap_rel
        Relative gap at which the first stage may stop [-], ``0 <= gap_rel < 1``
        (0.005 is 0.5 %); 0 (default) proves the optimum and breaks ties. The
        re-solves for the value of capacity use the same gap.
    capacity_values
        Whether to compute the value of one more unit of each binding capacity.
    max_resolves
        At most this many re-solves for those values (the rows with most leads
        competing first), within the time of
        :func:`.capacity_values.time_budget_s` together.

    Returns
    -------
    AssignmentSolution

    Raises
    ------
    ValueError
        For an unknown solver, a bad time limit, gap or ``max_resolves``.
    """
    name = check_solver(solver)
    limit = check_time_limit(time_limit_s)
    gap_limit = check_gap(gap_rel)
    if max_resolves < 0:
        raise ValueError(f"max_resolves must be >= 0, got {max_resolves!r}")
    caps = capacities(model)
    keep = kept_pairs(model)
    outcome, x, filled, proof = stage_one(model, name, limit, gap_limit, keep, caps)
    x, tie_status, second_s = stage_two(model, name, limit, outcome.status, x, keep, caps)
    used = {cap.name: float(cap.coefs @ x[cap.pairs]) for cap in caps}
    values: tuple[CapacityValue, ...] = ()
    note = "not computed"
    start = time.perf_counter()
    if capacity_values and outcome.x is not None:
        values, note = value_capacities(
            model,
            x,
            caps,
            used,
            name,
            limit,
            max_resolves,
            outcome.status,
            gap_limit,
            budget_s=time_budget_s(outcome.solve_time_s + second_s),
        )
    return _solution(
        model,
        x,
        replace(
            outcome, solve_time_s=outcome.solve_time_s + second_s, solver=name, gap_rel=gap_limit
        ),
        caps,
        used,
        tie_status=tie_status,
        values=(values, note, time.perf_counter() - start),
        filled=filled,
        proof=proof,
    )


def stage_one(
    model: AssignmentModel,
    name: str,
    limit: float,
    gap_limit: float,
    keep: np.ndarray,
    caps: list[_Capacity],
) -> tuple[SolveOutcome, np.ndarray, int, str]:
    """Maximise the fit from the greedy start; return the outcome, ``x`` and how it was made.

    With a gap asked for on a large model (:func:`.relaxation.applies`) the LP relaxation
    comes first: its rounding is the answer when it is within the gap of the relaxation's
    bound, else the start of the MILP, whose gap is then the smaller of its own and that to
    the relaxation's bound. A solver's answer worse than its start (or none) gives way to
    the start; an answer not proven optimal is completed greedily. Returns the outcome (its
    status and gap those of the answer), ``x`` over all pairs (zeros without any), the
    number of leads the completion placed and what proves the gap (``"solver"``,
    ``"greedy"``: the start, against every lead at its best pair, or ``"relaxation"``).
    """
    began = time.perf_counter()
    relaxed = (
        relax_and_round(model, name, limit, gap_limit, keep, caps)
        if applies(model, keep, gap_limit)
        else None
    )
    if relaxed is not None:
        start = checked(model, relaxed.x, caps)
        limit -= time.perf_counter() - began
        if relaxed.gap(model) <= gap_limit or limit < _MIN_MILP_S:
            # within the gap, or no time left for the MILP: the rounding at its true gap
            return _relaxed_outcome(model, relaxed, start, name, gap_limit), start, 0, "relaxation"
    else:
        start = greedy_assignment(model, keep=keep)
        start = checked(model, improve(model, start, keep=keep, time_budget_s=0.1 * limit), caps)
    outcome, x1 = solve_stage(model, name, limit, keep=keep, gap_rel=gap_limit, start=start)
    outcome, x1, proof = _better_of(model, outcome, x1, start, keep)
    if relaxed is not None:  # its time counts: the relaxation, rounding and reduced MILP
        outcome = replace(outcome, solve_time_s=time.perf_counter() - began)
        if x1 is not None:
            outcome, proof = _with_relaxation(model, outcome, x1, relaxed.bound, gap_limit, proof)
    x = np.zeros(model.n_pairs, dtype=np.int64) if x1 is None else checked(model, x1, caps)
    filled = 0
    if x1 is not None and outcome.status != "optimal":
        # a solver stopped at a gap or a time limit may leave room a lead fits in:
        # place such leads greedily (the fit only grows; the gap bound still holds)
        completed = checked(model, greedy_assignment(model, keep=keep, start=x), caps)
        filled = int(completed.sum() - x.sum())
        x = completed
    return outcome, x, filled, proof


def _better_of(
    model: AssignmentModel,
    outcome: SolveOutcome,
    x1: np.ndarray | None,
    start: np.ndarray,
    keep: np.ndarray,
) -> tuple[SolveOutcome, np.ndarray | None, str]:
    """Keep the solver's answer, or its start when that is better; say what proves the gap."""
    proof = "solver"
    if (
        x1 is not None
        and outcome.status == "within_gap"
        and math.isfinite(outcome.gap)
        and float(model._q @ start) > float(model._q @ x1)
    ):
        # a solver stopped at the gap with less than its start: the start, against the
        # bound the solver proved (its answer's fit plus the gap)
        fit1 = float(model._q @ x1)
        bound = fit1 + outcome.gap * max(1.0, abs(fit1))
        gap = _gap_to(float(model._q @ start), bound)
        return replace(outcome, gap=gap, objective=float(model._q @ start)), start, proof
    if outcome.status in ("no_solution_in_time", "feasible") and start.any():
        start_fit = float(model._q @ start)
        if x1 is None or start_fit > float(model._q @ x1):
            # a solver may not adopt the start as its incumbent (CP-SAT takes it as
            # hints), or be stopped before it improves on it: the start is then the
            # better answer, with its gap to the bound of every lead at its best
            outcome = replace(
                outcome,
                status="feasible",
                gap=_gap_to(start_fit, fit_bound(model, keep)),
                objective=start_fit,
            )
            x1, proof = start, "greedy"
    if outcome.status == "feasible" and math.isnan(outcome.gap) and x1 is not None:
        outcome = replace(outcome, gap=_gap_to(float(model._q @ x1), fit_bound(model, keep)))
    return outcome, x1, proof


def _with_relaxation(
    model: AssignmentModel,
    outcome: SolveOutcome,
    x1: np.ndarray,
    bound: float,
    gap_limit: float,
    proof: str,
) -> tuple[SolveOutcome, str]:
    """Tighten a MILP's gap with the LP relaxation's bound (both are valid proofs)."""
    gap = _gap_to(float(model._q @ x1), bound)
    if outcome.status not in ("feasible", "within_gap") or not gap < outcome.gap:
        return outcome, proof
    status = "within_gap" if gap <= gap_limit else outcome.status
    return replace(outcome, status=status, gap=gap), "relaxation"


def _relaxed_outcome(
    model: AssignmentModel, relaxed: Relaxed, x: np.ndarray, name: str, gap_limit: float
) -> SolveOutcome:
    """Return the outcome of stage 1 answered by the rounded relaxation (at its true gap)."""
    fit = float(model._q @ x)
    optimal = fit >= relaxed.bound
    within = relaxed.gap(model) <= gap_limit
    return SolveOutcome(
        status="optimal" if optimal else ("within_gap" if within else "feasible"),
        objective=fit,
        x=x,
        gap=0.0 if optimal else relaxed.gap(model),
        solve_time_s=relaxed.time_s,
        solver=name,
        gap_rel=gap_limit,
    )


def stage_two(
    model: AssignmentModel,
    name: str,
    limit: float,
    status: str,
    x: np.ndarray,
    keep: np.ndarray,
    caps: list[_Capacity],
) -> tuple[np.ndarray, str, float]:
    """Break the ties of an optimal stage 1; return ``x``, the tie-break status and its time [s].

    Skipped (status ``"skipped"``) unless stage 1 is optimal; not solved (status
    ``"optimal"``) when ``x`` already reaches the bound of :func:`tie_free`.
    """
    fit = round(float(model._q @ x))
    if status != "optimal" or not model.n_pairs:
        return x, "skipped", 0.0
    if tie_free(model, x, fit, keep):
        return x, "optimal", 0.0  # stage 1's answer meets stage 2's bound: no stage 2
    second, x2 = solve_stage(model, name, limit, fit_at_least=fit, keep=keep, start=x)
    tie_status = second.status
    if x2 is not None:
        x2 = checked(model, x2, caps)
        # keep stage 1's answer if tolerances let stage 2 lose any fit
        if round(float(model._q @ x2)) >= fit and model._tau @ x2 >= model._tau @ x:
            x = x2
        elif tie_status == "optimal":
            tie_status = "error"
    return x, tie_status, second.solve_time_s


def _solution(
    model: AssignmentModel,
    x: np.ndarray,
    outcome: SolveOutcome,
    caps: list[_Capacity],
    used: dict[str, float],
    *,
    tie_status: str,
    values: tuple[tuple[CapacityValue, ...], str, float],
    filled: int,
    proof: str,
) -> AssignmentSolution:
    """Return the solution of ``x``: the assignment, reasons, use of every capacity, values."""
    chosen = tuple(int(p) for p in np.flatnonzero(x))
    site_of = {int(model.pairs[p, 0]): int(model.pairs[p, 1]) for p in chosen}
    utility = {model.lead_ids[int(model.pairs[p, 0])]: float(model.utility[p]) for p in chosen}
    blockers, reasons = explain(model, x, caps, used, outcome.status)
    capacity_values, capacity_note, capacity_time_s = values
    return AssignmentSolution(
        status=outcome.status,
        objective=round(float(model.lead_weight[model.pairs[:, 0]] * model.utility @ x), 9),
        fit_int=round(float(model._q @ x)),
        tie_break=round(float(model._tau @ x)),
        tie_break_status=tie_status,
        gap=outcome.gap,
        solve_time_s=outcome.solve_time_s,
        solver=outcome.solver,
        assignment={
            lid: (model.site_ids[site_of[lead]] if lead in site_of else None)
            for lead, lid in enumerate(model.lead_ids)
        },
        utility=utility,
        reasons=reasons,
        blockers=blockers,
        site_used_ha=tuple(site_sums(model, x, model.land_ha)),
        site_n_leads=tuple(int(v) for v in site_sums(model, x, np.ones(len(model.lead_ids)))),
        zone_used_mw=tuple(zone_sums(model, x)),
        region_used_fte=tuple(
            group_sums(
                model, x, model.site_region, model.region_capacity_fte.size, model.talent_fte
            )
        ),
        capacity_values=capacity_values,
        capacity_note=capacity_note,
        capacity_time_s=capacity_time_s,
        resolution=model.resolution,
        chosen_pairs=chosen,
        gap_rel=outcome.gap_rel,
        status_note=status_note(
            outcome.status,
            outcome.gap,
            outcome.gap_rel,
            tie_status,
            has_pairs=model.n_pairs > 0,
            filled=filled,
            greedy_only=proof == "greedy",
            relaxation=proof == "relaxation",
            stopped=outcome.stopped,
        ),
        stopped=outcome.stopped,
    )


def tie_free(model: AssignmentModel, x: np.ndarray, fit: int, keep: np.ndarray) -> bool:
    r"""Whether stage 1's optimum ``x`` is already the lexicographic optimum.

    With :math:`\bar q_l` the best :math:`q` of lead :math:`l` over the kept pairs and
    :math:`B = \sum_l \bar q_l - Q^*`, an assignment of fit :math:`Q^*` uses no pair
    that loses more than :math:`B` against its lead's best; so
    :math:`\sum_l \max\{\tau_p : q_p \ge \bar q_l - B\}` bounds stage 2 (an unplaced
    lead adds 0 and needs :math:`\bar q_l \le B`). Stage 2 is skipped when ``x``
    reaches this bound, e.g. when every lead is at its best pair.
    """
    kept = np.flatnonzero(keep)
    lead_of = model.pairs[kept, 0]
    n_l = len(model.lead_ids)
    q, tau = model._q[kept], model._tau[kept]
    best_q = np.zeros(n_l)
    np.maximum.at(best_q, lead_of, q)
    slack = float(best_q.sum()) - fit
    usable = q >= best_q[lead_of] - slack - 0.5
    bound = np.zeros(n_l)
    np.maximum.at(bound, lead_of[usable], tau[usable])
    return bool(round(float(model._tau @ x)) >= round(float(bound.sum())))


def fit_bound(model: AssignmentModel, keep: np.ndarray) -> float:
    """Return an upper bound on the quantised fit: every lead at its best kept pair."""
    kept = np.flatnonzero(keep)
    best = np.zeros(len(model.lead_ids))
    np.maximum.at(best, model.pairs[kept, 0], model._q[kept])
    return float(best.sum())


def checked(model: AssignmentModel, x: np.ndarray, caps: list[_Capacity]) -> np.ndarray:
    """Check a solver's 0/1 vector against every row (guards against tolerances)."""
    x = np.asarray(x, dtype=np.int64)
    per_lead = np.bincount(model.pairs[:, 0], weights=x, minlength=len(model.lead_ids))
    bad = [
        f"lead {model.lead_ids[lead]} placed {int(k)} times"
        for lead, k in enumerate(per_lead)
        if k > 1
    ]
    bad += [cap.name for cap in caps if cap.coefs @ x[cap.pairs] > cap.rhs + _TOL]
    if bad:
        raise RuntimeError(f"the solver returned an assignment that violates {bad[:5]}")
    return x


def site_sums(model: AssignmentModel, x: np.ndarray, per_lead: np.ndarray) -> np.ndarray:
    """Sum a per-lead quantity over the leads placed at each site."""
    return np.bincount(
        model.pairs[:, 1], weights=per_lead[model.pairs[:, 0]] * x, minlength=len(model.site_ids)
    )


def zone_sums(model: AssignmentModel, x: np.ndarray) -> np.ndarray:
    """Use per zone, in its unit: power of the placed leads [MW], or their number."""
    p, z = model.zone_pairs[:, 0], model.zone_pairs[:, 1]
    by_lead = np.array([u == "lead" for u in model.zone_unit], dtype=bool)
    coef = np.where(by_lead[z], 1.0, model.power_mw[model.pairs[p, 0]]) if p.size else p
    n = model.zone_headroom_mw.size
    return np.bincount(z, weights=coef * x[p], minlength=n)[:n] if n else np.zeros(0)


def group_sums(
    model: AssignmentModel,
    x: np.ndarray,
    group_of_site: np.ndarray,
    n: int,
    per_lead: np.ndarray,
) -> np.ndarray:
    """Sum a per-lead quantity over the leads placed in each group of sites (a region)."""
    g = group_of_site[model.pairs[:, 1]]
    keep = g >= 0
    return (
        np.bincount(g[keep], weights=(per_lead[model.pairs[:, 0]] * x)[keep], minlength=n)[:n]
        if n
        else np.zeros(0)
    )
