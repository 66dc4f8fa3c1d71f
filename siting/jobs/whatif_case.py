"""Cases for the what-if tools: read, ranked, and explained per site.

:func:`siting.jobs.compare.compare` and :func:`siting.jobs.sweep.sweep` both rank a case (a profile
or a
scenario, as an object or a file) and then ask, per site, for its outcome, utility, rule
statuses and criterion contributions; this module holds that shared part.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from siting.criteria.evaluation import Evaluation, evaluate
from siting.inputs.catalogue import Catalogue
from siting.inputs.origin import resolve_origin
from siting.inputs.profile import Profile, load_profile
from siting.inputs.scenario import Scenario, apply_scenario, is_scenario_file, load_scenario
from siting.jobs.facts_cache import cached_site_facts
from siting.jobs.rank import feasible_ranks, ranking_of
from siting.jobs.site_columns import site_columns
from siting.layers.load import GeoData
from siting.layers.site_table import site_table
from siting.results.ranking import RankingResult
from siting.results.whatif import RankedSite

#: A case: a profile or a scenario, as an object or a file.
CaseInput = Profile | Scenario | str | Path


@dataclass(frozen=True)
class PreparedCase:
    """A case ready to rank: its name, file, profile and the data it is ranked on."""

    name: str
    file: str
    profile: Profile
    data: GeoData


@dataclass(frozen=True)
class RankedCase:
    """A case ranked, with what the explanations need for every site."""

    case: PreparedCase
    result: RankingResult
    ev: Evaluation
    index: dict[str, int]  # site id -> position in the evaluation
    rank: dict[str, int]  # site id -> rank among all feasible sites
    names: list[str]
    municipalities: list[str]

    def outcome(self, sid: str) -> str:
        """Return the site's outcome (recommended / feasible / excluded), or ``absent``."""
        if sid not in self.index:
            return "absent"
        if sid in self.recommended:
            return "recommended"
        return "feasible" if self.ev.feasible[self.index[sid]] else "excluded"

    @cached_property
    def recommended(self) -> frozenset[str]:
        """The ids of the recommended sites (the outcome of a site without its record)."""
        return frozenset(rec.site_id for rec in self.result.recommendations)

    def utility(self, sid: str) -> float | None:
        """Return the site's utility (4 decimals), ``None`` when it is not in the data."""
        return None if sid not in self.index else round(float(self.ev.utility[self.index[sid]]), 4)

    def feasible(self, sid: str) -> bool:
        """Return whether the site is in the data and satisfies every hard constraint."""
        return sid in self.index and bool(self.ev.feasible[self.index[sid]])

    def rule_status(self, sid: str, *, facts: bool = True) -> dict[str, tuple[str, str, str, str]]:
        """Rule name -> (status, label, requirement, the site's fact; "" without ``facts``)."""
        i = self.index[sid]
        out = {}
        for con in self.ev.constraints:
            status = "unknown" if con.unknown[i] else "pass" if con.passes[i] else "fail"
            out[con.name] = (status, con.label, con.requirement, con.describe(i) if facts else "")
        return out

    def rule_fact(self, sid: str, rule: str) -> str:
        """Return the site's fact for one rule, in words ("" when the rule does not apply)."""
        i = self.index[sid]
        return next((con.describe(i) for con in self.ev.constraints if con.name == rule), "")

    def contributions(self, sid: str) -> dict[str, tuple[str, float, float, float]]:
        """Criterion -> (label, contribution, weight, normalised score)."""
        i = self.index[sid]
        return {
            c.name: (c.label, float(c.contribution[i]), c.weight, float(c.score[i]))
            for c in self.ev.criteria
        }


def prepare_case(case: CaseInput, data: GeoData, catalogue: Catalogue) -> PreparedCase:
    """Read a case (profile or scenario, object or file) and apply a scenario's data changes."""
    if isinstance(case, Profile):
        return PreparedCase(case.company.id, "profile", case, data)
    if isinstance(case, Scenario):
        profile, changed = apply_scenario(case, data, catalogue=catalogue)
        return PreparedCase(case.name, case.file, profile, changed)
    path = Path(case)
    if is_scenario_file(path):
        scenario = load_scenario(path)
        profile, changed = apply_scenario(scenario, data, catalogue=catalogue)
        return PreparedCase(scenario.name, str(path), profile, changed)
    profile = load_profile(path)
    return PreparedCase(profile.company.id, str(path), profile, data)


def rank_case(
    case: PreparedCase, *, top: int, solver: str | None, catalogue: Catalogue
) -> RankedCase:
    """Rank a case, and rank every feasible site below the top for the explanations."""
    table = site_table(data=case.data)
    origin = resolve_origin(case.profile, case.data, file=case.file)
    ev = evaluate(case.profile, cached_site_facts(table, case.data), catalogue, origin_xy=origin)
    result = ranking_of(
        ev, case.profile, case.data, catalogue, origin, top=top, solver=solver, time_limit_s=None
    )
    rank = feasible_ranks(ev, [rec.site_id for rec in result.recommendations])
    return RankedCase(
        case=case,
        result=result,
        ev=ev,
        index={sid: i for i, sid in enumerate(ev.site_ids)},
        rank=rank,
        names=list(site_columns(table).name),
        municipalities=list(site_columns(table).municipality),
    )


def top_sites(ranked: RankedCase) -> tuple[RankedSite, ...]:
    """Return the recommended sites of a ranked case."""
    return tuple(
        RankedSite(
            rank=r.rank,
            site_id=r.site_id,
            name=r.name,
            municipality=r.municipality,
            utility=r.utility,
        )
        for r in ranked.result.recommendations
    )
