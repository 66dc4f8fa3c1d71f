"""Wording shared by every output: one way to say how close a solve is to the optimum."""

from __future__ import annotations

import math


def format_gap(gap: float, status: str | None = None) -> str:
    """Write a relative MIP gap for readers, consistent with the solver status.

    One wording everywhere (terminal, tables, maps, the brief and the status notes):

    - a proven optimum reads ``"0 (proven optimal)"``, whatever tolerance the solver
      reports, so the gap never contradicts the status;
    - an unknown gap reads ``"unknown"`` (``"none (no solution)"`` when the solve found none);
    - any other gap as a percentage, ``"0.23%"``; a gap above zero never reads ``"0.00%"``
      (that would look proven optimal) but ``"< 0.01%"``, nor does any gap of a solve whose
      status says it is not proven optimal.

    Parameters
    ----------
    gap
        Relative gap [-], ``nan`` when unknown.
    status
        The solver status (``"optimal"``, ``"within_gap"``, ``"feasible"``, ``"infeasible"``
        ...), when known.

    Returns
    -------
    str
    """
    if status == "optimal":
        return "0 (proven optimal)"
    if gap is None or math.isnan(gap):
        return "none (no solution)" if status == "infeasible" else "unknown"
    if 0 < gap < 0.00005 or (status is not None and gap < 0.00005):
        return "< 0.01%"
    return f"{gap:.2%}"


#: How a ranked site that relies on no unknown fact is called in every output.
VERIFIED = "verified"

#: How a ranked site that passes every known rule but relies on unknown facts is called.
TO_CONFIRM = "to confirm"
