"""Cold-start rows: ``siting --help`` and a cold ``siting rank`` of an example case.

Each run is a new process (the command-line entry point, as a user starts it); the figure is
the median wall time of ``repeat`` runs and the peak resident memory of the slowest run's
process (``wait4`` rusage). The cold ranking runs with the on-disk layer cache already
filled (the first run fills it and is not counted), as it is from the second command of a
session on; a bare ``python -c pass`` is the baseline of both. The byte code of the package is
written and reused as in a user's shell (``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment), and one ``--help`` run before the counted ones writes it.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from siting import settings

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "models" / "cases" / "case2_microchip_dense_region.toml"


def run_once(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one process; return (wall seconds, peak resident MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    secs = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {err[-500:]}")
    return secs, usage.ru_maxrss / 1024  # Linux reports KiB


def median_run(args: list[str], env: dict[str, str], repeat: int) -> tuple[float, float]:
    """Median wall seconds over ``repeat`` runs and the largest peak resident MiB."""
    runs = [run_once(args, env) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def bench_startup(rows: list[list[str]], *, repeat: int) -> None:
    """Append the rows for a bare Python, ``siting --help`` and a cold ``siting rank``."""
    script = Path(sys.executable).parent / "siting"  # the entry point a user runs
    siting_cli = [str(script)] if script.is_file() else [sys.executable, "-m", "siting.cli"]
    with tempfile.TemporaryDirectory(prefix="siting-bench-cache-") as cache:
        # As a user runs it: Python writes and reuses the byte code of the package (a
        # PYTHONDONTWRITEBYTECODE in the calling shell would make every run compile siting's
        # own modules again, about 0.1-0.2 s); one run of each command first, not counted.
        env = {**os.environ, "SITING_CACHE_DIR": cache}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run_once([*siting_cli, "--help"], env)
        bare_s, bare_mb = median_run([sys.executable, "-c", "pass"], env, repeat)
        rows.append(
            [
                "python -c pass (baseline)",
                "-",
                f"{bare_s * 1000:,.0f} ms",
                f"{bare_mb:,.0f}",
                "1.0 x",
            ]
        )
        help_s, help_mb = median_run([*siting_cli, "--help"], env, repeat)
        rows.append(
            [
                "siting --help (cold process, target < 0.2 s)",
                "-",
                f"{help_s * 1000:,.0f} ms",
                f"{help_mb:,.0f}",
                f"{help_s / bare_s:,.1f} x bare python",
            ]
        )
        rank = [*siting_cli, "rank", str(CASE), "--top", "10", "--solver", "enumeration"]
        run_once(rank, env)  # fills the layer cache
        rank_s, rank_mb = median_run(rank, env, repeat)
        rows.append(
            [
                "siting rank case2 --solver enumeration (cold process, cached layers, "
                "target < 1 s)",
                "national table",
                f"{rank_s * 1000:,.0f} ms",
                f"{rank_mb:,.0f}",
                f"{rank_s / bare_s:,.1f} x bare python",
            ]
        )
        rank_default = [*siting_cli, "rank", str(CASE), "--top", "10"]
        default_s, default_mb = median_run(rank_default, env, repeat)
        rows.append(
            [
                f"siting rank case2 (default {settings.default_solver}, cold process, "
                "cached layers)",
                "national table",
                f"{default_s * 1000:,.0f} ms",
                f"{default_mb:,.0f}",
                f"{default_s / rank_s:,.1f} x enumeration",
            ]
        )
