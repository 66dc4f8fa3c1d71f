"""What-if comparisons: what moves when the case or the data change, and why.

Module API
----------
:func:`compare`
    ``compare(base, *variants, top=10, solver=None, geodata_dir=None) -> Comparison``: rank the
    base case and each variant (each a :class:`~siting.inputs.profile.Profile`, a profile file, a
    :class:`~siting.inputs.scenario.Scenario` or a scenario file) and explain, per variant, which
    sites moved, entered or left the top, became feasible or infeasible, with the cause of each
    change in words (the hard rule whose status changed, or the criterion contributions that
    changed, or the sites that passed it), and a one-paragraph summary.

Parameter sweeps are in :mod:`siting.jobs.sweep`. Everything returned is a frozen dataclass with
``to_dict()`` (JSON-ready). Causes are computed from the same evaluation the ranking uses
(:func:`siting.criteria.evaluation.evaluate`): rule statuses per site (pass / fail / unknown, with
the
fact the rule looked at) and criterion contributions (weight x normalised score).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from siting._errors import Problem, SitingInputError
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.jobs.compare_texts import (
    NAMES_SHOWN,
    count_phrase,
    describe_changes,
    site_name,
    tally,
    variant_summary,
)
from siting.jobs.whatif_case import (
    CaseInput,
    RankedCase,
    prepare_case,
    rank_case,
    top_sites,
)
from siting.layers.load import GeoData, load_geodata
from siting.progress import ProgressArg, progress_reporter
from siting.results.whatif import (
    Comparison,
    RankedSite,
    SiteChange,
    VariantComparison,
)

__all__ = [
    "Comparison",
    "RankedSite",
    "SiteChange",
    "VariantComparison",
    "compare",
    "describe_changes",
]

#: Contribution differences below this are not named as a cause.
MIN_CONTRIBUTION = 0.0005


# --- compare ----------------------------------------------------------------------------------


def compare(
    base: CaseInput,
    *variants: CaseInput,
    top: int = 10,
    solver: str | None = None,
    geodata_dir: str | Path | None = None,
    data: GeoData | None = None,
    catalogue: Catalogue | str | Path | None = None,
    progress: ProgressArg = None,
) -> Comparison:
    """Rank a base case and its variants and explain what changed and why.

    Parameters
    ----------
    base, variants
        Each a :class:`~siting.inputs.profile.Profile`, a
        :class:`~siting.inputs.scenario.Scenario`, or the
        path of a profile or scenario TOML file (a scenario has a ``[scenario]`` table).
    top
        How many sites each top list holds.
    solver
        As in :func:`siting.jobs.rank.rank_sites` (``"enumeration"`` is exact and fast).
    geodata_dir
        Data folder; ``None`` for the default.
    data
        Layers already loaded; overrides ``geodata_dir``. Scenarios change copies of them.
    catalogue
        Criteria catalogue; default the project's.
    progress
        Reports the cases ranked so far: a callable ``progress(done, total)`` or a
        :class:`siting.progress.Progress`.

    Returns
    -------
    Comparison

    Raises
    ------
    SitingInputError
        For an invalid profile, scenario or option.
    """
    if top < 1:
        raise SitingInputError(
            Problem(file="<options>", column="top", label="option", message="must be at least 1")
        )
    data = load_geodata(geodata_dir) if data is None else data
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    report = progress_reporter(progress)
    report.stage("ranking the cases", 1 + len(variants))
    base_ranked = rank_case(
        prepare_case(base, data, catalogue), top=top, solver=solver, catalogue=catalogue
    )
    report.advance(1)
    out = []
    for k, variant in enumerate(variants, start=2):
        ranked = rank_case(
            prepare_case(variant, data, catalogue), top=top, solver=solver, catalogue=catalogue
        )
        out.append(_compare_one(base_ranked, ranked, catalogue))
        report.advance(k)
    return Comparison(
        base_name=base_ranked.case.name,
        base_file=base_ranked.case.file,
        top=top,
        base_top=top_sites(base_ranked),
        base=base_ranked.result,
        variants=tuple(out),
        base_profile=base_ranked.case.profile,
        base_data=base_ranked.case.data,
    )


def _compare_one(b: RankedCase, v: RankedCase, catalogue: Catalogue) -> VariantComparison:
    changes = describe_changes(b.case.profile, v.case.profile, b.case.data, v.case.data)
    base_top = [r.site_id for r in b.result.recommendations]
    new_top = [r.site_id for r in v.result.recommendations]
    feasibility: dict[str, SiteChange] = {}
    for sid in _feasibility_candidates(b, v):
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
        kind = (
            "entered the top"
            if in1 and not in0
            else "left the top"
            if in0 and not in1
            else "moved up"
            if (r1 or 0) < (r0 or 0)
            else "moved down"
        )
        moves.append(_site_change(b, v, sid, kind))
    moves.sort(key=lambda c: (c.base_rank is None, c.base_rank or 0, c.new_rank or 10**6))
    gained = tuple(c for c in feasibility.values() if v.feasible(c.site_id))
    lost = tuple(c for c in feasibility.values() if not v.feasible(c.site_id))
    gained = tuple(sorted(gained, key=lambda c: c.new_rank or 10**6))
    lost = tuple(sorted(lost, key=lambda c: c.base_rank or 10**6))
    variant = VariantComparison(
        name=v.case.name,
        file=v.case.file,
        changes=changes,
        base_feasible=b.result.n_feasible,
        feasible=v.result.n_feasible,
        top=top_sites(v),
        moves=tuple(moves),
        became_feasible=gained,
        became_infeasible=lost,
        summary="",
        result=v.result,
        profile=v.case.profile,
        data=v.case.data,
    )
    summary = variant_summary(b, v, variant, catalogue)
    return VariantComparison(
        **{**{f: getattr(variant, f) for f in variant.__dataclass_fields__}, "summary": summary}
    )


def _feasibility_candidates(b: RankedCase, v: RankedCase) -> list[str]:
    """Return the sites whose feasibility may have changed, in site order (base sites first).

    On the same sites (a variant of the needs only) these are where the two feasibility
    arrays differ; with sites added or withdrawn, every site of either case.
    """
    ids = b.ev.site_ids
    if ids == v.ev.site_ids:
        return [ids[k] for k in np.flatnonzero(b.ev.feasible != v.ev.feasible).tolist()]
    return list(dict.fromkeys([*b.index, *v.index]))


def _site_change(b: RankedCase, v: RankedCase, sid: str, kind: str) -> SiteChange:
    side = v if sid in v.index else b
    i = side.index[sid]
    return SiteChange(
        site_id=sid,
        name=side.names[i],
        municipality=side.municipalities[i],
        change=kind,
        base_rank=b.rank.get(sid) if b.feasible(sid) else None,
        new_rank=v.rank.get(sid) if v.feasible(sid) else None,
        base_outcome=b.outcome(sid),
        new_outcome=v.outcome(sid),
        base_utility=b.utility(sid),
        new_utility=v.utility(sid),
        causes=_causes(b, v, sid, kind),
    )


def _causes(b: RankedCase, v: RankedCase, sid: str, kind: str) -> tuple[str, ...]:
    if kind == "withdrawn":
        return ("withdrawn from the candidate sites by the variant",)
    if kind == "added":
        causes = ["added by the variant (a hypothetical site)"]
        if not v.feasible(sid):
            causes += [
                f"fails {label}: needs {req}; the site has {fact}"
                for rule, (status, label, req, fact) in v.rule_status(sid).items()
                if status == "fail" or (status == "unknown" and not v.ev.accepts_unknown(rule))
            ]
        return tuple(causes)
    causes = _rule_causes(b, v, sid)
    if kind in ("became feasible", "became infeasible"):
        return tuple(causes) or ("its rule statuses did not change; the rules themselves did",)
    causes += _score_causes(b, v, sid)
    causes += _neighbour_causes(b, v, sid)
    return tuple(causes) or ("no change of its own; ranks shifted around it",)


def _rule_causes(b: RankedCase, v: RankedCase, sid: str) -> list[str]:
    # statuses first; a site's fact is worded only for the rules a cause names
    before, after = b.rule_status(sid, facts=False), v.rule_status(sid, facts=False)
    out = []
    for name in dict.fromkeys([*before, *after]):
        s0 = before.get(name, ("not applied", "", "", ""))
        s1 = after.get(name, ("not applied", "", "", ""))
        label = s1[1] or s0[1]
        accepted0 = s0[0] == "unknown" and b.ev.accepts_unknown(name)
        accepted1 = s1[0] == "unknown" and v.ev.accepts_unknown(name)
        if s0[0] == s1[0] and accepted0 == accepted1:
            if s0[0] == "fail":
                had, has = b.rule_fact(sid, name), v.rule_fact(sid, name)
                if (s0[2], had) != (s1[2], has):
                    out.append(f"still fails {label}: needs {s1[2]}; the site has {has}")
            continue
        has = v.rule_fact(sid, name) if name in after else ""
        if s1[0] == "fail":
            out.append(f"now fails {label}: needs {s1[2]}; the site has {has}")
        elif s1[0] == "not applied":
            had = b.rule_fact(sid, name)
            out.append(f"{label} no longer applies (before: {s0[0]}, the site has {had})")
        elif s1[0] == "pass":
            req = f" ({s1[2]})" if s1[2] else ""
            out.append(f"now passes {label}{req}: the site has {has}")
        else:  # unknown
            verdict = "passes as a fact to confirm" if accepted1 else "must be verified: fails"
            out.append(f"{label} is now unknown ({verdict}): the site has {has}")
    return out


def _score_causes(b: RankedCase, v: RankedCase, sid: str) -> list[str]:
    u0, u1 = b.utility(sid), v.utility(sid)
    assert u0 is not None and u1 is not None
    if abs(u1 - u0) < MIN_CONTRIBUTION:
        return []
    c0, c1 = b.contributions(sid), v.contributions(sid)
    diffs = sorted(((c1[k][1] - c0[k][1], k) for k in c1 if k in c0), key=lambda d: -abs(d[0]))
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
        parts.append(f"{label} {diff:+.3f} ({', '.join(how)})" if how else f"{label} {diff:+.3f}")
    verb = "rose" if u1 > u0 else "fell"
    return [f"its score {verb} from {u0:.3f} to {u1:.3f}: " + "; ".join(parts)]


def _neighbour_causes(b: RankedCase, v: RankedCase, sid: str) -> list[str]:
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
            name = site_name(b, s)
            if s not in v.index:
                kind, why = "withdrawn", "withdrawn"
            elif not v.feasible(s):
                fails = [
                    label
                    for rule, (status, label, _, _) in v.rule_status(s).items()
                    if status == "fail" or (status == "unknown" and not v.ev.accepts_unknown(rule))
                ]
                kind, why = "now excluded", f"now excluded: fails {', '.join(fails)}"
            else:
                kind, why = "fell below it", "fell below it"
            kinds.append(kind)
            reasons.append(f"{name} ({why})")
        more = f" and {len(gone) - NAMES_SHOWN} more" if len(gone) > NAMES_SHOWN else ""
        out.append(
            f"{count_phrase(len(gone), 'site')} ranked above it no longer "
            f"{'is' if len(gone) == 1 else 'are'} ({tally(kinds)}): "
            f"{'; '.join(reasons[:NAMES_SHOWN])}{more}"
        )
    new = sorted(above1 - above0, key=lambda s: v.rank[s])
    if new:
        reasons, kinds = [], []
        for s in new:
            name = site_name(v, s)
            if s not in b.index:
                kind, why = "new site", "new site"
            elif not b.feasible(s):
                kind, why = "newly feasible", "newly feasible"
            else:
                kind, why = "overtook it", f"score {b.utility(s):.3f} -> {v.utility(s):.3f}"
            kinds.append(kind)
            reasons.append(f"{name} ({why})")
        more = f" and {len(new) - NAMES_SHOWN} more" if len(new) > NAMES_SHOWN else ""
        out.append(
            f"{count_phrase(len(new), 'site')} now rank"
            f"{'s' if len(new) == 1 else ''} above it ({tally(kinds)}): "
            f"{'; '.join(reasons[:NAMES_SHOWN])}{more}"
        )
    return out
