r"""The portfolio assignment model on arrays: leads, sites, shared capacities, one MILP.

:class:`AssignmentModel` takes the feasible lead-site pairs, their utilities, the leads'
priorities and needs and the capacities of sites, congestion zones and labour regions, and
``.solve()`` returns a frozen :class:`AssignmentSolution`: the assignment, the reason in words
for every unplaced lead and the value of one more unit of each binding capacity. The
formulation, the tie-break and the pruning are in the class docstring. The thin constructor
on the data, :func:`siting.jobs.assign.assign_leads`, builds it from a lead pipeline.

The model is split by step: :mod:`.formulation` (the data and the formulation),
:mod:`.milp` (capacity rows and the stage MILPs), :mod:`.heuristics` (pruning, greedy start),
:mod:`.solving` (both stages and the result), :mod:`.capacity_values` (re-solves) and
:mod:`.reasons` (the words), :mod:`.solution` (the result classes).
"""

from __future__ import annotations

from siting._wording import format_gap
from siting.model.assignment._common import MAX_RESOLVES
from siting.model.assignment.formulation import AssignmentModel
from siting.model.assignment.reasons import status_note, unplaced_reason
from siting.model.assignment.solution import AssignmentSolution, Blocker, CapacityValue

__all__ = [
    "MAX_RESOLVES",
    "AssignmentModel",
    "AssignmentSolution",
    "Blocker",
    "CapacityValue",
    "format_gap",
    "status_note",
    "unplaced_reason",
]
