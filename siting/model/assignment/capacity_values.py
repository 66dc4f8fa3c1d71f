"""The value of one more unit of each binding capacity, by re-solving the model."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import (
    _TOL,
)
from siting.model.assignment.heuristics import greedy_assignment, kept_pairs
from siting.model.assignment.milp import solve_stage
from siting.model.assignment.solution import CapacityValue, _Capacity

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def value_capacities(
    model: AssignmentModel,
    x: np.ndarray,
    caps: list[_Capacity],
    used: Mapping[str, float],
    solver: str,
    limit: float,
    max_resolves: int,
    status: str,
    gap_rel: float = 0.0,
) -> tuple[tuple[CapacityValue, ...], str]:
    """Re-solve with one more unit of each binding capacity; return the values and a note."""
    lead_of = model.pairs[:, 0]
    base_site = {int(lead_of[p]): int(model.pairs[p, 1]) for p in np.flatnonzero(x)}
    base_q = model._fit(x)
    candidates = []
    for cap in caps:
        if cap.kind in ("site_unknown", "zone_unknown"):
            continue
        room = cap.rhs - used[cap.name]
        blocked = {
            int(lead_of[p])
            for p, a in zip(cap.pairs, cap.coefs, strict=True)
            if not x[p] and a > room + _TOL
        }
        admissible = any(
            not x[p] and room + _TOL < a <= cap.rhs + 1.0 + _TOL
            for p, a in zip(cap.pairs, cap.coefs, strict=True)
        )
        if blocked and admissible:
            candidates.append((cap, len(blocked)))
    candidates.sort(key=lambda item: (-item[1], item[0].kind, item[0].key))
    done = candidates[:max_resolves]
    values = []
    for cap, competing in done:
        outcome, x_new = solve_stage(
            model, solver, limit, extra={cap.name: 1.0}, gap_rel=gap_rel, start=x
        )
        if x_new is not None and outcome.status != "optimal":
            # as the main solve: fill room the re-solve left, so like is compared with like
            extra = {cap.name: 1.0}
            x_new = greedy_assignment(
                model, extra=extra, keep=kept_pairs(model, extra), start=x_new
            )
        gain: float = math.nan
        changed: tuple[str, ...] = ()
        if x_new is not None:
            new_site = {int(lead_of[p]): int(model.pairs[p, 1]) for p in np.flatnonzero(x_new)}
            changed = tuple(
                model.lead_ids[lead]
                for lead in range(len(model.lead_ids))
                if base_site.get(lead) != new_site.get(lead)
            )
            gain = round(max(0.0, model._fit(x_new) - base_q), 6)
        values.append(
            CapacityValue(
                cap.kind,
                cap.key,
                cap.unit,
                cap.rhs,
                used[cap.name],
                1.0,
                gain,
                competing,
                outcome.status,
                changed,
            )
        )
    values.sort(
        key=lambda v: (
            -(0.0 if math.isnan(v.added_value) else v.added_value),
            -v.leads_competing,
            v.kind,
            v.key,
        )
    )
    if gap_rel > 0:
        note = (
            f"approximate marginal values by re-solving the MILP with one more unit "
            f"of each binding capacity ({len(done)} re-solve(s)) to the same relative "
            f"gap of {gap_rel:.2%}: each re-solve is only within that gap of its "
            "optimum, so a value can be off by up to that share of the objective "
            f"(about {gap_rel * model._fit(x):.4g}); give no gap for exact values"
        )
    else:
        note = (
            f"exact marginal values by re-solving the MILP with one more unit of each "
            f"binding capacity ({len(done)} re-solve(s))"
        )
    if len(candidates) > len(done):
        note += (
            f"; {len(candidates) - len(done)} further binding row(s) not re-solved "
            f"(cap of {max_resolves}, rows with most leads competing first)"
        )
    if not candidates:
        note = (
            "no capacity row blocks a lead that one more unit could admit: one more "
            "unit anywhere adds nothing"
        )
    if status != "optimal" and not (status == "within_gap" and gap_rel > 0):
        note += f"; the main solve is {status}, so the values are approximate"
    return tuple(values), note
