r"""Improving a feasible assignment by moves and single ejections (a better MIP start).

:func:`improve` takes a feasible assignment (the greedy one) and repeats two kinds of move
while they raise the quantised fit :math:`\sum q_p x_p`:

- **move**: a lead goes to a pair of larger :math:`q` (or is placed, when unplaced) that
  fits every capacity row once its own current pair is taken away;
- **ejection**: a lead takes a pair of larger :math:`q` that fits only once one lead using
  one of its rows is taken away; that lead goes to its best pair that still fits, or stays
  unplaced, and the pair of changes is made only when the total fit grows.

Each step keeps every row satisfied, so the answer is feasible and at least as good as its
start. It is a start and a fallback for the MILP, never a proof: the MILP decides optimality.
The search stops when no move improves, or after ``time_budget_s``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import _TOL
from siting.model.assignment.capacity_rows import row_rhs
from siting.model.assignment.heuristics import pair_rows

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel

#: Pairs of a lead tried for an ejection (its best ones by q).
_EJECTION_PAIRS = 8


class _State:
    """Loads, occupants and the current pair of every lead, with fit checks."""

    def __init__(
        self,
        model: AssignmentModel,
        x: np.ndarray,
        keep: np.ndarray,
        extra: Mapping[str, float] | None,
    ) -> None:
        row_of, coef_of = pair_rows(model)
        self.rhs = np.append(row_rhs(model, extra), np.inf).tolist()
        self.rows = [tuple(r) for r in row_of.tolist()]
        self.coefs = [tuple(c) for c in coef_of.tolist()]
        self.q = model._q.tolist()
        self.load = [0.0] * len(self.rhs)
        self.users: list[set[int]] = [set() for _ in self.rhs]
        self.pair_of = [-1] * len(model.lead_ids)
        self.lead_of = model.pairs[:, 0].tolist()
        kept = np.flatnonzero(keep)
        order = kept[np.lexsort((-model._tau[kept], -model._q[kept], model.pairs[kept, 0]))]
        self.options: list[list[int]] = [[] for _ in model.lead_ids]
        for p in order.tolist():
            self.options[self.lead_of[p]].append(p)
        for p in np.flatnonzero(x).tolist():
            self.add(p)

    def value(self, p: int) -> float:
        return self.q[p] if p >= 0 else 0.0

    def fits(self, p: int) -> bool:
        return all(
            self.load[r] + a <= self.rhs[r] + _TOL
            for r, a in zip(self.rows[p], self.coefs[p], strict=True)
        )

    def add(self, p: int) -> None:
        lead = self.lead_of[p]
        self.pair_of[lead] = p
        for r, a in zip(self.rows[p], self.coefs[p], strict=True):
            self.load[r] += a
            self.users[r].add(lead)

    def remove(self, lead: int) -> int:
        p = self.pair_of[lead]
        if p >= 0:
            for r, a in zip(self.rows[p], self.coefs[p], strict=True):
                self.load[r] -= a
                self.users[r].discard(lead)
            self.pair_of[lead] = -1
        return p

    def best_fitting(self, lead: int, above: float) -> int:
        """Return the lead's best pair that fits and has q above ``above``, or -1."""
        for p in self.options[lead]:
            if self.q[p] <= above:
                return -1
            if self.fits(p):
                return p
        return -1


def improve(
    model: AssignmentModel,
    x: np.ndarray,
    *,
    keep: np.ndarray,
    extra: Mapping[str, float] | None = None,
    time_budget_s: float = 2.0,
) -> np.ndarray:
    """Return ``x`` improved by moves and single ejections (0/1 over ``pairs``).

    Parameters
    ----------
    x
        A feasible assignment (0/1 over ``pairs``) that uses only kept pairs.
    keep
        Boolean mask of the pairs that may be chosen.
    extra
        Capacity row name -> amount added to its right-hand side.
    time_budget_s
        Wall time after which the search stops [s].

    Returns
    -------
    numpy.ndarray
        A feasible assignment with a quantised fit at least that of ``x``.
    """
    state = _State(model, x, keep, extra)
    stop = time.perf_counter() + time_budget_s
    order = sorted(
        range(len(model.lead_ids)),
        key=lambda lead: -state.value(state.options[lead][0]) if state.options[lead] else 0.0,
    )
    improved = True
    while improved and time.perf_counter() < stop:
        improved = False
        for lead in order:
            if state.options[lead] and (_move(state, lead) or _eject(state, lead)):
                improved = True
            if time.perf_counter() >= stop:
                break
    out = np.zeros(model.n_pairs, dtype=np.int64)
    out[[p for p in state.pair_of if p >= 0]] = 1
    return out


def _move(state: _State, lead: int) -> bool:
    """Move ``lead`` to its best fitting pair of larger q; whether it moved."""
    current = state.remove(lead)
    best = state.best_fitting(lead, state.value(current))
    if best >= 0:
        state.add(best)
        return True
    if current >= 0:
        state.add(current)
    return False


def _eject(state: _State, lead: int) -> bool:
    """Give ``lead`` a better pair by taking away one lead that blocks it; whether it did."""
    current = state.pair_of[lead]
    base = state.value(current)
    for p in state.options[lead][:_EJECTION_PAIRS]:
        if state.q[p] <= base:
            return False
        blockers = {k for r in state.rows[p] for k in state.users[r] if k != lead}
        for other in sorted(blockers):
            state.remove(lead)
            old = state.remove(other)
            if state.fits(p):
                state.add(p)
                alternative = state.best_fitting(other, -1.0)
                gain = state.q[p] - base + state.value(alternative) - state.value(old)
                if gain > 0:
                    if alternative >= 0:
                        state.add(alternative)
                    return True
                state.remove(lead)
            state.add(old)
            if current >= 0:
                state.add(current)
    return False
