"""What-if rows: a sweep of 10 values and a comparison, against one ranking of the same case."""

from __future__ import annotations

from pathlib import Path

import siting
from benchmarks.measure import measure
from siting.inputs.profile import load_profile
from siting.jobs.compare import compare
from siting.jobs.rank import rank_sites
from siting.jobs.sweep import sweep

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "models" / "cases" / "case2_microchip_dense_region.toml"
VARIANT = ROOT / "models" / "scenarios" / "case2_12mw_in_2027.toml"


def bench_whatif(rows: list[list[str]], *, repeat: int) -> None:
    """Append one ranking, a 10-value sweep and a comparison of case 2 (enumeration, top 5)."""
    data = siting.load_geodata()
    siting.site_table(data=data)
    profile = load_profile(CASE)
    size = f"{len(data.sites):,} sites"
    one_s, one_mb = measure(
        lambda: rank_sites(profile, top=5, solver="enumeration", data=data), repeat=repeat
    )
    rows.append(
        [
            "rank case2, top 5 (enumeration), warm",
            size,
            f"{one_s * 1000:,.0f} ms",
            f"{one_mb:,.1f}",
            "1.0 x",
        ]
    )
    sweep_s, sweep_mb = measure(
        lambda: sweep(profile, "needs.power_mw", "2:20:2", top=5, solver="enumeration", data=data),
        repeat=repeat,
    )
    rows.append(
        [
            "sweep case2 needs.power_mw 2:20:2 (10 values, target <= 3 x)",
            size,
            f"{sweep_s * 1000:,.0f} ms",
            f"{sweep_mb:,.1f}",
            f"{sweep_s / one_s:,.1f} x one ranking",
        ]
    )
    cmp_s, cmp_mb = measure(
        lambda: compare(profile, VARIANT, top=5, solver="enumeration", data=data), repeat=repeat
    )
    rows.append(
        [
            "compare case2 with a scenario (target <= 3 x)",
            size,
            f"{cmp_s * 1000:,.0f} ms",
            f"{cmp_mb:,.1f}",
            f"{cmp_s / one_s:,.1f} x one ranking",
        ]
    )
