r"""The rule "grid connection in time" and the criterion "grid outlook", on arrays.

A lead needs a demand connection of :math:`P` MW in year :math:`Y` and may accept
:math:`d` years of delay (``constraints.max_delay_years``). A connection of at most the
small-connection limit (3x80 A, ``small_connection_mw``) is not held by congestion: the rule
does not apply. Above it, the **earliest year** :math:`E` a site can get :math:`P` MW firm is
derived per level of each of its candidate chains (:mod:`siting.layers.grid`: the regional
supply area and the TenneT station or area above it). With class :math:`c` (published, else
derived from the figures, else the fallback's), room
:math:`R = \text{present} - \text{required} - \text{queue}` [MW] (NaN unless all three are
published), expected solve year :math:`S` and the figures' year :math:`Y_0`:

.. math::

    E = \begin{cases}
        Y_0 & c = 0 \text{ and } (R \text{ unknown or } R \ge P) \\
        Y_0 & c \in \{-1, 0, 1\} \text{ and } R \ge P \\
        \max(S, Y_0) & S \text{ published, unless } R < P \text{ is published and } S \le Y_0 \\
        \text{unknown} & \text{otherwise}
    \end{cases}

(the queue counts as ahead of a new request: the map does not say whether the required
capacity includes it, so the rule takes the cautious reading). A level with an unknown year is
a bound, not a failure: open above, and from below :math:`Y_0` where the data are silent, or
:math:`Y_0 + L` where its published figures show **no room for P** (published room
:math:`R < P`, or class 3) and no relief year is published at all: room has to be
built first, and extending an existing substation takes :math:`L` =
:data:`UNPLANNED_RELIEF_YEARS` years at least (Liander: 3 to 5 years, Omroep Gelderland,
2019-02-05; new stations 8 to 10 years, NH Nieuws, 2022-10). So the size of the need decides
where room is published: a 25 MW need fails for a year before :math:`Y_0 + L` where the room
takes 6 MW but not 25. A relief year already past while the room is still short is a
question, bounded by :math:`Y_0` only (stale figures, or a what-if relief). A chain can connect
from the later of its two levels' years (and bounds).

**Several candidate chains.** A site placed by its municipality may be fed by any of the
municipality's supply areas. The best chain gives an optimistic bound :math:`E_{lo}`, the
worst a pessimistic one :math:`E_{hi}`; the rule is certain only where both agree:

- passes when :math:`E_{hi} \le Y + d` (slack :math:`Y + d - E_{hi}` years);
- fails when :math:`E_{lo} > Y + d` (slack :math:`Y + d - E_{lo} < 0`);
- otherwise unknown (NaN): it depends on which area feeds the plot, to confirm with the
  operator. A profile accepting a flexible (non-firm or time-bound) contract or its own
  storage (``constraints.flexible_connection``) turns a chain whose late levels are all of
  class 1 or 2 into "possible with a flexible contract: confirm with the operator": unknown
  too, never a figure the data do not have.

The criterion "grid outlook" scores the years to spare :math:`s = Y + d - E_{hi}` (capped at
``cap`` years) and the queue pressure :math:`q` (the queue over the present capacity of the
site's supply areas, the largest where published; 1/2 where nothing is published):

.. math:: \text{score} = \frac{\min(\max(s, 0), \text{cap}) + 1}{\text{cap} + 1}\,(1 - w\,q)

with :math:`w` the criterion's ``queue_weight``; an unknown :math:`E_{hi}` scores the
criterion's ``unknown_score``; a small connection scores 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from siting._memo import IdentityMemo
from siting.layers.grid import GridChain, GridLevel

if TYPE_CHECKING:
    import pandas as pd

#: Classes for which a flexible contract may be possible (limited; under investigation).
FLEXIBLE_CLASSES = (1, 2)
#: Queue pressure assumed where no figure is published [-].
UNKNOWN_PRESSURE = 0.5
#: Fewest years after the figures' date before a level whose published figures show no room
#: for a need, and which publishes no relief year, can give it firm [years]: the lower end of
#: what extending an existing substation takes (Liander, 3 to 5 years; Omroep Gelderland,
#: 2019-02-05). A lower bound only: the year itself stays unknown (a question to the operator).
UNPLANNED_RELIEF_YEARS = 3.0


@dataclass(frozen=True, eq=False)
class GridFacts:
    """The sites' candidate chains as arrays (built once per site table).

    Attributes
    ----------
    levels
        Distinct levels (K).
    cls, room, solve, now, queue, available
        Per level: class, room [MW], solve year, figures' year, queue and present capacity [MW].
    chain_levels
        ``(C, 2)``: per distinct chain the index of its regional and its TenneT level.
    chain_confidence
        Per chain: how sure its link is.
    group_members, group_starts
        The chains of every distinct chain set, one set after the other, and where each set
        starts (``G + 1`` entries).
    site_group
        Per site: its chain set.
    pressure
        Per chain set: queue pressure [-] (NaN where nothing is published).
    """

    levels: tuple[GridLevel, ...]
    cls: np.ndarray
    room: np.ndarray
    solve: np.ndarray
    now: np.ndarray
    queue: np.ndarray
    available: np.ndarray
    chain_levels: np.ndarray
    chain_confidence: tuple[str, ...]
    group_members: np.ndarray
    group_starts: np.ndarray
    site_group: np.ndarray
    pressure: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of distinct chain sets."""
        return int(self.group_starts.size - 1)

    @cached_property
    def flexible(self) -> np.ndarray:
        """Per level: a class for which a flexible contract may be possible."""
        return np.isin(self.cls, FLEXIBLE_CLASSES)

    @cached_property
    def open_class(self) -> np.ndarray:
        """Per level: class 0 (available)."""
        return self.cls == 0

    @cached_property
    def room_class(self) -> np.ndarray:
        """Per level: a class in which published room lets a need connect now (-1, 0, 1)."""
        return np.isin(self.cls, (-1, 0, 1))

    @cached_property
    def group_of_member(self) -> np.ndarray:
        """Per entry of :attr:`group_members`: its chain set."""
        return np.repeat(np.arange(self.n_groups), np.diff(self.group_starts))

    def chains_of(self, group: int) -> list[int]:
        """Return the chain indices of one chain set."""
        a, b = self.group_starts[group], self.group_starts[group + 1]
        return [int(c) for c in self.group_members[a:b]]


def build_grid_facts(chains: pd.Series | list[tuple[GridChain, ...]]) -> GridFacts:
    """Turn the site table's ``grid_chains`` column into :class:`GridFacts`.

    Parameters
    ----------
    chains
        Per site a tuple of :class:`~siting.layers.grid.GridChain`.

    Returns
    -------
    GridFacts
    """
    level_index: dict[GridLevel, int] = {}
    chain_index: dict[tuple[int, int, str], int] = {}
    group_index: dict[tuple[int, ...], int] = {}
    by_object: dict[int, int] = {}
    site_group = np.empty(len(chains), dtype=np.int64)
    for i, site_chains in enumerate(chains):
        key = id(site_chains)
        if key not in by_object:
            members = []
            for chain in site_chains:
                r = level_index.setdefault(chain.regional, len(level_index))
                t = level_index.setdefault(chain.tennet, len(level_index))
                members.append(chain_index.setdefault((r, t, chain.confidence), len(chain_index)))
            by_object[key] = group_index.setdefault(tuple(members), len(group_index))
        site_group[i] = by_object[key]
    levels = tuple(level_index)
    ordered = sorted(group_index.items(), key=lambda kv: kv[1])
    sizes = [len(members) for members, _ in ordered]
    group_starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    group_members = np.array([c for members, _ in ordered for c in members], dtype=np.int64)
    chain_levels = np.array([(r, t) for r, t, _ in chain_index], dtype=np.int64).reshape(-1, 2)
    arr = {
        name: np.array([getattr(lv, attr) for lv in levels], dtype=float)
        for name, attr in (
            ("solve", "solve_year"),
            ("now", "reference_year"),
            ("queue", "queue_mw"),
            ("available", "available_mw"),
        )
    }
    room = np.array([lv.room_mw for lv in levels], dtype=float)
    cls = np.array([lv.cls for lv in levels], dtype=np.int64)
    return GridFacts(
        levels=levels,
        cls=cls,
        room=room,
        chain_levels=chain_levels,
        chain_confidence=tuple(c for _, _, c in chain_index),
        group_members=group_members,
        group_starts=group_starts,
        site_group=site_group,
        pressure=_pressure(levels, chain_levels, group_members, group_starts),
        **arr,
    )


def level_years(grid: GridFacts, power_mw: np.ndarray) -> np.ndarray:
    """Earliest year each level can give ``power_mw`` firm (the cases of the module docstring).

    Parameters
    ----------
    grid
        The chain facts.
    power_mw
        ``(R, 1)`` needs [MW].

    Returns
    -------
    numpy.ndarray
        ``(R, K)`` years, NaN where unknown.
    """
    room, solve, now = grid.room, grid.solve, grid.now
    with np.errstate(invalid="ignore"):
        fits = room >= power_mw
        unpublished = np.isnan(room)
        short = ~unpublished & ~fits
        now_ok = (grid.open_class & (unpublished | fits)) | (grid.room_class & fits)
        by_solve = ~np.isnan(solve) & ~(short & (solve <= now))
        return np.where(now_ok, now, np.where(by_solve, np.fmax(solve, now), np.nan))


def level_shortfall(grid: GridFacts, power_mw: np.ndarray) -> np.ndarray:
    """Where a level's published figures show no room for ``power_mw`` (room < P, or class 3).

    Parameters
    ----------
    grid
        The chain facts.
    power_mw
        ``(R, 1)`` needs [MW].

    Returns
    -------
    numpy.ndarray
        ``(R, K)`` bools.
    """
    with np.errstate(invalid="ignore"):
        return (~np.isnan(grid.room) & (grid.room < power_mw)) | (grid.cls == 3)


def level_bounds(grid: GridFacts, power_mw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Optimistic and pessimistic earliest year per level (the module docstring's bounds).

    Parameters
    ----------
    grid
        The chain facts.
    power_mw
        ``(R, 1)`` needs [MW].

    Returns
    -------
    tuple of numpy.ndarray
        ``(R, K)`` lower bounds (-inf where not even the figures' year is known) and upper
        bounds (inf where the year is unknown).
    """
    years = level_years(grid, power_mw)
    unknown = np.isnan(years)
    now = np.nan_to_num(grid.now, nan=-np.inf)
    unplanned = level_shortfall(grid, power_mw) & np.isnan(grid.solve)
    floor = np.where(unplanned, now + UNPLANNED_RELIEF_YEARS, now)
    return np.where(unknown, floor, years), np.where(unknown, np.inf, years)


@dataclass(frozen=True)
class GridOutcome:
    """The rule and the outlook for R lead rows on G chain sets.

    Attributes
    ----------
    lo, hi
        ``(R, G)``: optimistic and pessimistic earliest year (``hi`` inf where unknown).
    slack
        ``(R, G)``: rule slack [years] (NaN unknown).
    flexible
        ``(R, G)``: some chain that misses firm could connect with a flexible contract.
    spare
        ``(R, G)``: years to spare at the pessimistic bound (NaN where unknown).
    """

    lo: np.ndarray
    hi: np.ndarray
    slack: np.ndarray
    flexible: np.ndarray
    spare: np.ndarray


def grid_outcome(
    grid: GridFacts,
    power_mw: np.ndarray,
    target_year: np.ndarray,
    accepts_flexible: np.ndarray,
    *,
    groups: np.ndarray | None = None,
) -> GridOutcome:
    """Evaluate the rule for R lead rows on every chain set (or on some).

    Parameters
    ----------
    grid
        The chain facts.
    power_mw
        ``(R, 1)`` needs [MW].
    target_year
        ``(R, 1)`` the year needed plus the delay accepted [year].
    accepts_flexible
        ``(R, 1)`` whether a flexible contract or own storage is acceptable.
    groups
        Chain sets to evaluate (``None``: every one, in order). Column ``k`` of the outcome
        is then chain set ``groups[k]``, with the values of the whole outcome there: the
        same operations on the same chains in the same order.

    Returns
    -------
    GridOutcome
        ``(R, G)`` arrays (``G = len(groups)`` when given). The three inputs broadcast: one
        need of ``(1, 1)`` for R target years is computed once (``lo`` and ``hi`` are then
        ``(1, G)``), element for element as R equal rows.
    """
    if np.shape(power_mw) == (1, 1):  # one need: its levels' bounds kept per grid facts
        lo_level, hi_level = _one_need_bounds(grid, float(power_mw[0, 0]))
    else:
        lo_level, hi_level = level_bounds(grid, power_mw)
    if groups is None:
        members, starts = grid.group_members, grid.group_starts[:-1]
    else:
        members, starts = _members_of(grid, np.asarray(groups, dtype=np.intp))
    # per member of a chain set, its chain's regional and TenneT level
    r, t = grid.chain_levels[members, 0], grid.chain_levels[members, 1]
    lo_chain = np.maximum(lo_level[:, r], lo_level[:, t])
    hi_chain = np.maximum(hi_level[:, r], hi_level[:, t])
    late = hi_level > target_year
    eligible = ~late | grid.flexible
    chain_flex = late[:, r] | late[:, t]
    chain_flex &= eligible[:, r] & eligible[:, t]
    chain_flex &= accepts_flexible
    lo = np.minimum.reduceat(lo_chain, starts, axis=1)
    hi = np.maximum.reduceat(hi_chain, starts, axis=1)
    flexible = np.logical_or.reduceat(chain_flex, starts, axis=1)
    passes = hi <= target_year
    fails = (lo > target_year) & ~flexible
    with np.errstate(invalid="ignore"):
        slack = np.where(passes, target_year - hi, np.where(fails, target_year - lo, np.nan))
        spare = np.where(np.isfinite(hi), target_year - hi, np.nan)
    return GridOutcome(lo=lo, hi=hi, slack=slack, flexible=flexible, spare=spare)


#: Per grid facts and need [MW]: :func:`level_bounds` of that one need (``(1, K)`` each).
_ONE_NEED_BOUNDS: IdentityMemo[tuple[np.ndarray, np.ndarray]] = IdentityMemo(size=16)


def _one_need_bounds(grid: GridFacts, power_mw: float) -> tuple[np.ndarray, np.ndarray]:
    """Return :func:`level_bounds` of one need (read-only; a ranking asks it several times)."""

    def build() -> tuple[np.ndarray, np.ndarray]:
        bounds = level_bounds(grid, np.array([[power_mw]]))
        for array in bounds:
            array.setflags(write=False)
        return bounds

    return _ONE_NEED_BOUNDS.get((grid,), build, power_mw)


def _members_of(grid: GridFacts, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the members of some chain sets, one set after the other, and where each starts."""
    first, end = grid.group_starts[groups], grid.group_starts[groups + 1]
    sizes = end - first
    starts = np.zeros(groups.size, dtype=np.intp)
    np.cumsum(sizes[:-1], out=starts[1:])
    return grid.group_members[np.repeat(first - starts, sizes) + np.arange(sizes.sum())], starts


def outlook_score(
    spare: np.ndarray,
    pressure: np.ndarray,
    *,
    cap: float,
    queue_weight: float,
    unknown_score: float,
) -> np.ndarray:
    """Score the grid outlook in [0, 1] (formula in the module docstring).

    Parameters
    ----------
    spare
        Years to spare [years] (inf: no limit for a small connection; NaN: unknown).
    pressure
        Queue pressure [-] broadcasting against ``spare`` (NaN: not published).
    cap, queue_weight, unknown_score
        The criterion's parameters.

    Returns
    -------
    numpy.ndarray
    """
    q = np.clip(np.where(np.isnan(pressure), UNKNOWN_PRESSURE, pressure), 0.0, 1.0)
    years = np.clip(np.nan_to_num(spare, nan=0.0, posinf=cap), 0.0, cap)
    score = (years + 1.0) / (cap + 1.0) * (1.0 - queue_weight * q)
    score = np.where(np.isposinf(spare), 1.0, score)
    return np.where(np.isnan(spare), unknown_score, score)


# -- internals ----------------------------------------------------------------------------------


def _pressure(
    levels: tuple[GridLevel, ...],
    chain_levels: np.ndarray,
    members: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """Return the queue pressure per chain set [-].

    The largest queue / present capacity of its regional levels where published, else of
    its TenneT levels; NaN where nothing is published.
    """
    per_level = np.array(
        [
            lv.queue_mw / lv.available_mw
            if lv.available_mw and not np.isnan(lv.queue_mw) and not np.isnan(lv.available_mw)
            else np.nan
            for lv in levels
        ]
    )
    out = np.full(starts.size - 1, np.nan)
    for g in range(starts.size - 1):
        chains = members[starts[g] : starts[g + 1]]
        for side in (0, 1):
            values = per_level[chain_levels[chains, side]] if chains.size else np.array([])
            values = values[~np.isnan(values)]
            if values.size:
                out[g] = float(values.max())
                break
    return out
