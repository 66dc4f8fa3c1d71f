"""Screening a lead pipeline: no lost lead, same rules as `siting rank`, dask == local."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from siting import SitingInputError
from siting.inputs.leads import read_leads
from siting.jobs.rank import rank_sites
from siting.jobs.screen import screen_leads
from siting.outputs.tables import write_screen
from siting.results.screening import ROW_COLUMNS, STATUSES

from .test_leads import write_leads

REPO = Path(__file__).resolve().parents[1]
PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"

HEADER = [
    "id",
    "name",
    "municipality",
    "lat",
    "lon",
    "year",
    "land_ha",
    "power_mw",
    "talent_hbo",
    "max_relocation_km",
    "allow_unknown",
]
HOSTILE_ID = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture(scope="module")
def pipeline():
    return read_leads(PIPELINE)


@pytest.fixture(scope="module")
def screened(pipeline):
    return screen_leads(pipeline, top=5)


@pytest.fixture
def small(tmp_path: Path) -> Path:
    rows = [
        HEADER,
        # feasible sites exist (small connection, unknown facts allowed)
        ["modest", "M", "Eindhoven", "", "", "2028", "2", "0.05", "20", "", "true"],
        # 30 MW in 2026 within 80 km of Eindhoven: every zone in reach is congested
        ["power", "P", "Eindhoven", "", "", "2026", "2", "30", "", "80", "false"],
        # a point location, and a hostile id
        [
            HOSTILE_ID,
            "<script>alert(1)</script>",
            "",
            "52.0",
            "4.36",
            "2029",
            "1",
            "0.05",
            "5",
            "",
            "true",
        ],
        # text in a number field
        ["broken", "B", "Delft", "", "", "2028", "lots", "1", "", "", ""],
        # no location at all
        ["nowhere-known", "N", "", "", "", "2028", "1", "0.05", "", "", "true"],
    ]
    return write_leads(tmp_path, rows)


# --- the example pipeline ---------------------------------------------------------------------


def test_example_pipeline_is_large_synthetic_and_spread_over_hotspots(pipeline):
    assert len(pipeline) >= 200 and not pipeline.invalid and not pipeline.warnings
    assert all("synthetic" in lead.profile.company.name for lead in pipeline.leads)
    places = {lead.profile.company.current_location.municipality for lead in pipeline.leads}
    assert {"Eindhoven", "Delft", "Groningen", "Sittard-Geleen", "Almere"} <= places
    power = [lead.profile.needs.power_mw for lead in pipeline.leads]
    assert min(power) < 0.2 and max(power) > 15


def test_screening_the_example_pipeline_loses_no_lead(pipeline, screened):
    with PIPELINE.open(encoding="utf-8") as fh:
        data_rows = sum(1 for _ in csv.reader(fh)) - 1
    assert len(screened.leads) == len(pipeline) == data_rows
    rows = screened.rows()
    assert {row["input_row"] for row in rows} == {lead.row for lead in pipeline.leads}
    assert [lead.lead_id for lead in screened.leads] == [lead.lead_id for lead in pipeline.leads]
    s = screened.summary
    assert s.leads_in == s.placed + s.nowhere + s.invalid + s.errors == len(pipeline)
    assert s.placed > 0 and s.nowhere > 0 and s.errors == 0
    assert all(lead.status in STATUSES for lead in screened.leads)
    assert sum(r.leads for r in s.regions) == s.leads_in
    assert sum(r.nowhere for r in s.regions) == s.nowhere
    assert sum(rule.most_restrictive for rule in s.rules) == s.nowhere
    for lead in screened.leads:
        if lead.status == "ok":
            assert 1 <= len(lead.sites) <= 5 and lead.n_feasible >= len(lead.sites)
            assert [h.rank for h in lead.sites] == list(range(1, len(lead.sites) + 1))
            assert all(h.reasons for h in lead.sites)
        elif lead.status == "no_feasible_site":
            assert not lead.sites and lead.blocking_rule and "No site satisfies" in lead.reason


def test_screen_of_a_lead_equals_rank_sites(pipeline, screened):
    special = [
        lead
        for lead in pipeline.leads
        if lead.profile.constraints.max_relocation_km or lead.profile.constraints.allow_unknown
    ]
    chosen = [*special[:3], pipeline.leads[0]]
    by_id = {lead.lead_id: lead for lead in screened.leads}
    for lead in chosen:
        ranking = rank_sites(lead.profile, top=5)
        outcome = by_id[lead.lead_id]
        assert [h.site_id for h in outcome.sites] == [r.site_id for r in ranking.recommendations]
        assert [h.score for h in outcome.sites] == [r.utility for r in ranking.recommendations]
        assert outcome.n_feasible == ranking.n_feasible
        if not ranking.recommendations:
            assert outcome.blocking_rule == ranking.infeasibility.most_restrictive


def test_screen_with_a_milp_solver_gives_the_same_ranking(pipeline, screened):
    table = dataclasses.replace(pipeline, leads=pipeline.leads[:4])
    milp = screen_leads(table, top=3, solver="highs")
    assert milp.method == "highs"
    for a, b in zip(milp.leads, screened.leads[:4], strict=True):
        assert [h.site_id for h in a.sites] == [h.site_id for h in b.sites[:3]]
        assert a.status == b.status


def test_dask_engine_equals_local_engine(pipeline):
    table = dataclasses.replace(pipeline, leads=pipeline.leads[:30])
    calls = []
    local = screen_leads(table, top=3)
    distributed = screen_leads(
        table, top=3, engine="dask", progress=lambda done, total: calls.append((done, total))
    )
    assert distributed.leads == local.leads
    assert distributed.summary == local.summary
    assert distributed.rows() == local.rows()
    assert calls[0] == (0, 30) and calls[-1] == (30, 30)


# --- statuses and reasons ---------------------------------------------------------------------


def test_statuses_reasons_and_regions(small: Path):
    result = screen_leads(small, top=3)
    modest, power, point, broken, unknown = result.leads
    assert modest.status == "ok" and modest.sites and modest.region == "Noord-Brabant"
    assert "satisfy every hard constraint" in modest.reason
    assert power.status == "no_feasible_site" and not power.sites
    # the grid stands alone in the way of some sites; the rule that rules out most sites is
    # named first
    assert "Grid connection in time" in power.sole_blockers
    assert "Grid connection in time" in power.reason
    listed = power.reason.split("(failing or unknown): ", 1)[1]
    assert listed.startswith(f"'{power.blocking_label}' (")
    assert point.status == "ok" and point.region == "Zuid-Holland"
    assert broken.status == "invalid_input" and broken.problems[0].column == "land_ha"
    assert broken.problems[0].row == 5
    assert unknown.status == "ok" and unknown.region == "unknown"
    [rule] = [r for r in result.summary.rules if r.label == power.blocking_label]
    assert rule.most_restrictive == 1
    [grid] = [r for r in result.summary.rules if r.label == "Grid connection in time"]
    assert grid.sole_blocker == 1
    brabant = next(r for r in result.summary.regions if r.region == "Noord-Brabant")
    assert (brabant.leads, brabant.placed, brabant.nowhere) == (2, 1, 1)
    assert brabant.top_blocking_rule == power.blocking_label


def test_bad_options_are_input_errors(small: Path):
    for options in (
        {"top": 0},
        {"engine": "spark"},
        {"solver": "gurobi"},
        {"scheduler": "tcp://127.0.0.1:1"},
    ):
        with pytest.raises(SitingInputError):
            screen_leads(small, **options)


# --- outputs ----------------------------------------------------------------------------------


def test_output_files_are_readable_and_formula_safe(small: Path, tmp_path: Path):
    result = screen_leads(small, top=2)
    n_rows = len(result.rows())

    with write_screen(result, tmp_path / "out.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n_rows and list(rows[0]) == [*ROW_COLUMNS, "site_lon", "site_lat"]
    assert {r["input_row"] for r in rows} == {str(lead.row) for lead in result.leads}
    hostile = [r for r in rows if "HYPERLINK" in r["lead_id"]]
    assert hostile and all(r["lead_id"] == "'" + HOSTILE_ID for r in hostile)
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())

    book = load_workbook(write_screen(result, tmp_path / "out.xlsx"))
    assert book.sheetnames == ["Results", "Summary", "Regions", "Blocking rules", "Input problems"]
    sheet = book["Results"]
    assert sheet.max_row == n_rows + 1
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    ids = [c.value for c in sheet["A"][1:]]
    assert HOSTILE_ID in ids  # a string cell, shown as written: no visible quote

    data = json.loads(write_screen(result, tmp_path / "out.json").read_text(encoding="utf-8"))
    assert len(data["leads"]) == len(result.leads)
    assert data["leads"][2]["lead_id"] == HOSTILE_ID  # JSON keeps the data as it is
    assert data["summary"]["leads_in"] == 5

    with pytest.raises(SitingInputError, match="unknown output type"):
        write_screen(result, tmp_path / "out.txt")


# --- command line -----------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": ""},
        cwd=REPO,
    )


def test_cli_screen_reports_and_exits_0_even_with_bad_leads(small: Path, tmp_path: Path):
    out = tmp_path / "result.json"
    result = run("screen", str(small), "--top", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "leads in" in result.stdout and "Noord-Brabant" in result.stdout
    assert "Grid connection" in result.stdout
    assert "row 5, broken: column 'land_ha'" in result.stdout
    assert len(json.loads(out.read_text(encoding="utf-8"))["leads"]) == 5


def test_cli_screen_file_level_errors_exit_2(tmp_path: Path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    result = run("screen", str(empty))
    assert result.returncode == 2 and "the file is empty" in result.stderr
    assert "Traceback" not in result.stderr
    result = run("screen", str(tmp_path / "leads.ods"))
    assert result.returncode == 2 and "unknown file type" in result.stderr
    result = run("screen", str(empty), "--engine", "spark")
    assert result.returncode == 2 and "no engine" in result.stderr


def test_leads_with_the_same_needs_are_ranked_once_each_under_its_own_id(tmp_path: Path):
    header = [*HEADER, "weights.no_such_criterion"]
    needs = ["Eindhoven", "", "", "2028", "2", "0.05", "20", "", "true", ""]
    bad = ["Delft", "", "", "2028", "1", "0.05", "", "", "true", "1"]
    rows = [
        header,
        ["twin-a", "A", *needs],
        ["other", "O", "Delft", *needs[1:]],  # the same needs elsewhere: ranked on its own
        ["twin-b", "B", *needs],
        ["odd-a", "C", *bad],  # a weight the catalogue lacks: each row names its own row
        ["odd-b", "D", *bad],
    ]
    calls = []
    result = screen_leads(
        write_leads(tmp_path, rows), top=3, progress=lambda done, total: calls.append(done)
    )
    twin_a, other, twin_b, odd_a, odd_b = result.leads
    assert [lead.lead_id for lead in result.leads] == [
        "twin-a",
        "other",
        "twin-b",
        "odd-a",
        "odd-b",
    ]
    assert [lead.row for lead in result.leads] == [2, 3, 4, 5, 6]
    assert twin_a.status == "ok" and twin_a.sites
    assert dataclasses.replace(twin_b, lead_id="twin-a", row=2) == twin_a
    assert other.sites != twin_a.sites  # the origin is part of the ranking's input
    alone = screen_leads(write_leads(tmp_path, [header, rows[3]], name="b.csv"), top=3)
    assert dataclasses.replace(alone.leads[0], row=4) == twin_b
    assert odd_a.status == odd_b.status == "invalid_input"
    assert [odd_a.problems[0].row, odd_b.problems[0].row] == [5, 6]
    assert calls[-1] == 5
