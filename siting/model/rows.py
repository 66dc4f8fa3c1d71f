"""Per-site hard constraints as model rows, and the array checks the site-choice models share."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from siting.model.names import ENUMERATION as ENUMERATION  # re-exported for the models
from siting.model.solvers import (
    SENSES,
)

#: Utilities are quantised to integer multiples of this resolution [-].
UTILITY_RESOLUTION: float = 1e-6


#: Largest objective coefficient (in quantised units) the models accept: integers up to this
#: are exact in float64 (which has 2**53) and survive PuLP's MPS file for CBC, which carries
#: 13 significant digits.
MAX_OBJECTIVE_COEFFICIENT: int = 10**12


@dataclass(frozen=True, eq=False)
class HardConstraint:
    r"""A per-site hard constraint: the chosen site :math:`i` must satisfy ``values[i] sense rhs``.

    Parameters
    ----------
    name
        What is constrained, for reports (e.g. ``"available_ha"``).
    values
        The constrained quantity per site, shape ``(n,)``, in the constraint's own unit
        (e.g. [ha], [MW], [km], a year); ``NaN`` means unknown and fails the constraint.
    sense
        ``">="``, ``"<="`` or ``"=="``.
    rhs
        The bound, in the unit of ``values``.
    """

    name: str
    values: np.ndarray
    sense: Literal[">=", "<=", "=="]
    rhs: float

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64).ravel().copy()
        if np.isinf(values).any():
            raise ValueError(f"constraint {self.name!r}: values must be finite or NaN")
        if self.sense not in SENSES:
            raise ValueError(f"constraint {self.name!r}: sense {self.sense!r} not in {SENSES}")
        rhs = float(self.rhs)
        if not math.isfinite(rhs):
            raise ValueError(f"constraint {self.name!r}: rhs must be finite")
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "rhs", rhs)

    def satisfied(self) -> np.ndarray:
        """Return which sites satisfy the constraint (``NaN`` values do not).

        Returns
        -------
        numpy.ndarray
            Boolean array, shape ``(n,)``.
        """
        with np.errstate(invalid="ignore"):
            if self.sense == ">=":
                return self.values >= self.rhs
            if self.sense == "<=":
                return self.values <= self.rhs
            return self.values == self.rhs

    def indicator_values(self) -> np.ndarray:
        """Return +1 where a site satisfies the constraint and -1 where not (or unknown).

        With exactly one site chosen, the row ``sum_i a_i x_i >= 0`` over these values says the
        same as the raw row: the chosen site satisfies the constraint. The models use this
        form: it is exact and numerically trivial, whereas raw values spanning many orders of
        magnitude (e.g. 1e-3 to 1e6) made CBC return wrong optima.

        Returns
        -------
        numpy.ndarray
            Values in {-1, +1}, shape ``(n,)``.
        """
        return np.where(self.satisfied(), 1.0, -1.0)

    def row_values(self) -> np.ndarray:
        r"""Return the values as they enter the MILP row: ``NaN`` replaced by a violating value.

        The replacement is :math:`b - \max(1, |b|)` for ``>=`` and :math:`b + \max(1, |b|)`
        for ``<=`` and ``==``: it violates the row by at least 1 (far beyond any solver
        tolerance) and is a decimal of the same precision as :math:`b` (so CP-SAT's scaling
        to integers still works).

        Returns
        -------
        numpy.ndarray
            Finite values, shape ``(n,)``.
        """
        margin = max(1.0, abs(self.rhs))
        fill = self.rhs - margin if self.sense == ">=" else self.rhs + margin
        return np.where(np.isnan(self.values), fill, self.values)


def quantise(u: np.ndarray) -> np.ndarray:
    r"""Return :math:`\operatorname{round}(10^6 u)` as int64 (half to even)."""
    return np.rint(np.asarray(u, dtype=np.float64) / UTILITY_RESOLUTION).astype(np.int64)


#: id of a tuple of site ids -> (that tuple, the positions of its ids in the sorted ids):
#: the site ids of a site table are one tuple, shared by every evaluation on the table.
_ID_RANKS: dict[int, tuple[tuple[str, ...], np.ndarray]] = {}


def id_ranks(site_ids: Sequence[str]) -> np.ndarray:
    """Return the position of each id in ``sorted(site_ids)`` (read-only; remembered for tuples)."""
    if isinstance(site_ids, tuple):
        hit = _ID_RANKS.get(id(site_ids))
        if hit is not None and hit[0] is site_ids:
            return hit[1]
    order = sorted(range(len(site_ids)), key=site_ids.__getitem__)
    ranks = np.empty(len(site_ids), dtype=np.int64)
    ranks[order] = np.arange(len(site_ids))
    ranks.setflags(write=False)
    if isinstance(site_ids, tuple):
        if len(_ID_RANKS) >= 8:
            _ID_RANKS.pop(next(iter(_ID_RANKS)))
        _ID_RANKS[id(site_ids)] = (site_ids, ranks)
    return ranks


def best_sites(
    utility: np.ndarray, feasible: np.ndarray, id_rank: np.ndarray, top_k: int
) -> np.ndarray:
    """Return each row's best feasible sites in the enumeration's order (:func:`best_cells`).

    Parameters
    ----------
    utility, feasible
        ``(L, N)`` utilities [-] and which sites pass every rule.
    id_rank
        ``(N,)`` position of each site id in the sorted ids (:func:`id_ranks`; ids unique).
    top_k
        Sites to return per row (>= 1).

    Returns
    -------
    numpy.ndarray
        ``(L, min(top_k, N))`` site indices, best first; -1 past a row's feasible sites.
    """
    rows, sites = np.nonzero(feasible)
    n_rows, n = feasible.shape
    return best_cells(rows, sites, utility[rows, sites], id_rank, top_k, shape=(n_rows, n))


def best_cells(
    rows: np.ndarray,
    sites: np.ndarray,
    utility: np.ndarray,
    id_rank: np.ndarray,
    top_k: int,
    *,
    shape: tuple[int, int],
) -> np.ndarray:
    """Return each row's best sites among some feasible cells: the ranking core.

    The order of :func:`siting.model.site_choice.rank_by_enumeration` and of the screening's
    batches: quantised utility (:func:`quantise`) descending, then site id ascending.

    Parameters
    ----------
    rows, sites
        The feasible cells (row, site index), any order.
    utility
        The utility of each cell [-].
    id_rank
        ``(N,)`` position of each site id in the sorted ids (ids unique).
    top_k
        Sites to return per row (>= 1).
    shape
        ``(L, N)``: rows and sites in all.

    Returns
    -------
    numpy.ndarray
        ``(L, min(top_k, N))`` site indices, best first; -1 past a row's feasible sites.
    """
    n_rows, n = shape
    k = min(top_k, n)
    out = np.full((n_rows, k), -1, dtype=np.int64)
    if k == 0 or not len(rows):
        return out
    order = np.lexsort((id_rank[sites], -quantise(utility), rows))
    rows, sites = rows[order], sites[order]
    first = np.searchsorted(rows, np.arange(n_rows))  # each row's first cell
    place = np.arange(len(rows)) - first[rows]  # rank within the row, from 0
    keep = place < k
    out[rows[keep], place[keep]] = sites[keep]
    return out


def feasible_mask(constraints: Sequence[HardConstraint], n: int) -> np.ndarray:
    """Return which of ``n`` sites satisfy every constraint (an unknown value does not)."""
    ok = np.ones(n, dtype=bool)
    for hc in constraints:
        ok &= hc.satisfied()
    return ok


def within_distance(distance_km: np.ndarray, max_distance_km: float) -> np.ndarray:
    """Pairs of different sites at most ``max_distance_km`` apart (``NaN`` is not)."""
    with np.errstate(invalid="ignore"):
        near = distance_km <= max_distance_km
    np.fill_diagonal(near, False)
    return near


def check_top_k(top_k: int) -> int:
    """Return ``top_k`` as an int; raise ``ValueError`` unless it is a positive integer."""
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    return int(top_k)


def single_choice(x: np.ndarray, name: str) -> int:
    """Return the index of the one chosen variable; raise ``RuntimeError`` otherwise."""
    chosen = np.flatnonzero(x)
    if chosen.size != 1:
        raise RuntimeError(f"the solver returned {chosen.size} chosen {name} variables, not 1")
    return int(chosen[0])


def check_utility(utility: np.ndarray, n: int, label: str) -> np.ndarray:
    """Return the utilities as a read-only float64 array of ``n`` finite values."""
    u = np.asarray(utility, dtype=np.float64).ravel().copy()
    if u.shape != (n,):
        raise ValueError(f"{label} has {u.size} entries for {n} sites")
    if not np.all(np.isfinite(u)):
        raise ValueError(f"{label} must be finite")
    u.setflags(write=False)
    return u


def check_constraints(constraints: Sequence[HardConstraint], n: int) -> tuple[HardConstraint, ...]:
    """Return the constraints as a tuple, each checked to have ``n`` values."""
    cons = tuple(constraints)
    for hc in cons:
        if not isinstance(hc, HardConstraint):
            raise TypeError(f"constraints must be HardConstraint objects, got {type(hc).__name__}")
        if hc.values.shape != (n,):
            raise ValueError(f"constraint {hc.name!r} has {hc.values.size} values for {n} sites")
    return cons


#: id of a tuple of site ids -> that tuple, once checked to hold unique strings.
_CHECKED_IDS: dict[int, tuple[str, ...]] = {}


def check_ids(site_ids: Sequence[str]) -> tuple[str, ...]:
    """Return the site ids as a tuple of unique strings (a tuple of them is returned as is)."""
    if isinstance(site_ids, tuple) and _CHECKED_IDS.get(id(site_ids)) is site_ids:
        return site_ids
    if isinstance(site_ids, tuple) and all(type(s) is str for s in site_ids):
        ids: tuple[str, ...] = site_ids
    else:
        ids = tuple(map(str, site_ids))
    if len(set(ids)) != len(ids):
        dup = sorted(s for s, k in Counter(ids).items() if k > 1)
        raise ValueError(f"site ids must be unique; repeated: {', '.join(dup[:5])}")
    if ids is site_ids:
        if len(_CHECKED_IDS) >= 8:
            _CHECKED_IDS.pop(next(iter(_CHECKED_IDS)))
        _CHECKED_IDS[id(ids)] = ids
    return ids


def check_inputs(
    site_ids: Sequence[str],
    utility: np.ndarray,
    constraints: Sequence[HardConstraint],
    label: str,
) -> tuple[tuple[str, ...], np.ndarray, tuple[HardConstraint, ...]]:
    """Return the checked ids, utilities and constraints of one site-choice problem."""
    ids = check_ids(site_ids)
    return ids, check_utility(utility, len(ids), label), check_constraints(constraints, len(ids))
