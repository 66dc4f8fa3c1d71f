"""Importers and derived layers on the real open data files in ../shared/data."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pandas as pd
import pytest

import siting
from siting.importers import cbs, duo
from siting.importers.boundaries import read_municipality_boundaries

from .conftest import EMBEDDED, REPO

pytestmark = pytest.mark.shared_data


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_geodata", REPO / "scripts" / "build_geodata.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_reproduces_the_committed_derived_layers(shared: Path, tmp_path: Path):
    _build_script().main(["--shared", str(shared), "--out", str(tmp_path)])
    for name in (
        "municipalities.csv",
        "stem_talent.csv",
        "sites.csv",
        "grid_areas.csv",
        "grid_area_links.csv",
    ):
        rebuilt = pd.read_csv(tmp_path / name, dtype=str, keep_default_na=False)
        committed = pd.read_csv(EMBEDDED / name, dtype=str, keep_default_na=False)
        pd.testing.assert_frame_equal(rebuilt, committed, obj=name)


def test_build_script_reproduces_the_shipped_boundaries(shared: Path, tmp_path: Path):
    import geopandas as gpd

    for name, text in _build_script().build_boundaries(shared).items():
        committed = EMBEDDED / "boundaries" / name
        if text == committed.read_text(encoding="utf-8"):
            continue  # byte for byte
        # another GEOS may place a vertex a hair apart: the same regions, the same shapes
        (tmp_path / name).write_text(text, encoding="utf-8")
        rebuilt, shipped = gpd.read_file(tmp_path / name), gpd.read_file(committed)
        assert rebuilt.drop(columns="geometry").equals(shipped.drop(columns="geometry")), name
        assert rebuilt.geometry.geom_equals_exact(shipped.geometry, tolerance=1e-4).all(), name


def test_every_site_and_campus_lies_in_the_municipality_it_names(shared: Path):
    report = siting.check_geodata(boundaries=shared / "boundaries" / "gemeente_2024.topojson")
    assert report.ok, [str(p) for p in report.errors]


def test_a_site_placed_in_the_wrong_municipality_is_caught(shared: Path, geodata_copy: Path):
    sites = pd.read_csv(geodata_copy / "sites.csv", dtype=str, keep_default_na=False)
    row = sites.index[sites["gm_code"].eq("GM0772")][0]  # an Eindhoven site ...
    sites.loc[row, "gm_code"] = "GM0014"  # ... said to be in Groningen
    sites.to_csv(geodata_copy / "sites.csv", index=False)
    report = siting.check_geodata(
        geodata_copy, boundaries=shared / "boundaries" / "gemeente_2024.topojson"
    )
    (problem,) = report.errors
    assert problem.row == row + 2 and problem.column == "gm_code"
    assert "km outside the municipality GM0014" in problem.message


def test_boundary_importer_reads_and_repairs_the_cbs_topojson(shared: Path):
    polygons = read_municipality_boundaries(shared / "boundaries" / "gemeente_2024.topojson")
    assert len(polygons) == 342
    assert polygons.crs == "EPSG:28992"
    assert polygons.geometry.is_valid.all()
    assert polygons.attrs["repaired"] >= 1  # the simplified file has a few self-intersections
    eindhoven = polygons.set_index("gm_code").loc["GM0772"]
    assert eindhoven["name"] == "Eindhoven"
    assert 80e6 < eindhoven.geometry.area < 95e6  # Eindhoven is about 88.8 km2


def test_boundary_importer_reads_the_2022_geojson(shared: Path):
    polygons = read_municipality_boundaries(shared / "boundaries" / "gemeenten_2022_nlstat.geojson")
    assert len(polygons) == 345
    assert {"GM1980", "GM1982", "GM1991"} <= set(polygons["gm_code"])


def test_cbs_importer_reads_2021_figures_and_maps_mergers(shared: Path):
    figures = cbs.read_cbs_nlstat(
        shared / "stem_talent" / "cbs_85039NED_gemeente_indicators_nlstat.json"
    )
    assert len(figures) == 352
    amsterdam = figures.set_index("gm_code").loc["GM0363"]
    assert amsterdam["population"] > 850_000
    mergers = siting.load_municipal_mergers()
    current = cbs.to_current_municipalities(
        figures, mergers, set(siting.load_municipalities()["gm_code"])
    )
    assert len(current) == 342
    assert current["population"].sum() == figures["population"].sum()
    by_code = current.set_index("gm_code")
    assert by_code.loc["GM0363", "merged_from"] == ("GM0457",)  # Weesp into Amsterdam
    weesp = figures.set_index("gm_code").loc["GM0457", "population"]
    assert by_code.loc["GM0363", "population"] == amsterdam["population"] + weesp
    assert by_code.loc["GM1982", "confidence"] == "approximate"  # Land van Cuijk, 5 merged


def test_duo_hbo_importer_and_the_technical_rule(shared: Path):
    tidy = duo.read_duo_ho(shared / "stem_talent" / "duo_ingeschrevenhbo_2024.json")
    assert set(tidy["level"]) == {"hbo"}
    assert set(tidy["year"]) == {2020, 2021, 2022, 2023, 2024}
    rows_2024 = tidy[tidy["year"] == 2024]
    assert rows_2024["sector"].eq("techniek").sum() == 891  # 891 techniek rows (SOURCES.md)
    assert rows_2024["suppressed"].any()  # DUO's "<5" cells
    counts = duo.technical_counts(tidy, year=2024).set_index("gm_code")["count"]
    # Eindhoven (Fontys) and Amsterdam have far more technical hbo students than Assen
    assert counts["GM0772"] > 10 * counts.get("GM0106", 0) > 0


def test_duo_wo_natuur_is_not_techniek_and_is_counted_apart(shared: Path):
    folder = shared / "stem_talent" / "duo_2019_tekkieworden"
    tidy = duo.read_duo_ho(folder / "wo_inscriptions_2019.csv")
    assert set(tidy["level"]) == {"wo"}
    counts = duo.technical_counts(tidy, year=2019).set_index("gm_code")["count"]
    assert counts["GM0503"] == counts.max()  # Delft: the largest technical university
    natuur = tidy[(tidy["year"] == 2019) & tidy["sector"].eq("natuur")]
    assert natuur["count"].sum() > 0
    assert not duo.is_technical(natuur).any()  # DUO's techniek is CROHO techniek only
    apart = duo.technical_counts(tidy, year=2019, sector="natuur").set_index("gm_code")
    assert apart["count"].sum() == natuur["count"].sum()
    assert apart.loc["GM0546", "count"] > 1000 and counts.get("GM0546", 0) == 0  # Leiden


def test_duo_mbo_importer_maps_every_place_to_a_municipality(shared: Path):
    tidy = duo.read_duo_mbo(
        shared / "stem_talent" / "duo_2019_tekkieworden" / "mbo_inscriptions_2019.csv"
    )
    codes = duo.place_codes(tidy["place"], siting.load_municipalities())
    assert codes.ne("").all()
    assert set(codes[tidy["place"].eq("HENGELO OV")]) == {"GM0164"}
    # DUO's sector is the rule, whatever the level (entree techniek rows exist in 2015)
    entree = tidy[tidy["qualification_level"].eq(1) & tidy["sector"].eq("techniek")]
    assert len(entree) and duo.is_technical(entree).all()
    ict = tidy[tidy["programme"].str.contains("ICT-beheerder", regex=False)]
    assert len(ict) and not duo.is_technical(ict).any()  # mbo ICT is in sector economie


def test_duo_importer_reports_missing_columns(tmp_path: Path):
    path = tmp_path / "hbo_broken.csv"
    path.write_text("PROVINCIE;GEMEENTENAAM;2019\nUtrecht;Utrecht;5\n", encoding="utf-8")
    with pytest.raises(siting.SitingInputError, match=r"missing column.*GEMEENTENUMMER"):
        duo.read_duo_ho(path)


def test_cbs_statline_importer_on_a_file_in_the_odata_format(tmp_path: Path):
    records = {
        "value": [
            {
                "WijkenEnBuurten": "Nederland",
                "Gemeentenaam_1": "Nederland",
                "SoortRegio_2": "Land",
                "Codering_3": "NL00",
                "AantalInwoners_5": 17811291,
                "k_15Tot25Jaar_9": 1,
                "k_25Tot45Jaar_10": 1,
                "k_45Tot65Jaar_11": 1,
            },
            {
                "WijkenEnBuurten": "Utrecht",
                "Gemeentenaam_1": "Utrecht     ",
                "SoortRegio_2": "Gemeente  ",
                "Codering_3": "GM0344    ",
                "AantalInwoners_5": 367984,
                "k_15Tot25Jaar_9": 64000,
                "k_25Tot45Jaar_10": 126000,
                "k_45Tot65Jaar_11": 80000,
                "OpleidingsniveauLaag_66": 30000,
                "OpleidingsniveauMiddelbaar_67": 60000,
                "OpleidingsniveauHoog_68": 110000,
                "Nettoarbeidsparticipatie_71": 71.5,
            },
        ]
    }
    path = tmp_path / "85984NED.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    frame = cbs.read_cbs_kerncijfers(path)
    (row,) = frame.to_dict("records")
    assert row["gm_code"] == "GM0344" and row["name"] == "Utrecht"
    assert row["population_15_64"] == 270000
    assert row["edu_high_pct"] == pytest.approx(55.0)
    assert row["labour_participation_pct"] == pytest.approx(71.5)


def test_cbs_statline_importer_names_missing_fields(tmp_path: Path):
    path = tmp_path / "wrong.csv"
    path.write_text("Codering_3;SoortRegio_2\nGM0344;Gemeente\n", encoding="utf-8")
    with pytest.raises(siting.SitingInputError, match="AantalInwoners"):
        cbs.read_cbs_kerncijfers(path)
