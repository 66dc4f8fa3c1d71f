"""Assemble an :class:`~siting.results.assignment.AssignmentResult` from a solved assignment.

The steps after the solve of :func:`siting.jobs.assign.assign_leads`: every lead's outcome
(placed, unplaced with the reason, invalid with its problem), the use of each candidate site,
grid zone and labour-market region, the values of capacity with their names, and the notes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from siting.jobs.assign_eval import EvaluatedPipeline
from siting.jobs.assign_grid import GridZones, lead_zone_note
from siting.jobs.assign_input import LeadEntry
from siting.model.assignment import AssignmentModel, unplaced_reason
from siting.model.solvers import SOLVED
from siting.results.assignment import (
    INVALID,
    PLACED,
    UNPLACED,
    AssignedLead,
    CapacityLine,
    RegionUse,
    SiteUse,
    ZoneUse,
)


@dataclass(frozen=True)
class SiteColumns:
    """The site table's columns an assignment reads, as plain sequences (one entry per site).

    Attributes
    ----------
    ids, names, gm_codes, municipalities, provinces, zone_ids, status
        Per site: id, name, municipality code, municipality, province, grid zone, status.
    capacity_ha
        Area a site can take [ha]: its available area, 0 when fully issued, ``nan`` unknown.
    xy
        Site point in EPSG:28992 [m], rounded to cm.
    """

    ids: tuple[str, ...]
    names: dict[str, str]
    gm_codes: list[str]
    municipalities: np.ndarray
    provinces: np.ndarray
    zone_ids: list[str]
    status: np.ndarray
    capacity_ha: np.ndarray
    xy: list[tuple[float, float]]

    @classmethod
    def from_table(cls, table: Any) -> SiteColumns:
        """Read the columns from a site table (:func:`siting.layers.site_table.site_table`)."""
        ids = tuple(str(s) for s in table["site_id"])
        status = table["status"].astype(str).to_numpy()
        return cls(
            ids=ids,
            names=dict(zip(ids, table["name"].astype(str), strict=True)),
            gm_codes=table["gm_code"].astype(str).tolist(),
            municipalities=table["municipality"].astype(str).to_numpy(),
            provinces=table["province"].astype(str).to_numpy(),
            zone_ids=[str(z) for z in table["grid_zone_id"]],
            status=status,
            capacity_ha=np.where(
                status == "fully_issued", 0.0, table["available_ha"].astype(float).to_numpy()
            ),
            xy=[
                (round(float(x), 2), round(float(y), 2))
                for x, y in zip(table.geometry.x, table.geometry.y, strict=True)
            ],
        )


def lead_outcomes(
    entries: Sequence[LeadEntry], pipeline: EvaluatedPipeline, sol: Any, sites: SiteColumns
) -> tuple[AssignedLead, ...]:
    """Every lead's outcome, in input order: placed, unplaced with the reason, or invalid."""
    site_label = {s: f"{sites.names[s]} ({s})" for s in sites.ids}
    site_pos = {s: k for k, s in enumerate(sites.ids)}
    outcomes = []
    for entry in entries:
        lid = entry.lead_id
        p = entry.profile
        base = AssignedLead(  # the fields every outcome shares; status and reason set below
            lead_id=lid,
            status=INVALID,
            priority=entry.priority,
            row=entry.row,
            land_ha=p.needs.land_ha if p else math.nan,
            power_mw=p.needs.power_mw if p else math.nan,
            talent_fte=p.needs.talent.total if p else math.nan,
            n_feasible_sites=pipeline.n_feasible.get(lid, 0),
            origin=pipeline.origins.get(lid),
        )
        if p is None or lid not in pipeline.n_feasible:
            outcomes.append(replace(base, reason=entry.problem))
            continue
        site = sol.assignment[lid]
        if site is None:
            reason = _unplaced(lid, pipeline.no_site, sol, site_label)
            outcomes.append(replace(base, status=UNPLACED, reason=reason))
            continue
        k = site_pos[site]
        outcomes.append(
            replace(
                base,
                status=PLACED,
                site_id=site,
                site_name=sites.names[site],
                municipality=str(sites.municipalities[k]),
                province=str(sites.provinces[k]),
                zone_id=sites.zone_ids[k],
                utility=round(sol.utility[lid], 6),
                site_xy=sites.xy[k],
            )
        )
    return tuple(outcomes)


def _unplaced(lid: str, no_site: Mapping[str, str], sol: Any, site_label: Mapping[str, str]) -> str:
    """Why a valid lead is not placed, in words."""
    if lid in no_site:
        return no_site[lid]
    if sol.status not in SOLVED:
        return f"the solver returned no assignment (status {sol.status})"
    return unplaced_reason(sol.blockers.get(lid, ()), sol.status, site_label)


def site_uses(model: AssignmentModel, sol: Any, sites: SiteColumns) -> tuple[SiteUse, ...]:
    """Use of every site that at least one lead could go to."""
    placed_at: dict[str, list[str]] = {}
    for lid, site in sol.assignment.items():
        if site is not None:
            placed_at.setdefault(site, []).append(lid)
    candidates = np.bincount(model.pairs[:, 1], minlength=len(sites.ids))
    capacity = sites.capacity_ha
    return tuple(
        SiteUse(
            site_id=s,
            name=sites.names[s],
            municipality=str(sites.municipalities[k]),
            zone_id=sites.zone_ids[k],
            capacity_ha=float(capacity[k]),
            rule=(
                "area not known: takes at most one lead"
                if math.isnan(capacity[k])
                else "fully issued"
                if sites.status[k] == "fully_issued"
                else "available area"
            ),
            used_ha=round(sol.site_used_ha[k], 4),
            leads=tuple(placed_at.get(s, ())),
            n_candidates=int(candidates[k]),
            xy=sites.xy[k],
        )
        for k, s in enumerate(sites.ids)
        if candidates[k] > 0
    )


def zone_uses(model: AssignmentModel, sol: Any, zones: GridZones) -> tuple[ZoneUse, ...]:
    """Use of every grid zone some candidate pair draws on."""
    zp = model.zone_pairs
    chosen = np.zeros(model.n_pairs, dtype=bool)
    chosen[list(sol.chosen_pairs)] = True
    out = []
    for z in sorted(set(zp[:, 1].tolist())):
        members = zp[zp[:, 1] == z, 0]
        out.append(
            ZoneUse(
                zone_id=zones.ids[z],
                name=zones.names[z],
                headroom_mw=float(zones.capacity[z]),
                used_mw=round(float(sol.zone_used_mw[z]), 4),
                n_leads=int(chosen[members].sum()),
                constrained=True,
                note=zones.notes[z],
                unit=zones.units[z],
            )
        )
    return tuple(out)


def region_uses(
    model: AssignmentModel,
    sol: Any,
    region_ids: Sequence[str],
    region_names: Mapping[str, str],
) -> tuple[RegionUse, ...]:
    """Use of every labour-market region some candidate pair draws on."""
    regions_used = {int(model.site_region[s]) for s in model.pairs[:, 1]}
    return tuple(
        RegionUse(
            region_id=r,
            name=region_names.get(r, ""),
            capacity_fte=float(model.region_capacity_fte[k]),
            used_fte=round(sol.region_used_fte[k], 3),
        )
        for k, r in enumerate(region_ids)
        if k in regions_used
    )


def capacity_lines(
    sol: Any,
    site_names: Mapping[str, str],
    zones: GridZones,
    region_names: Mapping[str, str],
) -> tuple[CapacityLine, ...]:
    """Return the values of capacity, each with the name of its site, zone or region."""
    zone_name = dict(zip(zones.ids, zones.names, strict=True))
    label_of: dict[str, Callable[[str], str]] = {
        "site": lambda key: site_names.get(key, key),
        "zone": lambda key: zone_name.get(key, key),
        "region": lambda key: region_names.get(key, key),
    }
    return tuple(
        CapacityLine(
            kind=v.kind,
            key=v.key,
            name=label_of[v.kind](v.key),
            unit=v.unit,
            capacity=v.capacity,
            used=round(v.used, 4),
            added_value=v.added_value,
            leads_competing=v.leads_competing,
            status=v.status,
            changed_leads=v.changed_leads,
        )
        for v in sol.capacity_values
    )


def with_relief(
    values: tuple[CapacityLine, ...],
    relief: tuple[CapacityLine, ...],
    capacity_note: str,
    n_left: int = 0,
) -> tuple[tuple[CapacityLine, ...], str]:
    """Merge the values of capacity and of relief (largest added value first) and the note.

    ``n_left`` grid areas whose relief was not re-solved (the time for the value of capacity
    was used) are said in the note.
    """
    left = (
        f"; relief one year earlier: {n_left} grid area(s) not re-solved (the time for the "
        "value of capacity was used)"
        if n_left
        else ""
    )
    if not relief:
        return values, capacity_note + left
    merged = tuple(
        sorted(
            (*values, *relief),
            key=lambda v: -(0.0 if math.isnan(v.added_value) else v.added_value),
        )
    )
    note = capacity_note + (
        f"; relief one year earlier: {len(relief)} grid area(s) re-solved with the "
        "pairs their earlier solve year would admit (kind 'relief')"
    )
    if n_left:
        note += f", {n_left} more not re-solved (the time for the value of capacity was used)"
    lower = sum(v.is_lower_bound for v in relief)
    if lower:
        note += f", {lower} of them lower bounds (their re-solve stopped at its time limit)"
    return merged, note


def result_notes(
    pipeline: EvaluatedPipeline,
    zones: GridZones,
    sites: Sequence[SiteUse],
    resolution: float,
) -> tuple[str, ...]:
    """Return the notes: two-site leads, zone rules, unknown areas, the priority rule."""
    notes: list[str] = []
    if any(e.profile is not None and e.profile.two_site is not None for e in pipeline.valid):
        notes.append("two-site profiles are assigned one site for their combined needs")
    note = lead_zone_note(zones)
    if note:
        notes.append(note)
    n_unknown_area = sum(1 for s in sites if math.isnan(s.capacity_ha))
    if n_unknown_area:
        notes.append(
            f"{n_unknown_area} candidate site(s) without a known available area take "
            "at most one lead each"
        )
    notes.append(
        f"priority rule: weight = the lead's priority (default 1); utilities "
        f"compared at a resolution of {resolution:g}"
    )
    return tuple(notes)
