"""One MILP kept in its backend and re-solved with changed right-hand sides.

:class:`PersistentMilp` builds a :class:`~siting.model.solvers.LinearModel` in its backend once;
each :meth:`PersistentMilp.solve` then changes the right-hand sides of some rows and fixes some
variables at 0 (both relative to the model as built: the changes of one solve do not carry over
to the next), and runs the backend again from a MIP start. It is what the value of capacity in
:mod:`siting.model.assignment.capacity_values` needs: about 30 solves of one model, each with one
capacity one unit larger.

How each backend keeps the model:

``"highs"``
    one ``highspy.Highs`` object; a solve changes row and column bounds
    (``changeRowsBounds``, ``changeColsBounds``), clears the solver's state
    (``clearSolver``: no incumbent or basis of the last solve carries over, so a re-solve
    is the solve of the changed model from the given start) and runs.
``"cbc"``
    one PuLP problem; a solve changes its rows' constants (``LpConstraint.changeRHS``) and
    its variables' upper bounds, and CBC reads the problem and the start from files as in
    :func:`~siting.model.solvers.solve_milp` (CBC runs as a process of its own, so the files
    are written per solve; what is saved is building the PuLP problem).
``"cp-sat"``
    the model is rebuilt per solve (the changed rows and a row fixing the variables), through
    :func:`~siting.model.solvers.solve_milp`.

Every solution is checked against the changed rows and the fixed variables, as in
:func:`~siting.model.solvers.solve_milp`; the outcome reads the same.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from siting.model import solvers
from siting.model.backends import cbc, common, highs
from siting.model.solvers import LinearModel, Row, SolveOutcome


class PersistentMilp:
    """A pure-binary linear programme kept in one backend for repeated solves.

    Parameters
    ----------
    model
        The programme as built; row indices in :meth:`solve` refer to ``model.rows``.
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default :data:`siting.settings.default_solver`.

    Raises
    ------
    ValueError
        For an unknown solver name.
    """

    def __init__(self, model: LinearModel, *, solver: str | None = None) -> None:
        self.model = model
        self.solver = solvers.check_solver(solver)
        nonzero = [bool((row.coefs != 0.0).any()) for row in model.rows]
        kept, _ = common.drop_empty_rows(model.rows)
        #: position of each of ``model.rows`` among the rows the backend holds, or -1 (empty)
        self._position = np.cumsum(nonzero) - 1
        self._position[~np.asarray(nonzero, dtype=bool)] = -1
        self._rows = kept
        self._handle: Any = None
        if self.solver == "highs" and model.n_vars:
            self._handle = highs.build(model, kept)
        elif self.solver == "cbc" and model.n_vars:
            self._handle = cbc.build(model, kept)

    def solve(
        self,
        *,
        rhs: Mapping[int, float] | None = None,
        fixed_zero: np.ndarray | None = None,
        time_limit_s: float | None = None,
        gap_rel: float = 0.0,
        start: np.ndarray | None = None,
    ) -> SolveOutcome:
        """Solve the model with the rows ``rhs`` changed and the variables ``fixed_zero`` at 0.

        Parameters
        ----------
        rhs
            Row index (into ``model.rows``) -> its right-hand side for this solve [unit of
            the row]; the other rows keep the right-hand side they were built with.
        fixed_zero
            Boolean mask over the variables fixed at 0 for this solve (default none).
        time_limit_s, gap_rel, start
            As in :func:`siting.model.solvers.solve_milp`; a start that sets a fixed
            variable is infeasible and is dropped or repaired by the solver.

        Returns
        -------
        SolveOutcome
            As :func:`siting.model.solvers.solve_milp` returns for the changed model.
        """
        changed = self._changed_model(dict(rhs or {}), fixed_zero)
        if self._handle is None:
            return solvers.solve_milp(
                changed, solver=self.solver, time_limit_s=time_limit_s, gap_rel=gap_rel, start=start
            )
        limit = solvers.check_time_limit(time_limit_s)
        gap_limit = solvers.check_gap(gap_rel)
        x0 = common.check_start(start, self.model.n_vars)
        began = time.perf_counter()
        rows, trivially_infeasible = common.drop_empty_rows(changed.rows)
        if trivially_infeasible:
            return solvers.trivial_outcome(True, began, self.solver, gap_limit)
        upper = np.ones(self.model.n_vars)
        if fixed_zero is not None:
            upper[np.asarray(fixed_zero, dtype=bool)] = 0.0
        self._set_bounds(rows, upper)
        deadline = began + limit
        status, x, gap, stopped = solvers.run_guarded(
            lambda report: self._run(rows, deadline, gap_limit, x0, report),
            n_vars=self.model.n_vars,
            rows=rows,
            deadline=deadline,
        )
        return solvers.checked_outcome(
            changed.c, rows, status, x, gap, gap_limit, began, self.solver, stopped
        )

    def _changed_model(self, rhs: dict[int, float], fixed_zero: np.ndarray | None) -> LinearModel:
        """Return the model as this solve sees it.

        That is the rows with their new right-hand sides, and a row ``sum of the fixed
        variables <= 0`` (for the checks and the backend that rebuilds).
        """
        rows = list(self.model.rows)
        for k, value in rhs.items():
            row = rows[k]
            rows[k] = Row(row.name, row.indices, row.coefs, row.sense, float(value))
        if fixed_zero is not None and np.any(fixed_zero):
            fixed = np.flatnonzero(np.asarray(fixed_zero, dtype=bool))
            rows.append(Row("fixed at 0", fixed, np.ones(fixed.size), "<=", 0.0))
        return LinearModel(self.model.n_vars, self.model.var_names, self.model.c, tuple(rows))

    def _set_bounds(self, rows: list[Row], upper: np.ndarray) -> None:
        """Put this solve's right-hand sides (all rows) and column bounds into the backend."""
        held = rows[: len(self._rows)]  # the fixing row, if any, is last and not held
        if self.solver == "highs":
            import highspy

            lower, upper_row = highs.row_bounds(held, highspy.kHighsInf)
            n_rows = len(held)
            if n_rows:
                self._handle.changeRowsBounds(n_rows, np.arange(n_rows), lower, upper_row)
            n = self.model.n_vars
            self._handle.changeColsBounds(n, np.arange(n), np.zeros(n), upper)
        else:
            for constraint, row in zip(self._handle.constraints, held, strict=True):
                constraint.changeRHS(row.rhs)
            for var, bound in zip(self._handle.xs, upper.tolist(), strict=True):
                var.upBound = int(bound)

    def _run(
        self,
        rows: list[Row],
        deadline: float,
        gap_rel: float,
        start: np.ndarray | None,
        report: solvers.Report | None,
    ) -> tuple[str, np.ndarray | None, float]:
        if self.solver == "highs":
            return highs.run(self._handle, deadline, gap_rel, start, report)
        return cbc.run(self._handle, rows, deadline, gap_rel, start, report)
