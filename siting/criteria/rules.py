"""The hard rules by name, and how a slack is judged.

Every hard constraint (:mod:`siting.criteria.evaluation` evaluates them) gives, per site, a slack
in the
rule's unit: >= 0 passes, < 0 fails, NaN is unknown, :data:`NO_LIMIT` means "no restriction
here". This module holds what the rest of the package shares about them: their ids, labels
and units (:data:`RULES`), the no-limit value and the pass test at :data:`SLACK_DECIMALS`.
"""

from __future__ import annotations

import numpy as np

#: Slack standing for "no restriction here" (or "cannot pass", negated).
NO_LIMIT = 1e6

#: Slacks are judged at this many decimals (1 m2 of plot, 1 kW, 1 m, a thousandth of a
#: year): a site passes a rule when its slack rounded to them is >= 0. The model rows
#: (:meth:`Evaluation.hard_constraints`) carry the same rounded slacks.
SLACK_DECIMALS = 3


def _lowest_passing_slack(decimals: int) -> float:
    """Return the least double ``s`` with ``s * 10**decimals >= -0.5`` (a rounded product).

    Found by stepping from ``-0.5 / 10**decimals`` one double at a time.
    """
    scale = 10.0**decimals
    slack = -0.5 / scale
    while slack * scale >= -0.5:
        slack = float(np.nextafter(slack, -np.inf))
    while not slack * scale >= -0.5:
        slack = float(np.nextafter(slack, np.inf))
    return slack


#: The least slack that passes at :data:`SLACK_DECIMALS` (:func:`slack_passes`), about -0.0005.
LOWEST_PASSING_SLACK = _lowest_passing_slack(SLACK_DECIMALS)


def slack_passes(slack: np.ndarray) -> np.ndarray:
    """Whether ``np.round(slack, SLACK_DECIMALS) >= 0``, elementwise (NaN: ``False``).

    numpy rounds by ``rint(slack * 10**d) / 10**d`` (half to even), and ``rint(y) >= 0``
    exactly when ``y >= -0.5``; a correctly rounded product grows with ``slack`` (infinite
    beyond 1e305, as np.round's), so that holds exactly when ``slack`` is at least
    :data:`LOWEST_PASSING_SLACK`. One comparison, no rounded copy.
    """
    return np.greater_equal(slack, LOWEST_PASSING_SLACK)


#: The hard constraints, in the order an :class:`Evaluation` lists them: id -> (label, unit).
RULES: dict[str, tuple[str, str]] = {
    "space": ("Space", "ha"),
    "availability_year": ("Plots deliverable in time", "years"),
    "environmental_category": ("Environmental category", "steps"),
    "site_fit": ("Site fit (designation vs activity)", ""),
    "grid": ("Grid connection in time", "years"),
    "cleanroom": ("Cleanroom", ""),
    "vibration_free": ("Vibration-free", ""),
    "heavy_transport": ("Heavy transport", ""),
    "relocation_distance": ("Relocation distance", "km"),
    "provinces": ("Province", ""),
    "rnd_campus": ("Matching campus (R&D)", ""),
}
