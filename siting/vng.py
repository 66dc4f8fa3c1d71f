"""Environmental categories (*milieucategorieën*) on the VNG scale, with their sub-categories.

The VNG guide *Bedrijven en milieuzonering* (2009 edition, the latest; vng.nl) ranks a business
activity by its largest guide distance to a quiet residential area. Its scale has ten steps,
categories 3, 4 and 5 being split into sub-categories:

=========  ====  ===  ====  ====  ====  ====  ====  ====  =====  =====
category   1     2    3.1   3.2   4.1   4.2   5.1   5.2   5.3    6
distance   10    30   50    100   200   300   500   700   1,000  1,500 [m]
step       1     2    3     4     5     6     7     8     9      10
=========  ====  ===  ====  ====  ====  ====  ====  ====  =====  =====

Each activity of the guide's *Staat van bedrijfsactiviteiten* has exactly one sub-category; a
zoning plan admits activities up to a sub-category (``t/m 4.1``). A whole category 3, 4 or 5 is
read as *a range*, on both sides: a need written as ``4`` is an activity of 4.1 or 4.2 (write
``4.1`` when its guide distance is 200 m), and a site recorded as ``4`` (IBIS registers only the
main category, ibis-bedrijventerreinen.nl, "Maximale milieucategorie") admits at least 4.1 and
perhaps 4.2. A site admits a need when the need's highest possible step is at most the site's
lowest one; it does not when the need's lowest step lies above the site's highest; in between
the sub-category decides and nobody has stated it: a question, not a failure. So a need of 4
on a site of 4.1 is to confirm (is the activity 4.1?), one of 4.2 fails there, one of 4.1 fits.
"""

from __future__ import annotations

import numpy as np

from siting._memo import IdentityMemo

__all__ = [
    "CATEGORIES",
    "GUIDE_DISTANCE_M",
    "category_slack",
    "is_category",
    "label",
    "site_steps",
    "step_bounds",
]

#: The scale: category -> guide distance to a quiet residential area [m] (VNG 2009).
GUIDE_DISTANCE_M: dict[float, int] = {
    1.0: 10,
    2.0: 30,
    3.1: 50,
    3.2: 100,
    4.1: 200,
    4.2: 300,
    5.1: 500,
    5.2: 700,
    5.3: 1000,
    6.0: 1500,
}
#: A whole category -> its lowest and highest sub-category.
_WHOLE: dict[int, tuple[float, float]] = {3: (3.1, 3.2), 4: (4.1, 4.2), 5: (5.1, 5.3)}
#: Every value a need or a site may carry: the ten steps and the whole categories 3, 4, 5.
CATEGORIES: tuple[float, ...] = tuple(sorted({*GUIDE_DISTANCE_M, *map(float, _WHOLE)}))

# tenths (round(10 x value)) -> (lowest step, highest step) on the 1..10 scale
_STEP = {round(10 * v): i + 1 for i, v in enumerate(GUIDE_DISTANCE_M)}
_BOUNDS: dict[int, tuple[int, int]] = {t: (s, s) for t, s in _STEP.items()}
_BOUNDS.update(
    {10 * w: (_STEP[round(10 * lo)], _STEP[round(10 * hi)]) for w, (lo, hi) in _WHOLE.items()}
)


def is_category(value: float) -> bool:
    """Whether ``value`` is a category of the scale (1, 2, 3, 3.1, ..., 5.3, 6)."""
    return (
        bool(np.isfinite(value))
        and abs(value * 10 - round(value * 10)) < 1e-6
        and (round(value * 10) in _BOUNDS)
    )


def step_bounds(values: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Return the lowest and highest step (1-10) each category may stand for.

    Parameters
    ----------
    values
        Categories (any shape); NaN where not known.

    Returns
    -------
    tuple of numpy.ndarray
        Float arrays of the shape of ``values``: the lowest and the highest step, NaN where the
        value is NaN or not on the scale.
    """
    arr = np.asarray(values, dtype=float)
    tenths = np.where(np.isfinite(arr), np.rint(arr * 10), -1).astype(int)
    low, high = np.full(arr.shape, np.nan), np.full(arr.shape, np.nan)
    for key, (lo, hi) in _BOUNDS.items():
        hit = tenths == key
        low[hit], high[hit] = lo, hi
    return low, high


def category_slack(
    site: np.ndarray, need: np.ndarray, *, steps: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """Return steps to spare of sites' highest category for leads' needs (module docstring).

    Parameters
    ----------
    site
        Highest category each site admits, ``(N,)`` (NaN where no source states it).
    need
        Category each lead needs, ``(L, 1)``.
    steps
        :func:`step_bounds` of ``site`` when already known (:func:`site_steps`).

    Returns
    -------
    numpy.ndarray
        ``(L, N)`` slack [steps]: the site's lowest step minus the need's highest where that
        is >= 0 (fits whatever the sub-categories), the site's highest minus the need's lowest
        where that is < 0 (fails whatever they are), NaN in between and where not known.
    """
    site_lo, site_hi = step_bounds(site) if steps is None else steps
    # one (N,) row per distinct need (at most 13), then one gather: no (L, N) temporaries
    values, inverse = np.unique(np.asarray(need, dtype=float), return_inverse=True)
    need_lo, need_hi = step_bounds(values)
    sure = site_lo[None, :] - need_hi[:, None]
    out = site_hi[None, :] - need_lo[:, None]
    with np.errstate(invalid="ignore"):
        rows = np.where(sure >= 0, sure, np.where(out < 0, out, np.nan))
    return rows[inverse.reshape(np.shape(need))[:, 0]]


#: Per array of sites' categories: its :func:`step_bounds` (the same for every lead).
_SITE_STEPS: IdentityMemo[tuple[np.ndarray, np.ndarray]] = IdentityMemo()


def site_steps(site: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return :func:`step_bounds` of the sites' categories, remembered per array (read-only).

    For an array not changed after (the site facts' ``env``; a changed table gives new
    facts and a new array): every lead ranked on it reads the same bounds.
    """

    def build() -> tuple[np.ndarray, np.ndarray]:
        bounds = step_bounds(site)
        for array in bounds:
            array.setflags(write=False)
        return bounds

    return _SITE_STEPS.get((site,), build)


def label(value: float) -> str:
    """Return a category in words: ``"4.1"``, ``"6"``, ``"4 (4.1 or 4.2)"``, ``"5 (5.1 to 5.3)"``.

    ``"unknown"`` for NaN.
    """
    if not np.isfinite(value):
        return "unknown"
    whole = round(value)
    if abs(value - whole) < 1e-6 and whole in _WHOLE:
        lo, hi = _WHOLE[whole]
        return f"{whole} ({lo:g} {'or' if whole < 5 else 'to'} {hi:g})"
    return f"{value:g}"
