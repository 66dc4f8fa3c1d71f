"""The two-site ranking's results, its input checks and the brute-force reference."""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from siting.model.rows import (
    ENUMERATION,
    MAX_OBJECTIVE_COEFFICIENT,
    HardConstraint,
    check_constraints,
    check_ids,
    check_top_k,
    check_utility,
    feasible_mask,
    id_ranks,
    quantise,
    within_distance,
)


@dataclass(frozen=True)
class RankedPair:
    """One R&D + production pair in a ranking.

    Parameters
    ----------
    rank
        1 for the best pair.
    rnd_index, prod_index
        Positions of the R&D and the production site in the model's arrays.
    rnd_id, prod_id
        Their ids.
    utility
        :math:`u^R_r + u^P_p` [-] (not quantised).
    distance_km
        Distance between the two sites [km].
    status
        Status of the solve that chose the pair.
    """

    rank: int
    rnd_index: int
    prod_index: int
    rnd_id: str
    prod_id: str
    utility: float
    distance_km: float
    status: str


@dataclass(frozen=True)
class PairSolution:
    """Result of :meth:`TwoSiteModel.solve` (and of :func:`pairs_by_enumeration`).

    Parameters
    ----------
    status
        Status of the first solve (see :class:`RankingSolution`); ``"infeasible"`` when no
        pair satisfies the constraints.
    ranking
        The best pairs, best first.
    objective
        :math:`u^R_r + u^P_p` of the best pair [-]; ``nan`` when there is none.
    gap
        Relative MIP gap of the first solve [-].
    solve_time_s
        Total wall time of all solves [s].
    solver
        Backend name (``"enumeration"`` for the brute-force reference).
    n_solves
        Number of MILP solves (0 for the enumeration).
    """

    status: str
    ranking: tuple[RankedPair, ...]
    objective: float
    gap: float
    solve_time_s: float
    solver: str
    n_solves: int


def pairs_by_enumeration(
    site_ids: Sequence[str],
    utility_rnd: np.ndarray,
    utility_prod: np.ndarray,
    constraints_rnd: Sequence[HardConstraint],
    constraints_prod: Sequence[HardConstraint],
    distance_km: np.ndarray,
    max_distance_km: float,
    *,
    top_k: int = 1,
) -> PairSolution:
    """Rank (R&D, production) pairs by brute force over all :math:`n(n-1)` ordered pairs.

    Same quantisation and tie rule as :class:`TwoSiteModel`: pairs are sorted by quantised
    total utility descending, then R&D id ascending, then production id ascending.

    Parameters
    ----------
    site_ids
        Unique site ids.
    utility_rnd, utility_prod
        Utility per site as R&D / as production site, shape ``(n,)`` each [-].
    constraints_rnd, constraints_prod
        Hard constraints on the R&D / on the production site.
    distance_km
        Symmetric distance matrix, shape ``(n, n)`` [km].
    max_distance_km
        Maximum distance between the two sites [km].
    top_k
        How many pairs to rank (>= 1).

    Returns
    -------
    PairSolution
        Status ``"optimal"``, or ``"infeasible"`` with an empty ranking.
    """
    start = time.perf_counter()
    ids, u_r, u_p, c_r, c_p, d, limit = check_pair_inputs(
        site_ids,
        utility_rnd,
        utility_prod,
        constraints_rnd,
        constraints_prod,
        distance_km,
        max_distance_km,
        guard=False,
    )
    ranking = _best_pairs(ids, u_r, u_p, c_r, c_p, d, limit, check_top_k(top_k))
    return PairSolution(
        status="optimal" if ranking else "infeasible",
        ranking=ranking,
        objective=ranking[0].utility if ranking else math.nan,
        gap=0.0 if ranking else math.nan,
        solve_time_s=time.perf_counter() - start,
        solver=ENUMERATION,
        n_solves=0,
    )


def _best_pairs(
    ids: tuple[str, ...],
    u_r: np.ndarray,
    u_p: np.ndarray,
    c_r: tuple[HardConstraint, ...],
    c_p: tuple[HardConstraint, ...],
    d: np.ndarray,
    limit: float,
    top_k: int,
) -> tuple[RankedPair, ...]:
    """Return the ``top_k`` feasible pairs by quantised total utility, R&D id, production id."""
    n = len(ids)
    ok = feasible_mask(c_r, n)[:, None] & feasible_mask(c_p, n)[None, :] & within_distance(d, limit)
    r_idx, p_idx = np.nonzero(ok)
    total = quantise(u_r)[r_idx] + quantise(u_p)[p_idx]
    rho = id_ranks(ids)
    order = np.lexsort((rho[p_idx], rho[r_idx], -total))[:top_k]
    return tuple(
        make_pair(ids, u_r, u_p, d, k + 1, int(r_idx[o]), int(p_idx[o]), "optimal")
        for k, o in enumerate(order)
    )


def check_pair_inputs(
    site_ids: Sequence[str],
    utility_rnd: np.ndarray,
    utility_prod: np.ndarray,
    constraints_rnd: Sequence[HardConstraint],
    constraints_prod: Sequence[HardConstraint],
    distance_km: np.ndarray,
    max_distance_km: float,
    *,
    guard: bool = True,
) -> tuple[
    tuple[str, ...],
    np.ndarray,
    np.ndarray,
    tuple[HardConstraint, ...],
    tuple[HardConstraint, ...],
    np.ndarray,
    float,
]:
    """Validate the inputs of the two-site model; return them as checked arrays and tuples.

    ``guard`` raises for an instance whose integer objective would be too large (the MILP's
    limit; the enumeration has none).
    """
    ids = check_ids(site_ids)
    n = len(ids)
    u_r = check_utility(utility_rnd, n, "utility_rnd")
    u_p = check_utility(utility_prod, n, "utility_prod")
    c_r = check_constraints(constraints_rnd, n)
    c_p = check_constraints(constraints_prod, n)
    d = np.array(distance_km, dtype=np.float64)
    if d.shape != (n, n):
        raise ValueError(f"distance_km has shape {d.shape}, expected ({n}, {n})")
    if (d < 0).any() or np.isinf(d).any():
        raise ValueError("distance_km must be finite and >= 0 (NaN for unknown)")
    if not np.allclose(d, d.T, rtol=1e-9, atol=1e-9, equal_nan=True):
        raise ValueError("distance_km must be symmetric")
    d.setflags(write=False)
    limit = float(max_distance_km)
    if math.isnan(limit) or limit < 0:
        raise ValueError(f"max_distance_km must be >= 0, got {max_distance_km!r}")
    q_max = int(np.abs(quantise(u_r)).max(initial=0) + np.abs(quantise(u_p)).max(initial=0))
    bound = n * n * (q_max + 1)
    if guard and bound > MAX_OBJECTIVE_COEFFICIENT:
        raise ValueError(
            f"{n} sites are too many for an exact integer objective of the two-site model "
            f"({bound:.3g} > {MAX_OBJECTIVE_COEFFICIENT:.0e}); pre-filter the candidates "
            "(e.g. drop sites failing both roles' constraints) or use pairs_by_enumeration"
        )
    return ids, u_r, u_p, c_r, c_p, d, limit


def make_pair(
    ids: tuple[str, ...],
    u_r: np.ndarray,
    u_p: np.ndarray,
    d: np.ndarray,
    rank: int,
    r: int,
    p: int,
    status: str,
) -> RankedPair:
    """Return the :class:`RankedPair` of R&D site ``r`` and production site ``p``."""
    return RankedPair(
        rank=rank,
        rnd_index=r,
        prod_index=p,
        rnd_id=ids[r],
        prod_id=ids[p],
        utility=float(u_r[r] + u_p[p]),
        distance_km=float(d[r, p]),
        status=status,
    )


def empty_pairs(solver: str) -> PairSolution:
    """Return the empty ranking of an instance with fewer than two sites."""
    return PairSolution("infeasible", (), math.nan, math.nan, 0.0, solver, 0)
