r"""One small, backend-neutral interface to the MILP solvers the models use.

A :class:`LinearModel` is a pure-binary linear programme in arrays,

.. math::

    \max_{x \in \{0, 1\}^n} \; c^\top x
    \quad \text{s.t.} \quad \sum_{j \in J_r} a_{rj} x_j \;\lozenge_r\; b_r
    \quad \forall r, \qquad \lozenge_r \in \{\le, \ge, =\},

and :func:`solve_milp` hands it to one of three backends, chosen by name (:data:`SOLVERS`):

``"cbc"``
    COIN-OR CBC through PuLP (:class:`pulp.COIN_CMD` on the CBC binary bundled with PuLP, or a
    ``cbc`` on the ``PATH``); one process per solve. PuLP 3.3 deprecates ``PULP_CBC_CMD``
    (with a ``DeprecationWarning``), so the bundled binary is called through ``COIN_CMD``,
    which is what PuLP 4 asks for and gives the same solver.
``"highs"``
    HiGHS in-process through :mod:`highspy` (the model is passed as arrays with
    ``Highs.passModel``; PuLP's ``HiGHS`` class builds the model one column at a time, which
    costs seconds at 50,000 variables, and has no hook for a MIP start).
``"cp-sat"``
    Google OR-Tools CP-SAT (:mod:`ortools.sat.python.cp_model`), with its full LP relaxation
    and cuts (``linearization_level=2``; the default level proves weak bounds with a single
    worker). CP-SAT works on integers:
    the objective coefficients must be integral (within 1e-9), and every constraint row is
    multiplied by the smallest power of ten, up to :math:`10^6`, that makes its coefficients
    integral; otherwise :class:`ValueError`.

Every backend runs single-threaded with deterministic settings. By default it solves to a zero
relative gap (the models in :mod:`siting.model.site_choice` encode tie-breaks in the last units of
the
objective, so the usual default gaps of 1e-4 would return a wrong, if near-optimal, answer).
``gap_rel=`` asks for less: the backend stops as soon as its solution is proven within that
relative gap of the optimum (CBC ``ratio``, HiGHS ``mip_rel_gap``, CP-SAT
``relative_gap_limit``), and the outcome says so with its own status, ``"within_gap"``, and
the gap reached; ``"optimal"`` always means proven optimal at a zero gap. Every solution is
checked against the rows before it is returned: one that breaks a row beyond 1e-9 (a
backend's tolerances or preprocessing) gives status ``"error"`` and no solution.

``start=`` passes a MIP start (a 0/1 vector, feasible or not): CBC reads it as a
``-mips`` file (PuLP ``warmStart``), HiGHS through ``Highs.setSolution`` and CP-SAT as
hints. CBC and HiGHS take a feasible start as their first incumbent; CP-SAT only as hints, so
it may still find nothing within a short time limit (:mod:`siting.jobs.assign` then reports the
start itself). An infeasible start is checked and dropped (or repaired) by the solver. A
start never changes the optimal objective, but where several solutions are optimal it may
change which one is returned (the assignment breaks such ties in a second stage, see
:mod:`siting.jobs.assign`).

**Relative gap** of a solution with objective :math:`z` and proven bound :math:`\bar z`
(maximisation): :math:`(\bar z - z) / \max(1, |z|)` for CBC and CP-SAT; HiGHS reports its own
``mip_gap``, :math:`|\bar z - z| / |z|`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from siting import settings
from siting.model.backends import cbc, cpsat, highs
from siting.model.backends.common import broken_rows as _broken_rows
from siting.model.backends.common import check_start as _check_start
from siting.model.backends.common import drop_empty_rows as _drop_empty_rows
from siting.model.backends.common import status_at_gap as _status_at_gap
from siting.model.isolation import Report, run_backend, should_isolate
from siting.model.linear import (
    SENSES,
    SOLVED,
    STATUSES,
    LinearModel,
    Row,
    Sense,
    SolveOutcome,
)
from siting.model.names import SOLVERS

__all__ = [
    "SENSES",
    "SOLVED",
    "SOLVERS",
    "STATUSES",
    "LinearModel",
    "Report",
    "Row",
    "Sense",
    "SolveOutcome",
    "check_gap",
    "check_solver",
    "check_time_limit",
    "run_guarded",
    "solve_milp",
]

_BACKENDS = {"cbc": cbc.solve, "highs": highs.solve, "cp-sat": cpsat.solve}


def check_solver(solver: str | None) -> str:
    """Return the backend name to use: the argument, else :data:`siting.settings.default_solver`.

    Parameters
    ----------
    solver
        A name from :data:`SOLVERS`, or ``None``.

    Returns
    -------
    str
        The validated name.

    Raises
    ------
    ValueError
        For a name that is not in :data:`SOLVERS`.
    """
    name = settings.default_solver if solver is None else solver
    if name not in SOLVERS:
        raise ValueError(
            f"unknown solver {name!r}; choose one of: {', '.join(repr(s) for s in SOLVERS)}"
        )
    return name


def check_time_limit(time_limit_s: float | None) -> float:
    """Return the time limit to use [s]: the argument, else :data:`siting.settings.time_limit_s`.

    Parameters
    ----------
    time_limit_s
        A positive number of seconds, or ``None``.

    Returns
    -------
    float
        The validated limit [s].

    Raises
    ------
    ValueError
        For a limit that is not a positive finite number.
    """
    limit = settings.time_limit_s if time_limit_s is None else time_limit_s
    limit = float(limit)
    if not (math.isfinite(limit) and limit > 0):
        raise ValueError(f"time_limit_s must be a positive number of seconds, got {limit!r}")
    return limit


def check_gap(gap_rel: float) -> float:
    """Return a validated relative MIP gap [-].

    Parameters
    ----------
    gap_rel
        The relative gap at which a solver may stop, ``0 <= gap_rel < 1`` (0.005 is 0.5 %;
        0 asks for a proven optimum).

    Returns
    -------
    float
        The gap as a float.

    Raises
    ------
    ValueError
        For a gap that is not a number in [0, 1).
    """
    try:
        gap = float(gap_rel)
    except (TypeError, ValueError):
        raise ValueError(f"gap_rel must be a number in [0, 1), got {gap_rel!r}") from None
    if not (math.isfinite(gap) and 0.0 <= gap < 1.0):
        raise ValueError(
            f"gap_rel must be a relative gap in [0, 1) (0.005 is 0.5 %, 0 asks "
            f"for a proven optimum), got {gap_rel!r}"
        )
    return gap


def solve_milp(
    model: LinearModel,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
    gap_rel: float = 0.0,
    start: np.ndarray | None = None,
) -> SolveOutcome:
    """Solve a pure-binary linear programme with the chosen backend.

    Parameters
    ----------
    model
        The programme (maximise ``model.c @ x``).
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default :data:`siting.settings.default_solver`.
    time_limit_s
        Wall-time limit for the solver [s]; default :data:`siting.settings.time_limit_s`.
    gap_rel
        Relative gap at which the solver may stop [-], ``0 <= gap_rel < 1``; 0 (default)
        solves to a proven optimum. A solve that stops at this gap has status
        ``"within_gap"``, never ``"optimal"``, unless its gap is in fact zero.
    start
        A MIP start: a 0/1 vector of shape ``(n_vars,)``. It need not be feasible (an
        infeasible start is dropped or repaired by the solver). The optimal objective of a
        solve to a zero gap does not depend on it; which of several optimal solutions is
        returned may.

    Returns
    -------
    SolveOutcome
        Status, objective, 0/1 solution, gap and time.

    Raises
    ------
    ValueError
        For an unknown solver name, a bad time limit or gap, a start of the wrong shape or
        with values other than 0 and 1; for ``"cp-sat"`` also for coefficients that are not
        integral (objective) or cannot be made integral by a power of ten up to
        :math:`10^6` (constraint rows).
    """
    name = check_solver(solver)
    limit = check_time_limit(time_limit_s)
    gap_limit = check_gap(gap_rel)
    x0 = _check_start(start, model.n_vars)
    began = time.perf_counter()
    rows, trivially_infeasible = _drop_empty_rows(model.rows)
    if trivially_infeasible or model.n_vars == 0:
        return trivial_outcome(trivially_infeasible, began, name, gap_limit)
    deadline = began + limit
    backend = _BACKENDS[name]
    status, x, gap, stopped = run_guarded(
        lambda report: backend(model, rows, deadline, gap_limit, x0, report),
        n_vars=model.n_vars,
        rows=rows,
        deadline=deadline,
    )
    return checked_outcome(model.c, rows, status, x, gap, gap_limit, began, name, stopped)


def run_guarded(
    call: Any, *, n_vars: int, rows: Sequence[Row], deadline: float
) -> tuple[str, np.ndarray | None, float, bool]:
    """Run ``call(report)`` (one backend solve) under a hard deadline when the model is large.

    Returns the backend's status, solution and gap, and whether the solve was stopped (see
    :func:`siting.model.isolation.run_backend`); a small model runs in this process.
    """
    if should_isolate(n_vars, sum(row.indices.size for row in rows)):
        return run_backend(
            call,
            hard_deadline=deadline + settings.solver_margin_s,
            interrupt_at=deadline + settings.solver_margin_s / 3,
        )
    status, x, gap = call(None)
    return status, x, gap, False


def trivial_outcome(infeasible: bool, began: float, name: str, gap_limit: float) -> SolveOutcome:
    """Return the outcome of a model without variables, or with an empty row it breaks."""
    x = None if infeasible else np.zeros(0, dtype=np.int64)
    return SolveOutcome(
        status="infeasible" if infeasible else "optimal",
        objective=math.nan if x is None else 0.0,
        x=x,
        gap=math.nan if x is None else 0.0,
        solve_time_s=time.perf_counter() - began,
        solver=name,
        gap_rel=gap_limit,
    )


def checked_outcome(
    c: np.ndarray,
    rows: Sequence[Row],
    status: str,
    x: np.ndarray | None,
    gap: float,
    gap_limit: float,
    began: float,
    name: str,
    stopped: bool,
) -> SolveOutcome:
    """Check a backend's solution against ``rows`` and return the outcome of the solve."""
    objective = math.nan
    if x is not None:
        broken = _broken_rows(rows, x)
        if broken:  # a backend's tolerances let a row slip: never pass that on as an answer
            status, x, gap = "error", None, math.nan
        else:
            objective = float(c @ x)
            integral = bool(np.all(c == np.round(c)))
            status, gap = _status_at_gap(
                status, gap, gap_limit, objective=objective, integral=integral
            )
    return SolveOutcome(
        status=status,
        objective=objective,
        x=x,
        gap=gap,
        solve_time_s=time.perf_counter() - began,
        solver=name,
        gap_rel=gap_limit,
        stopped=stopped,
    )
