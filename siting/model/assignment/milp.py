"""The MILP of one stage of the assignment: the linear model and one solve."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import (
    _TOL,
)
from siting.model.assignment.capacity_rows import row_rhs, row_table
from siting.model.assignment.heuristics import kept_pairs
from siting.model.solvers import (
    LinearModel,
    Row,
    SolveOutcome,
    solve_milp,
)

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def linear_model(
    model: AssignmentModel,
    *,
    extra: Mapping[str, float] | None = None,
    fit_at_least: int | None = None,
    keep: np.ndarray | None = None,
) -> LinearModel:
    """Build the MILP of stage 1 (maximise the fit) or stage 2 (break its ties).

    Rows that cannot bind are left out: a capacity row whose coefficients (over the kept
    pairs) sum to at most its right-hand side, an "at most one lead" row of an
    unknown-area site with fewer than two kept pairs, and the row of a lead with fewer
    than two kept pairs.

    Parameters
    ----------
    extra
        Capacity row name (``"site:<id>"``, ``"zone:<id>"``, ``"region:<id>"``) -> amount
        added to its right-hand side [unit of the row].
    fit_at_least
        ``None`` for stage 1; else :math:`Q^*`: stage 2 maximises the tie-break subject
        to a quantised fit of at least this.
    keep
        Boolean mask of the pairs that get a variable (default all; see
        :meth:`kept_pairs`); the variables follow the order of ``pairs``.

    Returns
    -------
    LinearModel
        One binary variable per kept pair, in the order of ``pairs``.
    """
    names, _, entry_row, entry_pair, entry_coef = row_table(model)
    rhs = row_rhs(model, extra)
    kept = (
        np.arange(model.n_pairs) if keep is None else np.flatnonzero(np.asarray(keep, dtype=bool))
    )
    position = np.full(model.n_pairs, -1, dtype=np.int64)
    position[kept] = np.arange(kept.size)
    rows = _lead_rows(model, kept)
    on = position[entry_pair] >= 0
    rows += _binding_rows(names, rhs, entry_row[on], position[entry_pair[on]], entry_coef[on])
    c = model._q[kept]
    if fit_at_least is not None:
        rows.append(Row("fit", np.arange(kept.size), c, ">=", float(fit_at_least)))
        c = model._tau[kept]
    return LinearModel(
        n_vars=int(kept.size),
        var_names=tuple(model.pair_name(int(p)) for p in kept),
        c=c,
        rows=tuple(rows),
    )


def _lead_rows(model: AssignmentModel, kept: np.ndarray) -> list[Row]:
    """Return the row "at most one pair" of every lead with at least two kept pairs."""
    rows: list[Row] = []
    lead_of = model.pairs[kept, 0]
    lead_order = np.argsort(lead_of, kind="stable")
    for ps in np.split(lead_order, np.flatnonzero(np.diff(lead_of[lead_order])) + 1):
        if ps.size > 1:
            rows.append(
                Row(f"lead:{model.lead_ids[lead_of[ps[0]]]}", ps, np.ones(ps.size), "<=", 1.0)
            )
    return rows


def _binding_rows(
    names: list[str], rhs: np.ndarray, e_row: np.ndarray, e_var: np.ndarray, e_coef: np.ndarray
) -> list[Row]:
    """Return the capacity rows that can bind, from their entries (sorted by row) on variables.

    A row whose coefficients sum to at most its right-hand side is left out: every subset of
    its pairs fits.
    """
    rows: list[Row] = []
    if not e_row.size:
        return rows
    cuts = np.flatnonzero(np.diff(e_row)) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [e_row.size]])
    sums = np.add.reduceat(e_coef, starts)
    for a, b, total in zip(starts.tolist(), ends.tolist(), sums.tolist(), strict=True):
        r = int(e_row[a])
        if total <= rhs[r] + _TOL:
            continue  # cannot bind: every subset of its pairs fits
        rows.append(Row(names[r], e_var[a:b], e_coef[a:b], "<=", float(rhs[r])))
    return rows


def solve_stage(
    model: AssignmentModel,
    solver: str,
    limit: float,
    *,
    extra: Mapping[str, float] | None = None,
    fit_at_least: int | None = None,
    keep: np.ndarray | None = None,
    gap_rel: float = 0.0,
    start: np.ndarray | None = None,
) -> tuple[SolveOutcome, np.ndarray | None]:
    """Solve stage 1 or 2 on the kept pairs; return the outcome and ``x`` over all pairs.

    ``start`` is a 0/1 vector over all pairs; the solver gets its kept part (dropping
    pairs from a feasible assignment of the capacity rows keeps it feasible).
    """
    keep = kept_pairs(model, extra) if keep is None else keep
    outcome = solve_milp(
        linear_model(model, extra=extra, fit_at_least=fit_at_least, keep=keep),
        solver=solver,
        time_limit_s=limit,
        gap_rel=gap_rel,
        start=None if start is None else start[keep],
    )
    if outcome.x is None:
        return outcome, None
    x = np.zeros(model.n_pairs, dtype=np.int64)
    x[np.flatnonzero(keep)] = outcome.x
    return outcome, x
