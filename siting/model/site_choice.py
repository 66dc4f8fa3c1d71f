r"""Choosing sites for one company: one lead site, or an R&D site plus a production site.

Both models take arrays (one entry per candidate site): the utility of each site, computed
elsewhere as a weighted sum of normalised criteria, and the hard constraints as per-site
values with a sense and a right-hand side. ``.solve()`` builds a pure-binary MILP, hands it to
:func:`siting.model.solvers.solve_milp` and returns a frozen result; the model object is not
changed.

**Determinism.** Utilities are compared at a resolution of :math:`10^{-6}`: they are quantised
to integers :math:`q = \operatorname{round}(10^6 u)` (rounded half to even), and the integer
objective carries a tie-break on the site ids (alphabetical, as Python's :func:`sorted` orders
strings), so the optimum is unique and every backend, and the brute-force reference, returns
the same ranking.

**Unknown values.** A ``NaN`` constraint value means the fact is unknown; the site then fails
that constraint (a site is only recommended when it is known to satisfy every constraint).
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from siting.model.solvers import (
    SENSES,
    LinearModel,
    Row,
    SolveOutcome,
    check_solver,
    check_time_limit,
    solve_milp,
)

#: Utilities are quantised to integer multiples of this resolution [-].
UTILITY_RESOLUTION: float = 1e-6

#: Largest objective coefficient (in quantised units) the models accept: integers up to this
#: are exact in float64 (which has 2**53) and survive PuLP's MPS file for CBC, which carries
#: 13 significant digits.
MAX_OBJECTIVE_COEFFICIENT: int = 10**12

#: Name of the brute-force "solver" in the results of the enumeration references.
ENUMERATION = "enumeration"


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


@dataclass(frozen=True)
class RankedSite:
    """One site in a ranking.

    Parameters
    ----------
    rank
        1 for the best site.
    index
        Position of the site in the model's arrays.
    site_id
        Its id.
    utility
        Its utility :math:`u_i` [-] (not quantised).
    status
        Status of the solve that chose it (``"optimal"``, or ``"feasible"`` when that solve
        stopped at the time limit).
    """

    rank: int
    index: int
    site_id: str
    utility: float
    status: str


@dataclass(frozen=True)
class RankingSolution:
    """Result of :meth:`SiteChoiceModel.solve` (and of :func:`rank_by_enumeration`).

    Parameters
    ----------
    status
        Status of the first solve: ``"optimal"``, ``"feasible"``, ``"infeasible"`` (no site
        satisfies the constraints; the ranking is empty), ``"no_solution_in_time"`` or
        ``"error"``.
    ranking
        The best sites, best first; fewer than ``top_k`` when fewer sites are feasible.
    objective
        Utility of the best site [-]; ``nan`` when there is none.
    gap
        Relative MIP gap of the first solve [-]; 0.0 when optimal, ``nan`` when unknown.
    solve_time_s
        Total wall time of all solves [s].
    solver
        Backend name (``"enumeration"`` for the brute-force reference).
    n_solves
        Number of MILP solves (0 for the enumeration).
    """

    status: str
    ranking: tuple[RankedSite, ...]
    objective: float
    gap: float
    solve_time_s: float
    solver: str
    n_solves: int

    @property
    def site_ids(self) -> tuple[str, ...]:
        """The ranked site ids, best first."""
        return tuple(r.site_id for r in self.ranking)


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


class SiteChoiceModel:
    r"""Choose the best site for one company, and the next best ones (top-k).

    .. math::

        \max_{x} \; \sum_{i=1}^{n} c_i x_i, \qquad
        c_i = q_i\, n + (n - 1 - \rho_i), \qquad
        q_i = \operatorname{round}(10^6\, u_i)

    .. math::

        \text{s.t.} \quad \sum_{i=1}^{n} x_i = 1, \qquad
        \sum_{i=1}^{n} v_{ki}\, x_i \;\lozenge_k\; b_k \quad \forall k \in K, \qquad
        x_j = 0 \quad \forall j \in S, \qquad x_i \in \{0, 1\}.

    Because exactly one :math:`x_i` is 1, each row :math:`k` says that the chosen site
    satisfies :math:`v_{ki} \lozenge_k b_k`. The row enters the MILP in the equivalent form
    :math:`\sum_i a_{ki} x_i \ge 0` with :math:`a_{ki} = +1` where site :math:`i` satisfies
    constraint :math:`k` and :math:`-1` where it does not or where :math:`v_{ki}` is ``NaN``
    (unknown) (:meth:`HardConstraint.indicator_values`): exact, and numerically benign for
    every backend.
    Since :math:`0 \le n - 1 - \rho_i \le n - 1 < n`, the optimum has the highest :math:`q_i`
    and, among equal ones, the alphabetically first site id: it is unique.

    Top-k: the problem is solved again with a no-good cut :math:`x_j = 0` for every site
    :math:`j \in S` already ranked, until :math:`k` sites are ranked or the problem is
    infeasible.

    =====================  =========================================================  ======
    Symbol                 Meaning                                                    Unit
    =====================  =========================================================  ======
    :math:`n`              number of candidate sites                                  [-]
    :math:`x_i`            1 if site :math:`i` is chosen                              [-]
    :math:`u_i`            utility of site :math:`i`, in :math:`[0, 1]`               [-]
    :math:`q_i`            quantised utility (resolution :math:`10^{-6}`)             [-]
    :math:`\rho_i`         position of the site id in ``sorted(site_ids)``            [-]
    :math:`c_i`            integer objective coefficient                              [-]
    :math:`v_{ki}`         value of constrained quantity :math:`k` at site :math:`i`  [unit]
    :math:`\lozenge_k`     sense of constraint :math:`k`: :math:`\ge, \le, =`         [-]
    :math:`b_k`            bound of constraint :math:`k`                              [unit]
    :math:`S`              sites ranked by earlier solves                             [-]
    =====================  =========================================================  ======

    Parameters
    ----------
    site_ids
        Unique site ids, one per candidate (converted to ``str``).
    utility
        Utility per site, shape ``(n,)``, finite, normally in :math:`[0, 1]` [-].
    constraints
        Hard constraints, each with ``n`` values.

    Raises
    ------
    ValueError
        For mismatched shapes, duplicate ids, non-finite utilities, or an instance so large
        that the integer objective would exceed :data:`MAX_OBJECTIVE_COEFFICIENT`.

    See Also
    --------
    rank_by_enumeration : the brute-force reference (exact and fast for this model).
    """

    def __init__(
        self,
        site_ids: Sequence[str],
        utility: np.ndarray,
        constraints: Sequence[HardConstraint] = (),
    ) -> None:
        self.site_ids, self.utility, self.constraints = _check_inputs(
            site_ids, utility, constraints, "utility"
        )
        n = len(self.site_ids)
        q = _quantise(self.utility)
        bound = n * (int(np.abs(q).max(initial=0)) + 1)
        if bound > MAX_OBJECTIVE_COEFFICIENT:
            raise ValueError(
                f"{n} sites are too many for an exact integer objective "
                f"({bound:.3g} > {MAX_OBJECTIVE_COEFFICIENT:.0e}); pre-filter the candidates"
            )

    @property
    def n_sites(self) -> int:
        """Number of candidate sites :math:`n`."""
        return len(self.site_ids)

    def objective_coefficients(self) -> np.ndarray:
        r"""Return the integer objective :math:`c_i = q_i n + (n - 1 - \rho_i)`.

        Returns
        -------
        numpy.ndarray
            Float array of integral values, shape ``(n,)``.
        """
        n = self.n_sites
        q = _quantise(self.utility)
        return (q * n + (n - 1 - _id_ranks(self.site_ids))).astype(np.float64)

    def linear_model(self, *, excluded: Sequence[int] = ()) -> LinearModel:
        """Build the MILP, with no-good cuts for the sites in ``excluded``.

        Parameters
        ----------
        excluded
            Indices of sites that may not be chosen (already ranked).

        Returns
        -------
        LinearModel
            Variables ``x[i]`` named by site id.
        """
        n = self.n_sites
        all_i = np.arange(n)
        rows = [Row("choose_one", all_i, np.ones(n), "==", 1.0)]
        rows += [
            Row(f"constraint:{hc.name}", all_i, hc.indicator_values(), ">=", 0.0)
            for hc in self.constraints
        ]
        rows += [Row(f"no_good:{self.site_ids[j]}", [j], [1.0], "<=", 0.0) for j in excluded]
        return LinearModel(
            n_vars=n,
            var_names=tuple(f"x[{s}]" for s in self.site_ids),
            c=self.objective_coefficients(),
            rows=tuple(rows),
        )

    def solve(
        self,
        *,
        solver: str | None = None,
        time_limit_s: float | None = None,
        top_k: int = 1,
    ) -> RankingSolution:
        """Rank the best ``top_k`` sites by successive solves with no-good cuts.

        Parameters
        ----------
        solver
            ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default
            :data:`siting.settings.default_solver`.
        time_limit_s
            Time limit per solve [s]; default :data:`siting.settings.time_limit_s`.
        top_k
            How many sites to rank (>= 1).

        Returns
        -------
        RankingSolution
            The ranking; empty, with status ``"infeasible"``, when no site qualifies.
        """
        name = check_solver(solver)
        limit = check_time_limit(time_limit_s)
        top_k = _check_top_k(top_k)
        ranking: list[RankedSite] = []
        outcomes: list[SolveOutcome] = []
        if self.n_sites == 0:
            return _empty_ranking(name)
        for _ in range(min(top_k, self.n_sites)):
            model = self.linear_model(excluded=[r.index for r in ranking])
            outcome = solve_milp(model, solver=name, time_limit_s=limit)
            outcomes.append(outcome)
            if outcome.x is None:
                break
            i = _single_choice(outcome.x, "x")
            ranking.append(
                RankedSite(
                    rank=len(ranking) + 1,
                    index=i,
                    site_id=self.site_ids[i],
                    utility=float(self.utility[i]),
                    status=outcome.status,
                )
            )
        first = outcomes[0]
        return RankingSolution(
            status=first.status,
            ranking=tuple(ranking),
            objective=ranking[0].utility if ranking else math.nan,
            gap=first.gap,
            solve_time_s=sum(o.solve_time_s for o in outcomes),
            solver=name,
            n_solves=len(outcomes),
        )


def rank_by_enumeration(
    site_ids: Sequence[str],
    utility: np.ndarray,
    constraints: Sequence[HardConstraint] = (),
    *,
    top_k: int = 1,
) -> RankingSolution:
    """Rank sites by brute force, with the quantisation and tie rule of :class:`SiteChoiceModel`.

    The single-site problem is separable: each site is feasible or not on its own, and its
    objective term does not depend on the others. Filtering the feasible sites and sorting
    them by (quantised utility descending, site id ascending) is therefore exact, and it is
    the fastest exact method for this model; it serves as the reference in the tests.

    Parameters
    ----------
    site_ids
        Unique site ids.
    utility
        Utility per site, shape ``(n,)`` [-].
    constraints
        Hard constraints (``NaN`` values fail).
    top_k
        How many sites to rank (>= 1).

    Returns
    -------
    RankingSolution
        Status ``"optimal"``, or ``"infeasible"`` with an empty ranking; ``solver`` is
        ``"enumeration"`` and ``n_solves`` 0.
    """
    start = time.perf_counter()
    ids, u, cons = _check_inputs(site_ids, utility, constraints, "utility")
    top_k = _check_top_k(top_k)
    feasible = _feasible(cons, len(ids))
    idx = np.flatnonzero(feasible)
    q = _quantise(u)[idx]
    rho = _id_ranks(ids)[idx]
    order = idx[np.lexsort((rho, -q))][:top_k]
    ranking = tuple(
        RankedSite(rank=k + 1, index=int(i), site_id=ids[i], utility=float(u[i]), status="optimal")
        for k, i in enumerate(order)
    )
    return RankingSolution(
        status="optimal" if ranking else "infeasible",
        ranking=ranking,
        objective=ranking[0].utility if ranking else math.nan,
        gap=0.0 if ranking else math.nan,
        solve_time_s=time.perf_counter() - start,
        solver=ENUMERATION,
        n_solves=0,
    )


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
        tie = n - 1 - _id_ranks(self.site_ids)
        c_r = _quantise(self.utility_rnd) * n * n + tie * n
        c_p = _quantise(self.utility_prod) * n * n + tie
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
            Row(f"different:{s}", [i, n + i], [1.0, 1.0], "<=", 1.0)
            for i, s in enumerate(self.site_ids)
        ]
        near = _within(self.distance_km, self.max_distance_km)
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
            Row(f"no_good:{self.site_ids[r]}+{self.site_ids[p]}", [r, n + p], [1.0, 1.0], "<=", 1.0)
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
        top_k = _check_top_k(top_k)
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
            r = _single_choice(outcome.x[:n], "y")
            p = _single_choice(outcome.x[n:], "z")
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
    top_k = _check_top_k(top_k)
    n = len(ids)
    ok = _feasible(c_r, n)[:, None] & _feasible(c_p, n)[None, :] & _within(d, limit)
    r_idx, p_idx = np.nonzero(ok)
    total = _quantise(u_r)[r_idx] + _quantise(u_p)[p_idx]
    rho = _id_ranks(ids)
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


# --------------------------------------------------------------------------------------------
# helpers


def _quantise(u: np.ndarray) -> np.ndarray:
    r"""Return :math:`\operatorname{round}(10^6 u)` as int64 (half to even)."""
    return np.rint(np.asarray(u, dtype=np.float64) / UTILITY_RESOLUTION).astype(np.int64)


def _id_ranks(site_ids: Sequence[str]) -> np.ndarray:
    """Return the position of each id in ``sorted(site_ids)``."""
    order = sorted(range(len(site_ids)), key=site_ids.__getitem__)
    ranks = np.empty(len(site_ids), dtype=np.int64)
    ranks[order] = np.arange(len(site_ids))
    return ranks


def _feasible(constraints: Sequence[HardConstraint], n: int) -> np.ndarray:
    ok = np.ones(n, dtype=bool)
    for hc in constraints:
        ok &= hc.satisfied()
    return ok


def _within(distance_km: np.ndarray, max_distance_km: float) -> np.ndarray:
    """Pairs of different sites at most ``max_distance_km`` apart (``NaN`` is not)."""
    with np.errstate(invalid="ignore"):
        near = distance_km <= max_distance_km
    np.fill_diagonal(near, False)
    return near


def _check_top_k(top_k: int) -> int:
    if isinstance(top_k, bool) or not isinstance(top_k, int | np.integer) or top_k < 1:
        raise ValueError(f"top_k must be a positive integer, got {top_k!r}")
    return int(top_k)


def _single_choice(x: np.ndarray, name: str) -> int:
    chosen = np.flatnonzero(x)
    if chosen.size != 1:
        raise RuntimeError(f"the solver returned {chosen.size} chosen {name} variables, not 1")
    return int(chosen[0])


def _check_utility(utility: np.ndarray, n: int, label: str) -> np.ndarray:
    u = np.asarray(utility, dtype=np.float64).ravel().copy()
    if u.shape != (n,):
        raise ValueError(f"{label} has {u.size} entries for {n} sites")
    if not np.all(np.isfinite(u)):
        raise ValueError(f"{label} must be finite")
    u.setflags(write=False)
    return u


def _check_constraints(constraints: Sequence[HardConstraint], n: int) -> tuple[HardConstraint, ...]:
    cons = tuple(constraints)
    for hc in cons:
        if not isinstance(hc, HardConstraint):
            raise TypeError(f"constraints must be HardConstraint objects, got {type(hc).__name__}")
        if hc.values.shape != (n,):
            raise ValueError(f"constraint {hc.name!r} has {hc.values.size} values for {n} sites")
    return cons


def _check_ids(site_ids: Sequence[str]) -> tuple[str, ...]:
    ids = tuple(str(s) for s in site_ids)
    if len(set(ids)) != len(ids):
        dup = sorted(s for s, k in Counter(ids).items() if k > 1)
        raise ValueError(f"site ids must be unique; repeated: {', '.join(dup[:5])}")
    return ids


def _check_inputs(
    site_ids: Sequence[str],
    utility: np.ndarray,
    constraints: Sequence[HardConstraint],
    label: str,
) -> tuple[tuple[str, ...], np.ndarray, tuple[HardConstraint, ...]]:
    ids = _check_ids(site_ids)
    return ids, _check_utility(utility, len(ids), label), _check_constraints(constraints, len(ids))


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
    ids = _check_ids(site_ids)
    n = len(ids)
    u_r = _check_utility(utility_rnd, n, "utility_rnd")
    u_p = _check_utility(utility_prod, n, "utility_prod")
    c_r = _check_constraints(constraints_rnd, n)
    c_p = _check_constraints(constraints_prod, n)
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
    q_max = int(np.abs(_quantise(u_r)).max(initial=0) + np.abs(_quantise(u_p)).max(initial=0))
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


def _empty_ranking(solver: str) -> RankingSolution:
    return RankingSolution("infeasible", (), math.nan, math.nan, 0.0, solver, 0)


def _empty_pairs(solver: str) -> PairSolution:
    return PairSolution("infeasible", (), math.nan, math.nan, 0.0, solver, 0)
