r"""Assign a portfolio of leads to sites that share capacity: plots, grid headroom, labour.

Ranking (:mod:`siting.jobs.rank`) treats every lead on its own; when many leads compete, the
taskforce must not promise the same plot or the same grid headroom twice. This module solves
one assignment for the whole pipeline:

- :class:`~siting.model.assignment.AssignmentModel` (in :mod:`siting.model.assignment`), the
  core on arrays (feasible lead-site pairs, utilities, priorities, needs and capacities),
  with ``.solve()`` returning a frozen
  :class:`~siting.model.assignment.AssignmentSolution`: the assignment, the reason in words
  for every unplaced lead and the value of one more unit of each binding capacity;
- :func:`assign_leads`, the thin constructor on the data: it evaluates every lead's profile
  on the site table (:func:`siting.criteria.evaluation.evaluate`), delegates to the core and
  returns an
  :class:`AssignmentResult` with site names, capacities used and notes;
- :func:`write_assignment` writes a result to ``.csv``, ``.xlsx`` or ``.json``.

**Capacity rules.** A site's capacity is its available area [ha] (a fully issued site has
0 ha). A site whose available area is *not known* takes at most one lead: its area cannot be
promised twice. The grid capacities are the capacity map's supply areas
(:mod:`siting.jobs.assign_grid`): the published room of an area (present - required - queue
[MW]) is shared by every lead placed on a site it may feed, a site that any of several areas
may feed counts against each of them, and an area without a published room for a large need
takes at most one large lead. ``headroom=`` (a mapping or a CSV ``zone_id,headroom_mw``) sets
the room of supply areas (by area id) or of the areas feeding municipalities (by municipality
code) as a what-if, for the rule and the capacities alike. Optionally, hires per
labour-market region are capped at a share of the region's technical workforce
(``absorption_share``).

**Priority rule.** Each lead carries a weight :math:`w_l = ` its ``priority`` (>= 0, default
1): the objective is the priority-weighted total fit :math:`\sum w_l u_{ls}`. A lead of
priority 2 counts twice a lead of priority 1 with the same fit; a lead of priority 0 is only
placed where it displaces nobody.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.criteria.floor_space import plot_needed_ha
from siting.criteria.unknowns import accepts_unknown
from siting.inputs.profile import Profile
from siting.jobs.assign_grid import (
    BlockedPairs,
    GridZones,
    lead_zone_note,
    pair_zones,
    relief_candidates,
)
from siting.layers.grid import GridOverride
from siting.layers.load import GeoData
from siting.model.assignment import (
    MAX_RESOLVES,
    AssignmentModel,
    unplaced_reason,
)
from siting.model.solvers import SOLVED, check_gap
from siting.progress import Progress, ProgressArg, progress_reporter
from siting.results.assignment import (
    INVALID,
    PLACED,
    UNPLACED,
    AssignedLead,
    AssignmentResult,
    CapacityLine,
    RegionUse,
    SiteUse,
    ZoneUse,
)

#: Lead x site cells evaluated at once (bounds the memory of a batch).
_EVAL_CELLS = 1 << 17
#: Largest priority a lead may have (a default lead has 1): beyond it the other leads'
#: utilities would vanish in the objective's resolution.
MAX_PRIORITY: float = 1000.0


# --------------------------------------------------------------------------------------------
# the thin constructor on the data


@dataclass
class _Lead:
    lead_id: str
    profile: Profile | None
    priority: float
    row: int | None = None
    problem: str = ""


def assign_leads(
    leads: Any,
    *,
    priority: Mapping[str, float] | None = None,
    geodata_dir: str | Path | None = None,
    catalogue: Any = None,
    solver: str | None = None,
    time_limit_s: float | None = None,
    headroom: Mapping[str, float] | str | Path | None = None,
    absorption_share: float | None = None,
    max_resolves: int = MAX_RESOLVES,
    data: GeoData | None = None,
    gap_rel: float = 0.0,
    progress: ProgressArg = None,
) -> AssignmentResult:
    """Assign a pipeline of leads to sites under shared plot, grid and labour capacity.

    Builds the site facts once, evaluates every lead (in batches with
    :func:`siting.criteria.evaluation.evaluate_batch`, row for row what
    :func:`siting.criteria.evaluation.evaluate`
    gives: the same rules and utilities as ``siting rank``), keeps the feasible pairs and
    delegates to :class:`AssignmentModel`.

    Parameters
    ----------
    leads
        A sequence of :class:`~siting.inputs.profile.Profile`, a lead table from
        :func:`siting.inputs.leads.read_leads` (its invalid rows are reported as ``"invalid input"``
        with their problems; no lead is lost), the path of a leads file or a
        :class:`pandas.DataFrame` with its columns (both read with a ``priority`` column). A
        lead table read with ``extra_columns=["priority"]`` carries each lead's priority.
    priority
        Lead id -> priority weight (>= 0) [-], overriding the table's; leads without one get
        1. See the priority rule in :mod:`siting.jobs.assign`.
    geodata_dir
        Data folder; ``None`` for the default.
    catalogue
        Criteria catalogue (:class:`~siting.inputs.catalogue.Catalogue`) or its file; ``None`` for
        :data:`siting.settings.criteria_file`.
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default :data:`siting.settings.default_solver`.
    time_limit_s
        Time limit per solve [s]; default :data:`siting.settings.time_limit_s`.
    headroom
        Room [MW] per supply area (its id) or for the supply areas feeding a municipality (its
        code), a what-if applied before the leads are evaluated: a mapping zone id -> MW, or
        a CSV file with columns ``zone_id,headroom_mw``.
    absorption_share
        When given (0 < share <= 1): the hires placed in a labour-market region may not
        exceed this share of the region's technical workforce estimate [FTE].
    max_resolves
        At most this many re-solves for the value of capacity, and as many for the value of
        relief one year earlier per grid area (0 to skip them).
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.
    gap_rel
        Relative gap at which the solver may stop [-], ``0 <= gap_rel < 1`` (0.005 is
        0.5 %); 0 (default) proves the optimum and breaks ties deterministically. With a gap
        the result's status is ``"within_gap"`` and ``status_note`` says how close the
        assignment is to the optimum; the values of capacity are then approximate.
    progress
        Reports the leads evaluated and the solve: a callable ``progress(done, total)`` or a
        :class:`siting.progress.Progress` (see :mod:`siting.progress`).

    Returns
    -------
    AssignmentResult

    Raises
    ------
    SitingInputError
        For an invalid catalogue, data folder, headroom file or option.
    """
    from siting.criteria.evaluation import evaluate
    from siting.inputs.catalogue import Catalogue, load_catalogue
    from siting.jobs.explain import infeasibility
    from siting.jobs.facts_cache import cached_site_facts
    from siting.layers.load import load_geodata
    from siting.layers.site_table import site_table

    report = progress_reporter(progress)
    entries = _collect_leads(leads, priority)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
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
        gap_rel = check_gap(gap_rel)
    except ValueError as exc:
        raise SitingInputError(
            Problem(file="<options>", column="gap_rel", label="option", message=str(exc))
        ) from None
    data = load_geodata(geodata_dir) if data is None else data
    if headroom is not None:
        data = replace(
            data, grid_overrides=tuple(data.grid_overrides) + _headroom_overrides(headroom, data)
        )
    table = site_table(data=data)
    facts = cached_site_facts(table, data)
    site_ids = tuple(str(s) for s in table["site_id"])
    names: dict[str, str] = dict(zip(site_ids, table["name"].astype(str), strict=True))
    site_gm = table["gm_code"].astype(str).tolist()

    status = table["status"].astype(str).to_numpy()
    capacity = np.where(
        status == "fully_issued", 0.0, table["available_ha"].astype(float).to_numpy()
    )

    region_kw: dict[str, Any] = {}
    region_ids: tuple[str, ...] = ()
    region_names: dict[str, str] = {}
    if absorption_share is not None:
        region_ids, region_names, region_cap, site_region = _regions(
            table, data, float(absorption_share)
        )
        region_kw = {
            "site_region": site_region,
            "region_capacity_fte": region_cap,
            "region_ids": region_ids,
        }

    # evaluate every valid lead
    valid: list[_Lead] = []
    pairs: list[tuple[int, int]] = []
    utilities: list[float] = []
    n_feasible: dict[str, int] = {}
    blocked_parts: list[BlockedPairs] = []
    origins: dict[str, tuple[float, float] | None] = {}
    no_site: dict[str, str] = {}
    notes: list[str] = []
    for entry, evaluated in zip(
        entries, _evaluate_leads(entries, data, facts, catalogue, report), strict=True
    ):
        if evaluated is None:  # invalid: no profile, or its problem is now in entry.problem
            continue
        passes, utility, origin, blocked_sites = evaluated
        feasible = np.flatnonzero(passes)
        lead = len(valid)
        valid.append(entry)
        if blocked_sites.size:
            assert entry.profile is not None
            blocked_parts.append(_blocked(lead, blocked_sites, utility, entry.profile))
        pairs += [(lead, int(s)) for s in feasible]
        utilities += [float(utility[s]) for s in feasible]
        n_feasible[entry.lead_id] = int(feasible.size)
        origins[entry.lead_id] = origin
        if feasible.size == 0:
            assert entry.profile is not None
            ev = evaluate(entry.profile, facts, catalogue, origin_xy=origin)  # for its texts
            why = infeasibility(ev, table)
            label = next(
                (c.label for c in ev.constraints if c.name == why.most_restrictive),
                why.most_restrictive,
            )
            con = ev.constraints[[c.name for c in ev.constraints].index(why.most_restrictive)]
            failing = int((~con.passes & ~con.unknown).sum())
            unknown = int((con.unknown & ~con.ok).sum())  # unknown, and required verified
            no_site[entry.lead_id] = (
                f"no feasible site: the most restrictive rule is '{label}' ({failing} of "
                f"{len(site_ids)} sites fail it"
                + (f", {unknown} do not say and it must be verified" if unknown else "")
                + ")"
            )
    if any(e.profile is not None and e.profile.two_site is not None for e in valid):
        notes.append("two-site profiles are assigned one site for their combined needs")

    fsi = catalogue.params.floor_space_index  # the plot the floor space needs, as the rules
    needs = [
        (
            plot_needed_ha(e.profile.needs.land_ha, e.profile.needs.floor_m2, fsi),
            e.profile.needs.power_mw,
            e.profile.needs.talent.total,
        )
        for e in valid
        if e.profile is not None
    ]
    arr = np.array(needs, dtype=np.float64).reshape(-1, 3)
    small = catalogue.params.small_connection_mw

    def build(
        pair_array: np.ndarray, utility_array: np.ndarray
    ) -> tuple[AssignmentModel, GridZones]:
        zones = pair_zones(pair_array, arr[:, 1], facts.grid, site_gm, small_mw=small)
        built = AssignmentModel(
            lead_ids=[e.lead_id for e in valid],
            site_ids=site_ids,
            pairs=pair_array,
            utility=utility_array,
            lead_weight=[e.priority for e in valid],
            land_ha=arr[:, 0],
            power_mw=arr[:, 1],
            site_capacity_ha=capacity,
            site_zone=np.full(len(site_ids), -1),
            zone_headroom_mw=zones.capacity,
            zone_ids=zones.ids,
            zone_pairs=zones.zone_pairs,
            zone_unit=zones.units,
            talent_fte=arr[:, 2],
            **region_kw,
        )
        return built, zones

    pair_array = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    model, grid_zones = build(pair_array, np.array(utilities))
    report.stage(
        f"solving the assignment ({len(valid)} leads"
        + (", then the value of capacity)" if max_resolves > 0 else ")"),
        None,
    )
    sol = model.solve(
        solver=solver,
        time_limit_s=time_limit_s,
        capacity_values=max_resolves > 0,
        max_resolves=max_resolves,
        gap_rel=gap_rel,
    )

    site_label = {s: f"{names[s]} ({s})" for s in site_ids}
    site_pos = {s: k for k, s in enumerate(site_ids)}
    muni = table["municipality"].astype(str).to_numpy()
    prov = table["province"].astype(str).to_numpy()
    site_xy = [
        (round(float(x), 2), round(float(y), 2))
        for x, y in zip(table.geometry.x, table.geometry.y, strict=True)
    ]
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
            n_feasible_sites=n_feasible.get(lid, 0),
            origin=origins.get(lid),
        )
        if p is None or lid not in n_feasible:
            outcomes.append(replace(base, reason=entry.problem))
            continue
        site = sol.assignment[lid]
        if site is None:
            reason = (
                no_site[lid]
                if lid in no_site
                else unplaced_reason(sol.blockers.get(lid, ()), sol.status, site_label)
            )
            if sol.status not in SOLVED and lid not in no_site:
                reason = f"the solver returned no assignment (status {sol.status})"
            outcomes.append(replace(base, status=UNPLACED, reason=reason))
            continue
        k = site_pos[site]
        outcomes.append(
            replace(
                base,
                status=PLACED,
                site_id=site,
                site_name=names[site],
                municipality=str(muni[k]),
                province=str(prov[k]),
                zone_id=str(table["grid_zone_id"].iat[k]),
                utility=round(sol.utility[lid], 6),
                site_xy=site_xy[k],
            )
        )

    placed_at: dict[str, list[str]] = {}
    for lid, site in sol.assignment.items():
        if site is not None:
            placed_at.setdefault(site, []).append(lid)
    candidates = np.bincount(model.pairs[:, 1], minlength=len(site_ids))
    sites = tuple(
        SiteUse(
            site_id=s,
            name=names[s],
            municipality=str(muni[k]),
            zone_id=str(table["grid_zone_id"].iat[k]),
            capacity_ha=float(capacity[k]),
            rule=(
                "area not known: takes at most one lead"
                if math.isnan(capacity[k])
                else "fully issued"
                if status[k] == "fully_issued"
                else "available area"
            ),
            used_ha=round(sol.site_used_ha[k], 4),
            leads=tuple(placed_at.get(s, ())),
            n_candidates=int(candidates[k]),
            xy=site_xy[k],
        )
        for k, s in enumerate(site_ids)
        if candidates[k] > 0
    )
    zones = _zone_uses(model, sol, grid_zones)
    regions_used = {int(model.site_region[s]) for s in model.pairs[:, 1]}
    regions = tuple(
        RegionUse(
            region_id=r,
            name=region_names.get(r, ""),
            capacity_fte=float(model.region_capacity_fte[k]),
            used_fte=round(sol.region_used_fte[k], 3),
        )
        for k, r in enumerate(region_ids)
        if k in regions_used
    )
    zone_name = dict(zip(grid_zones.ids, grid_zones.names, strict=True))
    label_of: dict[str, Callable[[str], str]] = {
        "site": lambda key: names.get(key, key),
        "zone": lambda key: zone_name.get(key, key),
        "region": lambda key: region_names.get(key, key),
    }
    values = tuple(
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
    capacity_note = sol.capacity_note
    if max_resolves > 0 and sol.status in SOLVED:
        relief = _relief_values(
            model,
            sol,
            facts,
            BlockedPairs.concat(blocked_parts),
            build,
            max_resolves,
            solver=solver,
            time_limit_s=time_limit_s,
            gap_rel=gap_rel,
        )
        if relief:
            values = tuple(
                sorted(
                    (*values, *relief),
                    key=lambda v: -(0.0 if math.isnan(v.added_value) else v.added_value),
                )
            )
            capacity_note += (
                f"; relief one year earlier: {len(relief)} grid area(s) re-solved with the "
                "pairs their earlier solve year would admit (kind 'relief')"
            )
    note = lead_zone_note(grid_zones)
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
        f"compared at a resolution of {sol.resolution:g}"
    )
    return AssignmentResult(
        status=sol.status,
        objective=round(sol.objective, 6),
        gap=sol.gap,
        solve_time_s=round(sol.solve_time_s, 4),
        solver=sol.solver,
        leads=tuple(outcomes),
        sites=sites,
        zones=zones,
        regions=regions,
        capacity_values=values,
        capacity_note=capacity_note,
        notes=tuple(notes),
        gap_rel=sol.gap_rel,
        status_note=sol.status_note,
    )


# --------------------------------------------------------------------------------------------
# helpers (data)


def _collect_leads(leads: Any, priority: Mapping[str, float] | None) -> list[_Lead]:
    """Unpack profiles or a lead table into entries, in input order; no lead is dropped.

    A lead table (:class:`siting.inputs.leads.LeadTable`) contributes every row: valid ones with
    their profile, invalid ones with their located problems; a ``priority`` column (read
    with ``read_leads(path, extra_columns=["priority"])``) sets the weights. Among plain
    profiles, a repeated id makes the later ones invalid.
    """
    given = dict(priority or {})
    if isinstance(leads, Profile):
        leads = [leads]
    elif isinstance(leads, str | Path) or type(leads).__name__ == "DataFrame":
        from siting.inputs.leads import read_leads

        leads = read_leads(leads, extra_columns=["priority"])
    table_file = str(getattr(leads, "file", "<leads>"))
    items = list(leads.leads) if hasattr(leads, "leads") else list(leads)
    entries: list[_Lead] = []
    seen: set[str] = set()
    for item in items:
        profile: Profile | None
        row: int | None
        problems: tuple[Problem, ...]
        extra: Mapping[str, str]
        if isinstance(item, Profile):
            profile, lid, row, problems = item, item.company.id, None, ()
            extra = {}
        else:
            found = getattr(item, "profile", None)
            if found is not None and not isinstance(found, Profile):
                raise TypeError(
                    f"leads must be Profiles or a lead table, got {type(item).__name__}"
                )
            profile = found
            lid = str(getattr(item, "lead_id", "") or (profile.company.id if profile else ""))
            row = getattr(item, "row", None)
            problems = tuple(getattr(item, "problems", ()) or ())
            extra = getattr(item, "extra", None) or {}
        text = str(extra.get("priority", "") or "").strip()
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
        if not (math.isfinite(weight) and 0 <= weight <= MAX_PRIORITY):
            if not text or lid in given:
                raise SitingInputError(
                    Problem(
                        file="<priority>",
                        column=lid,
                        label="lead",
                        message=f"priority must be in [0, {MAX_PRIORITY:g}], got {excerpt(weight)}",
                    )
                )
            problems += (
                Problem(
                    file=table_file,
                    row=row,
                    column="priority",
                    message=f"priority must be a number in [0, {MAX_PRIORITY:g}], "
                    f"got {excerpt(text)}",
                ),
            )
            weight = 0.0
        if problems or profile is None:
            entries.append(
                _Lead(
                    lid or f"row-{row}",
                    None,
                    weight,
                    row,
                    "; ".join(str(p) for p in problems) or "invalid input",
                )
            )
        elif lid in seen:
            entries.append(
                _Lead(lid, None, weight, row, "duplicate lead id: an earlier lead has the same id")
            )
        else:
            seen.add(lid)
            entries.append(_Lead(lid, profile, weight, row))
    return entries


def _evaluate_leads(
    entries: Sequence[_Lead], data: GeoData, facts: Any, catalogue: Any, report: Progress
) -> list[tuple[np.ndarray, np.ndarray, tuple[float, float] | None, np.ndarray] | None]:
    """Evaluate every lead with a profile: feasible sites, utilities, origin, grid-blocked sites.

    Per lead: the feasible sites, the utilities in [0, 1], the origin, and the sites that pass
    every rule but the grid connection in time (for the value of relief).

    In batches of :data:`_EVAL_CELLS` lead-site cells with
    :func:`siting.criteria.evaluation.evaluate_batch` (row for row what
    :func:`siting.criteria.evaluation.evaluate` gives). A lead whose municipality or criteria do not
    resolve gets its problem in ``entry.problem`` and ``None``, as does a lead without a
    profile; a batch with such a lead is evaluated lead by lead, so each reports its own.
    """
    from siting.criteria.evaluation import LeadParams, evaluate, evaluate_batch
    from siting.inputs.origin import resolve_origin

    out: list[tuple[np.ndarray, np.ndarray, tuple[float, float] | None, np.ndarray] | None]
    out = [None] * len(entries)
    origins: dict[tuple[Any, ...], tuple[float, float] | None] = {}
    todo: list[tuple[int, Profile, tuple[float, float] | None]] = []
    for k, entry in enumerate(entries):
        profile = entry.profile
        if profile is None:
            continue
        place = profile.company.current_location
        key = (None,) if place is None else (place.municipality, place.lat, place.lon)
        if key not in origins:
            try:  # an unknown municipality makes this lead's input invalid
                origins[key] = resolve_origin(profile, data, file=f"lead {entry.lead_id}")
            except SitingInputError as exc:
                entry.problem = "; ".join(str(p) for p in exc.problems)
                continue
        todo.append((k, profile, origins[key]))
    size = max(1, _EVAL_CELLS // max(1, facts.n))
    report.stage("evaluating leads", len(todo))
    for begin in range(0, len(todo), size):
        report.advance(begin)
        chunk = todo[begin : begin + size]
        try:
            params = LeadParams.from_profiles(
                [profile for _, profile, _ in chunk],
                catalogue,
                origins=[origin for _, _, origin in chunk],
            )
        except SitingInputError:  # a criterion that does not resolve: lead by lead
            for k, profile, origin in chunk:
                try:
                    ev = evaluate(profile, facts, catalogue, origin_xy=origin)
                except SitingInputError as exc:
                    entries[k].problem = "; ".join(str(p) for p in exc.problems)
                    continue
                blocked = _grid_blocked_one(ev)
                out[k] = (ev.feasible, np.clip(ev.utility, 0.0, 1.0), origin, blocked)
            continue
        batch = evaluate_batch(params, facts, catalogue)
        feasible, utility = batch.feasible, np.clip(batch.utility, 0.0, 1.0)
        blocked = _grid_blocked(batch)
        for row, (k, _, origin) in enumerate(chunk):
            out[k] = (feasible[row], utility[row], origin, np.flatnonzero(blocked[row]))
    report.advance(len(todo))
    return out


def _grid_blocked(batch: Any) -> np.ndarray:
    """``(L, N)``: the pairs that pass every rule but the grid connection in time."""
    passing = batch.passing
    if "grid" not in passing:
        return np.zeros(batch.feasible.shape, dtype=bool)
    others = np.ones(batch.feasible.shape, dtype=bool)
    for name, ok in passing.items():
        if name != "grid":
            others &= ok
    return others & ~passing["grid"]


def _grid_blocked_one(ev: Any) -> np.ndarray:
    grid = [c for c in ev.constraints if c.name == "grid"]
    if not grid:
        return np.zeros(0, dtype=np.int64)
    others = np.ones(len(ev.site_ids), dtype=bool)
    for con in ev.constraints:
        if con.name != "grid":
            others &= con.ok
    (con,) = grid
    return np.flatnonzero(others & ~(con.ok))


def _blocked(lead: int, sites: np.ndarray, utility: np.ndarray, profile: Profile) -> BlockedPairs:
    n = sites.size
    c = profile.constraints
    return BlockedPairs(
        lead=np.full(n, lead, dtype=np.int64),
        site=sites.astype(np.int64),
        utility=np.clip(utility[sites], 0.0, 1.0),
        power_mw=np.full(n, profile.needs.power_mw),
        target_year=np.full(n, profile.needs.year + c.max_delay_years),
        flexible=np.full(n, c.flexible_connection),
        allow_unknown=np.full(n, accepts_unknown(c.allow_unknown, c.verify, "grid")),
    )


def _zone_uses(model: AssignmentModel, sol: Any, zones: GridZones) -> tuple[ZoneUse, ...]:
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


def _relief_values(
    model: AssignmentModel,
    sol: Any,
    facts: Any,
    blocked: BlockedPairs,
    build: Any,
    max_resolves: int,
    *,
    solver: str | None,
    time_limit_s: float | None,
    gap_rel: float,
) -> tuple[CapacityLine, ...]:
    """Value relief one year earlier of each grid area (a re-solve per area)."""
    out = []
    base_fit = float(sol.objective)
    base_site = dict(sol.assignment)
    for relief in relief_candidates(facts.grid, blocked)[:max_resolves]:
        idx = relief.admitted
        extra = np.column_stack([blocked.lead[idx], blocked.site[idx]])
        pairs = np.vstack([model.pairs, extra])
        utility = np.concatenate([model.utility, blocked.utility[idx]])
        relieved, _ = build(pairs, utility)
        new = relieved.solve(
            solver=solver, time_limit_s=time_limit_s, capacity_values=False, gap_rel=gap_rel
        )
        changed = tuple(
            lid for lid in model.lead_ids if new.assignment.get(lid) != base_site.get(lid)
        )
        gain = max(0.0, float(new.objective) - base_fit) if new.status in SOLVED else math.nan
        out.append(
            CapacityLine(
                kind="relief",
                key=relief.area_id,
                name=f"{relief.area_id}: congestion solved {relief.solve_year - 1:.0f} "
                f"instead of {relief.solve_year:.0f}",
                unit="year",
                capacity=relief.solve_year,
                used=relief.solve_year - 1,
                added_value=round(gain, 6) if not math.isnan(gain) else gain,
                leads_competing=int(np.unique(blocked.lead[idx]).size),
                status=new.status,
                changed_leads=changed,
            )
        )
    return tuple(out)


def _headroom_overrides(
    headroom: Mapping[str, float] | str | Path, data: GeoData
) -> tuple[GridOverride, ...]:
    """Room given per supply area or municipality, as what-if overrides of the grid join."""
    areas = set(data.grid_areas.loc[data.grid_areas["kind"].eq("regional"), "area_id"])
    codes = set(data.municipalities["gm_code"].astype(str))
    given = _read_headroom(headroom, areas | codes)
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


def _read_headroom(headroom: Mapping[str, float] | str | Path, known: set[str]) -> dict[str, float]:
    """Headroom per zone from a mapping or a ``zone_id,headroom_mw`` CSV, all problems at once."""
    problems: list[Problem] = []
    out: dict[str, float] = {}
    # (row, zone, value): a value as given (a number, a CSV cell or None), parsed below
    records: list[tuple[int | None, str, Any]]
    if isinstance(headroom, Mapping):
        file = "<headroom>"
        records = [(None, str(z), v) for z, v in headroom.items()]
    else:
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
                records = [
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
        if not (math.isfinite(mw) and mw >= 0):
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="headroom_mw",
                    message=f"must be a number >= 0 [MW], got {excerpt(value)}",
                )
            )
        elif zone not in known:
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="zone_id",
                    message=f"unknown zone {excerpt(zone)}: give a supply area id of the "
                    "grid_areas layer (e.g. 'OS DOKKUM 10-1i') or a municipality code such as "
                    "GM0772",
                )
            )
        elif zone in out:
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="zone_id",
                    message=f"zone {excerpt(zone)} given twice",
                )
            )
        else:
            out[zone] = mw
    if problems:
        raise SitingInputError(problems)
    return out


def _regions(
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
