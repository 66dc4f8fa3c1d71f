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
    """Rank every example case on the embedded data with the default MILP solver (CBC)."""
    siting.site_table()  # data loaded once, as in a session
    for case in sorted((ROOT / "models" / "cases").glob("*.toml")):
        profile = load_profile(case)
        secs, mb = measure(lambda p=profile: rank_sites(p, top=10, solver="cbc"), repeat=repeat)
        n_sites = len(siting.site_table())
        rows.append([f"rank case {case.stem}, top 10 (cbc)", f"{n_sites} sites",
                     f"{secs * 1000:,.0f} ms", f"{mb:,.1f}"])


def _pipeline(n_leads: int, folder: Path) -> Path:
    """Write the synthetic example pipeline, rows repeated with new ids up to ``n_leads``."""
    import csv

    source = ROOT / "models" / "leads" / "example_pipeline_synthetic.csv"
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = folder / f"pipeline_{n_leads}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for k in range(n_leads):
            writer.writerow({**rows[k % len(rows)], "id": f"bench-{k:06d}"})
    return path


def bench_screening(pairs: list[tuple[int, int]], rows: list[list[str]]) -> None:
    """Screen L leads x N sites (local engine, exact enumeration), one run each."""
    import tempfile

    from siting.leads import read_leads
    from siting.screen import screen_leads

    with tempfile.TemporaryDirectory() as folder:
        for n_leads, n_sites in pairs:
            leads = read_leads(_pipeline(n_leads, Path(folder)))
            data = synthetic_geodata(n_sites) if n_sites else siting.load_geodata()
            siting.site_table(data=data)
            secs, mb = measure(lambda t=leads, d=data: screen_leads(t, top=5, data=d), repeat=1)
            size = f"{n_leads:,} leads x {len(data.sites):,} sites"
            rows.append(["screen (local, enumeration)", size, f"{secs:,.1f} s", f"{mb:,.0f}"])


def bench_assignment(pairs: list[tuple[int, int]], rows: list[list[str]]) -> None:
    """Assign L leads on N sites with every backend: main solve, gap and the whole run."""
    import tempfile

    from siting.assign import assign_leads
    from siting.leads import read_leads

    with tempfile.TemporaryDirectory() as folder:
        for n_leads, n_sites in pairs:
            leads = read_leads(_pipeline(n_leads, Path(folder)))
            data = synthetic_geodata(n_sites) if n_sites else siting.load_geodata()
            siting.site_table(data=data)
            for solver in ("cbc", "highs", "cp-sat"):
                start = time.perf_counter()
                result = assign_leads(leads, solver=solver, data=data, max_resolves=0,
                                      time_limit_s=60)
                secs = time.perf_counter() - start
                gap = "n/a" if result.gap != result.gap else f"{result.gap:.2%}"
                rows.append([f"assign ({solver}): {result.status}, gap {gap}",
                             f"{n_leads:,} leads x {len(data.sites):,} sites",
                             f"{result.solve_time_s:,.1f} s solve, {secs:,.1f} s total", "-"])


def bench_map(rows: list[list[str]], *, repeat: int) -> None:
    """Render and save a national map of a ranking on the embedded data; record the size."""
    import tempfile

    from siting.maps import render_map, save_map

    result = rank_sites(CASE, top=10, solver="enumeration")
    with tempfile.TemporaryDirectory() as folder:
        for offline in (False, True):
            path = Path(folder) / f"map_{offline}.html"
            secs, mb = measure(lambda o=offline, p=path: save_map(render_map(result, offline=o),
                                                                   p, offline=o), repeat=repeat)
            label = "offline" if offline else "online"
            rows.append([f"national map ({label}), render + save",
                         f"{path.stat().st_size / 2**20:,.2f} MB html", f"{secs:,.2f} s",
                         f"{mb:,.0f}"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else 5
    sizes = [1000, 4000] if args.quick else [1000, 4000, 20000, 100000]
    rows: list[list[str]] = []
    bench_cases(rows, repeat=repeat)
    bench_ranking(sizes, rows, repeat=repeat)
    screening = ([(1000, 0), (1000, 4000)] if args.quick else
                 [(1000, 0), (1000, 4000), (10000, 0), (10000, 4000)])
    bench_screening(screening, rows)
    assignment = ([(50, 0), (200, 0)] if args.quick else
                  [(50, 0), (200, 0), (50, 4000), (200, 4000), (500, 4000)])
    bench_assignment(assignment, rows)
    bench_map(rows, repeat=1 if args.quick else 3)
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
