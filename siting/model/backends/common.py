"""What the backends share: checks of a start and a solution, gaps, statuses, time left."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from siting.model.linear import Row

INTEGRAL_TOL = 1e-9


MAX_ROW_SCALE_EXPONENT = 6


#: A reported relative gap at most this small is a proof of optimality.
_ZERO_GAP = 1e-9


def check_start(start: np.ndarray | None, n: int) -> np.ndarray | None:
    """Validate a MIP start: ``None`` or a 0/1 vector of length ``n``, as floats."""
    if start is None:
        return None
    x0 = np.asarray(start, dtype=np.float64).ravel()
    if x0.shape != (n,):
        raise ValueError(f"start has {x0.size} values for {n} variables")
    if not np.isin(x0, (0.0, 1.0)).all():
        raise ValueError("start must hold only 0 and 1")
    return x0


def status_at_gap(
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


def broken_rows(rows: Sequence[Row], x: np.ndarray) -> list[str]:
    """Names of the rows a 0/1 solution violates (beyond 1e-9 relative to the row's size)."""
    broken = []
    for row in rows:
        lhs = float(row.coefs @ x[row.indices])
        tol = 1e-9 * max(1.0, abs(row.rhs), float(np.abs(row.coefs).sum()))
        if not holds(lhs, row.sense, row.rhs, tol):
            broken.append(row.name)
    return broken


def relative_gap(objective: float, bound: float) -> float:
    """Relative gap of a maximisation: (bound - objective) / max(1, |objective|), >= 0."""
    if not (math.isfinite(objective) and math.isfinite(bound)):
        return math.nan
    return max(0.0, bound - objective) / max(1.0, abs(objective))


def drop_empty_rows(rows: Sequence[Row]) -> tuple[list[Row], bool]:
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
        elif not holds(0.0, row.sense, row.rhs):
            infeasible = True
    return kept, infeasible


def holds(lhs: float, sense: str, rhs: float, tol: float = 0.0) -> bool:
    """Whether ``lhs sense rhs`` holds within ``tol``."""
    if sense == "<=":
        return lhs <= rhs + tol
    if sense == ">=":
        return lhs >= rhs - tol
    return abs(lhs - rhs) <= tol


def to_binary(values: Sequence[float | None]) -> np.ndarray:
    """Round solver values (within integrality tolerance) to 0/1 integers."""
    arr = np.array([0.0 if v is None else float(v) for v in values], dtype=np.float64)
    return np.clip(np.rint(arr), 0, 1).astype(np.int64)


#: The shortest time limit handed to a backend [s] (when the set-up has used up the limit).
_MIN_BACKEND_LIMIT_S = 0.01


def remaining(deadline: float) -> float:
    """Return the time left until ``deadline`` (a :func:`time.perf_counter` value) [s], >= 0.01."""
    return max(_MIN_BACKEND_LIMIT_S, deadline - time.perf_counter())
