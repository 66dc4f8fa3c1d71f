"""Explanations as data: score breakdowns, constraint slacks, rank stability, near misses.

All functions take an :class:`~siting.criteria.evaluation.Evaluation` (every rule and criterion on
every
site) and site indices, and return the result dataclasses of :mod:`siting.results.ranking`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from siting.criteria.evaluation import ConstraintEvaluation, Evaluation
from siting.criteria.feasible_years import FIT_HORIZON_YEARS
from siting.criteria.rules import NO_LIMIT
from siting.jobs.explain_sites import (
    breakdowns,
    constraint_lines_at,
    questions_at,
    weight_ranges_at,
)
from siting.jobs.infeasibility import describe_one
from siting.layers.site_cells import cell_values, site_columns
from siting.model.rows import id_ranks
from siting.results.ranking import (
    ConstraintLine,
    CriterionLine,
    EarliestFit,
    FunnelStep,
    Infeasibility,
    NearMiss,
    Separation,
    WeightRange,
)

if TYPE_CHECKING:
    import pandas as pd

    from siting.layers.site_cells import SiteCells


def breakdown(ev: Evaluation, i: int) -> tuple[CriterionLine, ...]:
    """Per criterion with a weight: raw value, unit, score, weight and contribution of site ``i``.

    Criteria that do not apply (weight 0) are left out
    (:func:`~siting.jobs.explain_sites.breakdowns` for several sites).
    """
    return breakdowns(ev, [i])[0]


def constraint_lines(ev: Evaluation, i: int) -> tuple[ConstraintLine, ...]:
    """Every hard constraint on site ``i``: requirement, site value, slack and status."""
    return constraint_lines_at(ev, [i])[0]


def site_questions(ev: Evaluation, i: int) -> tuple[str, ...]:
    """Return the unknown facts site ``i`` relies on, each as a question with whom to ask."""
    return questions_at(ev, [i])[0]


def weight_ranges(ev: Evaluation, i: int, candidates: np.ndarray) -> tuple[WeightRange, ...]:
    """For each weighted criterion, the weights over which site ``i`` keeps its rank.

    See :func:`~siting.jobs.explain_sites.weight_ranges_at` (several sites at once).

    Parameters
    ----------
    ev
        The evaluation.
    i
        The site.
    candidates
        Indices of the feasible sites that compete with it.

    Returns
    -------
    tuple of WeightRange
    """
    return weight_ranges_at(ev, [i], candidates)[0]


def separation(ev: Evaluation, i: int, j: int, next_name: str) -> Separation:
    """Return what separates site ``i`` from the next site ``j``: per-criterion gaps."""
    diffs = [
        (c.label, round(float(c.contribution[i] - c.contribution[j]), 4))
        for c in ev.criteria
        if c.weight > 0
    ]
    diffs = [d for d in diffs if abs(d[1]) >= 5e-5]
    diffs.sort(key=lambda d: -abs(d[1]))
    return Separation(
        next_site_id=ev.site_ids[j],
        next_site_name=next_name,
        utility_gap=round(float(ev.utility[i] - ev.utility[j]), 4),
        differences=tuple(diffs),
    )


def funnel(ev: Evaluation) -> tuple[FunnelStep, ...]:
    """Sites ruled out per hard constraint, independently and cumulatively (in rule order)."""
    remaining = np.ones(len(ev.site_ids), dtype=bool)
    steps = []
    for con in ev.constraints:
        ok = con.ok
        remaining &= ok
        steps.append(
            FunnelStep(
                constraint=con.name,
                label=con.label,
                requirement=con.requirement,
                failing=int((~con.passes & ~con.unknown).sum()),
                unknown=int(con.unknown.sum()),
                remaining=int(remaining.sum()),
            )
        )
    return tuple(steps)


def near_misses(
    ev: Evaluation, table: pd.DataFrame | SiteCells, *, limit: int = 5
) -> tuple[NearMiss, ...]:
    """Return the best excluded sites: fewest failing rules first, then highest utility.

    Each comes with the smallest change per failing (or unknown) rule that would make it pass.
    """
    feasible = ev.feasible
    excluded = np.flatnonzero(~feasible)
    if excluded.size == 0:
        return ()
    blocking = np.zeros(len(ev.site_ids), dtype=int)
    for con in ev.constraints:
        blocking += ~(con.ok)
    if excluded.size > limit:
        # the order is total (site ids are distinct): the first ``limit`` sites fail at most
        # as many rules as the limit-th fewest, so only those need sorting
        fewest = np.partition(blocking[excluded], limit - 1)[limit - 1]
        excluded = excluded[blocking[excluded] <= fewest]
    quantised = np.round(ev.utility[excluded] * 1e6)
    id_rank = id_ranks(ev.site_ids)
    order = excluded[np.lexsort((id_rank[excluded], -quantised, blocking[excluded]))]
    utility = ev.utility
    cols = site_columns(table)
    out = []
    for k in order[:limit]:
        changes = tuple(_change(con, k) for con in ev.constraints if not con.ok[k])
        out.append(
            NearMiss(
                site_id=ev.site_ids[k],
                name=cols.name[k],
                municipality=cols.municipality[k],
                province=cols.province[k],
                utility=round(float(utility[k]), 4),
                changes=changes,
            )
        )
    return tuple(out)


def earliest_fit(ev: Evaluation, table: pd.DataFrame | SiteCells, year_needed: int) -> EarliestFit:
    """Report from which year sites fit the need, and how many, with the best of them.

    Parameters
    ----------
    ev
        The evaluation of one lead (with :attr:`Evaluation.feasible_from`).
    table
        The site table (for the names).
    year_needed
        The year the profile asks for.

    Returns
    -------
    EarliestFit
    """
    horizon = int(year_needed) + FIT_HORIZON_YEARS
    fit = ev.feasible_from
    if fit is None:
        fit = np.where(ev.feasible, float(year_needed), np.inf)
    finite = np.isfinite(fit)
    if not finite.any():
        note = (
            f"no site passes every rule by {horizon} with these needs (facts still to confirm "
            "count as the profile allows them)"
        )
        return EarliestFit(int(year_needed), None, 0, (), (), horizon, note)
    first = int(fit[finite].min())
    at_first = np.flatnonzero(fit == first)
    order = at_first[np.lexsort((id_ranks(ev.site_ids)[at_first], -ev.utility[at_first]))]
    names = site_columns(table).name_array
    # per distinct year (whole years), the sites that fit by then: a count of the sorted years
    reached = np.sort(fit[finite])
    years = np.unique(reached.astype(np.int64))
    counts = list(
        zip(years.tolist(), np.searchsorted(reached, years, side="right").tolist(), strict=True)
    )
    if first == int(year_needed):
        note = f"{at_first.size} site(s) fit the need in {first}, the year needed"
    else:
        note = (
            f"no site fits the need in {int(year_needed)}; from {first}: {at_first.size} "
            f"site(s), the best {', '.join(names[order[:3]])}"
        )
    return EarliestFit(
        year_needed=int(year_needed),
        year=first,
        n_sites=int(at_first.size),
        sites=tuple((ev.site_ids[k], str(names[k])) for k in order[:10]),
        by_year=tuple(counts),
        horizon=horizon,
        note=note,
    )


def infeasibility(ev: Evaluation, table: pd.DataFrame | SiteCells) -> Infeasibility:
    """Explain an empty ranking: the rules that rule out most, and the best single relaxation.

    For each rule, the sites that pass every other rule are the ones dropping it would admit;
    the rule whose removal admits most is reported with the best site it would admit.
    """
    passing = {con.name: con.ok for con in ev.constraints}
    labels = {con.name: con.label for con in ev.constraints}
    known = {con.name: con.passes | con.unknown for con in ev.constraints}
    names = cell_values(table, ("name",))["name"]  # the cells, as table["name"].iat

    def best_of(gained: np.ndarray) -> str:
        # the highest utility (rounded by numpy to 6 decimals, as screening does), ties to
        # the alphabetically first site id
        rounded = np.round(ev.utility[gained], 6).tolist()
        top = min(
            zip(gained.tolist(), rounded, strict=True), key=lambda kr: (-kr[1], ev.site_ids[kr[0]])
        )[0]
        return f"{ev.site_ids[top]} ({names[top]})"

    return describe_one(passing, labels, best_of, known=known)


def _change(con: ConstraintEvaluation, k: int) -> str:
    """Return the smallest change that would make site ``k`` pass ``con``, in words."""
    slack = float(con.slack[k])
    if con.advise is not None:
        return f"{con.label}: {con.advise(k)}"
    have = con.describe(k)
    if np.isnan(slack):
        return f"{con.label}: not known ({have}); confirm: {con.requirement}"
    if con.name == "space":
        return f"{con.label}: {-slack:,.1f} ha short ({have}; needs {con.requirement})"
    if con.name == "availability_year":
        if slack <= -NO_LIMIT:
            return f"{con.label}: fully issued, no land to issue"
        return f"{con.label}: {have}; feasible if the move can wait {-slack:.0f} year(s)"
    if con.name == "environmental_category":
        return f"{con.label}: allows {have}; needs {con.requirement}"
    if con.name == "relocation_distance":
        return f"{con.label}: {have}; {-slack:,.0f} km beyond the maximum"
    return f"{con.label}: {have}; needs {con.requirement}"
