"""Output files as analysts and GIS users open them: Excel, both CSV dialects, GIS layers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import load_workbook

import siting
from siting.outputs.columns import header
from siting.outputs.gis import write_gis
from siting.outputs.tables import write_csv, write_result

from .conftest import CASES, REPO

LEADS = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"
HOSTILE = '=HYPERLINK("http://example.invalid","x")'


@pytest.fixture(scope="module")
def screened():
    frame = pd.read_csv(LEADS).head(40)
    frame.loc[3, "id"] = HOSTILE
    frame.loc[5, "municipality"] = "Atlantis"  # invalid input: kept, with its reason
    return siting.screen_leads(frame, top=3)


@pytest.fixture(scope="module")
def assigned():
    return siting.assign_leads(pd.read_csv(LEADS).head(40), max_resolves=2, solver="highs")


@pytest.fixture(scope="module")
def ranked():
    return siting.rank_sites(CASES / "case6_two_site_photonics.toml", top=5, solver="enumeration")


def check_workbook(path: Path, *, readable: bool = True) -> dict[str, object]:
    """Every sheet: styled frozen header, a filter over the table, widths, no empty sheet."""
    book = load_workbook(path)
    assert book.sheetnames
    for ws in book.worksheets:
        assert ws.max_row >= 2, f"sheet {ws.title} is empty"
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        for cell in ws[1]:
            assert cell.font.bold and cell.fill.fgColor.rgb.endswith("DDE4EE"), ws.title
            assert isinstance(cell.value, str) and (not readable or "_" not in cell.value)
            width = ws.column_dimensions[cell.column_letter].width
            assert 8 <= width <= 60, (ws.title, cell.value, width)
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate)
    return {ws.title: ws for ws in book.worksheets}


def _column(ws, title: str) -> int:
    heads = [c.value for c in ws[1]]
    assert title in heads, heads
    return heads.index(title) + 1


def _column_letter(ws, title: str) -> str:
    return ws.cell(1, _column(ws, title)).column_letter


def test_screening_workbook_is_styled_and_neutralises_formulas_invisibly(screened, tmp_path):
    sheets = check_workbook(write_result(screened, tmp_path / "s.xlsx")[0])
    assert list(sheets)[:2] == ["Results", "Summary"]
    results = sheets["Results"]
    assert results.max_row == len(screened.rows()) + 1
    ids = [c.value for c in results["A"][1:]]
    assert HOSTILE in ids  # shown as written: no quote, a string cell, never a formula
    cell = results.cell(ids.index(HOSTILE) + 2, 1)
    assert cell.data_type == "s" and cell.value == HOSTILE
    statuses = [c.value for c in results[_column_letter(results, "Status")][1:]]
    placed = statuses.index("ok") + 2  # the first row of a placed lead
    score = results.cell(placed, _column(results, "Score (0-1)"))
    assert score.number_format == "0.000" and isinstance(score.value, float)
    lon = results.cell(placed, _column(results, "Site longitude (WGS84) [°]"))
    assert 3.0 < lon.value < 7.5 and lon.number_format == "0.000000"
    # a lead without a site has empty number cells, not text
    nowhere = statuses.index("no_feasible_site") + 2
    assert results.cell(nowhere, _column(results, "Score (0-1)")).value is None
    assert "Input problems" in sheets  # the Atlantis lead
    # no formula in the package: the raw sheet XML has no <f> element
    with zipfile.ZipFile(tmp_path / "s.xlsx") as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/work"))


def test_assignment_and_ranking_workbooks_have_units_in_headers_and_formats(
    assigned, ranked, tmp_path
):
    sheets = check_workbook(write_result(assigned, tmp_path / "a.xlsx")[0])
    leads = sheets["Leads"]
    land = leads.cell(2, _column(leads, "Plot needed [ha]"))
    assert land.number_format == '#,##0.00" ha"'
    power = leads.cell(2, _column(leads, "Power needed [MW]"))
    assert power.number_format == '#,##0.0" MW"'
    assert {"Leads", "Sites", "Run"} <= set(sheets)
    assert "Regions" not in sheets  # no absorption cap: an empty table gets no sheet

    sheets = check_workbook(write_result(ranked, tmp_path / "r.xlsx")[0])
    assert {"Recommendations", "Two-site pairs", "Exclusion funnel", "All sites", "Run"} <= set(
        sheets
    )
    recs = sheets["Recommendations"]
    assert recs.max_row == len(ranked.recommendations) + 1
    heads = [c.value for c in recs[1]]
    assert "Space: slack [ha]" in heads and "Talent within reach: adds to the score" in heads
    assert sheets["All sites"].max_row == ranked.n_sites + 1
    run = {r[0].value: r[1].value for r in sheets["Run"].iter_rows(min_row=2)}
    assert run["gap"] == "0 (proven optimal)" and run["case"] == ranked.case_id


def test_excel_csv_dialect_reads_back_in_dutch_excel_form(screened, tmp_path):
    path = write_result(screened, tmp_path / "s.csv", csv_dialect="excel")[0]
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    text = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    head = rows[0]
    assert head[:3] == ["lead_id", "input_row", "status"]
    first = next(r for r in rows[1:] if r[head.index("status")] == "ok")  # a placed lead
    assert "," in first[head.index("score")] and "." not in first[head.index("score")]
    back = pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")
    assert len(back) == len(screened.rows())
    assert back["score"].dropna().between(0, 1).all()
    assert back["site_lat"].dropna().between(50.6, 53.8).all()
    assert "'" + HOSTILE in set(back["lead_id"])  # CSV: neutralised with a leading quote


def test_standard_csv_and_json_read_back(assigned, ranked, tmp_path):
    frame = pd.read_csv(write_result(assigned, tmp_path / "a.csv")[0])
    assert list(frame["lead_id"]) == [lead.lead_id for lead in assigned.leads]
    placed = frame[frame["status"] == "placed"]
    assert placed["site_lon"].between(3, 7.5).all() and placed["site_lat"].between(50.6, 53.8).all()
    data = json.loads(write_result(ranked, tmp_path / "r.json")[0].read_text("utf-8"))
    assert data["case_id"] == ranked.case_id and len(data["sites"]) == ranked.n_sites
    text = write_csv(
        pd.DataFrame({"a": ["+1", "ok", "-x"], "b": [0.5, None, 2.0]}), tmp_path / "x.csv"
    )
    assert text.read_text("utf-8").splitlines() == ["a,b", "'+1,0.5", "ok,", "'-x,2.0"]


def test_unknown_format_dialect_and_crs_are_located_errors(ranked, tmp_path):
    with pytest.raises(siting.SitingInputError, match=r"unknown output type '\.txt'"):
        write_result(ranked, tmp_path / "r.txt")
    with pytest.raises(siting.SitingInputError, match="no CSV dialect"):
        write_result(ranked, tmp_path / "r.csv", csv_dialect="german")
    with pytest.raises(siting.SitingInputError, match="EPSG:28992"):
        write_result(ranked, tmp_path / "r.gpkg", crs="EPSG:3035")


def test_header_map_spells_units():
    assert header("available_ha") == "Available area [ha]"
    assert header("power_mw") == "Power needed [MW]"
    assert header("some_new_field") == "Some new field"


# --- GIS --------------------------------------------------------------------------------------


def test_ranking_geopackage_reads_back_in_rd_new_and_wgs84(ranked, tmp_path):
    path = write_result(ranked, tmp_path / "r.gpkg")[0]
    layers = set(gpd.list_layers(path)["name"])
    assert layers == {"sites", "current_location", "pairs"}
    sites = gpd.read_file(path, layer="sites")
    assert sites.crs == "EPSG:28992" and len(sites) == ranked.n_sites
    assert (
        sites.geometry.x.between(0, 300_000).all()
        and sites.geometry.y.between(300_000, 625_000).all()
    )
    top = sites[sites["outcome"] == "recommended"].sort_values("rank")
    assert list(top["site_id"]) == [r.site_id for r in ranked.recommendations]
    assert all(top["reasons"].str.len() > 0)
    excluded = sites[sites["outcome"] == "excluded"]
    assert excluded["reasons"].str.startswith("fails: ").all()
    pairs = gpd.read_file(path, layer="pairs")
    assert (pairs.geometry.geom_type == "LineString").all()
    assert pairs.geometry.length.div(1000).round(1).tolist() == pytest.approx(
        [p.distance_km for p in ranked.pairs], abs=0.2
    )
    wgs = gpd.read_file(
        write_result(ranked, tmp_path / "w.gpkg", crs="EPSG:4326")[0], layer="sites"
    )
    assert wgs.crs == "EPSG:4326"
    first = ranked.recommendations[0]
    row = wgs[wgs["site_id"] == first.site_id].iloc[0]
    assert row.geometry.x == pytest.approx(first.lon, abs=1e-6)
    assert row.geometry.y == pytest.approx(first.lat, abs=1e-6)


def test_screening_layers_keep_every_lead_and_draw_lines(screened, tmp_path):
    written = write_gis(screened, tmp_path / "s.parquet")
    assert [p.name for p in written] == ["s.parquet", "s-top_sites.parquet", "s-sites.parquet"]
    leads = gpd.read_parquet(written[0])
    assert len(leads) == len(screened.leads) and leads.crs == "EPSG:28992"
    assert "name" not in leads.columns  # company names never leave the machine
    invalid = leads[leads["status"] == "invalid_input"]
    assert len(invalid) == 1 and invalid.geometry.isna().all()  # kept, without a location
    lines = gpd.read_parquet(written[1])
    ok = [lead for lead in screened.leads if lead.status == "ok"]
    assert len(lines) == sum(len(lead.sites) for lead in ok)
    assert (lines.geometry.geom_type == "LineString").all()


def test_assignment_geojson_is_wgs84_and_lines_join_leads_to_their_sites(assigned, tmp_path):
    written = write_gis(assigned, tmp_path / "a.geojson")
    leads = gpd.read_file(written[0])
    assert leads.crs == "EPSG:4326" and len(leads) == len(assigned.leads)
    lines = gpd.read_file(tmp_path / "a-assignments.geojson")
    assert len(lines) == assigned.n_placed
    sites = gpd.read_file(tmp_path / "a-sites.geojson")
    ends = lines.geometry.apply(lambda g: g.coords[-1])
    by_site = {r.site_id: (r.geometry.x, r.geometry.y) for r in sites.itertuples()}
    for site_id, end in zip(lines["site_id"], ends, strict=True):
        assert end == pytest.approx(by_site[site_id], abs=1e-6)
