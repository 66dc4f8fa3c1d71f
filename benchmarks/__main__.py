"""Run the performance measurements and print a table: ``python -m benchmarks [--quick]``.

Each figure is the median wall time of several runs and the peak memory Python allocated
during one run (tracemalloc: numpy arrays included). Not part of the tests: timings vary with
the machine; the README records a run with the machine it ran on. ``--only GROUP``
(repeatable, :data:`GROUPS`) runs some groups of rows only, e.g. ``--only whatif --only
ranking`` for the warm rankings.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
from pathlib import Path
from typing import Any

import siting
from benchmarks.measure import measure
from benchmarks.synthetic import synthetic_geodata
from siting import settings
from siting.inputs.profile import load_profile
from siting.jobs.rank import rank_sites

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "models" / "cases" / "case2_microchip_dense_region.toml"


def bench_ranking(sizes: list[int], rows: list[list[str]], *, repeat: int) -> None:
    profile = load_profile(CASE)
    for n in sizes:
        data = synthetic_geodata(n)
        build_s, build_mb = measure(lambda d=data: siting.build_site_table(d), repeat=1)
        siting.site_table(data=data)  # build and cache: "once data is loaded"
        enumeration_s = math.nan
        for solver in ("enumeration", "highs", "cbc"):
            if solver != "enumeration" and n > 4000:
                continue
            secs, mb = measure(
                lambda d=data, s=solver: rank_sites(profile, top=10, solver=s, data=d),
                repeat=repeat,
            )
            if solver == "enumeration":
                enumeration_s = secs
            target = " (target < 10 ms)" if solver == "enumeration" else " (target <= 10 x)"
            rows.append(
                [
                    f"rank 1 lead, top 10 ({solver}), warm{target}",
                    f"{n:,} sites",
                    f"{secs * 1000:,.1f} ms",
                    f"{mb:,.1f}",
                    f"{secs / enumeration_s:,.1f} x enumeration",
                ]
            )
        rows.append(
            ["build site table", f"{n:,} sites", f"{build_s * 1000:,.0f} ms", f"{build_mb:,.1f}"]
        )


def bench_cases(rows: list[list[str]], *, repeat: int) -> None:
    """Rank every example case on the embedded data with the default MILP solver."""
    siting.site_table()  # data loaded once, as in a session
    for case in sorted((ROOT / "models" / "cases").glob("*.toml")):
        profile = load_profile(case)
        secs, mb = measure(lambda p=profile: rank_sites(p, top=10), repeat=repeat)
        n_sites = len(siting.site_table())
        rows.append(
            [
                f"rank case {case.stem}, top 10 ({settings.default_solver}, the default)",
                f"{n_sites} sites",
                f"{secs * 1000:,.0f} ms",
                f"{mb:,.1f}",
            ]
        )


def _pipeline(n_leads: int, folder: Path, *, distinct: bool = False) -> Path:
    """Write the synthetic example pipeline, rows repeated with new ids up to ``n_leads``.

    The example has 240 rows, so most leads repeat another's needs, and screening ranks each
    distinct set of needs once; with ``distinct`` the k-th copy of a row asks k * 0.01 ha
    more land, so no two leads are the same (the cost per lead of a pipeline without repeats).
    """
    import csv

    source = ROOT / "models" / "leads" / "example_pipeline_synthetic.csv"
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    path = folder / f"pipeline_{n_leads}{'_distinct' if distinct else ''}.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        for k in range(n_leads):
            row = {**rows[k % len(rows)], "id": f"bench-{k:06d}"}
            if distinct:
                more = (k // len(rows)) * 0.01
                row["land_ha"] = f"{float(row['land_ha'] or 0) + more:.2f}"
            writer.writerow(row)
    return path


def bench_screening(
    pairs: list[tuple[int, int]],
    rows: list[list[str]],
    *,
    repeat: int,
    distinct: tuple[int, ...] = (),
) -> None:
    """Screen L leads x N sites (local engine, exact enumeration); time per 1,000 leads too.

    The leads are read once per size (reading the largest file is a row of its own); the
    screening time is that of :func:`siting.jobs.screen.screen_leads` on the read table.
    ``distinct`` lists lead counts also screened on the national table with no two leads
    alike (:func:`_pipeline`).
    """
    import tempfile

    from siting.inputs.leads import read_leads
    from siting.jobs.screen import screen_leads

    with tempfile.TemporaryDirectory() as folder:
        largest = max(n for n, _ in pairs)
        path = _pipeline(largest, Path(folder))
        secs, mb = measure(lambda: read_leads(path), repeat=repeat)
        rows.append(
            ["read and validate a leads CSV", f"{largest:,} leads", f"{secs:,.1f} s", f"{mb:,.0f}"]
        )
        for n_leads, n_sites in pairs:
            leads = read_leads(_pipeline(n_leads, Path(folder)))
            data = synthetic_geodata(n_sites) if n_sites else siting.load_geodata()
            siting.site_table(data=data)
            secs, mb = measure(
                lambda t=leads, d=data: screen_leads(t, top=5, data=d), repeat=repeat
            )
            size = f"{n_leads:,} leads x {len(data.sites):,} sites"
            rows.append(
                [
                    "screen (local, enumeration)",
                    size,
                    f"{secs:,.1f} s ({secs / n_leads * 1000:,.2f} s per 1,000 leads)",
                    f"{mb:,.0f}",
                ]
            )
        data = siting.load_geodata()
        for n_leads in distinct:
            leads = read_leads(_pipeline(n_leads, Path(folder), distinct=True))
            secs, mb = measure(
                lambda t=leads, d=data: screen_leads(t, top=5, data=d), repeat=repeat
            )
            rows.append(
                [
                    "screen (local, enumeration), every lead distinct",
                    f"{n_leads:,} leads x {len(data.sites):,} sites",
                    f"{secs:,.1f} s ({secs / n_leads * 1000:,.2f} s per 1,000 leads)",
                    f"{mb:,.0f}",
                ]
            )


def bench_grid_rule(n_leads: int, n_sites: int, rows: list[list[str]], *, repeat: int) -> None:
    """Time the grid rule alone for L leads x N sites, in the batches screening evaluates.

    Per batch of about 128k lead-site cells: the distinct (need, target year, flexible) rows,
    the rule on every chain set (:func:`siting.criteria.grid_rule.grid_outcome`) and the
    ``(L, N)`` slacks and years to spare for the batch's leads, as
    :func:`siting.criteria.evaluation.evaluate_batch` computes them.
    """
    import numpy as np

    from siting.criteria import grid_rule
    from siting.criteria.site_facts import site_facts

    data = synthetic_geodata(n_sites)
    facts = site_facts(siting.site_table(data=data), data.campuses)
    grid = facts.grid
    rng = np.random.default_rng(3)
    power = rng.choice([0.3, 0.8, 2.0, 6.0, 12.0, 25.0], size=n_leads)
    target = rng.integers(2026, 2036, size=n_leads).astype(float)
    flexible = rng.random(n_leads) < 0.2
    batch = max(1, (1 << 17) // facts.n)

    def run() -> None:
        for start in range(0, n_leads, batch):
            keys = np.column_stack(
                [
                    power[start : start + batch],
                    target[start : start + batch],
                    flexible[start : start + batch],
                ]
            )
            distinct, group = np.unique(keys, axis=0, return_inverse=True)
            outcome = grid_rule.grid_outcome(
                grid, distinct[:, 0:1], distinct[:, 1:2], distinct[:, 2:3] > 0
            )
            slack = outcome.slack[:, grid.site_group][group.reshape(-1)]
            spare = outcome.spare[:, grid.site_group][group.reshape(-1)]
            del slack, spare

    secs, mb = measure(run, repeat=repeat)
    rows.append(
        [
            f"grid rule alone ({grid.n_groups:,} chain sets, {len(grid.levels):,} levels)",
            f"{n_leads:,} leads x {facts.n:,} sites",
            f"{secs:,.2f} s ({secs / n_leads * 1000:,.3f} s per 1,000 leads)",
            f"{mb:,.0f}",
        ]
    )


#: Relative gap of the assignment benchmark (the target of issue 7: 0.5 % or better).
ASSIGN_GAP = 0.005

#: Time limit per assignment solve [s].
ASSIGN_TIME_LIMIT_S = 60.0


def bench_assignment(
    pairs: list[tuple[int, int]],
    rows: list[list[str]],
    *,
    baseline_wall_s: float,
    dense_up_to: int = 500,
    repeat: int = 3,
) -> None:
    """Assign L leads on N sites with every backend, and the dense textbook model beside them.

    Each backend solves the pruned model of :class:`siting.model.assignment.AssignmentModel` to a
    relative gap of :data:`ASSIGN_GAP`, ``repeat`` times in a child process
    (:mod:`benchmarks.assign_runs`: median of the main solve and of the whole ``assign_leads``
    call, evaluation included; peak resident memory of the child and of its solver child).
    Beyond 500 leads only the default backend runs. The dense all-pairs PuLP model of
    :mod:`benchmarks.baseline` then solves the same instance with CBC at the same time limit
    and gap, in a child process capped at ``baseline_wall_s`` and a share of the memory; its
    row gives the ratio of its time (evaluation, build and solve) to the default backend's
    median total (and to the pruned CBC run's) and whether the objectives agree within the
    gap; it runs up to ``dense_up_to`` leads (and never beyond 500: 8M binaries at 2,000).
    """
    import tempfile

    from benchmarks.assign_runs import run_assign
    from benchmarks.baseline import run_baseline

    memory_gib = min(12.0, 0.6 * os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30)
    n_national = len(siting.load_geodata().sites)
    default = settings.default_solver
    with tempfile.TemporaryDirectory() as folder:
        for n_leads, n_sites in pairs:
            path = _pipeline(n_leads, Path(folder))
            size = f"{n_leads:,} leads x {n_sites or n_national:,} sites"
            others = [s for s in ("highs", "cbc", "cp-sat") if s != default]
            solvers = [default, *others] if n_leads <= 500 else [default]
            pruned: dict[str, tuple[float, float]] = {}
            for solver in solvers:
                report = run_assign(
                    path,
                    n_sites,
                    solver=solver,
                    repeat=repeat,
                    gap_rel=ASSIGN_GAP,
                    time_limit_s=ASSIGN_TIME_LIMIT_S,
                )
                row, pruned[solver] = _assign_row(report, solver, default, size, pruned)
                rows.append(row)
            if n_leads > min(dense_up_to, 500):
                continue
            base = run_baseline(
                path,
                n_sites,
                time_limit_s=ASSIGN_TIME_LIMIT_S,
                gap_rel=ASSIGN_GAP,
                wall_limit_s=baseline_wall_s,
                memory_limit_gib=memory_gib,
            )
            rows.append(_baseline_row(base, size, pruned, default, n_leads))


def _median_run(report: dict[str, Any]) -> dict[str, Any]:
    """Return the run of median total time of a :func:`benchmarks.assign_runs.run_assign` report."""
    runs = sorted(report["runs"], key=lambda run: run["total_s"])
    return dict(runs[(len(runs) - 1) // 2])


def _assign_row(
    report: dict[str, Any],
    solver: str,
    default: str,
    size: str,
    pruned: dict[str, tuple[float, float]],
) -> tuple[list[str], tuple[float, float]]:
    """Return one backend's row and its (median total [s], objective of that run)."""
    from siting.model.assignment import format_gap

    run = _median_run(report)
    n = len(report["runs"])
    statuses = ", ".join(sorted({f"{r['status']} {format_gap(r['gap'])}" for r in report["runs"]}))
    solve_s = statistics.median(r["solve_s"] for r in report["runs"])
    total_s = statistics.median(r["total_s"] for r in report["runs"])
    label = f"{solver}, the default" if solver == default else solver
    row = [
        f"assign ({label}, gap <= {ASSIGN_GAP:.1%}): {statuses}; objective "
        f"{run['objective']:,.3f} (median run)",
        size,
        f"{solve_s:,.1f} s solve, {total_s:,.1f} s total (median of {n})",
        f"{report['peak_mib']:,.0f} RSS; solver child {report['solver_peak_mib']:,.0f}",
        f"{total_s / pruned[default][0]:,.1f} x {default}" if solver != default else "-",
    ]
    return row, (total_s, float(run["objective"]))


def bench_capacity_values(n_leads: int, rows: list[list[str]], *, repeat: int) -> None:
    """Time the default ``assign`` (no gap, 30 re-solves) against the same single solve.

    The value of capacity re-solves the model with one more unit of each binding capacity
    (:mod:`siting.model.assignment.capacity_values`); the row gives the ratio of the whole
    default run to the run without re-solves, medians of ``repeat`` runs in a child process.
    """
    import tempfile

    from benchmarks.assign_runs import run_assign
    from siting.model.assignment import MAX_RESOLVES

    default = settings.default_solver
    with tempfile.TemporaryDirectory() as folder:
        path = _pipeline(n_leads, Path(folder))
        totals = {}
        for resolves in (0, MAX_RESOLVES):
            report = run_assign(
                path,
                0,
                solver=default,
                repeat=repeat,
                gap_rel=0.0,
                time_limit_s=ASSIGN_TIME_LIMIT_S,
                max_resolves=resolves,
            )
            totals[resolves] = statistics.median(r["total_s"] for r in report["runs"])
            values = _median_run(report)["n_values"]
        rows.append(
            [
                f"assign ({default}, the default: no gap) with the value of capacity "
                f"({values} capacities re-solved, at most {MAX_RESOLVES}) vs without",
                f"{n_leads:,} leads x national table",
                f"{totals[MAX_RESOLVES]:,.1f} s vs {totals[0]:,.1f} s total (median of {repeat})",
                f"{report['peak_mib']:,.0f} RSS",
                f"{totals[MAX_RESOLVES] / totals[0]:,.1f} x the single solve",
            ]
        )


def _baseline_row(
    base: dict[str, Any],
    size: str,
    pruned: dict[str, tuple[float, float]],
    default: str,
    n_leads: int,
) -> list[str]:
    """Return the dense baseline's table row: status, times, ratios, agreement, or how far it got.

    ``pruned`` maps each backend run on the pruned model to its total time [s] and objective;
    the ratio that counts is to the default backend's run, the one to the pruned CBC run (the
    same solver as the dense model) is given beside it.
    """
    from siting.model.assignment import format_gap

    steps = base.get("steps") or []
    evaluated = next((s for s in steps if s.get("step") == "evaluated"), {})
    evaluate_s = float(evaluated.get("evaluate_s", 0.0))
    n_vars = next((s["n_vars"] for s in steps if "n_vars" in s), None)
    label = "assign dense baseline (PuLP, all pairs, cbc)"
    what = f"{size}, {n_vars:,} binaries" if n_vars else size
    peak = f"{float(base['peak_mib']):,.0f}"
    if base.get("step") != "done":
        reached = base.get("step")
        at = float(base.get("elapsed_s", 0.0)) + evaluate_s
        why = base.get("capped") or "error"
        error = f" ({base['error']})" if base.get("error") else ""
        return [
            f"{label}: not solved (capped: {why}{error})",
            what,
            f"reached step '{reached}' after {at:,.0f} s; stopped at "
            f"{float(base['wall_s']):,.0f} s",
            peak,
        ]
    total = evaluate_s + float(base["elapsed_s"])
    default_s, default_obj = pruned[default]
    obj = float(base["objective"])
    gap = float(base["gap"])
    tolerance = ASSIGN_GAP * max(abs(obj), abs(default_obj)) + 1e-6 * n_leads
    agree = "agree" if abs(obj - default_obj) <= tolerance else "DIFFER"
    ratios = f"{total / default_s:,.1f} x pruned {default} (target >= 20 x)"
    if default != "cbc" and "cbc" in pruned:
        ratios += f", {total / pruned['cbc'][0]:,.1f} x pruned cbc"
    return [
        f"{label}: {base['status']}, gap {format_gap(gap)}, objective {obj:,.3f} ({agree} "
        f"with pruned {default} {default_obj:,.3f} within the gap)",
        what,
        f"{base['build_s']:,.1f} s build, {base['solve_s']:,.1f} s solve (cbc "
        f"{float(base['cbc_s']):,.1f} s), {total:,.1f} s total",
        peak,
        ratios,
    ]


def bench_map(rows: list[list[str]], *, repeat: int) -> None:
    """Render and save a national map of a ranking on the embedded data; record the size."""
    import tempfile

    from siting.outputs.maps.ranking import render_map, save_map

    result = rank_sites(CASE, top=10, solver="enumeration")
    with tempfile.TemporaryDirectory() as folder:
        for offline in (False, True):
            path = Path(folder) / f"map_{offline}.html"
            secs, mb = measure(
                lambda o=offline, p=path: save_map(render_map(result, offline=o), p, offline=o),
                repeat=repeat,
            )
            label = "offline, the default" if offline else "--tiles"
            rows.append(
                [
                    f"national map ({label}), render + save",
                    f"{path.stat().st_size / 2**20:,.2f} MB html",
                    f"{secs:,.2f} s",
                    f"{mb:,.0f}",
                ]
            )


#: The groups of rows, in the order they run (``--only`` picks some).
GROUPS = (
    "startup",
    "whatif",
    "cases",
    "ranking",
    "screening",
    "grid",
    "assignment",
    "capacity",
    "map",
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer repeats")
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="run only these groups of rows (repeatable), e.g. --only whatif --only ranking",
    )
    args = parser.parse_args(argv)
    chosen = set(args.only or GROUPS)
    repeat = 3 if args.quick else 5
    sizes = [1000, 4000] if args.quick else [1000, 4000, 20000, 100000]
    rows: list[list[str]] = []
    from benchmarks.startup import bench_startup
    from benchmarks.whatif import bench_whatif

    if "startup" in chosen:
        bench_startup(rows, repeat=3)
    if "whatif" in chosen:
        bench_whatif(rows, repeat=repeat)
    if "cases" in chosen:
        bench_cases(rows, repeat=1 if args.quick else repeat)
    if "ranking" in chosen:
        bench_ranking(sizes, rows, repeat=repeat)
    screening = (
        [(1000, 0), (1000, 4000)]
        if args.quick
        else [(1000, 0), (10000, 0), (1000, 4000), (2500, 4000), (5000, 4000), (10000, 4000)]
    )
    if "screening" in chosen:
        distinct = (1000,) if args.quick else (1000, 10000)
        bench_screening(screening, rows, repeat=3, distinct=distinct)
    if "grid" in chosen:
        bench_grid_rule(10000, 3800, rows, repeat=3)
    assignment = (
        [(50, 0), (200, 0)] if args.quick else [(50, 0), (200, 0), (500, 0), (2000, 0), (500, 4000)]
    )
    # the quick run: the dense baseline at 50 leads only (at 200 it alone takes about 3 minutes)
    if "assignment" in chosen:
        bench_assignment(
            assignment,
            rows,
            baseline_wall_s=300.0 if args.quick else 900.0,
            dense_up_to=50 if args.quick else 500,
            repeat=3,
        )
    if "capacity" in chosen:
        bench_capacity_values(50 if args.quick else 100, rows, repeat=3)
    if "map" in chosen:
        bench_map(rows, repeat=1 if args.quick else 3)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.system()}"
    )
    print(f"median of {repeat} runs; peak = Python allocations during one run (tracemalloc)\n")
    header = ["benchmark", "size", "median time", "peak MiB", "vs baseline"]
    rows = [r + ["-"] * (5 - len(r)) for r in rows]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(5)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
