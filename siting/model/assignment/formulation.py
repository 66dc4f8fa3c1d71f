"""The assignment model on arrays: its data, its formulation and its coefficients."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from siting.model.assignment import capacity_rows, heuristics, milp, solving
from siting.model.assignment._common import (
    _DECIMALS,
    MAX_RESOLVES,
    _array,
    _frozen,
    _index,
    _names,
    _ranks,
    _unique_ids,
)
from siting.model.assignment.solution import AssignmentSolution, _Capacity
from siting.model.rows import MAX_OBJECTIVE_COEFFICIENT, UTILITY_RESOLUTION
from siting.model.solvers import (
    LinearModel,
)

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
    from :meth:`greedy_assignment` improved by moves and single ejections
    (:func:`.local_search.improve`; a feasible assignment, so the solver has an incumbent
    from the start), stage 2 from stage 1's answer, each re-solve from the final
    assignment. A stage 1 stopped at the time limit has status ``"feasible"`` and the gap it
    reached; stage 2 is skipped as well. With a gap on a large model
    (:data:`siting.settings.assignment_relaxation`), stage 1 first solves its LP relaxation
    with HiGHS and rounds it, with a reduced MILP of the leads the LP leaves fractional
    (:mod:`.relaxation`): its answer is returned when it is within the gap of the
    relaxation's bound (a valid bound by weak duality; the status note says the gap is
    proven against it), else it is the MILP's start.

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
        self._set_zones(zone_headroom_mw, zone_pairs, zone_ids, zone_unit)
        self._set_regions(site_region, region_capacity_fte, talent_fte)
        self.region_ids = _names(region_ids, self.region_capacity_fte.size, "region")
        self._q, self._tau = self._coefficients()
        self._rows_cache: (
            tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None
        ) = None

    # --- sizes and coefficients ---------------------------------------------------------------

    def _set_zones(
        self,
        zone_headroom_mw: np.ndarray | Sequence[float],
        zone_pairs: np.ndarray | Sequence[tuple[int, int]] | None,
        zone_ids: Sequence[str] | None,
        zone_unit: Sequence[str] | None,
    ) -> None:
        """Check and set the zones: the pairs drawing on each, headroom, names and units."""
        head = _array(zone_headroom_mw, None, "zone_headroom_mw", nonneg=True, nan=True)
        m = self.pairs.shape[0]
        if zone_pairs is None:
            zone_of_pair = self.site_zone[self.pairs[:, 1]]
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

    def _set_regions(
        self,
        site_region: np.ndarray | Sequence[int] | None,
        region_capacity_fte: np.ndarray | Sequence[float] | None,
        talent_fte: np.ndarray | Sequence[float] | None,
    ) -> None:
        """Check and set the labour-market regions, their capacity and the leads' hires."""
        n_l, n_s = len(self.lead_ids), len(self.site_ids)
        if region_capacity_fte is None:
            self.site_region = _frozen(np.full(n_s, -1, dtype=np.int64))
            self.region_capacity_fte = _frozen(np.zeros(0))
            self.talent_fte = _frozen(np.zeros(n_l))
            return
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

    # --- the steps, in modules of their own -------------------------------------------------

    def capacities(self) -> list[_Capacity]:
        """Return the capacity rows; see :func:`.capacity_rows.capacities`."""
        return capacity_rows.capacities(self)

    def _row_table(self) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        return capacity_rows.row_table(self)

    def _rhs(self, extra: Mapping[str, float] | None) -> np.ndarray:
        return capacity_rows.row_rhs(self, extra)

    def kept_pairs(self, extra: Mapping[str, float] | None = None) -> np.ndarray:
        """Return the pairs of a lexicographic optimum (a mask); see :mod:`.heuristics`."""
        return heuristics.kept_pairs(self, extra)

    def greedy_assignment(
        self,
        *,
        extra: Mapping[str, float] | None = None,
        keep: np.ndarray | None = None,
        start: np.ndarray | None = None,
    ) -> np.ndarray:
        """Return a feasible greedy assignment; see :func:`.heuristics.greedy_assignment`."""
        return heuristics.greedy_assignment(self, extra=extra, keep=keep, start=start)

    def linear_model(
        self,
        *,
        extra: Mapping[str, float] | None = None,
        fit_at_least: int | None = None,
        keep: np.ndarray | None = None,
    ) -> LinearModel:
        """Build the MILP of stage 1 or 2; see :func:`siting.model.assignment.milp.linear_model`."""
        return milp.linear_model(self, extra=extra, fit_at_least=fit_at_least, keep=keep)

    def solve(
        self,
        *,
        solver: str | None = None,
        time_limit_s: float | None = None,
        capacity_values: bool = True,
        max_resolves: int = MAX_RESOLVES,
        gap_rel: float = 0.0,
    ) -> AssignmentSolution:
        """Solve, explain and value capacity; see :func:`.solving.solve_assignment`."""
        return solving.solve_assignment(
            self,
            solver=solver,
            time_limit_s=time_limit_s,
            capacity_values=capacity_values,
            max_resolves=max_resolves,
            gap_rel=gap_rel,
        )

    def _checked(self, x: np.ndarray, caps: list[_Capacity]) -> np.ndarray:
        return solving.checked(self, x, caps)
