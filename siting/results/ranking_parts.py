"""The parts of a ranking result: explanation lines, near misses, the funnel, site outcomes.

Frozen records that :class:`siting.results.ranking.RankingResult` and its recommendations are
made of (re-exported by :mod:`siting.results.ranking`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of a site's score breakdown.

    Attributes
    ----------
    criterion, label, unit
        Criterion id, readable name and the unit of ``value``.
    value
        The raw value in ``unit`` (``nan`` when unknown).
    normalised
        Score in [0, 1].
    weight
        Weight in the utility (the weights sum to 1).
    contribution
        ``weight x normalised``: what it adds to the utility.
    text
        The value in words where the unit alone does not say it (e.g. the grid outlook:
        ``"class 3; 41 MW queued on 103 MW; expected solved 2027: connection from 2027,
        1 year to spare"``); empty otherwise.
    """

    criterion: str
    label: str
    unit: str
    value: float
    normalised: float
    weight: float
    contribution: float
    text: str = ""


@dataclass(frozen=True)
class ConstraintLine:
    """One hard constraint checked on a site.

    Attributes
    ----------
    constraint, label
        Rule id and readable name.
    requirement
        What the profile asks.
    site_value
        What the site offers.
    slack
        Margin in ``unit`` (>= 0 passes; ``nan`` unknown; ``inf`` no restriction).
    unit
        Unit of the slack (empty for yes/no rules).
    status
        ``"pass"``, ``"fail"`` or ``"unknown"``.
    """

    constraint: str
    label: str
    requirement: str
    site_value: str
    slack: float
    unit: str
    status: str


@dataclass(frozen=True)
class WeightRange:
    """Weights of one criterion over which a site keeps its rank, the others held fixed.

    Attributes
    ----------
    criterion, label
        The criterion.
    weight
        Its current weight.
    low, high
        The range (``high`` may be ``inf``: any higher weight keeps the rank).
    """

    criterion: str
    label: str
    weight: float
    low: float
    high: float


@dataclass(frozen=True)
class Separation:
    """What separates a site from the next one in the ranking.

    Attributes
    ----------
    next_site_id, next_site_name
        The next site.
    utility_gap
        Utility of this site minus that of the next.
    differences
        ``(criterion label, contribution difference)``, largest magnitude first.
    """

    next_site_id: str
    next_site_name: str
    utility_gap: float
    differences: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class NearMiss:
    """An excluded site and the smallest changes that would make it feasible.

    Attributes
    ----------
    site_id, name, municipality, province
        Which site.
    utility
        Its utility if it were feasible.
    changes
        Per failing or unknown constraint: what would have to change, in words.
    """

    site_id: str
    name: str
    municipality: str
    province: str
    utility: float
    changes: tuple[str, ...]


@dataclass(frozen=True)
class FunnelStep:
    """How many sites one hard constraint rules out.

    Attributes
    ----------
    constraint, label, requirement
        The rule and what the profile asks.
    failing
        Sites failing it (counted on all sites, independently of the other rules).
    unknown
        Sites whose data do not say.
    remaining
        Sites left after this rule and all earlier ones.
    """

    constraint: str
    label: str
    requirement: str
    failing: int
    unknown: int
    remaining: int


@dataclass(frozen=True)
class Infeasibility:
    """Why no site fits, and what relaxing the most restrictive rule would give.

    Attributes
    ----------
    message
        In words.
    most_restrictive
        The rule that rules out most sites.
    feasible_without
        Sites that would fit without that rule.
    best_without
        The best of those (id and name), if any.
    """

    message: str
    most_restrictive: str
    feasible_without: int
    best_without: str | None


@dataclass(frozen=True)
class EarliestFit:
    """From which year sites fit the need, so "nothing in 2027" comes with "from 2029: these".

    Attributes
    ----------
    year_needed
        The year the profile asks for.
    year
        The earliest year needed (``year_needed`` or later) from which at least one site
        passes every rule, the needs otherwise unchanged; ``None`` when none does within
        the horizon.
    n_sites
        Sites that fit from ``year``.
    sites
        The best of them (id and name, by utility), at most ten.
    by_year
        ``(year, sites that fit by then)`` for each year the count grows, up to the horizon.
    horizon
        The last year looked at.
    note
        In words.
    """

    year_needed: int
    year: int | None
    n_sites: int
    sites: tuple[tuple[str, str], ...]
    by_year: tuple[tuple[int, int], ...]
    horizon: int
    note: str


class SiteOutcome(NamedTuple):
    """What became of one candidate site in a ranking (for maps and tables).

    A named tuple rather than a dataclass: a ranking holds one per candidate site, thousands
    in a national run, and tuples are cheap to build.

    Attributes
    ----------
    site_id, name, municipality, province, lon, lat
        Which site and where (WGS84 [degree]).
    outcome
        ``"recommended"``, ``"feasible"`` (passes every rule, not in the top), or
        ``"excluded"``.
    rank
        Rank when recommended, else ``None``.
    utility
        Weighted score in [0, 1] (also for excluded sites: what they would score).
    unverified
        Feasible only because some facts are unknown.
    failing
        Labels of the rules it fails: on the data, or because its fact is unknown and the
        profile requires it verified (then also in ``unknown``).
    unknown
        Labels of the rules whose facts are unknown for it.
    location_kind
        How its point was placed (:data:`siting.vocab.LOCATION_KINDS`); ``municipality``: at
        its municipality's point (sites placed so share that point).
    """

    site_id: str
    name: str
    municipality: str
    province: str
    lon: float
    lat: float
    outcome: str
    rank: int | None
    utility: float
    unverified: bool
    failing: tuple[str, ...]
    unknown: tuple[str, ...]
    location_kind: str = "site"
