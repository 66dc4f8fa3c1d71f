"""Terminal reports (rich) that fit a screen, with details on demand, and progress bars.

Names are imported on first use, so a command that prints one report (``siting rank``) loads
only its module, not those of the pipelines, the what-ifs and the progress bars.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from siting._lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from siting.outputs.terminal.pipelines import print_assignment, print_screening
    from siting.outputs.terminal.progress import RichProgress
    from siting.outputs.terminal.ranking import print_ranking
    from siting.outputs.terminal.whatif import print_comparison, print_sweep

#: Public name -> the module that owns it.
_LAZY: dict[str, str] = {
    "RichProgress": "siting.outputs.terminal.progress",
    "print_assignment": "siting.outputs.terminal.pipelines",
    "print_comparison": "siting.outputs.terminal.whatif",
    "print_ranking": "siting.outputs.terminal.ranking",
    "print_screening": "siting.outputs.terminal.pipelines",
    "print_sweep": "siting.outputs.terminal.whatif",
}

__all__ = [
    "RichProgress",
    "print_assignment",
    "print_comparison",
    "print_ranking",
    "print_screening",
    "print_sweep",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
