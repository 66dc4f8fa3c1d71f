"""Site fit: whether a site's designation and zoning admit what the company will do there.

The rule ``site_fit`` (one of :data:`siting.criteria.rules.RULES`) combines five checks; a
check applies to a lead only when its need asks for it, and a site fails the rule when any
applicable check fails, is unknown when none fails but one is unknown, and passes otherwise:

``hazardous``
    A need of environmental category ``hazardous_category_from`` (4, ``models/criteria.toml``)
    or higher never goes to a mixed urban / transformation area with housing, nor to a site a
    source says has housing within or next to it (VNG guidance keeps categories 4-6 at 300 m
    or more from housing). Unknown where the designation is unknown.
``water``
    A water-bound need (``needs.water_bound``) needs a quay: passes where a source states one
    (IBIS type A terrains have quays by definition), fails where a source says there is none
    and on campus and science-park plots; unknown elsewhere.
``heavy``
    Heavy transport (``needs.heavy_transport``) cannot go to a mixed urban area, a campus or a
    science park (unless a source states heavy-transport access there). Elsewhere the rule
    ``heavy_transport`` asks whether a source states it.
``production``
    Production (``needs.activity = "production"``) on a campus or science-park plot only where
    the campus allows it (``allows_production``; unknown when no source says); unknown where
    the designation itself is unknown. R&D and pilot lines fit every designation.
``reserved``
    A site reserved for a sector (``reserved_for``, e.g. a food-industry park) admits only a
    company that names that sector in ``constraints.qualifies_for``.

The slack is 1 (fits), -1 (does not) or NaN (to confirm); it has no unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from siting import vocab

#: The checks, in order: id -> what it asks, in words.
CHECKS: dict[str, str] = {
    "hazardous": "no housing area for a hazardous category",
    "water": "a quay on navigable water",
    "heavy": "heavy-transport access",
    "production": "production allowed",
    "reserved": "not reserved for another sector",
}

_NO_HEAVY = ("mixed_urban", "campus", "science_park")
_CAMPUS = ("campus", "science_park")


def _tristate(values: pd.Series | None, n: int) -> np.ndarray:
    """Booleans with gaps as floats: 1 true, 0 false, NaN unknown."""
    if values is None:
        return np.full(n, np.nan)
    out = np.full(n, np.nan)
    text = values.astype("string").str.lower()
    out[(text == "true").fillna(False).to_numpy(bool)] = 1.0
    out[(text == "false").fillna(False).to_numpy(bool)] = 0.0
    return out


@dataclass(frozen=True)
class FitFacts:
    """Per site, what each check finds: ``passes``, ``fails`` (bool ``(K, N)``, K checks).

    Attributes
    ----------
    designation
        Designation slug per site (``""`` unknown).
    reserved_for
        Sector slug per site (``""`` not reserved).
    passes, fails
        Per check of :data:`CHECKS` (rows in that order, ``reserved`` excluded: it depends on
        the lead) and site; neither means unknown.
    """

    designation: np.ndarray
    reserved_for: np.ndarray
    passes: np.ndarray
    fails: np.ndarray

    @property
    def n(self) -> int:
        """Number of sites."""
        return len(self.designation)

    @classmethod
    def of_table(cls, table: pd.DataFrame) -> FitFacts:
        """Read the designation columns of a site table (absent columns: unknown).

        Parameters
        ----------
        table
            The site table (or the sites layer).

        Returns
        -------
        FitFacts
        """
        n = len(table)

        def text(column: str) -> np.ndarray:
            if column not in table:
                return np.full(n, "", dtype=object)
            return table[column].astype("string").fillna("").to_numpy(object)

        design = text("designation")
        known = design != ""
        quay = _tristate(table.get("has_quay"), n)
        production = _tristate(table.get("allows_production"), n)
        housing = _tristate(table.get("housing_nearby"), n)
        heavy = _tristate(table.get("heavy_transport"), n) == 1.0
        mixed = design == "mixed_urban"
        campus = np.isin(design, _CAMPUS)
        hazardous_fail = mixed | (housing == 1.0)
        water_fail = (quay == 0.0) | (campus & (quay != 1.0))
        heavy_fail = np.isin(design, _NO_HEAVY) & ~heavy
        production_fail = campus & (production == 0.0)
        passes = np.vstack(
            [
                known & ~hazardous_fail,
                quay == 1.0,
                ~heavy_fail,
                known & ~campus | (campus & (production == 1.0)),
            ]
        )
        fails = np.vstack([hazardous_fail, water_fail, heavy_fail, production_fail])
        return cls(design, text("reserved_for"), passes & ~fails, fails)


def lead_checks(
    *,
    environmental_category: float,
    water_bound: bool,
    heavy_transport: bool,
    activity: str,
    hazardous_from: int,
) -> np.ndarray:
    """Which site-only checks (all of :data:`CHECKS` but ``reserved``) apply to a lead.

    Returns
    -------
    numpy.ndarray
        Bool, one per check.
    """
    return np.array(
        [
            environmental_category >= hazardous_from,
            water_bound,
            heavy_transport,
            activity == "production",
        ]
    )


def fit_slack(
    checks: np.ndarray, qualifies: Sequence[frozenset[str]], facts: FitFacts
) -> np.ndarray:
    """Return the ``site_fit`` slack of L leads on N sites: 1 fits, -1 does not, NaN to confirm.

    Parameters
    ----------
    checks
        ``(L, K-1)`` bools from :func:`lead_checks`.
    qualifies
        Per lead, the sectors it belongs to (``constraints.qualifies_for``).
    facts
        The sites' :class:`FitFacts`.

    Returns
    -------
    numpy.ndarray
        ``(L, N)`` slacks.
    """
    n_leads = len(checks)
    out = np.empty((n_leads, facts.n))
    reserved = facts.reserved_for != ""
    patterns: dict[tuple[object, ...], np.ndarray] = {}
    for k in range(n_leads):
        key: tuple[object, ...] = (*map(bool, checks[k]), *sorted(qualifies[k]))
        row = patterns.get(key)
        if row is None:
            use = np.asarray(checks[k], dtype=bool)
            fail = facts.fails[use].any(axis=0) if use.any() else np.zeros(facts.n, bool)
            fail = fail | (reserved & ~np.isin(facts.reserved_for, sorted(qualifies[k])))
            unknown = ~(facts.passes[use] | facts.fails[use]).all(axis=0) if use.any() else None
            row = np.where(fail, -1.0, 1.0)
            if unknown is not None:
                row[unknown & ~fail] = np.nan
            patterns[key] = row
        out[k] = row
    return out


def requirement(checks: np.ndarray, qualifies: frozenset[str], *, activity: str) -> str:
    """Return what the rule asks of one lead, in words."""
    names = [c for c, use in zip(CHECKS, checks, strict=False) if use and c != "production"]
    asked = [vocab.ACTIVITIES[activity].split(" (")[0], *(CHECKS[c] for c in names)]
    if qualifies:
        asked.append(f"or a park reserved for {', '.join(sorted(qualifies))}")
    return "zoning admits " + "; ".join(asked)


def describe(
    i: int, facts: FitFacts, checks: np.ndarray, qualifies: frozenset[str], slack: float
) -> str:
    """Return site ``i``'s designation and what the rule found, in words."""
    design = facts.designation[i]
    label = vocab.DESIGNATIONS.get(design, "designation unknown")
    reserved = facts.reserved_for[i]
    problems = [
        _FAIL_TEXT[name]
        for k, name in enumerate(list(CHECKS)[:-1])
        if checks[k] and facts.fails[k, i]
    ]
    if reserved and reserved not in qualifies:
        problems.append(f"reserved for {vocab.SITE_RESERVATIONS[reserved]}")
    if problems:
        return f"{label}: " + "; ".join(problems)
    if np.isnan(slack):
        open_ = [
            _OPEN_TEXT[name]
            for k, name in enumerate(list(CHECKS)[:-1])
            if checks[k] and not facts.passes[k, i]
        ]
        return f"{label}: to confirm: " + "; ".join(open_)
    return f"{label}: fits"


_FAIL_TEXT = {
    "hazardous": "housing in or next to it: no hazardous category",
    "water": "no quay",
    "heavy": "no heavy-transport access",
    "production": "the campus does not allow production",
}
_OPEN_TEXT = {
    "hazardous": "whether the zoning admits a hazardous category next to no housing "
    "(ask the municipality)",
    "water": "whether a plot has a quay (ask the park or the municipality)",
    "heavy": "heavy-transport access (ask the park)",
    "production": "whether production is allowed (ask the campus or the municipality)",
}
