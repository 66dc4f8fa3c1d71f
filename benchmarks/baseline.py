r"""The textbook baseline for the portfolio assignment: a dense all-pairs PuLP model.

:class:`siting.model.assignment.AssignmentModel` gives a variable only to the feasible
lead-site pairs that can be in an optimum, and a row only to the capacities that can bind.
The baseline is what a textbook writes instead, on the same instance (the same leads,
utilities, hard rules and capacities as :func:`siting.jobs.assign.assign_leads` builds):

.. math::

    \max \sum_{l \in L} \sum_{s \in S} w_l\, u_{ls}\, x_{ls}
    \quad \text{s.t.} \quad
    \sum_{s} x_{ls} \le 1 \;\; \forall l, \qquad
    \sum_{l} a_l\, x_{ls} \le A_s \;\; \forall s: A_s \text{ known}, \qquad
    \sum_{l} x_{ls} \le 1 \;\; \forall s: A_s \text{ unknown},

.. math::

    \sum_{l} \sum_{s \in S_z} e_l\, x_{ls} \le H_z \;\; \forall z: H_z \text{ known}, \qquad
    x_{ls} \le f_{ls} \;\; \forall l, s, \qquad x_{ls} \in \{0, 1\},

with a binary for **every** pair, :math:`f_{ls} = 1` when site :math:`s` passes every hard
rule of lead :math:`l` (else 0, which fixes the pair at 0), and the plain objective
:math:`\sum w u x` (no quantisation, no tie-break stage), built with PuLP's expressions and
solved by CBC (PuLP ``COIN_CMD``, the binary :mod:`siting.model.solvers` uses) with the same time
limit and relative gap. Labour-market absorption rows are left out: the benchmark does not
use them. Priorities are all 1 (the benchmark pipeline has none).

A dense model of 500 leads x 4,000 sites has 2,000,000 binaries and as many rows, which may
not fit in the time or memory a benchmark can give it. :func:`run_baseline` therefore runs it
in a child process (``python -m benchmarks.baseline``) under a wall-time and memory cap; the
child reports each step as a JSON line as it goes, so a capped run still says how far it got
(and how long, and how much memory, that took).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class DenseInstance:
    """An assignment instance on every lead x site pair.

    Attributes
    ----------
    lead_ids, site_ids
        The valid leads (input order) and the sites (site-table order).
    utility
        ``(L, N)`` utility of every pair, clipped to [0, 1] [-].
    feasible
        ``(L, N)``: the site passes every hard rule of the lead.
    weight
        ``(L,)`` priorities (all 1) [-].
    land_ha, power_mw
        ``(L,)`` needs [ha], [MW], rounded as
        :class:`~siting.model.assignment.AssignmentModel` does.
    site_capacity_ha
        ``(N,)`` available area [ha]; NaN when not known (the site takes one lead).
    zone_entries
        ``(k, 3)``: (lead, site, zone) for every grid zone a feasible pair draws on, as
        :func:`siting.jobs.assign_grid.pair_zones` says.
    zone_capacity, zone_unit
        ``(Z,)`` capacity per zone, in its unit: published room [MW], or large leads.
    evaluate_s
        Wall time of evaluating the leads [s].
    """

    lead_ids: tuple[str, ...]
    site_ids: tuple[str, ...]
    utility: np.ndarray
    feasible: np.ndarray
    weight: np.ndarray
    land_ha: np.ndarray
    power_mw: np.ndarray
    site_capacity_ha: np.ndarray
    zone_entries: np.ndarray
    zone_capacity: np.ndarray
    zone_unit: tuple[str, ...]
    evaluate_s: float


def dense_instance(leads_path: Path, n_sites: int) -> DenseInstance:
    """Evaluate the leads of a pipeline file on ``synthetic_geodata(n_sites)`` (0: embedded).

    The leads, rules, utilities and capacities are those :func:`siting.jobs.assign.assign_leads`
    uses (one :func:`siting.criteria.evaluation.evaluate` per lead, fully issued sites at 0 ha,
    unknown
    areas at one lead, the grid zones of :mod:`siting.jobs.assign_grid`).
    """
    import siting
    from benchmarks.synthetic import synthetic_geodata
    from siting._errors import SitingInputError
    from siting.criteria.evaluation import evaluate
    from siting.criteria.site_facts import site_facts
    from siting.inputs.catalogue import load_catalogue
    from siting.inputs.leads import read_leads
    from siting.inputs.origin import resolve_origin
    from siting.jobs.assign_grid import pair_zones

    data = synthetic_geodata(n_sites) if n_sites else siting.load_geodata()
    table = siting.site_table(data=data)
    facts = site_facts(table, data.campuses)
    catalogue = load_catalogue()
    started = time.perf_counter()
    lead_ids, utility, feasible, needs = [], [], [], []
    seen: set[str] = set()
    for lead in read_leads(leads_path).valid:
        profile = lead.profile
        if profile is None or profile.company.id in seen:
            continue
        try:
            origin = resolve_origin(profile, data, file=f"lead {lead.lead_id}")
            ev = evaluate(profile, facts, catalogue, origin_xy=origin)
        except SitingInputError:
            continue  # assign_leads reports it as invalid input: not in the model either
        seen.add(profile.company.id)
        lead_ids.append(profile.company.id)
        utility.append(np.clip(ev.utility, 0.0, 1.0))
        feasible.append(ev.feasible)
        needs.append((profile.needs.land_ha, profile.needs.power_mw))
    evaluate_s = time.perf_counter() - started
    n = len(table)
    status = table["status"].astype(str).to_numpy()
    capacity = np.where(
        status == "fully_issued", 0.0, table["available_ha"].astype(float).to_numpy()
    )
    arr = np.array(needs, dtype=np.float64).reshape(-1, 2)
    feasible_arr = np.array(feasible).reshape(-1, n)
    pairs = np.argwhere(feasible_arr)
    zones = pair_zones(
        pairs,
        arr[:, 1],
        facts.grid,
        table["gm_code"].astype(str).tolist(),
        small_mw=catalogue.params.small_connection_mw,
    )
    entries = np.column_stack([pairs[zones.zone_pairs[:, 0]], zones.zone_pairs[:, 1]])
    return DenseInstance(
        lead_ids=tuple(lead_ids),
        site_ids=tuple(str(s) for s in table["site_id"]),
        utility=np.array(utility).reshape(-1, n),
        feasible=feasible_arr,
        weight=np.ones(len(lead_ids)),
        land_ha=np.round(arr[:, 0], 4),
        power_mw=np.round(arr[:, 1], 4),
        site_capacity_ha=np.round(capacity, 4),
        zone_entries=entries.astype(np.int64).reshape(-1, 3),
        zone_capacity=np.round(zones.capacity, 4),
        zone_unit=zones.units,
        evaluate_s=evaluate_s,
    )


def solve_dense(
    inst: DenseInstance,
    *,
    time_limit_s: float,
    gap_rel: float,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    r"""Build the dense textbook model with PuLP and solve it with CBC.

    Returns the status (``"optimal"``, ``"within_gap"`` or ``"feasible"`` in the words of
    :mod:`siting.model.solvers`, else PuLP's), the objective :math:`\sum w u x` of the answer,
    the gap from CBC's log, build and solve times [s] (the solve: PuLP writing the MPS file,
    CBC, reading the answer; ``cbc_s`` is CBC's own wall time from its log) and sizes.
    """
    import pulp

    from siting.model.backends.cbc import cbc_gap as _cbc_gap
    from siting.model.backends.cbc import cbc_path as _cbc_path

    report = progress or (lambda _: None)
    began = time.perf_counter()
    n_l, n_s = inst.utility.shape
    prob = pulp.LpProblem("dense_assignment", pulp.LpMaximize)
    x = [[pulp.LpVariable(f"x_{i}_{s}", cat=pulp.LpBinary) for s in range(n_s)] for i in range(n_l)]
    report({"step": "variables", "n_vars": n_l * n_s, "elapsed_s": _since(began)})
    prob += pulp.lpSum(
        float(inst.weight[i] * inst.utility[i, s]) * x[i][s] for i in range(n_l) for s in range(n_s)
    )
    report({"step": "objective", "elapsed_s": _since(began)})
    for i in range(n_l):
        prob += pulp.lpSum(x[i]) <= 1, f"lead_{i}"
    for s in range(n_s):
        cap = float(inst.site_capacity_ha[s])
        if math.isnan(cap):
            prob += pulp.lpSum(x[i][s] for i in range(n_l)) <= 1, f"site_{s}"
        else:
            prob += (
                pulp.lpSum(float(inst.land_ha[i]) * x[i][s] for i in range(n_l)) <= cap,
                f"site_{s}",
            )
    for z, cap in enumerate(inst.zone_capacity):
        members = inst.zone_entries[inst.zone_entries[:, 2] == z]
        coef = [
            1.0 if inst.zone_unit[z] == "lead" else float(inst.power_mw[i]) for i, _, _ in members
        ]
        prob += (
            pulp.lpSum(c * x[i][s] for c, (i, s, _) in zip(coef, members, strict=True))
            <= float(cap),
            f"zone_{z}",
        )
    report({"step": "capacity rows", "elapsed_s": _since(began)})
    for i in range(n_l):
        for s in range(n_s):
            prob += x[i][s] <= int(inst.feasible[i, s]), f"rule_{i}_{s}"
    n_rows = len(prob.constraints)
    build_s = _since(began)
    report({"step": "built", "n_rows": n_rows, "build_s": build_s, "elapsed_s": build_s})
    with tempfile.TemporaryDirectory(prefix="siting-dense-") as folder:
        log_path = Path(folder) / "cbc.log"
        solve_began = time.perf_counter()
        prob.solve(
            pulp.COIN_CMD(
                path=_cbc_path(),
                msg=False,
                timeLimit=time_limit_s,
                gapRel=gap_rel,
                gapAbs=0.0,
                threads=1,
                logPath=str(log_path),
            )
        )
        solve_s = _since(solve_began)
        log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.is_file() else ""
    chosen = np.array(
        [[bool(round(v.varValue or 0.0)) for v in row] for row in x], dtype=bool
    ).reshape(n_l, n_s)
    gap = _cbc_gap(log)
    wall = re.search(r"Total time \(CPU seconds\):.*\(Wallclock seconds\):\s*(\S+)", log)
    cbc_s = float(wall.group(1)) if wall else math.nan
    if prob.sol_status == pulp.LpSolutionOptimal:
        status = "optimal" if gap == 0.0 else "within_gap"
    elif prob.sol_status == pulp.LpSolutionIntegerFeasible:
        status = "within_gap" if gap <= gap_rel else "feasible"
    else:
        status = pulp.LpStatus[prob.status].lower()
    objective = float((inst.weight[:, None] * inst.utility)[chosen].sum())
    return {
        "step": "done",
        "status": status,
        "objective": objective,
        "gap": gap,
        "n_vars": n_l * n_s,
        "n_rows": n_rows,
        "n_placed": int(chosen.any(axis=1).sum()),
        "uses_infeasible_pair": bool((chosen & ~inst.feasible).any()),
        "build_s": build_s,
        "solve_s": solve_s,
        "cbc_s": cbc_s,
        "elapsed_s": _since(began),
    }


def run_baseline(
    leads_path: Path,
    n_sites: int,
    *,
    time_limit_s: float,
    gap_rel: float,
    wall_limit_s: float,
    memory_limit_gib: float,
) -> dict[str, Any]:
    """Run the baseline in a child process under a wall-time and memory (address space) cap.

    Returns the child's last report: ``{"step": "done", ...}`` when it finished, else the
    step it had reached with ``"capped"`` saying why it stopped (``"wall time"`` or
    ``"memory"``/``"error"``). ``"peak_mib"`` is the child's peak resident memory, CBC
    included.
    """
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.baseline",
        str(leads_path),
        str(n_sites),
        "--time-limit",
        str(time_limit_s),
        "--gap",
        str(gap_rel),
    ]
    limit = int(memory_limit_gib * 2**30)

    def cap_memory() -> None:  # in the child, before it starts
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    began = time.perf_counter()
    with tempfile.TemporaryFile(mode="w+") as out, tempfile.TemporaryFile(mode="w+") as err:
        child = subprocess.Popen(
            cmd, stdout=out, stderr=err, cwd=ROOT, env=env, preexec_fn=cap_memory
        )  # no threads in this process
        capped = ""
        try:
            child.wait(timeout=wall_limit_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            capped = "wall time"
        out.seek(0)
        lines = [json.loads(line) for line in out if line.startswith("{")]
        err.seek(0)
        error = err.read().strip().splitlines()
    last = lines[-1] if lines else {"step": "started"}
    if not capped and last.get("step") != "done":
        capped = "memory" if any("MemoryError" in e for e in error) else "error"
        last = {**last, "error": error[-1] if error else f"exit code {child.returncode}"}
    peak = [line["peak_mib"] for line in lines if "peak_mib" in line]
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        **last,
        "capped": capped,
        "wall_s": time.perf_counter() - began,
        "peak_mib": max([*peak, children_peak]) if capped else max(peak, default=0.0),
        "steps": lines,
    }


def _since(began: float) -> float:
    return round(time.perf_counter() - began, 3)


def _peak_mib() -> float:
    """Peak resident memory of this process and its waited-for children (CBC) [MiB]."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, kids) / 1024, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("leads", type=Path, help="pipeline file (CSV)")
    parser.add_argument("n_sites", type=int, help="synthetic sites (0: the embedded data)")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--gap", type=float, default=0.0)
    args = parser.parse_args(argv)

    def emit(record: dict[str, Any]) -> None:
        print(json.dumps({**record, "peak_mib": _peak_mib()}), flush=True)

    inst = dense_instance(args.leads, args.n_sites)
    emit(
        {
            "step": "evaluated",
            "n_leads": len(inst.lead_ids),
            "n_sites": len(inst.site_ids),
            "n_feasible_pairs": int(inst.feasible.sum()),
            "evaluate_s": round(inst.evaluate_s, 3),
        }
    )
    emit(solve_dense(inst, time_limit_s=args.time_limit, gap_rel=args.gap, progress=emit))


if __name__ == "__main__":
    main()
