"""The words of the grid rule and the grid outlook: which areas a year rests on, and advice.

:func:`site_texts` gives, for one lead's need, what the rule found per site, what would make a
missing site fit (the year from which it fits, a flexible contract where plausible, a smaller
connection only when the need is within reach of the small-connection limit) and the grid
outlook in words. The arrays are :mod:`siting.criteria.grid_rule`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from siting import vocab
from siting._memo import IdentityMemo
from siting.criteria.grid_rule import (
    UNPLANNED_RELIEF_YEARS,
    GridFacts,
    GridOutcome,
    grid_outcome,
    level_bounds,
)
from siting.layers.grid import GridLevel
from siting.layers.grid_info import chain_year_text, level_name


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
    bounds = _bounds(grid, power_mw)
    lo, hi = float(outcome.lo[row, group]), float(outcome.hi[row, group])
    if len(chains) == 1:
        text = _chain_text(grid, chains[0], bounds)
    else:
        lo_chain = _chain_year(grid, chains, bounds, best=True)
        hi_chain = _chain_year(grid, chains, bounds, best=False)
        n_areas = len(set(grid.chain_levels[chains, 0].tolist()))
        sure = {grid.chain_confidence[c] for c in chains}
        links = f"links {sure.pop()}" if len(sure) == 1 else "links of mixed confidence"
        areas = f"{n_areas} candidate supply areas" if n_areas > 1 else "1 supply area"
        text = (
            f"{areas} and {len(chains)} ways to reach TenneT ({links}; which feeds the plot is "
            f"not known): best {_chain_text(grid, lo_chain, bounds)}; worst "
            f"{_chain_text(grid, hi_chain, bounds)}"
        )
    text = f"{text}: {_years_text(lo, hi)}"
    if outcome.flexible[row, group] and np.isnan(outcome.slack[row, group]):
        text += "; possible with a flexible contract: confirm with the operator"
    return text


def binding_level(grid: GridFacts, group: int, power_mw: float) -> GridLevel:
    """Return the level that sets the pessimistic year of a chain set (for advice)."""
    return grid.levels[_binding(grid, group, power_mw)]


def _binding(grid: GridFacts, group: int, power_mw: float) -> int:
    """Return the index of :func:`binding_level`: the first level of the latest year.

    Levels in chain order, each chain's regional level first; the bounds are never NaN
    (:func:`~siting.criteria.grid_rule.level_bounds`), so the first maximum is the level a
    scan keeping the first strictly later year finds.
    """
    chains = grid.chains_of(group)
    assert chains
    levels = grid.chain_levels[chains].ravel()
    hi = _bounds(grid, power_mw)[1]
    return int(levels[int(np.argmax(hi[levels]))])


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
    known: tuple[float, float, bool, GridOutcome] | None = None,
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
    known
        ``(need [MW], target year, flexible, outcome)``: the rule's outcome already computed
        for one need (a batch's row, ``(1, G)`` arrays); used when it is this lead's.

    Returns
    -------
    SiteTexts
    """
    words = _LeadWords(grid, power_mw, year, delay_years, accepts_flexible, small_mw, small_reach)
    if known is not None:
        power, target, flexible, outcome = known
        if power == power_mw and target == float(year) + float(delay_years):
            words._cache[flexible] = outcome
    later = f", or up to {delay_years:g} year(s) later" if delay_years else ""
    flex = "; a flexible contract or own storage is acceptable" if accepts_flexible else ""
    requirement = f"{power_mw:g} MW firm demand connection by {year:.0f}{later}{flex}"
    return SiteTexts(requirement, words.describe, words.advise, words.outlook)


@dataclass
class _LeadWords:
    """The texts of :func:`site_texts` for one lead's need, per site on demand."""

    grid: GridFacts
    power_mw: float
    year: float
    delay_years: float
    accepts_flexible: bool
    small_mw: float
    small_reach: float
    _cache: dict[bool, GridOutcome] = field(default_factory=dict)
    #: (text, chain set) -> the text: a text depends on the site's chain set only, and sites
    #: placed by their municipality share one (a comparison words hundreds of them).
    _words: dict[tuple[str, int], str] = field(default_factory=dict)
    #: chain set -> whether a flexible contract could connect it (advice for a lead that
    #: does not accept one asks this of a few chain sets, not of all)
    _flexible: dict[int, bool] = field(default_factory=dict)

    def _of_group(self, kind: str, i: int, word: Callable[[int], str]) -> str:
        """Return ``word(g)`` for site ``i``'s chain set ``g``, worded once per set."""
        key = (kind, int(self.grid.site_group[i]))
        text = self._words.get(key)
        if text is None:
            text = self._words[key] = word(key[1])
        return text

    def outcome(self, flexible: bool) -> GridOutcome:
        """Return the rule's outcome, with or without a flexible contract (cached)."""
        if flexible not in self._cache:
            self._cache[flexible] = grid_outcome(
                self.grid,
                np.array([[self.power_mw]]),
                np.array([[float(self.year) + float(self.delay_years)]]),
                np.array([[flexible]]),
            )
        return self._cache[flexible]

    def flexible_at(self, g: int) -> bool:
        """Whether chain set ``g`` could connect with a flexible contract (``outcome(True)``)."""
        if True in self._cache:
            return bool(self._cache[True].flexible[0, g])
        hit = self._flexible.get(g)
        if hit is None:
            one = grid_outcome(
                self.grid,
                np.array([[self.power_mw]]),
                np.array([[float(self.year) + float(self.delay_years)]]),
                np.array([[True]]),
                groups=np.array([g]),
            )
            hit = self._flexible[g] = bool(one.flexible[0, 0])
        return hit

    def describe(self, i: int) -> str:
        """Say what the rule found for site ``i``."""
        return self._of_group("describe", i, self._describe)

    def advise(self, i: int) -> str:
        """Say what would make site ``i`` fit: a year, a flexible contract, a small one."""
        return self._of_group("advise", i, self._advise)

    def outlook(self, i: int) -> str:
        """Say site ``i``'s grid outlook: the binding area, the years, the years to spare."""
        return self._of_group("outlook", i, self._outlook)

    def _describe(self, g: int) -> str:
        target = float(self.year) + float(self.delay_years)
        return describe_site(
            self.grid, g, self.power_mw, target, self.outcome(self.accepts_flexible)
        )

    def _advise(self, g: int) -> str:
        outcome = self.outcome(self.accepts_flexible)
        lo, hi = float(outcome.lo[0, g]), float(outcome.hi[0, g])
        delay, year = self.delay_years, self.year
        parts = []
        if np.isfinite(hi):
            parts.append(f"fits from {hi - delay:.0f} (firm connection from {hi:.0f})")
        if np.isfinite(lo) and lo < hi and len(self.grid.chains_of(g)) > 1:
            parts.append(
                f"possibly from {max(lo - delay, year):.0f} if the plot is fed by the best "
                "of its candidate supply areas: confirm with the operator"
            )
        elif np.isfinite(lo) and lo < hi:
            parts.append(
                f"not before {max(lo - delay, year):.0f}; the year it could connect is "
                "not published: ask the operator"
            )
        if not parts:
            parts.append("the year it could connect is not published: ask the operator")
        if not self.accepts_flexible and self.flexible_at(g):
            parts.append(
                "possible with a flexible (non-firm or time-bound) contract or own storage: "
                "confirm with the operator"
            )
        if self.power_mw <= self.small_reach * self.small_mw:
            parts.append(f"or a small connection (<= 3x80 A, {self.small_mw:g} MW)")
        return f"{_short_text(self.grid, g, self.power_mw, outcome)}; {'; '.join(parts)}"

    def _outlook(self, g: int) -> str:
        if self.power_mw <= self.small_mw:
            return "a small connection (<= 3x80 A) is not held by congestion"
        outcome = self.outcome(self.accepts_flexible)
        level = _binding(self.grid, g, self.power_mw)
        spare = float(outcome.spare[0, g])
        years = _years_text(float(outcome.lo[0, g]), float(outcome.hi[0, g]))
        if np.isnan(spare):
            tail = "years to spare unknown"
        elif spare >= 0:
            tail = f"{spare:.0f} year{'' if round(spare) == 1 else 's'} to spare"
        else:
            tail = f"{-spare:.0f} year{'' if round(-spare) == 1 else 's'} late"
        figures, name = _level_words(self.grid, level)
        return f"{figures} ({name}): {years}, {tail}"


def class_name(cls: int) -> str:
    """``"class 3 (shortage, queue)"``."""
    return f"class {cls} ({vocab.CONGESTION_CLASSES.get(cls, 'unknown')})"


# -- internals ----------------------------------------------------------------------------------


#: (id of the grid facts, need [MW]) -> (those facts, the levels' bounds): a ranking words
#: its sites one by one, all for the same need, and the bounds cover every level.
_BOUNDS: dict[tuple[int, float], tuple[GridFacts, tuple[np.ndarray, np.ndarray]]] = {}


def _bounds(grid: GridFacts, power_mw: float) -> tuple[np.ndarray, np.ndarray]:
    """Return each level's year bounds for a need of ``power_mw`` (read-only, remembered)."""
    key = (id(grid), float(power_mw))
    hit = _BOUNDS.get(key)
    if hit is not None and hit[0] is grid:
        return hit[1]
    lo, hi = level_bounds(grid, np.array([[power_mw]]))
    bounds = (lo[0], hi[0])
    for array in bounds:
        array.setflags(write=False)
    if len(_BOUNDS) >= 4:
        _BOUNDS.pop(next(iter(_BOUNDS)))
    _BOUNDS[key] = (grid, bounds)
    return bounds


#: Per grid facts: level index -> (:func:`chain_year_text`, :func:`level_name`) of the
#: levels worded so far (they depend on the level alone; a ranking words the same ones).
_LEVEL_WORDS: IdentityMemo[dict[int, tuple[str, str]]] = IdentityMemo()


def _level_words(grid: GridFacts, k: int) -> tuple[str, str]:
    """Return level ``k``'s figures and name in words (remembered per grid facts)."""
    words = _LEVEL_WORDS.get((grid,), dict)
    hit = words.get(k)
    if hit is None:
        level = grid.levels[k]
        hit = words[k] = (chain_year_text(level), level_name(level))
    return hit


def _chain_text(grid: GridFacts, chain: int, bounds: tuple[np.ndarray, np.ndarray]) -> str:
    r, t = grid.chain_levels[chain].tolist()
    lo, hi = bounds
    regional = _level_text(grid, r, float(lo[r]), float(hi[r]))
    return f"{regional} under {_level_text(grid, t, float(lo[t]), float(hi[t]))}"


def _level_text(grid: GridFacts, k: int, lo: float, hi: float) -> str:
    level = grid.levels[k]
    if np.isfinite(hi):
        when = f"firm from {hi:.0f}"
    elif np.isfinite(lo) and lo > level.reference_year:
        when = (
            f"room short of the need and no relief year published: not before {lo:.0f} "
            f"(extending a substation takes {UNPLANNED_RELIEF_YEARS:.0f} years at least)"
        )
    else:
        when = "year not published"
    figures, name = _level_words(grid, k)
    if level.kind == "unknown":
        return f"{name} ({when})"
    return f"{name} ({figures}; {when})"


def _chain_year(
    grid: GridFacts, chains: list[int], bounds: tuple[np.ndarray, np.ndarray], *, best: bool
) -> int:
    # each chain's later level: the bounds are never NaN, so numpy's maximum is Python's max
    values = (bounds[0] if best else bounds[1])[grid.chain_levels[chains]].max(axis=1)
    # on a tie the worst is the last of the latest, so two chains with one year are both named
    pick = int(np.argmin(values)) if best else len(values) - 1 - int(np.argmax(values[::-1]))
    return chains[pick]


def _years_text(lo: float, hi: float) -> str:
    if np.isfinite(hi) and hi == lo:
        return f"connection from {hi:.0f}"
    if np.isfinite(hi):
        return f"connection from {lo:.0f} at best, {hi:.0f} at worst"
    if np.isfinite(lo):
        return f"connection from {lo:.0f} at best; at worst the year is not published"
    return "connection year unknown"


def _short_text(grid: GridFacts, group: int, power_mw: float, outcome: GridOutcome) -> str:
    """One line: the area(s) the year rests on and the years."""
    chains = grid.chains_of(group)
    bounds = _bounds(grid, power_mw)
    lo, hi = float(outcome.lo[0, group]), float(outcome.hi[0, group])
    if len(chains) == 1:
        name = _level_words(grid, _binding(grid, group, power_mw))[1]
        return f"{name}: {_years_text(lo, hi)}"
    best = grid.levels[int(grid.chain_levels[_chain_year(grid, chains, bounds, best=True), 0])]
    worst = grid.levels[int(grid.chain_levels[_chain_year(grid, chains, bounds, best=False), 0])]
    n_areas = len(set(grid.chain_levels[chains, 0].tolist()))
    which = (
        f"best {best.area_id or 'unknown'}, worst {worst.area_id or 'unknown'}"
        if best.area_id != worst.area_id
        else f"{best.area_id or 'an unknown area'} sets both bounds"
    )
    return f"{n_areas} candidate supply areas ({which}): {_years_text(lo, hi)}"
