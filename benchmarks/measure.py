"""Median wall time of several runs and the peak Python allocation of one run."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable


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
