"""Choosing a two-site configuration: an R&D site near a matching campus and a production site.

The model is :class:`TwoSiteModel`; its results, input checks and the brute-force reference
:func:`pairs_by_enumeration` are in :mod:`siting.model.two_site_pairs` (re-exported here).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from siting.model.rows import (
    HardConstraint,
    check_top_k,
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
from siting.model.two_site_pairs import (
    PairSolution,
    RankedPair,
    check_pair_inputs,
    empty_pairs,
    make_pair,
    pairs_by_enumeration,
)

__all__ = ["PairSolution", "RankedPair", "TwoSiteModel", "pairs_by_enumeration"]


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

        y_i = 0 \quad \forall i \notin F^R, \qquad z_j = 0 \quad \forall j \notin F^P, \qquad
        y_r + z_p \le 1 \quad \forall (r, p) \in S, \qquad y, z \in \{0, 1\}^n,

    .. math::

        F^R = \{\, i : v^R_{ki} \lozenge_k b_k \;\; \forall k \in K^R \,\}, \qquad
        F^P = \{\, j : v^P_{kj} \lozenge_k b_k \;\; \forall k \in K^P \,\}.

    The distance rows say that if :math:`i` is the R&D site, the production site is another
    site within :math:`D` of it (a ``NaN`` distance counts as too far). The objective is
    :math:`n^2` times the quantised total utility :math:`q^R_r + q^P_p` plus a term in
    :math:`[0, n^2 - 1]` that prefers the alphabetically first R&D id, then the first
    production id, so the optimal pair is unique. Top-k pairs: no-good cuts
    :math:`y_r + z_p \le 1` for the pairs :math:`S` already ranked (one solve per pair: pairs
    are not separable, so the single-site model's choose-k-at-once does not carry over).

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
    :math:`F^R, F^P`       sites that satisfy :math:`K^R` / :math:`K^P`               [-]
    :math:`S`              pairs ranked by earlier solves                             [-]
    =====================  =========================================================  ======

    **Pre-filter (exact).** Each hard constraint is a condition on the chosen R&D (or
    production) site's own value, so, as in :class:`SiteChoiceModel`, the constraint rows are
    replaced by leaving out the columns :math:`y_i` of sites outside :math:`F^R` and
    :math:`z_j` outside :math:`F^P` (a ``NaN`` value fails): the MILP has
    :math:`|F^R| + |F^P|` columns, and its ``different`` and distance rows run over them only.
    An empty :math:`F^R` or :math:`F^P` needs no solve (status ``"infeasible"``).

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
        ) = check_pair_inputs(
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

    def role_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the sites that satisfy the R&D constraints, and those of production.

        Returns
        -------
        tuple of numpy.ndarray
            Site indices :math:`F^R` and :math:`F^P`, ascending (``NaN`` values fail).
        """
        n = self.n_sites
        return (
            np.flatnonzero(feasible_mask(self.constraints_rnd, n)),
            np.flatnonzero(feasible_mask(self.constraints_prod, n)),
        )

    def linear_model(self, *, excluded: Sequence[tuple[int, int]] = ()) -> LinearModel:
        """Build the MILP over the feasible columns, with no-good cuts for ``excluded``.

        Parameters
        ----------
        excluded
            ``(rnd_index, prod_index)`` site pairs that may not be chosen again.

        Returns
        -------
        LinearModel
            Variables ``y[i]`` for the sites of :math:`F^R` (in :meth:`role_columns` order),
            then ``z[j]`` for those of :math:`F^P`.
        """
        cols_r, cols_p = self.role_columns()
        nr, npr = cols_r.size, cols_p.size
        ys, zs = np.arange(nr), nr + np.arange(npr)
        z_of = {int(j): nr + k for k, j in enumerate(cols_p)}  # site -> its z variable
        y_of = {int(i): k for k, i in enumerate(cols_r)}
        rows = [
            Row("one_rnd_site", ys, np.ones(nr), "==", 1.0),
            Row("one_prod_site", zs, np.ones(npr), "==", 1.0),
        ]
        rows += [
            Row(
                f"different:{self.site_ids[i]}", np.array([y_of[i], z_of[i]]), np.ones(2), "<=", 1.0
            )
            for i in map(int, cols_r)
            if i in z_of
        ]
        near = within_distance(self.distance_km, self.max_distance_km)[np.ix_(cols_r, cols_p)]
        for k, i in enumerate(cols_r):
            js = nr + np.flatnonzero(near[k])
            rows.append(
                Row(
                    f"distance:{self.site_ids[i]}",
                    np.concatenate(([k], js)),
                    np.concatenate(([1.0], -np.ones(js.size))),
                    "<=",
                    0.0,
                )
            )
        rows += [
            Row(
                f"no_good:{self.site_ids[r]}+{self.site_ids[p]}",
                np.array([y_of[r], z_of[p]]),
                np.ones(2),
                "<=",
                1.0,
            )
            for r, p in excluded
        ]
        c_r, c_p = self.objective_coefficients()
        return LinearModel(
            n_vars=nr + npr,
            var_names=tuple(f"y[{self.site_ids[i]}]" for i in cols_r)
            + tuple(f"z[{self.site_ids[j]}]" for j in cols_p),
            c=np.concatenate((c_r[cols_r], c_p[cols_p])),
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
        cols_r, cols_p = self.role_columns()
        if n < 2 or cols_r.size == 0 or cols_p.size == 0:
            return empty_pairs(name)
        ranking: list[RankedPair] = []
        outcomes: list[SolveOutcome] = []
        for _ in range(min(top_k, n * (n - 1))):
            model = self.linear_model(excluded=[(p.rnd_index, p.prod_index) for p in ranking])
            outcome = solve_milp(model, solver=name, time_limit_s=limit)
            outcomes.append(outcome)
            if outcome.x is None:
                break
            ranking.append(
                self._ranked(outcome.x, cols_r, cols_p, outcome.status, len(ranking) + 1)
            )
        first = outcomes[0]  # at least one solve
        return PairSolution(
            status=first.status,
            ranking=tuple(ranking),
            objective=ranking[0].utility if ranking else math.nan,
            gap=first.gap,
            solve_time_s=sum(o.solve_time_s for o in outcomes),
            solver=name,
            n_solves=len(outcomes),
        )

    def _ranked(
        self, x: np.ndarray, cols_r: np.ndarray, cols_p: np.ndarray, status: str, rank: int
    ) -> RankedPair:
        """Return the pair a solve's 0/1 vector ``x`` (``y`` then ``z``) chose, at ``rank``."""
        r = int(cols_r[single_choice(x[: cols_r.size], "y")])
        p = int(cols_p[single_choice(x[cols_r.size :], "z")])
        return make_pair(
            self.site_ids,
            self.utility_rnd,
            self.utility_prod,
            self.distance_km,
            rank,
            r,
            p,
            status,
        )
