"""COIN-OR CBC through PuLP: one process per solve, the model and the start written to files."""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from siting.model.backends import common
from siting.model.isolation import Report
from siting.model.linear import LinearModel, Row


def cbc_path() -> str:
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


def solve(
    model: LinearModel,
    rows: Sequence[Row],
    deadline: float,
    gap_rel: float,
    start: np.ndarray | None,
    report: Report | None = None,
) -> tuple[str, np.ndarray | None, float]:
    """Solve with CBC; return the status, the 0/1 solution and the gap.

    ``rows`` are the model's non-empty rows; ``deadline`` is a :func:`time.perf_counter`
    value; ``report`` (under a hard deadline) receives every improving solution.
    """
    return run(build(model, rows), rows, deadline, gap_rel, start, report)


@dataclass
class CbcProblem:
    """A PuLP problem kept between solves: its variables and its rows, in order."""

    prob: Any
    xs: list[Any]
    constraints: list[Any]


def build(model: LinearModel, rows: Sequence[Row]) -> CbcProblem:
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
    return CbcProblem(prob, xs, constraints)


def run(
    built: CbcProblem,
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
            path=cbc_path(),
            msg=False,
            gapRel=gap_rel,
            gapAbs=0.0,
            threads=1,
            warmStart=start is not None,
            logPath=str(log_path),
        )
        prob.solve(backend)
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    return _outcome(pulp, prob, common.to_binary([v.varValue for v in xs]), log, rows, start)


def _outcome(
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
        return "optimal", x, cbc_gap(log)
    if sol == pulp.LpSolutionIntegerFeasible:
        return "feasible", x, cbc_gap(log)
    if re.search(r"^Result - Stopped", log, flags=re.MULTILINE) is not None:
        # a stop (time limit, SIGINT) before CBC has a solution proves nothing, although
        # PuLP may read it as "infeasible"
        return "no_solution_in_time", None, math.nan
    if sol == pulp.LpSolutionInfeasible or prob.status == pulp.LpStatusInfeasible:
        # CBC reports "Integer infeasible" with status Infeasible but no solution status;
        # but its preprocessing also says "infeasible" when the time limit cuts it short
        if start is not None and not common.broken_rows(rows, common.to_binary(start.tolist())):
            return "feasible", common.to_binary(start.tolist()), math.nan  # the start disproves it
        if _out_of_time(log):
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
            return common.remaining(deadline)

        @timeLimit.setter
        def timeLimit(self, value: float | None) -> None:
            pass  # the deadline decides

    return DeadlineCbc


def _out_of_time(log: str) -> bool:
    """Whether CBC's wall time reached 90 % of the time limit it was given (from its log)."""
    limit = re.search(r"seconds was changed from \S+ to (\S+)", log)
    used = re.search(r"Total time .*\(Wallclock seconds\):\s*(\S+)", log)
    if limit is None or used is None:
        return False
    try:
        return float(used.group(1)) >= 0.9 * float(limit.group(1))
    except ValueError:
        return False


def cbc_gap(log: str) -> float:
    """Relative gap from CBC's log: 0 for a proven optimum, ``nan`` when it does not say.

    CBC ends with ``Result - Optimal solution found`` (proven, or stopped at the requested
    ratio gap: then it has logged ``Exiting as integer gap of G less than ...``, the absolute
    gap G it stopped at), ``... (within gap tolerance)`` or ``Result - Stopped on time
    limit``, then the objective and the bound of the maximisation as ``Objective value:``
    and ``Upper bound:``.
    """
    result = re.search(r"^Result - (.*)$", log, flags=re.MULTILINE)
    objective = re.search(r"^Objective value:\s*(\S+)", log, flags=re.MULTILINE)
    if result and result.group(1).strip() == "Optimal solution found":
        # CBC says "Optimal" also when it stopped at the requested ratio gap; it then logs
        # the absolute gap it stopped at, the last such line being its final stop
        stops = re.findall(r"Exiting as integer gap of (\S+) less than", log)
        if not stops or objective is None:
            return 0.0
        try:
            return float(stops[-1]) / max(1.0, abs(float(objective.group(1))))
        except ValueError:
            return math.nan
    bound = re.search(r"^Upper bound:\s*(\S+)", log, flags=re.MULTILINE)
    if objective is None or bound is None:
        return math.nan
    try:
        return common.relative_gap(float(objective.group(1)), float(bound.group(1)))
    except ValueError:
        return math.nan
