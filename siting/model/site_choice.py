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
    single_choice,
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
        self.site_ids, self.utility, self.constraints = check_inputs(
            site_ids, utility, constraints, "utility"
        )
        n = len(self.site_ids)
        q = quantise(self.utility)
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
        q = quantise(self.utility)
        return (q * n + (n - 1 - id_ranks(self.site_ids))).astype(np.float64)

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
        rows += [
            Row(f"no_good:{self.site_ids[j]}", np.array([j]), np.ones(1), "<=", 0.0)
            for j in excluded
        ]
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
        top_k = check_top_k(top_k)
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
            i = single_choice(outcome.x, "x")
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
