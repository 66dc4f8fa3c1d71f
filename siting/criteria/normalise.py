"""Normalised scores in [0, 1] of a criterion's raw values (the catalogue's ``normalise``)."""

from __future__ import annotations

import numpy as np

from siting.inputs.catalogue import CriterionSpec


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
