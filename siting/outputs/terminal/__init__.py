"""Terminal reports (rich) that fit a screen, with details on demand, and progress bars."""

from __future__ import annotations

from siting.outputs.terminal.pipelines import print_assignment, print_screening
from siting.outputs.terminal.progress import RichProgress
from siting.outputs.terminal.ranking import print_ranking
from siting.outputs.terminal.whatif import print_comparison, print_sweep

__all__ = [
    "RichProgress",
    "print_assignment",
    "print_comparison",
    "print_ranking",
    "print_screening",
    "print_sweep",
]
