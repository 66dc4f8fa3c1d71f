r"""The portfolio assignment model on arrays: leads, sites, shared capacities, one MILP.

:class:`AssignmentModel` takes the feasible lead-site pairs, their utilities, the leads'
priorities and needs and the capacities of sites, congestion zones and labour regions, and
``.solve()`` returns a frozen :class:`AssignmentSolution`: the assignment, the reason in words
for every unplaced lead and the value of one more unit of each binding capacity. The
formulation, the tie-break and the pruning are in the class docstring. The thin constructor
on the data, :func:`siting.jobs.assign.assign_leads`, builds it from a lead pipeline.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from siting._wording import format_gap
from siting.model.rows import MAX_OBJECTIVE_COEFFICIENT, UTILITY_RESOLUTION
from siting.model.solvers import (
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
        placed) or ``"error"``; :data:`siting.model.solvers.STATUSES`. ``status_note`` says it
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
    stopped
        The main solve ran past its time limit plus :data:`siting.settings.solver_margin_s`
        and was killed; the assignment is the best it had reported, or the greedy start.
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
    stopped: bool = False

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

        \sum_{p \in P_z} e_{l(p)}\, x_p \le H_z \quad \forall z \in Z_{MW}: H_z \text{ known},
        \qquad \sum_{p \in P_z} x_p \le H_z \quad \forall z \in Z_{lead},

    .. math::

        \sum_{p \in P_r} h_{l(p)}\, x_p \le F_r \quad \forall r: F_r \text{ given}, \qquad
        x_p \in \{0, 1\}.

    A pair may draw on several zones (:math:`P_z` are the pairs that draw on zone :math:`z`:
    by default those at the sites of the zone; ``zone_pairs`` gives them pair by pair): a zone
    of unit MW shares its headroom, one of unit ``lead`` (an area that publishes no room for a
    large need) takes at most :math:`H_z` leads.

    **Priority rule**: :math:`w_l` is the lead's priority (>= 0, default 1); the objective is
    the priority-weighted total fit :math:`\sum_p w_{l(p)} u_p`. A lead of priority 0 is only
    placed where it displaces nobody (through the tie-break).

    **Ties**, deterministic as in :class:`siting.model.site_choice.SiteChoiceModel`: weighted
    utilities
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
    :math:`P_z, P_r`       pairs drawing on zone :math:`z`; at sites of region r      [-]
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
    :math:`H_z`            headroom of zone :math:`z` (leads for a unit-lead zone)    [MW]
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
        Congestion zone index per site, or -1 for none (every pair at a site draws its lead's
        power on the site's zone); ignored when ``zone_pairs`` is given.
    zone_headroom_mw
        Capacity per zone, >= 0, in the zone's unit: headroom [MW], or leads for a zone of
        unit ``"lead"``; ``NaN`` = no row (not constrained).
    zone_ids
        Zone names for messages (default ``"zone 0"``, ...).
    zone_pairs
        ``(pair index, zone index)`` for every zone a pair draws on, shape ``(k, 2)``: a pair
        may draw on several zones (a site that any of several supply areas may feed) or
        none (a small connection). Overrides ``site_zone``.
    zone_unit
        Per zone ``"MW"`` (the pair draws its lead's power) or ``"lead"`` (the pair counts
        one: e.g. an area without a published figure takes at most
        ``zone_headroom_mw`` large leads); default all ``"MW"``.
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
        zone_pairs: np.ndarray | Sequence[tuple[int, int]] | None = None,
        zone_unit: Sequence[str] | None = None,
        site_region: np.ndarray | Sequence[int] | None = None,
        region_capacity_fte: np.ndarray | Sequence[float] | None = None,
        talent_fte: np.ndarray | Sequence[float] | None = None,
        region_ids: Sequence[str] | None = None,
    ) -> None:
        self.lead_ids = _unique_ids(lead_ids, "lead")
        self.site_ids = _unique_ids(site_ids, "site")
        n_l, n_s = len(self.lead_ids), len(self.site_ids)
        pr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        if pr.size and (
            pr[:, 0].min() < 0
            or pr[:, 0].max() >= n_l
            or pr[:, 1].min() < 0
            or pr[:, 1].max() >= n_s
        ):
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
        self.power_mw = _frozen(np.round(_array(power_mw, n_l, "power_mw", nonneg=True), _DECIMALS))
        self.site_capacity_ha = _frozen(
            np.round(
                _array(site_capacity_ha, n_s, "site_capacity_ha", nonneg=True, nan=True), _DECIMALS
            )
        )
        self.site_zone = _frozen(_index(site_zone, n_s, "site_zone"))
        head = _array(zone_headroom_mw, None, "zone_headroom_mw", nonneg=True, nan=True)
        if zone_pairs is None:
            zone_of_pair = self.site_zone[pr[:, 1]]
            on = zone_of_pair >= 0
            zp = np.column_stack([np.flatnonzero(on), zone_of_pair[on]]).astype(np.int64)
        else:
            zp = np.asarray(zone_pairs, dtype=np.int64).reshape(-1, 2)
            if zp.size and (zp[:, 0].min() < 0 or zp[:, 0].max() >= m or zp[:, 1].min() < 0):
                raise ValueError("zone_pairs hold a pair or zone index out of range")
            if np.unique(zp, axis=0).shape[0] != zp.shape[0]:
                raise ValueError("zone_pairs must be unique")
        n_z = int(zp[:, 1].max(initial=-1)) + 1
        if head.size < n_z:
            raise ValueError(f"zone_headroom_mw has {head.size} entries; zones used: {n_z}")
        self.zone_pairs = _frozen(zp[np.lexsort((zp[:, 0], zp[:, 1]))])
        self.zone_headroom_mw = _frozen(np.round(head, _DECIMALS))
        self.zone_ids = _names(zone_ids, head.size, "zone")
        units = tuple(zone_unit) if zone_unit is not None else ("MW",) * head.size
        if len(units) != head.size or set(units) - {"MW", "lead"}:
            raise ValueError("zone_unit needs 'MW' or 'lead' for every zone")
        self.zone_unit = units
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
            self.talent_fte = _frozen(
                np.round(_array(talent_fte, n_l, "talent_fte", nonneg=True), _DECIMALS)
            )
        self.region_ids = _names(region_ids, self.region_capacity_fte.size, "region")
        self._q, self._tau = self._coefficients()
        self._rows_cache: (
            tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None
        ) = None

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
        q = np.rint(self.lead_weight[self.pairs[:, 0]] * self.utility / self.resolution).astype(
            np.float64
        )
        if n_l * (n_l * n_s + UTILITY_RESOLUTION**-1) > MAX_OBJECTIVE_COEFFICIENT:
            raise ValueError(
                f"{n_l} leads and {n_s} sites are too many for an exact integer "
                "objective; split the pipeline"
            )
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
                rows.append(
                    _Capacity(
                        "site_unknown", s, self.site_ids[s], "lead", ps, np.ones(ps.size), 1.0
                    )
                )
            else:
                rows.append(
                    _Capacity("site", s, self.site_ids[s], "ha", ps, self.land_ha[lead_of[ps]], cap)
                )
        zp = self.zone_pairs
        starts = np.searchsorted(zp[:, 1], np.arange(self.zone_headroom_mw.size + 1))
        for z in range(self.zone_headroom_mw.size):
            ps = zp[starts[z] : starts[z + 1], 0]
            head = float(self.zone_headroom_mw[z])
            if ps.size and not math.isnan(head):
                if self.zone_unit[z] == "lead":
                    rows.append(
                        _Capacity(
                            "zone_unknown", z, self.zone_ids[z], "lead", ps, np.ones(ps.size), head
                        )
                    )
                else:
                    rows.append(
                        _Capacity(
                            "zone", z, self.zone_ids[z], "MW", ps, self.power_mw[lead_of[ps]], head
                        )
                    )
        region_of = self.site_region[site_of]
        for r, ps in enumerate(_group(region_of, self.region_capacity_fte.size)):
            cap = float(self.region_capacity_fte[r])
            if ps.size and not math.isnan(cap):
                rows.append(
                    _Capacity(
                        "region",
                        r,
                        self.region_ids[r],
                        "FTE",
                        ps,
                        self.talent_fte[lead_of[ps]],
                        cap,
                    )
                )
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
        head = self.zone_headroom_mw
        z_pair, z_zone = self.zone_pairs[:, 0], self.zone_pairs[:, 1]
        in_zone = ~np.isnan(head[z_zone])
        z_pair, z_zone = z_pair[in_zone], z_zone[in_zone]
        by_lead = np.array([u == "lead" for u in self.zone_unit], dtype=bool)
        z_coef = np.where(by_lead[z_zone], 1.0, self.power_mw[lead_of[z_pair]])
        region_of = self.site_region[site_of]
        in_region = region_of >= 0
        in_region[in_region] = ~np.isnan(self.region_capacity_fte[region_of[in_region]])
        entry_row = np.concatenate([site_of, n_s + z_zone, n_s + n_z + region_of[in_region]])
        entry_pair = np.concatenate([idx, z_pair, idx[in_region]])
        entry_coef = np.concatenate([site_coef, z_coef, self.talent_fte[lead_of[in_region]]])
        order = np.lexsort((entry_pair, entry_row))
        entry_row, entry_pair, entry_coef = entry_row[order], entry_pair[order], entry_coef[order]
        names = (
            [
                f"site:{s}" if k else f"site_unknown:{s}"
                for s, k in zip(self.site_ids, known, strict=True)
            ]
            + [
                f"zone_unknown:{z}" if u == "lead" else f"zone:{z}"
                for z, u in zip(self.zone_ids[:n_z], self.zone_unit[:n_z], strict=True)
            ]
            + [f"region:{r}" for r in self.region_ids[:n_r]]
        )
        rhs = np.concatenate(
            [
                site_rhs,
                np.nan_to_num(head, nan=0.0),
                np.nan_to_num(self.region_capacity_fte, nan=0.0),
            ]
        )
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
            load = np.bincount(
                entry_row, weights=entry_coef * alive[entry_pair], minlength=rhs.size
            )
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
        x = (
            np.zeros(self.n_pairs, dtype=np.int64)
            if start is None
            else np.asarray(start, dtype=np.int64).copy()
        )
        cand = (
            np.arange(self.n_pairs)
            if keep is None
            else np.flatnonzero(np.asarray(keep, dtype=bool))
        )
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
        kept = (
            np.arange(self.n_pairs)
            if keep is None
            else np.flatnonzero(np.asarray(keep, dtype=bool))
        )
        position = np.full(self.n_pairs, -1, dtype=np.int64)
        position[kept] = np.arange(kept.size)
        rows: list[Row] = []
        lead_of = self.pairs[kept, 0]
        lead_order = np.argsort(lead_of, kind="stable")
        for ps in np.split(lead_order, np.flatnonzero(np.diff(lead_of[lead_order])) + 1):
            if ps.size > 1:
                rows.append(
                    Row(f"lead:{self.lead_ids[lead_of[ps[0]]]}", ps, np.ones(ps.size), "<=", 1.0)
                )
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
        return LinearModel(
            n_vars=int(kept.size),
            var_names=tuple(self.pair_name(int(p)) for p in kept),
            c=c,
            rows=tuple(rows),
        )

    def _stage(
        self,
        solver: str,
        limit: float,
        *,
        extra: Mapping[str, float] | None = None,
        fit_at_least: int | None = None,
        keep: np.ndarray | None = None,
        gap_rel: float = 0.0,
        start: np.ndarray | None = None,
    ) -> tuple[SolveOutcome, np.ndarray | None]:
        """Solve stage 1 or 2 on the kept pairs; return the outcome and ``x`` over all pairs.

        ``start`` is a 0/1 vector over all pairs; the solver gets its kept part (dropping
        pairs from a feasible assignment of the capacity rows keeps it feasible).
        """
        keep = self.kept_pairs(extra) if keep is None else keep
        outcome = solve_milp(
            self.linear_model(extra=extra, fit_at_least=fit_at_least, keep=keep),
            solver=solver,
            time_limit_s=limit,
            gap_rel=gap_rel,
            start=None if start is None else start[keep],
        )
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
        fallback = False
        if outcome.status in ("no_solution_in_time", "feasible") and greedy.any():
            greedy_fit = float(self._q @ greedy)
            if x1 is None or greedy_fit > float(self._q @ x1):
                # a solver may not adopt the start as its incumbent (CP-SAT takes it as
                # hints), or be stopped before it improves on it: the greedy assignment is
                # then the better answer, with its gap to the bound of every lead at its best
                outcome = replace(
                    outcome,
                    status="feasible",
                    gap=_gap_to(greedy_fit, self._fit_bound(keep)),
                    objective=greedy_fit,
                )
                x1, fallback = greedy, True
        if outcome.status == "feasible" and math.isnan(outcome.gap) and x1 is not None:
            outcome = replace(outcome, gap=_gap_to(float(self._q @ x1), self._fit_bound(keep)))
        x = np.zeros(self.n_pairs, dtype=np.int64) if x1 is None else self._checked(x1, caps)
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
            values, note = self._capacity_values(
                x, caps, used, name, limit, max_resolves, outcome.status, gap_limit
            )
        return AssignmentSolution(
            status=outcome.status,
            objective=round(float(self.lead_weight[self.pairs[:, 0]] * self.utility @ x), 9),
            fit_int=round(float(self._q @ x)),
            tie_break=round(float(self._tau @ x)),
            tie_break_status=tie_status,
            gap=outcome.gap,
            solve_time_s=solve_time,
            solver=name,
            assignment={
                lid: (self.site_ids[site_of[lead]] if lead in site_of else None)
                for lead, lid in enumerate(self.lead_ids)
            },
            utility=utility,
            reasons=reasons,
            blockers=blockers,
            site_used_ha=tuple(self._site_sums(x, self.land_ha)),
            site_n_leads=tuple(int(v) for v in self._site_sums(x, np.ones(len(self.lead_ids)))),
            zone_used_mw=tuple(self._zone_sums(x)),
            region_used_fte=tuple(
                self._group_sums(
                    x, self.site_region, self.region_capacity_fte.size, self.talent_fte
                )
            ),
            capacity_values=values,
            capacity_note=note,
            capacity_time_s=time.perf_counter() - start,
            resolution=self.resolution,
            chosen_pairs=chosen,
            gap_rel=gap_limit,
            status_note=status_note(
                outcome.status,
                outcome.gap,
                gap_limit,
                tie_status,
                has_pairs=self.n_pairs > 0,
                filled=filled,
                greedy_only=fallback,
                stopped=outcome.stopped,
            ),
            stopped=outcome.stopped,
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

    def _fit_bound(self, keep: np.ndarray) -> float:
        """Return an upper bound on the quantised fit: every lead at its best kept pair."""
        kept = np.flatnonzero(keep)
        best = np.zeros(len(self.lead_ids))
        np.maximum.at(best, self.pairs[kept, 0], self._q[kept])
        return float(best.sum())

    def _checked(self, x: np.ndarray, caps: list[_Capacity]) -> np.ndarray:
        """Check a solver's 0/1 vector against every row (guards against tolerances)."""
        x = np.asarray(x, dtype=np.int64)
        per_lead = np.bincount(self.pairs[:, 0], weights=x, minlength=len(self.lead_ids))
        bad = [
            f"lead {self.lead_ids[lead]} placed {int(k)} times"
            for lead, k in enumerate(per_lead)
            if k > 1
        ]
        bad += [cap.name for cap in caps if cap.coefs @ x[cap.pairs] > cap.rhs + _TOL]
        if bad:
            raise RuntimeError(f"the solver returned an assignment that violates {bad[:5]}")
        return x

    def _site_sums(self, x: np.ndarray, per_lead: np.ndarray) -> np.ndarray:
        return np.bincount(
            self.pairs[:, 1], weights=per_lead[self.pairs[:, 0]] * x, minlength=len(self.site_ids)
        )

    def _zone_sums(self, x: np.ndarray) -> np.ndarray:
        """Use per zone, in its unit: power of the placed leads [MW], or their number."""
        p, z = self.zone_pairs[:, 0], self.zone_pairs[:, 1]
        by_lead = np.array([u == "lead" for u in self.zone_unit], dtype=bool)
        coef = np.where(by_lead[z], 1.0, self.power_mw[self.pairs[p, 0]]) if p.size else p
        n = self.zone_headroom_mw.size
        return np.bincount(z, weights=coef * x[p], minlength=n)[:n] if n else np.zeros(0)

    def _group_sums(
        self, x: np.ndarray, group_of_site: np.ndarray, n: int, per_lead: np.ndarray
    ) -> np.ndarray:
        g = group_of_site[self.pairs[:, 1]]
        keep = g >= 0
        return (
            np.bincount(g[keep], weights=(per_lead[self.pairs[:, 0]] * x)[keep], minlength=n)[:n]
            if n
            else np.zeros(0)
        )

    # --- explanations -------------------------------------------------------------------------

    def _violations(
        self, x: np.ndarray, caps: list[_Capacity], used: Mapping[str, float]
    ) -> dict[int, list[str]]:
        """Pair -> the capacity rows that adding it to ``x`` would violate, in words."""
        lead_of = self.pairs[:, 0]
        holders = {
            cap.name: [self.lead_ids[int(lead_of[p])] for p in cap.pairs if x[p]] for cap in caps
        }
        out: dict[int, list[str]] = {}
        for cap in caps:
            room = cap.rhs - used[cap.name]
            for p, a in zip(cap.pairs, cap.coefs, strict=True):
                if x[p] or a <= room + _TOL:
                    continue
                out.setdefault(int(p), []).append(
                    _rule_text(cap, used[cap.name], a, holders[cap.name])
                )
        return out

    def _explain(
        self, x: np.ndarray, caps: list[_Capacity], used: Mapping[str, float], status: str
    ) -> tuple[dict[str, tuple[Blocker, ...]], dict[str, str]]:
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
            order = sorted(
                ps.tolist(), key=lambda p: (-self.utility[p], self.site_ids[self.pairs[p, 1]])
            )
            blockers[lid] = tuple(
                Blocker(
                    self.site_ids[self.pairs[p, 1]],
                    round(float(self.utility[p]), 6),
                    tuple(violations.get(p, ())),
                )
                for p in order
            )
            reasons[lid] = unplaced_reason(blockers[lid], status)
        return blockers, reasons

    # --- value of capacity --------------------------------------------------------------------

    def _capacity_values(
        self,
        x: np.ndarray,
        caps: list[_Capacity],
        used: Mapping[str, float],
        solver: str,
        limit: float,
        max_resolves: int,
        status: str,
        gap_rel: float = 0.0,
    ) -> tuple[tuple[CapacityValue, ...], str]:
        lead_of = self.pairs[:, 0]
        base_site = {int(lead_of[p]): int(self.pairs[p, 1]) for p in np.flatnonzero(x)}
        base_q = self._fit(x)
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
            outcome, x_new = self._stage(
                solver, limit, extra={cap.name: 1.0}, gap_rel=gap_rel, start=x
            )
            if x_new is not None and outcome.status != "optimal":
                # as the main solve: fill room the re-solve left, so like is compared with like
                extra = {cap.name: 1.0}
                x_new = self.greedy_assignment(
                    extra=extra, keep=self.kept_pairs(extra), start=x_new
                )
            if x_new is None:
                values.append(
                    CapacityValue(
                        cap.kind,
                        cap.key,
                        cap.unit,
                        cap.rhs,
                        used[cap.name],
                        1.0,
                        math.nan,
                        competing,
                        outcome.status,
                        (),
                    )
                )
                continue
            new_site = {int(lead_of[p]): int(self.pairs[p, 1]) for p in np.flatnonzero(x_new)}
            changed = tuple(
                self.lead_ids[lead]
                for lead in range(len(self.lead_ids))
                if base_site.get(lead) != new_site.get(lead)
            )
            gain = max(0.0, self._fit(x_new) - base_q)
            values.append(
                CapacityValue(
                    cap.kind,
                    cap.key,
                    cap.unit,
                    cap.rhs,
                    used[cap.name],
                    1.0,
                    round(gain, 6),
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
                f"(about {gap_rel * self._fit(x):.4g}); give no gap for exact values"
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


# --------------------------------------------------------------------------------------------
# reasons in words


def _gap_to(fit: float, bound: float) -> float:
    """Relative gap of a fit to an upper bound, (bound - fit) / max(1, |fit|) [-]."""
    return max(0.0, bound - fit) / max(1.0, abs(fit))


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
            "its best site with room left); raise --time-limit for a better one"
        )
    note = _status_words(status, gap, gap_rel, tie_break_status, has_pairs=has_pairs)
    if stopped:
        note = (
            "the solver ran past its time limit and was stopped (its process killed); this "
            "is the best assignment it had reported: " + note
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


# --------------------------------------------------------------------------------------------
# helpers (arrays)


def _unique_ids(ids: Sequence[str], what: str) -> tuple[str, ...]:
    out = tuple(str(i) for i in ids)
    if len(set(out)) != len(out):
        seen: set[str] = set()
        dup = sorted({i for i in out if i in seen or seen.add(i)})  # type: ignore[func-returns-value]
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(dup[:5])}")
    return out


def _array(
    values: Any, n: int | None, label: str, *, nonneg: bool = False, nan: bool = False
) -> np.ndarray:
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
