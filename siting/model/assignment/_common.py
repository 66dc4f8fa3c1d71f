"""Constants and array helpers shared by the modules of the assignment model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Default cap on the number of re-solves for the value of capacity.
MAX_RESOLVES: int = 30

#: Capacity use is compared with this tolerance [unit of the row].
_TOL = 1e-6

#: Decimals needs and capacities are rounded to before they enter the MILP (1 m2, 0.1 kW,
#: 0.001 FTE): exact for CP-SAT's scaling to integers and far below any data precision.
_DECIMALS = 4

#: Blocked sites named in an unplaced lead's reason.
_SITES_NAMED = 3


def _gap_to(fit: float, bound: float) -> float:
    """Relative gap of a fit to an upper bound, (bound - fit) / max(1, |fit|) [-]."""
    return max(0.0, bound - fit) / max(1.0, abs(fit))


# --------------------------------------------------------------------------------------------
# helpers (arrays)


def _unique_ids(ids: Sequence[str], what: str) -> tuple[str, ...]:
    out = tuple(str(i) for i in ids)
    if len(set(out)) != len(out):
        seen: set[str] = set()
        dup = sorted({i for i in out if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(dup[:5])}")
    return out


def _array(
    values: Any, n: int | None, label: str, *, nonneg: bool = False, nan: bool = False
) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel().copy()
    if n is not None and arr.shape != (n,):
        raise ValueError(f"{label} has {arr.size} entries, expected {n}")
    if np.isinf(arr).any() or (not nan and np.isnan(arr).any()):
        raise ValueError(f"{label} must be finite{' or NaN' if nan else ''}")
    if nonneg and (arr < 0).any():
        raise ValueError(f"{label} must be >= 0")
    return arr


def _index(values: Any, n: int, label: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.int64).ravel().copy()
    if arr.shape != (n,):
        raise ValueError(f"{label} has {arr.size} entries, expected {n}")
    if (arr < -1).any():
        raise ValueError(f"{label} must hold indices >= 0 or -1 for none")
    return arr


def _names(names: Sequence[str] | None, n: int, what: str) -> tuple[str, ...]:
    if names is None:
        return tuple(f"{what} {k}" for k in range(n))
    out = tuple(str(v) for v in names)
    if len(out) != n:
        raise ValueError(f"{len(out)} {what} ids for {n} {what}s")
    return out


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _ranks(ids: Sequence[str]) -> np.ndarray:
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks


def _group(keys: np.ndarray, n: int) -> list[np.ndarray]:
    """Positions of ``keys`` per value ``0..n-1`` (negative keys are left out)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.searchsorted(sorted_keys, np.arange(n), side="left")
    ends = np.searchsorted(sorted_keys, np.arange(n), side="right")
    return [order[a:b] for a, b in zip(starts, ends, strict=True)]
