"""Assignment runs in a child process: times of several runs and the peak resident memory.

An assignment's memory is mostly outside Python's allocator (the solver's own, CBC in its own
process, an isolated solve in a forked child), so tracemalloc does not see it. Each row of
:func:`benchmarks.__main__.bench_assignment` therefore runs in a fresh child
(``python -m benchmarks.assign_runs``) that loads the data (not timed), assigns the pipeline
``repeat`` times and reports one JSON line: every run's status, gap, objective and times, and
the peak resident memory of the child and of its largest solver child.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def run_assign(
    leads_path: Path,
    n_sites: int,
    *,
    solver: str,
    repeat: int,
    gap_rel: float,
    time_limit_s: float,
    max_resolves: int = 0,
) -> dict[str, Any]:
    """Assign the leads of ``leads_path`` in a child process; return its report.

    Parameters
    ----------
    leads_path
        A leads CSV.
    n_sites
        Sites of a synthetic table (:func:`benchmarks.synthetic.synthetic_geodata`); 0 for the
        embedded national table.
    solver, gap_rel, time_limit_s, max_resolves
        As :func:`siting.jobs.assign.assign_leads` [-, -, s, -].
    repeat
        Runs to time.

    Returns
    -------
    dict
        ``runs`` (one record per run: ``status``, ``gap``, ``objective``, ``solve_s``,
        ``total_s``, ``n_values``), ``peak_mib`` (the child's peak resident memory) and
        ``solver_peak_mib`` (that of its largest child, e.g. CBC) [MiB].

    Raises
    ------
    RuntimeError
        When the child fails (its last error line is in the message).
    """
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.assign_runs",
        str(leads_path),
        str(n_sites),
        solver,
        "--repeat",
        str(repeat),
        "--gap",
        str(gap_rel),
        "--time-limit",
        str(time_limit_s),
        "--max-resolves",
        str(max_resolves),
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    }
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        errors = done.stderr.strip().splitlines() or [f"exit code {done.returncode}"]
        raise RuntimeError(f"assignment benchmark child failed: {errors[-1]}")
    report: dict[str, Any] = json.loads(lines[-1])
    return report


def _assign_runs(args: argparse.Namespace) -> dict[str, Any]:
    """In the child: load, then assign ``args.repeat`` times; return the report."""
    import siting
    from benchmarks.synthetic import synthetic_geodata
    from siting.inputs.leads import read_leads
    from siting.jobs.assign import assign_leads

    leads = read_leads(Path(args.leads))
    data = synthetic_geodata(args.sites) if args.sites else siting.load_geodata()
    siting.site_table(data=data)
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = assign_leads(
            leads,
            solver=args.solver,
            data=data,
            max_resolves=args.max_resolves,
            time_limit_s=args.time_limit,
            gap_rel=args.gap,
        )
        runs.append(
            {
                "status": result.status,
                "gap": result.gap,
                "objective": result.objective,
                "solve_s": result.solve_time_s,
                "total_s": time.perf_counter() - start,
                "n_values": len(result.capacity_values),
            }
        )
    return {
        "runs": runs,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "solver_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> None:
    """Entry point of the child process (``python -m benchmarks.assign_runs``)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("leads")
    parser.add_argument("sites", type=int)
    parser.add_argument("solver")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gap", type=float, default=0.0)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--max-resolves", type=int, default=0)
    print(json.dumps(_assign_runs(parser.parse_args(argv))), flush=True)


if __name__ == "__main__":
    main()
