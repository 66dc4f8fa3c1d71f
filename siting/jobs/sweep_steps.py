"""One step of a parameter sweep: the ranking a sweep needs, without a full report.

A sweep ranks the same case at many values of one parameter and keeps, per value, only the
number of feasible sites, the top and every feasible site's rank, utility and rule statuses.
:func:`siting.jobs.rank.rank_sites` also writes every explanation, the near misses, the
earliest fit and an outcome per site, and builds the site facts anew: ten values cost about
ten rankings. Here the site table and the site facts are built once per sweep
(:class:`SweepBase`), and each value costs one evaluation and one ordering of the feasible
sites; the top is the same as :func:`~siting.jobs.rank.rank_sites` returns (the solver's own
order for a MILP solver, exact enumeration otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from siting.criteria.evaluation import Evaluation, evaluate, evaluate_many
from siting.criteria.site_facts import SiteFacts
from siting.inputs.catalogue import Catalogue
from siting.inputs.origin import origin_key, resolve_origin
from siting.inputs.profile import Profile
from siting.jobs.facts_cache import cached_site_facts
from siting.jobs.rank import ENUMERATION, constraint_rows, enumeration_order, feasible_ranks
from siting.layers.load import GeoData
from siting.layers.site_table import site_table
from siting.model.site_choice import SiteChoiceModel
from siting.results.whatif import RankedSite


@dataclass(frozen=True)
class SweepBase:
    """What every step of a sweep shares: the data, its site table and site facts.

    ``index`` gives each site id its position; ``origins`` keeps the current locations
    resolved so far (a sweep's values rarely move the company).
    """

    data: GeoData
    table: pd.DataFrame
    facts: SiteFacts
    names: list[str]
    municipalities: list[str]
    index: dict[str, int]
    origins: dict[tuple[object, ...], tuple[float, float] | None]

    def origin(self, profile: Profile, file: str) -> tuple[float, float] | None:
        """Return the profile's current location in EPSG:28992 [m] (:func:`resolve_origin`)."""
        key = origin_key(profile)
        if key not in self.origins:
            self.origins[key] = resolve_origin(profile, self.data, file=file)
        return self.origins[key]


def sweep_base(data: GeoData) -> SweepBase:
    """Build the site table and the site facts of ``data`` once for a sweep."""
    table = site_table(data=data)
    facts = cached_site_facts(table, data)
    return SweepBase(
        data=data,
        table=table,
        facts=facts,
        names=table["name"].astype(str).tolist(),
        municipalities=table["municipality"].astype(str).tolist(),
        index={sid: i for i, sid in enumerate(facts.site_ids)},
        origins={},
    )


@dataclass(frozen=True)
class StepRanking:
    """One value of a sweep ranked: the top, every feasible site's rank, the evaluation."""

    ev: Evaluation
    index: dict[str, int]  # site id -> position in the evaluation
    rank: dict[str, int]  # site id -> rank among all feasible sites
    top: tuple[RankedSite, ...]
    n_feasible: int
    n_verified: int
    verified_by_rule: tuple[tuple[str, int], ...]

    def feasible(self, sid: str) -> bool:
        """Return whether the site is in the data and satisfies every hard constraint."""
        return sid in self.index and bool(self.ev.feasible[self.index[sid]])

    def utility(self, sid: str) -> float | None:
        """Return the site's utility (4 decimals), ``None`` when it is not in the data."""
        return None if sid not in self.index else round(float(self.ev.utility[self.index[sid]]), 4)

    def rule_status(self, sid: str) -> dict[str, tuple[str, str, str, str]]:
        """Rule name -> (status, label, requirement, the site's fact)."""
        i = self.index[sid]
        out = {}
        for con in self.ev.constraints:
            status = "unknown" if con.unknown[i] else "pass" if con.passes[i] else "fail"
            out[con.name] = (status, con.label, con.requirement, con.describe(i))
        return out


#: Values evaluated in one batch: the batch's arrays are ``(values, sites)`` per rule and
#: criterion, so a sweep of 200 values is evaluated in slices of this many.
STEP_BATCH = 16


def rank_steps(
    base: SweepBase,
    profiles: Sequence[Profile],
    *,
    file: str,
    top: int,
    solver: str | None,
    catalogue: Catalogue,
    progress: Callable[[int], None] | None = None,
) -> list[StepRanking]:
    """Rank the profiles of a sweep's values on the shared site facts.

    The values are evaluated together (:func:`~siting.criteria.evaluation.evaluate_many`,
    :data:`STEP_BATCH` at a time), then each is ranked: the same as :func:`rank_step` of each.

    Parameters
    ----------
    base
        The sweep's data, site table and site facts (:func:`sweep_base`).
    profiles
        The case at each value.
    file, top, solver, catalogue
        As for :func:`rank_step`.
    progress
        Called with the number of values ranked so far.

    Returns
    -------
    list of StepRanking
        In the order of ``profiles``.
    """
    out: list[StepRanking] = []
    for start in range(0, len(profiles), STEP_BATCH):
        chunk = profiles[start : start + STEP_BATCH]
        origins = [base.origin(profile, file) for profile in chunk]
        for ev in evaluate_many(chunk, base.facts, catalogue, origins=origins):
            out.append(_ranked(base, ev, top=top, solver=solver))
            if progress is not None:
                progress(len(out))
    return out


def rank_step(
    base: SweepBase,
    profile: Profile,
    *,
    file: str,
    top: int,
    solver: str | None,
    catalogue: Catalogue,
) -> StepRanking:
    """Rank ``profile`` on the shared site facts for one value of a sweep.

    Parameters
    ----------
    base
        The sweep's data, site table and site facts (:func:`sweep_base`).
    profile
        The case at this value.
    file
        The case's file, for messages.
    top
        How many sites the top holds.
    solver
        As in :func:`siting.jobs.rank.rank_sites`.
    catalogue
        The criteria catalogue.

    Returns
    -------
    StepRanking
    """
    origin = base.origin(profile, file)
    ev = evaluate(profile, base.facts, catalogue, origin_xy=origin)
    return _ranked(base, ev, top=top, solver=solver)


def _ranked(base: SweepBase, ev: Evaluation, *, top: int, solver: str | None) -> StepRanking:
    """Rank an evaluated value: the top, and the rank of every feasible site.

    With the enumeration the top is the head of the order of every feasible site (one
    ordering: the order is total, by quantised utility and site id); a MILP solver's top
    comes first in its own order (:func:`~siting.jobs.rank.feasible_ranks`).
    """
    if solver == ENUMERATION:
        order = enumeration_order(ev)
        top_index = order[:top]
        rank = {ev.site_ids[i]: k for k, i in enumerate(order, start=1)}
    else:
        rows = constraint_rows(ev)
        chosen = SiteChoiceModel(ev.site_ids, ev.utility, rows).solve(solver=solver, top_k=top)
        top_index = [base.index[sid] for sid in chosen.site_ids]
        rank = feasible_ranks(ev, list(chosen.site_ids))
    feasible = ev.feasible
    return StepRanking(
        ev=ev,
        index=base.index,
        rank=rank,
        top=tuple(
            RankedSite(
                rank=k,
                site_id=ev.site_ids[i],
                name=base.names[i],
                municipality=base.municipalities[i],
                utility=round(float(ev.utility[i]), 4),
            )
            for k, i in enumerate(top_index, start=1)
        ),
        n_feasible=int(feasible.sum()),
        n_verified=int((feasible & ~ev.unverified).sum()),
        verified_by_rule=tuple(
            (con.label, int((feasible & ~con.unknown).sum())) for con in ev.constraints
        ),
    )
