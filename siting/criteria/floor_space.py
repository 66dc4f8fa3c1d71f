"""Floor space and cleanroom needs: what a plot and a cleanroom need on a site.

Floor space needs a plot
    A profile's ``needs.floor_m2`` [m2] needs a plot of ``floor_m2 / floor_space_index``
    [m2] (the floor-space index, floor area per plot area, in ``models/criteria.toml``); the
    plot the rules and criteria use is the larger of that and ``needs.land_ha``. No site of
    the embedded data states the floor space of existing buildings, so every floor-space need
    goes through the index.
A shared cleanroom serves small needs only
    A university's or campus's shared cleanroom serves a need up to
    ``shared_cleanroom_max_m2`` (``models/criteria.toml``, 300 m2). Above it the site must be
    cleanroom-ready (stated by a source); where no source says so, building one on the plot is
    a capital question, a fact to confirm, never "met" by a shared lab.
"""

from __future__ import annotations

import numpy as np

#: m2 per ha.
M2_PER_HA = 10_000.0


def plot_for_floor_ha(floor_m2: float, floor_space_index: float) -> float:
    """Return the plot [ha] that ``floor_m2`` of floor space needs at a floor-space index."""
    return float(floor_m2) / float(floor_space_index) / M2_PER_HA if floor_m2 > 0 else 0.0


def plot_needed_ha(land_ha: float, floor_m2: float, floor_space_index: float) -> float:
    """Return the plot the rules use [ha]: the stated plot or what the floor space needs."""
    return max(float(land_ha), plot_for_floor_ha(floor_m2, floor_space_index))


def plot_words(land_ha: float, floor_m2: float, floor_space_index: float) -> str:
    """Say the plot needed and, where the floor space sets it, why."""
    plot = plot_needed_ha(land_ha, floor_m2, floor_space_index)
    if floor_m2 > 0 and plot > land_ha:
        return (
            f"{plot:,.2f} ha (for {floor_m2:,.0f} m2 floor space at floor-space index "
            f"{floor_space_index:g})"
        )
    return f"{plot:g} ha"


def cleanroom_slack(
    need_m2: np.ndarray, ready: np.ndarray, shared: np.ndarray, shared_max_m2: float
) -> np.ndarray:
    """Return the cleanroom rule's ``(L, N)`` slack: 1 met, NaN to confirm (never < 0).

    Parameters
    ----------
    need_m2
        ``(L, 1)`` cleanroom needed [m2].
    ready
        ``(N,)`` the site is cleanroom-ready (stated by a source).
    shared
        ``(N,)`` a shared cleanroom lies within reach.
    shared_max_m2
        The largest need a shared cleanroom serves [m2].
    """
    # two distinct rows (a shared cleanroom serves the need or not), gathered per lead
    rows = np.where(np.vstack([ready, ready | shared]), 1.0, np.nan)
    small = (np.asarray(need_m2) <= shared_max_m2).astype(np.intp)
    return rows[small[:, 0]]


def cleanroom_words(need_m2: float, ready: bool, shared: bool, shared_max_m2: float) -> str:
    """Say what the site offers for a cleanroom need."""
    if ready:
        return "cleanroom-ready site"
    if shared and need_m2 <= shared_max_m2:
        return "shared cleanroom within reach"
    capital = f"building a {need_m2:,.0f} m2 cleanroom on the plot is a capital question to confirm"
    if shared:
        return (
            f"a shared cleanroom within reach serves needs up to {shared_max_m2:,.0f} m2 only; "
            f"no source states the site cleanroom-ready: {capital}"
        )
    return f"no source states the site cleanroom-ready: {capital}"
