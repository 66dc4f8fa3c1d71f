"""Every rule and criterion of L leads on N sites at once (:func:`evaluate_batch`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from siting.criteria import grid_rule
from siting.criteria.criterion_values import _criterion_values
from siting.criteria.grouping import (
    _Cells,
    _domain_counts,
    _Expanding,
    _grid_rows,
    _GridRows,
    _Grouped,
    _origin_km,
    _Scored,
    cells,
)
from siting.criteria.lead_params import LeadParams
from siting.criteria.normalise import CELLWISE, _normalise, cell_scorer, range_scored_cells
from siting.criteria.rule_slacks import _rule_slacks
from siting.criteria.rules import slack_passes
from siting.criteria.site_facts import SiteFacts
from siting.inputs.catalogue import Catalogue, CriterionSpec


@dataclass(frozen=True)
class BatchEvaluation:
    """Every constraint and criterion of L leads on N sites (from :func:`evaluate_batch`).

    Row ``l`` of every array equals what :func:`evaluate` gives for lead ``l`` alone.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    slack
        Rule id (every key of :data:`RULES`, in order) -> ``(L, N)`` slacks; :data:`NO_LIMIT`
        where the rule does not apply to the lead.
    active
        ``(L, R)``: which rules apply to which lead (the rules :func:`evaluate` lists).
    raw, score
        Criterion (catalogue order) -> ``(L, N)`` raw values and normalised scores (arrays the
        same for every lead may be broadcast views).
    applicable
        ``(L, C)``: whether the criterion applies to the lead.
    weights
        ``(L, C)``: weights in the utility (summing to 1 over the applicable criteria).
    allow_unknown
        ``(L,)``: the profiles' ``allow_unknown``.
    accept_unknown
        ``(L, R)``: whether an unknown fact passes the rule (rules in :data:`RULES` order).
    grid
        The grid rule's outcome per distinct need of the leads (``None`` when not kept): the
        texts of one lead read its row instead of computing it again.
    """

    site_ids: tuple[str, ...]
    slack: Mapping[str, np.ndarray]
    active: np.ndarray
    raw: Mapping[str, np.ndarray]
    score: Mapping[str, np.ndarray]
    applicable: np.ndarray
    weights: np.ndarray
    allow_unknown: np.ndarray
    accept_unknown: np.ndarray
    grid: _GridRows | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        """Rule ids, in the order of :data:`RULES`."""
        return tuple(self.slack)

    @property
    def criteria(self) -> tuple[str, ...]:
        """Criterion names, in catalogue order."""
        return tuple(self.raw)

    @cached_property
    def utility(self) -> np.ndarray:
        """``(L, N)``: the weighted sum of scores (summed as :attr:`Evaluation.utility`).

        A criterion no lead weights adds exact zeros (scores are finite) and is skipped.
        """
        total = np.zeros((len(self.allow_unknown), len(self.site_ids)))
        term = np.empty_like(total)
        for c, name in enumerate(self.raw):
            if self.weights[:, c].any():
                np.multiply(self.weights[:, c, None], self.score[name], out=term)
                total += term
        return total

    def utility_at(self, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Return the utility of cells ``(leads[k], sites[k])``: :attr:`utility` there, exactly.

        Summed in the same order and with the same operations as :attr:`utility`, on the
        cells only (grouped rows are read, not expanded).
        """
        return self.utility_of(leads, self.weighted_scores_at(leads, sites))

    def weighted_scores_at(self, leads: np.ndarray, sites: np.ndarray) -> dict[str, np.ndarray]:
        """Return the scores at cells ``(leads[k], sites[k])`` of the criteria some lead weights.

        Criteria in catalogue order; a criterion no lead weights adds nothing to a utility.
        """
        return {
            name: cells(self.score, name, leads, sites)
            for c, name in enumerate(self.raw)
            if self.weights[:, c].any()
        }

    def utility_of(self, leads: np.ndarray, scores: Mapping[str, np.ndarray]) -> np.ndarray:
        """Return the utility of cells of ``leads`` from their :meth:`weighted_scores_at`."""
        total = np.zeros(len(leads))
        for c, name in enumerate(self.raw):
            if name in scores:
                total += self.weights[leads, c] * scores[name]
        return total

    @cached_property
    def passing(self) -> dict[str, np.ndarray]:
        """Rule -> ``(L, N)``: passes, or unknown where the rule accepts it (active rules)."""
        out = {}
        for r, name in enumerate(self.slack):
            if not self.active[:, r].any():
                continue
            rows = np.flatnonzero(self.accept_unknown[:, r])  # leads whose unknowns pass
            s = self.slack[name]
            ok = slack_passes(s)
            if rows.size == len(self.allow_unknown):
                ok |= np.isnan(s)
            elif rows.size:
                ok[rows] |= np.isnan(s[rows])
            out[name] = ok
        return out

    @cached_property
    def feasible(self) -> np.ndarray:
        """``(L, N)``: passes every rule (unknowns pass where allowed)."""
        ok = np.ones((len(self.allow_unknown), len(self.site_ids)), dtype=bool)
        for passing in self.passing.values():
            ok &= passing
        return ok

    @cached_property
    def unverified(self) -> np.ndarray:
        """``(L, N)``: feasible only because some facts are unknown."""
        unknown = np.zeros((len(self.allow_unknown), len(self.site_ids)), dtype=bool)
        # an unknown fact that does not pass rules the site out: only the leads that accept
        # some unknown can have sites to confirm
        rows = np.flatnonzero(self.accept_unknown.any(axis=1))
        if rows.size == 0:
            return unknown
        some = np.zeros((rows.size, len(self.site_ids)), dtype=bool)
        for r, name in enumerate(self.slack):
            if self.active[rows, r].any():
                some |= np.isnan(self.slack[name][rows]) & self.active[rows, r, None]
        unknown[rows] = some & self.feasible[rows]
        return unknown


def evaluate_batch(params: LeadParams, facts: SiteFacts, catalogue: Catalogue) -> BatchEvaluation:
    """Evaluate every hard constraint and criterion of L leads on every site at once.

    The rules and criteria of :func:`evaluate`, with the leads' needs as ``(L, 1)`` arrays
    broadcast against the site arrays: row ``l`` equals :func:`evaluate` for lead ``l``.

    Parameters
    ----------
    params
        The leads' needs (:meth:`LeadParams.from_profiles`).
    facts
        The sites' facts (:func:`site_facts`).
    catalogue
        The criteria catalogue.

    Returns
    -------
    BatchEvaluation
    """
    domains, counts = _domain_counts(params, facts)
    origin_km = _origin_km(params, facts)
    grid = _grid_rows(params, facts, catalogue)
    slack, active = _rule_slacks(params, facts, catalogue, counts, origin_km, grid)
    values, applicable = _criterion_values(
        params, facts, catalogue, (domains, counts), origin_km, grid
    )
    raw, score = _scores(values, params, facts, catalogue)
    weights = _scaled_weights(params.weights, applicable)
    return BatchEvaluation(
        site_ids=facts.site_ids,
        slack=slack,
        active=active,
        raw=raw,
        score=score,
        applicable=applicable,
        weights=weights,
        allow_unknown=params.allow_unknown,
        accept_unknown=params.accept_unknown,
        grid=grid,
    )


def _scores(
    values: Mapping[str, np.ndarray | _Grouped | _Cells | _Scored],
    params: LeadParams,
    facts: SiteFacts,
    catalogue: Catalogue,
) -> tuple[_Expanding, _Expanding]:
    """Return each criterion's ``(L, N)`` raw values and scores (grouped rows scored once).

    Grouped rows stay grouped, and the scores of a lead's every site are computed only where
    they are read (:class:`_Cells`; a row's range, for ``minmax``, over the whole row), until
    an array is read whole (:class:`_Expanding`).
    """
    max_km = params.max_relocation_km[:, 0]
    pressure = facts.grid.pressure[facts.grid.site_group]  # per site
    shape = (params.n, facts.n)
    raw: dict[str, np.ndarray | _Grouped | _Cells] = {}
    score: dict[str, np.ndarray | _Grouped | _Cells] = {}
    for name, crit in catalogue.criteria.items():
        value = values[name]
        if isinstance(value, _Scored):  # scored where the raw values were computed
            raw[name], score[name] = value.raw, value.score
            continue
        raw[name] = value
        if isinstance(value, _Cells) and crit.normalise == "years_to_spare":
            score[name] = value.derive(_outlook(pressure, crit))
        elif isinstance(value, _Grouped):  # normalise each distinct row once
            score[name] = _Grouped(_normalise(value.rows, crit), value.group)
        elif crit.normalise in CELLWISE:
            zero_at = None
            if name == "relocation_distance" and crit.zero_at is not None:
                zero_at = np.where(np.isnan(max_km), crit.zero_at, max_km)
            cells_of = value if isinstance(value, _Cells) else _Cells(shape, _reader(value))
            score[name] = cells_of.derive(cell_scorer(crit, zero_at))
        else:
            whole = value.expand() if isinstance(value, _Cells) else value
            score[name] = _Cells(shape, range_scored_cells(whole, crit))
    return _Expanding(raw), _Expanding(score)


def _outlook(
    pressure: np.ndarray, crit: CriterionSpec
) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """Return the grid outlook's score of years to spare at cells (:func:`outlook_score`)."""
    assert crit.cap is not None and crit.queue_weight is not None
    cap, queue_weight = crit.cap, crit.queue_weight
    unknown_score = float(crit.unknown_score or 0.0)

    def score(spare: np.ndarray, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        return grid_rule.outlook_score(
            spare,
            pressure[sites],
            cap=cap,
            queue_weight=queue_weight,
            unknown_score=unknown_score,
        )

    return score


def _reader(values: np.ndarray) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Read cells of an ``(L, N)`` array, as :attr:`_Cells.compute`."""

    def read(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        return values[leads, sites]

    return read


def _scaled_weights(weights: np.ndarray, applicable: np.ndarray) -> np.ndarray:
    """``(L, C)`` weights of the applicable criteria, scaled to sum to 1 (0 where none)."""
    weights = np.where(applicable & (weights > 0), weights, 0.0)
    scale = np.zeros(len(weights))
    for c in range(weights.shape[1]):  # summed in order, as Python's sum
        scale += weights[:, c]
    positive = scale > 0
    return np.where(positive[:, None], weights / np.where(positive, scale, 1.0)[:, None], 0.0)
