"""Explanations of several sites at once: score breakdowns, rule lines, rank stability.

A ranking explains its top ten; the numbers of every site are read from the evaluation's
arrays in one gather per criterion or rule (not one array lookup per cell), the rank-stability
ranges of all of them in one array operation. The values are those of the one-site functions
of :mod:`siting.jobs.explain` (which call these), bit for bit: the same operations on the same
numbers, in the same order.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from siting.criteria.evaluation import CriterionEvaluation, Evaluation
from siting.criteria.rules import NO_LIMIT
from siting.criteria.unknowns import question
from siting.results.ranking import ConstraintLine, CriterionLine, WeightRange


def _floats(values: np.ndarray, sites: np.ndarray) -> list[float]:
    """Return ``float(values[i])`` for every ``i`` of ``sites`` (Python floats)."""
    return np.asarray(values[sites], dtype=float).tolist()


def breakdowns(ev: Evaluation, sites: Sequence[int]) -> list[tuple[CriterionLine, ...]]:
    """Per site: raw value, unit, score, weight and contribution of each weighted criterion.

    Criteria that do not apply (weight 0) are left out.

    Parameters
    ----------
    ev
        The evaluation.
    sites
        Site indices.

    Returns
    -------
    list of tuple of CriterionLine
        One tuple per site, criteria in catalogue order.
    """
    at = np.asarray(sites, dtype=np.intp)
    columns = [
        (
            c,
            round(c.weight, 4),
            _floats(c.raw, at),
            _floats(c.score, at),
            _floats(c.contribution, at),
        )
        for c in ev.criteria
        if c.weight > 0
    ]
    return [
        tuple(
            CriterionLine(
                criterion=c.name,
                label=c.label,
                unit=c.unit,
                value=raw[k],
                normalised=round(score[k], 4),
                weight=weight,
                contribution=round(contribution[k], 4),
                text=c.describe(i) if c.describe is not None else "",
            )
            for c, weight, raw, score, contribution in columns
        )
        for k, i in enumerate(sites)
    ]


def constraint_lines_at(ev: Evaluation, sites: Sequence[int]) -> list[tuple[ConstraintLine, ...]]:
    """Per site: every hard constraint's requirement, site value, slack and status.

    Parameters
    ----------
    ev
        The evaluation.
    sites
        Site indices.

    Returns
    -------
    list of tuple of ConstraintLine
        One tuple per site, rules in evaluation order.
    """
    at = np.asarray(sites, dtype=np.intp)
    columns = [(con, _floats(con.slack, at), con.passes[at].tolist()) for con in ev.constraints]
    out = []
    for k, i in enumerate(sites):
        lines = []
        for con, slacks, passes in columns:
            slack = slacks[k]
            status = "unknown" if math.isnan(slack) else ("pass" if passes[k] else "fail")
            shown = np.inf if slack >= NO_LIMIT else (-np.inf if slack <= -NO_LIMIT else slack)
            lines.append(
                ConstraintLine(
                    constraint=con.name,
                    label=con.label,
                    requirement=con.requirement,
                    site_value=con.describe(i),
                    slack=round(shown, 3),
                    unit=con.unit,
                    status=status,
                )
            )
        out.append(tuple(lines))
    return out


def questions_at(ev: Evaluation, sites: Sequence[int]) -> list[tuple[str, ...]]:
    """Per site: the unknown facts it relies on, each as a question with whom to ask."""
    at = np.asarray(sites, dtype=np.intp)
    asked = [
        (question(con.name, con.label, con.requirement), con.unknown[at].tolist())
        for con in ev.constraints
        if con.accept_unknown
    ]
    return [tuple(text for text, unknown in asked if unknown[k]) for k in range(len(sites))]


def weight_ranges_at(
    ev: Evaluation, sites: Sequence[int], candidates: np.ndarray
) -> list[tuple[WeightRange, ...]]:
    """Per site: for each weighted criterion, the weights over which the site keeps its rank.

    The utility of every site is linear in one weight :math:`w_c` (the others held fixed):
    :math:`u_j(w) = u_j + (w - w_c) s_{jc}`. Site ``i`` keeps its rank while no candidate
    ``j`` crosses it, which bounds :math:`w` by the nearest crossing on either side.

    Parameters
    ----------
    ev
        The evaluation.
    sites
        Site indices.
    candidates
        Indices of the feasible sites that compete with them.

    Returns
    -------
    list of tuple of WeightRange
        One tuple per site, criteria in catalogue order.

    Notes
    -----
    All sites at once, against every candidate: site ``i`` itself among the candidates has
    a zero gap and a zero slope, so it bounds neither side (``inf``), and the minima are
    those over the other candidates.
    """
    weighted = [crit for crit in ev.criteria if crit.weight > 0]
    at = np.asarray(sites, dtype=np.intp)
    alone = [not (candidates != i).any() for i in at.tolist()]
    if not weighted or all(alone):
        return [_unbounded(weighted) if lone else () for lone in alone]
    utility = ev.utility
    gap = utility[at, None] - utility[None, candidates]  # (S, M) > 0: j below i
    below = (gap >= 0)[:, None, :]
    a = np.abs(gap)[:, None, :]
    # (S, C, M): d(u_i - u_j)/dw, signed so that a pair keeps its order while (a + delta * b)
    # keeps its sign
    scores = np.stack([crit.score for crit in weighted])  # (C, N)
    b = scores[:, at].T[:, :, None] - scores[None, :, candidates]
    np.negative(b, out=b, where=~below)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = a / b
    # delta may fall as far as the nearest crossing below, rise as far as the nearest above;
    # a / -b is -(a / b) exactly, so the largest ratio of a negative slope gives the rise
    down = np.min(ratio, axis=2, where=b > 0, initial=np.inf).tolist()
    up = np.max(ratio, axis=2, where=b < 0, initial=-np.inf).tolist()
    named = [(crit.name, crit.label, crit.weight, round(crit.weight, 4)) for crit in weighted]
    out = []
    for k, lone in enumerate(alone):
        if lone:
            out.append(_unbounded(weighted))
            continue
        ranges = []
        for (name, label, w, shown), fall, rise in zip(named, down[k], up[k], strict=True):
            high = w - rise
            ranges.append(
                WeightRange(
                    name,
                    label,
                    shown,
                    round(max(0.0, w - fall), 4),
                    round(high, 4) if math.isfinite(high) else np.inf,
                )
            )
        out.append(tuple(ranges))
    return out


def _unbounded(weighted: Sequence[CriterionEvaluation]) -> tuple[WeightRange, ...]:
    """Return the ranges of a site with no competitor: any weight keeps its rank."""
    return tuple(
        WeightRange(crit.name, crit.label, round(crit.weight, 4), 0.0, np.inf) for crit in weighted
    )
