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

**Unknown values.** At this level a ``NaN`` constraint value fails its constraint (a site is
only chosen when it is known to satisfy every row it is given). Whether an unknown *fact*
passes is decided before the rows reach the model: :func:`siting.jobs.rank.constraint_rows`
takes the slacks of :meth:`siting.criteria.evaluated.Evaluation.model_slacks`, where a rule
that accepts unknown facts (the profile's ``allow_unknown`` and ``verify``,
:attr:`~siting.criteria.evaluated.ConstraintEvaluation.accept_unknown`) has its unknown slacks
set to 0, which passes; the other rules keep ``NaN``, which fails.
"""

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
    best_sites,
    check_inputs,
    check_top_k,
    feasible_mask,
    id_ranks,
    quantise,
)
from siting.model.solvers import (
    LinearModel,
    Row,
    check_solver,
    check_time_limit,
    solve_milp,
)


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
        Status of the solve: ``"optimal"``, ``"feasible"`` (stopped at the time limit with a
        solution), ``"infeasible"`` (no site satisfies the constraints; the ranking is
        empty), ``"no_solution_in_time"`` or ``"error"`` (both with an empty ranking).
    ranking
        The best sites, best first; fewer than ``top_k`` when fewer sites are feasible.
    objective
        Utility of the best site [-]; ``nan`` when there is none.
    gap
        Relative MIP gap of the solve [-]; 0.0 when optimal, ``nan`` when unknown.
    solve_time_s
        Wall time of the solve [s].
    solver
        Backend name (``"enumeration"`` for the brute-force reference).
    n_solves
        Number of MILP solves: 1, or 0 for the enumeration and when no site is feasible.
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


class SiteChoiceModel:
    r"""Choose the best site for one company, and the next best ones (top-k), in one solve.

    .. math::

        \max_{x} \; \sum_{i \in F} c'_i x_i, \qquad
        c'_i = c_i - \min_{j \in F} c_j + 1, \qquad
        c_i = q_i\, n + (n - 1 - \rho_i), \qquad
        q_i = \operatorname{round}(10^6\, u_i)

    .. math::

        \text{s.t.} \quad \sum_{i \in F} x_i \le k, \qquad x_i \in \{0, 1\}, \qquad
        F = \{\, i : v_{ki} \lozenge_k b_k \;\; \forall k \in K \,\}.

    **Pre-filter (exact).** The single-site problem is separable: each hard constraint
    :math:`k` is a condition on the chosen site's own value :math:`v_{ki}`, never on the
    other sites. A site outside :math:`F` (it fails a constraint, or its value is ``NaN``:
    unknown) can never be chosen, so its column is left out (:math:`x_i = 0` fixed), and
    every site in :math:`F` satisfies every constraint, so the constraint rows hold for any
    choice among :math:`F` and are not needed. The MILP has :math:`|F|` columns and one row.

    **Top-k in one solve.** Since :math:`0 \le n - 1 - \rho_i \le n - 1 < n`, the
    :math:`c_i` are distinct integers ordered by :math:`q_i` descending, then by site id
    ascending. The shift keeps that order and makes every :math:`c'_i \ge 1`, so an optimum
    chooses as many sites as it may, :math:`\min(k, |F|)`, and these are the sites with the
    largest :math:`c'_i`: the optimum is unique. The chosen sites, ordered by :math:`c_i`
    descending, are the ranking; it is the ranking that :math:`k` successive solves of
    :math:`\max \sum_i c_i x_i` s.t. :math:`\sum_i x_i = 1` with no-good cuts for the sites
    already ranked would give, and that of :func:`rank_by_enumeration`. :math:`F = \emptyset`
    needs no solve: the ranking is empty (status ``"infeasible"``).

    =====================  =========================================================  ======
    Symbol                 Meaning                                                    Unit
    =====================  =========================================================  ======
    :math:`n`              number of candidate sites                                  [-]
    :math:`F`              candidate sites that satisfy every constraint              [-]
    :math:`k`              number of sites to rank (``top_k``)                        [-]
    :math:`x_i`            1 if site :math:`i` is among the :math:`k` chosen          [-]
    :math:`u_i`            utility of site :math:`i`, in :math:`[0, 1]`               [-]
    :math:`q_i`            quantised utility (resolution :math:`10^{-6}`)             [-]
    :math:`\rho_i`         position of the site id in ``sorted(site_ids)``            [-]
    :math:`c_i`            integer ranking coefficient                                [-]
    :math:`c'_i`           integer objective coefficient, :math:`\ge 1`               [-]
    :math:`v_{ki}`         value of constrained quantity :math:`k` at site :math:`i`  [unit]
    :math:`\lozenge_k`     sense of constraint :math:`k`: :math:`\ge, \le, =`         [-]
    :math:`b_k`            bound of constraint :math:`k`                              [unit]
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
        self.site_ids, self.utility, self.constraints = check_inputs(
            site_ids, utility, constraints, "utility"
        )
        n = len(self.site_ids)
        q = quantise(self.utility)
        # bounds |c_i| and max c'_i <= (max q - min q + 1) n
        spread = max(int(np.abs(q).max(initial=0)), int(np.ptp(q)) if n else 0)
        bound = n * (spread + 1)
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
        r"""Return the integer ranking coefficients :math:`c_i = q_i n + (n - 1 - \rho_i)`.

        Returns
        -------
        numpy.ndarray
            Float array of integral values, shape ``(n,)``.
        """
        n = self.n_sites
        q = quantise(self.utility)
        return (q * n + (n - 1 - id_ranks(self.site_ids))).astype(np.float64)

    def feasible_sites(self) -> np.ndarray:
        """Return the indices of the sites that satisfy every constraint (the set :math:`F`).

        Returns
        -------
        numpy.ndarray
            Site indices, ascending; a ``NaN`` value fails its constraint.
        """
        return np.flatnonzero(feasible_mask(self.constraints, self.n_sites))

    def linear_model(self, *, top_k: int = 1) -> LinearModel:
        """Build the MILP over the feasible sites: choose at most ``top_k`` of them.

        Parameters
        ----------
        top_k
            How many sites to choose (>= 1).

        Returns
        -------
        LinearModel
            Variable ``j`` is site ``feasible_sites()[j]``, named ``x[site id]``; no variables
            when no site is feasible.
        """
        top_k = check_top_k(top_k)
        columns = self.feasible_sites()
        c = self.objective_coefficients()[columns]
        if columns.size:
            c = c - c.min() + 1.0
        rows = (
            Row("choose_at_most_k", np.arange(columns.size), np.ones(columns.size), "<=", top_k),
        )
        return LinearModel(
            n_vars=int(columns.size),
            var_names=tuple(f"x[{self.site_ids[i]}]" for i in columns),
            c=c,
            rows=rows,
        )

    def solve(
        self,
        *,
        solver: str | None = None,
        time_limit_s: float | None = None,
        top_k: int = 1,
    ) -> RankingSolution:
        """Rank the best ``top_k`` sites with one solve of :meth:`linear_model`.

        Parameters
        ----------
        solver
            ``"cbc"``, ``"highs"`` or ``"cp-sat"``; default
            :data:`siting.settings.default_solver`.
        time_limit_s
            Time limit of the solve [s]; default :data:`siting.settings.time_limit_s`.
        top_k
            How many sites to rank (>= 1).

        Returns
        -------
        RankingSolution
            The ranking; empty, with status ``"infeasible"`` and no solve, when no site
            qualifies. A solve stopped at the time limit (status ``"feasible"``) ranks the
            sites it had chosen by then, which need not be the best ones.
        """
        name = check_solver(solver)
        limit = check_time_limit(time_limit_s)
        top_k = check_top_k(top_k)
        columns = self.feasible_sites()
        if columns.size == 0:
            return _empty_ranking(name)
        outcome = solve_milp(self.linear_model(top_k=top_k), solver=name, time_limit_s=limit)
        chosen = columns[np.flatnonzero(outcome.x)] if outcome.x is not None else columns[:0]
        if chosen.size > top_k:
            raise RuntimeError(f"the solver chose {chosen.size} sites, more than {top_k}")
        order = chosen[np.argsort(-self.objective_coefficients()[chosen], kind="stable")]
        ranking = tuple(
            RankedSite(
                rank=k + 1,
                index=int(i),
                site_id=self.site_ids[i],
                utility=float(self.utility[i]),
                status=outcome.status,
            )
            for k, i in enumerate(order)
        )
        return RankingSolution(
            status=outcome.status,
            ranking=ranking,
            objective=ranking[0].utility if ranking else math.nan,
            gap=outcome.gap,
            solve_time_s=outcome.solve_time_s,
            solver=name,
            n_solves=1,
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
    ids, u, cons = check_inputs(site_ids, utility, constraints, "utility")
    top_k = check_top_k(top_k)
    feasible = feasible_mask(cons, len(ids))
    order = best_sites(u[None, :], feasible[None, :], id_ranks(ids), top_k)[0]
    order = order[order >= 0]
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


# --------------------------------------------------------------------------------------------
# helpers


def _empty_ranking(solver: str) -> RankingSolution:
    return RankingSolution("infeasible", (), math.nan, math.nan, 0.0, solver, 0)
