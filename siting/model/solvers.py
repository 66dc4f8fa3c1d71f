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
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from siting import settings
from siting.model.isolation import Report, run_backend, should_isolate
from siting.model.names import SOLVERS

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

#: Row senses.
SENSES: tuple[str, ...] = ("<=", ">=", "==")

Sense = Literal["<=", ">=", "=="]

_INTEGRAL_TOL = 1e-9
_MAX_ROW_SCALE_EXPONENT = 6

#: A reported relative gap at most this small is a proof of optimality.
_ZERO_GAP = 1e-9


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
        return _trivial_outcome(trivially_infeasible, began, name, gap_limit)
    deadline = began + limit
    backend = _BACKENDS[name]
    status, x, gap, stopped = run_guarded(
        lambda report: backend(model, rows, deadline, gap_limit, x0, report),
        n_vars=model.n_vars,
        rows=rows,
        deadline=deadline,
    )
    return _finish(model.c, rows, status, x, gap, gap_limit, began, name, stopped)


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


def _trivial_outcome(infeasible: bool, began: float, name: str, gap_limit: float) -> SolveOutcome:
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


def _finish(
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


# --------------------------------------------------------------------------------------------
# helpers


def _check_start(start: np.ndarray | None, n: int) -> np.ndarray | None:
    """Validate a MIP start: ``None`` or a 0/1 vector of length ``n``, as floats."""
    if start is None:
        return None
    x0 = np.asarray(start, dtype=np.float64).ravel()
    if x0.shape != (n,):
        raise ValueError(f"start has {x0.size} values for {n} variables")
    if not np.isin(x0, (0.0, 1.0)).all():
        raise ValueError("start must hold only 0 and 1")
    return x0


def _status_at_gap(
    status: str, gap: float, gap_rel: float, *, objective: float = math.nan, integral: bool = False
) -> tuple[str, float]:
    """Return the outcome's status and gap from the backend's, given the gap asked for.

    A backend reports "optimal" both for a proven optimum and for a stop at the requested
    gap; only a zero requested gap or a reported gap of zero proves an optimum. With integral
    objective coefficients, "zero" means a bound less than one unit above the objective (no
    better integer objective exists), whatever the objective's size; otherwise a relative
    gap of at most 1e-9. A time-limit stop whose gap is already within the requested one is
    ``"within_gap"``.
    """
    if status == "optimal":
        if gap_rel == 0.0:
            return "optimal", 0.0
        if math.isfinite(gap):
            absolute = gap * max(1.0, abs(objective)) if math.isfinite(objective) else math.inf
            if (integral and absolute < 1.0 - 1e-9) or (not integral and gap <= _ZERO_GAP):
                return "optimal", 0.0
        return "within_gap", gap
    if status == "feasible" and gap_rel > 0.0 and math.isfinite(gap) and gap <= gap_rel:
        return "within_gap", gap
    return status, gap


def _broken_rows(rows: Sequence[Row], x: np.ndarray) -> list[str]:
    """Names of the rows a 0/1 solution violates (beyond 1e-9 relative to the row's size)."""
    broken = []
    for row in rows:
        lhs = float(row.coefs @ x[row.indices])
        tol = 1e-9 * max(1.0, abs(row.rhs), float(np.abs(row.coefs).sum()))
        if not _holds(lhs, row.sense, row.rhs, tol):
            broken.append(row.name)
    return broken


def _relative_gap(objective: float, bound: float) -> float:
    """Relative gap of a maximisation: (bound - objective) / max(1, |objective|), >= 0."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.nan
    return max(0.0, bound - objective) / max(1.0, abs(objective))


def _drop_empty_rows(rows: Sequence[Row]) -> tuple[list[Row], bool]:
    """Remove rows without non-zero coefficients; report whether one of them is violated."""
    kept: list[Row] = []
    infeasible = False
    for row in rows:
        nz = row.coefs != 0.0
        if nz.any():
            kept.append(
                row
                if nz.all()
                else Row(row.name, row.indices[nz], row.coefs[nz], row.sense, row.rhs)
            )
        elif not _holds(0.0, row.sense, row.rhs):
            infeasible = True
    return kept, infeasible


def _holds(lhs: float, sense: str, rhs: float, tol: float = 0.0) -> bool:
    if sense == "<=":
        return lhs <= rhs + tol
    if sense == ">=":
        return lhs >= rhs - tol
    return abs(lhs - rhs) <= tol


def _to_binary(values: Sequence[float | None]) -> np.ndarray:
    """Round solver values (within integrality tolerance) to 0/1 integers."""
    arr = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
    return np.clip(np.rint(arr), 0, 1).astype(np.int64)


#: The shortest time limit handed to a backend [s] (when the set-up has used up the limit).
_MIN_BACKEND_LIMIT_S = 0.01


def _remaining(deadline: float) -> float:
    """Return the time left until ``deadline`` (a :func:`time.perf_counter` value) [s], >= 0.01."""
    return max(_MIN_BACKEND_LIMIT_S, deadline - time.perf_counter())


def _cbc_path() -> str:
    """Return the CBC binary: PuLP's bundled one, else ``cbc`` on the ``PATH``."""
    from pulp.apis import coin_api

    bundled = Path(coin_api.PULP_CBC_CMD.pulp_cbc_path)
    if bundled.is_file():
        return str(bundled)
    found = shutil.which("cbc")
    if found is None:
        raise RuntimeError(
            "the CBC solver was not found: PuLP's bundled binary is missing and there is no "
            "'cbc' on the PATH; install it (pip install 'pulp[cbc]') or use solver='highs'"
        )
    return found


def _solve_cbc(
    model: LinearModel,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    return _run_cbc(_build_cbc(model, rows), rows, deadline, gap_rel, start, report)


@dataclass
class _CbcProblem:
    """A PuLP problem kept between solves: its variables and its rows, in order."""

    prob: Any
    xs: list[Any]
    constraints: list[Any]


def _build_cbc(model: LinearModel, rows: Sequence[Row]) -> _CbcProblem:
    """Build the PuLP problem of ``model`` with the rows ``rows``."""
    import pulp

    prob = pulp.LpProblem("siting", pulp.LpMaximize)
    xs = [prob.add_variable(f"x{j}", cat=pulp.LpBinary) for j in range(model.n_vars)]
    prob.setObjective(pulp.LpAffineExpression([(xs[j], float(cj)) for j, cj in enumerate(model.c)]))
    senses = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}
    constraints = []
    for k, row in enumerate(rows):
        expr = pulp.LpAffineExpression(
            [(xs[int(j)], float(a)) for j, a in zip(row.indices, row.coefs, strict=True)]
        )
        constraint = pulp.LpConstraint(expr, sense=senses[row.sense], rhs=row.rhs, name=f"r{k}")
        prob.addConstraint(constraint)
        constraints.append(constraint)
    return _CbcProblem(prob, xs, constraints)


def _run_cbc(
    built: _CbcProblem,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    """Run CBC on a built problem (its current bounds and right-hand sides)."""
    import pulp

    prob, xs = built.prob, built.xs
    if start is not None:
        for var, value in zip(xs, start.tolist(), strict=True):
            var.setInitialValue(value)
    with tempfile.TemporaryDirectory(prefix="siting-cbc-") as folder:
        log_path = Path(folder) / "cbc.log"
        backend = _deadline_cbc(pulp, deadline)(
            path=_cbc_path(),
            msg=False,
            gapRel=gap_rel,
            gapAbs=0.0,
            threads=1,
            warmStart=start is not None,
            logPath=str(log_path),
        )
        prob.solve(backend)
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    return _cbc_outcome(pulp, prob, _to_binary([v.varValue for v in xs]), log, rows, start)


def _cbc_outcome(
    pulp: Any,
    prob: Any,
    x: np.ndarray,
    log: str,
    rows: Sequence[Row],
    start: np.ndarray | None,
) -> tuple[str, np.ndarray | None, float]:
    """Read CBC's status, solution and gap, telling a stop in time from infeasibility."""
    sol = prob.sol_status
    if sol == pulp.LpSolutionOptimal:
        return "optimal", x, _cbc_gap(log)
    if sol == pulp.LpSolutionIntegerFeasible:
        return "feasible", x, _cbc_gap(log)
    if re.search(r"^Result - Stopped", log, flags=re.MULTILINE) is not None:
        # a stop (time limit, SIGINT) before CBC has a solution proves nothing, although
        # PuLP may read it as "infeasible"
        return "no_solution_in_time", None, math.nan
    if sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        # CBC reports "Integer infeasible" with status Infeasible but no solution status;
        # but its preprocessing also says "infeasible" when the time limit cuts it short
        if start is not None and not _broken_rows(rows, _to_binary(start.tolist())):
            return "feasible", _to_binary(start.tolist()), math.nan  # the start disproves it
        if _cbc_out_of_time(log):
            return "no_solution_in_time", None, math.nan
        return "infeasible", None, math.nan
    if prob.status == pulp.LpStatusNotSolved:
        return "no_solution_in_time", None, math.nan  # CBC says "Stopped" only for limits
    return "error", None, math.nan


def _deadline_cbc(pulp: Any, deadline: float) -> Any:
    """Return a :class:`pulp.COIN_CMD` whose time limit is the time left when CBC starts.

    PuLP writes the MPS file (seconds at 200,000 variables) and the MIP start before it reads
    ``timeLimit`` to build CBC's command line; a limit fixed earlier would not count them.
    """

    class DeadlineCbc(pulp.COIN_CMD):
        @property
        def timeLimit(self) -> float:
            return _remaining(deadline)

        @timeLimit.setter
        def timeLimit(self, value: float | None) -> None:
            pass  # the deadline decides

    return DeadlineCbc


def _cbc_out_of_time(log: str) -> bool:
    """Whether CBC's wall time reached 90 % of the time limit it was given (from its log)."""
    limit = re.search(r"seconds was changed from \S+ to (\S+)", log)
    used = re.search(r"Total time .*\(Wallclock seconds\):\s*(\S+)", log)
    if limit is None or used is None:
        return False
    try:
        return float(used.group(1)) >= 0.9 * float(limit.group(1))
    except ValueError:
        return False


def _cbc_gap(log: str) -> float:
    """Relative gap from CBC's log: 0 for a proven optimum, ``nan`` when it does not say.

    CBC ends with ``Result - Optimal solution found`` (proven), ``... (within gap
    tolerance)`` or ``Result - Stopped on time limit``, then the objective and the bound of
    the maximisation as ``Objective value:`` and ``Upper bound:``.
    """
    result = re.search(r"^Result - (.*)$", log, flags=re.MULTILINE)
    if result and result.group(1).strip() == "Optimal solution found":
        return 0.0
    objective = re.search(r"^Objective value:\s*(\S+)", log, flags=re.MULTILINE)
    bound = re.search(r"^Upper bound:\s*(\S+)", log, flags=re.MULTILINE)
    if objective is None or bound is None:
        return math.nan
    try:
        return _relative_gap(float(objective.group(1)), float(bound.group(1)))
    except ValueError:
        return math.nan


_highs_banner_shown = False


def _silence_highs_banner() -> None:
    """Create the process's first ``highspy.Highs`` with file descriptor 1 muted.

    HiGHS prints its copyright banner to the C-level stdout when the first ``Highs`` object
    of a process is created, before any option can switch output off; that would corrupt,
    for example, JSON written to stdout by the CLI. Later objects print nothing.
    """
    global _highs_banner_shown
    if _highs_banner_shown:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _highs_banner_shown = True


def _solve_highs(
    model: LinearModel,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    engine = _build_highs(model, rows)
    if engine is None:
        return "error", None, math.nan
    return _run_highs(engine, deadline, gap_rel, start, report)


def _build_highs(model: LinearModel, rows: Sequence[Row]) -> Any:
    """Return a ``highspy.Highs`` holding the model (rows ``rows``), or ``None`` on failure."""
    import highspy

    _silence_highs_banner()
    engine = highspy.Highs()
    engine.setOptionValue("output_flag", False)
    engine.setOptionValue("threads", 1)
    engine.setOptionValue("random_seed", 0)
    n = model.n_vars
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.asarray(model.c, dtype=np.float64)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.ones(n)
    lower, upper = _highs_row_bounds(rows, inf)
    lp.row_lower_ = lower
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.cumsum([0] + [row.indices.size for row in rows]).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(
        [row.indices for row in rows] or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([row.coefs for row in rows] or [np.zeros(0)])
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    if engine.passModel(lp) != highspy.HighsStatus.kOk:
        return None
    return engine


def _highs_row_bounds(rows: Sequence[Row], inf: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the rows in HiGHS's form (``inf`` for none)."""
    rhs = np.array([row.rhs for row in rows], dtype=np.float64)
    senses = [row.sense for row in rows]
    lower = np.array([-inf if s == "<=" else b for s, b in zip(senses, rhs, strict=True)])
    upper = np.array([inf if s == ">=" else b for s, b in zip(senses, rhs, strict=True)])
    return lower, upper


def _run_highs(
    engine: Any,
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    """Run HiGHS on the model it holds (its current bounds), from a fresh solver state."""
    import highspy

    engine.clearSolver()  # a re-solve starts as a fresh one would (no earlier incumbent)
    engine.setOptionValue("mip_rel_gap", gap_rel)
    if start is not None:
        solution = highspy.HighsSolution()
        solution.col_value = start.tolist()
        solution.value_valid = True
        engine.setSolution(solution)  # HiGHS checks it; an infeasible start is dropped
    if report is not None:
        engine.cbMipImprovingSolution.subscribe(
            lambda event: report(
                _to_binary(list(event.data_out.mip_solution)),
                event.data_out.objective_function_value,
                event.data_out.mip_dual_bound,
            )
        )
    engine.setOptionValue("time_limit", _remaining(deadline))
    engine.run()
    return _highs_outcome(highspy, engine)


def _highs_outcome(highspy: Any, engine: Any) -> tuple[str, np.ndarray | None, float]:
    """Read HiGHS's model status, solution and gap after a run."""
    status = engine.getModelStatus()
    info = engine.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    x = _to_binary(list(engine.getSolution().col_value)) if has_solution else None
    gap = float(info.mip_gap) if math.isfinite(info.mip_gap) else math.nan
    stopped = (
        highspy.HighsModelStatus.kTimeLimit,
        highspy.HighsModelStatus.kInterrupt,
        highspy.HighsModelStatus.kIterationLimit,
    )
    if status == highspy.HighsModelStatus.kOptimal and x is not None:
        return "optimal", x, gap
    if status in (
        highspy.HighsModelStatus.kInfeasible,
        highspy.HighsModelStatus.kUnboundedOrInfeasible,
    ):
        return "infeasible", None, math.nan
    if status in stopped:
        return ("feasible", x, gap) if x is not None else ("no_solution_in_time", None, math.nan)
    return "error", None, math.nan


def _integral_row(row: Row) -> tuple[list[int], str, int | None]:
    """Scale a row by a power of ten to integer coefficients for CP-SAT.

    Returns the integer coefficients, the sense and the integer right-hand side; ``None`` as
    right-hand side means an equality that no integer left-hand side can meet.
    """
    for exponent in range(_MAX_ROW_SCALE_EXPONENT + 1):
        scaled = row.coefs * 10.0**exponent
        rounded = np.rint(scaled)
        if np.all(np.abs(scaled - rounded) <= _INTEGRAL_TOL * np.maximum(1.0, np.abs(scaled))):
            break
    else:
        raise ValueError(
            f"cp-sat needs integral coefficients: row {row.name!r} does not become integral "
            f"when multiplied by 10**k for k <= {_MAX_ROW_SCALE_EXPONENT}; round its values or "
            "use solver='cbc' or 'highs'"
        )
    coefs = [int(v) for v in rounded]
    rhs = row.rhs * 10.0**exponent
    rhs_int = round(rhs)
    if abs(rhs - rhs_int) <= _INTEGRAL_TOL * max(1.0, abs(rhs)):
        return coefs, row.sense, int(rhs_int)
    # integer left-hand side: rounding the right-hand side inwards is exact
    if row.sense == "<=":
        return coefs, "<=", math.floor(rhs)
    if row.sense == ">=":
        return coefs, ">=", math.ceil(rhs)
    return coefs, "==", None


def _solve_cpsat(
    model: LinearModel,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    from ortools.sat.python import cp_model

    c_int = np.rint(model.c)
    bad = np.abs(model.c - c_int) > _INTEGRAL_TOL * np.maximum(1.0, np.abs(model.c))
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise ValueError(
            "cp-sat needs integral objective coefficients; "
            f"{model.var_names[j]!r} has {model.c[j]!r}"
        )
    cp = cp_model.CpModel()
    xs = [cp.new_bool_var(f"x{j}") for j in range(model.n_vars)]
    for row in rows:
        coefs, sense, rhs = _integral_row(row)
        expr = cp_model.LinearExpr.weighted_sum([xs[int(j)] for j in row.indices], coefs)
        if rhs is None:
            cp.add_linear_expression_in_domain(expr, cp_model.Domain.from_values([]))
        elif sense == "<=":
            cp.add(expr <= rhs)
        elif sense == ">=":
            cp.add(expr >= rhs)
        else:
            cp.add(expr == rhs)
    cp.maximize(cp_model.LinearExpr.weighted_sum(xs, [int(v) for v in c_int]))
    if start is not None:
        for var, value in zip(xs, start.tolist(), strict=True):
            cp.add_hint(var, bool(value))
    engine = cp_model.CpSolver()
    engine.parameters.num_workers = 1
    engine.parameters.random_seed = 0
    engine.parameters.max_time_in_seconds = _remaining(deadline)
    engine.parameters.relative_gap_limit = gap_rel
    engine.parameters.absolute_gap_limit = 0.0
    # the full LP relaxation with cuts: with one worker, the default level bounds knapsack
    # rows so weakly that a 98-variable assignment does not reach a 0.5 % gap in 60 s
    engine.parameters.linearization_level = 2
    if report is None:
        status = engine.solve(cp)
    else:
        status = engine.solve(cp, _cpsat_reporter(xs, report))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        x = _to_binary([engine.value(v) for v in xs])
        gap = _relative_gap(engine.objective_value, engine.best_objective_bound)
        # OPTIMAL also when the requested gap is reached: the gap tells them apart
        return ("optimal" if status == cp_model.OPTIMAL else "feasible"), x, gap
    if status == cp_model.INFEASIBLE:
        return "infeasible", None, math.nan
    if status == cp_model.UNKNOWN:
        return "no_solution_in_time", None, math.nan
    return "error", None, math.nan


def _cpsat_reporter(xs: Sequence[Any], report: Report) -> Any:
    """Return a CP-SAT solution callback that reports each improving solution with its bound."""
    from ortools.sat.python import cp_model

    class _Callback(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            report(
                np.array([int(self.boolean_value(v)) for v in xs], dtype=np.int64),
                self.objective_value,
                self.best_objective_bound,
            )

    return _Callback()


_BACKENDS = {"cbc": _solve_cbc, "highs": _solve_highs, "cp-sat": _solve_cpsat}
