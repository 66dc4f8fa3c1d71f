"""Site fit: whether a site's designation and zoning admit what the company will do there.

The rule ``site_fit`` (one of :data:`siting.criteria.rules.RULES`) combines six checks; a
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
``industrial``
    A need of environmental category ``industrial_category_from`` (4, ``models/criteria.toml``)
    or higher belongs on a heavy-industry or port-industrial site (IBIS type A *zeehaventerrein*,
    industrial designations read from sources), or on a site whose recorded zoning admits the
    category (``max_env_category`` from a cited source, e.g. a park with an environmental zone).
    In the VNG *Bedrijven en milieuzonering* guide (2009) category 4.1 keeps 200 m from a quiet
    residential area, 4.2 300 m, 5.1-5.3 500-1,000 m and 6 1,500 m (the guide's table; the 4.1
    row was checked against its *Staat van bedrijfsactiviteiten*, see ``models/criteria.toml``).
    Categories are compared on the VNG scale with its sub-categories (:mod:`siting.vng`): a
    site zoned up to 4.1 admits a need of 4.1, not one of 4.2, and for a need of a whole 4 the
    sub-category decides (unknown). A site whose recorded zoning stops below the category fails;
    a campus, science park or mixed
    urban area without such a record fails; a business or logistics park without one, and a site
    of unknown designation, are unknown (ask the municipality).
``reserved``
    A site reserved for a sector (``reserved_for``, e.g. a food-industry park, or seaport land
    for port-related activity) admits only a company of that sector (:func:`sectors`: the
    sectors named in ``constraints.qualifies_for``, and ``port_related`` for a water-bound
    need or an industrial category with heavy transport). Where the zoning reserves it
    (``reserved_by = "zoning"``, or not stated) another company fails; where only the
    issuer's land policy does (``"policy"``, e.g. a port authority that lets its land to the
    firms that use its quays and depth) it is a question to confirm with the issuer.

The slack is 1 (fits), -1 (does not) or NaN (to confirm); it has no unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from siting import vng, vocab

if TYPE_CHECKING:
    import pandas as pd

#: The checks, in order: id -> what it asks, in words.
CHECKS: dict[str, str] = {
    "hazardous": "no housing area for a hazardous category",
    "water": "a quay on navigable water",
    "heavy": "heavy-transport access",
    "production": "production allowed",
    "industrial": "an industrial site or zoning stated for the category",
    "reserved": "not reserved for another sector",
}

_NO_HEAVY = ("mixed_urban", "campus", "science_park")
_CAMPUS = ("campus", "science_park")
#: Designations made for heavy categories; and those that never host one without a record.
_INDUSTRIAL = ("heavy_industry", "port_industrial")
_NO_INDUSTRY = ("mixed_urban", "campus", "science_park")
#: The sector a lead belongs to by its needs alone (:func:`sectors`).
PORT_RELATED = "port_related"


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
    reserved_by
        What reserves it per site: ``"policy"`` (the issuer's land policy only), else the
        zoning (``"zoning"`` or ``""``).
    passes, fails
        Per site-only check of :data:`CHECKS` (rows in that order, ``industrial`` and
        ``reserved`` excluded: they depend on the lead) and site; neither means unknown.
    env
        Highest environmental category the site's recorded zoning admits (NaN unknown).
    slack_rows
        The ``site_fit`` slack row of each kind of lead met so far (:func:`fit_slack`; a row
        depends on the sites and the lead's key only, so it is computed once).
    check_rows
        :meth:`rows` of each category met so far (read-only; the explanations of a ranking
        read one column per site).
    """

    designation: np.ndarray
    reserved_for: np.ndarray
    reserved_by: np.ndarray
    passes: np.ndarray
    fails: np.ndarray
    env: np.ndarray
    slack_rows: dict[tuple[object, ...], np.ndarray] = field(
        default_factory=dict, compare=False, repr=False
    )
    check_rows: dict[float, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, compare=False, repr=False
    )

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
        import pandas as pd

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
        env = (
            pd.to_numeric(table["max_env_category"], errors="coerce").to_numpy(float)
            if "max_env_category" in table
            else np.full(n, np.nan)
        )
        return cls(design, text("reserved_for"), text("reserved_by"), passes & ~fails, fails, env)

    def rows(self, category: float) -> tuple[np.ndarray, np.ndarray]:
        """Return ``passes``, ``fails`` of every check but ``reserved`` for a need's category.

        Parameters
        ----------
        category
            The environmental category the lead needs (VNG scale, :mod:`siting.vng`).

        Returns
        -------
        tuple of numpy.ndarray
            Bool ``(K-1, N)`` each: the site-only rows, then ``industrial``.
        """
        hit = self.check_rows.get(float(category))
        if hit is not None:
            return hit
        # on the VNG scale: covers whatever the sub-categories, below whatever they are
        slack = vng.category_slack(self.env, np.array([[category]]))[0]
        covers, below = slack >= 0, slack < 0
        passes = covers | (np.isin(self.designation, _INDUSTRIAL) & ~below)
        fails = below | (np.isin(self.designation, _NO_INDUSTRY) & ~covers)
        rows = (np.vstack([self.passes, passes & ~fails]), np.vstack([self.fails, fails]))
        for array in rows:
            array.setflags(write=False)
        self.check_rows[float(category)] = rows
        return rows

    def site_rows(self, category: float, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Return column ``i`` of :meth:`rows`: ``passes``, ``fails`` of one site, ``(K-1,)``."""
        passes, fails = self.rows(category)
        return passes[:, i], fails[:, i]


def lead_checks(
    *,
    environmental_category: float,
    water_bound: bool,
    heavy_transport: bool,
    activity: str,
    hazardous_from: int,
    industrial_from: int = 4,
) -> np.ndarray:
    """Which checks (all of :data:`CHECKS` but ``reserved``) apply to a lead.

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
            environmental_category >= industrial_from,
        ]
    )


def sectors(
    named: Iterable[str],
    *,
    water_bound: bool,
    heavy_transport: bool,
    environmental_category: float,
    industrial_from: int = 4,
) -> frozenset[str]:
    """Return the sectors a lead belongs to: those it names, and what its needs make it.

    A water-bound need, or one of environmental category ``industrial_from`` or higher with
    heavy transport, is port-related (:data:`PORT_RELATED`): the companies seaport land is
    let to (port authorities allocate by the use of quays, depth and heavy access).

    Parameters
    ----------
    named
        The sectors of ``constraints.qualifies_for``.
    water_bound, heavy_transport
        The lead's needs.
    environmental_category
        The category it needs (VNG scale).
    industrial_from
        The lowest category of an industrial need (``models/criteria.toml``).

    Returns
    -------
    frozenset of str
    """
    out = set(named)
    if water_bound or (heavy_transport and environmental_category >= industrial_from):
        out.add(PORT_RELATED)
    return frozenset(out)


def fit_slack(
    checks: np.ndarray,
    qualifies: Sequence[frozenset[str]],
    facts: FitFacts,
    categories: Sequence[float] | np.ndarray | None = None,
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
    categories
        Per lead, the environmental category it needs (1-6; default 1), for ``industrial``.

    Returns
    -------
    numpy.ndarray
        ``(L, N)`` slacks.
    """
    n_leads = len(checks)
    out = np.empty((n_leads, facts.n))
    reserved = facts.reserved_for != ""
    by_policy = facts.reserved_by == "policy"
    patterns = facts.slack_rows
    cats = np.ones(n_leads) if categories is None else np.asarray(categories, dtype=float)
    for k in range(n_leads):
        key: tuple[object, ...] = (float(cats[k]), *map(bool, checks[k]), *sorted(qualifies[k]))
        row = patterns.get(key)
        if row is None:
            use = np.asarray(checks[k], dtype=bool)
            passes, fails = facts.rows(float(cats[k]))
            fail = fails[use].any(axis=0) if use.any() else np.zeros(facts.n, bool)
            outside = reserved & ~np.isin(facts.reserved_for, sorted(qualifies[k]))
            fail = fail | (outside & ~by_policy)
            unknown = outside & by_policy
            if use.any():
                unknown = unknown | ~(passes[use] | fails[use]).all(axis=0)
            row = np.where(fail, -1.0, 1.0)
            row[unknown & ~fail] = np.nan
            patterns[key] = row
        out[k] = row
    return out


def requirement(
    checks: np.ndarray, qualifies: frozenset[str], *, activity: str, category: float = 1
) -> str:
    """Return what the rule asks of one lead, in words."""
    names = [c for c, use in zip(CHECKS, checks, strict=False) if use and c != "production"]
    words = {
        **CHECKS,
        "industrial": f"an industrial site or zoning stated for category {vng.label(category)}",
    }
    asked = [vocab.ACTIVITIES[activity].split(" (")[0], *(words[c] for c in names)]
    if qualifies:
        asked.append(f"or a park reserved for {', '.join(sorted(qualifies))}")
    return "zoning admits " + "; ".join(asked)


def describe(
    i: int,
    facts: FitFacts,
    checks: np.ndarray,
    qualifies: frozenset[str],
    slack: float,
    category: float = 1,
) -> str:
    """Return site ``i``'s designation and what the rule found, in words."""
    design = facts.designation[i]
    label = vocab.DESIGNATIONS.get(design, "designation unknown")
    reserved = facts.reserved_for[i]
    passes, fails = facts.site_rows(category, i)
    problems = [  # the industrial words only where that check fails (they cost a slack)
        _industrial_fail(facts.env[i], category) if name == "industrial" else _FAIL_TEXT[name]
        for k, name in enumerate(list(CHECKS)[:-1])
        if checks[k] and fails[k]
    ]
    outside = bool(reserved) and reserved not in qualifies
    policy = facts.reserved_by[i] == "policy"
    if outside and not policy:
        problems.append(f"reserved for {vocab.SITE_RESERVATIONS[reserved]}")
    if problems:
        return f"{label}: " + "; ".join(problems)
    if np.isnan(slack):
        open_ = [
            _OPEN_TEXT[name]
            for k, name in enumerate(list(CHECKS)[:-1])
            if checks[k] and not passes[k]
        ]
        if outside and policy:
            open_.append(
                f"whether the issuer lets a plot to a company outside "
                f"{vocab.SITE_RESERVATIONS[reserved].split(' (')[0]} (its land policy, not "
                "the zoning, reserves the site; ask the port authority or park)"
            )
        return f"{label}: to confirm: " + "; ".join(open_)
    return f"{label}: fits"


def _industrial_fail(env: float, category: float) -> str:
    """Why a site fails ``industrial`` for a need of ``category``, in words."""
    if vng.category_slack(np.array([env]), np.array([[category]]))[0, 0] < 0:
        return f"zoning stated up to category {vng.label(env)}: no category {vng.label(category)}"
    return f"not an industrial site and no source states zoning for category {vng.label(category)}"


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
    "industrial": "whether the zoning admits the category (its sub-category, where one side "
    "states a whole category) on this park, which is no heavy-industry or port site (VNG: "
    "category 4.1 keeps 200 m from housing, 4.2 300 m, 5 up to 1,000 m; ask the municipality)",
}
