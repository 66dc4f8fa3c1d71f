"""Stage 1 from the LP relaxation: feasible answers, true gaps against a valid bound."""

from __future__ import annotations

import numpy as np
import pytest

from siting import settings
from siting.model.assignment import AssignmentModel
from siting.model.assignment import relaxation as rx
from siting.model.assignment.capacity_rows import capacities
from siting.model.assignment.heuristics import kept_pairs
from siting.model.assignment.milp import linear_model
from siting.model.backends.common import drop_empty_rows


def random_model(seed: int, n_leads: int = 40, n_sites: int = 12) -> AssignmentModel:
    """A crowded random instance: sites of known and unknown area, MW zones and regions."""
    rng = np.random.default_rng(seed)
    pairs = [(lead, s) for lead in range(n_leads) for s in range(n_sites) if rng.random() < 0.5]
    area = rng.uniform(2.0, 12.0, n_sites)
    area[rng.random(n_sites) < 0.2] = np.nan  # unknown area: one lead at most
    return AssignmentModel(
        [f"L{k:03d}" for k in range(n_leads)],
        [f"S{k:03d}" for k in range(n_sites)],
        pairs,
        rng.uniform(0.1, 1.0, len(pairs)),
        lead_weight=rng.choice([0.5, 1.0, 2.0], n_leads),
        land_ha=rng.uniform(0.5, 5.0, n_leads),
        power_mw=rng.uniform(0.0, 8.0, n_leads),
        site_capacity_ha=area,
        site_zone=rng.integers(-1, 3, n_sites),
        zone_headroom_mw=[15.0, 20.0, 12.0],
        site_region=rng.integers(0, 2, n_sites),
        region_capacity_fte=[300.0, 250.0],
        talent_fte=rng.uniform(10.0, 80.0, n_leads),
    )


def assert_feasible(model: AssignmentModel, chosen: tuple[int, ...]) -> None:
    """Check an assignment against every row, independently of the solver's own check."""
    x = np.zeros(model.n_pairs)
    x[list(chosen)] = 1
    per_lead = np.bincount(model.pairs[:, 0], weights=x, minlength=len(model.lead_ids))
    assert per_lead.max(initial=0) <= 1
    for cap in capacities(model):
        assert cap.coefs @ x[cap.pairs] <= cap.rhs + 1e-6, cap.name


@pytest.fixture
def relaxation_always(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "assignment_relaxation", "always")


def exact_fit(model: AssignmentModel, monkeypatch: pytest.MonkeyPatch) -> int:
    with monkeypatch.context() as m:
        m.setattr(settings, "assignment_relaxation", "never")
        sol = model.solve(solver="cbc", capacity_values=False)
    assert sol.status == "optimal"
    return sol.fit_int


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("gap_rel", [0.002, 0.05])
@pytest.mark.parametrize("mode", ["always", "never"])
def test_answer_at_a_gap_is_feasible_and_its_gap_is_true(
    seed: int, gap_rel: float, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = random_model(seed)
    optimum = exact_fit(model, monkeypatch)
    monkeypatch.setattr(settings, "assignment_relaxation", mode)
    sol = model.solve(solver="cbc", capacity_values=False, gap_rel=gap_rel)
    assert sol.status in ("optimal", "within_gap", "feasible")
    assert_feasible(model, sol.chosen_pairs)
    # the reported gap is against a valid bound: the optimum is at most that far above
    assert optimum >= sol.fit_int
    assert (optimum - sol.fit_int) / max(1, sol.fit_int) <= sol.gap + 1e-12
    if sol.status == "within_gap":
        assert sol.gap <= gap_rel
        assert optimum <= sol.fit_int * (1 + gap_rel) + 1e-6
    if sol.status == "optimal":
        assert sol.fit_int == optimum


@pytest.mark.parametrize("seed", range(6))
def test_dual_bound_is_valid_for_any_duals_and_tight_for_the_lp_ones(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = random_model(seed)
    optimum = exact_fit(model, monkeypatch)
    keep = kept_pairs(model)
    lm = linear_model(model, keep=keep)
    rows, _ = drop_empty_rows(lm.rows)
    solved = rx.lp_relaxation(lm, rows, deadline=float("inf"))
    assert solved is not None
    values, bound = solved
    assert bound >= optimum
    # the LP solution's own value: the bound from the LP duals meets it (strong duality)
    assert bound == pytest.approx(float(lm.c @ values), rel=1e-6)
    rng = np.random.default_rng(seed)
    for _ in range(5):
        assert rx.dual_bound(lm, rows, rng.uniform(-1e5, 1e5, len(rows))) >= bound - 1e-6


def test_integral_part_drops_the_least_fit_lead_of_a_row_a_tolerance_overflows() -> None:
    # two leads of 4 ha on a 7.999999 ha site both at (almost) 1 in an LP answer
    model = AssignmentModel(
        ["a", "b"],
        ["s"],
        [(0, 0), (1, 0)],
        [0.9, 0.4],
        [1, 1],
        [4.0, 4.0],
        [0, 0],
        [7.9999],
        [-1],
        [],
    )
    x = rx.integral_part(model, np.array([1.0, 1.0 - 1e-7]), capacities(model))
    assert x.tolist() == [1, 0]


def test_the_relaxation_path_is_said_in_the_note(
    relaxation_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = random_model(3)
    # a gap the rounding meets at once: the relaxation answers, no MILP of the whole model
    sol = model.solve(solver="cbc", capacity_values=False, gap_rel=0.3)
    assert sol.status == "within_gap"
    assert sol.tie_break_status == "skipped"
    assert "bound of the LP relaxation" in sol.status_note
    # unplaced leads keep their reasons on this path too
    unplaced = [lead for lead, site in sol.assignment.items() if site is None]
    assert set(unplaced) <= set(sol.reasons)


def test_auto_takes_the_relaxation_only_with_a_gap_on_a_large_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = random_model(0)
    keep = kept_pairs(model)
    assert not rx.applies(model, keep, 0.005)  # small: the MILP alone
    monkeypatch.setattr(settings, "relaxation_min_pairs", 1)
    assert rx.applies(model, keep, 0.005)
    assert not rx.applies(model, keep, 0.0)  # an exact solve never starts from it
    monkeypatch.setattr(settings, "assignment_relaxation", "sometimes")
    with pytest.raises(ValueError, match="assignment_relaxation"):
        rx.applies(model, keep, 0.005)
