"""From which year needed a site passes every rule (the two rules that depend on the year)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from siting.criteria import grid_rule
from siting.criteria.rules import slack_passes

if TYPE_CHECKING:
    from siting.criteria.evaluated import Evaluation
    from siting.criteria.lead_params import LeadParams
    from siting.criteria.site_facts import SiteFacts
    from siting.inputs.catalogue import Catalogue

#: How many years after the year needed :func:`feasible_from_years` looks [years].
FIT_HORIZON_YEARS = 20


def feasible_from_years(
    ev: Evaluation, params: LeadParams, facts: SiteFacts, catalogue: Catalogue
) -> np.ndarray:
    """Per site: the earliest year needed from which it passes every rule (inf: not in reach).

    Only two rules depend on the year: plots deliverable in time and the grid connection in
    time; the others are taken as :func:`evaluate` found them. Years from the year needed to
    :data:`FIT_HORIZON_YEARS` later are tried; unknown facts pass where the profile allows
    them (as in :attr:`Evaluation.feasible`).

    Parameters
    ----------
    ev
        The evaluation of one lead.
    params
        Its needs (one row).
    facts, catalogue
        As for :func:`evaluate`.

    Returns
    -------
    numpy.ndarray
        Per site a year, or inf.
    """
    accepts = {con.name: con.accept_unknown for con in ev.constraints}
    others = np.ones(facts.n, dtype=bool)
    for con in ev.constraints:
        if con.name not in ("grid", "availability_year"):
            others &= con.ok
    out = np.full(facts.n, np.inf)
    sites = np.flatnonzero(others)  # only these can pass every rule in some year
    if sites.size == 0:
        return out
    years = params.year[0, 0] + np.arange(FIT_HORIZON_YEARS + 1, dtype=float)[:, None]
    site = facts.derived
    delivery = np.maximum(years - site.delivery_year[sites], site.delivery_floor[sites])
    ok = slack_passes(delivery) | (np.isnan(delivery) & accepts.get("availability_year", True))
    if params.power_mw[0, 0] > catalogue.params.small_connection_mw:
        # one need for every year: what depends on the need alone is computed once and
        # broadcast against the years (the same values as one row per year), on the chain
        # sets of these sites only
        groups, column = np.unique(facts.grid.site_group[sites], return_inverse=True)
        outcome = grid_rule.grid_outcome(
            facts.grid,
            np.full((1, 1), params.power_mw[0, 0]),
            years + params.max_delay_years[0, 0],
            np.full((1, 1), bool(params.flexible[0, 0])),
            groups=groups,
        )
        slack = outcome.slack[:, column.reshape(-1)]
        ok &= slack_passes(slack) | (np.isnan(slack) & accepts.get("grid", True))
    first = np.where(ok.any(axis=0), ok.argmax(axis=0), -1)
    out[sites] = np.where(first >= 0, years[np.maximum(first, 0), 0], np.inf)
    return out
