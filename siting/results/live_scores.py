r"""The scores a map needs to re-rank the feasible sites in the browser (live weights).

A :class:`ScoreTable` holds, for every site that passes the hard rules, its normalised score
per applicable criterion, with the analyst's weights. The utility of a site under weights
:math:`w` is :math:`\sum_c \tilde w_c s_c` with :math:`\tilde w = w / \sum w` (criteria
with weight 0 left out), summed in catalogue order, quantised to 1e-6 and ranked by (quantised
utility descending, site id ascending): the rule of :func:`siting.model.site_choice.
rank_by_enumeration`, so a map's ranking equals ``siting rank --weights`` with the same weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ScoreTable:
    """Normalised scores of the feasible sites per applicable criterion.

    Attributes
    ----------
    criteria, labels
        The applicable criteria (catalogue order) and their labels.
    weights
        The analyst's weights of those criteria, scaled to sum 1 [-].
    site_ids
        The feasible sites (unknowns pass when the profile allows them).
    scores
        Per site, per criterion: the score in [0, 1] [-].
    """

    criteria: tuple[str, ...]
    labels: tuple[str, ...]
    weights: tuple[float, ...]
    site_ids: tuple[str, ...]
    scores: tuple[tuple[float, ...], ...]


def score_table_from_dict(data: dict[str, Any] | None) -> ScoreTable | None:
    """Rebuild a :class:`ScoreTable` from its saved form (``None`` stays ``None``).

    Raises
    ------
    KeyError, TypeError, ValueError
        When the data are not a saved score table.
    """
    if data is None:
        return None
    criteria = tuple(str(c) for c in data["criteria"])
    table = ScoreTable(
        criteria=criteria,
        labels=tuple(str(c) for c in data["labels"]),
        weights=tuple(float(w) for w in data["weights"]),
        site_ids=tuple(str(s) for s in data["site_ids"]),
        scores=tuple(tuple(float(v) for v in row) for row in data["scores"]),
    )
    n = len(criteria)
    if (
        len(table.labels) != n
        or len(table.weights) != n
        or len(table.scores) != len(table.site_ids)
    ):
        raise ValueError("live scores: lengths do not match")
    for row in table.scores:
        if len(row) != n or not all(math.isfinite(v) for v in row):
            raise ValueError("live scores: a row is not one finite score per criterion")
    return table
