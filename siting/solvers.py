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
    HiGHS in-process through PuLP (:class:`pulp.HiGHS`, which drives ``highspy``).
``"cp-sat"``
    Google OR-Tools CP-SAT (:mod:`ortools.sat.python.cp_model`). CP-SAT works on integers:
    the objective coefficients must be integral (within 1e-9), and every constraint row is
    multiplied by the smallest power of ten, up to :math:`10^6`, that makes its coefficients
    integral; otherwise :class:`ValueError`.

Every backend runs single-threaded with deterministic settings and solves to a zero relative
gap (the models in :mod:`siting.model` encode tie-breaks in the last units of the objective,
so the usual default gaps of 1e-4 would return a wrong, if near-optimal, answer).
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from siting import settings

#: Names of the available backends, for ``solver=``.
SOLVERS: tuple[str, ...] = ("cbc", "highs", "cp-sat")

#: Spelled-out solve statuses.
STATUSES: tuple[str, ...] = ("optimal", "feasible", "infeasible", "no_solution_in_time", "error")

#: Row senses.
SENSES: tuple[str, ...] = ("<=", ">=", "==")

Sense = Literal["<=", ">=", "=="]

_INTEGRAL_TOL = 1e-9
_MAX_ROW_SCALE_EXPONENT = 6


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
        ``"optimal"``; ``"feasible"`` (stopped, e.g. at the time limit, with an incumbent);
        ``"infeasible"``; ``"no_solution_in_time"`` (stopped without any solution);
        ``"error"`` (the solver reported a failure).
    objective
        :math:`c^\top x` of the returned solution, ``nan`` without one.
    x
        The solution as 0/1 integers, shape ``(n_vars,)``, or ``None``.
    gap
        Relative MIP gap [-]: 0.0 when optimal, ``nan`` when unknown.
    solve_time_s
        Wall time of the solve, including building the backend's model [s].
    solver
        Backend name, one of :data:`SOLVERS`.
    """

    status: str
    objective: float
    x: np.ndarray | None
    gap: float
    solve_time_s: float
    solver: str


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


def solve_milp(
    model: LinearModel,
    *,
    solver: str | None = None,
    time_limit_s: float | None = None,
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

    Returns
    -------
    SolveOutcome
        Status, objective, 0/1 solution, gap and time.

    Raises
    ------
    ValueError
        For an unknown solver name or a bad time limit; for ``"cp-sat"`` also for
        coefficients that are not integral (objective) or cannot be made integral by a power
        of ten up to :math:`10^6` (constraint rows).
    """
    name = check_solver(solver)
    limit = check_time_limit(time_limit_s)
    start = time.perf_counter()
    rows, trivially_infeasible = _drop_empty_rows(model.rows)
    if trivially_infeasible or model.n_vars == 0:
        status = "infeasible" if trivially_infeasible else "optimal"
        x = None if trivially_infeasible else np.zeros(0, dtype=np.int64)
        return SolveOutcome(
            status=status,
            objective=math.nan if x is None else 0.0,
            x=x,
            gap=math.nan if x is None else 0.0,
            solve_time_s=time.perf_counter() - start,
            solver=name,
        )
    if name == "cp-sat":
        status, x, gap = _solve_cpsat(model, rows, limit)
    else:
        status, x, gap = _solve_pulp(model, rows, limit, name)
    objective = math.nan
    if x is not None:
        objective = float(model.c @ x)
        if status == "optimal":
            gap = 0.0
    return SolveOutcome(
        status=status,
        objective=objective,
        x=x,
        gap=gap,
        solve_time_s=time.perf_counter() - start,
        solver=name,
    )


# --------------------------------------------------------------------------------------------
# helpers


def _drop_empty_rows(rows: Sequence[Row]) -> tuple[list[Row], bool]:
    """Remove rows without non-zero coefficients; report whether one of them is violated."""
    kept: list[Row] = []
    infeasible = False
    for row in rows:
        nz = row.coefs != 0.0
        if nz.any():
            kept.append(row if nz.all() else Row(
                row.name, row.indices[nz], row.coefs[nz], row.sense, row.rhs
            ))
        elif not _holds(0.0, row.sense, row.rhs):
            infeasible = True
    return kept, infeasible


def _holds(lhs: float, sense: str, rhs: float) -> bool:
    if sense == "<=":
        return lhs <= rhs
    if sense == ">=":
        return lhs >= rhs
    return lhs == rhs


def _to_binary(values: Sequence[float | None]) -> np.ndarray:
    """Round solver values (within integrality tolerance) to 0/1 integers."""
    arr = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
    return np.clip(np.rint(arr), 0, 1).astype(np.int64)


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


def _solve_pulp(
    model: LinearModel, rows: Sequence[Row], limit: float, name: str
) -> tuple[str, np.ndarray | None, float]:
    import pulp

    prob = pulp.LpProblem("siting", pulp.LpMaximize)
    xs = [prob.add_variable(f"x{j}", cat=pulp.LpBinary) for j in range(model.n_vars)]
    prob.setObjective(
        pulp.LpAffineExpression([(xs[j], float(cj)) for j, cj in enumerate(model.c)])
    )
    senses = {"<=": pulp.LpConstraintLE, ">=": pulp.LpConstraintGE, "==": pulp.LpConstraintEQ}
    for k, row in enumerate(rows):
        expr = pulp.LpAffineExpression(
            [(xs[int(j)], float(a)) for j, a in zip(row.indices, row.coefs, strict=True)]
        )
        prob.addConstraint(
            pulp.LpConstraint(expr, sense=senses[row.sense], rhs=row.rhs, name=f"r{k}")
        )
    if name == "cbc":
        backend = pulp.COIN_CMD(
            path=_cbc_path(), msg=False, timeLimit=limit, gapRel=0.0, gapAbs=0.0, threads=1
        )
    else:
        _silence_highs_banner()
        backend = pulp.HiGHS(
            msg=False, timeLimit=limit, gapRel=0.0, threads=1, random_seed=0
        )
    prob.solve(backend)
    sol = prob.sol_status
    x = _to_binary([v.varValue for v in xs])
    if sol == pulp.LpSolutionOptimal:
        return "optimal", x, 0.0
    if sol == pulp.LpSolutionIntegerFeasible:
        return "feasible", x, _highs_gap(prob) if name == "highs" else math.nan
    if sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        # CBC reports "Integer infeasible" with status Infeasible but no solution status
        return "infeasible", None, math.nan
    if prob.status == pulp.LpStatusNotSolved and _stopped_on_time(prob, name):
        return "no_solution_in_time", None, math.nan
    return "error", None, math.nan


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


def _highs_gap(prob: object) -> float:
    """Relative MIP gap HiGHS reports, ``nan`` when it has none."""
    try:
        gap = float(prob.solverModel.getInfo().mip_gap)  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - depends on the highspy version
        return math.nan
    return gap if math.isfinite(gap) else math.nan


def _stopped_on_time(prob: object, name: str) -> bool:
    """Whether a solve without a solution stopped on a limit (not on a failure)."""
    if name == "cbc":
        return True  # CBC reports "Stopped" only for limits; failures are "Undefined"
    import highspy

    status = prob.solverModel.getModelStatus()  # type: ignore[attr-defined]
    return status in (highspy.HighsModelStatus.kTimeLimit, highspy.HighsModelStatus.kInterrupt)


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
    model: LinearModel, rows: Sequence[Row], limit: float
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
    engine = cp_model.CpSolver()
    engine.parameters.num_workers = 1
    engine.parameters.random_seed = 0
    engine.parameters.max_time_in_seconds = limit
    engine.parameters.relative_gap_limit = 0.0
    engine.parameters.absolute_gap_limit = 0.0
    status = engine.solve(cp)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        x = _to_binary([engine.value(v) for v in xs])
        if status == cp_model.OPTIMAL:
            return "optimal", x, 0.0
        obj, bound = engine.objective_value, engine.best_objective_bound
        return "feasible", x, abs(bound - obj) / max(1.0, abs(obj))
    if status == cp_model.INFEASIBLE:
        return "infeasible", None, math.nan
    if status == cp_model.UNKNOWN:
        return "no_solution_in_time", None, math.nan
    return "error", None, math.nan
