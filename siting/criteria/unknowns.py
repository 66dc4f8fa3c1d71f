"""Unknown facts as questions: which rules may rest on a fact nobody knows, and whom to ask.

A site's fact can be known to pass, known to fail, or not known (a NaN slack: no source
states it). By default a site that passes every *known* rule is ranked, marked *to confirm*,
and every unknown fact it relies on becomes a question for the party that knows the answer
(the park or municipality, the province, the grid operator, a campus). Two profile keys
change that:

``constraints.verify``
    Rules whose facts must be known (``verify = ["environmental_category"]``): a site whose
    fact is unknown fails them. In a leads table a ``verify`` column with the rule ids,
    separated by ``;`` or ``|``.
``constraints.allow_unknown``
    ``true`` (the default): unknown facts pass except for the rules in ``verify``.
    ``false``: strict mode, every rule must be verified (the behaviour before unknown facts
    became questions).

A site ranked with no unknown fact behind it is *verified*; one that relies on some is *to
confirm*. The words are :data:`VERIFIED` and :data:`TO_CONFIRM`, used in every output.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from siting._wording import TO_CONFIRM, VERIFIED
from siting.criteria.rules import RULES

if TYPE_CHECKING:  # pragma: no cover - numpy is imported where it is used
    import numpy as np

__all__ = ["QUESTIONS", "TO_CONFIRM", "VERIFIED", "Asking"]


@dataclass(frozen=True)
class Asking:
    """The question behind an unknown fact of one rule, and who can answer it.

    Attributes
    ----------
    question
        What to ask, in words (the requirement is appended where it helps).
    ask
        Who knows: ``"park or municipality"``, ``"municipality"``, ``"province"``,
        ``"grid operator"``, ``"campus"``, ``"company"``.
    """

    question: str
    ask: str


#: Rule id -> the question an unknown fact raises and whom to ask.
QUESTIONS: dict[str, Asking] = {
    "space": Asking("how much land is available to issue", "park or municipality"),
    "availability_year": Asking(
        "whether and from when plots can be delivered (the status has no recent dated source)",
        "park or municipality",
    ),
    "environmental_category": Asking(
        "which environmental category the zoning (omgevingsplan) allows", "municipality"
    ),
    "site_fit": Asking(
        "whether the zoning, or on port land the port authority's land policy, admits the activity",
        "municipality, campus or port authority",
    ),
    "grid": Asking("from which year the connection can be had firm", "grid operator"),
    "cleanroom": Asking(
        "whether the site is cleanroom-ready or a shared cleanroom of the size is available; "
        "otherwise building one is a capital question",
        "park or municipality, and the campus",
    ),
    "vibration_free": Asking(
        "whether the site offers vibration-free floors", "park or municipality"
    ),
    "heavy_transport": Asking(
        "whether the site has heavy-transport access (road, quay or rail)",
        "park or municipality, and the province",
    ),
    "relocation_distance": Asking("where the company is located now", "company"),
    "provinces": Asking("in which province the site lies", "municipality"),
    "rnd_campus": Asking("whether a campus in the company's domains is in reach", "campus"),
}


def verify_rules(names: Iterable[str]) -> tuple[str, ...]:
    """Return the rule ids of a ``verify`` list (ids or labels, any case), in rule order.

    Raises
    ------
    ValueError
        Naming the unknown entries and the allowed ids.
    """
    by_label = {label.lower(): rule for rule, (label, _) in RULES.items()}
    chosen, unknown = set(), []
    for name in names:
        key = str(name).strip().lower()
        if not key:
            continue
        rule = key if key in RULES else by_label.get(key, key.replace(" ", "_"))
        if rule in RULES:
            chosen.add(rule)
        else:
            unknown.append(str(name))
    if unknown:
        raise ValueError(
            f"unknown rule(s) {', '.join(repr(u) for u in unknown)} in verify; allowed: "
            f"{', '.join(RULES)}"
        )
    return tuple(r for r in RULES if r in chosen)


def accepts_unknown(allow_unknown: bool, verify: Sequence[str], rule: str) -> bool:
    """Whether an unknown fact of ``rule`` passes (as a question) for a profile.

    Parameters
    ----------
    allow_unknown
        ``constraints.allow_unknown`` (``False``: strict, every rule verified).
    verify
        ``constraints.verify``: rules whose facts must be known.
    rule
        The rule id.
    """
    return bool(allow_unknown) and rule not in verify


def accept_matrix(flags: Sequence[tuple[bool, Sequence[str]]]) -> np.ndarray:
    """Return ``(L, R)`` bools: per lead and rule of :data:`RULES`, whether unknowns pass.

    Parameters
    ----------
    flags
        Per lead, ``(allow_unknown, verify)``.
    """
    import numpy as np

    out = np.zeros((len(flags), len(RULES)), dtype=bool)
    for k, (allow, verify) in enumerate(flags):
        out[k] = [accepts_unknown(allow, verify, rule) for rule in RULES]
    return out


def question(rule: str, label: str, requirement: str = "") -> str:
    """Return the question an unknown fact of ``rule`` raises, with whom to ask, in words.

    For example ``"Grid connection in time: ask the grid operator from which year the
    connection can be had firm (needs 6 MW by 2028)"``.
    """
    asking = QUESTIONS.get(rule, Asking("the fact behind this rule", "park or municipality"))
    need = f" (needs {requirement})" if requirement else ""
    return f"{label}: ask the {asking.ask} {asking.question}{need}"


def gap_words(gaps: Mapping[str, int], n_known: int, labels: Mapping[str, str]) -> str:
    """Word what an empty ranking owes to facts nobody knows, apart from the rules that fail.

    Parameters
    ----------
    gaps
        Rule -> how many sites it rules out only because its fact is unknown and the profile
        requires it verified (rules in the run's order).
    n_known
        Sites that pass every rule whose fact is known (ruled out only by facts that must be
        verified).
    labels
        Rule -> readable name.

    Returns
    -------
    str
        The data gap in words ("" when no unknown fact stands in the way).
    """
    parts = []
    for name, count in gaps.items():
        if count:
            asking = QUESTIONS.get(name, Asking("", "park or municipality"))
            parts.append(f"'{labels[name]}' ({count} sites; ask the {asking.ask})")
    if not parts:
        return ""
    if n_known:
        return (
            f"Data gap: {n_known} site(s) pass every rule whose facts are known and are ruled "
            f"out only because the profile requires facts verified that no source states: "
            f"{', '.join(parts)}. These are questions, not rules that fail; drop them from "
            "constraints.verify (or allow_unknown = false) to list these sites as to confirm."
        )
    return (
        "Facts nobody knows (questions, not failures) behind the rules required verified: "
        f"{', '.join(parts)}."
    )


def unknown_summary(labels: Sequence[str], strict: Sequence[str]) -> str:
    """Word the data gap of an empty ranking: which rules rest on facts nobody knows.

    Parameters
    ----------
    labels
        Readable names of the rules some sites cannot pass only because a fact is unknown.
    strict
        Of those, the ones the profile requires verified (or all, in strict mode).

    Returns
    -------
    str
        Empty when there is no data gap.
    """
    if not labels:
        return ""
    names = ", ".join(f"'{label}'" for label in labels)
    return (
        f"Data gap: no source states the facts behind {names} for the sites that pass every "
        "other rule; the profile requires them verified, so these are questions for the park, "
        "municipality, province or grid operator, not rules that fail."
        if strict
        else f"Data gap: facts unknown behind {names}."
    )


def unknown_note(allow_unknown: bool, verify: Sequence[str]) -> str:
    """Say, for a run's notes, how the profile treats facts nobody knows."""
    if not allow_unknown:
        return (
            "strict mode (allow_unknown = false): a fact no source states fails its rule; "
            "every site listed is verified."
        )
    must = ", ".join(RULES[r][0] for r in verify)
    return (
        f"'{TO_CONFIRM}': passes every known rule, unknown facts are questions (--details)"
        + (f"; must be verified: {must}" if must else "")
        + "."
    )


def feasible_reason(n_feasible: int, n_sites: int, n_to_confirm: int) -> str:
    """Say how many sites fit, and how many of them are to confirm (screening's reason)."""
    text = f"{n_feasible} of {n_sites} sites satisfy every hard constraint"
    if n_to_confirm:
        text += (
            f" ({n_feasible - n_to_confirm} verified, {n_to_confirm} {TO_CONFIRM}: relying on "
            "facts no source states)"
        )
    return text
