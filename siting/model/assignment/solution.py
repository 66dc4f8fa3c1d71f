"""The results of the assignment model: the solution, its blockers and capacity values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from siting.model.linear import is_lower_bound

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

    @property
    def is_lower_bound(self) -> bool:
        """Whether :attr:`added_value` is only a lower bound (the re-solve was stopped)."""
        return is_lower_bound(self.status, self.added_value)


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
