"""What an evaluation of one lead holds: every rule's slack and every criterion's score per site.

:func:`siting.criteria.evaluation.evaluate` builds these; the ranking, the model and the
explanations read them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from siting.criteria.rules import SLACK_DECIMALS, slack_passes


@dataclass(frozen=True)
class ConstraintEvaluation:
    """One hard constraint evaluated on every site.

    Attributes
    ----------
    name, label
        Rule id and readable name.
    unit
        Unit of the slack.
    requirement
        What the profile asks, in words.
    slack
        Per site: how far the site is from failing, in ``unit`` (>= 0 passes, < 0 fails, NaN
        unknown, :data:`NO_LIMIT` for "no restriction here").
    describe
        Site index -> the fact the rule looked at, in words (computed on demand: only the
        explained sites need it).
    advise
        Site index -> what would make a site that misses pass, in words (``None``: the
        explanation words it from the slack).
    accept_unknown
        Whether an unknown fact passes this rule as a question to confirm (the profile's
        ``allow_unknown`` and ``verify``, :func:`siting.criteria.unknowns.accepts_unknown`).
    """

    name: str
    label: str
    unit: str
    requirement: str
    slack: np.ndarray
    describe: Callable[[int], str]
    advise: Callable[[int], str] | None = None
    accept_unknown: bool = False

    @cached_property
    def ok(self) -> np.ndarray:
        """Sites the rule lets through: passing, or unknown where unknowns are accepted."""
        return (
            self.passes | (self.unknown & self.accept_unknown)
            if self.accept_unknown
            else self.passes
        )

    @cached_property
    def unknown(self) -> np.ndarray:
        """Sites whose data do not say."""
        return np.isnan(self.slack)

    @cached_property
    def passes(self) -> np.ndarray:
        """Sites that pass for certain (slack >= 0 at :data:`SLACK_DECIMALS`)."""
        return slack_passes(self.slack)


@dataclass(frozen=True)
class CriterionEvaluation:
    """One criterion evaluated on every site.

    Attributes
    ----------
    name, label, unit, direction
        From the catalogue.
    raw
        Per site: the value in ``unit`` (NaN where unknown: it scores 0).
    score
        Per site: the normalised score in [0, 1].
    weight
        Weight in the utility (weights sum to 1 over the applicable criteria).
    applicable
        Whether the criterion applies to the profile (else its weight is 0).
    note
        Why it does not apply, or how it was computed.
    describe
        Site index -> the value in words (``None``: the value and unit say it).
    """

    name: str
    label: str
    unit: str
    direction: str
    raw: np.ndarray
    score: np.ndarray
    weight: float
    applicable: bool
    note: str = ""
    describe: Callable[[int], str] | None = None

    @cached_property
    def contribution(self) -> np.ndarray:
        """Per site: weight x score (computed once: explanations read it site by site)."""
        return self.weight * self.score


@dataclass(frozen=True)
class Evaluation:
    """Every constraint and criterion of a profile on every site.

    Attributes
    ----------
    site_ids
        The sites, in site-table order.
    constraints, criteria
        The evaluations.
    allow_unknown
        The profile's ``allow_unknown`` (``False``: strict); which rules accept unknown facts
        is each constraint's :attr:`ConstraintEvaluation.accept_unknown`.
    role
        ``"single"``, ``"rnd"`` or ``"production"``.
    weights
        Criterion -> weight used.
    fit_years
        Computes :attr:`feasible_from` on demand (set by :func:`evaluate`).
    """

    site_ids: tuple[str, ...]
    constraints: tuple[ConstraintEvaluation, ...]
    criteria: tuple[CriterionEvaluation, ...]
    allow_unknown: bool
    role: str = "single"
    weights: Mapping[str, float] = field(default_factory=dict)
    fit_years: Callable[[Evaluation], np.ndarray] | None = field(default=None, repr=False)

    @cached_property
    def feasible_from(self) -> np.ndarray | None:
        """Per site: the earliest year needed from which it passes every rule.

        Inf where not in reach; ``None`` when the evaluation cannot tell (see
        :func:`feasible_from_years`).
        """
        return None if self.fit_years is None else self.fit_years(self)

    @cached_property
    def utility(self) -> np.ndarray:
        """Per site: the weighted sum of scores, in [0, 1]."""
        total = np.zeros(len(self.site_ids))
        for crit in self.criteria:
            total += crit.contribution
        return total

    @cached_property
    def feasible(self) -> np.ndarray:
        """Per site: passes every constraint (unknowns pass where the rule accepts them)."""
        ok = np.ones(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            ok &= con.ok
        return ok

    @cached_property
    def unverified(self) -> np.ndarray:
        """Per site: feasible only because some facts are unknown ("to confirm")."""
        unknown = np.zeros(len(self.site_ids), dtype=bool)
        for con in self.constraints:
            unknown |= con.unknown
        return unknown & self.feasible

    def accepts_unknown(self, rule: str) -> bool:
        """Whether an unknown fact of ``rule`` passes as a question to confirm.

        A rule that does not apply answers with the profile's ``allow_unknown``.
        """
        for con in self.constraints:
            if con.name == rule:
                return con.accept_unknown
        return self.allow_unknown

    def model_slacks(self) -> dict[str, np.ndarray]:
        """Return each rule's slack as the model judges it: ``slack_i >= 0`` for the chosen site.

        Slacks are rounded to :data:`SLACK_DECIMALS`, so the model, the enumeration and
        :attr:`feasible` judge a site on exactly the same numbers; where the rule accepts
        unknown facts an unknown slack reads 0 (passes).

        Returns
        -------
        dict of str to numpy.ndarray
            Rule id -> slack per site, in the rule's unit.
        """
        rows = {}
        for con in self.constraints:
            slack = np.round(con.slack, SLACK_DECIMALS)
            if con.accept_unknown:
                slack = np.where(np.isnan(slack), 0.0, slack)
            rows[con.name] = slack
        return rows
