"""Screen leads in batches, evaluated and ranked at once (the per-lead outcomes, faster)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np

from siting._errors import SitingInputError
from siting.criteria.evaluation import BatchEvaluation, LeadParams, evaluate_batch
from siting.criteria.grouping import cells
from siting.criteria.rules import LOWEST_PASSING_SLACK, RULES
from siting.criteria.unknowns import feasible_reason
from siting.inputs.catalogue import Catalogue
from siting.jobs import screen_context
from siting.jobs.infeasibility import (
    active_rows,
    describe_counts,
    relaxed_rule,
    rule_counts,
    sole_blockers,
)
from siting.jobs.screen_context import _batch_size, _Context, _nowhere_outcome, _Task
from siting.jobs.screen_one import _screen_one
from siting.model.rows import best_cells
from siting.results.ranking import STRENGTH_SCORE, format_value
from siting.results.screening import (
    ScreenedLead,
    SiteHit,
)

_LOG = logging.getLogger(__name__)


def _screen_partition(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    return _screen_tasks(tasks, ctx)


def _screen_tasks(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    """Rank some leads; never raises. Same outcomes as :func:`_screen_one` on each lead.

    With the enumeration the leads are evaluated and ranked in batches (:func:`_rank_batch`);
    a batch that fails goes the per-lead way, where each lead reports its own problem: quietly
    for a lead's input error (weights that do not resolve), with a logged warning otherwise (a
    bug must not hide behind the slower path).
    """
    if (
        ctx.solver is not None
        or screen_context._PER_LEAD
        or ctx.facts.n == 0
        or ctx.id_rank is None
    ):
        return [_screen_one(task, ctx) for task in tasks]
    out: list[ScreenedLead] = []
    size = _batch_size(ctx)
    for start in range(0, len(tasks), size):
        chunk = tasks[start : start + size]
        try:
            out.extend(_rank_batch(chunk, ctx))
        except SitingInputError:  # e.g. weights that do not resolve: each lead says what it is
            out.extend(_screen_one(task, ctx) for task in chunk)
        except Exception as exc:  # a bug: the leads are not lost, but it is said (no names)
            _LOG.warning(
                "screening: the batch path failed (%s); %d lead(s) ranked one by one, slower",
                type(exc).__name__,
                len(chunk),
            )
            out.extend(_screen_one(task, ctx) for task in chunk)
    return out


def _rank_batch(tasks: Sequence[_Task], ctx: _Context) -> list[ScreenedLead]:
    """Rank leads at once by exact enumeration: the outcomes of :func:`_rank_one` for each."""
    assert ctx.id_rank is not None
    params = LeadParams.from_profiles(
        [t.profile for t in tasks], ctx.catalogue, origins=[t.origin for t in tasks]
    )
    batch = evaluate_batch(params, ctx.facts, ctx.catalogue)
    n = len(batch.site_ids)
    feasible = batch.feasible
    n_feasible = np.count_nonzero(feasible, axis=1).tolist()
    n_unverified = np.count_nonzero(batch.unverified, axis=1).tolist()
    # the criteria are read on the feasible cells only (most cells fail a rule), ranked in the
    # enumeration's order (the ranking core of rank_by_enumeration)
    rows, cols = np.nonzero(feasible)
    weighted = batch.weighted_scores_at(rows, cols)
    utility = batch.utility_of(rows, weighted)
    best = best_cells(rows, cols, utility, ctx.id_rank, ctx.top, shape=feasible.shape)
    # the cells shown: each lead's ranked sites, lead by lead, best first; their scores are
    # those of the feasible cells (rows and cols in row-major order)
    shown = best >= 0
    lead_of, _ = np.nonzero(shown)
    site_of = best[shown]
    at = np.searchsorted(rows * n + cols, lead_of * n + site_of)
    shown_scores = {name: values[at] for name, values in weighted.items()}
    reasons = _top_reasons(batch, lead_of, site_of, shown_scores, ctx.catalogue) if at.size else []
    scores = utility[at].tolist()
    flags = batch.unverified[lead_of, site_of].tolist()
    ends = np.cumsum(np.count_nonzero(shown, axis=1)).tolist()
    names, municipalities, provinces = ctx.site_text
    xs, ys = ctx.site_xy
    sites_of = site_of.tolist()
    nowhere = np.flatnonzero(~shown[:, 0])
    outcomes = iter(_nowhere([tasks[k] for k in nowhere.tolist()], batch, nowhere, ctx, names))
    out = []
    start = 0
    for lead, (task, end) in enumerate(zip(tasks, ends, strict=True)):
        if end == start:
            out.append(next(outcomes))
            continue
        hits = tuple(
            SiteHit(
                x=xs[i],
                y=ys[i],
                rank=j + 1,
                site_id=batch.site_ids[i],
                name=names[i],
                municipality=municipalities[i],
                province=provinces[i],
                score=round(scores[k], 4),
                unverified=bool(flags[k]),
                reasons=reasons[k],
            )
            for j, (k, i) in enumerate(zip(range(start, end), sites_of[start:end], strict=True))
        )
        start = end
        out.append(
            ScreenedLead(
                lead_id=task.lead_id,
                row=task.row,
                origin=task.origin,
                status="ok",
                reason=feasible_reason(n_feasible[lead], n, n_unverified[lead]),
                region=task.region,
                sites=hits,
                n_feasible=n_feasible[lead],
            )
        )
    return out


def _top_reasons(
    batch: BatchEvaluation,
    leads: np.ndarray,
    sites: np.ndarray,
    scores: Mapping[str, np.ndarray],
    catalogue: Catalogue,
) -> list[tuple[str, ...]]:
    """Per cell ``(leads[k], sites[k])``, the three strongest reasons in words (as ``breakdown``).

    ``scores`` holds the cells' scores of the criteria some lead weights
    (:meth:`BatchEvaluation.weighted_scores_at`); the others give no reason. Each criterion's
    raw value and contribution as :func:`siting.jobs.explain.breakdown` gives them,
    contributions rounded to 4 decimals as Python's round; strengths only (a normalised score
    of STRENGTH_SCORE or more, at 4 decimals), as ``Recommendation.top_reasons``.
    """
    unused = np.zeros(len(leads))  # weighted by no lead: never a reason
    raw = np.stack(
        [
            cells(batch.raw, name, leads, sites) if name in scores else unused
            for name in batch.criteria
        ],
        axis=-1,
    )
    normalised = np.stack([scores.get(name, unused) for name in batch.criteria], axis=-1)
    weights = batch.weights[leads]
    contribution = weights * normalised
    strong = _round_half_even(normalised, 4) >= STRENGTH_SCORE
    contribution = np.where((weights > 0) & strong, _round_half_even(contribution, 4), -np.inf)
    # the three largest, ties in catalogue order (a stable sort, as breakdown's lines)
    top3 = np.argsort(-contribution, axis=-1, kind="stable")[..., :3]
    top3_value = np.take_along_axis(contribution, top3, axis=-1).tolist()
    top3_raw = np.take_along_axis(raw, top3, axis=-1).tolist()
    labels = [
        (catalogue.criteria[name].label, catalogue.criteria[name].unit) for name in batch.criteria
    ]
    texts: dict[tuple[float, str], str] = {}
    out = []
    for cs, values, contributes in zip(top3.tolist(), top3_raw, top3_value, strict=True):
        words = []
        for c, value, amount in zip(cs, values, contributes, strict=True):
            if amount > 0:
                label, unit = labels[c]
                text = texts.get((value, unit)) if value else None  # (0.0 == -0.0)
                if text is None:
                    text = texts[value, unit] = format_value(value, unit)
                words.append(f"{label} ({text})")
        out.append(tuple(words))
    return out


def _round_half_even(values: np.ndarray, decimals: int) -> np.ndarray:
    """Python's ``round(v, decimals)`` of every element, vectorised (bit for bit).

    ``rint(v * 10**d) / 10**d`` is the double nearest ``k / 10**d`` for the right integer
    ``k`` unless ``v * 10**d`` lies within rounding error of a half; those few elements (and
    non-finite ones) are rounded by Python itself.
    """
    scale = 10.0**decimals
    scaled = values * scale
    out = np.rint(scaled) / scale
    doubtful = ~(np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6)  # NaN/inf doubtful too
    for index in zip(*np.nonzero(doubtful), strict=True):
        out[index] = round(float(values[index]), decimals)
    return out


def _nowhere(
    tasks: Sequence[_Task],
    batch: BatchEvaluation,
    leads: np.ndarray,
    ctx: _Context,
    names: list[str],
) -> list[ScreenedLead]:
    """Return the outcomes of leads without a feasible site (as :func:`_rank_one` does).

    The leads ``leads`` (rows of ``batch``) are counted at once (:func:`rule_counts`), and the
    best site each would get by dropping its most admitting rule is chosen among all their
    cells in one pass.
    """
    assert ctx.id_rank is not None
    if not tasks:
        return []
    rules = list(batch.passing)
    active = active_rows(batch.active[leads], rules, batch.rules)
    passing = {name: batch.passing[name][leads] for name in rules}
    # not failing on what is known: passing (which unknowns may), or unknown; that is, not
    # below the least passing slack (NaN is not below it)
    known = {name: ~(batch.slack[name][leads] < LOWEST_PASSING_SLACK) for name in rules}
    counts, others_pass = rule_counts(passing, active, known)
    relaxed = [relaxed_rule(c) for c in counts]
    gained = np.empty((len(relaxed), len(batch.site_ids)), dtype=bool)
    for name in set(relaxed):  # each rule's sites once, for the leads that relax it
        rows = [m for m, relax in enumerate(relaxed) if relax == name]
        gained[rows] = others_pass[name][rows]
    best = _best_gained(batch, leads, gained, ctx.id_rank)
    labels = {name: RULES[name][0] for name in rules}
    out = []
    for m, (task, lead_counts) in enumerate(zip(tasks, counts, strict=True)):
        top = best[m]
        best_site = None if top < 0 else f"{batch.site_ids[top]} ({names[top]})"
        why = describe_counts(lead_counts, labels, len(batch.site_ids), best_site)
        label = labels[why.most_restrictive]
        out.append(_nowhere_outcome(task, why, label, sole_blockers(lead_counts, labels)))
    return out


def _best_gained(
    batch: BatchEvaluation, leads: np.ndarray, gained: np.ndarray, id_rank: np.ndarray
) -> list[int]:
    """Per row of ``gained`` (``(M, N)`` bools), the site of highest utility; -1 if none.

    Utilities rounded by numpy to 6 decimals, ties to the alphabetically first site id (as
    :func:`siting.jobs.explain.infeasibility` chooses).
    """
    rows, cols = np.nonzero(gained)
    best = np.full(len(gained), -1, dtype=np.int64)
    if rows.size:
        rounded = np.round(batch.utility_at(leads[rows], cols), 6)
        order = np.lexsort((id_rank[cols], -rounded, rows))
        first = np.ones(order.size, dtype=bool)
        first[1:] = rows[order][1:] != rows[order][:-1]
        best[rows[order][first]] = cols[order][first]
    return best.tolist()
