"""Screenings and assignments as tables (see :mod:`siting.outputs.frames`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting._wording import format_gap
from siting.outputs.excel import Sheet
from siting.outputs.frames import about_frame, to_lonlat
from siting.results.assignment import AssignmentResult
from siting.results.screening import ROW_COLUMNS, ScreenResult

# --- screening -------------------------------------------------------------------------------


def screening_frame(result: ScreenResult) -> pd.DataFrame:
    """Return one row per lead and recommended site (one per lead without).

    The rows of :meth:`ScreenResult.rows` with the site's ``site_lon``, ``site_lat``
    [degree].
    """
    rows = result.rows()
    xy: list[tuple[float, float] | None] = []
    for lead in result.leads:
        xy += [(hit.x, hit.y) for hit in lead.sites] if lead.sites else [None]
    lon, lat = to_lonlat(xy)
    frame = pd.DataFrame(rows, columns=list(ROW_COLUMNS))
    for column in ("input_row", "n_feasible", "rank"):
        frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
    frame["score"] = pd.to_numeric(frame["score"].replace("", None)).astype(float)
    frame["unverified"] = frame["unverified"].replace("", None).astype("boolean")
    frame["site_lon"], frame["site_lat"] = lon, lat
    return frame


def screening_summary(result: ScreenResult) -> list[tuple[str, Any]]:
    """Return the headline counts as ``(what, value)`` pairs, for the terminal and the sheets."""
    s = result.summary
    rows: list[tuple[str, Any]] = [
        ("leads in", s.leads_in),
        ("placed (>= 1 feasible site)", s.placed),
        ("no feasible site anywhere", s.nowhere),
        ("invalid input", s.invalid),
    ]
    if s.errors:
        rows.append(("failed (internal error)", s.errors))
    rows += [
        ("blank rows skipped", s.blank_rows),
        ("candidate sites", result.n_sites),
        ("sites per lead", result.top),
        ("method", result.method),
        ("engine", result.engine),
    ]
    return rows


def screening_sheets(result: ScreenResult) -> list[Sheet]:
    """Return the tables of a screening: results, summary, regions, blocking rules, problems."""
    s = result.summary
    regions = pd.DataFrame(
        [
            (
                r.region,
                r.leads,
                r.placed,
                r.nowhere,
                r.invalid,
                r.top_blocking_rule,
                r.top_blocking_leads,
            )
            for r in s.regions
        ],
        columns=[
            "region",
            "leads_total",
            "placed",
            "nowhere",
            "invalid",
            "top_blocking_rule",
            "top_blocking_leads",
        ],
    )
    rules = pd.DataFrame(
        [(r.label, r.most_restrictive, r.sole_blocker) for r in s.rules],
        columns=["label", "most_restrictive", "sole_blocker"],
    )
    problems = _problems(result)
    summary = [*screening_summary(result), ("run time [s]", result.elapsed_s)]
    return [
        Sheet("Results", screening_frame(result)),
        Sheet("Summary", about_frame(summary)),
        Sheet("Regions", regions),
        Sheet("Blocking rules", rules),
        Sheet("Input problems", problems),
    ]


def _problems(result: ScreenResult) -> pd.DataFrame:
    rows = [
        (lead.lead_id, p.row, p.column or "", p.message)
        for lead in result.leads
        for p in lead.problems
    ]
    rows += [("(warning)", w.row, w.column or "", w.message) for w in result.warnings]
    frame = pd.DataFrame(rows, columns=["lead_id", "row", "column", "message"])
    return frame.astype({"row": "Int64"})


# --- assignment ------------------------------------------------------------------------------

_LEAD_COLUMNS = (
    "lead_id",
    "row",
    "status",
    "reason",
    "priority",
    "land_ha",
    "power_mw",
    "talent_fte",
    "n_feasible_sites",
    "site_id",
    "site_name",
    "municipality",
    "province",
    "zone_id",
    "utility",
)


def assignment_frame(result: AssignmentResult) -> pd.DataFrame:
    """Return one row per lead: status, reason, needs, its site and where that is."""
    frame = pd.DataFrame(
        [tuple(getattr(lead, c) for c in _LEAD_COLUMNS) for lead in result.leads],
        columns=list(_LEAD_COLUMNS),
    ).astype({"row": "Int64"})
    frame["site_lon"], frame["site_lat"] = to_lonlat([lead.site_xy for lead in result.leads])
    return frame


def assignment_sheets(result: AssignmentResult) -> list[Sheet]:
    """Return the tables of an assignment: leads, sites, zones, capacity values, regions, run."""
    zones = pd.DataFrame(
        [
            (z.zone_id, z.name, z.headroom_mw, z.used_mw, z.n_leads, z.constrained, z.note)
            for z in result.zones
        ],
        columns=["zone_id", "name", "headroom_mw", "used_mw", "n_leads", "constrained", "note"],
    )
    regions = pd.DataFrame(
        [(r.region_id, r.name, r.capacity_fte, r.used_fte) for r in result.regions],
        columns=["region_id", "name", "capacity_fte", "used_fte"],
    )
    return [
        Sheet("Leads", assignment_frame(result)),
        Sheet("Sites", _sites_frame(result)),
        Sheet("Zones", zones),
        Sheet("Capacity values", _capacity_values_frame(result)),
        Sheet("Regions", regions),
        Sheet("Run", about_frame(assignment_about(result))),
    ]


def _sites_frame(result: AssignmentResult) -> pd.DataFrame:
    """Return the sites of an assignment: capacity [ha], use [ha] and the leads placed."""
    return pd.DataFrame(
        [
            (
                s.site_id,
                s.name,
                s.municipality,
                s.zone_id,
                s.capacity_ha,
                s.used_ha,
                s.rule,
                len(s.leads),
                "; ".join(s.leads),
                s.n_candidates,
            )
            for s in result.sites
        ],
        columns=[
            "site_id",
            "name",
            "municipality",
            "zone_id",
            "capacity_ha",
            "used_ha",
            "rule",
            "n_leads",
            "leads",
            "n_candidates",
        ],
    )


def _capacity_values_frame(result: AssignmentResult) -> pd.DataFrame:
    """Return what one more unit of each binding capacity would add to the assignment."""
    return pd.DataFrame(
        [
            (
                v.kind,
                v.key,
                v.name,
                v.unit,
                v.capacity,
                v.used,
                v.added_value,
                v.leads_competing,
                v.status,
                "; ".join(v.changed_leads),
            )
            for v in result.capacity_values
        ],
        columns=[
            "kind",
            "key",
            "name",
            "unit",
            "capacity",
            "used",
            "added_value",
            "leads_competing",
            "status",
            "changed_leads",
        ],
    )


def assignment_about(result: AssignmentResult) -> list[tuple[str, Any]]:
    """Return the run as ``(what, value)`` pairs: counts, solver outcome in words, notes."""
    rows: list[tuple[str, Any]] = [
        ("leads", len(result.leads)),
        ("placed", result.n_placed),
        ("unplaced", result.n_unplaced),
        ("invalid input", result.n_invalid),
        ("solver", result.solver),
        ("status", result.status),
        ("objective (priority-weighted total fit)", result.objective),
        ("gap", format_gap(result.gap, result.status)),
        ("gap asked for", f"{result.gap_rel:.2%}" if result.gap_rel > 0 else "none"),
        ("solve time [s]", result.solve_time_s),
        ("what the status means", result.status_note),
        ("value of capacity", result.capacity_note),
    ]
    rows += [("note", note) for note in result.notes]
    return rows
