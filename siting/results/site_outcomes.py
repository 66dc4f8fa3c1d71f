"""Every candidate site's outcome in a ranking, as records built only when read.

A national ranking has thousands of sites; a warm ranking that nobody draws or saves should
not pay for a record per site. :class:`SiteOutcomes` holds the columns (arrays and the rule
masks of the evaluation, shared, not copied) and builds the :class:`SiteOutcome` records on
the first read; a saved ranking's records are given as they are.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, overload

import numpy as np

from siting.results.ranking_parts import SiteOutcome

__all__ = ["OutcomeColumns", "SiteOutcomes"]


@dataclass(frozen=True)
class OutcomeColumns:
    """What the site outcomes of one ranking are built from (one entry per site).

    Attributes
    ----------
    site_ids, names, municipalities, provinces, lons, lats, location_kinds
        Which site and where (WGS84 [degree]).
    ranked
        Positions of the recommended sites, best first.
    feasible, unverified
        Per site: passes every rule; feasible only because some facts are unknown.
    utility
        Per site: the weighted score in [0, 1] (unrounded).
    rule_ok, rule_unknown
        Per rule, per site: the rule lets the site through; its fact is unknown.
    rule_labels
        Per rule: its readable name.
    """

    site_ids: Sequence[str]
    names: Sequence[str]
    municipalities: Sequence[str]
    provinces: Sequence[str]
    lons: Sequence[float]
    lats: Sequence[float]
    location_kinds: Sequence[str]
    ranked: tuple[int, ...]
    feasible: np.ndarray
    unverified: np.ndarray
    utility: np.ndarray
    rule_ok: tuple[np.ndarray, ...]
    rule_unknown: tuple[np.ndarray, ...]
    rule_labels: tuple[str, ...]


class SiteOutcomes(Sequence[SiteOutcome]):
    """The outcome of every candidate site (a read-only sequence of :class:`SiteOutcome`).

    Built from :class:`OutcomeColumns` on the first read of a record (its length is known
    without building), or from records given (a saved ranking). Equal to another of these,
    a tuple or a list of the same records.

    Parameters
    ----------
    source
        The columns to build from, or the records themselves.
    """

    __slots__ = ("_columns", "_records")

    def __init__(self, source: OutcomeColumns | Sequence[SiteOutcome] = ()) -> None:
        self._columns: OutcomeColumns | None = None
        self._records: tuple[SiteOutcome, ...] | None = None
        if isinstance(source, OutcomeColumns):
            self._columns = source
        else:
            self._records = tuple(source)

    @property
    def records(self) -> tuple[SiteOutcome, ...]:
        """Every record, in site-table order (built on the first call)."""
        records = self._records
        if records is None:
            # built from columns that are kept: two readers at once build the same records
            assert self._columns is not None
            records = self._records = _build(self._columns)
        return records

    def __len__(self) -> int:
        if self._columns is not None:
            return len(self._columns.site_ids)
        assert self._records is not None
        return len(self._records)

    @overload
    def __getitem__(self, index: int) -> SiteOutcome: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[SiteOutcome, ...]: ...

    def __getitem__(self, index: int | slice) -> SiteOutcome | tuple[SiteOutcome, ...]:
        return self.records[index]

    def __iter__(self) -> Iterator[SiteOutcome]:
        return iter(self.records)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SiteOutcomes):
            return self.records == other.records
        if isinstance(other, tuple | list):
            return self.records == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to tuples, so not hashable

    def __repr__(self) -> str:
        built = "built" if self._records is not None else "not built yet"
        return f"<SiteOutcomes: {len(self)} sites, {built}>"

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as its records (the columns hold the evaluation's arrays)
        return (SiteOutcomes, (self.records,))


def _build(cols: OutcomeColumns) -> tuple[SiteOutcome, ...]:
    """Return the records: recommended, feasible or excluded, the failing and unknown rules."""
    n = len(cols.site_ids)
    rank_of = np.zeros(n, dtype=int)
    ranked = list(cols.ranked)
    rank_of[ranked] = np.arange(1, len(ranked) + 1)
    # per site a bit mask of the failing / unknown rules; the few distinct masks become labels
    fail_bits = np.zeros(n, dtype=np.int64)
    unknown_bits = np.zeros(n, dtype=np.int64)
    for bit, (ok, unknown) in enumerate(zip(cols.rule_ok, cols.rule_unknown, strict=True)):
        # a rule fails where the data say so, or where its fact is unknown and the profile
        # requires it verified (then it is listed as unknown too)
        fail_bits |= (~ok).astype(np.int64) << bit
        unknown_bits |= unknown.astype(np.int64) << bit
    labels = cols.rule_labels

    def names(mask: int) -> tuple[str, ...]:
        return tuple(label for bit, label in enumerate(labels) if mask >> bit & 1)

    fail_names = {m: names(m) for m in np.unique(fail_bits).tolist()}
    unknown_names = {m: names(m) for m in np.unique(unknown_bits).tolist()}
    outcome = np.where(rank_of > 0, "recommended", np.where(cols.feasible, "feasible", "excluded"))
    rank_or_none = [r or None for r in rank_of.tolist()]
    columns = zip(
        cols.site_ids,
        cols.names,
        cols.municipalities,
        cols.provinces,
        cols.lons,
        cols.lats,
        outcome.tolist(),
        rank_or_none,
        np.round(cols.utility, 4).tolist(),
        cols.unverified.tolist(),
        [fail_names[m] for m in fail_bits.tolist()],
        [unknown_names[m] for m in unknown_bits.tolist()],
        cols.location_kinds,
        strict=True,
    )
    # positional, in the field order of SiteOutcome (thousands of sites: no keyword calls,
    # and tuple.__new__ directly: SiteOutcome._make only adds a length check, which zip's
    # fixed 13 columns make sure of)
    return tuple(map(partial(tuple.__new__, SiteOutcome), columns))
