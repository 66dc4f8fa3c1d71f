"""Run the performance measurements and print a table: ``python -m benchmarks [--quick]``.

Each figure is the median wall time of several runs and the peak memory Python allocated
during one run (tracemalloc: numpy arrays included). Not part of the tests: timings vary with
the machine; the README records a run with the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import siting
from benchmarks.synthetic import synthetic_geodata
from siting.profile import load_profile
from siting.rank import rank_sites

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "models" / "cases" / "case2_microchip_dense_region.toml"


def measure(func: Callable[[], object], *, repeat: int) -> tuple[float, float]:
    """Return (median seconds over ``repeat`` runs, peak MiB of one traced run)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    func()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def bench_ranking(sizes: list[int], rows: list[list[str]], *, repeat: int) -> None:
    profile = load_profile(CASE)
    for n in sizes:
        data = synthetic_geodata(n)
        build_s, build_mb = measure(lambda d=data: siting.build_site_table(d), repeat=1)
        siting.site_table(data=data)  # build and cache: "once data is loaded"
        for solver in ("enumeration", "highs"):
            if solver == "highs" and n > 4000:
                continue
            secs, mb = measure(lambda d=data, s=solver: rank_sites(profile, top=10, solver=s,
                                                                 data=d), repeat=repeat)
            rows.append([f"rank 1 lead, top 10 ({solver})", f"{n:,} sites",
                         f"{secs * 1000:,.1f} ms", f"{mb:,.1f}"])
        rows.append(["build site table", f"{n:,} sites", f"{build_s * 1000:,.0f} ms",
                     f"{build_mb:,.1f}"])


def bench_cases(rows: list[list[str]], *, repeat: int) -> None:
    """Every example case on the embedded data, with the default MILP solver (CBC)."""
    siting.site_table()  # data loaded once, as in a session
    for case in sorted((ROOT / "models" / "cases").glob("*.toml")):
        profile = load_profile(case)
        secs, mb = measure(lambda p=profile: rank_sites(p, top=10, solver="cbc"), repeat=repeat)
        n_sites = len(siting.site_table())
        rows.append([f"rank case {case.stem}, top 10 (cbc)", f"{n_sites} sites",
                     f"{secs * 1000:,.0f} ms", f"{mb:,.1f}"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 5
    sizes = [1000, 4000] if args.quick else [1000, 4000, 20000, 100000]
    rows: list[list[str]] = []
    bench_cases(rows, repeat=repeat)
    bench_ranking(sizes, rows, repeat=repeat)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {platform.system()}")
    print(f"median of {repeat} runs; peak = Python allocations during one run (tracemalloc)\n")
    header = ["benchmark", "size", "median time", "peak MiB"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
