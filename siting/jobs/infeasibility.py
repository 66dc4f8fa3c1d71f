"""Why no site fits: per rule, how many sites it rules out and what dropping it would admit.

The explanation of an empty ranking needs a few counts per rule (:class:`RuleCounts`): the
sites it rules out, how many of those fail on known facts, the sites that pass every other
rule (what dropping it alone would admit) and the sites ruled out only because a fact that
must be verified is unknown. :func:`rule_counts` counts them for M leads at once (the screening
explains all its leads without a site in one pass per rule); :func:`describe_counts` words
them for one lead. A ranking and a screening of the same lead say the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from siting.criteria.unknowns import gap_words
from siting.results.ranking import Infeasibility


@dataclass(frozen=True)
class RuleCounts:
    """One rule's part in an empty ranking, counted over the sites.

    Attributes
    ----------
    failing
        Sites it rules out (failing, or unknown where the run does not accept it).
    admitted
        Sites that pass every other rule: what dropping this rule alone would admit.
    fails
        Of ``failing``, the sites that fail on known facts; ``None`` when facts known and
        unknown are not told apart.
    gap
        Sites it rules out only because its fact is unknown and must be verified.
    """

    failing: int
    admitted: int
    fails: int | None
    gap: int


@dataclass(frozen=True)
class LeadCounts:
    """The counts of one lead: per rule, and the sites that pass every known rule."""

    rules: dict[str, RuleCounts]
    n_known: int


def rule_counts(
    passing: Mapping[str, np.ndarray],
    active: np.ndarray,
    known: Mapping[str, np.ndarray] | None = None,
) -> tuple[list[LeadCounts], Mapping[str, np.ndarray]]:
    """Count every lead's :class:`RuleCounts` at once.

    Parameters
    ----------
    passing
        Rule -> ``(M, N)``: which sites each lead's run lets through.
    active
        ``(M, R)`` bools, rules in the order of ``passing``: which rules apply to which lead
        (the others are left out of its counts).
    known
        Rule -> ``(M, N)``: which sites do not fail the rule on what is known (pass or
        unknown); ``None`` when not told apart.

    Returns
    -------
    counts
        Per lead, its rules' counts (active rules, in the order of ``passing``).
    others_pass
        Rule -> ``(M, N)``: the sites that pass every other active rule of the lead (where
        the rule is not active for a lead, its row is all False).
    """
    names = list(passing)
    n_leads = active.shape[0]
    n_sites = next(iter(passing.values())).shape[1] if names else 0
    fail = {name: ~passing[name] & active[:, r, None] for r, name in enumerate(names)}
    blocked = np.zeros((n_leads, n_sites), dtype=np.uint8)  # rules failed (at most 255)
    for name in names:
        blocked += fail[name]
    # the sites passing every other rule: no rule fails, or this one alone
    none = blocked == 0
    alone = blocked == 1
    n_none = np.count_nonzero(none, axis=1)
    others_pass = _OthersPass(fail, none, alone, active, names)
    every_known = np.ones((n_leads, n_sites), dtype=bool)
    failing, admitted, fails, gap = {}, {}, {}, {}
    for r, name in enumerate(names):
        failing[name] = np.count_nonzero(fail[name], axis=1).tolist()
        admitted[name] = (
            np.where(active[:, r], n_none, 0) + np.count_nonzero(fail[name] & alone, axis=1)
        ).tolist()
        if known is not None:
            ok = known[name] | ~active[:, r, None]
            every_known &= ok
            fails[name] = (n_sites - np.count_nonzero(ok, axis=1)).tolist()
            gap[name] = np.count_nonzero(ok & fail[name], axis=1).tolist()
    n_known = np.count_nonzero(every_known, axis=1).tolist() if known is not None else [0] * n_leads
    counts = []
    for m, use in enumerate(active.tolist()):
        rules = {
            name: RuleCounts(
                failing=failing[name][m],
                admitted=admitted[name][m],
                fails=fails[name][m] if known is not None else None,
                gap=gap[name][m] if known is not None else 0,
            )
            for r, name in enumerate(names)
            if use[r]
        }
        counts.append(LeadCounts(rules, int(n_known[m])))
    return counts, others_pass


class _OthersPass(Mapping[str, np.ndarray]):
    """Rule -> ``(M, N)``: the sites that pass every other active rule, built when read.

    A site passes every rule but ``name`` when no rule fails there, or ``name`` alone does;
    where ``name`` is not active for a lead, its row is all False.
    """

    def __init__(
        self,
        fail: Mapping[str, np.ndarray],
        none: np.ndarray,
        alone: np.ndarray,
        active: np.ndarray,
        names: Sequence[str],
    ) -> None:
        self._fail, self._none, self._alone, self._active = fail, none, alone, active
        self._index = {name: r for r, name in enumerate(names)}

    def __getitem__(self, name: str) -> np.ndarray:
        ok = self._alone & self._fail[name]
        ok |= self._none
        ok &= self._active[:, self._index[name], None]
        return ok

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def relaxed_rule(counts: LeadCounts) -> str:
    """Return the rule whose dropping admits most sites (ties: the one ruling out most, first)."""
    return max(counts.rules, key=lambda k: (counts.rules[k].admitted, counts.rules[k].failing))


def describe_counts(
    counts: LeadCounts,
    labels: Mapping[str, str],
    n_sites: int,
    best_site: str | None,
) -> Infeasibility:
    """Word the explanation of one lead's empty ranking from its counts.

    Parameters
    ----------
    counts
        The lead's counts (:func:`rule_counts`; at least one rule).
    labels
        Rule -> readable name.
    n_sites
        Sites in the table.
    best_site
        The best site dropping :func:`relaxed_rule` would admit, in words (``None`` if none).
    """
    rules = counts.rules
    worst = sorted(rules, key=lambda k: -rules[k].failing)
    relax = relaxed_rule(counts)
    told_apart = next(iter(rules.values())).fails is not None
    gap = (
        gap_words({k: c.gap for k, c in rules.items()}, counts.n_known, labels)
        if told_apart
        else ""
    )
    ruling = ", ".join(f"'{labels[k]}' ({_rule_count(rules[k], n_sites)})" for k in worst[:3])
    relaxing = _relaxing(labels[relax], rules[relax].admitted, best_site, gap=bool(gap))
    message = (
        f"No site satisfies every hard constraint. Rules that rule out most sites "
        f"(failing or unknown): {ruling}. {relaxing}" + (f" {gap}" if gap else "")
    )
    return Infeasibility(
        message=message,
        most_restrictive=worst[0],
        feasible_without=rules[relax].admitted,
        best_without=best_site,
    )


def describe_one(
    passing: Mapping[str, np.ndarray],
    labels: Mapping[str, str],
    best_of: Callable[[np.ndarray], str],
    *,
    known: Mapping[str, np.ndarray] | None = None,
) -> Infeasibility:
    """Explain one lead's empty ranking from its rules' ``(N,)`` passes (as a ranking does).

    ``best_of(sites)`` words the best of some site indices; ``known`` as in
    :func:`rule_counts`.
    """
    names = list(passing)
    rows = {name: ok[None, :] for name, ok in passing.items()}
    known_rows = None if known is None else {name: known[name][None, :] for name in names}
    counts, others_pass = rule_counts(rows, np.ones((1, len(names)), dtype=bool), known_rows)
    relax = relaxed_rule(counts[0])
    gained = np.flatnonzero(others_pass[relax][0])
    n_sites = len(next(iter(passing.values())))
    return describe_counts(counts[0], labels, n_sites, best_of(gained) if gained.size else None)


def sole_blockers(counts: LeadCounts, labels: Mapping[str, str]) -> tuple[str, ...]:
    """Return the rules that, dropped alone, would admit a site, by name."""
    return tuple(labels[name] for name, c in counts.rules.items() if c.admitted)


def active_rows(active: np.ndarray, names: Sequence[str], all_names: Sequence[str]) -> np.ndarray:
    """``(M, len(names))`` columns of ``active`` (``(M, len(all_names))``) for ``names``."""
    index = {name: r for r, name in enumerate(all_names)}
    return active[:, [index[name] for name in names]]


def _rule_count(counts: RuleCounts, n_sites: int) -> str:
    """Say how many sites a rule rules out: failing, and unknown where the facts are known."""
    if counts.fails is None:
        return f"{counts.failing} of {n_sites}"
    unknown = counts.failing - counts.fails
    return f"{counts.fails} fail" + (f", {unknown} unknown" if unknown else "") + f" of {n_sites}"


def _relaxing(label: str, gained: int, best_site: str | None, *, gap: bool) -> str:
    """Say what relaxing the best single rule would admit."""
    if gained:
        return f"Dropping '{label}' alone would admit {gained} site(s), the best being {best_site}."
    if gap:
        return "No single rule, relaxed alone, admits a site."
    return (
        "No single rule stands alone in the way: relaxing any one of them admits "
        "no site; see the near misses for the smallest combined changes."
    )
