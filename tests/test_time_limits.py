"""Time limits hold: every backend stops near its limit and says what it had by then.

Synthetic instances only; no timing assertions beyond "it returned and says it was stopped"
(the machine may be loaded). A backend that ignores its own limit is simulated by handing it
an hour (``backends.common.remaining`` patched), so only the hard limit of
:mod:`siting.model.isolation` can stop it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from siting import settings
from siting.model import solvers
from siting.model.assignment import AssignmentModel
from siting.model.backends import common
from siting.model.isolation import can_isolate, run_with_deadline, should_isolate
from siting.model.names import SOLVERS
from siting.model.solvers import LinearModel, Row, solve_milp

pytestmark = pytest.mark.skipif(not can_isolate(), reason="needs fork (POSIX)")


def hard_knapsack(n: int = 400, k: int = 30, seed: int = 1) -> LinearModel:
    """A multi-dimensional 0/1 knapsack no backend proves optimal in a fraction of a second."""
    rng = np.random.default_rng(seed)
    rows = [
        Row(f"k{i}", np.arange(n), rng.integers(20, 60, n).astype(float), "<=", 2000.0)
        for i in range(k)
    ]
    return LinearModel(n, tuple(f"x{j}" for j in range(n)), rng.integers(50, 100, n), rows)


@pytest.fixture
def runaway(monkeypatch: pytest.MonkeyPatch) -> None:
    """Backends get an hour whatever their limit; the hard limit is 1.5 s past it."""
    monkeypatch.setattr(common, "remaining", lambda deadline: 3600.0)
    monkeypatch.setattr(settings, "solver_isolation", "always")
    monkeypatch.setattr(settings, "solver_margin_s", 1.5)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("isolation", ["never", "always"])
def test_a_tiny_limit_returns_without_a_proof(
    solver: str, isolation: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "solver_isolation", isolation)
    model = hard_knapsack()
    out = solve_milp(model, solver=solver, time_limit_s=0.05, start=np.zeros(model.n_vars))
    assert out.status in ("feasible", "no_solution_in_time")
    if out.x is not None:
        assert not solvers._broken_rows(model.rows, out.x)
        assert out.objective == pytest.approx(float(model.c @ out.x))


@pytest.mark.usefixtures("runaway")
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_backend_past_its_limit_is_stopped_and_reports_its_incumbent(solver: str) -> None:
    model = hard_knapsack()
    out = solve_milp(model, solver=solver, time_limit_s=0.2, start=np.zeros(model.n_vars))
    assert out.stopped
    # HiGHS and CP-SAT report each improving solution through the pipe; CBC hands over its
    # best on SIGINT, unless the machine is so loaded that it had not started by then
    allowed = ("feasible", "no_solution_in_time") if solver == "cbc" else ("feasible",)
    assert out.status in allowed
    if out.x is not None:
        assert not solvers._broken_rows(model.rows, out.x)
        assert out.objective == pytest.approx(float(model.c @ out.x))


def test_the_isolated_answer_is_the_in_process_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    model = hard_knapsack(n=25, k=3, seed=4)
    answers = []
    for mode in ("never", "always"):
        monkeypatch.setattr(settings, "solver_isolation", mode)
        out = solve_milp(model, solver="highs", time_limit_s=30)
        assert out.status == "optimal" and not out.stopped
        answers.append(out.objective)
    assert answers[0] == answers[1]


def test_a_failing_child_is_an_error_not_a_hang() -> None:
    def boom(report: object) -> object:
        raise RuntimeError("solver crashed")

    import time

    out = run_with_deadline(boom, deadline=time.perf_counter() + 30)
    assert out.value is None and not out.stopped
    assert out.error is not None and "solver crashed" in out.error


def test_isolation_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "solver_isolation", "auto")
    assert not should_isolate(10, 10)
    assert should_isolate(settings.solver_isolation_min_size, 0)
    monkeypatch.setattr(settings, "solver_isolation", "sometimes")
    with pytest.raises(ValueError, match="solver_isolation"):
        should_isolate(10, 10)


def crowded_portfolio(n_leads: int = 60, n_sites: int = 12, seed: int = 2) -> AssignmentModel:
    """Leads competing for small plots: many feasible pairs, binding site capacities."""
    rng = np.random.default_rng(seed)
    pairs = [(lead, s) for lead in range(n_leads) for s in range(n_sites) if rng.random() < 0.7]
    return AssignmentModel(
        [f"L{i:03d}" for i in range(n_leads)],
        [f"S{j:02d}" for j in range(n_sites)],
        pairs,
        rng.uniform(0.1, 1.0, len(pairs)),
        lead_weight=np.ones(n_leads),
        land_ha=rng.uniform(0.5, 3.0, n_leads),
        power_mw=np.zeros(n_leads),
        site_capacity_ha=rng.uniform(3.0, 6.0, n_sites),
        site_zone=np.full(n_sites, -1),
        zone_headroom_mw=[],
    )


@pytest.mark.usefixtures("runaway")
@pytest.mark.parametrize("solver", SOLVERS)
def test_a_stopped_assignment_says_so_and_keeps_a_feasible_answer(solver: str) -> None:
    model = crowded_portfolio()
    sol = model.solve(solver=solver, time_limit_s=0.2, capacity_values=False)
    assert sol.stopped
    assert sol.status == "feasible"
    assert "stopped" in sol.status_note
    assert sol.n_placed > 0
    # what it had: the greedy start at least, with a finite gap to the bound of every lead
    # at its best site
    assert math.isfinite(sol.gap) and sol.gap >= 0.0
    greedy = model.greedy_assignment(keep=model.kept_pairs())
    assert sol.fit_int >= round(float(model._q @ greedy))
    assert np.all(np.asarray(sol.site_used_ha) <= model.site_capacity_ha + 1e-6)
