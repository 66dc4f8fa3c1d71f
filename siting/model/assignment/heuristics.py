"""Pruning of the pairs and the greedy assignment (the MIP start and the fallback)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import (
    _TOL,
    _ranks,
)
from siting.model.assignment.capacity_rows import row_rhs, row_table

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def kept_pairs(model: AssignmentModel, extra: Mapping[str, float] | None = None) -> np.ndarray:
    r"""Return the pairs that can be chosen in a lexicographic optimum (a mask).

    A pair is *free* when every capacity row it is in cannot bind, i.e. the coefficients
    of the row's remaining pairs sum to at most its right-hand side. A pair :math:`p`
    of lead :math:`l` is dropped when the lead has a free pair :math:`p'` with a
    lexicographically larger :math:`(q_{p'}, \tau_{p'})`: in any assignment that uses
    :math:`p`, moving the lead to :math:`p'` keeps every row satisfied and increases
    :math:`(\sum q x, \sum \tau x)` lexicographically, so :math:`x_p = 0` in every
    lexicographic optimum (of the problem and so of its first stage's optimal value).
    Dropping pairs makes more rows non-binding; this is repeated until nothing changes.
    A pair that alone exceeds a row it is in (its need is larger than the capacity) is
    dropped first: no feasible assignment uses it, and some solvers' preprocessing
    mishandles such a coefficient. The result depends on the right-hand sides, hence
    ``extra`` (as in :meth:`linear_model`).

    Parameters
    ----------
    extra
        Capacity row name -> amount added to its right-hand side.

    Returns
    -------
    numpy.ndarray
        Boolean mask over ``pairs``.
    """
    n = model.n_pairs
    alive = np.ones(n, dtype=bool)
    if n == 0:
        return alive
    _, _, entry_row, entry_pair, entry_coef = row_table(model)
    rhs = row_rhs(model, extra)
    alive[entry_pair[entry_coef > rhs[entry_row] + _TOL]] = False  # cannot fit even alone
    lead_of = model.pairs[:, 0]
    q, tau = model._q, model._tau
    n_l = len(model.lead_ids)
    while True:
        load = np.bincount(entry_row, weights=entry_coef * alive[entry_pair], minlength=rhs.size)
        tight = load > rhs + _TOL
        in_tight = np.bincount(entry_pair[tight[entry_row]], minlength=n) > 0
        free = np.flatnonzero(alive & ~in_tight)
        if free.size == 0:
            break
        free = free[np.lexsort((tau[free], q[free], lead_of[free]))]
        last = np.append(lead_of[free][1:] != lead_of[free][:-1], True)
        best = free[last]
        best_q = np.full(n_l, -1.0)
        best_tau = np.full(n_l, -1.0)
        best_q[lead_of[best]] = q[best]
        best_tau[lead_of[best]] = tau[best]
        bq, bt = best_q[lead_of], best_tau[lead_of]
        dominated = alive & ((q < bq) | ((q == bq) & (tau < bt)))
        if not dominated.any():
            break
        alive &= ~dominated
    return alive


def pair_rows(model: AssignmentModel) -> tuple[np.ndarray, np.ndarray]:
    """Return the capacity rows of every pair and its coefficients, as ``(m, w)`` tables.

    Each pair is in at most three rows (site, zone, region); a pair in fewer is padded with
    the index one past the last row (a right-hand side of infinity in
    :func:`greedy_assignment`) and a coefficient of 0.
    """
    names, _, entry_row, entry_pair, entry_coef = row_table(model)
    order = np.argsort(entry_pair, kind="stable")
    slot = np.empty(entry_pair.size, dtype=np.int64)
    sorted_pairs = entry_pair[order]
    slot[order] = np.arange(sorted_pairs.size) - np.searchsorted(sorted_pairs, sorted_pairs)
    width = int(slot.max(initial=-1)) + 1
    row_of = np.full((model.n_pairs, max(width, 1)), len(names), dtype=np.int64)
    coef_of = np.zeros((model.n_pairs, max(width, 1)))
    row_of[entry_pair, slot] = entry_row
    coef_of[entry_pair, slot] = entry_coef
    return row_of, coef_of


def greedy_assignment(
    model: AssignmentModel,
    *,
    extra: Mapping[str, float] | None = None,
    keep: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    r"""Return a feasible assignment by a greedy rule (the MIP start of stage 1).

    Leads are taken by descending best :math:`q` (ties: lead id), and each goes to its
    pair of largest :math:`(q, \tau)` that still fits every capacity row given the leads
    already placed; a lead whose pairs all fail stays unplaced. The answer satisfies
    every row of the model (at most one pair per lead, every capacity), so a solver can
    use it as an incumbent from the start; it is not optimal in general.

    Parameters
    ----------
    extra
        Capacity row name -> amount added to its right-hand side (as in
        :meth:`linear_model`).
    keep
        Boolean mask of the pairs that may be chosen (default all).
    start
        A feasible assignment (0/1 over ``pairs``) to complete: its leads keep their
        pairs and the greedy rule places the others in the room left.

    Returns
    -------
    numpy.ndarray
        0/1 integers over ``pairs``.
    """
    x = (
        np.zeros(model.n_pairs, dtype=np.int64)
        if start is None
        else np.asarray(start, dtype=np.int64).copy()
    )
    cand = (
        np.arange(model.n_pairs) if keep is None else np.flatnonzero(np.asarray(keep, dtype=bool))
    )
    placed = np.zeros(len(model.lead_ids), dtype=bool)
    placed[model.pairs[x > 0, 0]] = True
    cand = cand[~placed[model.pairs[cand, 0]]]
    if cand.size == 0:
        return x
    rhs = np.append(row_rhs(model, extra), np.inf)  # the last entry: "no row"
    row_of, coef_of = pair_rows(model)
    lead_of = model.pairs[cand, 0]
    q, tau = model._q[cand], model._tau[cand]
    best_q = np.full(len(model.lead_ids), -1.0)
    np.maximum.at(best_q, lead_of, q)
    lead_rank = _ranks(model.lead_ids)
    # leads by best q descending, then id; a lead's pairs by (q, tau) descending
    ordered = cand[np.lexsort((-tau, -q, lead_rank[lead_of], -best_q[lead_of]))]
    leads = model.pairs[ordered, 0]
    cuts = np.flatnonzero(np.diff(leads)) + 1
    load = np.zeros(rhs.size)
    chosen = np.flatnonzero(x)
    np.add.at(load, row_of[chosen], coef_of[chosen])
    for ps in np.split(ordered, cuts):
        rows, coefs = row_of[ps], coef_of[ps]
        fits = np.all(load[rows] + coefs <= rhs[rows] + _TOL, axis=1)
        if fits.any():
            k = int(np.argmax(fits))
            x[ps[k]] = 1
            load[rows[k]] += coefs[k]
    return x
