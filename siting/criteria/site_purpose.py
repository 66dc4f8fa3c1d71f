"""Site purpose: how well what a site is for suits what the company will do there.

The rule ``site_fit`` (:mod:`siting.criteria.site_fit`) decides what may go on a site; where
it cannot (no source states the zoning, or only an issuer's policy reserves the site) the site
is *to confirm*, and every to-confirm site used to rank alike however unlikely the answer. The
criterion ``site_purpose`` scores the kind of site against the kind of need, so that a software
lab is not sent to seaport land because the port has the largest plots:

``made_for``
    Made for the activity: a campus or science park whose own campus is active in one of
    the company's NTS domains (production only where the campus allows it), a park reserved
    for a sector the company belongs to, seaport or heavy-industry land for a port-related
    company or an industrial, quay-bound or heavy-transport need, a logistics park for heavy
    transport.
``general``
    A general business park or a mixed urban area: nothing known for or against.
``unknown``
    No source states the designation.
``campus_unknown``
    A campus or science park whose campus's NTS domains no source records.
``campus_production``
    Production on a campus or science-park plot that no source says allows it.
``logistics_other``
    A logistics park for a company without heavy transport.
``campus_other_domains``
    A campus or science park whose campus is active in none of the company's domains:
    campuses admit the companies of their themes.
``heavy_land``
    Seaport or heavy-industry land for a need below the industrial category, with neither a
    quay nor heavy transport: land kept for the companies that need its environmental room
    (Zuid-Holland's omgevingsverordening already asks a minimum environmental category of
    new business parks, and its 2025 revision proposes one for existing parks zoned for
    higher categories: SKBN, https://skbn.nu/post/1109, read 2026-12).
``reserved_other``
    Reserved for another sector: by the issuer's land policy, the rule's question to the
    issuer, which it answers for its own sector first (reserved by the zoning, the rule
    fails the site).

A site takes the lowest-scoring class that applies (``made_for`` replaces ``general`` and
``unknown``: a food park is a business park too); the scores per class are the catalogue's
(``models/criteria.toml``, ``[criteria.site_purpose].scores``): a judgement analysts may
edit, not a measured figure. The raw value is the class's score (no unit but the fit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from siting import vocab
from siting._memo import IdentityMemo
from siting.criteria.site_fit import CHECKS, PORT_RELATED, FitFacts

#: The classes, in words (``{label}`` is the site's designation).
CLASSES: dict[str, str] = vocab.SITE_PURPOSES
CODES: dict[str, int] = {slug: k for k, slug in enumerate(CLASSES)}
_SLUGS = tuple(CLASSES)

_CAMPUS = ("campus", "science_park")
_HEAVY_LAND = ("heavy_industry", "port_industrial")
#: Row of each check in a lead's checks and in :class:`FitFacts` (the order of ``CHECKS``).
_CHECK = {name: k for k, name in enumerate(CHECKS)}


@dataclass(frozen=True)
class PurposeNeed:
    """What of a lead the site purpose depends on (leads with equal needs share a row).

    Attributes
    ----------
    activity
        ``needs.activity`` slug.
    heavy_need
        Whether the need uses what heavy land is for: an industrial category, a quay or
        heavy transport, or the lead is port-related (it says so, or its needs make it).
    heavy_transport
        ``needs.heavy_transport``.
    sectors
        The sectors the lead belongs to (:func:`siting.criteria.site_fit.sectors`).
    domains
        Indices of the lead's NTS domains in :data:`siting.vocab.NTS_DOMAINS`.
    """

    activity: str
    heavy_need: bool
    heavy_transport: bool
    sectors: frozenset[str]
    domains: tuple[int, ...]


def need_of(
    checks: Sequence[bool] | np.ndarray,
    sectors: frozenset[str],
    *,
    activity: str,
    domains: Sequence[int],
) -> PurposeNeed:
    """Return a lead's :class:`PurposeNeed`.

    Parameters
    ----------
    checks
        The site-fit checks that apply to it (:func:`siting.criteria.site_fit.lead_checks`:
        hazardous, water, heavy, production, industrial).
    sectors
        The sectors it belongs to.
    activity
        ``needs.activity``.
    domains
        Indices of its NTS domains (repeats allowed).
    """
    water, heavy, industrial = (bool(checks[_CHECK[c]]) for c in ("water", "heavy", "industrial"))
    uses = water or heavy or industrial or PORT_RELATED in sectors
    return PurposeNeed(activity, uses, heavy, sectors, tuple(sorted(set(domains))))


def classes(need: PurposeNeed, fit: FitFacts, campus_domains: np.ndarray | None) -> np.ndarray:
    """Return which classes (:data:`CODES`) apply to each site for one need, before scoring.

    Parameters
    ----------
    need
        The lead's need.
    fit
        The sites' designation facts.
    campus_domains
        ``(N, D)`` bools: the NTS domains of the site's own campus (``campus_id``); ``None``
        or an all-false row where the site has no campus record.

    Returns
    -------
    numpy.ndarray
        ``(N, K)`` bools: which classes apply to each site (K = len(:data:`CLASSES`)).
    """
    design = fit.designation
    n = fit.n
    out = np.zeros((n, len(CLASSES)), dtype=bool)
    campus = np.isin(design, _CAMPUS)
    heavy_land = np.isin(design, _HEAVY_LAND)
    logistics = design == "logistics"
    out[:, CODES["unknown"]] = design == ""
    out[:, CODES["general"]] = (design != "") & ~campus & ~heavy_land & ~logistics
    out[:, CODES["made_for" if need.heavy_need else "heavy_land"]] |= heavy_land
    out[:, CODES["made_for" if need.heavy_transport else "logistics_other"]] |= logistics
    if need.domains:
        own = (
            campus_domains
            if campus_domains is not None
            else np.zeros((n, len(vocab.NTS_DOMAINS)), dtype=bool)
        )
        known = campus & own.any(axis=1)
        matches = known & own[:, list(need.domains)].any(axis=1)
        out[:, CODES["made_for"]] |= matches
        out[:, CODES["campus_other_domains"]] = known & ~matches
        out[:, CODES["campus_unknown"]] = campus & ~known
    else:
        out[:, CODES["general"]] |= campus
    if need.activity == "production":
        allowed = fit.passes[_CHECK["production"]]
        out[:, CODES["campus_production"]] = campus & ~allowed
    reserved = fit.reserved_for != ""
    own_sector = reserved & np.isin(fit.reserved_for, sorted(need.sectors))
    out[:, CODES["made_for"]] |= own_sector
    out[:, CODES["reserved_other"]] = reserved & ~own_sector
    # made for it says more than "nothing known" (a food park is a business park too)
    made_for = out[:, CODES["made_for"]]
    out[made_for, CODES["general"]] = out[made_for, CODES["unknown"]] = False
    return out


def score_table(scores: Mapping[str, float]) -> np.ndarray:
    """Return the scores of :data:`CLASSES` in code order (the catalogue checks the keys)."""
    return np.array([float(scores[slug]) for slug in CLASSES])


def lowest(applies: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Return per site the code of the lowest-scoring class that applies (``(N,)`` ints)."""
    masked = np.where(applies, table[None, :], np.inf)
    return np.argmin(masked, axis=1)


def purpose_rows(
    needs: Sequence[PurposeNeed],
    fit: FitFacts,
    campus_domains: np.ndarray | None,
    table: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``site_purpose`` scores of distinct needs and each lead's row.

    Parameters
    ----------
    needs
        Per lead, its :class:`PurposeNeed`.
    fit, campus_domains
        As :func:`classes`.
    table
        Scores per class code (:func:`score_table`).

    Returns
    -------
    rows : numpy.ndarray
        ``(G, N)`` scores, one row per distinct need.
    group : numpy.ndarray
        ``(L,)`` ints: each lead's row.
    """
    index: dict[PurposeNeed, int] = {}
    group = np.array([index.setdefault(need, len(index)) for need in needs], dtype=np.int64)
    rows = np.empty((len(index), fit.n))
    scores = tuple(table.tolist())
    for need, g in index.items():
        rows[g] = _row(need, fit, campus_domains, table, scores).scores
    return rows, group


@dataclass(frozen=True)
class _Row:
    """One need's class code and score per site (read-only ``(N,)`` arrays)."""

    codes: np.ndarray
    scores: np.ndarray


def _row(
    need: PurposeNeed,
    fit: FitFacts,
    campus_domains: np.ndarray | None,
    table: np.ndarray,
    scores: tuple[float, ...],
) -> _Row:
    """Return one need's :class:`_Row`, built once per site table, need and score table."""
    build = partial(_build_row, need, fit, campus_domains, table)
    return _ROWS.get((fit, campus_domains), build, extra=(need, scores))


def _build_row(
    need: PurposeNeed, fit: FitFacts, campus_domains: np.ndarray | None, table: np.ndarray
) -> _Row:
    """Return each site's class code and score for one need (read-only)."""
    codes = lowest(classes(need, fit, campus_domains), table)
    row = table[codes]
    codes.setflags(write=False)
    row.setflags(write=False)
    return _Row(codes, row)


#: The codes and scores of each need met so far, per site table (a warm ranking reuses them:
#: the scores for the criterion, the codes for the words of the sites it explains).
_ROWS: IdentityMemo[_Row] = IdentityMemo(size=64)


def describe(
    i: int,
    need: PurposeNeed,
    fit: FitFacts,
    campus_domains: np.ndarray | None,
    table: np.ndarray,
) -> str:
    """Return site ``i``'s purpose for the need in words.

    The class codes of every site are those the criterion's scores were read from (kept per
    site table, need and score table), so explaining ten sites classifies the sites once.
    """
    return describer(need, fit, campus_domains, table)(i)


def describer(
    need: PurposeNeed,
    fit: FitFacts,
    campus_domains: np.ndarray | None,
    table: np.ndarray,
) -> Callable[[int], str]:
    """Return site index -> :func:`describe` of it (the sites' classes read once)."""
    codes = _row(need, fit, campus_domains, table, tuple(table.tolist())).codes
    return partial(_words, codes, fit)


def _words(codes: np.ndarray, fit: FitFacts, i: int) -> str:
    """Return site ``i``'s purpose in words, its class code read from ``codes``."""
    slug = _SLUGS[int(codes[i])]
    label = vocab.DESIGNATIONS.get(fit.designation[i], "a site of unknown designation")
    sector = vocab.SITE_RESERVATIONS.get(fit.reserved_for[i], fit.reserved_for[i])
    basis = vocab.RESERVATION_BASES.get(fit.reserved_by[i], vocab.RESERVATION_BASES["zoning"])
    return CLASSES[slug].format(label=label, sector=sector.split(" (")[0], basis=basis)
