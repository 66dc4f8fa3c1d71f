r"""Stage 1 from its LP relaxation: a proven bound, a rounded assignment and a reduced MIP.

On a large pipeline a MILP backend spends most of its time proving a bound it could have had
from the LP relaxation, while the relaxation's solution is integral for most leads. With a gap
asked for (``gap_rel > 0``), :func:`relax_and_round` therefore

1. solves the LP relaxation of stage 1 (same kept pairs and rows as :func:`.milp.linear_model`)
   with HiGHS in this process and turns its row duals :math:`y \ge 0` into an upper bound on
   the quantised fit by weak duality (valid for any :math:`y \ge 0`, so it does not rest on
   the LP solver's tolerances),

   .. math::

       \bar Q = \Big\lfloor b^\top y + \sum_j \max\{0,\; q_j - (A^\top y)_j\} \Big\rfloor,

   floored because every fit :math:`\sum q_p x_p` is an integer;
2. keeps the pairs at 1 in the LP solution (dropping, should a tolerance make a capacity row
   overflow, the leads of least :math:`q` in it) and places the other leads greedily
   (:func:`.heuristics.greedy_assignment`) in the room left;
3. if that is not yet within ``gap_rel`` of :math:`\bar Q`, solves a *reduced* MILP with the
   chosen backend: the leads kept at 1 stay where they are, the others are free on the room
   they leave (capacities lowered by the fixed leads' use).

The answer is feasible for every capacity row (checked by the caller) and its gap is stated
against :math:`\bar Q`, i.e. it is a proof that the optimum is at most that gap away. When the
gap is not reached, the caller hands the best assignment found to the backend's full MILP as
its start, with the time left.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from siting import settings
from siting.model.assignment._common import _TOL, _gap_to
from siting.model.assignment.capacity_rows import row_table
from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
from siting.model.assignment.milp import linear_model, solve_stage
from siting.model.backends.common import drop_empty_rows, remaining
from siting.model.linear import LinearModel, Row

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel
    from siting.model.assignment.solution import _Capacity

#: Share of the time limit the LP relaxation may use [-].
_LP_SHARE = 0.5

#: Share of the time left after the LP that the reduced MILP may use [-].
_REDUCED_SHARE = 0.8

#: Times the reduced MILP is widened (:func:`loosened`) when it misses the gap.
_RINGS = 2

#: The shortest time worth giving a reduced MILP [s].
_MIN_REDUCED_S = 0.5

#: Share of the slack left by the requested gap that the reduced MILP may leave [-].
_SLACK_SHARE = 0.2

#: An LP value at least 1 minus this counts as 1 [-].
_ONE_TOL = 1e-6


@dataclass(frozen=True)
class Relaxed:
    """What :func:`relax_and_round` found.

    Parameters
    ----------
    x
        A feasible assignment, 0/1 over all pairs.
    bound
        Upper bound on the quantised fit of stage 1, from the LP relaxation [-].
    fixed
        Leads the LP relaxation placed at one pair (kept there).
    reduced_status
        Status of the reduced MILP, ``"skipped"`` when the rounding reached the gap.
    time_s
        Wall time of the relaxation, the rounding and the reduced MILP [s].
    """

    x: np.ndarray
    bound: float
    fixed: int
    reduced_status: str
    time_s: float

    def gap(self, model: AssignmentModel) -> float:
        """Relative gap of ``x`` to :attr:`bound`, (bound - fit) / max(1, fit) [-]."""
        return _gap_to(float(model._q @ self.x), self.bound)


def applies(model: AssignmentModel, keep: np.ndarray, gap_rel: float) -> bool:
    """Whether stage 1 starts from the relaxation (see :data:`siting.settings`)."""
    mode = settings.assignment_relaxation
    if mode not in ("auto", "always", "never"):
        raise ValueError(
            f"settings.assignment_relaxation must be 'auto', 'always' or 'never', got {mode!r}"
        )
    if gap_rel <= 0.0 or mode == "never" or not model.n_pairs:
        return False
    return mode == "always" or int(np.count_nonzero(keep)) >= settings.relaxation_min_pairs


def relax_and_round(
    model: AssignmentModel,
    solver: str,
    limit: float,
    gap_rel: float,
    keep: np.ndarray,
    caps: list[_Capacity],
) -> Relaxed | None:
    """Bound stage 1 by its LP relaxation and round it; ``None`` when the LP is not solved.

    Parameters
    ----------
    solver
        Backend of the reduced MILP.
    limit
        Time limit of stage 1 [s]; the LP gets at most half of it, the reduced MILPs at most
        four fifths of what is left each (:data:`_REDUCED_SHARE`).
    gap_rel
        Requested relative gap [-] (> 0).
    keep
        Kept pairs (:func:`.heuristics.kept_pairs`).
    caps
        The capacity rows (:func:`.capacity_rows.capacities`).

    Returns
    -------
    Relaxed or None
    """
    began = time.perf_counter()
    lm = linear_model(model, keep=keep)
    rows, _ = drop_empty_rows(lm.rows)
    solved = lp_relaxation(lm, rows, began + _LP_SHARE * limit)
    if solved is None:
        return None
    values, bound = solved
    x_lp = np.zeros(model.n_pairs)
    x_lp[np.flatnonzero(keep)] = values
    bound = min(math.floor(bound), _best_pairs_bound(model, keep))
    part = integral_part(model, x_lp, caps)
    fixed = int(part.sum())
    x = greedy_assignment(model, keep=keep, start=part)
    status = "skipped"
    deadline = began + limit
    for _ in range(_RINGS + 1):
        budget = _REDUCED_SHARE * (deadline - time.perf_counter())
        if _gap_to(float(model._q @ x), bound) <= gap_rel or budget < _MIN_REDUCED_S:
            break
        status, reduced = reduced_milp(model, solver, part, x, keep, budget, bound, gap_rel)
        if reduced is not None and model._q @ reduced > model._q @ x:
            x = reduced
        wider = loosened(model, part, x_lp)
        if wider.sum() == part.sum():
            break
        part = wider
    return Relaxed(x, float(bound), fixed, status, time.perf_counter() - began)


def lp_relaxation(
    lm: LinearModel, rows: list[Row], deadline: float
) -> tuple[np.ndarray, float] | None:
    """Solve the LP relaxation with HiGHS; return its solution and a weak-duality bound.

    ``rows`` are the non-empty rows of ``lm``, all ``<=`` with non-negative coefficients
    (stage 1). ``None`` when HiGHS does not report an optimal LP by ``deadline``.
    """
    import highspy

    from siting.model.backends import highs

    engine = highs.build(lm, rows, integral=False)
    if engine is None:
        return None
    engine.setOptionValue("time_limit", remaining(deadline))
    engine.run()
    if engine.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    solution = engine.getSolution()
    values = np.clip(np.asarray(solution.col_value, dtype=np.float64), 0.0, 1.0)
    duals = np.asarray(solution.row_dual, dtype=np.float64)
    return values, dual_bound(lm, rows, duals)


def dual_bound(lm: LinearModel, rows: list[Row], duals: np.ndarray) -> float:
    r"""Return :math:`\min_y b^\top y + \sum_j \max(0, c_j - (A^\top y)_j)` over two sign readings.

    Weak duality for :math:`\max c^\top x` s.t. :math:`Ax \le b`, :math:`0 \le x \le 1`: any
    :math:`y \ge 0` gives an upper bound. HiGHS's sign convention for the row duals of a
    maximisation is not relied on: both :math:`\max(0, d)` and :math:`\max(0, -d)` are valid
    :math:`y`, and the smaller bound is returned, plus a margin for rounding in the sums.
    """
    if any(row.sense != "<=" for row in rows):
        raise ValueError("the bound needs rows of the form a x <= b")
    sizes = [row.indices.size for row in rows]
    index = np.concatenate([row.indices for row in rows] or [np.zeros(0, dtype=np.int64)])
    coef = np.concatenate([row.coefs for row in rows] or [np.zeros(0)])
    row_of = np.repeat(np.arange(len(rows)), sizes)
    rhs = np.array([row.rhs for row in rows], dtype=np.float64)
    c = np.asarray(lm.c, dtype=np.float64)
    best = math.inf
    for y in (np.maximum(duals, 0.0), np.maximum(-duals, 0.0)):
        reduced = c - np.bincount(index, weights=coef * y[row_of], minlength=lm.n_vars)
        value = float(rhs @ y + np.maximum(reduced, 0.0).sum())
        best = min(best, value)
    return best + 1e-9 * max(1.0, abs(best)) + 1e-6


def integral_part(model: AssignmentModel, x_lp: np.ndarray, caps: list[_Capacity]) -> np.ndarray:
    """Return the pairs at 1 in ``x_lp`` (over all pairs) as a feasible 0/1 assignment.

    A capacity row that the rounding overflows (LP tolerances) loses its leads of least
    :math:`q` until it fits; every lead is at one pair at most (its row sums to 1).
    """
    x = (x_lp >= 1.0 - _ONE_TOL).astype(np.int64)
    for cap in caps:
        used = cap.pairs[x[cap.pairs] > 0]
        if used.size and float(cap.coefs[x[cap.pairs] > 0].sum()) > cap.rhs + _TOL:
            coefs = dict(zip(cap.pairs.tolist(), cap.coefs.tolist(), strict=True))
            load = sum(coefs[p] for p in used.tolist())
            for p in used[np.argsort(model._q[used], kind="stable")].tolist():
                if load <= cap.rhs + _TOL:
                    break
                x[p] = 0
                load -= coefs[p]
    return x


def loosened(model: AssignmentModel, part: np.ndarray, x_lp: np.ndarray) -> np.ndarray:
    """Return ``part`` without the leads that share a capacity row with a contested pair.

    A pair is contested when the LP gives it a positive value and its lead is not fixed
    by ``part``; freeing the fixed leads of those rows lets the reduced MILP reshuffle
    them too.
    """
    _, _, entry_row, entry_pair, _ = row_table(model)
    fixed_lead = np.zeros(len(model.lead_ids), dtype=bool)
    fixed_lead[model.pairs[part > 0, 0]] = True
    contested = (x_lp > _ONE_TOL) & ~fixed_lead[model.pairs[:, 0]]
    rows = np.zeros(int(entry_row.max(initial=-1)) + 1, dtype=bool)
    rows[entry_row[contested[entry_pair]]] = True
    touched = np.zeros(model.n_pairs, dtype=bool)
    touched[entry_pair[rows[entry_row]]] = True
    return part * ~touched


def reduced_milp(
    model: AssignmentModel,
    solver: str,
    part: np.ndarray,
    start: np.ndarray,
    keep: np.ndarray,
    budget_s: float,
    bound: float,
    gap_rel: float,
) -> tuple[str, np.ndarray | None]:
    """Solve stage 1 with the leads of ``part`` fixed; return its status and ``x`` (all pairs).

    The free leads get their kept pairs that can still be in an optimum of the room left
    (:func:`.heuristics.kept_pairs` with every capacity lowered by the fixed leads' use);
    ``start`` (a feasible completion of ``part``) is their MIP start. The reduced MILP is
    asked for a fifth of the slack that the full gap leaves it (:data:`_SLACK_SHARE`), so
    that ``part`` with its answer tends to meet ``gap_rel`` against ``bound``: the fixed fit
    plus the reduced LP's bound is at most ``bound``, but the reduced optimum may lie below.
    """
    names, rhs, entry_row, entry_pair, entry_coef = row_table(model)
    load = np.bincount(entry_row, weights=entry_coef * part[entry_pair], minlength=len(names))
    load = np.minimum(load, rhs)  # never below zero room (a use within the tolerance)
    extra = {names[r]: -float(load[r]) for r in np.flatnonzero(load > 0).tolist()}
    fixed_lead = np.zeros(len(model.lead_ids), dtype=bool)
    fixed_lead[model.pairs[part > 0, 0]] = True
    free = kept_pairs(model, extra) & keep & ~fixed_lead[model.pairs[:, 0]]
    free |= (start > 0) & ~fixed_lead[model.pairs[:, 0]]  # the start stays whole
    if not free.any():
        return "optimal", part.copy()
    fixed_fit = float(model._q @ part)
    target = bound / (1.0 + gap_rel) - fixed_fit  # the free leads' fit that meets the gap
    room = max(bound - fixed_fit, 1.0)
    reduced_gap = min(gap_rel, max(1e-4, _SLACK_SHARE * (room / max(target, 1.0) - 1.0)))
    outcome, x_free = solve_stage(
        model,
        solver,
        max(budget_s, 0.1),
        extra=extra,
        keep=free,
        gap_rel=reduced_gap,
        start=start * free,
    )
    if x_free is None:
        return outcome.status, None
    return outcome.status, part + x_free


def _best_pairs_bound(model: AssignmentModel, keep: np.ndarray) -> float:
    """Return the fit of every lead at its best kept pair (a bound without any capacity)."""
    best = np.zeros(len(model.lead_ids))
    np.maximum.at(best, model.pairs[keep, 0], model._q[keep])
    return float(best.sum())
