"""The inputs of :func:`siting.jobs.assign.assign_leads`: leads, priorities, options, headroom.

- :func:`collect_leads` unpacks profiles or a lead table into :class:`LeadEntry` rows, in
  input order, with each lead's priority weight; no lead is dropped (an invalid one keeps
  its problem);
- :func:`check_options` validates the solver options;
- :func:`headroom_overrides` reads the what-if room per supply area or municipality;
- :func:`regions` gives the labour-market regions and their absorption capacity.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.inputs.profile import Profile
from siting.layers.grid import GridOverride
from siting.layers.load import GeoData
from siting.model.solvers import check_gap

#: Largest priority a lead may have (a default lead has 1): beyond it the other leads'
#: utilities would vanish in the objective's resolution.
MAX_PRIORITY: float = 1000.0


@dataclass
class LeadEntry:
    """One lead of the pipeline: its profile (``None`` if invalid), weight and problem."""

    lead_id: str
    profile: Profile | None
    priority: float
    row: int | None = None
    problem: str = ""


# --------------------------------------------------------------------------------------------
# leads and priorities


def collect_leads(leads: Any, priority: Mapping[str, float] | None) -> list[LeadEntry]:
    """Unpack profiles or a lead table into entries, in input order; no lead is dropped.

    A lead table (:class:`siting.inputs.leads.LeadTable`) contributes every row: valid ones with
    their profile, invalid ones with their located problems; a ``priority`` column (read
    with ``read_leads(path, extra_columns=["priority"])``) sets the weights. Among plain
    profiles, a repeated id makes the later ones invalid.
    """
    given = dict(priority or {})
    table_file, items = _unpack(leads)
    entries: list[LeadEntry] = []
    seen: set[str] = set()
    for item in items:
        profile, lid, row, problems, extra = _item_fields(item)
        text = str(extra.get("priority", "") or "").strip()
        weight, problem = _lead_weight(lid, text, given, table_file, row)
        if problem is not None:
            problems += (problem,)
        if problems or profile is None:
            message = "; ".join(str(p) for p in problems) or "invalid input"
            entries.append(LeadEntry(lid or f"row-{row}", None, weight, row, message))
        elif lid in seen:
            message = "duplicate lead id: an earlier lead has the same id"
            entries.append(LeadEntry(lid, None, weight, row, message))
        else:
            seen.add(lid)
            entries.append(LeadEntry(lid, profile, weight, row))
    return entries


def _unpack(leads: Any) -> tuple[str, list[Any]]:
    """Return the file name and the items (profiles or lead-table rows) of ``leads``."""
    if isinstance(leads, Profile):
        leads = [leads]
    elif isinstance(leads, str | Path) or type(leads).__name__ == "DataFrame":
        from siting.inputs.leads import read_leads

        leads = read_leads(leads, extra_columns=["priority"])
    table_file = str(getattr(leads, "file", "<leads>"))
    items = list(leads.leads) if hasattr(leads, "leads") else list(leads)
    return table_file, items


def _item_fields(
    item: Any,
) -> tuple[Profile | None, str, int | None, tuple[Problem, ...], Mapping[str, str]]:
    """Return an item's profile, id, row, problems and extra columns (profile or table row)."""
    if isinstance(item, Profile):
        return item, item.company.id, None, (), {}
    found = getattr(item, "profile", None)
    if found is not None and not isinstance(found, Profile):
        raise TypeError(f"leads must be Profiles or a lead table, got {type(item).__name__}")
    profile: Profile | None = found
    lid = str(getattr(item, "lead_id", "") or (profile.company.id if profile else ""))
    row = getattr(item, "row", None)
    problems = tuple(getattr(item, "problems", ()) or ())
    extra = getattr(item, "extra", None) or {}
    return profile, lid, row, problems, extra


def _lead_weight(
    lid: str, text: str, given: Mapping[str, float], table_file: str, row: int | None
) -> tuple[float, Problem | None]:
    """Return a lead's priority weight [-] and the problem of its table cell, if any.

    A weight given as an option that is out of range raises :class:`SitingInputError`; a
    table cell that is out of range makes the lead invalid (weight 0, with the problem).
    """
    weight = 1.0
    if lid in given:
        weight = float(given[lid])
    elif text:
        try:
            weight = float(
                text.replace(",", ".") if text.count(",") == 1 and "." not in text else text
            )
        except ValueError:
            weight = math.nan
    if math.isfinite(weight) and 0 <= weight <= MAX_PRIORITY:
        return weight, None
    if not text or lid in given:
        raise SitingInputError(
            Problem(
                file="<priority>",
                column=lid,
                label="lead",
                message=f"priority must be in [0, {MAX_PRIORITY:g}], got {excerpt(weight)}",
            )
        )
    problem = Problem(
        file=table_file,
        row=row,
        column="priority",
        message=f"priority must be a number in [0, {MAX_PRIORITY:g}], got {excerpt(text)}",
    )
    return 0.0, problem


# --------------------------------------------------------------------------------------------
# options


def check_options(absorption_share: float | None, gap_rel: float) -> float:
    """Check the absorption share and the relative gap; return the gap as the solver takes it.

    Raises
    ------
    SitingInputError
        For a share outside (0, 1] or an invalid gap.
    """
    if absorption_share is not None and not (0 < float(absorption_share) <= 1):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="absorption_share",
                label="option",
                message="must be in (0, 1]",
            )
        )
    try:
        return check_gap(gap_rel)
    except ValueError as exc:
        raise SitingInputError(
            Problem(file="<options>", column="gap_rel", label="option", message=str(exc))
        ) from None


# --------------------------------------------------------------------------------------------
# headroom what-if


def headroom_overrides(
    headroom: Mapping[str, float] | str | Path, data: GeoData
) -> tuple[GridOverride, ...]:
    """Room given per supply area or municipality, as what-if overrides of the grid join."""
    areas = set(data.grid_areas.loc[data.grid_areas["kind"].eq("regional"), "area_id"])
    codes = set(data.municipalities["gm_code"].astype(str))
    given = read_headroom(headroom, areas | codes)
    source = "<headroom>" if isinstance(headroom, Mapping) else str(headroom)
    out = []
    for zone, mw in given.items():
        note = f"room given in {source}: {mw:g} MW"
        if zone in areas:
            changes = {"available_mw": mw, "required_mw": 0.0, "queue_mw": 0.0}
            out.append(GridOverride("area", zone, changes, note))
        else:
            out.append(GridOverride("municipality", zone, {"headroom_mw": mw}, note))
    return tuple(out)


def read_headroom(headroom: Mapping[str, float] | str | Path, known: set[str]) -> dict[str, float]:
    """Headroom per zone from a mapping or a ``zone_id,headroom_mw`` CSV, all problems at once."""
    file, records = _headroom_records(headroom)
    problems: list[Problem] = []
    out: dict[str, float] = {}
    for row, zone, value in records:
        try:
            mw = float(value)
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="headroom_mw",
                    message=f"not a number: {excerpt(value)}",
                )
            )
            continue
        problem = _headroom_problem(file, row, zone, value, mw, known, out)
        if problem is None:
            out[zone] = mw
        else:
            problems.append(problem)
    if problems:
        raise SitingInputError(problems)
    return out


def _headroom_records(
    headroom: Mapping[str, float] | str | Path,
) -> tuple[str, list[tuple[int | None, str, Any]]]:
    """Return the file name and the ``(row, zone, value)`` records, values as given."""
    if isinstance(headroom, Mapping):
        return "<headroom>", [(None, str(z), v) for z, v in headroom.items()]
    file = str(headroom)
    try:
        text = read_capped(headroom, what="headroom table").decode("utf-8-sig")
        with io.StringIO(text, newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"zone_id", "headroom_mw"} - set(reader.fieldnames or ())
            if missing:
                raise SitingInputError(
                    Problem(
                        file=file,
                        message=f"missing column(s) {', '.join(sorted(missing))}; "
                        "expected zone_id,headroom_mw",
                    )
                )
            records: list[tuple[int | None, str, Any]] = [
                (k + 2, str(r["zone_id"] or "").strip(), r["headroom_mw"])
                for k, r in enumerate(reader)
            ]
    except OSError as exc:
        raise SitingInputError(
            Problem(file=file, message=f"cannot read: {exc.strerror or exc}")
        ) from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SitingInputError(
            Problem(file=file, message=f"not a UTF-8 CSV table ({type(exc).__name__})")
        ) from None
    return file, records


def _headroom_problem(
    file: str,
    row: int | None,
    zone: str,
    value: Any,
    mw: float,
    known: set[str],
    seen: Mapping[str, float],
) -> Problem | None:
    """Return the problem of one parsed headroom record, or ``None`` if it is valid."""
    if not (math.isfinite(mw) and mw >= 0):
        message = f"must be a number >= 0 [MW], got {excerpt(value)}"
        return Problem(file=file, row=row, column="headroom_mw", message=message)
    if zone not in known:
        message = (
            f"unknown zone {excerpt(zone)}: give a supply area id of the grid_areas layer "
            "(e.g. 'OS DOKKUM 10-1i') or a municipality code such as GM0772"
        )
        return Problem(file=file, row=row, column="zone_id", message=message)
    if zone in seen:
        message = f"zone {excerpt(zone)} given twice"
        return Problem(file=file, row=row, column="zone_id", message=message)
    return None


# --------------------------------------------------------------------------------------------
# labour-market regions


def regions(
    table: Any, data: Any, share: float
) -> tuple[tuple[str, ...], dict[str, str], np.ndarray, np.ndarray]:
    """Labour-market regions: ids, names, absorption capacity [FTE], region index per site."""
    munis = data.municipalities[["gm_code", "labour_market_region_code", "labour_market_region"]]
    talent = data.stem_talent
    workforce = sum(
        talent[f"{lvl}_tech_workforce_est"].astype(float).fillna(0.0)
        for lvl in ("mbo", "hbo", "wo")
    )
    per_muni = dict(zip(talent["gm_code"].astype(str), workforce, strict=True))
    totals: dict[str, float] = {}
    names: dict[str, str] = {}
    for code, region, name in munis.itertuples(index=False):
        totals[str(region)] = totals.get(str(region), 0.0) + per_muni.get(str(code), 0.0)
        names[str(region)] = str(name)
    ids = tuple(sorted(totals))
    index = {r: k for k, r in enumerate(ids)}
    site_region = np.array(
        [index.get(str(r), -1) for r in table["labour_market_region_code"]], dtype=np.int64
    )
    return ids, names, np.array([share * totals[r] for r in ids]), site_region
