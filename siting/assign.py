r"""Assign a portfolio of leads to sites that share capacity: plots, grid headroom, labour.

Ranking (:mod:`siting.rank`) treats every lead on its own; when many leads compete, the
taskforce must not promise the same plot or the same grid headroom twice. This module solves
one assignment for the whole pipeline:

- :class:`AssignmentModel`, the core on arrays (feasible lead-site pairs, utilities,
  priorities, needs and capacities), with ``.solve()`` returning a frozen
  :class:`AssignmentSolution`: the assignment, the reason in words for every unplaced lead
  and the value of one more unit of each binding capacity;
- :func:`assign_leads`, the thin constructor on the data: it evaluates every lead's profile
  on the site table (:func:`siting.criteria.evaluate`), delegates to the core and returns an
  :class:`AssignmentResult` with site names, capacities used and notes;
- :func:`write_assignment` writes a result to ``.csv``, ``.xlsx`` or ``.json``.

**Capacity rules.** A site's capacity is its available area [ha] (a fully issued site has
0 ha). A site whose available area is *not known* takes at most one lead: its area cannot be
promised twice. A congestion zone's grid headroom [MW] is shared by every site in the zone; a
zone whose headroom is not known is **not constrained** (the embedded data have no headroom
figures: supply them through the grid layer's ``headroom_mw`` column, which the capacity-map
importer fills, or as ``headroom=`` a mapping or a CSV file ``zone_id,headroom_mw``).
Optionally, hires per labour-market region are capped at a share of the region's technical
workforce (``absorption_share``).

**Priority rule.** Each lead carries a weight :math:`w_l = ` its ``priority`` (>= 0, default
1): the objective is the priority-weighted total fit :math:`\sum w_l u_{ls}`. A lead of
priority 2 counts twice a lead of priority 1 with the same fit; a lead of priority 0 is only
placed where it displaces nobody.
"""

from __future__ import annotations

import csv
import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError
from siting.layers import GeoData
from siting.model import MAX_OBJECTIVE_COEFFICIENT, UTILITY_RESOLUTION
from siting.profile import Profile
from siting.result import json_ready
from siting.solvers import (
    SOLVED,
    LinearModel,
    Row,
    SolveOutcome,
    check_gap,
    check_solver,
    check_time_limit,
    solve_milp,
)

#: Default cap on the number of re-solves for the value of capacity.
MAX_RESOLVES: int = 30

#: Capacity use is compared with this tolerance [unit of the row].
_TOL = 1e-6

#: Decimals needs and capacities are rounded to before they enter the MILP (1 m2, 0.1 kW,
#: 0.001 FTE): exact for CP-SAT's scaling to integers and far below any data precision.
_DECIMALS = 4

#: Blocked sites named in an unplaced lead's reason.
_SITES_NAMED = 3

#: Lead x site cells evaluated at once (bounds the memory of a batch).
_EVAL_CELLS = 1 << 17

#: Status of a lead.
PLACED, UNPLACED, INVALID = "placed", "unplaced", "invalid input"


# --------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Blocker:
    """Why one feasible site of an unplaced lead is not available to it.

    Parameters
    ----------
    site_id
        The site.
    utility
        The lead's utility there [-].
    rules
        The capacity rows that adding the lead there would violate, in words.
    """

    site_id: str
    utility: float
    rules: tuple[str, ...]


@dataclass(frozen=True)
class CapacityValue:
    r"""What one more unit of a binding capacity adds to the objective (by a re-solve).

    Parameters
    ----------
    kind
        ``"site"`` (area [ha]), ``"zone"`` (grid headroom [MW]) or ``"region"``
        (labour absorption [FTE]).
    key
        Site id, zone id or region id.
    unit
        ``"ha"``, ``"MW"`` or ``"FTE"``.
    capacity
        The capacity before the increase [unit].
    used
        Capacity used by the assignment [unit].
    step
        The increase tried [unit] (1).
    added_value
        Increase of the objective :math:`\sum w_l u_{ls}` [-] when the capacity is ``step``
        larger; 0 when one more unit unlocks nothing.
    leads_competing
        Leads with a feasible pair that this row blocks.
    status
        Status of the re-solve (``"optimal"`` makes the value exact; ``"within_gap"``
        makes it approximate, see :attr:`AssignmentSolution.capacity_note`).
    changed_leads
        Leads whose site changes in the re-solved assignment.
    """

    kind: str
    key: str
    unit: str
    capacity: float
    used: float
    step: float
    added_value: float
    leads_competing: int
    status: str
    changed_leads: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentSolution:
    r"""Result of :meth:`AssignmentModel.solve`.

    Parameters
    ----------
    status
        ``"optimal"`` (the fit is proven optimal), ``"within_gap"`` (proven within the
        requested ``gap_rel`` of the optimum; see ``gap``), ``"feasible"`` (stopped at the
        time limit with an assignment; see ``gap``), ``"no_solution_in_time"`` (no lead
        placed) or ``"error"``; :data:`siting.solvers.STATUSES`. ``status_note`` says it
        in words.
    objective
        Priority-weighted total fit :math:`\sum w_l u_{ls}` of the assignment [-].
    fit_int
        The quantised fit :math:`\sum_p q_p x_p` the first stage maximises.
    tie_break
        The tie-break :math:`\sum_p \tau_p x_p` the second stage maximises.
    tie_break_status
        Status of the second stage (``"optimal"``: the assignment is the unique
        lexicographic optimum; ``"skipped"`` when the first stage was not proven optimal,
        e.g. stopped at the requested gap: ties are then not broken deterministically).
    gap
        Relative MIP gap reached [-]: 0.0 when optimal, ``nan`` when unknown.
    solve_time_s
        Wall time of both stages [s] (the re-solves are in ``capacity_time_s``).
    solver
        Backend name.
    assignment
        Lead id -> site id, or ``None`` when unplaced (every lead, in input order).
    utility
        Lead id -> utility at its site [-] (placed leads only).
    reasons
        Lead id -> why it is unplaced, in words (unplaced leads only).
    blockers
        Lead id -> its feasible sites and the capacity rows that keep it off each.
    site_used_ha, zone_used_mw, region_used_fte
        Capacity used per site [ha], zone [MW] and region [FTE], in input order.
    site_n_leads
        Leads placed per site.
    capacity_values
        The value of one more unit of the binding capacities, largest first.
    capacity_note
        How the values were computed and what was left out.
    capacity_time_s
        Wall time of the re-solves [s].
    resolution
        Utility resolution of the quantised fit, in units of the weighted utility [-].
    chosen_pairs
        Indices of the chosen pairs.
    gap_rel
        The relative gap that was asked for [-] (0.0: proven optimum).
    status_note
        What the status means for this assignment, in words (how close to the optimum,
        whether ties are broken deterministically).
    """

    status: str
    objective: float
    fit_int: int
    tie_break: int
    tie_break_status: str
    gap: float
    solve_time_s: float
    solver: str
    assignment: dict[str, str | None]
    utility: dict[str, float]
    reasons: dict[str, str]
    blockers: dict[str, tuple[Blocker, ...]]
    site_used_ha: tuple[float, ...]
    site_n_leads: tuple[int, ...]
    zone_used_mw: tuple[float, ...]
    region_used_fte: tuple[float, ...]
    capacity_values: tuple[CapacityValue, ...]
    capacity_note: str
    capacity_time_s: float
    resolution: float
    chosen_pairs: tuple[int, ...]
    gap_rel: float = 0.0
    status_note: str = ""

    @property
    def n_placed(self) -> int:
        """Number of placed leads."""
        return sum(site is not None for site in self.assignment.values())


@dataclass(frozen=True)
class _Capacity:
    """One capacity row: kind, index, key, unit, pair indices, coefficients, right-hand side."""

    kind: str
    index: int
    key: str
    unit: str
    pairs: np.ndarray
    coefs: np.ndarray
    rhs: float

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.key}"


# --------------------------------------------------------------------------------------------
# the core model


class AssignmentModel:
    r"""Assign leads to sites under shared capacities (generalised assignment, leads optional).

    Only the feasible lead-site pairs :math:`P` (those that pass every hard constraint of the
    lead) get a variable; the dense all-pairs model is left to the benchmarks.

    Stage 1 maximises the quantised priority-weighted fit; stage 2 breaks its ties:

    .. math::

        Q^* = \max_{x \in X} \sum_{p \in P} q_p\, x_p, \qquad
        \max_{x \in X} \Big\{ \sum_{p \in P} \tau_p\, x_p \;:\;
        \sum_{p \in P} q_p\, x_p \ge Q^* \Big\},

    .. math::

        q_p = \operatorname{round}\!\left(\frac{w_{l(p)}\, u_p}{\bar w\, \delta}\right),
        \qquad \tau_p = (L - \lambda_{l(p)})\,(S - \sigma_{s(p)}) \ge 1,

    where :math:`X` is the set of 0/1 vectors with

    .. math::

        \sum_{p \in P_l} x_p \le 1 \quad \forall l, \qquad
        \sum_{p \in P_s} a_{l(p)}\, x_p \le A_s \quad \forall s: A_s \text{ known}, \qquad
        \sum_{p \in P_s} x_p \le 1 \quad \forall s: A_s \text{ unknown},

    .. math::

        \sum_{p \in P_z} e_{l(p)}\, x_p \le H_z \quad \forall z: H_z \text{ known}, \qquad
        \sum_{p \in P_r} h_{l(p)}\, x_p \le F_r \quad \forall r: F_r \text{ given}, \qquad
        x_p \in \{0, 1\}.

    **Priority rule**: :math:`w_l` is the lead's priority (>= 0, default 1); the objective is
    the priority-weighted total fit :math:`\sum_p w_{l(p)} u_p`. A lead of priority 0 is only
    placed where it displaces nobody (through the tie-break).

    **Ties**, deterministic as in :class:`siting.model.SiteChoiceModel`: weighted utilities
    are compared at resolution :math:`\delta = 10^{-6}` of the largest priority
    :math:`\bar w` (integers :math:`q_p \le 10^6`). Among the assignments of maximal quantised
    fit, stage 2 takes the one with the largest :math:`\sum \tau_p x_p`: it places a lead
    rather than none and, by the rearrangement inequality, gives alphabetically earlier leads
    the alphabetically earlier sites, so identical inputs give the identical assignment on
    every backend. The two stages are solved one after the other rather than folded into one
    objective :math:`q_p K + \tau_p`: the factor :math:`K > \sum_l \max_p \tau_p` would push
    the objective to :math:`10^{13}` and beyond for 200 leads, where HiGHS no longer closes a
    zero gap; each stage alone stays below :math:`10^{9}`.

    **Model size** (exact, the lexicographic optimum is unchanged; see :meth:`kept_pairs`):
    the solves get a variable only for the pairs that can be in a lexicographic optimum (a
    pair is dropped when its lead has a *free* pair, i.e. one in no capacity row that can
    bind, with a larger :math:`(q, \tau)`), and only the rows that can bind (a capacity row
    whose kept coefficients sum to more than its capacity; an "at most one lead" row with at
    least two kept pairs; a lead row with at least two kept pairs). Stage 2 is skipped, with
    status ``"optimal"``, when stage 1's answer already reaches a simple upper bound of the
    tie-break (e.g. every lead at its best pair).

    **Gap and start**: by default both stages run to a zero gap. With ``gap_rel > 0`` stage
    1 may stop as soon as its assignment is proven within that relative gap of the optimal
    fit (status ``"within_gap"``); stage 2 is then skipped, so ties between equally good
    assignments are not broken deterministically, and the solution says so. Stage 1 starts
    from :meth:`greedy_assignment` (a feasible assignment, so the solver has an incumbent
    from the start), stage 2 from stage 1's answer, each re-solve from the final
    assignment. A stage 1 stopped at the time limit has status ``"feasible"`` and the gap it
    reached; stage 2 is skipped as well.

    **Unplaced leads** get a reason: "no feasible site" when :math:`P_l` is empty, else, for
    each of its pairs, the capacity rows that adding it to the final assignment would violate.

    **Value of capacity**: for every known capacity row that is binding, i.e. blocks a pair
    that one more unit could admit (not chosen, does not fit the room left, needs at most
    the capacity + 1), the stage-1 MILP is solved again with the right-hand side one unit
    (1 ha, 1 MW, 1 FTE) larger; the increase in :math:`\sum w_l u_p` (quantised) is the
    exact marginal value for the integer problem. The
    duals of the LP relaxation are not used: an assignment's capacity is taken in whole
    leads, so the relaxation's duals are often 0 (a fractional lead absorbs the unit) or far
    from what one more unit unlocks in whole leads. At most ``max_resolves`` rows are
    re-solved, those with the most leads competing; the solution says so. The re-solves use
    the same ``gap_rel``: with a gap the values are approximate (each re-solve is only
    within the gap of its optimum), and ``capacity_note`` says so.

    =====================  =========================================================  ======
    Symbol                 Meaning                                                    Unit
    =====================  =========================================================  ======
    :math:`P, P_l, P_s`    feasible pairs; those of lead :math:`l`; of site :math:`s`  [-]
    :math:`P_z, P_r`       pairs at the sites of zone :math:`z`; of region :math:`r`  [-]
    :math:`x_p`            1 if pair :math:`p` (lead :math:`l(p)`, site) is chosen    [-]
    :math:`u_p`            utility of the pair's site for its lead, in [0, 1]         [-]
    :math:`w_l`            priority of lead :math:`l` (>= 0)                          [-]
    :math:`\bar w`         largest priority (1 when all are 0)                        [-]
    :math:`\delta`         utility resolution, :math:`10^{-6}`                        [-]
    :math:`q_p`            quantised weighted utility                                 [-]
    :math:`\tau_p`         tie-break weight of pair :math:`p`                         [-]
    :math:`\lambda_l`      position of the lead id in ``sorted(lead_ids)``            [-]
    :math:`\sigma_s`       position of the site id in ``sorted(site_ids)``            [-]
    :math:`L, S`           number of leads, of sites                                  [-]
    :math:`a_l`            plot the lead needs                                        [ha]
    :math:`A_s`            available area of site :math:`s`                           [ha]
    :math:`e_l`            grid capacity the lead needs                               [MW]
    :math:`H_z`            grid headroom of congestion zone :math:`z`                 [MW]
    :math:`h_l`            hires of the lead                                          [FTE]
    :math:`F_r`            hires labour-market region :math:`r` can absorb            [FTE]
    =====================  =========================================================  ======

    Parameters
    ----------
    lead_ids
        Unique lead ids.
    site_ids
        Unique site ids.
    pairs
        ``(lead index, site index)`` for every feasible pair, shape ``(m, 2)``; unique.
    utility
        Utility per pair, in [0, 1], shape ``(m,)`` [-].
    lead_weight
        Priority :math:`w_l` per lead, >= 0 [-].
    land_ha
        Plot each lead needs, >= 0 [ha].
    power_mw
        Grid capacity each lead needs, >= 0 [MW].
    site_capacity_ha
        Available area per site, >= 0 [ha]; ``NaN`` = unknown (the site takes one lead).
    site_zone
        Congestion zone index per site, or -1 for none.
    zone_headroom_mw
        Headroom per zone, >= 0 [MW]; ``NaN`` = unknown (not constrained).
    zone_ids
        Zone names for messages (default ``"zone 0"``, ...).
    site_region
        Labour-market region index per site, or -1; with ``region_capacity_fte``.
    region_capacity_fte
        Hires each region can absorb [FTE]; ``NaN`` = not constrained.
    talent_fte
        Hires of each lead [FTE]; needed with ``region_capacity_fte``.
    region_ids
        Region names for messages.

    Raises
    ------
    ValueError
        For mismatched shapes, duplicate ids or pairs, out-of-range indices, utilities
        outside [0, 1], negative needs, priorities or capacities, or an instance too large for
        an exact integer tie-break.
    """

    def __init__(
        self,
        lead_ids: Sequence[str],
        site_ids: Sequence[str],
        pairs: np.ndarray | Sequence[tuple[int, int]],
        utility: np.ndarray | Sequence[float],
        lead_weight: np.ndarray | Sequence[float],
        land_ha: np.ndarray | Sequence[float],
        power_mw: np.ndarray | Sequence[float],
        site_capacity_ha: np.ndarray | Sequence[float],
        site_zone: np.ndarray | Sequence[int],
        zone_headroom_mw: np.ndarray | Sequence[float],
        *,
        zone_ids: Sequence[str] | None = None,
        site_region: np.ndarray | Sequence[int] | None = None,
        region_capacity_fte: np.ndarray | Sequence[float] | None = None,
        talent_fte: np.ndarray | Sequence[float] | None = None,
        region_ids: Sequence[str] | None = None,
    ) -> None:
        self.lead_ids = _unique_ids(lead_ids, "lead")
        self.site_ids = _unique_ids(site_ids, "site")
        n_l, n_s = len(self.lead_ids), len(self.site_ids)
        pr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        if pr.size and (pr[:, 0].min() < 0 or pr[:, 0].max() >= n_l
                        or pr[:, 1].min() < 0 or pr[:, 1].max() >= n_s):
            raise ValueError("pairs hold a lead or site index out of range")
        if np.unique(pr, axis=0).shape[0] != pr.shape[0]:
            raise ValueError("pairs must be unique")
        self.pairs = _frozen(pr)
        m = pr.shape[0]
        u = _array(utility, m, "utility")
        if ((u < -1e-9) | (u > 1 + 1e-9)).any():
            raise ValueError("utility must lie in [0, 1]")
        self.utility = _frozen(np.clip(u, 0.0, 1.0))
        self.lead_weight = _frozen(_array(lead_weight, n_l, "lead_weight", nonneg=True))
        self.land_ha = _frozen(np.round(_array(land_ha, n_l, "land_ha", nonneg=True), _DECIMALS))
        self.power_mw = _frozen(np.round(_array(power_mw, n_l, "power_mw", nonneg=True),
                                         _DECIMALS))
        self.site_capacity_ha = _frozen(np.round(
            _array(site_capacity_ha, n_s, "site_capacity_ha", nonneg=True, nan=True), _DECIMALS))
        self.site_zone = _frozen(_index(site_zone, n_s, "site_zone"))
        n_z = int(self.site_zone.max(initial=-1)) + 1
        head = _array(zone_headroom_mw, None, "zone_headroom_mw", nonneg=True, nan=True)
        if head.size < n_z:
            raise ValueError(f"zone_headroom_mw has {head.size} entries; site_zone uses {n_z}")
        self.zone_headroom_mw = _frozen(np.round(head, _DECIMALS))
        self.zone_ids = _names(zone_ids, head.size, "zone")
        if region_capacity_fte is None:
            self.site_region = _frozen(np.full(n_s, -1, dtype=np.int64))
            self.region_capacity_fte = _frozen(np.zeros(0))
            self.talent_fte = _frozen(np.zeros(n_l))
        else:
            if site_region is None or talent_fte is None:
                raise ValueError("region_capacity_fte needs site_region and talent_fte")
            self.site_region = _frozen(_index(site_region, n_s, "site_region"))
            cap = _array(region_capacity_fte, None, "region_capacity_fte", nonneg=True, nan=True)
            if cap.size < int(self.site_region.max(initial=-1)) + 1:
                raise ValueError("region_capacity_fte has fewer entries than site_region uses")
            self.region_capacity_fte = _frozen(np.round(cap, _DECIMALS))
            self.talent_fte = _frozen(np.round(_array(talent_fte, n_l, "talent_fte",
                                                      nonneg=True), _DECIMALS))
        self.region_ids = _names(region_ids, self.region_capacity_fte.size, "region")
        self._q, self._tau = self._coefficients()
        self._rows_cache: tuple[list[str], np.ndarray, np.ndarray, np.ndarray,
                                np.ndarray] | None = None

    # --- sizes and coefficients ---------------------------------------------------------------

    @property
    def n_pairs(self) -> int:
        """Number of feasible pairs (variables)."""
        return int(self.pairs.shape[0])

    def pair_name(self, p: int) -> str:
        """``lead id -> site id`` of pair ``p``."""
        lead, site = self.pairs[p]
        return f"{self.lead_ids[lead]}->{self.site_ids[site]}"

    @property
    def resolution(self) -> float:
        """Resolution of the quantised fit in units of the weighted utility [-]."""
        top = float(self.lead_weight.max(initial=0.0))
        return UTILITY_RESOLUTION * (top if top > 0 else 1.0)

    def objective_coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        r"""Return the integer coefficients :math:`(q_p, \tau_p)` of the two stages.

        Returns
        -------
        tuple of numpy.ndarray
            Float arrays of integral values, shape ``(n_pairs,)`` each.
        """
        return self._q.copy(), self._tau.copy()

    def _coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        n_l, n_s = len(self.lead_ids), len(self.site_ids)
        lam = _ranks(self.lead_ids)[self.pairs[:, 0]]
        sig = _ranks(self.site_ids)[self.pairs[:, 1]]
        tau = ((n_l - lam) * (n_s - sig)).astype(np.float64)
        q = np.rint(self.lead_weight[self.pairs[:, 0]] * self.utility
                    / self.resolution).astype(np.float64)
        if n_l * (n_l * n_s + UTILITY_RESOLUTION ** -1) > MAX_OBJECTIVE_COEFFICIENT:
            raise ValueError(f"{n_l} leads and {n_s} sites are too many for an exact integer "
                             "objective; split the pipeline")
        return q, tau

    def _fit(self, x: np.ndarray) -> float:
        """Quantised weighted fit of a 0/1 vector, in units of the weighted utility [-]."""
        return float(self._q @ x) * self.resolution

    # --- rows ---------------------------------------------------------------------------------

    def capacities(self) -> list[_Capacity]:
        """Return the capacity rows (sites, zones, regions); unknown zones/regions have none."""
        rows: list[_Capacity] = []
        lead_of, site_of = self.pairs[:, 0], self.pairs[:, 1]
        by_site = _group(site_of, len(self.site_ids))
        for s, ps in enumerate(by_site):
            if ps.size == 0:
                continue
            cap = float(self.site_capacity_ha[s])
            if math.isnan(cap):
                rows.append(_Capacity("site_unknown", s, self.site_ids[s], "lead", ps,
                                      np.ones(ps.size), 1.0))
            else:
                rows.append(_Capacity("site", s, self.site_ids[s], "ha", ps,
                                      self.land_ha[lead_of[ps]], cap))
        zone_of = self.site_zone[site_of]
        for z, ps in enumerate(_group(zone_of, self.zone_headroom_mw.size)):
            head = float(self.zone_headroom_mw[z])
            if ps.size and not math.isnan(head):
                rows.append(_Capacity("zone", z, self.zone_ids[z], "MW", ps,
                                      self.power_mw[lead_of[ps]], head))
        region_of = self.site_region[site_of]
        for r, ps in enumerate(_group(region_of, self.region_capacity_fte.size)):
            cap = float(self.region_capacity_fte[r])
            if ps.size and not math.isnan(cap):
                rows.append(_Capacity("region", r, self.region_ids[r], "FTE", ps,
                                      self.talent_fte[lead_of[ps]], cap))
        return rows

    def _row_table(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every capacity row as arrays, built with numpy (no loop over pairs).

        Returns the row names, right-hand sides, and per entry its row, pair and coefficient,
        sorted by row and then pair. Rows are the sites with a pair (known area [ha], or
        unknown area: one lead), then the zones of known headroom, then the regions of known
        capacity, in the order of :meth:`capacities`.
        """
        if self._rows_cache is not None:
            return self._rows_cache
        n_s = len(self.site_ids)
        n_z, n_r = self.zone_headroom_mw.size, self.region_capacity_fte.size
        lead_of, site_of = self.pairs[:, 0], self.pairs[:, 1]
        idx = np.arange(self.n_pairs)
        known = ~np.isnan(self.site_capacity_ha)
        site_rhs = np.where(known, self.site_capacity_ha, 1.0)
        site_coef = np.where(known[site_of], self.land_ha[lead_of], 1.0)
        zone_of = self.site_zone[site_of]
        head = self.zone_headroom_mw
        in_zone = zone_of >= 0
        in_zone[in_zone] = ~np.isnan(head[zone_of[in_zone]])
        region_of = self.site_region[site_of]
        in_region = region_of >= 0
        in_region[in_region] = ~np.isnan(self.region_capacity_fte[region_of[in_region]])
        entry_row = np.concatenate([site_of, n_s + zone_of[in_zone],
                                    n_s + n_z + region_of[in_region]])
        entry_pair = np.concatenate([idx, idx[in_zone], idx[in_region]])
        entry_coef = np.concatenate([site_coef, self.power_mw[lead_of[in_zone]],
                                     self.talent_fte[lead_of[in_region]]])
        order = np.lexsort((entry_pair, entry_row))
        entry_row, entry_pair, entry_coef = entry_row[order], entry_pair[order], entry_coef[order]
        names = ([f"site:{s}" if k else f"site_unknown:{s}"
                  for s, k in zip(self.site_ids, known, strict=True)]
                 + [f"zone:{z}" for z in self.zone_ids[:n_z]]
                 + [f"region:{r}" for r in self.region_ids[:n_r]])
        rhs = np.concatenate([site_rhs, np.nan_to_num(head, nan=0.0),
                              np.nan_to_num(self.region_capacity_fte, nan=0.0)])
        self._rows_cache = (names, rhs, entry_row, entry_pair, entry_coef)
        return self._rows_cache

    def _rhs(self, extra: Mapping[str, float] | None) -> np.ndarray:
        """Right-hand sides of the capacity rows, with ``extra`` added (by row name)."""
        names, rhs, entry_row, _, _ = self._row_table()
        rhs = rhs.copy()
        extra = dict(extra or {})
        if extra:
            has_pairs = np.zeros(rhs.size, dtype=bool)
            has_pairs[entry_row] = True
            position = {name: k for k, name in enumerate(names) if has_pairs[k]}
            unknown = sorted(name for name in extra if name not in position)
            if unknown:
                raise ValueError(f"no capacity row named {', '.join(unknown)}")
            for name, amount in extra.items():
                rhs[position[name]] += amount
        return rhs

    def kept_pairs(self, extra: Mapping[str, float] | None = None) -> np.ndarray:
        r"""Return the pairs that can be chosen in a lexicographic optimum (a mask).

        A pair is *free* when every capacity row it is in cannot bind, i.e. the coefficients
        of the row's remaining pairs sum to at most its right-hand side. A pair :math:`p`
        of lead :math:`l` is dropped when the lead has a free pair :math:`p'` with a
        lexicographically larger :math:`(q_{p'}, \tau_{p'})`: in any assignment that uses
        :math:`p`, moving the lead to :math:`p'` keeps every row satisfied and increases
        :math:`(\sum q x, \sum \tau x)` lexicographically, so :math:`x_p = 0` in every
        lexicographic optimum (of the problem and so of its first stage's optimal value).
        Dropping pairs makes more rows non-binding; this is repeated until nothing changes.
        A pair that alone exceeds a row it is in (its need is larger than the capacity) is
        dropped first: no feasible assignment uses it, and some solvers' preprocessing
        mishandles such a coefficient. The result depends on the right-hand sides, hence
        ``extra`` (as in :meth:`linear_model`).

        Parameters
        ----------
        extra
            Capacity row name -> amount added to its right-hand side.

        Returns
        -------
        numpy.ndarray
            Boolean mask over ``pairs``.
        """
        n = self.n_pairs
        alive = np.ones(n, dtype=bool)
        if n == 0:
            return alive
        _, _, entry_row, entry_pair, entry_coef = self._row_table()
        rhs = self._rhs(extra)
        alive[entry_pair[entry_coef > rhs[entry_row] + _TOL]] = False  # cannot fit even alone
        lead_of = self.pairs[:, 0]
        q, tau = self._q, self._tau
        n_l = len(self.lead_ids)
        while True:
            load = np.bincount(entry_row, weights=entry_coef * alive[entry_pair],
                               minlength=rhs.size)
            tight = load > rhs + _TOL
            in_tight = np.bincount(entry_pair[tight[entry_row]], minlength=n) > 0
            free = np.flatnonzero(alive & ~in_tight)
            if free.size == 0:
                break
            free = free[np.lexsort((tau[free], q[free], lead_of[free]))]
            last = np.append(lead_of[free][1:] != lead_of[free][:-1], True)
            best = free[last]
            best_q = np.full(n_l, -1.0)
            best_tau = np.full(n_l, -1.0)
            best_q[lead_of[best]] = q[best]
            best_tau[lead_of[best]] = tau[best]
            bq, bt = best_q[lead_of], best_tau[lead_of]
            dominated = alive & ((q < bq) | ((q == bq) & (tau < bt)))
            if not dominated.any():
                break
            alive &= ~dominated
        return alive

    def greedy_assignment(
        self,
        *,
        extra: Mapping[str, float] | None = None,
        keep: np.ndarray | None = None,
        start: np.ndarray | None = None,
    ) -> np.ndarray:
        r"""Return a feasible assignment by a greedy rule (the MIP start of stage 1).

        Leads are taken by descending best :math:`q` (ties: lead id), and each goes to its
        pair of largest :math:`(q, \tau)` that still fits every capacity row given the leads
        already placed; a lead whose pairs all fail stays unplaced. The answer satisfies
        every row of the model (at most one pair per lead, every capacity), so a solver can
        use it as an incumbent from the start; it is not optimal in general.

        Parameters
        ----------
        extra
            Capacity row name -> amount added to its right-hand side (as in
            :meth:`linear_model`).
        keep
            Boolean mask of the pairs that may be chosen (default all).
        start
            A feasible assignment (0/1 over ``pairs``) to complete: its leads keep their
            pairs and the greedy rule places the others in the room left.

        Returns
        -------
        numpy.ndarray
            0/1 integers over ``pairs``.
        """
        x = (np.zeros(self.n_pairs, dtype=np.int64) if start is None
             else np.asarray(start, dtype=np.int64).copy())
        cand = (np.arange(self.n_pairs) if keep is None
                else np.flatnonzero(np.asarray(keep, dtype=bool)))
        placed = np.zeros(len(self.lead_ids), dtype=bool)
        placed[self.pairs[x > 0, 0]] = True
        cand = cand[~placed[self.pairs[cand, 0]]]
        if cand.size == 0:
            return x
        _, _, entry_row, entry_pair, entry_coef = self._row_table()
        rhs = np.append(self._rhs(extra), np.inf)  # the last entry: "no row"
        # each pair is in at most three rows (site, zone, region): pad to a (m, 3) table
        order = np.argsort(entry_pair, kind="stable")
        slot = np.empty(entry_pair.size, dtype=np.int64)
        sorted_pairs = entry_pair[order]
        slot[order] = np.arange(sorted_pairs.size) - np.searchsorted(sorted_pairs, sorted_pairs)
        width = int(slot.max(initial=-1)) + 1
        row_of = np.full((self.n_pairs, max(width, 1)), rhs.size - 1, dtype=np.int64)
        coef_of = np.zeros((self.n_pairs, max(width, 1)))
        row_of[entry_pair, slot] = entry_row
        coef_of[entry_pair, slot] = entry_coef
        lead_of = self.pairs[cand, 0]
        q, tau = self._q[cand], self._tau[cand]
        best_q = np.full(len(self.lead_ids), -1.0)
        np.maximum.at(best_q, lead_of, q)
        lead_rank = _ranks(self.lead_ids)
        # leads by best q descending, then id; a lead's pairs by (q, tau) descending
        ordered = cand[np.lexsort((-tau, -q, lead_rank[lead_of], -best_q[lead_of]))]
        leads = self.pairs[ordered, 0]
        cuts = np.flatnonzero(np.diff(leads)) + 1
        load = np.zeros(rhs.size)
        chosen = np.flatnonzero(x)
        np.add.at(load, row_of[chosen], coef_of[chosen])
        for ps in np.split(ordered, cuts):
            rows, coefs = row_of[ps], coef_of[ps]
            fits = np.all(load[rows] + coefs <= rhs[rows] + _TOL, axis=1)
            if fits.any():
                k = int(np.argmax(fits))
                x[ps[k]] = 1
                load[rows[k]] += coefs[k]
        return x

    def linear_model(
        self,
        *,
        extra: Mapping[str, float] | None = None,
        fit_at_least: int | None = None,
        keep: np.ndarray | None = None,
    ) -> LinearModel:
        """Build the MILP of stage 1 (maximise the fit) or stage 2 (break its ties).

        Rows that cannot bind are left out: a capacity row whose coefficients (over the kept
        pairs) sum to at most its right-hand side, an "at most one lead" row of an
        unknown-area site with fewer than two kept pairs, and the row of a lead with fewer
        than two kept pairs.

        Parameters
        ----------
        extra
            Capacity row name (``"site:<id>"``, ``"zone:<id>"``, ``"region:<id>"``) -> amount
            added to its right-hand side [unit of the row].
        fit_at_least
            ``None`` for stage 1; else :math:`Q^*`: stage 2 maximises the tie-break subject
            to a quantised fit of at least this.
        keep
            Boolean mask of the pairs that get a variable (default all; see
            :meth:`kept_pairs`); the variables follow the order of ``pairs``.

        Returns
        -------
        LinearModel
            One binary variable per kept pair, in the order of ``pairs``.
        """
        names, _, entry_row, entry_pair, entry_coef = self._row_table()
        rhs = self._rhs(extra)
        kept = (np.arange(self.n_pairs) if keep is None
                else np.flatnonzero(np.asarray(keep, dtype=bool)))
        position = np.full(self.n_pairs, -1, dtype=np.int64)
        position[kept] = np.arange(kept.size)
        rows: list[Row] = []
        lead_of = self.pairs[kept, 0]
        lead_order = np.argsort(lead_of, kind="stable")
        for ps in np.split(lead_order, np.flatnonzero(np.diff(lead_of[lead_order])) + 1):
            if ps.size > 1:
                rows.append(Row(f"lead:{self.lead_ids[lead_of[ps[0]]]}", ps,
                                np.ones(ps.size), "<=", 1.0))
        on = position[entry_pair] >= 0
        e_row, e_var, e_coef = entry_row[on], position[entry_pair[on]], entry_coef[on]
        if e_row.size:
            cuts = np.flatnonzero(np.diff(e_row)) + 1
            starts = np.concatenate([[0], cuts])
            ends = np.concatenate([cuts, [e_row.size]])
            sums = np.add.reduceat(e_coef, starts)
            for a, b, total in zip(starts.tolist(), ends.tolist(), sums.tolist(), strict=True):
                r = int(e_row[a])
                if total <= rhs[r] + _TOL:
                    continue  # cannot bind: every subset of its pairs fits
                rows.append(Row(names[r], e_var[a:b], e_coef[a:b], "<=", float(rhs[r])))
        c = self._q[kept]
        if fit_at_least is not None:
            rows.append(Row("fit", np.arange(kept.size), c, ">=", float(fit_at_least)))
            c = self._tau[kept]
        return LinearModel(n_vars=int(kept.size),
                           var_names=tuple(self.pair_name(int(p)) for p in kept),
                           c=c, rows=tuple(rows))

    def _stage(self, solver: str, limit: float, *, extra: Mapping[str, float] | None = None,
               fit_at_least: int | None = None, keep: np.ndarray | None = None,
               gap_rel: float = 0.0,
               start: np.ndarray | None = None) -> tuple[SolveOutcome, np.ndarray | None]:
        """Solve stage 1 or 2 on the kept pairs; return the outcome and ``x`` over all pairs.

        ``start`` is a 0/1 vector over all pairs; the solver gets its kept part (dropping
        pairs from a feasible assignment of the capacity rows keeps it feasible).
        """
        keep = self.kept_pairs(extra) if keep is None else keep
        outcome = solve_milp(self.linear_model(extra=extra, fit_at_least=fit_at_least,
                                               keep=keep),
                             solver=solver, time_limit_s=limit, gap_rel=gap_rel,
                             start=None if start is None else start[keep])
        if outcome.x is None:
            return outcome, None
        x = np.zeros(self.n_pairs, dtype=np.int64)
        x[np.flatnonzero(keep)] = outcome.x
        return outcome, x

    # --- solving ------------------------------------------------------------------------------

    def solve(
        self,
        *,
        solver: str | None = None,
        time_limit_s: float | None = None,
        capacity_values: bool = True,
        max_resolves: int = MAX_RESOLVES,
        gap_rel: float = 0.0,
    ) -> AssignmentSolution:
        """Solve the assignment, explain the unplaced leads and value the binding capacities.

        Parameters
        ----------
        solver
            ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default
            :data:`siting.settings.default_solver`.
        time_limit_s
            Time limit per solve (the main one and each re-solve) [s]; default
            :data:`siting.settings.time_limit_s`.
        gap_rel
            Relative gap at which the first stage may stop [-], ``0 <= gap_rel < 1``
            (0.005 is 0.5 %); 0 (default) proves the optimum and breaks ties. The
            re-solves for the value of capacity use the same gap.
        capacity_values
            Whether to compute the value of one more unit of each binding capacity.
        max_resolves
            At most this many re-solves for those values (the rows with most leads
            competing first).

        Returns
        -------
        AssignmentSolution

        Raises
        ------
        ValueError
            For an unknown solver, a bad time limit, gap or ``max_resolves``.
        """
        name = check_solver(solver)
        limit = check_time_limit(time_limit_s)
        gap_limit = check_gap(gap_rel)
        if max_resolves < 0:
            raise ValueError(f"max_resolves must be >= 0, got {max_resolves!r}")
        caps = self.capacities()
        keep = self.kept_pairs()
        greedy = self._checked(self.greedy_assignment(keep=keep), caps)
        outcome, x1 = self._stage(name, limit, keep=keep, gap_rel=gap_limit, start=greedy)
        if x1 is None and outcome.status == "no_solution_in_time" and greedy.any():
            # a solver may not adopt the start as its incumbent (CP-SAT takes it as hints):
            # the greedy assignment is still a feasible answer, better than none
            outcome = replace(outcome, status="feasible", gap=math.nan,
                              objective=float(self._q @ greedy))
            x1 = greedy
            fallback = True
        else:
            fallback = False
        x = (np.zeros(self.n_pairs, dtype=np.int64) if x1 is None
             else self._checked(x1, caps))
        filled = 0
        if x1 is not None and outcome.status != "optimal":
            # a solver stopped at a gap or a time limit may leave room a lead fits in:
            # place such leads greedily (the fit only grows; the gap bound still holds)
            completed = self._checked(self.greedy_assignment(keep=keep, start=x), caps)
            filled = int(completed.sum() - x.sum())
            x = completed
        fit = round(float(self._q @ x))
        solve_time = outcome.solve_time_s
        tie_status = "skipped"
        if outcome.status == "optimal" and self.n_pairs and self._tie_free(x, fit, keep):
            tie_status = "optimal"  # stage 1's answer meets stage 2's bound: no stage 2
        elif outcome.status == "optimal" and self.n_pairs:
            second, x2 = self._stage(name, limit, fit_at_least=fit, keep=keep, start=x)
            solve_time += second.solve_time_s
            tie_status = second.status
            if x2 is not None:
                x2 = self._checked(x2, caps)
                # keep stage 1's answer if tolerances let stage 2 lose any fit
                if round(float(self._q @ x2)) >= fit and self._tau @ x2 >= self._tau @ x:
                    x = x2
                elif tie_status == "optimal":
                    tie_status = "error"
        chosen = tuple(int(p) for p in np.flatnonzero(x))
        site_of = {int(self.pairs[p, 0]): int(self.pairs[p, 1]) for p in chosen}
        utility = {self.lead_ids[int(self.pairs[p, 0])]: float(self.utility[p]) for p in chosen}
        used = {cap.name: float(cap.coefs @ x[cap.pairs]) for cap in caps}
        blockers, reasons = self._explain(x, caps, used, outcome.status)
        values: tuple[CapacityValue, ...] = ()
        note = "not computed"
        start = time.perf_counter()
        if capacity_values and outcome.x is not None:
            values, note = self._capacity_values(x, caps, used, name, limit, max_resolves,
                                                 outcome.status, gap_limit)
        return AssignmentSolution(
            status=outcome.status,
            objective=round(float(self.lead_weight[self.pairs[:, 0]] * self.utility @ x), 9),
            fit_int=round(float(self._q @ x)),
            tie_break=round(float(self._tau @ x)),
            tie_break_status=tie_status,
            gap=outcome.gap,
            solve_time_s=solve_time,
            solver=name,
            assignment={lid: (self.site_ids[site_of[lead]] if lead in site_of else None)
                        for lead, lid in enumerate(self.lead_ids)},
            utility=utility,
            reasons=reasons,
            blockers=blockers,
            site_used_ha=tuple(self._site_sums(x, self.land_ha)),
            site_n_leads=tuple(int(v) for v in self._site_sums(x, np.ones(len(self.lead_ids)))),
            zone_used_mw=tuple(self._group_sums(x, self.site_zone, self.zone_headroom_mw.size,
                                                self.power_mw)),
            region_used_fte=tuple(self._group_sums(x, self.site_region,
                                                   self.region_capacity_fte.size,
                                                   self.talent_fte)),
            capacity_values=values,
            capacity_note=note,
            capacity_time_s=time.perf_counter() - start,
            resolution=self.resolution,
            chosen_pairs=chosen,
            gap_rel=gap_limit,
            status_note=status_note(outcome.status, outcome.gap, gap_limit, tie_status,
                                    has_pairs=self.n_pairs > 0, filled=filled,
                                    greedy_only=fallback),
        )

    def _tie_free(self, x: np.ndarray, fit: int, keep: np.ndarray) -> bool:
        r"""Whether stage 1's optimum ``x`` is already the lexicographic optimum.

        With :math:`\bar q_l` the best :math:`q` of lead :math:`l` over the kept pairs and
        :math:`B = \sum_l \bar q_l - Q^*`, an assignment of fit :math:`Q^*` uses no pair
        that loses more than :math:`B` against its lead's best; so
        :math:`\sum_l \max\{\tau_p : q_p \ge \bar q_l - B\}` bounds stage 2 (an unplaced
        lead adds 0 and needs :math:`\bar q_l \le B`). Stage 2 is skipped when ``x``
        reaches this bound, e.g. when every lead is at its best pair.
        """
        kept = np.flatnonzero(keep)
        lead_of = self.pairs[kept, 0]
        n_l = len(self.lead_ids)
        q, tau = self._q[kept], self._tau[kept]
        best_q = np.zeros(n_l)
        np.maximum.at(best_q, lead_of, q)
        slack = float(best_q.sum()) - fit
        usable = q >= best_q[lead_of] - slack - 0.5
        bound = np.zeros(n_l)
        np.maximum.at(bound, lead_of[usable], tau[usable])
        return bool(round(float(self._tau @ x)) >= round(float(bound.sum())))

    def _checked(self, x: np.ndarray, caps: list[_Capacity]) -> np.ndarray:
        """Check a solver's 0/1 vector against every row (guards against tolerances)."""
        x = np.asarray(x, dtype=np.int64)
        per_lead = np.bincount(self.pairs[:, 0], weights=x, minlength=len(self.lead_ids))
        bad = [f"lead {self.lead_ids[lead]} placed {int(k)} times"
               for lead, k in enumerate(per_lead) if k > 1]
        bad += [cap.name for cap in caps if cap.coefs @ x[cap.pairs] > cap.rhs + _TOL]
        if bad:
            raise RuntimeError(f"the solver returned an assignment that violates {bad[:5]}")
        return x

    def _site_sums(self, x: np.ndarray, per_lead: np.ndarray) -> np.ndarray:
        return np.bincount(self.pairs[:, 1], weights=per_lead[self.pairs[:, 0]] * x,
                           minlength=len(self.site_ids))

    def _group_sums(self, x: np.ndarray, group_of_site: np.ndarray, n: int,
                    per_lead: np.ndarray) -> np.ndarray:
        g = group_of_site[self.pairs[:, 1]]
        keep = g >= 0
        return np.bincount(g[keep], weights=(per_lead[self.pairs[:, 0]] * x)[keep],
                           minlength=n)[:n] if n else np.zeros(0)

    # --- explanations -------------------------------------------------------------------------

    def _violations(self, x: np.ndarray, caps: list[_Capacity],
                    used: Mapping[str, float]) -> dict[int, list[str]]:
        """Pair -> the capacity rows that adding it to ``x`` would violate, in words."""
        lead_of = self.pairs[:, 0]
        holders = {cap.name: [self.lead_ids[int(lead_of[p])] for p in cap.pairs if x[p]]
                   for cap in caps}
        out: dict[int, list[str]] = {}
        for cap in caps:
            room = cap.rhs - used[cap.name]
            for p, a in zip(cap.pairs, cap.coefs, strict=True):
                if x[p] or a <= room + _TOL:
                    continue
                out.setdefault(int(p), []).append(_rule_text(cap, used[cap.name], a,
                                                             holders[cap.name]))
        return out

    def _explain(self, x: np.ndarray, caps: list[_Capacity], used: Mapping[str, float],
                 status: str) -> tuple[dict[str, tuple[Blocker, ...]], dict[str, str]]:
        placed = set(self.pairs[x.astype(bool), 0].tolist())
        violations = self._violations(x, caps, used)
        blockers: dict[str, tuple[Blocker, ...]] = {}
        reasons: dict[str, str] = {}
        for lead, ps in enumerate(_group(self.pairs[:, 0], len(self.lead_ids))):
            lid = self.lead_ids[lead]
            if lead in placed:
                continue
            if ps.size == 0:
                reasons[lid] = "no feasible site"
                continue
            order = sorted(ps.tolist(), key=lambda p: (-self.utility[p],
                                                       self.site_ids[self.pairs[p, 1]]))
            blockers[lid] = tuple(Blocker(self.site_ids[self.pairs[p, 1]],
                                          round(float(self.utility[p]), 6),
                                          tuple(violations.get(p, ())))
                                  for p in order)
            reasons[lid] = unplaced_reason(blockers[lid], status)
        return blockers, reasons

    # --- value of capacity --------------------------------------------------------------------

    def _capacity_values(self, x: np.ndarray, caps: list[_Capacity],
                         used: Mapping[str, float], solver: str, limit: float,
                         max_resolves: int, status: str,
                         gap_rel: float = 0.0) -> tuple[tuple[CapacityValue, ...], str]:
        lead_of = self.pairs[:, 0]
        base_site = {int(lead_of[p]): int(self.pairs[p, 1]) for p in np.flatnonzero(x)}
        base_q = self._fit(x)
        candidates = []
        for cap in caps:
            if cap.kind == "site_unknown":
                continue
            room = cap.rhs - used[cap.name]
            blocked = {int(lead_of[p]) for p, a in zip(cap.pairs, cap.coefs, strict=True)
                       if not x[p] and a > room + _TOL}
            admissible = any(not x[p] and room + _TOL < a <= cap.rhs + 1.0 + _TOL
                             for p, a in zip(cap.pairs, cap.coefs, strict=True))
            if blocked and admissible:
                candidates.append((cap, len(blocked)))
        candidates.sort(key=lambda item: (-item[1], item[0].kind, item[0].key))
        done = candidates[:max_resolves]
        values = []
        for cap, competing in done:
            outcome, x_new = self._stage(solver, limit, extra={cap.name: 1.0},
                                         gap_rel=gap_rel, start=x)
            if x_new is not None and outcome.status != "optimal":
                # as the main solve: fill room the re-solve left, so like is compared with like
                extra = {cap.name: 1.0}
                x_new = self.greedy_assignment(extra=extra, keep=self.kept_pairs(extra),
                                               start=x_new)
            if x_new is None:
                values.append(CapacityValue(cap.kind, cap.key, cap.unit, cap.rhs,
                                            used[cap.name], 1.0, math.nan, competing,
                                            outcome.status, ()))
                continue
            new_site = {int(lead_of[p]): int(self.pairs[p, 1])
                        for p in np.flatnonzero(x_new)}
            changed = tuple(self.lead_ids[lead] for lead in range(len(self.lead_ids))
                            if base_site.get(lead) != new_site.get(lead))
            gain = max(0.0, self._fit(x_new) - base_q)
            values.append(CapacityValue(cap.kind, cap.key, cap.unit, cap.rhs, used[cap.name],
                                        1.0, round(gain, 6), competing, outcome.status,
                                        changed))
        values.sort(key=lambda v: (-(0.0 if math.isnan(v.added_value) else v.added_value),
                                   -v.leads_competing, v.kind, v.key))
        if gap_rel > 0:
            note = (f"approximate marginal values by re-solving the MILP with one more unit "
                    f"of each binding capacity ({len(done)} re-solve(s)) to the same relative "
                    f"gap of {gap_rel:.2%}: each re-solve is only within that gap of its "
                    "optimum, so a value can be off by up to that share of the objective "
                    f"(about {gap_rel * self._fit(x):.4g}); give no gap for exact values")
        else:
            note = (f"exact marginal values by re-solving the MILP with one more unit of each "
                    f"binding capacity ({len(done)} re-solve(s))")
        if len(candidates) > len(done):
            note += (f"; {len(candidates) - len(done)} further binding row(s) not re-solved "
                     f"(cap of {max_resolves}, rows with most leads competing first)")
        if not candidates:
            note = ("no capacity row blocks a lead that one more unit could admit: one more "
                    "unit anywhere adds nothing")
        if status != "optimal" and not (status == "within_gap" and gap_rel > 0):
            note += f"; the main solve is {status}, so the values are approximate"
        return tuple(values), note


# --------------------------------------------------------------------------------------------
# reasons in words


def _fmt(value: float) -> str:
    return f"{value:,.4g}"


def _rule_text(cap: _Capacity, used: float, need: float, holders: Sequence[str]) -> str:
    who = _list_ids(holders)
    if need > cap.rhs + _TOL:
        what = {"site": "area", "zone": f"zone {cap.key} headroom",
                "region": f"labour-market region {cap.key} absorption"}[cap.kind]
        return f"{what} {_fmt(cap.rhs)} {cap.unit} is less than the {_fmt(need)} {cap.unit} needed"
    if cap.kind == "site_unknown":
        return f"area not known, so it takes one lead: taken by {who}"
    if cap.kind == "site":
        return (f"area: {_fmt(used)} of {_fmt(cap.rhs)} ha used by {who}; "
                f"needs {_fmt(need)} ha")
    if cap.kind == "zone":
        return (f"zone {cap.key} headroom: {_fmt(used)} of {_fmt(cap.rhs)} MW used by {who}; "
                f"needs {_fmt(need)} MW")
    return (f"labour-market region {cap.key} absorption: {_fmt(used)} of {_fmt(cap.rhs)} FTE "
            f"hired by {who}; needs {_fmt(need)} FTE")


def _list_ids(ids: Sequence[str], limit: int = 4) -> str:
    if not ids:
        return "no lead"
    shown = ", ".join(ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


def format_gap(gap: float) -> str:
    """Write a relative gap as a percentage: ``"0.23%"``, ``"< 0.01%"``, ``"unknown"``.

    A gap above zero never reads "0.00%" (that would look proven optimal).

    Parameters
    ----------
    gap
        Relative gap [-], ``nan`` when unknown.

    Returns
    -------
    str
    """
    if math.isnan(gap):
        return "unknown"
    if 0 < gap < 0.00005:
        return "< 0.01%"
    return f"{gap:.2%}"


def status_note(status: str, gap: float, gap_rel: float, tie_break_status: str, *,
                has_pairs: bool = True, filled: int = 0, greedy_only: bool = False) -> str:
    """Say in words what a solve's status means for the assignment.

    Parameters
    ----------
    status
        Status of the first stage (:data:`siting.solvers.STATUSES`).
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
        The solver found no assignment in time and the greedy start is reported.

    Returns
    -------
    str
    """
    if greedy_only:
        return ("not proven optimal, gap unknown: the solver found no assignment within the "
                "time limit, so this is the greedy assignment (each lead, best fit first, to "
                "its best site with room left); raise --time-limit for a better one")
    note = _status_words(status, gap, gap_rel, tie_break_status, has_pairs=has_pairs)
    if filled:
        note += (f"; {filled} lead(s) were placed after the solve, in room its assignment "
                 "left (this only raises the total fit)")
    return note


def _status_words(status: str, gap: float, gap_rel: float, tie_break_status: str, *,
                  has_pairs: bool) -> str:
    if not has_pairs:
        return "no lead has a feasible site: nothing to assign"
    ties = "ties between equally good assignments are not broken deterministically"
    reached = ("an unknown gap" if math.isnan(gap)
               else format_gap(gap).replace("< ", "less than "))
    if status == "optimal":
        if tie_break_status == "optimal":
            return ("proven optimal; ties between equally good assignments are broken "
                    "deterministically (identical inputs give the identical assignment)")
        return (f"the total fit is proven optimal, but the tie-break stage ended "
                f"{tie_break_status}: {ties}")
    if status == "within_gap":
        within = (f"within the requested {gap_rel:.2%}" if math.isnan(gap)
                  else f"within {reached}")
        return (f"not proven optimal: the assignment is {within} of the optimum (requested "
                f"relative gap of {gap_rel:.2%}); {ties}")
    if status == "feasible":
        asked = f", not the requested {gap_rel:.2%}" if gap_rel > 0 else ""
        return (f"not proven optimal: the solver stopped at the time limit with an assignment "
                f"within {reached} of the optimum{asked}; {ties}")
    return f"the solver returned no assignment (status {status})"


def unplaced_reason(blockers: Sequence[Blocker], status: str,
                    site_label: Mapping[str, str] | None = None) -> str:
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
        return (f"not placed by the solver (status {status}): "
                f"{label.get(free[0].site_id, free[0].site_id)} still had room")
    # sites taken by other leads first, then those whose capacity is too small anyway
    taken = sorted(taken, key=lambda b: all("less than" in r for r in b.rules))
    parts = [f"{label.get(b.site_id, b.site_id)} ({'; '.join(b.rules)})"
             for b in taken[:_SITES_NAMED]]
    more = (f"; and {len(taken) - _SITES_NAMED} more site(s)"
            if len(taken) > _SITES_NAMED else "")
    head = ("its feasible sites are taken: " if any("less than" not in r for b in taken
                                                    for r in b.rules)
            else "its feasible sites lack the capacity it needs: ")
    return head + ", ".join(parts) + more


# --------------------------------------------------------------------------------------------
# helpers (arrays)


def _unique_ids(ids: Sequence[str], what: str) -> tuple[str, ...]:
    out = tuple(str(i) for i in ids)
    if len(set(out)) != len(out):
        seen: set[str] = set()
        dup = sorted({i for i in out if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(dup[:5])}")
    return out


def _array(values: Any, n: int | None, label: str, *, nonneg: bool = False,
           nan: bool = False) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64).ravel().copy()
    if n is not None and arr.shape != (n,):
        raise ValueError(f"{label} has {arr.size} entries, expected {n}")
    if np.isinf(arr).any() or (not nan and np.isnan(arr).any()):
        raise ValueError(f"{label} must be finite{' or NaN' if nan else ''}")
    if nonneg and (arr < 0).any():
        raise ValueError(f"{label} must be >= 0")
    return arr


def _index(values: Any, n: int, label: str) -> np.ndarray:
    arr = np.asarray(values, dtype=np.int64).ravel().copy()
    if arr.shape != (n,):
        raise ValueError(f"{label} has {arr.size} entries, expected {n}")
    if (arr < -1).any():
        raise ValueError(f"{label} must hold indices >= 0 or -1 for none")
    return arr


def _names(names: Sequence[str] | None, n: int, what: str) -> tuple[str, ...]:
    if names is None:
        return tuple(f"{what} {k}" for k in range(n))
    out = tuple(str(v) for v in names)
    if len(out) != n:
        raise ValueError(f"{len(out)} {what} ids for {n} {what}s")
    return out


def _frozen(arr: np.ndarray) -> np.ndarray:
    arr.setflags(write=False)
    return arr


def _ranks(ids: Sequence[str]) -> np.ndarray:
    order = sorted(range(len(ids)), key=ids.__getitem__)
    ranks = np.empty(len(ids), dtype=np.int64)
    ranks[order] = np.arange(len(ids))
    return ranks


def _group(keys: np.ndarray, n: int) -> list[np.ndarray]:
    """Positions of ``keys`` per value ``0..n-1`` (negative keys are left out)."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    starts = np.searchsorted(sorted_keys, np.arange(n), side="left")
    ends = np.searchsorted(sorted_keys, np.arange(n), side="right")
    return [order[a:b] for a, b in zip(starts, ends, strict=True)]


# --------------------------------------------------------------------------------------------
# the thin constructor on the data


@dataclass(frozen=True)
class LeadOutcome:
    """One lead's outcome in a portfolio assignment.

    Parameters
    ----------
    lead_id
        The lead (company id).
    status
        ``"placed"``, ``"unplaced"`` or ``"invalid input"``.
    priority
        Its priority weight :math:`w_l` [-].
    land_ha, power_mw, talent_fte
        Its needs [ha], [MW], [FTE].
    n_feasible_sites
        Sites passing every hard constraint of the lead.
    site_id, site_name, municipality, province, zone_id
        Where it is placed (empty when not).
    utility
        Its utility there [-] (``nan`` when not placed).
    reason
        Why it is unplaced or invalid, in words (empty when placed).
    row
        Row of the leads file, when known.
    """

    lead_id: str
    status: str
    priority: float
    land_ha: float
    power_mw: float
    talent_fte: float
    n_feasible_sites: int
    site_id: str = ""
    site_name: str = ""
    municipality: str = ""
    province: str = ""
    zone_id: str = ""
    utility: float = math.nan
    reason: str = ""
    row: int | None = None


@dataclass(frozen=True)
class SiteUse:
    """Area used at a site that at least one lead could go to.

    Parameters
    ----------
    site_id, name, municipality, zone_id
        The site and its congestion zone.
    capacity_ha
        Available area [ha]; ``nan`` when not known (then the site takes one lead).
    rule
        The capacity rule applied, in words.
    used_ha
        Area promised to placed leads [ha].
    leads
        The leads placed there.
    n_candidates
        Leads for which the site is feasible.
    """

    site_id: str
    name: str
    municipality: str
    zone_id: str
    capacity_ha: float
    rule: str
    used_ha: float
    leads: tuple[str, ...]
    n_candidates: int


@dataclass(frozen=True)
class ZoneUse:
    """Grid headroom used in a congestion zone.

    Parameters
    ----------
    zone_id, name
        The zone (a municipality code in the embedded data) and its name.
    headroom_mw
        Headroom [MW]; ``nan`` when not known.
    used_mw
        Power promised to placed leads [MW].
    n_leads
        Leads placed in the zone.
    constrained
        Whether the headroom constrains the assignment.
    note
        ``"not known: not constrained"`` or the source of the figure.
    """

    zone_id: str
    name: str
    headroom_mw: float
    used_mw: float
    n_leads: int
    constrained: bool
    note: str


@dataclass(frozen=True)
class RegionUse:
    """Hires placed in a labour-market region with candidate sites, and what it can absorb.

    Parameters
    ----------
    region_id, name
        The region.
    capacity_fte
        Hires it can absorb: ``absorption_share`` x its technical workforce [FTE].
    used_fte
        Hires of the leads placed there [FTE].
    """

    region_id: str
    name: str
    capacity_fte: float
    used_fte: float


@dataclass(frozen=True)
class CapacityLine:
    """The value of one more unit of a binding capacity, with the capacity's name.

    Parameters
    ----------
    kind, key, name, unit
        ``"site"`` / ``"zone"`` / ``"region"``, its id, its name, ``"ha"`` / ``"MW"`` /
        ``"FTE"``.
    capacity, used
        Capacity and use before the increase [unit].
    added_value
        Increase of the priority-weighted total fit for one more unit [-].
    leads_competing
        Leads this capacity blocks from a feasible site.
    status
        Status of the re-solve.
    changed_leads
        Leads whose site changes when the capacity is one unit larger.
    """

    kind: str
    key: str
    name: str
    unit: str
    capacity: float
    used: float
    added_value: float
    leads_competing: int
    status: str
    changed_leads: tuple[str, ...]


@dataclass(frozen=True)
class AssignmentResult:
    """Result of :func:`assign_leads`: the assignment of a pipeline, explained.

    Parameters
    ----------
    status
        Solver status (see :class:`AssignmentSolution`): ``"optimal"``, ``"within_gap"``,
        ``"feasible"``, ``"no_solution_in_time"`` or ``"error"``.
    objective
        Priority-weighted total fit [-].
    gap
        Relative MIP gap reached [-] (``nan`` when unknown).
    solve_time_s
        Wall time of the main solve [s].
    solver
        Backend name.
    leads
        Every lead of the input (valid or not), in input order.
    sites, zones, regions
        Capacity used per site, congestion zone and labour-market region.
    capacity_values
        What one more unit of each binding capacity adds, largest first.
    capacity_note
        How those values were computed and what was left out.
    notes
        Caveats (unknown headroom, unknown areas, two-site profiles, ...).
    gap_rel
        The relative gap that was asked for [-] (0.0: proven optimum).
    status_note
        What the status means for this assignment, in words (see
        :attr:`AssignmentSolution.status_note`).
    """

    status: str
    objective: float
    gap: float
    solve_time_s: float
    solver: str
    leads: tuple[LeadOutcome, ...]
    sites: tuple[SiteUse, ...]
    zones: tuple[ZoneUse, ...]
    regions: tuple[RegionUse, ...]
    capacity_values: tuple[CapacityLine, ...]
    capacity_note: str
    notes: tuple[str, ...] = field(default=())
    gap_rel: float = 0.0
    status_note: str = ""

    @property
    def n_placed(self) -> int:
        """Number of placed leads."""
        return sum(lead.status == PLACED for lead in self.leads)

    @property
    def n_unplaced(self) -> int:
        """Number of valid leads that are not placed."""
        return sum(lead.status == UNPLACED for lead in self.leads)

    @property
    def n_invalid(self) -> int:
        """Number of leads with invalid input."""
        return sum(lead.status == INVALID for lead in self.leads)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data (``NaN`` becomes ``None``)."""
        data = json_ready(asdict(self))
        data["summary"] = {"leads": len(self.leads), "placed": self.n_placed,
                           "unplaced": self.n_unplaced, "invalid": self.n_invalid}
        return data


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
) -> AssignmentResult:
    """Assign a pipeline of leads to sites under shared plot, grid and labour capacity.

    Builds the site facts once, evaluates every lead (in batches with
    :func:`siting.criteria.evaluate_batch`, row for row what :func:`siting.criteria.evaluate`
    gives: the same rules and utilities as ``siting rank``), keeps the feasible pairs and
    delegates to :class:`AssignmentModel`.

    Parameters
    ----------
    leads
        A sequence of :class:`~siting.profile.Profile`, or a lead table from
        :func:`siting.leads.read_leads` (its invalid rows are reported as ``"invalid input"``
        with their problems; no lead is lost). A lead table read with
        ``extra_columns=["priority"]`` carries each lead's priority.
    priority
        Lead id -> priority weight (>= 0) [-], overriding the table's; leads without one get
        1. See the priority rule in :mod:`siting.assign`.
    geodata_dir
        Data folder; ``None`` for the default.
    catalogue
        Criteria catalogue (:class:`~siting.catalogue.Catalogue`) or its file; ``None`` for
        :data:`siting.settings.criteria_file`.
    solver
        ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default :data:`siting.settings.default_solver`.
    time_limit_s
        Time limit per solve [s]; default :data:`siting.settings.time_limit_s`.
    headroom
        Grid headroom per congestion zone [MW], overriding the grid layer's ``headroom_mw``:
        a mapping zone id -> MW, or a CSV file with columns ``zone_id,headroom_mw``. Zones
        whose headroom is not known are not constrained.
    absorption_share
        When given (0 < share <= 1): the hires placed in a labour-market region may not
        exceed this share of the region's technical workforce estimate [FTE].
    max_resolves
        At most this many re-solves for the value of capacity (0 to skip them).
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.
    gap_rel
        Relative gap at which the solver may stop [-], ``0 <= gap_rel < 1`` (0.005 is
        0.5 %); 0 (default) proves the optimum and breaks ties deterministically. With a gap
        the result's status is ``"within_gap"`` and ``status_note`` says how close the
        assignment is to the optimum; the values of capacity are then approximate.

    Returns
    -------
    AssignmentResult

    Raises
    ------
    SitingInputError
        For an invalid catalogue, data folder, headroom file or option.
    """
    from siting.catalogue import Catalogue, load_catalogue
    from siting.criteria import evaluate
    from siting.explain import infeasibility
    from siting.layers import load_geodata
    from siting.site_facts import site_facts
    from siting.site_table import site_table

    entries = _collect_leads(leads, priority)
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    if absorption_share is not None and not (0 < float(absorption_share) <= 1):
        raise SitingInputError(Problem(file="<options>", column="absorption_share",
                                       label="option", message="must be in (0, 1]"))
    try:
        gap_rel = check_gap(gap_rel)
    except ValueError as exc:
        raise SitingInputError(Problem(file="<options>", column="gap_rel", label="option",
                                       message=str(exc))) from None
    data = load_geodata(geodata_dir) if data is None else data
    table = site_table(data=data)
    facts = site_facts(table, data.campuses)
    site_ids = tuple(str(s) for s in table["site_id"])
    names = dict(zip(site_ids, table["name"].astype(str), strict=True))

    # zones: one per distinct grid_zone_id of the sites
    zone_col = table["grid_zone_id"].astype("string").fillna("")
    zone_ids = tuple(sorted({z for z in zone_col if z}))
    zone_index = {z: k for k, z in enumerate(zone_ids)}
    site_zone = np.array([zone_index.get(z, -1) for z in zone_col], dtype=np.int64)
    layer_head = (table.assign(_z=zone_col).groupby("_z")["grid_headroom_mw"].first()
                  .astype(float).to_dict())
    zone_head = np.array([layer_head.get(z, math.nan) for z in zone_ids], dtype=np.float64)
    head_source = dict.fromkeys(
        (z for z in zone_ids if not math.isnan(layer_head.get(z, math.nan))), "grid layer")
    if headroom is not None:
        grid_zones = set(data.grid_congestion["gm_code"].astype(str)) | set(zone_ids)
        for z, mw in _read_headroom(headroom, grid_zones).items():
            if z in zone_index:
                zone_head[zone_index[z]] = mw
                head_source[z] = "given"
    zone_names = dict(zip(data.municipalities["gm_code"].astype(str),
                          data.municipalities["name"].astype(str), strict=True))

    status = table["status"].astype(str).to_numpy()
    capacity = np.where(status == "fully_issued", 0.0,
                        table["available_ha"].astype(float).to_numpy())

    region_kw: dict[str, Any] = {}
    region_ids: tuple[str, ...] = ()
    region_names: dict[str, str] = {}
    if absorption_share is not None:
        region_ids, region_names, region_cap, site_region = _regions(
            table, data, float(absorption_share))
        region_kw = {"site_region": site_region, "region_capacity_fte": region_cap,
                     "region_ids": region_ids}

    # evaluate every valid lead
    valid: list[_Lead] = []
    pairs: list[tuple[int, int]] = []
    utilities: list[float] = []
    n_feasible: dict[str, int] = {}
    no_site: dict[str, str] = {}
    notes: list[str] = []
    for entry, evaluated in zip(entries, _evaluate_leads(entries, data, facts, catalogue),
                                strict=True):
        if evaluated is None:  # invalid: no profile, or its problem is now in entry.problem
            continue
        passes, utility, origin = evaluated
        feasible = np.flatnonzero(passes)
        lead = len(valid)
        valid.append(entry)
        pairs += [(lead, int(s)) for s in feasible]
        utilities += [float(utility[s]) for s in feasible]
        n_feasible[entry.lead_id] = int(feasible.size)
        if feasible.size == 0:
            assert entry.profile is not None
            ev = evaluate(entry.profile, facts, catalogue, origin_xy=origin)  # for its texts
            why = infeasibility(ev, table)
            label = next((c.label for c in ev.constraints if c.name == why.most_restrictive),
                         why.most_restrictive)
            failing = int((~(ev.constraints[[c.name for c in ev.constraints]
                                             .index(why.most_restrictive)].passes)).sum())
            no_site[entry.lead_id] = (f"no feasible site: the most restrictive rule is "
                                      f"'{label}' ({failing} of {len(site_ids)} sites fail it "
                                      "or do not say)")
    if any(e.profile is not None and e.profile.two_site is not None for e in valid):
        notes.append("two-site profiles are assigned one site for their combined needs")

    needs = [(e.profile.needs.land_ha, e.profile.needs.power_mw, e.profile.needs.talent.total)
             for e in valid if e.profile is not None]
    arr = np.array(needs, dtype=np.float64).reshape(-1, 3)
    model = AssignmentModel(
        lead_ids=[e.lead_id for e in valid], site_ids=site_ids,
        pairs=np.array(pairs, dtype=np.int64).reshape(-1, 2), utility=np.array(utilities),
        lead_weight=[e.priority for e in valid], land_ha=arr[:, 0], power_mw=arr[:, 1],
        site_capacity_ha=capacity, site_zone=site_zone, zone_headroom_mw=zone_head,
        zone_ids=zone_ids, talent_fte=arr[:, 2], **region_kw)
    sol = model.solve(solver=solver, time_limit_s=time_limit_s,
                      capacity_values=max_resolves > 0, max_resolves=max_resolves,
                      gap_rel=gap_rel)

    site_label = {s: f"{names[s]} ({s})" for s in site_ids}
    site_pos = {s: k for k, s in enumerate(site_ids)}
    muni = table["municipality"].astype(str).to_numpy()
    prov = table["province"].astype(str).to_numpy()
    outcomes = []
    for entry in entries:
        lid = entry.lead_id
        p = entry.profile
        base = {"lead_id": lid, "priority": entry.priority, "row": entry.row,
                "land_ha": p.needs.land_ha if p else math.nan,
                "power_mw": p.needs.power_mw if p else math.nan,
                "talent_fte": p.needs.talent.total if p else math.nan,
                "n_feasible_sites": n_feasible.get(lid, 0)}
        if p is None or lid not in n_feasible:
            outcomes.append(LeadOutcome(status=INVALID, reason=entry.problem, **base))
            continue
        site = sol.assignment[lid]
        if site is None:
            reason = (no_site[lid] if lid in no_site else
                      unplaced_reason(sol.blockers.get(lid, ()), sol.status, site_label))
            if sol.status not in SOLVED and lid not in no_site:
                reason = f"the solver returned no assignment (status {sol.status})"
            outcomes.append(LeadOutcome(status=UNPLACED, reason=reason, **base))
            continue
        k = site_pos[site]
        outcomes.append(LeadOutcome(
            status=PLACED, site_id=site, site_name=names[site], municipality=str(muni[k]),
            province=str(prov[k]), zone_id=zone_col.iloc[k],
            utility=round(sol.utility[lid], 6), **base))

    placed_at: dict[str, list[str]] = {}
    for lid, site in sol.assignment.items():
        if site is not None:
            placed_at.setdefault(site, []).append(lid)
    candidates = np.bincount(model.pairs[:, 1], minlength=len(site_ids))
    sites = tuple(
        SiteUse(site_id=s, name=names[s], municipality=str(muni[k]), zone_id=zone_col.iloc[k],
                capacity_ha=float(capacity[k]),
                rule=("area not known: takes at most one lead" if math.isnan(capacity[k]) else
                      "fully issued" if status[k] == "fully_issued" else "available area"),
                used_ha=round(sol.site_used_ha[k], 4), leads=tuple(placed_at.get(s, ())),
                n_candidates=int(candidates[k]))
        for k, s in enumerate(site_ids) if candidates[k] > 0)
    chosen_zones = site_zone[model.pairs[list(sol.chosen_pairs), 1]]
    zone_leads = np.bincount(chosen_zones[chosen_zones >= 0], minlength=len(zone_ids))
    zones_used = sorted({int(site_zone[s]) for s in model.pairs[:, 1] if site_zone[s] >= 0})
    zones = tuple(
        ZoneUse(zone_id=zone_ids[z], name=zone_names.get(zone_ids[z], ""),
                headroom_mw=float(zone_head[z]), used_mw=round(sol.zone_used_mw[z], 4),
                n_leads=int(zone_leads[z]), constrained=not math.isnan(zone_head[z]),
                note=("not known: not constrained" if math.isnan(zone_head[z])
                      else head_source.get(zone_ids[z], "given")))
        for z in zones_used)
    regions_used = {int(model.site_region[s]) for s in model.pairs[:, 1]}
    regions = tuple(
        RegionUse(region_id=r, name=region_names.get(r, ""),
                  capacity_fte=float(model.region_capacity_fte[k]),
                  used_fte=round(sol.region_used_fte[k], 3))
        for k, r in enumerate(region_ids) if k in regions_used)
    label_of = {"site": lambda key: names.get(key, key),
                "zone": lambda key: zone_names.get(key, key),
                "region": lambda key: region_names.get(key, key)}
    values = tuple(CapacityLine(kind=v.kind, key=v.key, name=label_of[v.kind](v.key),
                                unit=v.unit, capacity=v.capacity, used=round(v.used, 4),
                                added_value=v.added_value, leads_competing=v.leads_competing,
                                status=v.status, changed_leads=v.changed_leads)
                   for v in sol.capacity_values)
    n_unknown = sum(1 for z in zones if not z.constrained)
    if n_unknown:
        notes.append(f"grid headroom not known for {n_unknown} of {len(zones)} congestion "
                     "zone(s) with candidate sites: those zones are not constrained (give "
                     "--headroom zones.csv or import the capacity map)")
    n_unknown_area = sum(1 for s in sites if math.isnan(s.capacity_ha))
    if n_unknown_area:
        notes.append(f"{n_unknown_area} candidate site(s) without a known available area take "
                     "at most one lead each")
    notes.append(f"priority rule: weight = the lead's priority (default 1); utilities "
                 f"compared at a resolution of {sol.resolution:g}")
    return AssignmentResult(
        status=sol.status, objective=round(sol.objective, 6), gap=sol.gap,
        solve_time_s=round(sol.solve_time_s, 4), solver=sol.solver, leads=tuple(outcomes),
        sites=sites, zones=zones, regions=regions, capacity_values=values,
        capacity_note=sol.capacity_note, notes=tuple(notes), gap_rel=sol.gap_rel,
        status_note=sol.status_note)


def write_assignment(result: AssignmentResult, path: str | Path) -> Path:
    """Write an assignment to ``.csv``, ``.xlsx`` or ``.json``.

    ``.csv`` has one row per lead, ``.xlsx`` a sheet per table (leads, sites, zones, capacity
    values, regions) and ``.json`` everything. Text cells that a spreadsheet would run as a
    formula are neutralised (:func:`siting.report.safe_cell`).

    Parameters
    ----------
    result
        From :func:`assign_leads`.
    path
        The output file; its suffix chooses the format.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SitingInputError
        For an unsupported suffix.
    RuntimeError
        For ``.xlsx`` when openpyxl is not installed.
    """
    from siting.report import safe_cell

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
        return path
    tables = {"leads": result.leads, "sites": result.sites, "zones": result.zones,
              "capacity_values": result.capacity_values, "regions": result.regions}
    rows = {name: [{k: _cell(v, safe_cell) for k, v in asdict(rec).items()} for rec in recs]
            for name, recs in tables.items()}
    if suffix == ".csv":
        fields = list(LeadOutcome.__dataclass_fields__)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows["leads"])
        return path
    if suffix == ".xlsx":
        try:
            from openpyxl import Workbook
        except ImportError:  # pragma: no cover - depends on the environment
            raise RuntimeError("writing .xlsx needs openpyxl (pip install openpyxl); "
                               "write .csv or .json instead") from None
        book = Workbook()
        book.remove(book.active)
        classes = {"leads": LeadOutcome, "sites": SiteUse, "zones": ZoneUse,
                   "capacity_values": CapacityLine, "regions": RegionUse}
        for name, records in rows.items():
            sheet = book.create_sheet(name)
            fields = list(classes[name].__dataclass_fields__)
            sheet.append(fields)
            for rec in records:
                sheet.append([rec[f] for f in fields])
        book.save(path)
        return path
    raise SitingInputError(Problem(file=str(path), message="unsupported output format; use "
                                                           ".csv, .xlsx or .json"))


# --------------------------------------------------------------------------------------------
# helpers (data)


def _collect_leads(leads: Any, priority: Mapping[str, float] | None) -> list[_Lead]:
    """Unpack profiles or a lead table into entries, in input order; no lead is dropped.

    A lead table (:class:`siting.leads.LeadTable`) contributes every row: valid ones with
    their profile, invalid ones with their located problems; a ``priority`` column (read
    with ``read_leads(path, extra_columns=["priority"])``) sets the weights. Among plain
    profiles, a repeated id makes the later ones invalid.
    """
    given = dict(priority or {})
    if isinstance(leads, Profile):
        leads = [leads]
    table_file = str(getattr(leads, "file", "<leads>"))
    items = list(leads.leads) if hasattr(leads, "leads") else list(leads)
    entries: list[_Lead] = []
    seen: set[str] = set()
    for item in items:
        if isinstance(item, Profile):
            profile, lid, row, problems = item, item.company.id, None, ()
            extra: Mapping[str, str] = {}
        else:
            profile = getattr(item, "profile", None)
            lid = str(getattr(item, "lead_id", "") or (profile.company.id if profile else ""))
            row = getattr(item, "row", None)
            problems = tuple(getattr(item, "problems", ()) or ())
            extra = getattr(item, "extra", None) or {}
            if profile is not None and not isinstance(profile, Profile):
                raise TypeError(f"leads must be Profiles or a lead table, got "
                                f"{type(item).__name__}")
        text = str(extra.get("priority", "") or "").strip()
        weight = 1.0
        if lid in given:
            weight = float(given[lid])
        elif text:
            try:
                weight = float(text.replace(",", ".") if text.count(",") == 1
                               and "." not in text else text)
            except ValueError:
                weight = math.nan
        if not (math.isfinite(weight) and weight >= 0):
            if not text or lid in given:
                raise SitingInputError(Problem(file="<priority>", column=lid, label="lead",
                                               message=f"priority must be >= 0, got {weight!r}"))
            problems += (Problem(file=table_file, row=row, column="priority",
                                 message=f"priority must be a number >= 0, got {text!r}"),)
            weight = 0.0
        if problems or profile is None:
            entries.append(_Lead(lid or f"row-{row}", None, weight, row,
                                 "; ".join(str(p) for p in problems) or "invalid input"))
        elif lid in seen:
            entries.append(_Lead(lid, None, weight, row,
                                 "duplicate lead id: an earlier lead has the same id"))
        else:
            seen.add(lid)
            entries.append(_Lead(lid, profile, weight, row))
    return entries


def _evaluate_leads(entries: Sequence[_Lead], data: GeoData, facts: Any, catalogue: Any
                    ) -> list[tuple[np.ndarray, np.ndarray, tuple[float, float] | None] | None]:
    """Evaluate every lead with a profile: (feasible sites, utilities in [0, 1], origin).

    In batches of :data:`_EVAL_CELLS` lead-site cells with
    :func:`siting.criteria.evaluate_batch` (row for row what
    :func:`siting.criteria.evaluate` gives). A lead whose municipality or criteria do not
    resolve gets its problem in ``entry.problem`` and ``None``, as does a lead without a
    profile; a batch with such a lead is evaluated lead by lead, so each reports its own.
    """
    from siting.criteria import LeadParams, evaluate, evaluate_batch
    from siting.rank import resolve_origin

    out: list[tuple[np.ndarray, np.ndarray, tuple[float, float] | None] | None]
    out = [None] * len(entries)
    origins: dict[tuple[Any, ...], tuple[float, float] | None] = {}
    todo: list[tuple[int, tuple[float, float] | None]] = []
    for k, entry in enumerate(entries):
        if entry.profile is None:
            continue
        place = entry.profile.company.current_location
        key = (None,) if place is None else (place.municipality, place.lat, place.lon)
        if key not in origins:
            try:  # an unknown municipality makes this lead's input invalid
                origins[key] = resolve_origin(entry.profile, data, file=f"lead {entry.lead_id}")
            except SitingInputError as exc:
                entry.problem = "; ".join(str(p) for p in exc.problems)
                continue
        todo.append((k, origins[key]))
    size = max(1, _EVAL_CELLS // max(1, facts.n))
    for begin in range(0, len(todo), size):
        chunk = todo[begin:begin + size]
        profiles = [entries[k].profile for k, _ in chunk]
        try:
            params = LeadParams.from_profiles(profiles, catalogue,  # type: ignore[arg-type]
                                              origins=[origin for _, origin in chunk])
        except SitingInputError:  # a criterion that does not resolve: lead by lead
            for k, origin in chunk:
                try:
                    ev = evaluate(entries[k].profile, facts, catalogue,  # type: ignore[arg-type]
                                  origin_xy=origin)
                except SitingInputError as exc:
                    entries[k].problem = "; ".join(str(p) for p in exc.problems)
                    continue
                out[k] = (ev.feasible, np.clip(ev.utility, 0.0, 1.0), origin)
            continue
        batch = evaluate_batch(params, facts, catalogue)
        feasible, utility = batch.feasible, np.clip(batch.utility, 0.0, 1.0)
        for row, (k, origin) in enumerate(chunk):
            out[k] = (feasible[row], utility[row], origin)
    return out


def _read_headroom(headroom: Mapping[str, float] | str | Path,
                   known: set[str]) -> dict[str, float]:
    """Headroom per zone from a mapping or a ``zone_id,headroom_mw`` CSV, all problems at once."""
    problems: list[Problem] = []
    out: dict[str, float] = {}
    if isinstance(headroom, Mapping):
        file = "<headroom>"
        records = [(None, str(z), v) for z, v in headroom.items()]
    else:
        file = str(headroom)
        try:
            with Path(headroom).open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.DictReader(fh)
                missing = {"zone_id", "headroom_mw"} - set(reader.fieldnames or ())
                if missing:
                    raise SitingInputError(Problem(
                        file=file, message=f"missing column(s) {', '.join(sorted(missing))}; "
                                           "expected zone_id,headroom_mw"))
                records = [(k + 2, str(r["zone_id"] or "").strip(), r["headroom_mw"])
                           for k, r in enumerate(reader)]
        except OSError as exc:
            raise SitingInputError(Problem(file=file, message=f"cannot read: {exc}")) from None
    for row, zone, value in records:
        try:
            mw = float(value)
        except (TypeError, ValueError):
            problems.append(Problem(file=file, row=row, column="headroom_mw",
                                    message=f"not a number: {value!r}"))
            continue
        if not (math.isfinite(mw) and mw >= 0):
            problems.append(Problem(file=file, row=row, column="headroom_mw",
                                    message=f"must be a number >= 0 [MW], got {value!r}"))
        elif zone not in known:
            problems.append(Problem(file=file, row=row, column="zone_id",
                                    message=f"unknown congestion zone {zone!r} (zones are "
                                            "municipality codes such as GM0772)"))
        elif zone in out:
            problems.append(Problem(file=file, row=row, column="zone_id",
                                    message=f"zone {zone!r} given twice"))
        else:
            out[zone] = mw
    if problems:
        raise SitingInputError(problems)
    return out


def _regions(table: Any, data: Any, share: float) -> tuple[
        tuple[str, ...], dict[str, str], np.ndarray, np.ndarray]:
    """Labour-market regions: ids, names, absorption capacity [FTE], region index per site."""
    munis = data.municipalities[["gm_code", "labour_market_region_code",
                                 "labour_market_region"]]
    talent = data.stem_talent
    workforce = sum(talent[f"{lvl}_tech_workforce_est"].astype(float).fillna(0.0)
                    for lvl in ("mbo", "hbo", "wo"))
    per_muni = dict(zip(talent["gm_code"].astype(str), workforce, strict=True))
    totals: dict[str, float] = {}
    names: dict[str, str] = {}
    for code, region, name in munis.itertuples(index=False):
        totals[str(region)] = totals.get(str(region), 0.0) + per_muni.get(str(code), 0.0)
        names[str(region)] = str(name)
    ids = tuple(sorted(totals))
    index = {r: k for k, r in enumerate(ids)}
    site_region = np.array([index.get(str(r), -1) for r in table["labour_market_region_code"]],
                           dtype=np.int64)
    return ids, names, np.array([share * totals[r] for r in ids]), site_region


def _cell(value: Any, safe: Any) -> Any:
    if isinstance(value, tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return safe(value)
