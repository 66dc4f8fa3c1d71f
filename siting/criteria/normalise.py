"""Normalised scores in [0, 1] of a criterion's raw values (the catalogue's ``normalise``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from siting.inputs.catalogue import CriterionSpec

#: Normalisations that score each value on its own (the others scale each row by its range).
CELLWISE = frozenset({"ratio_cap", "linear_decay", "identity", "lookup"})

_Compute = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _normalise(
    values: np.ndarray, crit: CriterionSpec, zero_at: np.ndarray | None = None
) -> np.ndarray:
    """Scores in [0, 1] of raw values; ``minmax`` scales each row (last axis) on its own.

    ``zero_at`` (broadcasting against ``values``) overrides the criterion's for
    ``linear_decay``. ``log_minmax`` is ``minmax`` of the natural logarithm (a raw value of 0
    or less scores 0). NaN scores 0 and infinities clip (as
    ``np.clip(np.nan_to_num(score, nan=0.0), 0, 1)``). Returns a new array.
    """
    v = np.asarray(values, dtype=float)
    if crit.normalise == "ratio_cap":
        assert crit.cap is not None
        score = np.minimum(v, crit.cap)
        score /= crit.cap
        return np.fmax(score, 0.0, out=score)  # <= 1 already
    if crit.normalise == "linear_decay":
        assert crit.zero_at is not None
        score = np.multiply(v, 1.0 / (crit.zero_at if zero_at is None else zero_at))
        np.subtract(1.0, score, out=score)
    elif crit.normalise == "identity":
        score = v.copy()
    elif crit.normalise == "lookup":
        assert crit.scores is not None
        score = np.zeros_like(v)
        for key, value in crit.scores.items():
            score[v == float(key)] = value
    elif v.shape[-1] == 0:  # minmax of no site
        score = v.copy()
    else:  # minmax (of the logarithm for log_minmax), over the sites of each row
        if crit.normalise == "log_minmax":
            with np.errstate(divide="ignore", invalid="ignore"):
                v = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.nan)
        finite = np.isfinite(v)
        some = finite.any(axis=-1, keepdims=True)
        lo = np.where(some, np.where(finite, v, np.inf).min(axis=-1, keepdims=True), 0.0)
        hi = np.where(some, np.where(finite, v, -np.inf).max(axis=-1, keepdims=True), 0.0)
        spread = hi > lo
        score = np.where(
            spread, (v - lo) / np.where(spread, hi - lo, 1.0), np.where(finite, 1.0, 0.0)
        )
    np.fmax(score, 0.0, out=score)
    return np.fmin(score, 1.0, out=score)


def cell_scorer(
    crit: CriterionSpec, zero_at: np.ndarray | None = None
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Return ``(values, leads, sites) ->`` the scores of raw values of some cells.

    For a cellwise normalisation (:data:`CELLWISE`); ``zero_at`` is per lead (``(L,)``) for
    ``linear_decay``. The scores equal :func:`_normalise` of the whole array.
    """
    if crit.normalise not in CELLWISE:
        raise ValueError(f"{crit.normalise!r} scores a row by its range, not cell by cell")

    def score(values: np.ndarray, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        return _normalise(values, crit, None if zero_at is None else zero_at[leads])

    return score


def range_scored_cells(values: np.ndarray, crit: CriterionSpec) -> _Compute:
    """``minmax`` or ``log_minmax`` scores of ``(L, N)`` values, computed where read.

    Each row's range is taken over all its sites once; a cell's score then needs only its
    own value. Equal to :func:`_normalise` of the whole array (the logarithm is monotone, so
    the range of the logarithms is the logarithm of the range of the positive values).
    """
    v = np.asarray(values, dtype=float)
    log = crit.normalise == "log_minmax"
    usable = (v > 0) & (v < np.inf) if log else np.isfinite(v)
    some = usable.any(axis=-1)
    lo = np.where(some, np.where(usable, v, np.inf).min(axis=-1, initial=np.inf), 0.0)
    hi = np.where(some, np.where(usable, v, -np.inf).max(axis=-1, initial=-np.inf), 0.0)
    if log:
        with np.errstate(divide="ignore"):
            lo = np.where(some, np.log(np.where(some, lo, 1.0)), 0.0)
            hi = np.where(some, np.log(np.where(some, hi, 1.0)), 0.0)
    spread = hi > lo
    width = np.where(spread, hi - lo, 1.0)

    def compute(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        x = v[leads, sites]
        if log:
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), np.nan)
        score = np.where(
            spread[leads], (x - lo[leads]) / width[leads], np.where(np.isfinite(x), 1.0, 0.0)
        )
        np.fmax(score, 0.0, out=score)
        return np.fmin(score, 1.0, out=score)

    return compute
