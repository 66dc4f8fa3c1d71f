"""Why a lead is unplaced and what a solve's status means, in words."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from siting._wording import format_gap
from siting.model.assignment._common import (
    _SITES_NAMED,
    _TOL,
    _group,
)
from siting.model.assignment.solution import Blocker, _Capacity

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def pair_violations(
    model: AssignmentModel, x: np.ndarray, caps: list[_Capacity], used: Mapping[str, float]
) -> dict[int, list[str]]:
    """Pair -> the capacity rows that adding it to ``x`` would violate, in words."""
    lead_of = model.pairs[:, 0]
    holders = {
        cap.name: [model.lead_ids[int(lead_of[p])] for p in cap.pairs if x[p]] for cap in caps
    }
    out: dict[int, list[str]] = {}
    for cap in caps:
        room = cap.rhs - used[cap.name]
        for p, a in zip(cap.pairs, cap.coefs, strict=True):
            if x[p] or a <= room + _TOL:
                continue
            out.setdefault(int(p), []).append(_rule_text(cap, used[cap.name], a, holders[cap.name]))
    return out


def explain(
    model: AssignmentModel,
    x: np.ndarray,
    caps: list[_Capacity],
    used: Mapping[str, float],
    status: str,
) -> tuple[dict[str, tuple[Blocker, ...]], dict[str, str]]:
    """Return each unplaced lead's blockers and its reason in words."""
    placed = set(model.pairs[x.astype(bool), 0].tolist())
    violations = pair_violations(model, x, caps, used)
    blockers: dict[str, tuple[Blocker, ...]] = {}
    reasons: dict[str, str] = {}
    for lead, ps in enumerate(_group(model.pairs[:, 0], len(model.lead_ids))):
        lid = model.lead_ids[lead]
        if lead in placed:
            continue
        if ps.size == 0:
            reasons[lid] = "no feasible site"
            continue
        order = sorted(
            ps.tolist(), key=lambda p: (-model.utility[p], model.site_ids[model.pairs[p, 1]])
        )
        blockers[lid] = tuple(
            Blocker(
                model.site_ids[model.pairs[p, 1]],
                round(float(model.utility[p]), 6),
                tuple(violations.get(p, ())),
            )
            for p in order
        )
        reasons[lid] = unplaced_reason(blockers[lid], status)
    return blockers, reasons


# --------------------------------------------------------------------------------------------
# reasons in words


def _fmt(value: float) -> str:
    return f"{value:,.4g}"


def _rule_text(cap: _Capacity, used: float, need: float, holders: Sequence[str]) -> str:
    who = _list_ids(holders)
    if need > cap.rhs + _TOL:
        what = {
            "site": "area",
            "zone": f"zone {cap.key} headroom",
            "zone_unknown": f"grid area {cap.key} large-lead count",
            "region": f"labour-market region {cap.key} absorption",
        }[cap.kind]
        return f"{what} {_fmt(cap.rhs)} {cap.unit} is less than the {_fmt(need)} {cap.unit} needed"
    if cap.kind == "site_unknown":
        return f"area not known, so it takes one lead: taken by {who}"
    if cap.kind == "zone_unknown":
        return (
            f"grid area {cap.key} publishes no room for a large need, so it takes "
            f"{_fmt(cap.rhs)} large lead(s): taken by {who}"
        )
    if cap.kind == "site":
        return f"area: {_fmt(used)} of {_fmt(cap.rhs)} ha used by {who}; needs {_fmt(need)} ha"
    if cap.kind == "zone":
        return (
            f"zone {cap.key} headroom: {_fmt(used)} of {_fmt(cap.rhs)} MW used by {who}; "
            f"needs {_fmt(need)} MW"
        )
    return (
        f"labour-market region {cap.key} absorption: {_fmt(used)} of {_fmt(cap.rhs)} FTE "
        f"hired by {who}; needs {_fmt(need)} FTE"
    )


def _list_ids(ids: Sequence[str], limit: int = 4) -> str:
    if not ids:
        return "no lead"
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def status_note(
    status: str,
    gap: float,
    gap_rel: float,
    tie_break_status: str,
    *,
    has_pairs: bool = True,
    filled: int = 0,
    greedy_only: bool = False,
    stopped: bool = False,
    relaxation: bool = False,
) -> str:
    """Say in words what a solve's status means for the assignment.

    Parameters
    ----------
    status
        Status of the first stage (:data:`siting.model.solvers.STATUSES`).
    gap
        Relative gap it reached [-] (``nan`` when unknown).
    gap_rel
        Relative gap that was asked for [-].
    tie_break_status
        Status of the tie-break stage (``"skipped"`` when it did not run).
    has_pairs
        Whether any lead has a feasible site.
    filled
        Leads placed after the solve in room the solver's assignment left.
    greedy_only
        The solver found no better assignment in time and the greedy start is reported.
    stopped
        The solve ran past its time limit and its process was killed.
    relaxation
        The gap is proven against the bound of the LP relaxation
        (:mod:`siting.model.assignment.relaxation`), not the solver's own.

    Returns
    -------
    str
    """
    if greedy_only:
        within = "gap unknown" if math.isnan(gap) else f"within {format_gap(gap, status)}"
        how = (
            "was stopped at the time limit (its process killed) before it improved on it"
            if stopped
            else "found no assignment within the time limit that improves on it"
        )
        return (
            f"not proven optimal ({within} of the bound of every lead at its best site): the "
            f"solver {how}, so this is the greedy assignment (each lead, best fit first, to "
            "its best site with room left; then leads moved to better sites while one "
            "fits); raise --time-limit for a better one"
        )
    note = _status_words(status, gap, gap_rel, tie_break_status, has_pairs=has_pairs)
    if stopped:
        note = (
            "the solver ran past its time limit and was stopped (its process killed); this "
            "is the best assignment it had reported: " + note
        )
    if relaxation and status in ("optimal", "within_gap", "feasible"):
        note += (
            "; the gap is proven against the bound of the LP relaxation (HiGHS, by weak duality)"
        )
    if filled:
        note += (
            f"; {filled} lead(s) were placed after the solve, in room its assignment "
            "left (this only raises the total fit)"
        )
    return note


def _status_words(
    status: str, gap: float, gap_rel: float, tie_break_status: str, *, has_pairs: bool
) -> str:
    if not has_pairs:
        return "no lead has a feasible site: nothing to assign"
    ties = "ties between equally good assignments are not broken deterministically"
    reached = (
        "an unknown gap" if math.isnan(gap) else format_gap(gap, status).replace("< ", "less than ")
    )
    if status == "optimal":
        if tie_break_status == "optimal":
            return (
                "proven optimal; ties between equally good assignments are broken "
                "deterministically (identical inputs give the identical assignment)"
            )
        return (
            f"the total fit is proven optimal, but the tie-break stage ended "
            f"{tie_break_status}: {ties}"
        )
    if status == "within_gap":
        within = f"within the requested {gap_rel:.2%}" if math.isnan(gap) else f"within {reached}"
        return (
            f"not proven optimal: the assignment is {within} of the optimum (requested "
            f"relative gap of {gap_rel:.2%}); {ties}"
        )
    if status == "feasible":
        asked = f", not the requested {gap_rel:.2%}" if gap_rel > 0 else ""
        return (
            f"not proven optimal: the solver stopped at the time limit with an assignment "
            f"within {reached} of the optimum{asked}; {ties}"
        )
    return f"the solver returned no assignment (status {status})"


def unplaced_reason(
    blockers: Sequence[Blocker], status: str, site_label: Mapping[str, str] | None = None
) -> str:
    """Say in words why a lead with feasible sites is unplaced.

    Parameters
    ----------
    blockers
        Its feasible sites, best first, each with the capacity rows that keep it off.
    status
        Status of the solve (a lead with a free site is only left out by a stopped solve).
    site_label
        Site id -> how to name it (default: the id).

    Returns
    -------
    str
    """
    label = dict(site_label or {})
    taken = [b for b in blockers if b.rules]
    free = [b for b in blockers if not b.rules]
    if free:
        return (
            f"not placed by the solver (status {status}): "
            f"{label.get(free[0].site_id, free[0].site_id)} still had room"
        )
    # sites taken by other leads first, then those whose capacity is too small anyway
    taken = sorted(taken, key=lambda b: all("less than" in r for r in b.rules))
    parts = [
        f"{label.get(b.site_id, b.site_id)} ({'; '.join(b.rules)})" for b in taken[:_SITES_NAMED]
    ]
    more = f"; and {len(taken) - _SITES_NAMED} more site(s)" if len(taken) > _SITES_NAMED else ""
    head = (
        "its feasible sites are taken: "
        if any("less than" not in r for b in taken for r in b.rules)
        else "its feasible sites lack the capacity it needs: "
    )
    return head + ", ".join(parts) + more
