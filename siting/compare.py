"""What-if comparisons and parameter sweeps: what moves when the case or the data change, and why.

Module API
----------
:func:`compare`
    ``compare(base, *variants, top=10, solver=None, geodata_dir=None) -> Comparison``: rank the
    base case and each variant (each a :class:`~siting.profile.Profile`, a profile file, a
    :class:`~siting.scenario.Scenario` or a scenario file) and explain, per variant, which
    sites moved, entered or left the top, became feasible or infeasible, with the cause of each
    change in words (the hard rule whose status changed, or the criterion contributions that
    changed, or the sites that passed it), and a one-paragraph summary.
:func:`sweep`
    ``sweep(case, "needs.power_mw", "2:20:2", top=5) -> Sweep``: rank along one numeric
    parameter and report, per site, the value at which it enters or leaves the feasible set
    and the top.
:func:`parse_values`
    ``"start:stop:step"`` (stop included when it lands on the grid) or ``"1,2,5"`` -> values.
:func:`sweep_chart_svg`
    A small SVG chart of each top site's rank along the swept parameter (no extra
    dependency); :func:`sweep_chart_html` wraps it in an HTML page.

Everything returned is a frozen dataclass with ``to_dict()`` (JSON-ready). Causes are
computed from the same evaluation the ranking uses (:func:`siting.criteria.evaluate`): rule
statuses per site (pass / fail / unknown, with the fact the rule looked at) and criterion
contributions (weight x normalised score).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError
from siting.criteria import Catalogue, Evaluation, evaluate, load_catalogue, site_facts
from siting.layers import GeoData, load_geodata
from siting.model import rank_by_enumeration
from siting.profile import Profile, load_profile, parse_profile
from siting.rank import rank_sites, resolve_origin
from siting.result import RankingResult, json_ready
from siting.scenario import (
    SITE_FIELDS,
    ZONE_FIELDS,
    Scenario,
    apply_scenario,
    is_scenario_file,
    load_scenario,
)
from siting.site_table import site_table

#: Contribution differences below this are not named as a cause.
MIN_CONTRIBUTION = 0.0005
#: How many sites a sentence names at most.
NAMES_SHOWN = 3

CaseInput = Profile | Scenario | str | Path


# --- result objects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteChange:
    """What happened to one site between the base and a variant, and why.

    Attributes
    ----------
    site_id, name, municipality
        Which site.
    change
        ``"moved up"``, ``"moved down"``, ``"entered the top"``, ``"left the top"``,
        ``"became feasible"``, ``"became infeasible"``, ``"added"`` or ``"withdrawn"``.
    base_rank, new_rank
        Rank among all feasible sites (``None`` when excluded or absent).
    base_outcome, new_outcome
        ``"recommended"``, ``"feasible"``, ``"excluded"`` or ``"absent"``.
    base_utility, new_utility
        Weighted score in [0, 1] (``None`` when absent).
    causes
        The causes in words, most important first.
    """

    site_id: str
    name: str
    municipality: str
    change: str
    base_rank: int | None
    new_rank: int | None
    base_outcome: str
    new_outcome: str
    base_utility: float | None
    new_utility: float | None
    causes: tuple[str, ...]

    @property
    def movement(self) -> str:
        """``#1 -> #3``, ``#4 -> excluded``, ``absent -> #2`` ..."""
        def where(rank: int | None, outcome: str) -> str:
            return f"#{rank}" if rank is not None else outcome
        return (f"{where(self.base_rank, self.base_outcome)} -> "
                f"{where(self.new_rank, self.new_outcome)}")


@dataclass(frozen=True)
class RankedSite:
    """One site of a top list."""

    rank: int
    site_id: str
    name: str
    municipality: str
    utility: float


@dataclass(frozen=True)
class VariantComparison:
    """One variant against the base.

    Attributes
    ----------
    name, file
        The variant (scenario name or company id) and where it came from.
    changes
        What the variant changes (profile fields, zones, sites), in words.
    base_feasible, feasible
        Number of feasible sites in the base and in the variant.
    top
        The variant's top sites.
    moves
        Sites in either top whose rank changed (incl. entering and leaving the top).
    became_feasible, became_infeasible
        Sites whose feasibility changed (added and withdrawn sites included).
    summary
        One paragraph in words.
    result
        The variant's full ranking.
    """

    name: str
    file: str
    changes: tuple[str, ...]
    base_feasible: int
    feasible: int
    top: tuple[RankedSite, ...]
    moves: tuple[SiteChange, ...]
    became_feasible: tuple[SiteChange, ...]
    became_infeasible: tuple[SiteChange, ...]
    summary: str
    result: RankingResult = field(repr=False)
    profile: Profile = field(repr=False, compare=False)
    data: GeoData = field(repr=False, compare=False)

    def to_dict(self, *, full: bool = True) -> dict[str, Any]:
        """JSON-ready data; ``full`` adds the variant's whole ranking under ``result``."""
        out = {
            "name": self.name, "file": self.file, "changes": list(self.changes),
            "base_feasible": self.base_feasible, "feasible": self.feasible,
            "top": [asdict(s) for s in self.top],
            "moves": [_change_dict(c) for c in self.moves],
            "became_feasible": [_change_dict(c) for c in self.became_feasible],
            "became_infeasible": [_change_dict(c) for c in self.became_infeasible],
            "summary": self.summary,
        }
        if full:
            out["result"] = self.result.to_dict()
        return json_ready(out)


@dataclass(frozen=True)
class Comparison:
    """A base case and its variants, ranked and compared.

    Attributes
    ----------
    base_name, base_file
        The base case.
    top
        Length of the top lists compared.
    base_top
        The base's top sites.
    base
        The base's full ranking.
    variants
        One comparison per variant, in the order given.
    """

    base_name: str
    base_file: str
    top: int
    base_top: tuple[RankedSite, ...]
    base: RankingResult = field(repr=False)
    variants: tuple[VariantComparison, ...] = ()
    base_profile: Profile | None = field(default=None, repr=False, compare=False)
    base_data: GeoData | None = field(default=None, repr=False, compare=False)

    def to_dict(self, *, full: bool = True) -> dict[str, Any]:
        """JSON-ready data; ``full`` adds every whole ranking (``base.result``, ...)."""
        base: dict[str, Any] = {"name": self.base_name, "file": self.base_file,
                                "feasible": self.base.n_feasible,
                                "top": [asdict(s) for s in self.base_top]}
        if full:
            base["result"] = self.base.to_dict()
        return json_ready({"top": self.top, "base": base,
                            "variants": [v.to_dict(full=full) for v in self.variants]})


def _change_dict(change: SiteChange) -> dict[str, Any]:
    return {**asdict(change), "movement": change.movement}


# --- preparing and evaluating cases -----------------------------------------------------------


@dataclass(frozen=True)
class _Case:
    name: str
    file: str
    profile: Profile
    data: GeoData


@dataclass(frozen=True)
class _Ranked:
    """A case ranked, with what the explanations need for every site."""

    case: _Case
    result: RankingResult
    ev: Evaluation
    index: dict[str, int]       # site id -> position in the evaluation
    rank: dict[str, int]        # site id -> rank among all feasible sites
    names: list[str]
    municipalities: list[str]

    def outcome(self, sid: str) -> str:
        if sid not in self.index:
            return "absent"
        return self.result.sites[self.index[sid]].outcome

    def utility(self, sid: str) -> float | None:
        return None if sid not in self.index else round(float(self.ev.utility[self.index[sid]]),
                                                        4)

    def feasible(self, sid: str) -> bool:
        return sid in self.index and bool(self.ev.feasible[self.index[sid]])

    def rule_status(self, sid: str) -> dict[str, tuple[str, str, str, str]]:
        """Rule name -> (status, label, requirement, the site's fact)."""
        i = self.index[sid]
        out = {}
        for con in self.ev.constraints:
            status = ("unknown" if con.unknown[i] else "pass" if con.passes[i] else "fail")
            out[con.name] = (status, con.label, con.requirement, con.describe(i))
        return out

    def contributions(self, sid: str) -> dict[str, tuple[str, float, float, float]]:
        """Criterion -> (label, contribution, weight, normalised score)."""
        i = self.index[sid]
        return {c.name: (c.label, float(c.contribution[i]), c.weight, float(c.score[i]))
                for c in self.ev.criteria}


def _prepare(case: CaseInput, data: GeoData, catalogue: Catalogue) -> _Case:
    if isinstance(case, Profile):
        return _Case(case.company.id, "profile", case, data)
    if isinstance(case, Scenario):
        profile, changed = apply_scenario(case, data, catalogue=catalogue)
        return _Case(case.name, case.file, profile, changed)
    path = Path(case)
    if is_scenario_file(path):
        scenario = load_scenario(path)
        profile, changed = apply_scenario(scenario, data, catalogue=catalogue)
        return _Case(scenario.name, str(path), profile, changed)
    profile = load_profile(path)
    return _Case(profile.company.id, str(path), profile, data)


def _rank(case: _Case, *, top: int, solver: str | None, catalogue: Catalogue) -> _Ranked:
    result = rank_sites(case.profile, top=top, solver=solver, data=case.data,
                        catalogue=catalogue)
    table = site_table(data=case.data)
    origin = resolve_origin(case.profile, case.data, file=case.file)
    ev = evaluate(case.profile, site_facts(table, case.data.campuses), catalogue,
                  origin_xy=origin)
    order = rank_by_enumeration(ev.site_ids, ev.utility, ev.hard_constraints(),
                                top_k=max(1, len(ev.site_ids)))
    rank = {r.site_id: r.rank for r in order.ranking}
    for rec in result.recommendations:  # the solver's own order within the top
        rank[rec.site_id] = rec.rank
    top_ids = {rec.site_id for rec in result.recommendations}
    below = [sid for sid, _ in sorted(rank.items(), key=lambda kv: kv[1])
             if sid not in top_ids]
    for k, sid in enumerate(below, start=len(top_ids) + 1):
        rank[sid] = k
    return _Ranked(case=case, result=result, ev=ev,
                   index={sid: i for i, sid in enumerate(ev.site_ids)}, rank=rank,
                   names=table["name"].astype(str).tolist(),
                   municipalities=table["municipality"].astype(str).tolist())


def _top(ranked: _Ranked) -> tuple[RankedSite, ...]:
    return tuple(RankedSite(rank=r.rank, site_id=r.site_id, name=r.name,
                            municipality=r.municipality, utility=r.utility)
                 for r in ranked.result.recommendations)


# --- compare ----------------------------------------------------------------------------------


def compare(
    base: CaseInput,
    *variants: CaseInput,
    top: int = 10,
    solver: str | None = None,
    geodata_dir: str | Path | None = None,
    data: GeoData | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> Comparison:
    """Rank a base case and its variants and explain what changed and why.

    Parameters
    ----------
    base, variants
        Each a :class:`~siting.profile.Profile`, a :class:`~siting.scenario.Scenario`, or the
        path of a profile or scenario TOML file (a scenario has a ``[scenario]`` table).
    top
        How many sites each top list holds.
    solver
        As in :func:`siting.rank.rank_sites` (``"enumeration"`` is exact and fast).
    geodata_dir
        Data folder; ``None`` for the default.
    data
        Layers already loaded; overrides ``geodata_dir``. Scenarios change copies of them.
    catalogue
        Criteria catalogue; default the project's.

    Returns
    -------
    Comparison

    Raises
    ------
    SitingInputError
        For an invalid profile, scenario or option.
    """
    if top < 1:
        raise SitingInputError(Problem(file="<options>", column="top", label="option",
                                       message="must be at least 1"))
    data = load_geodata(geodata_dir) if data is None else data
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    base_ranked = _rank(_prepare(base, data, catalogue), top=top, solver=solver,
                        catalogue=catalogue)
    out = []
    for variant in variants:
        ranked = _rank(_prepare(variant, data, catalogue), top=top, solver=solver,
                       catalogue=catalogue)
        out.append(_compare_one(base_ranked, ranked, catalogue))
    return Comparison(base_name=base_ranked.case.name, base_file=base_ranked.case.file, top=top,
                      base_top=_top(base_ranked), base=base_ranked.result,
                      variants=tuple(out), base_profile=base_ranked.case.profile,
                      base_data=base_ranked.case.data)


def _compare_one(b: _Ranked, v: _Ranked, catalogue: Catalogue) -> VariantComparison:
    changes = describe_changes(b.case.profile, v.case.profile, b.case.data, v.case.data)
    base_top = [r.site_id for r in b.result.recommendations]
    new_top = [r.site_id for r in v.result.recommendations]
    ids = list(dict.fromkeys([*b.index, *v.index]))
    feasibility: dict[str, SiteChange] = {}
    for sid in ids:
        before, after = b.feasible(sid), v.feasible(sid)
        if sid not in v.index:
            kind = "withdrawn"
        elif sid not in b.index:
            kind = "added"
        elif before != after:
            kind = "became feasible" if after else "became infeasible"
        else:
            continue
        feasibility[sid] = _site_change(b, v, sid, kind)
    moves = []
    for sid in dict.fromkeys([*base_top, *new_top]):
        r0 = b.rank.get(sid) if b.feasible(sid) else None
        r1 = v.rank.get(sid) if v.feasible(sid) else None
        if r0 == r1:
            continue
        if sid in feasibility:
            moves.append(feasibility[sid])
            continue
        in0, in1 = sid in base_top, sid in new_top
        kind = ("entered the top" if in1 and not in0 else "left the top" if in0 and not in1
                else "moved up" if (r1 or 0) < (r0 or 0) else "moved down")
        moves.append(_site_change(b, v, sid, kind))
    moves.sort(key=lambda c: (c.base_rank is None, c.base_rank or 0, c.new_rank or 10**6))
    gained = tuple(c for c in feasibility.values() if v.feasible(c.site_id))
    lost = tuple(c for c in feasibility.values() if not v.feasible(c.site_id))
    gained = tuple(sorted(gained, key=lambda c: c.new_rank or 10**6))
    lost = tuple(sorted(lost, key=lambda c: c.base_rank or 10**6))
    variant = VariantComparison(
        name=v.case.name, file=v.case.file, changes=changes,
        base_feasible=b.result.n_feasible, feasible=v.result.n_feasible, top=_top(v),
        moves=tuple(moves), became_feasible=gained, became_infeasible=lost, summary="",
        result=v.result, profile=v.case.profile, data=v.case.data)
    summary = _summary(b, v, variant, catalogue)
    return VariantComparison(**{**{f: getattr(variant, f) for f in
                                   variant.__dataclass_fields__}, "summary": summary})


def _site_change(b: _Ranked, v: _Ranked, sid: str, kind: str) -> SiteChange:
    side = v if sid in v.index else b
    i = side.index[sid]
    return SiteChange(
        site_id=sid, name=side.names[i], municipality=side.municipalities[i], change=kind,
        base_rank=b.rank.get(sid) if b.feasible(sid) else None,
        new_rank=v.rank.get(sid) if v.feasible(sid) else None,
        base_outcome=b.outcome(sid), new_outcome=v.outcome(sid),
        base_utility=b.utility(sid), new_utility=v.utility(sid),
        causes=_causes(b, v, sid, kind))


def _causes(b: _Ranked, v: _Ranked, sid: str, kind: str) -> tuple[str, ...]:
    if kind == "withdrawn":
        return ("withdrawn from the candidate sites by the variant",)
    if kind == "added":
        causes = ["added by the variant (a hypothetical site)"]
        if not v.feasible(sid):
            causes += [f"fails {label}: needs {req}; the site has {fact}"
                       for status, label, req, fact in v.rule_status(sid).values()
                       if status == "fail" or (status == "unknown"
                                               and not v.ev.allow_unknown)]
        return tuple(causes)
    causes = _rule_causes(b, v, sid)
    if kind in ("became feasible", "became infeasible"):
        return tuple(causes) or ("its rule statuses did not change; the rules themselves did",)
    causes += _score_causes(b, v, sid)
    causes += _neighbour_causes(b, v, sid)
    return tuple(causes) or ("no change of its own; ranks shifted around it",)


def _rule_causes(b: _Ranked, v: _Ranked, sid: str) -> list[str]:
    before, after = b.rule_status(sid), v.rule_status(sid)
    out = []
    for name in dict.fromkeys([*before, *after]):
        s0 = before.get(name, ("not applied", "", "", ""))
        s1 = after.get(name, ("not applied", "", "", ""))
        label = s1[1] or s0[1]
        accepted0 = s0[0] == "unknown" and b.ev.allow_unknown
        accepted1 = s1[0] == "unknown" and v.ev.allow_unknown
        if s0[0] == s1[0] and accepted0 == accepted1:
            if s0[0] == "fail" and (s0[2], s0[3]) != (s1[2], s1[3]) and s1[0] == "fail":
                out.append(f"still fails {label}: needs {s1[2]}; the site has {s1[3]}")
            continue
        if s1[0] == "fail":
            out.append(f"now fails {label}: needs {s1[2]}; the site has {s1[3]}")
        elif s1[0] == "not applied":
            out.append(f"{label} no longer applies (before: {s0[0]}, the site has {s0[3]})")
        elif s1[0] == "pass":
            req = f" ({s1[2]})" if s1[2] else ""
            out.append(f"now passes {label}{req}: the site has {s1[3]}")
        else:  # unknown
            verdict = "accepted as unverified" if accepted1 else "not accepted"
            out.append(f"{label} is now unknown ({verdict}): the site has {s1[3]}")
    return out


def _score_causes(b: _Ranked, v: _Ranked, sid: str) -> list[str]:
    u0, u1 = b.utility(sid), v.utility(sid)
    assert u0 is not None and u1 is not None
    if abs(u1 - u0) < MIN_CONTRIBUTION:
        return []
    c0, c1 = b.contributions(sid), v.contributions(sid)
    diffs = sorted(((c1[k][1] - c0[k][1], k) for k in c1 if k in c0),
                   key=lambda d: -abs(d[0]))
    parts = []
    for diff, k in diffs[:3]:
        if abs(diff) < MIN_CONTRIBUTION:
            continue
        label, _, w1, s1 = c1[k]
        _, _, w0, s0 = c0[k]
        how = []
        if abs(w1 - w0) > 1e-4:
            how.append(f"weight {w0:.2f} -> {w1:.2f}")
        if abs(s1 - s0) > 1e-4:
            how.append(f"score {s0:.2f} -> {s1:.2f}")
        parts.append(f"{label} {diff:+.3f} ({', '.join(how)})" if how else
                     f"{label} {diff:+.3f}")
    verb = "rose" if u1 > u0 else "fell"
    return [f"its score {verb} from {u0:.3f} to {u1:.3f}: " + "; ".join(parts)]


def _neighbour_causes(b: _Ranked, v: _Ranked, sid: str) -> list[str]:
    r0, r1 = b.rank.get(sid), v.rank.get(sid)
    if r0 is None or r1 is None or not b.feasible(sid) or not v.feasible(sid):
        return []
    above0 = {s for s, r in b.rank.items() if r < r0 and b.feasible(s)}
    above1 = {s for s, r in v.rank.items() if r < r1 and v.feasible(s)}
    out = []
    gone = sorted(above0 - above1, key=lambda s: b.rank[s])
    if gone:
        reasons, kinds = [], []
        for s in gone:
            name = _name(b, s)
            if s not in v.index:
                kind, why = "withdrawn", "withdrawn"
            elif not v.feasible(s):
                fails = [label for status, label, _, _ in v.rule_status(s).values()
                         if status == "fail" or (status == "unknown" and not v.ev.allow_unknown)]
                kind, why = "now excluded", f"now excluded: fails {', '.join(fails)}"
            else:
                kind, why = "fell below it", "fell below it"
            kinds.append(kind)
            reasons.append(f"{name} ({why})")
        more = f" and {len(gone) - NAMES_SHOWN} more" if len(gone) > NAMES_SHOWN else ""
        out.append(f"{_count_phrase(len(gone), 'site')} ranked above it no longer "
                   f"{'is' if len(gone) == 1 else 'are'} ({_tally(kinds)}): "
                   f"{'; '.join(reasons[:NAMES_SHOWN])}{more}")
    new = sorted(above1 - above0, key=lambda s: v.rank[s])
    if new:
        reasons, kinds = [], []
        for s in new:
            name = _name(v, s)
            if s not in b.index:
                kind, why = "new site", "new site"
            elif not b.feasible(s):
                kind, why = "newly feasible", "newly feasible"
            else:
                kind, why = "overtook it", f"score {b.utility(s):.3f} -> {v.utility(s):.3f}"
            kinds.append(kind)
            reasons.append(f"{name} ({why})")
        more = f" and {len(new) - NAMES_SHOWN} more" if len(new) > NAMES_SHOWN else ""
        out.append(f"{_count_phrase(len(new), 'site')} now rank"
                   f"{'s' if len(new) == 1 else ''} above it ({_tally(kinds)}): "
                   f"{'; '.join(reasons[:NAMES_SHOWN])}{more}")
    return out


def _count_phrase(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _tally(kinds: list[str]) -> str:
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def _name(ranked: _Ranked, sid: str) -> str:
    i = ranked.index[sid]
    return f"{ranked.names[i]} ({ranked.municipalities[i]})"


def describe_changes(base: Profile, variant: Profile, base_data: GeoData,
                     data: GeoData) -> tuple[str, ...]:
    """Describe what a variant changes against the base: profile fields, zones, sites.

    Returns
    -------
    tuple of str
        E.g. ``"needs.power_mw: 5 -> 12"``, ``"grid zone Hengelo (O.) (GM0164):
        expected_relief_year 2029 -> 2028"``, ``"site added: ..."``.
    """
    out = []
    flat0, flat1 = _flatten(base.model_dump()), _flatten(variant.model_dump())
    for key in dict.fromkeys([*flat0, *flat1]):
        a, c = flat0.get(key, "(preset)" if key.startswith("weights.") else "-"), flat1.get(
            key, "(preset)" if key.startswith("weights.") else "-")
        if a != c:
            out.append(f"{key}: {_show(a)} -> {_show(c)}")
    if data is not base_data:
        out += _zone_changes(base_data, data)
        out += _site_changes(base_data, data)
    return tuple(out)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): value}


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if value is None or (not isinstance(value, str) and _isna(value)):
        return "unknown"
    return str(value)


def _isna(value: Any) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def _zone_changes(base_data: GeoData, data: GeoData) -> list[str]:
    g0 = base_data.grid_congestion.set_index("gm_code")
    g1 = data.grid_congestion.set_index("gm_code")
    names = base_data.municipalities.set_index("gm_code")["name"]
    groups: dict[str, list[str]] = {}
    for code in g1.index.intersection(g0.index):
        parts = []
        for key in ZONE_FIELDS:
            a, c = g0.at[code, key], g1.at[code, key]
            if _show(a) != _show(c):
                parts.append(f"{key} {_show(a)} -> {_show(c)}")
        if parts:
            groups.setdefault("; ".join(parts), []).append(f"{names.get(code, code)} ({code})")
    return [f"grid zone {', '.join(zones)}: {what}" for what, zones in groups.items()]


def _site_changes(base_data: GeoData, data: GeoData) -> list[str]:
    s0 = base_data.sites.set_index("site_id")
    s1 = data.sites.set_index("site_id")
    out = [f"site added: {s1.at[sid, 'name']} ({sid})" for sid in s1.index.difference(s0.index)]
    out += [f"site withdrawn: {s0.at[sid, 'name']} ({sid})"
            for sid in s0.index.difference(s1.index)]
    for sid in s1.index.intersection(s0.index):
        parts = [f"{key} {_show(s0.at[sid, key])} -> {_show(s1.at[sid, key])}"
                 for key in SITE_FIELDS if key != "notes"
                 and _show(s0.at[sid, key]) != _show(s1.at[sid, key])]
        if parts:
            out.append(f"site {s1.at[sid, 'name']} ({sid}): {'; '.join(parts)}")
    return out


def _summary(b: _Ranked, v: _Ranked, variant: VariantComparison, catalogue: Catalogue) -> str:
    sentences = []
    what = "; ".join(variant.changes) if variant.changes else "nothing (same case and data)"
    sentences.append(f"'{variant.name}' changes {what}.")
    sentences.append(f"Feasible sites: {variant.base_feasible} -> {variant.feasible}.")
    lost = [c for c in variant.became_infeasible if c.change != "withdrawn"]
    if lost:
        groups: dict[str, list[SiteChange]] = {}
        for c in lost:
            key = c.causes[0].split(":")[0] if c.causes else "other reasons"
            groups.setdefault(key.removeprefix("now "), []).append(c)
        parts = []
        for reason, sites in groups.items():
            detail = sites[0].causes[0].split(":", 1)[1].strip() if ":" in sites[0].causes[0] \
                else ""
            detail = detail.replace("; the site has", f"; e.g. {sites[0].name}:", 1)
            verb = reason.replace("fails", "fail", 1) if reason.startswith("fails") else reason
            parts.append(f"{len(sites)} now {verb}" + (f" ({detail})" if detail else "")
                         + ": " + _list(sites))
        sentences.append(f"It excludes {_count_phrase(len(lost), 'site')} that "
                         f"{'was' if len(lost) == 1 else 'were'} feasible: "
                         + "; ".join(parts) + ".")
    gained = [c for c in variant.became_feasible if c.change != "added"]
    if gained:
        first = gained[0].causes[0] if gained[0].causes else ""
        first = first.replace("the site has", f"e.g. {gained[0].name} has", 1)
        sentences.append(f"It makes {_count_phrase(len(gained), 'site')} feasible ({first}): "
                         f"{_list(gained)}.")
    for c in variant.became_feasible + variant.became_infeasible:
        if c.change == "added":
            where = f"ranks #{c.new_rank}" if c.new_rank else "is not feasible"
            sentences.append(f"The added site {c.name} {where}"
                             + (f" ({'; '.join(c.causes[1:])})" if c.causes[1:] else "") + ".")
        elif c.change == "withdrawn":
            sentences.append(f"{c.name} is withdrawn (it was "
                             + (f"#{c.base_rank})." if c.base_rank else f"{c.base_outcome}).")
                             )
    top_lost = [c for c in variant.moves if c.change == "became infeasible"]
    if top_lost:
        sentences.append(f"Of the base top {len(b.result.recommendations)}, "
                         f"{len(top_lost)} {'is' if len(top_lost) == 1 else 'are'} now "
                         "excluded: " + ", ".join(f"{c.name} (#{c.base_rank})"
                                                  for c in top_lost) + ".")
    shown = [m for m in variant.moves if m.change not in ("added", "withdrawn",
                                                          "became infeasible")]
    for c in shown[:5]:
        reason = _short_reason(c)
        sentences.append(f"{c.name} ({c.municipality}) moves from "
                         f"{c.movement.replace(' -> ', ' to ')}"
                         + (f" because {reason}" if reason else "") + ".")
    if len(shown) > 5:
        sentences.append(f"{len(shown) - 5} more move(s) are listed below.")
    if not (variant.moves or variant.became_feasible or variant.became_infeasible):
        sentences.append(f"No site changes feasibility or rank in the top "
                         f"{len(variant.top)}.")
        hint = _power_hint(b.case.profile, v.case.profile, catalogue)
        if hint:
            sentences.append(hint)
    return " ".join(sentences)


def _short_reason(change: SiteChange) -> str:
    if not change.causes:
        return ""
    text = change.causes[0]
    if change.change == "became feasible":
        return "it " + text
    if "ranked above it" in text or "above it (" in text:
        return text.split(":")[0]  # the count and the tally, names are in the details
    return text.replace("its score", "its own score", 1)


def _list(sites: Sequence[SiteChange]) -> str:
    shown = ", ".join(f"{c.name} ({c.municipality})" for c in sites[:NAMES_SHOWN])
    return shown + (f" and {len(sites) - NAMES_SHOWN} more" if len(sites) > NAMES_SHOWN else "")


def _power_hint(p0: Profile, p1: Profile, catalogue: Catalogue) -> str:
    small = catalogue.params.small_connection_mw
    a, c = p0.needs.power_mw, p1.needs.power_mw
    if a != c and a > small and c > small:
        return (f"The grid rule treats every need above {small:g} MW as one large connection "
                "(congestion class and expected relief year decide); the size of the need "
                "does not change feasibility by itself.")
    return ""


# --- sweep ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SweepStep:
    """The ranking at one value of the swept parameter.

    Attributes
    ----------
    value
        The parameter's value.
    n_feasible
        Feasible sites.
    top
        The top sites.
    """

    value: float
    n_feasible: int
    top: tuple[RankedSite, ...]


@dataclass(frozen=True)
class SiteTrack:
    """One site along the sweep (every site that is in the top at some value).

    Attributes
    ----------
    site_id, name, municipality
        Which site.
    ranks
        Per value: rank among the feasible sites, ``None`` when excluded.
    utilities
        Per value: weighted score in [0, 1].
    events
        Where it enters or leaves the feasible set or the top, in words (with the rules).
    """

    site_id: str
    name: str
    municipality: str
    ranks: tuple[int | None, ...]
    utilities: tuple[float, ...]
    events: tuple[str, ...]


@dataclass(frozen=True)
class Sweep:
    """Rankings along one numeric parameter.

    Attributes
    ----------
    case
        The case's name.
    parameter
        The swept path (``needs.power_mw``).
    values
        The values, in order.
    top
        Length of the top lists.
    steps
        One per value.
    tracks
        Every site that is in the top at some value, best first at the first value.
    summary
        In words: where sites drop out or enter.
    """

    case: str
    parameter: str
    values: tuple[float, ...]
    top: int
    steps: tuple[SweepStep, ...]
    tracks: tuple[SiteTrack, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return json_ready(asdict(self))

    def drop_out_value(self, site_id: str) -> float | None:
        """Return the first value at which a site feasible at the previous value is excluded."""
        for track in self.tracks:
            if track.site_id == site_id:
                for k in range(1, len(self.values)):
                    if track.ranks[k - 1] is not None and track.ranks[k] is None:
                        return self.values[k]
        return None


def parse_values(spec: str, *, option: str = "--vary") -> tuple[float, ...]:
    """Parse ``start:stop:step`` (stop included when it lands on the grid) or ``a,b,c``.

    Raises
    ------
    SitingInputError
        For text that is neither, a step <= 0, or more than 200 values.
    """
    def bad(message: str) -> SitingInputError:
        return SitingInputError(Problem(file="<options>", column=option, label="option",
                                        message=f"'{spec}': {message}"))
    try:
        numbers = [float(p) for p in spec.replace(":", ",").split(",") if p.strip()]
    except ValueError:
        raise bad("not numbers; give start:stop:step (2:20:2) or a list (2,5,8)") from None
    if ":" in spec:
        if len(numbers) != 3 or spec.count(":") != 2:
            raise bad("give start:stop:step, e.g. 2:20:2")
        start, stop, step = numbers
        if not (step > 0 and stop >= start):
            raise bad("step must be > 0 and stop >= start")
        n = math.floor((stop - start) / step + 1e-9) + 1
        if n > 200:
            raise bad(f"{n} values; at most 200")
        values = [round(start + k * step, 10) for k in range(n)]
    else:
        values = numbers
    if not values:
        raise bad("no values")
    if len(values) > 200:
        raise bad(f"{len(values)} values; at most 200")
    if not all(math.isfinite(x) for x in values):
        raise bad("values must be finite")
    return tuple(values)


def _numeric_path(profile: Profile, parameter: str, catalogue: Catalogue, file: str) -> bool:
    """Check that ``parameter`` is a numeric profile field; return whether it is an integer."""
    def bad(message: str) -> SitingInputError:
        return SitingInputError(Problem(file=file, column=parameter, label="parameter",
                                        message=message))
    parts = parameter.split(".")
    if parts[0] == "weights":
        if len(parts) != 2 or parts[1] not in catalogue.criteria:
            raise bad(f"unknown criterion; known: weights.{', weights.'.join(catalogue.criteria)}")
        return False
    if parts[0] not in ("needs", "constraints", "two_site"):
        raise bad("vary a numeric field of needs.*, needs.talent.*, constraints.* "
                  "(max_relocation_km), two_site.* or weights.<criterion>")
    node: Any = profile.model_dump()
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise bad("no such profile field")
        node = node[part]
    field_info = _field(parts)
    annotation = str(getattr(field_info, "annotation", ""))
    if isinstance(node, bool) or "bool" in annotation or not (
            "float" in annotation or "int" in annotation):
        raise bad("not a numeric field")
    return "int" in annotation and "float" not in annotation


def _field(parts: list[str]) -> Any:
    from pydantic import BaseModel

    model: type[BaseModel] = Profile
    info = None
    for part in parts:
        info = model.model_fields[part]
        args = getattr(info.annotation, "__args__", (info.annotation,))
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            model = nested[0]
    return info


def _with_value(profile: Profile, parameter: str, value: float, *, integer: bool,
                file: str) -> Profile:
    content = profile.model_dump()
    node = content
    parts = parameter.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if integer:
        if value != int(value):
            raise SitingInputError(Problem(file=file, column=parameter, label="parameter",
                                           message=f"{value:g} is not a whole number"))
        node[parts[-1]] = int(value)
    else:
        node[parts[-1]] = value
    return parse_profile(content, file=f"{file} with {parameter} = {value:g}")


def sweep(
    case: CaseInput,
    parameter: str,
    values: str | Sequence[float],
    *,
    top: int = 5,
    solver: str | None = None,
    geodata_dir: str | Path | None = None,
    data: GeoData | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> Sweep:
    """Rank a case along one numeric parameter.

    Parameters
    ----------
    case
        A profile or scenario (object or file).
    parameter
        ``needs.power_mw``, ``needs.land_ha``, ``needs.year``, ``needs.talent.hbo``,
        ``constraints.max_relocation_km``, ``weights.talent_fit``, ... (any numeric field).
    values
        The values, or ``"start:stop:step"`` / ``"a,b,c"`` (see :func:`parse_values`).
    top
        How many sites each step's top holds.
    solver, geodata_dir, data, catalogue
        As in :func:`compare`.

    Returns
    -------
    Sweep

    Raises
    ------
    SitingInputError
        For an unknown or non-numeric parameter, or a value the profile does not allow.
    """
    data = load_geodata(geodata_dir) if data is None else data
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    prepared = _prepare(case, data, catalogue)
    values = parse_values(values) if isinstance(values, str) else tuple(float(x) for x in values)
    integer = _numeric_path(prepared.profile, parameter, catalogue, prepared.file)
    steps, ranked = [], []
    for value in values:
        profile = _with_value(prepared.profile, parameter, value, integer=integer,
                              file=prepared.file)
        r = _rank(_Case(prepared.name, prepared.file, profile, prepared.data), top=top,
                  solver=solver, catalogue=catalogue)
        ranked.append(r)
        steps.append(SweepStep(value=value, n_feasible=r.result.n_feasible, top=_top(r)))
    seen = list(dict.fromkeys(s.site_id for step in steps for s in step.top))
    tracks = []
    unit = _unit(parameter)
    for sid in seen:
        ranks = tuple(r.rank.get(sid) if r.feasible(sid) else None for r in ranked)
        utils = tuple(float(r.utility(sid) or 0.0) for r in ranked)
        events = []
        for k in range(1, len(values)):
            before, after = ranks[k - 1], ranks[k]
            at = f"{values[k]:g}{unit}"
            if before is not None and after is None:
                fails = [label for status, label, _, _ in ranked[k].rule_status(sid).values()
                         if status == "fail" or (status == "unknown"
                                                 and not ranked[k].ev.allow_unknown)]
                events.append(f"drops out of the feasible set at {at} (fails "
                              f"{', '.join(fails)})")
            elif before is None and after is not None:
                events.append(f"becomes feasible at {at} (#{after})")
            elif before is not None and after is not None:
                if before <= top < after:
                    events.append(f"leaves the top {top} at {at} (#{before} -> #{after})")
                elif after <= top < before:
                    events.append(f"enters the top {top} at {at} (#{before} -> #{after})")
        i = ranked[0].index.get(sid, 0)
        tracks.append(SiteTrack(site_id=sid, name=ranked[0].names[i],
                                municipality=ranked[0].municipalities[i], ranks=ranks,
                                utilities=utils, events=tuple(events)))
    tracks.sort(key=lambda t: min((r for r in t.ranks if r is not None), default=10**6))
    feasible = [s.n_feasible for s in steps]
    parts = [f"Along {parameter} from {values[0]:g} to {values[-1]:g}{unit}, the number of "
             f"feasible sites goes {' -> '.join(map(str, _runs(feasible)))}."]
    for t in tracks:
        if t.events:
            parts.append(f"{t.name} ({t.municipality}) {'; '.join(t.events)}.")
    if len(parts) == 1:
        parts.append(f"The top {top} does not change.")
    return Sweep(case=prepared.name, parameter=parameter, values=values, top=top,
                 steps=tuple(steps), tracks=tuple(tracks), summary=" ".join(parts))


def _runs(values: list[int]) -> list[int]:
    out: list[int] = []
    for x in values:
        if not out or out[-1] != x:
            out.append(x)
    return out


def _unit(parameter: str) -> str:
    last = parameter.rsplit(".", 1)[-1]
    for suffix, unit in (("_mw", " MW"), ("_ha", " ha"), ("_km", " km"), ("_m2", " m2")):
        if last.endswith(suffix):
            return unit
    if parameter.startswith("needs.talent."):
        return " FTE"
    return ""


# --- sweep chart ------------------------------------------------------------------------------

_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
            "#17becf", "#7f7f7f", "#bcbd22")


def sweep_chart_svg(result: Sweep, *, max_sites: int = 10) -> str:
    """Draw each top site's rank along the parameter as an SVG line chart.

    Rank 1 is at the top; a site's line stops with a cross where it drops out of the feasible
    set, and the area below the top-``top`` line is shaded. Text is XML-escaped.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    tracks = result.tracks[:max_sites]
    values = result.values
    max_rank = max([result.top + 1, *(r for t in tracks for r in t.ranks if r is not None)])
    max_rank = min(max_rank, result.top * 3)
    width, height, left, right, top_m, bottom = 820, 380, 60, 300, 40, 50
    plot_w, plot_h = width - left - right, height - top_m - bottom

    def x(k: int) -> float:
        return left + (plot_w * k / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y(rank: float) -> float:
        return top_m + plot_h * (rank - 1) / max(max_rank - 1, 1)

    e = html.escape
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
           f'<text x="{left}" y="20" font-size="14" font-weight="bold">'
           f'{e(result.case)}: rank of the top sites along {e(result.parameter)}</text>']
    cut = y(result.top + 0.5)
    out.append(f'<rect x="{left}" y="{cut:.1f}" width="{plot_w}" '
               f'height="{top_m + plot_h - cut + 8:.1f}" fill="#f2f2f2"/>')
    out.append(f'<text x="{left + 4}" y="{cut + 14:.1f}" fill="#777">below the top '
               f'{result.top}</text>')
    for rank in range(1, max_rank + 1):
        out.append(f'<text x="{left - 8}" y="{y(rank) + 4:.1f}" text-anchor="end">#{rank}'
                   '</text>')
    step = max(1, len(values) // 12)
    for k, value in enumerate(values):
        if k % step == 0 or k == len(values) - 1:
            out.append(f'<text x="{x(k):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                       f'{value:g}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle">'
               f'{e(result.parameter)}{e(_unit(result.parameter))}</text>')
    for n, track in enumerate(tracks):
        color = _PALETTE[n % len(_PALETTE)]
        segment: list[str] = []
        for k, rank in enumerate(track.ranks):
            if rank is not None and rank <= max_rank:
                segment.append(f"{x(k):.1f},{y(rank):.1f}")
            if (rank is None or rank > max_rank or k == len(values) - 1) and segment:
                out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2.5" '
                           f'points="{" ".join(segment)}"/>')
                segment = []
            if rank is None and k > 0 and track.ranks[k - 1] is not None:
                px, py = x(k), y(min(track.ranks[k - 1] or 1, max_rank))
                out.append(f'<text x="{px:.1f}" y="{py + 4:.1f}" text-anchor="middle" '
                           f'fill="{color}" font-weight="bold">x</text>')
            if rank is not None and rank <= max_rank:
                out.append(f'<circle cx="{x(k):.1f}" cy="{y(rank):.1f}" r="3" '
                           f'fill="{color}"/>')
        ly = top_m + 16 * n
        out.append(f'<rect x="{width - right + 16}" y="{ly - 9}" width="12" height="4" '
                   f'fill="{color}"/>')
        out.append(f'<text x="{width - right + 34}" y="{ly - 4}">'
                   f'{e(track.name[:38])}</text>')
    out.append(f'<text x="{width - right + 16}" y="{top_m + 16 * len(tracks) + 10}" '
               'fill="#555">x = drops out of the feasible set</text>')
    out.append("</svg>")
    return "\n".join(out)


def sweep_chart_html(result: Sweep) -> str:
    """Return a small self-contained HTML page with the chart and the summary."""
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
            f"{html.escape(result.case)}: sweep of {html.escape(result.parameter)}</title>"
            "</head><body style='font-family:sans-serif;max-width:900px'>"
            f"{sweep_chart_svg(result)}<p>{html.escape(result.summary)}</p></body></html>")


def as_array(track: SiteTrack) -> np.ndarray:
    """Return a track's ranks as floats (NaN where excluded), e.g. for plotting."""
    return np.array([np.nan if r is None else float(r) for r in track.ranks])
