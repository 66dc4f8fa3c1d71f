r"""Assign a portfolio of leads to sites that share capacity: plots, grid headroom, labour.

Ranking (:mod:`siting.jobs.rank`) treats every lead on its own; when many leads compete, the
taskforce must not promise the same plot or the same grid headroom twice. This module solves
one assignment for the whole pipeline:

- :class:`~siting.model.assignment.AssignmentModel` (in :mod:`siting.model.assignment`), the
  core on arrays (feasible lead-site pairs, utilities, priorities, needs and capacities),
  with ``.solve()`` returning a frozen
  :class:`~siting.model.assignment.AssignmentSolution`: the assignment, the reason in words
  for every unplaced lead and the value of one more unit of each binding capacity;
- :func:`assign_leads`, the thin constructor on the data, in named steps: read and check the
  leads and options (:mod:`siting.jobs.assign_input`), evaluate every lead's profile on the
  site table (:mod:`siting.jobs.assign_eval`), build the model inputs, solve (with the value
  of capacity and of relief one year earlier) and assemble an :class:`AssignmentResult` with
  site names, capacities used and notes (:mod:`siting.jobs.assign_result`);
- :func:`siting.outputs.tables.write_assignment` writes a result to CSV, Excel or JSON.

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

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from siting.criteria.floor_space import plot_needed_ha
from siting.criteria.site_facts import SiteFacts
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.jobs.assign_eval import EvaluatedPipeline, evaluate_pipeline
from siting.jobs.assign_grid import BlockedPairs, GridZones, pair_zones, relief_candidates
from siting.jobs.assign_input import (
    MAX_PRIORITY,
    check_options,
    collect_leads,
    headroom_overrides,
    regions,
)
from siting.jobs.assign_result import (
    SiteColumns,
    capacity_lines,
    lead_outcomes,
    region_uses,
    result_notes,
    site_uses,
    with_relief,
    zone_uses,
)
from siting.jobs.facts_cache import cached_site_facts
from siting.layers.load import GeoData, load_geodata
from siting.layers.site_table import site_table
from siting.model.assignment import MAX_RESOLVES, AssignmentModel, AssignmentSolution
from siting.model.assignment.capacity_values import time_budget_s
from siting.model.solvers import SOLVED, check_time_limit
from siting.progress import ProgressArg, progress_reporter
from siting.results.assignment import AssignmentResult, CapacityLine

__all__ = ["MAX_PRIORITY", "assign_leads"]


def _capacity_values(
    model: AssignmentModel,
    sol: AssignmentSolution,
    facts: SiteFacts,
    pipeline: EvaluatedPipeline,
    inputs: _ModelInputs,
    grid_zones: GridZones,
    names: tuple[Mapping[str, str], Mapping[str, str]],
    *,
    max_resolves: int,
    solver: str | None,
    time_limit_s: float | None,
    gap_rel: float,
) -> tuple[tuple[CapacityLine, ...], str]:
    """Return the value of one more unit of each capacity, and of relief one year earlier."""
    site_names, region_names = names
    values = capacity_lines(sol, site_names, grid_zones, region_names)
    capacity_note = sol.capacity_note
    if max_resolves > 0 and sol.status in SOLVED:
        relief, n_left = _relief_values(
            model,
            sol,
            facts,
            pipeline.blocked,
            inputs,
            max_resolves,
            solver=solver,
            time_limit_s=time_limit_s,
            gap_rel=gap_rel,
        )
        values, capacity_note = with_relief(values, relief, capacity_note, n_left)
    return values, capacity_note


def _with_headroom(data: GeoData, headroom: Mapping[str, float] | str | Path | None) -> GeoData:
    """Return the data with the user's grid headroom per municipality as what-if overrides."""
    if headroom is None:
        return data
    overrides = tuple(data.grid_overrides) + headroom_overrides(headroom, data)
    return replace(data, grid_overrides=overrides)


# --------------------------------------------------------------------------------------------
# the thin constructor on the data


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
    report = progress_reporter(progress)
    entries = collect_leads(leads, priority)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    gap_rel = check_options(absorption_share, gap_rel)
    data = _with_headroom(load_geodata(geodata_dir) if data is None else data, headroom)
    table = site_table(data=data)
    facts = cached_site_facts(table, data)
    sites = SiteColumns.from_table(table)
    region_ids, region_names, region_kw = _region_inputs(table, data, absorption_share)
    pipeline = evaluate_pipeline(entries, data, facts, table, catalogue, report)
    inputs = _ModelInputs.of(pipeline, sites, facts.grid, catalogue, region_kw)
    model, grid_zones = inputs.build(pipeline.pairs, pipeline.utility)
    report.stage(
        f"solving the assignment ({len(pipeline.valid)} leads"
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

    values, capacity_note = _capacity_values(
        model,
        sol,
        facts,
        pipeline,
        inputs,
        grid_zones,
        (sites.names, region_names),
        max_resolves=max_resolves,
        solver=solver,
        time_limit_s=time_limit_s,
        gap_rel=gap_rel,
    )
    site_use = site_uses(model, sol, sites)
    return AssignmentResult(
        status=sol.status,
        objective=round(sol.objective, 6),
        gap=sol.gap,
        solve_time_s=round(sol.solve_time_s, 4),
        solver=sol.solver,
        leads=lead_outcomes(entries, pipeline, sol, sites),
        sites=site_use,
        zones=zone_uses(model, sol, grid_zones),
        regions=region_uses(model, sol, region_ids, region_names),
        capacity_values=values,
        capacity_note=capacity_note,
        notes=result_notes(pipeline, grid_zones, site_use, sol.resolution),
        gap_rel=sol.gap_rel,
        status_note=sol.status_note,
    )


# --------------------------------------------------------------------------------------------
# the model inputs and the re-solves


def _region_inputs(
    table: Any, data: GeoData, absorption_share: float | None
) -> tuple[tuple[str, ...], dict[str, str], dict[str, Any]]:
    """Return the region ids, names and model arguments (none without an absorption share)."""
    if absorption_share is None:
        return (), {}, {}
    region_ids, region_names, region_cap, site_region = regions(
        table, data, float(absorption_share)
    )
    region_kw = {
        "site_region": site_region,
        "region_capacity_fte": region_cap,
        "region_ids": region_ids,
    }
    return region_ids, region_names, region_kw


@dataclass(frozen=True)
class _ModelInputs:
    """What :class:`AssignmentModel` takes besides the pairs: leads, needs, capacities.

    Attributes
    ----------
    lead_ids, lead_weight
        The valid leads and their priority weights [-].
    needs
        ``(L, 3)``: plot [ha] (the plot the floor space needs, as the rules), power [MW],
        talent [FTE] per lead.
    sites
        The site table's columns.
    grid
        The site facts' grid join (for the supply areas a pair draws on).
    small_mw
        Largest connection counted as small [MW].
    region_kw
        The labour-market region arguments of the model (empty without an absorption share).
    """

    lead_ids: list[str]
    lead_weight: list[float]
    needs: np.ndarray
    sites: SiteColumns
    grid: Any
    small_mw: float
    region_kw: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        pipeline: EvaluatedPipeline,
        sites: SiteColumns,
        grid: Any,
        catalogue: Catalogue,
        region_kw: dict[str, Any],
    ) -> _ModelInputs:
        """Gather the inputs of the valid leads of ``pipeline``."""
        fsi = catalogue.params.floor_space_index  # the plot the floor space needs, as the rules
        needs = [
            (
                plot_needed_ha(e.profile.needs.land_ha, e.profile.needs.floor_m2, fsi),
                e.profile.needs.power_mw,
                e.profile.needs.talent.total,
            )
            for e in pipeline.valid
            if e.profile is not None
        ]
        return cls(
            lead_ids=[e.lead_id for e in pipeline.valid],
            lead_weight=[e.priority for e in pipeline.valid],
            needs=np.array(needs, dtype=np.float64).reshape(-1, 3),
            sites=sites,
            grid=grid,
            small_mw=catalogue.params.small_connection_mw,
            region_kw=region_kw,
        )

    def build(
        self, pair_array: np.ndarray, utility_array: np.ndarray
    ) -> tuple[AssignmentModel, GridZones]:
        """Build the model on these pairs and utilities; return it and the grid zones used."""
        zones = pair_zones(
            pair_array, self.needs[:, 1], self.grid, self.sites.gm_codes, small_mw=self.small_mw
        )
        n_sites = len(self.sites.ids)
        built = AssignmentModel(
            lead_ids=self.lead_ids,
            site_ids=self.sites.ids,
            pairs=pair_array,
            utility=utility_array,
            lead_weight=self.lead_weight,
            land_ha=self.needs[:, 0],
            power_mw=self.needs[:, 1],
            site_capacity_ha=self.sites.capacity_ha,
            site_zone=np.full(n_sites, -1),
            zone_headroom_mw=zones.capacity,
            zone_ids=zones.ids,
            zone_pairs=zones.zone_pairs,
            zone_unit=zones.units,
            talent_fte=self.needs[:, 2],
            **self.region_kw,
        )
        return built, zones


def _relief_values(
    model: AssignmentModel,
    sol: Any,
    facts: Any,
    blocked: BlockedPairs,
    inputs: _ModelInputs,
    max_resolves: int,
    *,
    solver: str | None,
    time_limit_s: float | None,
    gap_rel: float,
) -> tuple[tuple[CapacityLine, ...], int]:
    """Value relief one year earlier of each grid area (a re-solve per area).

    The re-solves share what is left of the value of capacity's time
    (:func:`siting.model.assignment.capacity_values.time_budget_s` less the time its own
    re-solves took); the areas with most leads blocked come first, those left when it is
    used are not re-solved. Returns the values and how many areas were left.
    """
    out = []
    base_fit = float(sol.objective)
    base_site = dict(sol.assignment)
    limit = check_time_limit(time_limit_s)
    deadline = time.perf_counter() + time_budget_s(sol.solve_time_s) - sol.capacity_time_s
    candidates = relief_candidates(facts.grid, blocked)[:max_resolves]
    for relief in candidates:
        left = deadline - time.perf_counter()
        if left <= 0.0:
            break
        idx = relief.admitted
        extra = np.column_stack([blocked.lead[idx], blocked.site[idx]])
        pairs = np.vstack([model.pairs, extra])
        utility = np.concatenate([model.utility, blocked.utility[idx]])
        relieved, _ = inputs.build(pairs, utility)
        new = relieved.solve(
            solver=solver, time_limit_s=min(limit, left), capacity_values=False, gap_rel=gap_rel
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
    return tuple(out), len(candidates) - len(out)
