"""The arrays of a pure-binary linear programme and of a solve's outcome.

:class:`Row` and :class:`LinearModel` state a model, :class:`SolveOutcome` what a solve
returned (see :mod:`siting.model.solvers` for the interface and its backends).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

#: Spelled-out solve statuses: ``"optimal"`` (proven optimal, zero gap), ``"within_gap"``
#: (proven within the requested ``gap_rel`` of the optimum, see :attr:`SolveOutcome.gap`),
#: ``"feasible"`` (stopped at the time limit with a solution, not proven within the requested
#: gap), ``"infeasible"``, ``"no_solution_in_time"`` and ``"error"``.
STATUSES: tuple[str, ...] = (
    "optimal",
    "within_gap",
    "feasible",
    "infeasible",
    "no_solution_in_time",
    "error",
)


#: Statuses that come with a solution.
SOLVED: tuple[str, ...] = ("optimal", "within_gap", "feasible")


def is_lower_bound(status: str, added_value: float) -> bool:
    """Whether a re-solve's added value [-] is only a lower bound on the true value.

    A re-solve stopped with a solution before its proof (status ``"feasible"``: at its time
    limit) found an assignment that gains ``added_value``; the best one may gain more.
    """
    return status == "feasible" and not math.isnan(added_value)


#: Row senses.
SENSES: tuple[str, ...] = ("<=", ">=", "==")


Sense = Literal["<=", ">=", "=="]


@dataclass(frozen=True, eq=False)
class Row:
    r"""One linear constraint :math:`\sum_k a_k x_{j_k} \lozenge b`.

    Parameters
    ----------
    name
        A label for messages.
    indices
        Variable indices :math:`j_k` (distinct, ``0 <= j < n_vars``).
    coefs
        Coefficients :math:`a_k`, one per index (finite).
    sense
        ``"<="``, ``">="`` or ``"=="``.
    rhs
        Right-hand side :math:`b` (finite).
    """

    name: str
    indices: np.ndarray
    coefs: np.ndarray
    sense: Sense
    rhs: float

    def __post_init__(self) -> None:
        indices = np.asarray(self.indices, dtype=np.int64).ravel().copy()
        coefs = np.asarray(self.coefs, dtype=np.float64).ravel().copy()
        if indices.shape != coefs.shape:
            raise ValueError(
                f"row {self.name!r}: {indices.size} indices but {coefs.size} coefficients"
            )
        if np.unique(indices).size != indices.size:
            raise ValueError(f"row {self.name!r}: repeated variable indices")
        if not np.all(np.isfinite(coefs)):
            raise ValueError(f"row {self.name!r}: coefficients must be finite")
        if self.sense not in SENSES:
            raise ValueError(f"row {self.name!r}: sense {self.sense!r} is not one of {SENSES}")
        rhs = float(self.rhs)
        if not math.isfinite(rhs):
            raise ValueError(f"row {self.name!r}: right-hand side must be finite")
        indices.setflags(write=False)
        coefs.setflags(write=False)
        object.__setattr__(self, "indices", indices)
        object.__setattr__(self, "coefs", coefs)
        object.__setattr__(self, "rhs", rhs)


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A pure-binary linear programme: maximise ``c @ x`` subject to ``rows``.

    Parameters
    ----------
    n_vars
        Number of binary variables :math:`n`.
    var_names
        One name per variable (for messages and reports; the backends use their own).
    c
        Objective coefficients, shape ``(n_vars,)``; the objective is **maximised**.
    rows
        The constraints.
    """

    n_vars: int
    var_names: tuple[str, ...]
    c: np.ndarray
    rows: tuple[Row, ...] = ()

    def __post_init__(self) -> None:
        n = int(self.n_vars)
        if n < 0:
            raise ValueError("n_vars must be >= 0")
        names = tuple(str(s) for s in self.var_names)
        if len(names) != n:
            raise ValueError(f"{len(names)} variable names for {n} variables")
        c = np.asarray(self.c, dtype=np.float64).ravel().copy()
        if c.shape != (n,):
            raise ValueError(f"c has {c.size} entries for {n} variables")
        if not np.all(np.isfinite(c)):
            raise ValueError("objective coefficients must be finite")
        rows = tuple(self.rows)
        for row in rows:
            if not isinstance(row, Row):
                raise TypeError(f"rows must be Row objects, got {type(row).__name__}")
            if row.indices.size and (row.indices.min() < 0 or row.indices.max() >= n):
                raise ValueError(f"row {row.name!r}: variable index out of range 0..{n - 1}")
        c.setflags(write=False)
        object.__setattr__(self, "n_vars", n)
        object.__setattr__(self, "var_names", names)
        object.__setattr__(self, "c", c)
        object.__setattr__(self, "rows", rows)


@dataclass(frozen=True, eq=False)
class SolveOutcome:
    r"""What one solve returned.

    Parameters
    ----------
    status
        ``"optimal"`` (proven optimal at a zero gap); ``"within_gap"`` (the solver stopped
        because its solution is proven within the requested ``gap_rel`` of the optimum:
        ``gap`` says how close, ``nan`` when the backend did not report it);
        ``"feasible"`` (stopped at the time limit with a solution that is not proven within
        ``gap_rel``); ``"infeasible"``; ``"no_solution_in_time"`` (stopped without any
        solution); ``"error"`` (the solver reported a failure).
    objective
        :math:`c^\top x` of the returned solution, ``nan`` without one.
    x
        The solution as 0/1 integers, shape ``(n_vars,)``, or ``None``.
    gap
        Relative MIP gap reached [-]: 0.0 when optimal, ``nan`` when unknown.
    solve_time_s
        Wall time of the solve, including building the backend's model [s].
    solver
        Backend name, one of :data:`SOLVERS`.
    gap_rel
        The relative gap that was asked for [-] (0.0: exact).
    stopped
        The solve ran past its time limit plus :data:`siting.settings.solver_margin_s` and
        its process was killed (:mod:`siting.model.isolation`); ``x`` is then the last
        improving solution the backend reported (status ``"feasible"``), or ``None``
        (status ``"no_solution_in_time"``).
    """

    status: str
    objective: float
    x: np.ndarray | None
    gap: float
    solve_time_s: float
    solver: str
    gap_rel: float = 0.0
    stopped: bool = False
