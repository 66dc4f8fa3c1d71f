"""The value of one more unit of each binding capacity, by re-solving the model."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting import settings
from siting.model.assignment._common import (
    _TOL,
)
from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
from siting.model.assignment.milp import linear_model
from siting.model.assignment.solution import CapacityValue, _Capacity
from siting.model.persistent import PersistentMilp
from siting.model.solvers import SolveOutcome

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def value_capacities(
    model: AssignmentModel,
    x: np.ndarray,
    caps: list[_Capacity],
    used: Mapping[str, float],
    solver: str,
    limit: float,
    max_resolves: int,
    status: str,
    gap_rel: float = 0.0,
    budget_s: float = math.inf,
) -> tuple[tuple[CapacityValue, ...], str]:
    """Re-solve with one more unit of each binding capacity; return the values and a note.

    The re-solves share one MILP (:class:`Resolves`): built once, each re-solve changes one
    right-hand side and starts from ``x``. They take at most ``limit`` each and ``budget_s``
    together [s] (:func:`time_budget_s`), the rows with most leads competing first; a
    re-solve the budget stops gives a lower bound, and the rows left are not re-solved.
    """
    began = time.perf_counter()
    candidates = binding_candidates(model, x, caps, used)
    chosen = candidates[:max_resolves]
    resolves = Resolves(model, [cap.name for cap, _ in chosen], solver)
    values = []
    for cap, competing in chosen:
        left = budget_s - (time.perf_counter() - began)
        if left <= 0.0:
            break
        outcome, x_new = resolves.solve(cap.name, x, limit=min(limit, left), gap_rel=gap_rel)
        values.append(_value(model, x, x_new, cap, used[cap.name], competing, outcome.status))
    values.sort(
        key=lambda v: (
            -(0.0 if math.isnan(v.added_value) else v.added_value),
            -v.leads_competing,
            v.kind,
            v.key,
        )
    )
    counts = (len(candidates), len(chosen), max_resolves)
    return tuple(values), _note(model, x, values, counts, status, gap_rel, budget_s)


def time_budget_s(solve_time_s: float) -> float:
    """Return the time the re-solves of the value of capacity may take together [s].

    :data:`siting.settings.capacity_values_time_share` times the main solve's
    ``solve_time_s`` [s], at least :data:`siting.settings.capacity_values_min_s`.
    """
    return max(settings.capacity_values_min_s, settings.capacity_values_time_share * solve_time_s)


def binding_candidates(
    model: AssignmentModel,
    x: np.ndarray,
    caps: list[_Capacity],
    used: Mapping[str, float],
) -> list[tuple[_Capacity, int]]:
    """Return the rows one more unit could help, with the number of leads each blocks.

    These are the known capacity rows that block a lead one more unit could admit; the rows
    with most leads blocked come first (then kind and key).
    """
    lead_of = model.pairs[:, 0]
    candidates = []
    for cap in caps:
        if cap.kind in ("site_unknown", "zone_unknown"):
            continue
        room = cap.rhs - used[cap.name]
        blocked = {
            int(lead_of[p])
            for p, a in zip(cap.pairs, cap.coefs, strict=True)
            if not x[p] and a > room + _TOL
        }
        admissible = any(
            not x[p] and room + _TOL < a <= cap.rhs + 1.0 + _TOL
            for p, a in zip(cap.pairs, cap.coefs, strict=True)
        )
        if blocked and admissible:
            candidates.append((cap, len(blocked)))
    candidates.sort(key=lambda item: (-item[1], item[0].kind, item[0].key))
    return candidates


class Resolves:
    """The stage-1 MILP of every re-solve in one model, one capacity one unit larger per solve.

    Its variables are the union of the pairs each re-solve keeps (:func:`kept_pairs` with
    that row's unit added); a re-solve fixes at 0 the pairs its own pruning drops and adds
    the unit to its row, so it is the MILP a fresh :func:`solve_stage` would solve, with the
    same optimum. The rows are those that can bind at the capacities as given (a row that
    cannot bind cannot with a unit more either).

    Parameters
    ----------
    model
        The assignment model.
    names
        The capacity rows to be re-solved (names as in :func:`.capacity_rows.row_table`).
    solver
        Backend name.
    """

    def __init__(self, model: AssignmentModel, names: list[str], solver: str) -> None:
        self.model = model
        self.keeps = {name: kept_pairs(model, {name: 1.0}) for name in names}
        union = kept_pairs(model)
        for keep in self.keeps.values():
            union = union | keep
        self.union = np.flatnonzero(union)
        self.linear = linear_model(model, keep=union)
        self.row_of = {row.name: k for k, row in enumerate(self.linear.rows)}
        self.milp = PersistentMilp(self.linear, solver=solver) if names else None

    def solve(
        self, name: str, x: np.ndarray, *, limit: float, gap_rel: float
    ) -> tuple[SolveOutcome, np.ndarray | None]:
        """Re-solve with one more unit of row ``name``, from ``x`` (0/1 over all pairs).

        Returns the outcome and the assignment over all pairs, completed greedily (as the
        main solve) when the re-solve is not proven optimal; ``None`` without a solution.
        """
        assert self.milp is not None
        keep = self.keeps[name]
        on = keep[self.union]
        rhs = {}
        if name in self.row_of:
            k = self.row_of[name]
            rhs[k] = self.linear.rows[k].rhs + 1.0
        outcome = self.milp.solve(
            rhs=rhs,
            fixed_zero=~on,
            time_limit_s=limit,
            gap_rel=gap_rel,
            start=x[self.union] * on,
        )
        if outcome.x is None:
            return outcome, None
        x_new = np.zeros(self.model.n_pairs, dtype=np.int64)
        x_new[self.union] = outcome.x
        if outcome.status != "optimal":
            # as the main solve: fill room the re-solve left, so like is compared with like
            extra = {name: 1.0}
            x_new = greedy_assignment(self.model, extra=extra, keep=keep, start=x_new)
        return outcome, x_new


def _value(
    model: AssignmentModel,
    x: np.ndarray,
    x_new: np.ndarray | None,
    cap: _Capacity,
    used: float,
    competing: int,
    status: str,
) -> CapacityValue:
    """Return the record of one re-solve: the gain in fit and the leads whose site changed."""
    gain: float = math.nan
    changed: tuple[str, ...] = ()
    if x_new is not None:
        lead_of = model.pairs[:, 0]
        base_site = {int(lead_of[p]): int(model.pairs[p, 1]) for p in np.flatnonzero(x)}
        new_site = {int(lead_of[p]): int(model.pairs[p, 1]) for p in np.flatnonzero(x_new)}
        changed = tuple(
            model.lead_ids[lead]
            for lead in range(len(model.lead_ids))
            if base_site.get(lead) != new_site.get(lead)
        )
        gain = round(max(0.0, model._fit(x_new) - model._fit(x)), 6)
    return CapacityValue(
        cap.kind, cap.key, cap.unit, cap.rhs, used, 1.0, gain, competing, status, changed
    )


def _note(
    model: AssignmentModel,
    x: np.ndarray,
    values: list[CapacityValue],
    counts: tuple[int, int, int],
    status: str,
    gap_rel: float,
    budget_s: float,
) -> str:
    """Return the note: exact or approximate values, rows left out, the main solve's status.

    ``counts`` are the binding rows, those chosen for a re-solve (at most ``max_resolves``)
    and ``max_resolves``; the rows chosen but not re-solved were left by the time budget.
    """
    n_candidates, n_chosen, max_resolves = counts
    n_done = len(values)
    n_lower = sum(v.is_lower_bound for v in values)
    if gap_rel > 0:
        note = (
            f"approximate marginal values by re-solving the MILP with one more unit "
            f"of each binding capacity ({n_done} re-solve(s)) to the same relative "
            f"gap of {gap_rel:.2%}: each re-solve is only within that gap of its "
            "optimum, so a value can be off by up to that share of the objective "
            f"(about {gap_rel * model._fit(x):.4g}); give no gap for exact values"
        )
    else:
        exact = "exact marginal values" if not n_lower else "marginal values"
        note = (
            f"{exact} by re-solving the MILP with one more unit of each "
            f"binding capacity ({n_done} re-solve(s))"
        )
    if n_lower:
        note += (
            f"; {n_lower} value(s) are lower bounds (shown as '>= '): their re-solve stopped "
            "at its time limit or at the end of the time for the value of capacity"
        )
    if n_chosen > n_done:
        note += (
            f"; {n_chosen - n_done} binding row(s) not re-solved: the time for the value of "
            f"capacity ({budget_s:,.0f} s, settings.capacity_values_time_share times the main "
            "solve) was used"
        )
    if n_candidates > n_chosen:
        note += (
            f"; {n_candidates - n_chosen} further binding row(s) not re-solved "
            f"(cap of {max_resolves}, rows with most leads competing first)"
        )
    if not n_candidates:
        note = (
            "no capacity row blocks a lead that one more unit could admit: one more "
            "unit anywhere adds nothing"
        )
    if status != "optimal" and not (status == "within_gap" and gap_rel > 0):
        note += f"; the main solve is {status}, so the values are approximate"
    return note
