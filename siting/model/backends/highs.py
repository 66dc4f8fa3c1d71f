"""HiGHS in-process through highspy: the model passed as arrays, kept for re-solves."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from siting.model.backends import common
from siting.model.isolation import Report
from siting.model.linear import LinearModel, Row

_banner_shown = False


def _silence_banner() -> None:
    """Create the process's first ``highspy.Highs`` with file descriptor 1 muted.

    HiGHS prints its copyright banner to the C-level stdout when the first ``Highs`` object
    of a process is created, before any option can switch output off; that would corrupt,
    for example, JSON written to stdout by the CLI. Later objects print nothing.
    """
    global _banner_shown
    if _banner_shown:
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
    _banner_shown = True


def solve(
    model: LinearModel,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    """Solve with HiGHS; return the status, the 0/1 solution and the gap.

    ``rows`` are the model's non-empty rows; ``deadline`` is a :func:`time.perf_counter`
    value; ``report`` (under a hard deadline) receives every improving solution.
    """
    engine = build(model, rows)
    if engine is None:
        return "error", None, math.nan
    return run(engine, deadline, gap_rel, start, report)


def build(model: LinearModel, rows: Sequence[Row], *, integral: bool = True) -> Any:
    """Return a ``highspy.Highs`` holding the model (rows ``rows``), or ``None`` on failure.

    With ``integral=False`` the variables are continuous in [0, 1]: the LP relaxation.
    """
    import highspy

    _silence_banner()
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
    lower, upper = row_bounds(rows, inf)
    lp.row_lower_ = lower
    lp.row_upper_ = upper
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.cumsum([0] + [row.indices.size for row in rows]).astype(np.int32)
    lp.a_matrix_.index_ = np.concatenate(
        [row.indices for row in rows] or [np.zeros(0, dtype=np.int64)]
    ).astype(np.int32)
    lp.a_matrix_.value_ = np.concatenate([row.coefs for row in rows] or [np.zeros(0)])
    if integral:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    if engine.passModel(lp) != highspy.HighsStatus.kOk:
        return None
    return engine


def row_bounds(rows: Sequence[Row], inf: float) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds of the rows in HiGHS's form (``inf`` for none)."""
    rhs = np.array([row.rhs for row in rows], dtype=np.float64)
    senses = [row.sense for row in rows]
    lower = np.array([-inf if s == "<=" else b for s, b in zip(senses, rhs, strict=True)])
    upper = np.array([inf if s == ">=" else b for s, b in zip(senses, rhs, strict=True)])
    return lower, upper


def run(
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
                common.to_binary(list(event.data_out.mip_solution)),
                event.data_out.objective_function_value,
                event.data_out.mip_dual_bound,
            )
        )
    engine.setOptionValue("time_limit", common.remaining(deadline))
    engine.run()
    return _outcome(highspy, engine)


def _outcome(highspy: Any, engine: Any) -> tuple[str, np.ndarray | None, float]:
    """Read HiGHS's model status, solution and gap after a run."""
    status = engine.getModelStatus()
    info = engine.getInfo()
    has_solution = info.primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible
    x = common.to_binary(list(engine.getSolution().col_value)) if has_solution else None
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
