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
capacity includes it, so the rule takes the cautious reading). A chain can connect from the
later of its two levels' years. An unknown level bounds the chain's year from below by the
other level's (and by :math:`Y_0`) and leaves it open above.

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

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from siting import vocab
from siting.layers.grid import GridChain, GridLevel, chain_year_text, level_name

#: Classes for which a flexible contract may be possible (limited; under investigation).
FLEXIBLE_CLASSES = (1, 2)
#: Queue pressure assumed where no figure is published [-].
UNKNOWN_PRESSURE = 0.5


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
) -> GridOutcome:
    """Evaluate the rule for R lead rows on every chain set.

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

    Returns
    -------
    GridOutcome
    """
    years = level_years(grid, power_mw)
    unknown = np.isnan(years)
    lo_level = np.where(unknown, np.nan_to_num(grid.now, nan=-np.inf), years)
    hi_level = np.where(unknown, np.inf, years)
    r, t = grid.chain_levels[:, 0], grid.chain_levels[:, 1]
    lo_chain = np.maximum(lo_level[:, r], lo_level[:, t])
    hi_chain = np.maximum(hi_level[:, r], hi_level[:, t])
    late = hi_level > target_year
    eligible = ~late | grid.flexible
    chain_flex = late[:, r] | late[:, t]
    chain_flex &= eligible[:, r] & eligible[:, t]
    chain_flex &= accepts_flexible
    members, starts = grid.group_members, grid.group_starts[:-1]
    lo = np.minimum.reduceat(lo_chain[:, members], starts, axis=1)
    hi = np.maximum.reduceat(hi_chain[:, members], starts, axis=1)
    flexible = np.logical_or.reduceat(chain_flex[:, members], starts, axis=1)
    passes = hi <= target_year
    fails = (lo > target_year) & ~flexible
    with np.errstate(invalid="ignore"):
        slack = np.where(passes, target_year - hi, np.where(fails, target_year - lo, np.nan))
        spare = np.where(np.isfinite(hi), target_year - hi, np.nan)
    return GridOutcome(lo=lo, hi=hi, slack=slack, flexible=flexible, spare=spare)


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


def describe_site(
    grid: GridFacts,
    group: int,
    power_mw: float,
    target_year: float,
    outcome: GridOutcome,
    *,
    row: int = 0,
) -> str:
    """Say what the rule found for one chain set, in words, naming the areas it rests on.

    E.g. ``"supply area OS DOKKUM 10-1i (Liander): derived class 1 limited; 7.0 MW queued
    on 22.0 MW; expected solved 2031, under TenneT station Dokkum 110 (Friesland): class 1
    limited: connection from 2031"``. With several candidate areas: how many, the best and
    the worst, and that the link is approximate.
    """
    chains = grid.chains_of(group)
    years = level_years(grid, np.array([[power_mw]]))[0]
    lo, hi = float(outcome.lo[row, group]), float(outcome.hi[row, group])
    if len(chains) == 1:
        (c,) = chains
        text = _chain_text(grid, c, years)
        return f"{text}: {_years_text(lo, hi)}"
    lo_chain = _chain_year(grid, chains, years, best=True)
    hi_chain = _chain_year(grid, chains, years, best=False)
    n_areas = len({int(grid.chain_levels[c, 0]) for c in chains})
    sure = {grid.chain_confidence[c] for c in chains}
    links = f"links {sure.pop()}" if len(sure) == 1 else "links of mixed confidence"
    text = (
        f"{n_areas} candidate supply area(s) in {len(chains)} chain(s) ({links}; which one "
        f"feeds the plot is not known): best {_chain_text(grid, lo_chain, years)}; worst "
        f"{_chain_text(grid, hi_chain, years)}"
    )
    if outcome.flexible[row, group] and np.isnan(outcome.slack[row, group]):
        text += "; possible with a flexible contract: confirm with the operator"
    return f"{text}: {_years_text(lo, hi)}"


def binding_level(grid: GridFacts, group: int, power_mw: float) -> GridLevel:
    """Return the level that sets the pessimistic year of a chain set (for advice)."""
    chains = grid.chains_of(group)
    years = level_years(grid, np.array([[power_mw]]))[0]
    hi = np.where(np.isnan(years), np.inf, years)
    best, best_year = None, -np.inf
    for c in chains:
        for k in grid.chain_levels[c]:
            if hi[k] > best_year or best is None:
                best, best_year = int(k), float(hi[k])
    assert best is not None
    return grid.levels[best]


@dataclass(frozen=True)
class SiteTexts:
    """The words of the rule and the criterion for one lead (its site-level texts on demand).

    Attributes
    ----------
    requirement
        What the lead asks, e.g. ``"6 MW firm demand connection by 2027"``.
    describe, advise, outlook
        Site index -> the rule's finding, what would make a missing site fit, the grid
        outlook in words.
    """

    requirement: str
    describe: Callable[[int], str]
    advise: Callable[[int], str]
    outlook: Callable[[int], str]


def site_texts(
    grid: GridFacts,
    *,
    power_mw: float,
    year: float,
    delay_years: float,
    accepts_flexible: bool,
    small_mw: float,
    small_reach: float,
) -> SiteTexts:
    """Return the texts of the rule and the outlook for one lead's needs.

    Parameters
    ----------
    grid
        The chain facts.
    power_mw, year, delay_years, accepts_flexible
        The lead's need [MW], the year needed, the delay it accepts [years] and whether a
        flexible contract or own storage is acceptable.
    small_mw
        The small-connection limit [MW].
    small_reach
        A smaller connection is suggested only when ``power_mw <= small_reach * small_mw``.

    Returns
    -------
    SiteTexts
    """
    target = float(year) + float(delay_years)
    need = np.array([[power_mw]])
    cache: dict[bool, GridOutcome] = {}

    def outcome_for(flexible: bool) -> GridOutcome:
        if flexible not in cache:
            cache[flexible] = grid_outcome(grid, need, np.array([[target]]), np.array([[flexible]]))
        return cache[flexible]

    later = f", or up to {delay_years:g} year(s) later" if delay_years else ""
    flex = "; a flexible contract or own storage is acceptable" if accepts_flexible else ""
    requirement = f"{power_mw:g} MW firm demand connection by {year:.0f}{later}{flex}"
    small = power_mw <= small_mw

    def describe(i: int) -> str:
        g = int(grid.site_group[i])
        return describe_site(grid, g, power_mw, target, outcome_for(accepts_flexible))

    def advise(i: int) -> str:
        g = int(grid.site_group[i])
        outcome = outcome_for(accepts_flexible)
        lo, hi = float(outcome.lo[0, g]), float(outcome.hi[0, g])
        parts = []
        if np.isfinite(hi):
            parts.append(f"fits from {hi - delay_years:.0f} (firm connection from {hi:.0f})")
        if np.isfinite(lo) and lo < hi:
            parts.append(
                f"from {max(lo - delay_years, year):.0f} if the plot is fed by the best of "
                "its candidate supply areas (confirm with the operator)"
            )
        if not parts:
            parts.append("the year it could connect is not published: ask the operator")
        if not accepts_flexible and outcome_for(True).flexible[0, g]:
            parts.append(
                "possible with a flexible (non-firm or time-bound) contract or own storage: "
                "confirm with the operator"
            )
        if power_mw <= small_reach * small_mw:
            parts.append(f"or a small connection (<= 3x80 A, {small_mw:g} MW)")
        return f"{describe(i)}; {'; '.join(parts)}"

    def outlook(i: int) -> str:
        if small:
            return "a small connection (<= 3x80 A) is not held by congestion"
        g = int(grid.site_group[i])
        outcome = outcome_for(accepts_flexible)
        level = binding_level(grid, g, power_mw)
        spare = float(outcome.spare[0, g])
        years = _years_text(float(outcome.lo[0, g]), float(outcome.hi[0, g]))
        if np.isnan(spare):
            tail = "years to spare unknown"
        elif spare >= 0:
            tail = f"{spare:.0f} year{'' if round(spare) == 1 else 's'} to spare"
        else:
            tail = f"{-spare:.0f} year{'' if round(-spare) == 1 else 's'} late"
        return f"{chain_year_text(level)} ({level_name(level)}): {years}, {tail}"

    return SiteTexts(requirement, describe, advise, outlook)


def class_name(cls: int) -> str:
    """``"class 3 (shortage, queue)"``."""
    return f"class {cls} ({vocab.CONGESTION_CLASSES.get(cls, 'unknown')})"


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


def _chain_text(grid: GridFacts, chain: int, years: np.ndarray) -> str:
    r, t = (int(k) for k in grid.chain_levels[chain])
    return f"{_level_text(grid.levels[r], years[r])} under {_level_text(grid.levels[t], years[t])}"


def _level_text(level: GridLevel, year: float) -> str:
    when = "year not published" if np.isnan(year) else f"firm from {year:.0f}"
    if level.kind == "unknown":
        return f"{level_name(level)} ({when})"
    return f"{level_name(level)} ({chain_year_text(level)}; {when})"


def _chain_year(grid: GridFacts, chains: list[int], years: np.ndarray, *, best: bool) -> int:
    lo = np.where(np.isnan(years), np.nan_to_num(grid.now, nan=-np.inf), years)
    hi = np.where(np.isnan(years), np.inf, years)
    values = [
        max(lo[grid.chain_levels[c]]) if best else max(hi[grid.chain_levels[c]]) for c in chains
    ]
    pick = int(np.argmin(values)) if best else int(np.argmax(values))
    return chains[pick]


def _years_text(lo: float, hi: float) -> str:
    if np.isfinite(hi) and hi == lo:
        return f"connection from {hi:.0f}"
    if np.isfinite(hi):
        return f"connection from {lo:.0f} at best, {hi:.0f} at worst"
    if np.isfinite(lo):
        return f"connection not before {lo:.0f}; when is not published"
    return "connection year unknown"
