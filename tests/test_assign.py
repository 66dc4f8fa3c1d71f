"""Portfolio assignment: known answers, shared capacities, reasons, value of capacity, MILP =
brute force on every backend, and the data-level constructor and CLI on the embedded data."""

from __future__ import annotations

import csv
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
import typer
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from siting._errors import SitingInputError
from siting.inputs.leads import read_leads
from siting.inputs.profile import Profile, load_profile
from siting.jobs.assign import assign_leads
from siting.model.assignment import (
    AssignmentModel,
    AssignmentSolution,
    format_gap,
    status_note,
)
from siting.model.solvers import SOLVERS
from siting.outputs.tables import write_assignment
from siting.results.assignment import INVALID, PLACED, UNPLACED, AssignmentResult

NAN = math.nan
CASES = Path(__file__).resolve().parents[1] / "models" / "cases"

# ---------------------------------------------------------------- synthetic: known answers


def hand_model(
    *, priority_b: float = 1.0, cap_s1: float = 5.0, extra_lead: bool = False
) -> AssignmentModel:
    """Leads A and B (4 ha each) both prefer s1, which has room for one of them.

    A: s1 0.9, s2 0.5 | B: s1 0.8, s3 0.6 | C (1 ha): s2 0.7 | D (4 ha, optional): s1 0.3.
    """
    leads = ["A", "B", "C"] + (["D"] if extra_lead else [])
    pairs = [(0, 0), (0, 1), (1, 0), (1, 2), (2, 1)] + ([(3, 0)] if extra_lead else [])
    utility = [0.9, 0.5, 0.8, 0.6, 0.7] + ([0.3] if extra_lead else [])
    n = len(leads)
    return AssignmentModel(
        leads,
        ["s1", "s2", "s3"],
        pairs,
        utility,
        lead_weight=[1.0, priority_b, 1.0, 1.0][:n],
        land_ha=[4.0, 4.0, 1.0, 4.0][:n],
        power_mw=np.zeros(n),
        site_capacity_ha=[cap_s1, 10.0, 10.0],
        site_zone=[-1, -1, -1],
        zone_headroom_mw=[],
    )


@pytest.mark.parametrize("solver", SOLVERS)
def test_known_assignment_better_fit_gets_the_contested_site(solver: str) -> None:
    sol = hand_model().solve(solver=solver)
    assert sol.status == "optimal"
    assert sol.gap == 0.0
    assert sol.assignment == {"A": "s1", "B": "s3", "C": "s2"}
    assert sol.objective == pytest.approx(0.9 + 0.6 + 0.7)
    assert sol.site_used_ha == (4.0, 1.0, 4.0)
    assert sol.reasons == {}


@pytest.mark.parametrize("solver", SOLVERS)
def test_priority_rule_gives_the_contested_site_to_the_higher_priority(solver: str) -> None:
    sol = hand_model(priority_b=3.0).solve(solver=solver)
    # B at s1: 3 x 0.8 + 0.5 + 0.7 = 3.6 > A at s1: 0.9 + 3 x 0.6 + 0.7 = 3.4
    assert sol.assignment == {"A": "s2", "B": "s1", "C": "s2"}
    assert sol.objective == pytest.approx(3.6)


@pytest.mark.parametrize("solver", SOLVERS)
def test_lead_that_fits_only_where_capacity_is_taken_stays_unplaced(solver: str) -> None:
    sol = hand_model(extra_lead=True).solve(solver=solver)
    assert sol.assignment["D"] is None
    assert sol.assignment["A"] == "s1"
    reason = sol.reasons["D"]
    assert reason.startswith("its feasible sites are taken: s1 (")
    assert "area: 4 of 5 ha used by A; needs 4 ha" in reason
    (blocker,) = sol.blockers["D"]
    assert blocker.site_id == "s1"
    assert blocker.utility == pytest.approx(0.3)


def test_lead_without_pairs_has_no_feasible_site() -> None:
    model = AssignmentModel(
        ["A", "B"], ["s1"], [(0, 0)], [0.5], [1, 1], [1, 1], [0, 0], [10.0], [-1], []
    )
    sol = model.solve(solver="highs")
    assert sol.assignment == {"A": "s1", "B": None}
    assert sol.reasons == {"B": "no feasible site"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_zone_headroom_is_shared_by_the_sites_of_the_zone(solver: str) -> None:
    # s1 and s2 in zone GM1 (5 MW); s3 in an unconstrained zone; each lead needs 3 MW
    model = AssignmentModel(
        ["A", "B", "C"],
        ["s1", "s2", "s3"],
        pairs=[(0, 0), (1, 1), (1, 2), (2, 1)],
        utility=[0.9, 0.8, 0.2, 0.7],
        lead_weight=[1, 1, 1],
        land_ha=[1, 1, 1],
        power_mw=[3.0, 3.0, 3.0],
        site_capacity_ha=[10, 10, 10],
        site_zone=[0, 0, 1],
        zone_headroom_mw=[5.0, NAN],
        zone_ids=["GM1", "GM2"],
    )
    sol = model.solve(solver=solver)
    assert sol.assignment == {"A": "s1", "B": "s3", "C": None}
    assert sol.zone_used_mw == (3.0, 3.0)
    assert sol.zone_used_mw[0] <= 5.0
    assert "zone GM1 headroom: 3 of 5 MW used by A; needs 3 MW" in sol.reasons["C"]
    (value,) = sol.capacity_values
    assert (value.kind, value.key, value.unit) == ("zone", "GM1", "MW")
    # 6 MW fit A and one more lead in the zone: B at s2 (0.9 + 0.8 = 1.7) or C at s2 with B
    # staying at s3 (0.9 + 0.2 + 0.7 = 1.8): C joins, gain 1.8 - 1.1 = 0.7
    assert value.added_value == pytest.approx(0.7)
    assert value.leads_competing == 2
    assert value.changed_leads == ("C",)


@pytest.mark.parametrize("solver", SOLVERS)
def test_site_with_unknown_capacity_takes_at_most_one_lead(solver: str) -> None:
    model = AssignmentModel(
        ["A", "B"],
        ["s1"],
        [(0, 0), (1, 0)],
        [0.4, 0.6],
        [1, 1],
        [0.5, 0.5],
        [0, 0],
        [NAN],
        [-1],
        [],
    )
    sol = model.solve(solver=solver)
    assert sol.assignment == {"A": None, "B": "s1"}
    assert sol.site_n_leads == (1,)
    assert "area not known, so it takes one lead: taken by B" in sol.reasons["A"]
    assert sol.capacity_values == ()  # no ha to add to an unknown area


@pytest.mark.parametrize("solver", SOLVERS)
def test_one_more_ha_at_the_binding_site_has_the_hand_computed_value(solver: str) -> None:
    sol = hand_model(cap_s1=7.0).solve(solver=solver)
    assert sol.assignment == {"A": "s1", "B": "s3", "C": "s2"}
    (value,) = sol.capacity_values
    assert (value.kind, value.key, value.capacity, value.used) == ("site", "s1", 7.0, 4.0)
    # 8 ha fits A and B at s1: 0.9 + 0.8 + 0.7 = 2.4 instead of 2.2
    assert value.added_value == pytest.approx(0.2)
    assert value.status == "optimal"
    assert value.changed_leads == ("B",)
    # at 5 ha, one more (6) still fits one lead: worth nothing
    (none,) = hand_model().solve(solver=solver).capacity_values
    assert none.added_value == 0.0
    assert "re-solving" in sol.capacity_note


def test_capacity_values_are_capped_and_say_so() -> None:
    sol = hand_model(cap_s1=7.0).solve(solver="highs", max_resolves=0)
    assert sol.capacity_values == ()
    assert "1 further binding row(s) not re-solved" in sol.capacity_note


def test_capacity_values_stop_when_their_time_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    from siting import settings

    monkeypatch.setattr(settings, "capacity_values_min_s", 0.0)
    monkeypatch.setattr(settings, "capacity_values_time_share", 0.0)
    sol = hand_model(cap_s1=7.0).solve(solver="highs")
    assert sol.capacity_values == ()  # the binding row of s1 was left, not valued at 0
    assert "1 binding row(s) not re-solved: the time for the value of capacity" in (
        sol.capacity_note
    )
    monkeypatch.setattr(settings, "capacity_values_min_s", 60.0)
    (value,) = hand_model(cap_s1=7.0).solve(solver="highs").capacity_values
    assert value.added_value == pytest.approx(0.2)


def test_a_stopped_re_solve_reads_as_a_lower_bound() -> None:
    from siting.results.assignment import CapacityLine

    def line(status: str, added: float) -> CapacityLine:
        return CapacityLine("site", "s1", "S1", "ha", 7.0, 4.0, added, 1, status, ())

    assert line("optimal", 0.2).added_text == "0.2000"
    assert line("feasible", 0.2).added_text == ">= 0.2000"
    assert line("feasible", NAN).added_text == "n/a"
    assert not line("within_gap", 0.2).is_lower_bound


def _comparable(sol: AssignmentSolution) -> dict[str, object]:
    return {k: v for k, v in vars(sol).items() if k not in ("solve_time_s", "capacity_time_s")}


@pytest.mark.parametrize("solver", SOLVERS)
def test_identical_inputs_give_identical_outputs(solver: str) -> None:
    # two identical leads compete for two identical sites: ties broken on (lead, site) ids
    model = AssignmentModel(
        ["b", "a"],
        ["y", "x"],
        [(0, 0), (0, 1), (1, 0), (1, 1)],
        [0.5] * 4,
        [1, 1],
        [3, 3],
        [0, 0],
        [3, 3],
        [-1, -1],
        [],
    )
    first, second = model.solve(solver=solver), model.solve(solver=solver)
    assert _comparable(first) == _comparable(second)
    assert first.assignment == {"b": "y", "a": "x"}  # earlier lead gets the earlier site


def test_every_backend_gives_the_same_assignment_on_ties() -> None:
    model = AssignmentModel(
        ["l3", "l1", "l2"],
        ["s2", "s1"],
        [(k, s) for k in range(3) for s in range(2)],
        [0.5] * 6,
        [1, 1, 1],
        [1, 1, 1],
        [0, 0, 0],
        [1, 1],
        [-1, -1],
        [],
    )
    results = {s: model.solve(solver=s).assignment for s in SOLVERS}
    assert results["cbc"] == results["highs"] == results["cp-sat"]
    assert results["cbc"] == {"l3": None, "l1": "s1", "l2": "s2"}


def test_bad_inputs_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        AssignmentModel(["a", "a"], ["s"], [], [], [1, 1], [0, 0], [0, 0], [1], [-1], [])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        AssignmentModel(["a"], ["s"], [(0, 0)], [1.5], [1], [0], [0], [1], [-1], [])
    with pytest.raises(ValueError, match=">= 0"):
        AssignmentModel(["a"], ["s"], [(0, 0)], [0.5], [-1], [0], [0], [1], [-1], [])
    with pytest.raises(ValueError, match="out of range"):
        AssignmentModel(["a"], ["s"], [(0, 1)], [0.5], [1], [0], [0], [1], [-1], [])
    with pytest.raises(ValueError, match="pairs must be unique"):
        AssignmentModel(["a"], ["s"], [(0, 0), (0, 0)], [0.5, 0.5], [1], [0], [0], [1], [-1], [])


# ---------------------------------------------------------------- MILP = brute force


def _random_model(rng: np.random.Generator) -> AssignmentModel:
    n_l, n_s = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    pairs = [(lead, s) for lead in range(n_l) for s in range(n_s) if rng.random() < 0.7]
    cap = rng.choice([2.0, 3.0, 5.0, NAN], size=n_s)
    region_kw = {}
    if rng.random() < 0.5:
        region_kw = {
            "site_region": rng.integers(0, 2, size=n_s),
            "region_capacity_fte": [float(rng.integers(5, 30)), NAN],
            "talent_fte": rng.integers(0, 20, size=n_l).astype(float),
        }
    return AssignmentModel(
        [f"L{k}" for k in rng.permutation(n_l)],
        [f"S{k}" for k in rng.permutation(n_s)],
        pairs,
        np.round(rng.random(len(pairs)), 3),
        rng.choice([0.0, 1.0, 2.0], size=n_l),
        rng.choice([0.0, 1.0, 2.0, 2.5], size=n_l),
        rng.choice([0.0, 1.0, 3.0], size=n_l),
        cap,
        rng.integers(-1, 2, size=n_s),
        [4.0, NAN],
        **region_kw,
    )


def _brute_force(model: AssignmentModel) -> tuple[int, int]:
    """Lexicographically best (fit, tie-break) over every choice of one pair or none per lead."""
    rows = model.linear_model().rows
    q, tau = model.objective_coefficients()
    options = [
        [None, *[p for p in range(model.n_pairs) if model.pairs[p, 0] == lead]]
        for lead in range(len(model.lead_ids))
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        x = np.zeros(model.n_pairs)
        x[[p for p in choice if p is not None]] = 1
        if all(row.coefs @ x[row.indices] <= row.rhs + 1e-9 for row in rows):
            best = max(best, (round(float(q @ x)), round(float(tau @ x))))
    return best


@pytest.mark.parametrize("seed", range(6))
def test_milp_equals_brute_force_on_every_backend(seed: int) -> None:
    model = _random_model(np.random.default_rng(seed))
    expected = _brute_force(model)
    assignments = set()
    for solver in SOLVERS:
        sol = model.solve(solver=solver, capacity_values=False)
        assert sol.status == "optimal"
        assert sol.tie_break_status == "optimal"
        assert (sol.fit_int, sol.tie_break) == expected, solver
        assert sol.objective == pytest.approx(sol.fit_int * model.resolution, abs=1e-5)
        assignments.add(tuple(sorted(sol.assignment.items(), key=str)))
    assert len(assignments) == 1  # the tie-break makes the optimum unique here


# ---------------------------------------------------------------- real data: assign_leads


def _variants(n: int) -> list[Profile]:
    """Lead profiles built from the example cases with unique ids and varied needs."""
    base = [load_profile(p) for p in sorted(CASES.glob("*.toml"))]
    rng = np.random.default_rng(7)
    out = []
    for k in range(n):
        data = base[k % len(base)].model_dump()
        data["company"]["id"] = f"lead-{k:02d}"
        data["needs"]["land_ha"] = float(rng.choice([0.5, 1.0, 3.0, 8.0, 20.0]))
        data["needs"]["power_mw"] = float(rng.choice([0.5, 1.0, 2.0]))
        data["constraints"]["allow_unknown"] = bool(rng.random() < 0.3)
        if data.get("two_site"):
            data["two_site"]["rnd_power_mw"] = 0.0
        out.append(Profile.model_validate(data))
    return out


@pytest.fixture(scope="module")
def pipeline() -> list[Profile]:
    return _variants(20)


@pytest.fixture(scope="module")
def assigned(pipeline: list[Profile]) -> AssignmentResult:
    return assign_leads(pipeline, solver="highs", priority={"lead-03": 2.0})


def test_assign_leads_places_only_feasible_pairs_within_capacity(
    pipeline: list[Profile], assigned: AssignmentResult
) -> None:
    from siting.criteria.evaluation import evaluate
    from siting.criteria.site_facts import site_facts
    from siting.inputs.catalogue import load_catalogue
    from siting.inputs.origin import resolve_origin
    from siting.layers.load import load_geodata
    from siting.layers.site_table import site_table

    result = assigned
    assert result.status == "optimal"
    assert [lead.lead_id for lead in result.leads] == [p.company.id for p in pipeline]
    assert result.n_placed + result.n_unplaced + result.n_invalid == len(pipeline)
    assert result.n_placed > 0
    data, table = load_geodata(), site_table()
    facts, catalogue = site_facts(table, data.campuses), load_catalogue()
    site_index = {s: k for k, s in enumerate(table["site_id"])}
    for profile, lead in zip(pipeline, result.leads, strict=True):
        ev = evaluate(profile, facts, catalogue, origin_xy=resolve_origin(profile, data, file="t"))
        assert lead.n_feasible_sites == int(ev.feasible.sum())
        if lead.status == PLACED:
            k = site_index[lead.site_id]
            assert ev.feasible[k]
            assert lead.utility == pytest.approx(ev.utility[k], abs=1e-6)
            assert lead.reason == ""
        else:
            assert lead.status == UNPLACED
            assert lead.reason.startswith(
                ("no feasible site", "its feasible sites are taken", "its feasible sites lack")
            )
            assert (lead.n_feasible_sites == 0) == lead.reason.startswith("no feasible site")
    for site in result.sites:
        if math.isnan(site.capacity_ha):
            assert len(site.leads) <= 1
        else:
            assert site.used_ha <= site.capacity_ha + 1e-9
    # grid areas: published room is shared, an area without it takes one large lead
    assert result.zones and all(z.constrained for z in result.zones)
    for zone in result.zones:
        assert zone.used_mw <= zone.headroom_mw + 1e-9
        if zone.unit == "lead":
            assert zone.headroom_mw == 1.0 and zone.n_leads <= 1
            assert "at most one large lead" in zone.note
    assert any("at most one large lead" in note for note in result.notes)
    values = [v.added_value for v in result.capacity_values]
    assert values == sorted(values, reverse=True)


def test_assign_leads_respects_given_headroom_and_reports_it(
    pipeline: list[Profile], tmp_path: Path
) -> None:
    free = assign_leads(pipeline, solver="highs", max_resolves=0)
    areas = {
        z.zone_id.split(":", 1)[1]
        for z in free.zones
        if z.zone_id.startswith(("area:", "no-room:")) and z.n_leads
    }
    assert areas
    path = tmp_path / "zones.csv"
    path.write_text(
        "zone_id,headroom_mw\n" + "".join(f"{a},1.5\n" for a in sorted(areas)), encoding="utf-8"
    )
    tight = assign_leads(pipeline, solver="highs", headroom=path, max_resolves=3)
    given = [z for z in tight.zones if z.zone_id.split(":", 1)[1] in areas and z.unit == "MW"]
    assert given  # the room given makes them shared MW capacities
    for zone in given:
        assert zone.headroom_mw == 1.5 and zone.used_mw <= 1.5 + 1e-9
    with pytest.raises(SitingInputError, match="unknown zone 'GM9999'"):
        assign_leads(pipeline[:2], headroom={"GM9999": 3.0})
    bad = tmp_path / "bad.csv"
    bad.write_text("zone_id,headroom_mw\nGM0772,lots\n", encoding="utf-8")
    with pytest.raises(SitingInputError, match=r"row 2, column 'headroom_mw': not a number"):
        assign_leads(pipeline[:2], headroom=bad)


def test_absorption_share_caps_hires_per_region(pipeline: list[Profile]) -> None:
    free = assign_leads(pipeline, solver="highs", max_resolves=0)
    result = assign_leads(pipeline, solver="highs", absorption_share=0.002, max_resolves=0)
    assert result.regions
    for region in result.regions:
        assert region.used_fte <= region.capacity_fte + 1e-9
    assert result.n_placed < free.n_placed
    assert any("labour-market region" in lead.reason for lead in result.leads)


def test_invalid_and_duplicate_leads_are_reported_not_lost(
    pipeline: list[Profile], assigned: AssignmentResult
) -> None:
    first = next(
        p for p, lead in zip(pipeline, assigned.leads, strict=True) if lead.n_feasible_sites
    )
    bad = (
        pipeline[1].model_copy(
            update={
                "company": pipeline[1].company.model_copy(
                    update={
                        "id": "atlantis",
                        "current_location": pipeline[1].company.current_location.model_copy(
                            update={"municipality": "Atlantis"}
                        ),
                    }
                )
            }
        )
        if pipeline[1].company.current_location
        else None
    )
    charisma = pipeline[2].model_copy(update={"weights": {"charisma": 1.0}})
    charisma = charisma.model_copy(
        update={"company": charisma.company.model_copy(update={"id": "charisma"})}
    )
    leads = [first, first, charisma] + ([bad] if bad is not None else [])
    result = assign_leads(leads, solver="highs", max_resolves=0)
    assert len(result.leads) == len(leads)
    assert result.leads[0].status != INVALID  # evaluated although its batch had a bad lead
    assert result.leads[0].n_feasible_sites > 0
    assert result.leads[1].status == INVALID
    assert "duplicate lead id" in result.leads[1].reason
    assert result.leads[2].status == INVALID
    assert "charisma" in result.leads[2].reason
    if bad is not None:
        assert result.leads[3].status == INVALID
        assert "Atlantis" in result.leads[3].reason


def test_write_assignment_csv_json_xlsx(assigned: AssignmentResult, tmp_path: Path) -> None:
    out_csv = write_assignment(assigned, tmp_path / "a.csv")
    with out_csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["lead_id"] for r in rows] == [lead.lead_id for lead in assigned.leads]
    data = json.loads(write_assignment(assigned, tmp_path / "a.json").read_text("utf-8"))
    assert data["summary"]["leads"] == len(assigned.leads)
    assert data["status"] == "optimal"
    pytest.importorskip("openpyxl")
    from openpyxl import load_workbook

    book = load_workbook(write_assignment(assigned, tmp_path / "a.xlsx"))
    assert {"Leads", "Sites", "Zones", "Capacity values", "Run"} <= set(book.sheetnames)
    with pytest.raises(SitingInputError, match="unknown output type"):
        write_assignment(assigned, tmp_path / "a.txt")


def test_formula_like_text_is_neutralised_in_csv(tmp_path: Path) -> None:
    profile = load_profile(CASES / "example_photonics.toml")
    evil = profile.model_copy(
        update={"company": profile.company.model_copy(update={"id": "=HYPERLINK(1)"})}
    )
    result = assign_leads([evil], solver="highs", max_resolves=0)
    text = write_assignment(result, tmp_path / "e.csv").read_text("utf-8")
    assert "'=HYPERLINK(1)" in text


# ---------------------------------------------------------------- CLI


def _app() -> typer.Typer:
    from siting.cli.assign import assign_command

    app = typer.Typer()
    app.command("assign")(assign_command)
    app.callback()(lambda: None)
    return app


def test_cli_assign_prints_status_assignment_reasons_and_writes_json(tmp_path: Path) -> None:
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "id,municipality,year,land_ha,power_mw,talent_hbo,nts_domains,priority,verify\n"
        "a-1,Eindhoven,2027,2,1,10,semiconductors,2,\n"
        "a-2,Delft,2027,1,0.5,5,photonics,,\n"
        "a-3,Eindhoven,2027,lots,1,10,,,\n"
        # 900 ha: only sites whose area nobody knows could hold it; the lead requires it known
        "a-4,Groningen,2027,900,1,10,,1,space\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    res = CliRunner().invoke(
        _app(),
        ["assign", str(leads), "--solver", "highs", "--out", str(out), "--max-resolves", "2"],
    )
    assert res.exit_code == 0, res.output
    assert "Portfolio assignment" in res.output
    assert "gap" in res.output and "objective" in res.output
    assert "invalid input" in res.output
    assert "no feasible site" in res.output
    assert "Value of capacity" in res.output
    data = json.loads(out.read_text("utf-8"))
    assert [lead["lead_id"] for lead in data["leads"]] == ["a-1", "a-2", "a-3", "a-4"]
    assert data["leads"][0]["priority"] == 2.0
    assert data["leads"][2]["status"] == INVALID
    assert "row 4" in data["leads"][2]["reason"]


def test_empty_pipeline_gives_an_empty_result() -> None:
    result = assign_leads([], solver="highs")
    assert result.status == "optimal"
    assert result.leads == () and result.capacity_values == ()
    assert result.to_dict()["summary"] == {"leads": 0, "placed": 0, "unplaced": 0, "invalid": 0}


# ---------------------------------------------------------------- pruning keeps the optimum


def _unpruned_optimum(model: AssignmentModel, solver: str) -> tuple[int, int]:
    """(fit, tie-break) of the two stages on every pair and every row, nothing left out."""
    from siting.model.solvers import LinearModel, Row, solve_milp

    rows = [
        Row(
            f"lead:{lead}",
            np.flatnonzero(model.pairs[:, 0] == lead),
            np.ones(int((model.pairs[:, 0] == lead).sum())),
            "<=",
            1.0,
        )
        for lead in range(len(model.lead_ids))
        if (model.pairs[:, 0] == lead).any()
    ]
    rows += [Row(cap.name, cap.pairs, cap.coefs, "<=", cap.rhs) for cap in model.capacities()]
    q, tau = model.objective_coefficients()
    names = tuple(f"x{p}" for p in range(model.n_pairs))
    first = solve_milp(LinearModel(model.n_pairs, names, q, tuple(rows)), solver=solver)
    assert first.status == "optimal"
    fit = round(first.objective)
    second = solve_milp(
        LinearModel(
            model.n_pairs, names, tau, (*rows, Row("fit", np.arange(model.n_pairs), q, ">=", fit))
        ),
        solver=solver,
    )
    assert second.status == "optimal"
    return fit, round(second.objective)


def _roomy_model(rng: np.random.Generator) -> AssignmentModel:
    """Larger random instances where many capacity rows cannot bind and many pairs are free."""
    n_l, n_s = int(rng.integers(5, 9)), int(rng.integers(4, 8))
    pairs = [(lead, s) for lead in range(n_l) for s in range(n_s) if rng.random() < 0.5]
    n_z = 3
    region_kw = {}
    if rng.random() < 0.5:
        region_kw = {
            "site_region": rng.integers(-1, 2, size=n_s),
            "region_capacity_fte": [float(rng.integers(10, 80)), NAN],
            "talent_fte": rng.integers(0, 20, size=n_l).astype(float),
        }
    return AssignmentModel(
        [f"L{k}" for k in rng.permutation(n_l)],
        [f"S{k}" for k in rng.permutation(n_s)],
        pairs,
        np.round(rng.random(len(pairs)), 2),
        rng.choice([0.0, 1.0, 2.0], size=n_l),
        rng.choice([0.5, 1.0, 2.0, 4.0], size=n_l),
        rng.choice([0.0, 1.0, 3.0], size=n_l),
        rng.choice([1.0, 4.0, 50.0, NAN], size=n_s),
        rng.integers(-1, n_z, size=n_s),
        rng.choice([2.0, 100.0, NAN], size=n_z),
        **region_kw,
    )


@pytest.mark.parametrize("seed", range(8))
def test_pruning_rows_and_dominated_pairs_keeps_the_optimum_on_every_backend(seed: int) -> None:
    model = _roomy_model(np.random.default_rng(100 + seed))
    keep = model.kept_pairs()
    pruned = model.linear_model(keep=keep)
    assert pruned.n_vars == int(keep.sum()) <= model.n_pairs
    assert len(pruned.rows) <= len(model.capacities()) + len(model.lead_ids)
    for solver in SOLVERS:
        sol = model.solve(solver=solver, capacity_values=False)
        assert sol.status == "optimal" and sol.tie_break_status == "optimal"
        assert (sol.fit_int, sol.tie_break) == _unpruned_optimum(model, solver), solver
        assert all(keep[p] for p in sol.chosen_pairs)


def test_pruning_drops_rows_that_cannot_bind_and_dominated_pairs() -> None:
    # s1 (10 ha) holds both leads: its row cannot bind, so each lead's pairs below s1 go
    model = AssignmentModel(
        ["A", "B"],
        ["s1", "s2", "s3"],
        [(0, 0), (0, 1), (1, 0), (1, 2)],
        [0.9, 0.5, 0.8, 0.6],
        [1, 1],
        [4, 4],
        [0, 0],
        [10, 1, NAN],
        [-1, -1, -1],
        [],
    )
    assert model.kept_pairs().tolist() == [True, False, True, False]
    assert model.linear_model(keep=model.kept_pairs()).rows == ()
    assert [r.name for r in model.linear_model().rows] == ["lead:A", "lead:B", "site:s2"]
    sol = model.solve(solver="highs")
    assert sol.assignment == {"A": "s1", "B": "s1"}
    assert sol.tie_break_status == "optimal"  # every lead at its best pair: no stage 2
    # with 3 ha less, s1 no longer holds both: its row binds and every pair is kept but A's
    # at s2, which cannot hold A's 4 ha even alone
    assert model.kept_pairs({"site:s1": -3.0}).tolist() == [True, False, True, True]


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_pair_that_cannot_fit_even_alone_is_never_chosen(solver: str) -> None:
    # 400.0004 ha on a 400 ha site: feasible for the ranking's 3-decimal rule, but the row
    # can never hold it; CBC's preprocessing used to round it in and return a broken answer
    model = AssignmentModel(
        ["A"], ["big"], [(0, 0)], [0.8], [1], [400.0004], [0], [400.0], [-1], []
    )
    assert not model.kept_pairs().any()
    sol = model.solve(solver=solver)
    assert sol.status == "optimal"
    assert sol.assignment == {"A": None}
    assert "less than" in sol.reasons["A"] and "needed" in sol.reasons["A"]


# ---------------------------------------------------------------- gap, MIP start, honesty


@given(seed=st.integers(0, 2**32 - 1))
@hyp_settings(max_examples=60, deadline=None)
def test_greedy_assignment_respects_every_row_and_is_maximal(seed: int) -> None:
    rng = np.random.default_rng(seed)
    model = _roomy_model(rng) if seed % 2 else _random_model(rng)
    caps = model.capacities()
    for keep in (None, model.kept_pairs(), model.kept_pairs({caps[0].name: 1.0}) if caps else None):
        x = model.greedy_assignment(keep=keep)
        model._checked(x, caps)  # raises on a lead placed twice or a capacity exceeded
        if keep is not None:
            assert not x[~keep].any()
        placed = set(model.pairs[x.astype(bool), 0].tolist())
        allowed = np.ones(model.n_pairs, dtype=bool) if keep is None else keep
        for p in np.flatnonzero(allowed & ~x.astype(bool)):
            if int(model.pairs[p, 0]) in placed:
                continue
            more = x.copy()
            more[p] = 1  # an unplaced lead's pair: the greedy left it out because it does not fit
            with pytest.raises(RuntimeError, match="violates"):
                model._checked(more, caps)


def test_greedy_assignment_of_the_hand_model() -> None:
    model = hand_model()
    x = model.greedy_assignment()
    chosen = {model.pair_name(int(p)) for p in np.flatnonzero(x)}
    # A (best 0.9) first takes s1; B no longer fits there (5 ha) and takes s3; C takes s2
    assert chosen == {"A->s1", "B->s3", "C->s2"}


def _recording_solver(
    monkeypatch: pytest.MonkeyPatch, relabel: str | None = None
) -> list[dict[str, object]]:
    """Record every solve_milp call of the assignment; optionally relabel its status."""
    import dataclasses

    import siting.model.assignment.milp
    from siting.model.solvers import solve_milp

    calls: list[dict[str, object]] = []

    def recording(model: object, **kw: object) -> object:
        out = solve_milp(model, **kw)  # type: ignore[arg-type]
        calls.append({**kw, "n_vars": out.x.size if out.x is not None else None, "x": out.x})
        if relabel is not None and out.x is not None:
            out = dataclasses.replace(out, status=relabel, gap=0.004)
        return out

    monkeypatch.setattr(siting.model.assignment.milp, "solve_milp", recording)
    # the re-solves for the value of capacity share one model kept in the backend
    from siting.model.persistent import PersistentMilp

    persistent_solve = PersistentMilp.solve

    def recording_resolve(self: PersistentMilp, **kw: object) -> object:
        out = persistent_solve(self, **kw)  # type: ignore[arg-type]
        calls.append({**kw, "n_vars": out.x.size if out.x is not None else None, "x": out.x})
        if relabel is not None and out.x is not None:
            out = dataclasses.replace(out, status=relabel, gap=0.004)
        return out

    monkeypatch.setattr(PersistentMilp, "solve", recording_resolve)
    return calls


def test_stage_one_starts_greedy_and_stage_two_from_stage_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # two identical leads, two identical sites: stage 1 cannot tell them apart, stage 2 runs
    model = AssignmentModel(
        ["b", "a"],
        ["y", "x"],
        [(0, 0), (0, 1), (1, 0), (1, 1)],
        [0.5] * 4,
        [1, 1],
        [3, 3],
        [0, 0],
        [3, 3],
        [-1, -1],
        [],
    )
    calls = _recording_solver(monkeypatch)
    sol = model.solve(solver="highs", capacity_values=False)
    assert len(calls) == 2
    keep = model.kept_pairs()
    assert np.array_equal(calls[0]["start"], model.greedy_assignment(keep=keep)[keep])
    assert np.array_equal(calls[1]["start"], calls[0]["x"])  # stage 1's answer
    assert calls[0]["gap_rel"] == 0.0 and calls[1]["gap_rel"] == 0.0
    assert sol.status == "optimal" and sol.tie_break_status == "optimal"
    assert sol.status_note.startswith("proven optimal")


def test_a_stop_at_the_gap_skips_the_tie_break_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _recording_solver(monkeypatch, relabel="within_gap")
    sol = hand_model(cap_s1=7.0).solve(solver="highs", gap_rel=0.005)
    assert sol.status == "within_gap"
    assert sol.gap == 0.004 and sol.gap_rel == 0.005
    assert sol.tie_break_status == "skipped"
    assert "not proven optimal" in sol.status_note
    assert "within 0.40% of the optimum" in sol.status_note
    assert "requested relative gap of 0.50%" in sol.status_note
    assert "ties between equally good assignments are not broken deterministically" in (
        sol.status_note
    )
    # no tie-break stage; the re-solve for the value of capacity uses the same gap
    assert [c["gap_rel"] for c in calls] == [0.005, 0.005]
    assert calls[1]["start"] is not None
    assert "approximate marginal values" in sol.capacity_note
    assert "relative gap of 0.50%" in sol.capacity_note
    assert sol.capacity_values[0].status == "within_gap"


def test_room_left_by_a_solver_stopped_at_the_gap_is_filled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    import siting.model.assignment.milp
    import siting.model.assignment.solving
    from siting.model.solvers import solve_milp

    def lazy(model: object, **kw: object) -> object:
        out = solve_milp(model, **kw)  # type: ignore[arg-type]
        x = out.x.copy()
        x[[k for k, name in enumerate(model.var_names) if name.startswith("C->")]] = 0
        return dataclasses.replace(out, status="within_gap", gap=0.004, x=x)

    monkeypatch.setattr(siting.model.assignment.milp, "solve_milp", lazy)
    # an empty start: a start better than the solver's answer would be taken instead
    monkeypatch.setattr(
        siting.model.assignment.solving, "improve", lambda model, x, **kw: np.zeros_like(x)
    )
    model = hand_model()
    sol = model.solve(solver="highs", gap_rel=0.005, capacity_values=False)
    exact = model.solve(solver="highs", capacity_values=False)
    # the solver's answer left C out although s2 has room: C is placed afterwards
    assert sol.assignment["C"] is not None
    assert sol.assignment == exact.assignment
    assert "1 lead(s) were placed after the solve" in sol.status_note
    model._checked(
        np.isin(np.arange(model.n_pairs), sol.chosen_pairs).astype(int), model.capacities()
    )


def test_no_solution_in_time_reports_the_greedy_assignment(monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    import siting.model.assignment.milp
    from siting.model.solvers import solve_milp

    def nothing(model: object, **kw: object) -> object:
        out = solve_milp(model, **kw)  # type: ignore[arg-type]
        return dataclasses.replace(out, status="no_solution_in_time", x=None, gap=math.nan)

    monkeypatch.setattr(siting.model.assignment.milp, "solve_milp", nothing)
    model = hand_model()
    sol = model.solve(solver="cp-sat", time_limit_s=0.1)
    greedy = model.greedy_assignment(keep=model.kept_pairs())
    assert sol.status == "feasible"
    assert set(sol.chosen_pairs) == set(np.flatnonzero(greedy).tolist())
    assert "found no assignment within the time limit" in sol.status_note
    assert sol.capacity_values == ()  # no solver answer to value capacity against


def test_greedy_completion_keeps_the_start_and_respects_every_row() -> None:
    model = hand_model()
    caps = model.capacities()
    start = np.zeros(model.n_pairs, dtype=np.int64)
    start[[k for k in range(model.n_pairs) if model.pair_name(k) == "B->s1"]] = 1
    x = model.greedy_assignment(start=start)
    model._checked(x, caps)
    chosen = {model.pair_name(int(p)) for p in np.flatnonzero(x)}
    assert "B->s1" in chosen  # the start is kept, even where the greedy rule would differ
    assert chosen != {model.pair_name(int(p)) for p in np.flatnonzero(model.greedy_assignment())}


@pytest.mark.parametrize("solver", SOLVERS)
def test_solve_with_a_gap_on_every_backend(solver: str) -> None:
    sol = hand_model(cap_s1=7.0).solve(solver=solver, gap_rel=0.005)
    assert sol.gap_rel == 0.005
    assert sol.status in ("optimal", "within_gap")
    if sol.status == "within_gap":
        assert sol.tie_break_status == "skipped" and "not proven optimal" in sol.status_note
    else:
        assert sol.assignment == {"A": "s1", "B": "s3", "C": "s2"}
    assert "approximate" in sol.capacity_note


def test_a_bad_gap_is_rejected() -> None:
    with pytest.raises(ValueError, match="gap_rel"):
        hand_model().solve(solver="highs", gap_rel=1.0)
    with pytest.raises(SitingInputError, match="gap_rel"):
        assign_leads([], solver="highs", gap_rel=-0.1)


@pytest.mark.parametrize(
    ("status", "gap", "gap_rel", "tie", "words"),
    [
        (
            "optimal",
            0.0,
            0.0,
            "optimal",
            "proven optimal; ties between equally good assignments are broken deterministically",
        ),
        ("optimal", 0.0, 0.0, "feasible", "the tie-break stage ended feasible"),
        ("within_gap", math.nan, 0.01, "skipped", "within the requested 1.00% of the optimum"),
        (
            "feasible",
            0.02,
            0.005,
            "skipped",
            "stopped at the time limit with an assignment within "
            "2.00% of the optimum, not the requested 0.50%",
        ),
        ("no_solution_in_time", math.nan, 0.0, "skipped", "returned no assignment"),
    ],
)
def test_status_note_in_words(
    status: str, gap: float, gap_rel: float, tie: str, words: str
) -> None:
    assert words in status_note(status, gap, gap_rel, tie)


def test_a_gap_above_zero_never_reads_as_zero() -> None:
    assert format_gap(0.0) == "0.00%"
    assert format_gap(0.0023) == "0.23%"
    assert format_gap(3e-5) == "< 0.01%"
    assert format_gap(math.nan) == "unknown"
    assert "within less than 0.01% of the optimum" in status_note(
        "within_gap", 3e-5, 0.005, "skipped"
    )


def test_assign_leads_with_a_gap_reports_it(pipeline: list[Profile]) -> None:
    result = assign_leads(pipeline, solver="highs", gap_rel=0.005, max_resolves=1)
    assert result.gap_rel == 0.005
    assert result.status in ("optimal", "within_gap")
    assert result.status_note
    data = result.to_dict()
    assert data["gap_rel"] == 0.005 and data["status_note"] == result.status_note


def test_cli_assign_gap_option(tmp_path: Path) -> None:
    source = CASES.parent / "leads" / "example_pipeline_synthetic.csv"
    leads = tmp_path / "leads.csv"
    leads.write_text(
        "".join(source.read_text("utf-8").splitlines(keepends=True)[:13]), encoding="utf-8"
    )
    res = CliRunner().invoke(
        _app(), ["assign", str(leads), "--solver", "highs", "--gap", "0.005", "--max-resolves", "0"]
    )
    assert res.exit_code == 0, res.output
    assert "(requested 0.50%)" in res.output
    assert "placed" in res.output
    result = assign_leads(read_leads(leads), solver="highs", gap_rel=0.005, max_resolves=0)
    assert result.n_placed > 0
    assert result.status_note in " ".join(res.output.split())
    bad = CliRunner().invoke(_app(), ["assign", str(leads), "--gap", "1"])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, SitingInputError)
    assert "--gap" in str(bad.exception) and "[0, 1)" in str(bad.exception)


# ---------------------------------------------------------------- grid areas as shared capacities


def _random_zone_model(rng: np.random.Generator) -> tuple[AssignmentModel, list[tuple[int, int]]]:
    """Pairs that draw on several zones; zones of unit MW (headroom) and lead (count)."""
    n_l, n_s, n_z = int(rng.integers(2, 5)), int(rng.integers(2, 4)), int(rng.integers(1, 4))
    pairs = [(lead, s) for lead in range(n_l) for s in range(n_s) if rng.random() < 0.7]
    zone_pairs = [(p, z) for p in range(len(pairs)) for z in range(n_z) if rng.random() < 0.5]
    units = [str(u) for u in rng.choice(["MW", "lead"], size=n_z)]
    caps = [
        float(rng.integers(1, 3)) if u == "lead" else float(rng.choice([2.0, 4.0])) for u in units
    ]
    model = AssignmentModel(
        [f"L{k}" for k in range(n_l)],
        [f"S{k}" for k in range(n_s)],
        pairs,
        np.round(rng.random(len(pairs)), 3),
        np.ones(n_l),
        np.zeros(n_l),
        rng.choice([1.0, 2.0, 3.0], size=n_l),
        np.full(n_s, 10.0),
        np.full(n_s, -1),
        caps,
        zone_ids=[f"Z{k}" for k in range(n_z)],
        zone_pairs=zone_pairs,
        zone_unit=units,
    )
    return model, zone_pairs


def _brute_force_zones(
    model: AssignmentModel, zone_pairs: list[tuple[int, int]]
) -> tuple[int, int]:
    """Lexicographic (fit, tie-break) optimum checked against the zones from first principles."""
    q, tau = model.objective_coefficients()
    options = [
        [None, *[p for p in range(model.n_pairs) if model.pairs[p, 0] == lead]]
        for lead in range(len(model.lead_ids))
    ]
    best = (0, 0)
    for choice in itertools.product(*options):
        chosen = [p for p in choice if p is not None]
        use = np.zeros(len(model.zone_ids))
        for p, z in zone_pairs:
            if p in chosen:
                lead = model.pairs[p, 0]
                use[z] += 1.0 if model.zone_unit[z] == "lead" else model.power_mw[lead]
        if np.all(use <= model.zone_headroom_mw + 1e-9):
            x = np.zeros(model.n_pairs)
            x[chosen] = 1
            best = max(best, (round(float(q @ x)), round(float(tau @ x))))
    return best


@pytest.mark.parametrize("seed", range(8))
def test_pairs_drawing_on_several_zones_equal_brute_force(seed: int) -> None:
    model, zone_pairs = _random_zone_model(np.random.default_rng(100 + seed))
    expected = _brute_force_zones(model, zone_pairs)
    for solver in SOLVERS:
        sol = model.solve(solver=solver, capacity_values=False)
        assert sol.status == "optimal"
        assert (sol.fit_int, sol.tie_break) == expected, solver
        for z, used in enumerate(sol.zone_used_mw):
            assert used <= model.zone_headroom_mw[z] + 1e-9


def test_an_area_without_published_room_takes_one_large_lead() -> None:
    # s1 and s2 may both be fed by area Z (no room published): one large lead between them
    model = AssignmentModel(
        ["A", "B"],
        ["s1", "s2"],
        pairs=[(0, 0), (1, 1)],
        utility=[0.9, 0.8],
        lead_weight=[1, 1],
        land_ha=[0, 0],
        power_mw=[6.0, 6.0],
        site_capacity_ha=[10, 10],
        site_zone=[-1, -1],
        zone_headroom_mw=[1.0],
        zone_ids=["no-room:Z"],
        zone_pairs=[(0, 0), (1, 0)],
        zone_unit=["lead"],
    )
    sol = model.solve(solver="highs")
    assert sol.assignment == {"A": "s1", "B": None}
    assert (
        "publishes no room for a large need, so it takes 1 large lead(s): taken by A"
        in (sol.reasons["B"])
    )
    assert all(v.kind != "zone_unknown" for v in sol.capacity_values)


@pytest.fixture(scope="module")
def grid_data(tmp_path_factory):
    from siting.layers.load import load_geodata

    from .test_grid import _write_grid_folder

    return load_geodata(_write_grid_folder(tmp_path_factory.mktemp("assign") / "geodata"))


def _grid_lead(lead_id: str, power: float, year: int = 2026) -> Profile:
    # the grid's certain outcomes: strict mode (by default an unknown year is to confirm)
    return Profile.model_validate(
        {
            "company": {"id": lead_id},
            "needs": {"year": year, "power_mw": power},
            "constraints": {"allow_unknown": False},
        }
    )


def test_the_sites_of_one_area_compete_for_its_published_room(grid_data) -> None:
    # area A (room 5 MW) may feed s1 and s4, area D (room 4 MW) s3 and s4: three 3 MW leads
    leads = [_grid_lead(f"L{k}", 3.0) for k in range(3)]
    result = assign_leads(leads, data=grid_data, solver="highs")
    zones = {z.zone_id: z for z in result.zones}
    assert zones["area:A"].headroom_mw == pytest.approx(5.0)
    assert zones["area:D"].headroom_mw == pytest.approx(4.0)
    assert all(z.used_mw <= z.headroom_mw + 1e-9 for z in result.zones)
    assert result.n_placed == 2 and result.n_unplaced == 1
    (left,) = [lead for lead in result.leads if lead.status == UNPLACED]
    assert "headroom" in left.reason and ("area:A" in left.reason or "area:D" in left.reason)
    # one more MW of A's room would let the third lead in at s1 or s4
    assert any(v.kind == "zone" and v.added_value > 0 for v in result.capacity_values)


def test_relief_one_year_earlier_is_valued_per_area(grid_data) -> None:
    # 6 MW in 2027: s1 waits for area A's solve year 2028; relief of A in 2027 places the lead
    result = assign_leads([_grid_lead("big", 6.0, year=2027)], data=grid_data, solver="highs")
    assert result.n_placed == 0
    relief = {v.key: v for v in result.capacity_values if v.kind == "relief"}
    assert "A" in relief
    assert (relief["A"].capacity, relief["A"].used) == (2028.0, 2027.0)
    assert relief["A"].added_value > 0 and relief["A"].changed_leads == ("big",)
    assert "A: congestion solved 2027 instead of 2028" in relief["A"].name
    assert "relief one year earlier" in result.capacity_note


def test_a_start_better_than_an_answer_at_the_gap_is_kept_with_the_solver_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dataclasses

    import siting.model.assignment.milp
    from siting.model.solvers import solve_milp

    def worse(model: object, **kw: object) -> object:
        # a solver stopped at its gap with less than its start (CBC may do so)
        out = solve_milp(model, **kw)  # type: ignore[arg-type]
        x = np.zeros_like(out.x)
        x[[k for k, name in enumerate(model.var_names) if name == "C->s2"]] = 1
        c = np.asarray(model.c)  # type: ignore[attr-defined]
        fit = float(c @ x)
        return dataclasses.replace(out, status="within_gap", gap=5.0, x=x, objective=fit)

    monkeypatch.setattr(siting.model.assignment.milp, "solve_milp", worse)
    model = hand_model()
    sol = model.solve(solver="highs", gap_rel=0.005, capacity_values=False)
    start = model.greedy_assignment(keep=model.kept_pairs())
    assert sol.fit_int >= round(float(model._q @ start))  # the start, not the worse answer
    # its gap is against the bound the solver proved: the answer's fit times (1 + 5.0)
    fit_c = float(model._q[[k for k in range(model.n_pairs) if model.pair_name(k) == "C->s2"]][0])
    assert sol.gap == pytest.approx((6.0 * fit_c - sol.fit_int) / sol.fit_int, abs=1e-6)
