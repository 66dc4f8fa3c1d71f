"""The Python API in the geopandas idiom, progress reporting, run times and the leads template."""

from __future__ import annotations

import time
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import pytest

import siting
from siting.inputs.leads import read_leads
from siting.jobs.compare import compare
from siting.jobs.sweep import sweep
from siting.outputs.leads_template import COLUMNS, template_frame, write_leads_template
from siting.progress import progress_reporter

from .conftest import CASES, REPO
from .test_outputs import check_workbook

LEADS = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"
CASE2 = CASES / "case2_microchip_dense_region.toml"


class Recorder:
    """A :class:`siting.progress.Progress` that keeps what it was told."""

    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.steps: list[int] = []

    def stage(self, name: str, total: int | None = None) -> None:
        self.stages.append((name, total))

    def advance(self, done: int) -> None:
        self.steps.append(done)


def test_results_offer_frames_geodataframes_maps_and_short_reprs():
    ranking = siting.rank_sites(CASE2, top=5, solver="enumeration")
    frame = ranking.to_frame()
    assert list(frame["site_id"]) == [r.site_id for r in ranking.recommendations]
    sites = ranking.to_geodataframe()
    assert isinstance(sites, gpd.GeoDataFrame) and sites.crs == "EPSG:28992"
    assert len(sites) == ranking.n_sites
    assert ranking.to_geodataframe(crs="EPSG:4326").crs == "EPSG:4326"
    m = ranking.explore()
    assert isinstance(m, folium.Map)
    given = folium.Map()
    assert ranking.explore(m=given) is given
    text = repr(ranking)
    assert len(text) < 400 and "case-2-microchip" in text and "\n" not in text

    screening = siting.screen_leads(pd.read_csv(LEADS).head(30), top=2)  # a DataFrame
    assert len(repr(screening)) < 300
    assert len(screening.to_frame()) == len(screening.rows())
    assert len(screening.to_geodataframe()) == 30
    assert set(screening.to_geodataframe(layer="top_sites").geom_type) <= {"LineString"}
    assert isinstance(screening.explore(), folium.Map)
    with pytest.raises(ValueError, match="no layer"):
        screening.to_geodataframe(layer="roads")

    assignment = siting.assign_leads(pd.read_csv(LEADS).head(30), max_resolves=0)
    assert len(repr(assignment)) < 300 and "30 leads" in repr(assignment)
    assert len(assignment.to_frame()) == 30
    assert len(assignment.to_geodataframe(layer="assignments")) == assignment.n_placed
    assert isinstance(assignment.explore(offline=True), folium.Map)


def test_jobs_take_dataframes_paths_and_tables_alike():
    frame = pd.read_csv(LEADS).head(25)
    by_frame = siting.screen_leads(frame, top=3)
    by_path = siting.screen_leads(LEADS, top=3)
    assert [lead.sites for lead in by_frame.leads] == [lead.sites for lead in by_path.leads[:25]]
    assert [lead.row for lead in by_frame.leads] == list(range(2, 27))
    a = siting.assign_leads(frame, max_resolves=0)
    b = siting.assign_leads(read_leads(frame, extra_columns=["priority"]), max_resolves=0)
    assert [x.site_id for x in a.leads] == [x.site_id for x in b.leads]
    with pytest.raises(siting.SitingInputError, match="expected a leads file"):
        siting.screen_leads(42)
    bad = frame.drop(columns=["id"])
    with pytest.raises(siting.SitingInputError, match="no header row with an 'id' column"):
        siting.screen_leads(bad)


def test_long_jobs_report_progress_through_the_protocol():
    frame = pd.read_csv(LEADS).head(20)
    rec = Recorder()
    siting.assign_leads(frame, max_resolves=0, progress=rec)
    assert rec.stages[0][0] == "evaluating leads"
    assert rec.stages[0][1] == 20 and rec.steps[-1] == 20
    assert rec.stages[-1][0].startswith("solving the assignment") and rec.stages[-1][1] is None

    rec = Recorder()
    compare(
        CASE2,
        REPO / "models" / "scenarios" / "case2_12mw_in_2027.toml",
        top=3,
        solver="enumeration",
        progress=rec,
    )
    assert rec.stages == [("ranking the cases", 2)] and rec.steps == [1, 2]

    calls: list[tuple[int, int]] = []
    sweep(
        CASE2,
        "needs.power_mw",
        "2:6:2",
        top=3,
        solver="enumeration",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(0, 3), (1, 3), (2, 3), (3, 3)]

    rec = Recorder()
    siting.screen_leads(frame, top=2, progress=rec)
    assert rec.stages == [("screening leads", 20)] and rec.steps[-1] == 20
    with pytest.raises(TypeError, match="progress must be"):
        progress_reporter(3)


def test_screening_run_time_is_the_wall_time_of_the_run():
    frame = pd.read_csv(LEADS)
    start = time.perf_counter()
    result = siting.screen_leads(frame, top=5)
    wall = time.perf_counter() - start
    # the timer's name was once reused by a loop: negative or inflated run times
    assert 0 < result.elapsed_s <= wall
    assert result.to_dict()["elapsed_s"] == result.elapsed_s


# --- leads template ---------------------------------------------------------------------------


def test_template_columns_are_the_leads_format():
    from siting.inputs.profile import FLAT_FIELDS

    assert set(COLUMNS) == set(FLAT_FIELDS) | {"priority"}
    assert len(template_frame()) == 1


@pytest.mark.parametrize(
    ("name", "dialect"), [("t.xlsx", "standard"), ("t.csv", "standard"), ("t.csv", "excel")]
)
def test_template_reads_back_unchanged_in_screen_and_assign(tmp_path: Path, name, dialect):
    path = write_leads_template(tmp_path / name, dialect=dialect)
    table = read_leads(path, extra_columns=["priority"])
    assert not table.warnings and len(table.valid) == 1
    (lead,) = table.leads
    example = template_frame().iloc[0]
    p = lead.profile
    assert lead.lead_id == example["id"] and lead.extra["priority"] == "1"
    assert p.company.current_location.municipality == example["municipality"]
    assert (p.needs.year, p.needs.land_ha, p.needs.power_mw) == (2028, 2.5, 5.0)
    assert (p.needs.talent.mbo, p.needs.talent.hbo, p.needs.talent.wo) == (40, 100, 60)
    assert p.needs.vibration_free and not p.needs.heavy_transport
    assert p.constraints.space_types == ("space", "energy") and p.constraints.allow_unknown
    assert p.company.nts_domains == ("semiconductors", "optical_systems_integrated_photonics")
    screened = siting.screen_leads(path, top=3)
    assert screened.leads[0].status in ("ok", "no_feasible_site")
    assigned = siting.assign_leads(path, max_resolves=0)
    assert assigned.leads[0].status in ("placed", "unplaced")


def test_excel_template_has_dropdowns_and_explains_every_column(tmp_path: Path):
    from openpyxl import load_workbook

    path = write_leads_template(tmp_path / "t.xlsx")
    check_workbook(path, readable=False)
    book = load_workbook(path)
    assert book.sheetnames == ["Leads", "Columns", "Allowed values"]
    leads = book["Leads"]
    assert [c.value for c in leads[1]] == list(COLUMNS)
    rules = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
        for dv in leads.data_validations.dataValidation
    }
    col = {c.value: c.column_letter for c in leads[1]}
    assert rules[col["vibration_free"]].formula1 == '"true,false"'
    categories = '"1,2,3,3.1,3.2,4,4.1,4.2,5,5.1,5.2,5.3,6"'  # VNG 2009, with the whole 3, 4, 5
    assert rules[col["environmental_category"]].formula1 == categories
    assert rules[col["municipality"]].formula1.startswith("'Allowed values'!$A$2")
    explained = {r[0].value: r for r in book["Columns"].iter_rows(min_row=2)}
    assert set(explained) == set(COLUMNS)
    assert explained["power_mw"][2].value == "MW"
    names = [c.value for c in book["Allowed values"]["A"][1:] if c.value]
    assert len(names) == 342 and "Eindhoven" in names
