"""Evaluate a pipeline's leads on the site table for :func:`siting.jobs.assign.assign_leads`.

:func:`evaluate_pipeline` evaluates every valid lead (in batches, row for row what
:func:`siting.criteria.evaluation.evaluate` gives) and gathers the feasible lead-site pairs
with their utilities, the pairs blocked only by the grid connection in time (for the value
of relief), each lead's origin and, for a lead without a feasible site, the reason in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from siting._errors import SitingInputError
from siting.criteria.evaluation import LeadParams, evaluate, evaluate_batch
from siting.criteria.unknowns import accepts_unknown
from siting.inputs.origin import origin_key, resolve_origin
from siting.inputs.profile import Profile
from siting.jobs.assign_grid import BlockedPairs
from siting.jobs.assign_input import LeadEntry
from siting.jobs.explain import infeasibility
from siting.layers.load import GeoData
from siting.progress import Progress

#: Lead x site cells evaluated at once (bounds the memory of a batch).
_EVAL_CELLS = 1 << 17

#: One lead evaluated: passes per site, utility per site in [0, 1], origin, grid-blocked sites.
Evaluated = tuple[np.ndarray, np.ndarray, tuple[float, float] | None, np.ndarray]


@dataclass
class EvaluatedPipeline:
    """The valid leads and their candidate pairs, as the assignment model takes them.

    Attributes
    ----------
    valid
        The leads evaluated, in input order; a pair's lead index refers to this list.
    pairs
        ``(P, 2)`` feasible (lead index, site index) pairs.
    utility
        ``(P,)`` utility of each pair in [0, 1].
    n_feasible
        Lead id -> number of feasible sites.
    origins
        Lead id -> origin (x, y) [m, EPSG:28992] or ``None``.
    no_site
        Lead id -> reason in words, for the leads without a feasible site.
    blocked
        The pairs that pass every rule but the grid connection in time.
    """

    valid: list[LeadEntry] = field(default_factory=list)
    pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    utility: np.ndarray = field(default_factory=lambda: np.zeros(0))
    n_feasible: dict[str, int] = field(default_factory=dict)
    origins: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    no_site: dict[str, str] = field(default_factory=dict)
    blocked: BlockedPairs = field(default_factory=BlockedPairs.empty)


def evaluate_pipeline(
    entries: Sequence[LeadEntry],
    data: GeoData,
    facts: Any,
    table: Any,
    catalogue: Any,
    report: Progress,
) -> EvaluatedPipeline:
    """Evaluate every lead with a profile and gather the candidate pairs.

    A lead whose input turns out invalid here (its municipality or criteria do not
    resolve) gets its problem in ``entry.problem`` and is left out of ``valid``.
    """
    out = EvaluatedPipeline()
    pairs: list[tuple[int, int]] = []
    utilities: list[float] = []
    blocked_parts: list[BlockedPairs] = []
    n_sites = len(table)
    for entry, evaluated in zip(
        entries, evaluate_leads(entries, data, facts, catalogue, report), strict=True
    ):
        if evaluated is None:  # invalid: no profile, or its problem is now in entry.problem
            continue
        passes, utility, origin, blocked_sites = evaluated
        assert entry.profile is not None
        feasible = np.flatnonzero(passes)
        lead = len(out.valid)
        out.valid.append(entry)
        if blocked_sites.size:
            blocked_parts.append(blocked_pairs(lead, blocked_sites, utility, entry.profile))
        pairs += [(lead, int(s)) for s in feasible]
        utilities += [float(utility[s]) for s in feasible]
        out.n_feasible[entry.lead_id] = int(feasible.size)
        out.origins[entry.lead_id] = origin
        if feasible.size == 0:
            out.no_site[entry.lead_id] = no_site_reason(
                entry.profile, facts, table, catalogue, origin, n_sites
            )
    out.pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    out.utility = np.array(utilities)
    out.blocked = BlockedPairs.concat(blocked_parts)
    return out


def no_site_reason(
    profile: Profile,
    facts: Any,
    table: Any,
    catalogue: Any,
    origin: tuple[float, float] | None,
    n_sites: int,
) -> str:
    """Why a lead has no feasible site: its most restrictive rule and how many sites fail it."""
    ev = evaluate(profile, facts, catalogue, origin_xy=origin)  # for its texts
    why = infeasibility(ev, table)
    label = next(
        (c.label for c in ev.constraints if c.name == why.most_restrictive),
        why.most_restrictive,
    )
    con = ev.constraints[[c.name for c in ev.constraints].index(why.most_restrictive)]
    failing = int((~con.passes & ~con.unknown).sum())
    unknown = int((con.unknown & ~con.ok).sum())  # unknown, and required verified
    return (
        f"no feasible site: the most restrictive rule is '{label}' ({failing} of "
        f"{n_sites} sites fail it"
        + (f", {unknown} do not say and it must be verified" if unknown else "")
        + ")"
    )


def evaluate_leads(
    entries: Sequence[LeadEntry], data: GeoData, facts: Any, catalogue: Any, report: Progress
) -> list[Evaluated | None]:
    """Evaluate every lead with a profile: feasible sites, utilities, origin, grid-blocked sites.

    Per lead: the feasible sites, the utilities in [0, 1], the origin, and the sites that pass
    every rule but the grid connection in time (for the value of relief).

    In batches of :data:`_EVAL_CELLS` lead-site cells with
    :func:`siting.criteria.evaluation.evaluate_batch` (row for row what
    :func:`siting.criteria.evaluation.evaluate` gives). A lead whose municipality or criteria do not
    resolve gets its problem in ``entry.problem`` and ``None``, as does a lead without a
    profile; a batch with such a lead is evaluated lead by lead, so each reports its own.
    """
    out: list[Evaluated | None] = [None] * len(entries)
    todo = _with_origins(entries, data)
    size = max(1, _EVAL_CELLS // max(1, facts.n))
    report.stage("evaluating leads", len(todo))
    for begin in range(0, len(todo), size):
        report.advance(begin)
        chunk = todo[begin : begin + size]
        try:
            params = LeadParams.from_profiles(
                [profile for _, profile, _ in chunk],
                catalogue,
                origins=[origin for _, _, origin in chunk],
            )
        except SitingInputError:  # a criterion that does not resolve: lead by lead
            _evaluate_one_by_one(chunk, entries, facts, catalogue, out)
            continue
        batch = evaluate_batch(params, facts, catalogue)
        feasible, utility = batch.feasible, np.clip(batch.utility, 0.0, 1.0)
        blocked = _grid_blocked(batch)
        for row, (k, _, origin) in enumerate(chunk):
            out[k] = (feasible[row], utility[row], origin, np.flatnonzero(blocked[row]))
    report.advance(len(todo))
    return out


def _with_origins(
    entries: Sequence[LeadEntry], data: GeoData
) -> list[tuple[int, Profile, tuple[float, float] | None]]:
    """``(index, profile, origin)`` of every lead with a profile whose origin resolves.

    A lead whose municipality is unknown gets its problem in ``entry.problem``.
    """
    origins: dict[tuple[Any, ...], tuple[float, float] | None] = {}
    todo: list[tuple[int, Profile, tuple[float, float] | None]] = []
    for k, entry in enumerate(entries):
        profile = entry.profile
        if profile is None:
            continue
        key = origin_key(profile)
        if key not in origins:
            try:  # an unknown municipality makes this lead's input invalid
                origins[key] = resolve_origin(profile, data, file=f"lead {entry.lead_id}")
            except SitingInputError as exc:
                entry.problem = "; ".join(str(p) for p in exc.problems)
                continue
        todo.append((k, profile, origins[key]))
    return todo


def _evaluate_one_by_one(
    chunk: Sequence[tuple[int, Profile, tuple[float, float] | None]],
    entries: Sequence[LeadEntry],
    facts: Any,
    catalogue: Any,
    out: list[Evaluated | None],
) -> None:
    """Evaluate a batch lead by lead into ``out``, so each invalid lead reports its own problem."""
    for k, profile, origin in chunk:
        try:
            ev = evaluate(profile, facts, catalogue, origin_xy=origin)
        except SitingInputError as exc:
            entries[k].problem = "; ".join(str(p) for p in exc.problems)
            continue
        blocked = _grid_blocked_one(ev)
        out[k] = (ev.feasible, np.clip(ev.utility, 0.0, 1.0), origin, blocked)


def _grid_blocked(batch: Any) -> np.ndarray:
    """``(L, N)``: the pairs that pass every rule but the grid connection in time."""
    passing = batch.passing
    if "grid" not in passing:
        return np.zeros(batch.feasible.shape, dtype=bool)
    others = np.ones(batch.feasible.shape, dtype=bool)
    for name, ok in passing.items():
        if name != "grid":
            others &= ok
    return others & ~passing["grid"]


def _grid_blocked_one(ev: Any) -> np.ndarray:
    """Return the sites where one lead passes every rule but the grid connection in time."""
    grid = [c for c in ev.constraints if c.name == "grid"]
    if not grid:
        return np.zeros(0, dtype=np.int64)
    others = np.ones(len(ev.site_ids), dtype=bool)
    for con in ev.constraints:
        if con.name != "grid":
            others &= con.ok
    (con,) = grid
    return np.flatnonzero(others & ~(con.ok))


def blocked_pairs(
    lead: int, sites: np.ndarray, utility: np.ndarray, profile: Profile
) -> BlockedPairs:
    """One lead's grid-blocked pairs with what the value of relief needs of them."""
    n = sites.size
    c = profile.constraints
    return BlockedPairs(
        lead=np.full(n, lead, dtype=np.int64),
        site=sites.astype(np.int64),
        utility=np.clip(utility[sites], 0.0, 1.0),
        power_mw=np.full(n, profile.needs.power_mw),
        target_year=np.full(n, profile.needs.year + c.max_delay_years),
        flexible=np.full(n, c.flexible_connection),
        allow_unknown=np.full(n, accepts_unknown(c.allow_unknown, c.verify, "grid")),
    )
