"""Names of the solving methods, light enough for the command line to import at start-up."""

from __future__ import annotations

#: Names of the available MILP backends, for ``solver=`` (see :mod:`siting.model.solvers`).
SOLVERS: tuple[str, ...] = ("cbc", "highs", "cp-sat")

#: Name of the brute-force "solver" in the results of the enumeration references.
ENUMERATION = "enumeration"
