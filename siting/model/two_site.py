"""Choosing a two-site configuration: an R&D site near a matching campus and a production site."""

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
    single_choice,
    within_distance,
)
from siting.model.solvers import (
    LinearModel,
    Row,
    SolveOutcome,
    check_solver,
    check_time_limit,
    solve_milp,
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


class TwoSiteModel:
    r"""Choose an R&D site and a different production site within a maximum distance.

    .. math::

        \max_{y, z} \; \sum_{i=1}^{n} c^R_i y_i + \sum_{j=1}^{n} c^P_j z_j, \qquad
        c^R_i = q^R_i n^2 + (n - 1 - \rho_i)\, n, \qquad
        c^P_j = q^P_j n^2 + (n - 1 - \rho_j)

    .. math::

        \text{s.t.} \quad \sum_i y_i = 1, \qquad \sum_j z_j = 1, \qquad
        y_i + z_i \le 1 \quad \forall i, \qquad
        y_i \le \sum_{j \ne i,\; d_{ij} \le D} z_j \quad \forall i,

    .. math::

        \sum_i v^R_{ki} y_i \;\lozenge_k\; b_k \quad \forall k \in K^R, \qquad
        \sum_j v^P_{kj} z_j \;\lozenge_k\; b_k \quad \forall k \in K^P, \qquad
        y_r + z_p \le 1 \quad \forall (r, p) \in S, \qquad y, z \in \{0, 1\}^n.

    The distance rows say that if :math:`i` is the R&D site, the production site is another
    site within :math:`D` of it (a ``NaN`` distance counts as too far). The objective is
    :math:`n^2` times the quantised total utility :math:`q^R_r + q^P_p` plus a term in
    :math:`[0, n^2 - 1]` that prefers the alphabetically first R&D id, then the first
    production id, so the optimal pair is unique. Constraint rows and ``NaN`` values work as in
    :class:`SiteChoiceModel`. Top-k pairs: no-good cuts :math:`y_r + z_p \le 1` for the
    pairs :math:`S` already ranked.

    =====================  =========================================================  ======
    Symbol                 Meaning                                                    Unit
    =====================  =========================================================  ======
    :math:`n`              number of candidate sites                                  [-]
    :math:`y_i`            1 if site :math:`i` hosts R&D                              [-]
    :math:`z_j`            1 if site :math:`j` hosts production                       [-]
    :math:`u^R_i, u^P_j`   utility of a site for R&D / for production                 [-]
    :math:`q^R_i, q^P_j`   quantised utilities, :math:`\operatorname{round}(10^6 u)`  [-]
    :math:`\rho_i`         position of the site id in ``sorted(site_ids)``            [-]
    :math:`d_{ij}`         distance between sites :math:`i` and :math:`j`             [km]
    :math:`D`              maximum distance between the two sites                     [km]
    :math:`v_{ki}, b_k`    constrained value at site :math:`i` and its bound          [unit]
    :math:`K^R, K^P`       constraints on the R&D site / on the production site       [-]
    :math:`S`              pairs ranked by earlier solves                             [-]
    =====================  =========================================================  ======

    As in :class:`SiteChoiceModel`, each constraint row enters the MILP as
    :math:`\sum_i a_{ki} y_i \ge 0` (or over :math:`z`) with :math:`a_{ki} = \pm 1` for a site
    that satisfies / fails (or has an unknown value for) constraint :math:`k`.

    Parameters
    ----------
    site_ids
        Unique site ids, one per candidate.
    utility_rnd
        Utility of each site as the R&D site, shape ``(n,)`` [-].
    utility_prod
        Utility of each site as the production site, shape ``(n,)`` [-].
    constraints_rnd
        Hard constraints on the R&D site.
    constraints_prod
        Hard constraints on the production site.
    distance_km
        Symmetric distance matrix, shape ``(n, n)`` [km]; ``NaN`` means unknown (too far).
    max_distance_km
        Maximum distance between the R&D and the production site [km].

    Raises
    ------
    ValueError
        For mismatched shapes, duplicate ids, an asymmetric or negative distance matrix, or
        an instance so large that the integer objective would exceed
        :data:`MAX_OBJECTIVE_COEFFICIENT` (pre-filter the candidates).

    See Also
    --------
    pairs_by_enumeration : the brute-force reference.
    """

    def __init__(
        self,
        site_ids: Sequence[str],
        utility_rnd: np.ndarray,
        utility_prod: np.ndarray,
        constraints_rnd: Sequence[HardConstraint],
        constraints_prod: Sequence[HardConstraint],
        distance_km: np.ndarray,
        max_distance_km: float,
    ) -> None:
        (
            self.site_ids,
            self.utility_rnd,
            self.utility_prod,
            self.constraints_rnd,
            self.constraints_prod,
            self.distance_km,
            self.max_distance_km,
        ) = _check_pair_inputs(
            site_ids,
            utility_rnd,
            utility_prod,
            constraints_rnd,
            constraints_prod,
            distance_km,
            max_distance_km,
        )

    @property
    def n_sites(self) -> int:
        """Number of candidate sites :math:`n`."""
        return len(self.site_ids)

    def objective_coefficients(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the integer objective coefficients :math:`(c^R, c^P)`.

        Returns
        -------
        tuple of numpy.ndarray
            Two float arrays of integral values, shape ``(n,)`` each.
        """
        n = self.n_sites
        tie = n - 1 - id_ranks(self.site_ids)
        c_r = quantise(self.utility_rnd) * n * n + tie * n
        c_p = quantise(self.utility_prod) * n * n + tie
        return c_r.astype(np.float64), c_p.astype(np.float64)

    def linear_model(self, *, excluded: Sequence[tuple[int, int]] = ()) -> LinearModel:
        """Build the MILP, with no-good cuts for the pairs in ``excluded``.

        Parameters
        ----------
        excluded
            ``(rnd_index, prod_index)`` pairs that may not be chosen again.

        Returns
        -------
        LinearModel
            Variables ``y[i]`` (indices ``0..n-1``) then ``z[j]`` (indices ``n..2n-1``).
        """
        n = self.n_sites
        ys = np.arange(n)
        zs = n + ys
        rows = [
            Row("one_rnd_site", ys, np.ones(n), "==", 1.0),
            Row("one_prod_site", zs, np.ones(n), "==", 1.0),
        ]
        rows += [
            Row(f"different:{s}", np.array([i, n + i]), np.ones(2), "<=", 1.0)
            for i, s in enumerate(self.site_ids)
        ]
        near = within_distance(self.distance_km, self.max_distance_km)
        for i, s in enumerate(self.site_ids):
            js = np.flatnonzero(near[i])
            rows.append(
                Row(
                    f"distance:{s}",
                    np.concatenate(([i], n + js)),
                    np.concatenate(([1.0], -np.ones(js.size))),
                    "<=",
                    0.0,
                )
            )
        for role, offset, cons in (
            ("rnd", 0, self.constraints_rnd),
            ("prod", n, self.constraints_prod),
        ):
            rows += [
                Row(f"{role}:{hc.name}", offset + ys, hc.indicator_values(), ">=", 0.0)
                for hc in cons
            ]
        rows += [
            Row(
                f"no_good:{self.site_ids[r]}+{self.site_ids[p]}",
                np.array([r, n + p]),
                np.ones(2),
                "<=",
                1.0,
            )
            for r, p in excluded
        ]
        c_r, c_p = self.objective_coefficients()
        return LinearModel(
            n_vars=2 * n,
            var_names=tuple(f"y[{s}]" for s in self.site_ids)
            + tuple(f"z[{s}]" for s in self.site_ids),
            c=np.concatenate((c_r, c_p)),
            rows=tuple(rows),
        )

    def solve(
        self,
        *,
        solver: str | None = None,
        time_limit_s: float | None = None,
        top_k: int = 1,
    ) -> PairSolution:
        """Rank the best ``top_k`` (R&D, production) pairs by successive solves.

        Parameters
        ----------
        solver
            ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default
            :data:`siting.settings.default_solver`.
        time_limit_s
            Time limit per solve [s]; default :data:`siting.settings.time_limit_s`.
        top_k
            How many pairs to rank (>= 1).

        Returns
        -------
        PairSolution
            The ranking; empty, with status ``"infeasible"``, when no pair qualifies.
        """
        name = check_solver(solver)
        limit = check_time_limit(time_limit_s)
        top_k = check_top_k(top_k)
        n = self.n_sites
        if n < 2:
            return _empty_pairs(name)
        ranking: list[RankedPair] = []
        outcomes: list[SolveOutcome] = []
        for _ in range(min(top_k, n * (n - 1))):
            model = self.linear_model(excluded=[(p.rnd_index, p.prod_index) for p in ranking])
            outcome = solve_milp(model, solver=name, time_limit_s=limit)
            outcomes.append(outcome)
            if outcome.x is None:
                break
            r = single_choice(outcome.x[:n], "y")
            p = single_choice(outcome.x[n:], "z")
            ranking.append(
                _make_pair(
                    self.site_ids,
                    self.utility_rnd,
                    self.utility_prod,
                    self.distance_km,
                    len(ranking) + 1,
                    r,
                    p,
                    outcome.status,
                )
            )
        first = outcomes[0]
        return PairSolution(
            status=first.status,
            ranking=tuple(ranking),
            objective=ranking[0].utility if ranking else math.nan,
            gap=first.gap,
            solve_time_s=sum(o.solve_time_s for o in outcomes),
            solver=name,
            n_solves=len(outcomes),
        )


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
    ids, u_r, u_p, c_r, c_p, d, limit = _check_pair_inputs(
        site_ids,
        utility_rnd,
        utility_prod,
        constraints_rnd,
        constraints_prod,
        distance_km,
        max_distance_km,
        guard=False,
    )
    top_k = check_top_k(top_k)
    n = len(ids)
    ok = feasible_mask(c_r, n)[:, None] & feasible_mask(c_p, n)[None, :] & within_distance(d, limit)
    r_idx, p_idx = np.nonzero(ok)
    total = quantise(u_r)[r_idx] + quantise(u_p)[p_idx]
    rho = id_ranks(ids)
    order = np.lexsort((rho[p_idx], rho[r_idx], -total))[:top_k]
    ranking = tuple(
        _make_pair(ids, u_r, u_p, d, k + 1, int(r_idx[o]), int(p_idx[o]), "optimal")
        for k, o in enumerate(order)
    )
    return PairSolution(
        status="optimal" if ranking else "infeasible",
        ranking=ranking,
        objective=ranking[0].utility if ranking else math.nan,
        gap=0.0 if ranking else math.nan,
        solve_time_s=time.perf_counter() - start,
        solver=ENUMERATION,
        n_solves=0,
    )


def _check_pair_inputs(
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


def _make_pair(
    ids: tuple[str, ...],
    u_r: np.ndarray,
    u_p: np.ndarray,
    d: np.ndarray,
    rank: int,
    r: int,
    p: int,
    status: str,
) -> RankedPair:
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


def _empty_pairs(solver: str) -> PairSolution:
    return PairSolution("infeasible", (), math.nan, math.nan, 0.0, solver, 0)
