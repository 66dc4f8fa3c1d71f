"""Arrays whose rows many leads share, computed once per distinct row (a batch's building blocks).

Leads that share a year, a set of domains, a location or a grid need share a row; the batch
evaluation (:mod:`siting.criteria.batch`) computes such rows once and expands them per lead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from siting._memo import IdentityMemo
from siting.criteria import grid_rule

if TYPE_CHECKING:
    from siting.criteria.lead_params import LeadParams
    from siting.criteria.site_facts import SiteFacts
    from siting.inputs.catalogue import Catalogue


@dataclass(frozen=True)
class _Grouped:
    """An ``(L, N)`` array whose rows repeat: ``rows[group]``, with ``G`` distinct ``rows``.

    Leads that share a year, a set of domains or a location share a row; a criterion of such
    rows is normalised once per distinct row.
    """

    rows: np.ndarray
    group: np.ndarray

    def expand(self) -> np.ndarray:
        """Return the ``(L, N)`` array (a broadcast view when every lead shares one row)."""
        if len(self.rows) == 1:
            return np.broadcast_to(self.rows[0], (len(self.group), self.rows.shape[1]))
        return self.rows[self.group]


class _Cells:
    """An ``(L, N)`` array computed only where it is read.

    ``compute(leads, sites)`` returns the values of the cells ``(leads, sites)`` for index
    arrays that broadcast against each other, element by element: the same operations on the
    same inputs whether a few cells are read (the screening reads the feasible cells) or the
    whole array (:meth:`expand`, computed once), so both give the same values bit for bit.
    :meth:`derive` makes an array of values computed from these (a criterion's scores from
    its raw values): expanded whole, it reads this array's whole values instead of computing
    them again.
    """

    def __init__(
        self, shape: tuple[int, int], compute: Callable[[np.ndarray, np.ndarray], np.ndarray]
    ) -> None:
        self.shape = shape
        self.compute = compute
        self._whole: np.ndarray | None = None
        self._from: tuple[_Cells, _Derived] | None = None

    def derive(self, fn: _Derived) -> _Cells:
        """Return the cells ``fn(values, leads, sites)`` of this array's values."""

        def compute(leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
            return fn(self.compute(leads, sites), leads, sites)

        out = _Cells(self.shape, compute)
        out._from = (self, fn)
        return out

    def expand(self) -> np.ndarray:
        """Return the whole ``(L, N)`` array (computed on the first call)."""
        if self._whole is None:
            n_leads, n = self.shape
            leads, sites = np.arange(n_leads)[:, None], np.arange(n)[None, :]
            if self._from is None:
                values = self.compute(leads, sites)
            else:
                parent, fn = self._from
                values = fn(parent.expand(), leads, sites)
            self._whole = np.broadcast_to(values, self.shape)
        return self._whole

    def at(self, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Return the values of cells ``(leads[k], sites[k])``, shape of the broadcast."""
        shape = np.broadcast_shapes(leads.shape, sites.shape)
        return np.broadcast_to(self.compute(leads, sites), shape)


#: Values of some cells, their leads and sites -> values derived from them, cell by cell.
_Derived = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


class _RowCells(_Cells):
    """:class:`_Cells` that depend on the lead only through its row of ``keys``.

    Read cell by cell they are :class:`_Cells`; expanded whole, each distinct row's values
    over every site are ``compute`` of one of its leads, kept per ``sources`` (the read-only
    site arrays ``compute`` reads), ``what`` (the criterion and its constants) and the row
    itself: a warm ranking, or leads naming the same domains, compute them once. The values
    are those of :meth:`_Cells.expand`: each cell is computed alone by the same operations.

    Parameters
    ----------
    shape, compute
        As :class:`_Cells`.
    group
        ``(L,)``: each lead's row of ``keys`` (every row has a lead).
    keys
        ``(G, K)``: the distinct rows (the lead's domains).
    sources
        The site arrays (or read-only facts) ``compute`` reads, compared by identity.
    what
        What else ``compute`` depends on: the criterion's name and constants (hashable).
    """

    def __init__(
        self,
        shape: tuple[int, int],
        compute: Callable[[np.ndarray, np.ndarray], np.ndarray],
        *,
        group: np.ndarray,
        keys: np.ndarray,
        sources: tuple[object, ...],
        what: tuple[object, ...],
    ) -> None:
        super().__init__(shape, compute)
        self._group = group
        self._keys = keys
        self._sources = sources
        self._what = what

    def expand(self) -> np.ndarray:
        """Return the whole ``(L, N)`` array, each distinct row computed once per sources."""
        if self._whole is None:
            n = self.shape[1]
            lead_of = np.zeros(len(self._keys), dtype=np.int64)
            lead_of[self._group[::-1]] = np.arange(len(self._group) - 1, -1, -1)
            keys = np.ascontiguousarray(self._keys)
            rows = [
                _ROWS.get(
                    self._sources,
                    partial(self._row, int(lead), n),
                    extra=(self._what, keys.dtype.str, keys.shape[1], keys[g].tobytes()),
                )
                for g, lead in enumerate(lead_of.tolist())
            ]
            values = rows[0][None, :] if len(rows) == 1 else np.stack(rows)[self._group]
            self._whole = np.broadcast_to(values, self.shape)
        return self._whole

    def _row(self, lead: int, n: int) -> np.ndarray:
        """Return one lead's values over every site (read-only)."""
        row = np.array(self.compute(np.array([[lead]]), np.arange(n)[None, :])[0])
        row.setflags(write=False)
        return row


#: The rows of :class:`_RowCells` met so far, per site arrays, criterion and row (each entry
#: holds its site arrays: a few tables or scenarios' worth, not every one of a session).
_ROWS: IdentityMemo[np.ndarray] = IdentityMemo(size=32)


_Lazy = _Grouped | _Cells


class _Expanding(Mapping[str, np.ndarray]):
    """Criterion -> ``(L, N)`` values, grouped rows and cells expanded only when read whole.

    :meth:`at` reads some cells without expanding (the screening reads the cells it ranks).
    """

    def __init__(self, values: Mapping[str, np.ndarray | _Lazy]) -> None:
        self._values = dict(values)
        self._expanded: dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._expanded:
            value = self._values[name]
            self._expanded[name] = value.expand() if isinstance(value, _Lazy) else value
        return self._expanded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def at(self, name: str, leads: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """Return the values of cells ``(leads[k], sites[k])``, shape ``leads.shape``."""
        value = self._values[name]
        if isinstance(value, _Grouped):
            return value.rows[value.group[leads], sites]
        if isinstance(value, _Cells):
            return value.at(leads, sites)
        return value[leads, sites]


def cells(
    values: Mapping[str, np.ndarray], name: str, leads: np.ndarray, sites: np.ndarray
) -> np.ndarray:
    """Return ``values[name][leads, sites]``, without expanding grouped rows."""
    if isinstance(values, _Expanding):
        return values.at(name, leads, sites)
    return values[name][leads, sites]


@dataclass(frozen=True)
class _Scored:
    """``(L, N)`` raw values with their scores, computed together (the talent fit)."""

    raw: np.ndarray | _Cells
    score: np.ndarray | _Cells


def _grouped_by(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of ``keys`` (``(L, K)``, first appearance first) and each lead's group."""
    index: dict[bytes, int] = {}
    group = np.fromiter(
        (index.setdefault(row.tobytes(), len(index)) for row in keys),
        dtype=np.int64,
        count=len(keys),
    )
    first = np.zeros(len(index), dtype=np.int64)
    first[group[::-1]] = np.arange(len(keys) - 1, -1, -1)
    return keys[first], group


def _domain_counts(params: LeadParams, facts: SiteFacts) -> tuple[np.ndarray, _Grouped]:
    """Return the distinct domain rows and per site the campus counts in their domains.

    Returns
    -------
    domains
        The distinct rows of :attr:`LeadParams.domains`, ``(G, D)``.
    counts
        Per lead and site: how many of the lead's NTS domains a campus within reach is
        active in (``(G, N)`` rows).
    """
    domains, group = _grouped_by(params.domains)
    # small integers: an integer product is exact and needs no BLAS threads
    counts = domains.astype(np.int64) @ facts.domains.T.astype(np.int64)
    return domains, _Grouped(counts.astype(float), group)


def _origin_km(params: LeadParams, facts: SiteFacts) -> np.ndarray | None:
    """``(L, N)`` straight-line distances from each lead's location [km]; NaN where unknown.

    ``None`` when no lead has a location. Computed once per distinct location.
    """
    origin = params.origin
    if np.isnan(origin[:, 0]).all():
        return None
    points, group = _grouped_by(np.nan_to_num(origin, nan=-np.inf))
    points = np.where(np.isinf(points), np.nan, points)
    # sqrt(dx^2 + dy^2) in place: several times faster than np.hypot, and exact enough for
    # coordinates of at most 1e6 m
    km = np.subtract(facts.xy[:, 0], points[:, 0:1])
    km *= km
    dy = np.subtract(facts.xy[:, 1], points[:, 1:2])
    dy *= dy
    km += dy
    np.sqrt(km, out=km)
    km /= 1e3
    return km if len(points) == len(group) else km[group]


@dataclass(frozen=True)
class _GridRows:
    """The grid rule for the distinct (need, target year, flexible) rows of a batch.

    ``outcome`` has one row per distinct combination (:class:`grid_rule.GridOutcome` on the
    chain sets), ``group`` gives each lead its row and ``large`` says which leads need more
    than the small-connection limit.
    """

    outcome: grid_rule.GridOutcome
    group: np.ndarray
    large: np.ndarray
    power: np.ndarray
    target: np.ndarray


def _grid_rows(params: LeadParams, facts: SiteFacts, catalogue: Catalogue) -> _GridRows:
    power = params.power_mw[:, 0]
    target = params.year[:, 0] + params.max_delay_years[:, 0]
    keys = np.column_stack([power, target, params.flexible[:, 0].astype(float)])
    rows, group = _grouped_by(keys)
    outcome = grid_rule.grid_outcome(facts.grid, rows[:, 0:1], rows[:, 1:2], rows[:, 2:3] > 0)
    return _GridRows(
        outcome=outcome,
        group=group,
        large=power > catalogue.params.small_connection_mw,
        power=rows[:, 0],
        target=rows[:, 1],
    )
