"""The Dask row: screening many leads on a local cluster, with the time per 1,000 leads.

The local cluster is the one :func:`siting.jobs.dask_engine.open_client` starts without an
address (two worker processes, loopback only), once per screening: the time includes its start
and stop, which a run of 200 leads, timed first, shows apart.
A run of 100,000 leads takes minutes, so the row is one run unless ``repeat`` says more.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path


def bench_dask(n_leads: int, rows: list[list[str]], *, repeat: int = 1) -> None:
    """Append the row for ``n_leads`` synthetic leads x the national table on Dask."""
    import siting
    from benchmarks.__main__ import _pipeline
    from siting.inputs.leads import read_leads
    from siting.jobs.screen import screen_leads

    with tempfile.TemporaryDirectory() as folder:
        leads = read_leads(_pipeline(n_leads, Path(folder)))
        few = read_leads(_pipeline(200, Path(folder)))
    data = siting.load_geodata()
    siting.site_table(data=data)
    start = time.perf_counter()
    screen_leads(few, top=5, data=data, engine="dask")  # mostly the cluster's start and stop
    startup_s = time.perf_counter() - start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        screen_leads(leads, top=5, data=data, engine="dask")
        times.append(time.perf_counter() - start)
    secs = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(
        [
            f"screen (dask, local cluster of 2 workers, started by each screening), "
            f"{repeat} run(s); 200 leads the same way: {startup_s:.1f} s",
            f"{n_leads:,} leads x {len(data.sites):,} sites",
            f"{secs:,.1f} s ({secs / n_leads * 1000:,.2f} s per 1,000 leads)",
            f"{rss:,.0f} RSS (client)",
            "-",
        ]
    )


if __name__ == "__main__":
    import sys

    out: list[list[str]] = []
    bench_dask(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, out)
    for row in out:
        print(" | ".join(row))
