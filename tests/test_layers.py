"""Loading and checking the layers: the embedded data, broken copies and user folders."""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

import siting
from siting import settings
from siting.layers.schema import LAYERS


def edit_csv(path: Path, row: int, **changes: str) -> None:
    """Change cells of a data row (spreadsheet numbering: the first data row is 2)."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows[row - 2].update(changes)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def problems_of(folder: Path) -> list[str]:
    report = siting.check_geodata(folder)
    assert not report.ok
    return [str(p) for p in report.errors]


# --- the embedded dataset ---------------------------------------------------------------------


def test_embedded_data_loads_in_the_working_crs():
    data = siting.load_geodata()
    for spec in LAYERS:
        frame = getattr(data, spec.name)
        assert len(frame) > 0, spec.name
        assert [c.name for c in spec.columns if c.name in frame.columns] == [
            c.name for c in spec.columns
        ]
        if isinstance(frame, gpd.GeoDataFrame):
            assert frame.crs == settings.working_crs
    assert data.files["sites"].parent == settings.embedded_geodata_dir


def test_embedded_data_meets_the_coverage_the_programme_needs():
    data = siting.load_geodata()
    assert len(data.municipalities) == 342  # CBS 2024 division
    assert len(data.campuses) >= 25
    assert len(data.sites) >= 150
    provinces = set(data.sites["gm_code"].map(data.municipalities.set_index("gm_code")["province"]))
    assert provinces == set(siting.vocab.PROVINCES.values())
    # every municipality has a congestion record and a talent record
    assert set(data.grid_congestion["gm_code"]) == set(data.municipalities["gm_code"])
    assert set(data.stem_talent["gm_code"]) == set(data.municipalities["gm_code"])


def test_embedded_population_adds_up_to_the_cbs_national_total():
    # CBS 85039NED (2021): 17,475,415 inhabitants; mergers must neither lose nor add anyone.
    assert siting.load_municipalities()["population"].sum() == 17_475_415


def test_every_estimate_is_labelled():
    talent = siting.load_geodata().stem_talent
    assert set(talent["workforce_confidence"]) == {"estimate"}
    sites = siting.load_sites()
    for figures, confidence in (
        (["gross_ha", "net_ha"], "area_confidence"),
        (["available_ha"], "available_ha_confidence"),
    ):
        assert set(sites[confidence]) <= set(siting.vocab.CONFIDENCE_LEVELS)
        known = sites[figures].notna().any(axis=1)
        assert not (known & sites[confidence].eq("unknown")).any()
    assert sites.loc[sites["available_ha"].isna(), "available_ha_confidence"].eq("unknown").all()
    # the register's issuable area is an upper bound (it can include reserved land)
    register = sites["available_ha_source"].fillna("").str.startswith("IBIS HA_TOTTUIT")
    assert register.sum() > 3000
    assert sites.loc[register, "available_ha_confidence"].eq("approximate").all()


def test_check_passes_on_the_embedded_data():
    report = siting.check_geodata()
    assert report.ok, [str(p) for p in report.errors]
    assert report.counts["sites"] == len(siting.load_sites())


def test_load_geodata_is_cached_until_a_file_changes(geodata_copy: Path):
    first = siting.load_geodata(geodata_copy)
    assert siting.load_geodata(geodata_copy) is first
    edit_csv(geodata_copy / "sites.csv", 2, name="Renamed park")
    second = siting.load_geodata(geodata_copy)
    assert second is not first
    assert "Renamed park" in set(second.sites["name"])


# --- broken copies: each problem named with file, row and column ------------------------------


def test_missing_column_is_reported(geodata_copy: Path):
    path = geodata_copy / "campuses.csv"
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with path.open("w", encoding="utf-8", newline="") as fh:
        fields = [f for f in rows[0] if f != "nts_domains"]
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    (problem,) = problems_of(geodata_copy)
    assert "campuses.csv" in problem and "missing column(s): nts_domains" in problem


def test_rd_coordinates_in_lonlat_columns_are_a_wrong_crs(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 5, lon="155000", lat="463000")
    (problem,) = problems_of(geodata_copy)
    assert "sites.csv, row 5, column 'lon/lat'" in problem
    assert "wrong CRS" in problem


def test_geojson_layer_with_a_wrong_crs_is_reported(geodata_copy: Path):
    sites = siting.load_sites(geodata_copy)
    (geodata_copy / "sites.csv").unlink()
    wrong = sites.copy()
    # coordinates in RD New metres, but labelled as Web Mercator
    wrong = wrong.set_crs("EPSG:3857", allow_override=True)
    _write_geojson(wrong, geodata_copy / "sites.geojson")
    problems = problems_of(geodata_copy)
    assert len(problems) == len(sites)
    assert all("outside the Netherlands in EPSG:28992" in p for p in problems)


def test_geopackage_without_crs_is_reported(geodata_copy: Path):
    sites = siting.load_sites(geodata_copy)
    (geodata_copy / "sites.csv").unlink()
    no_crs = sites.drop(columns=["lon", "lat"])
    no_crs = no_crs.set_geometry(no_crs.geometry.values).set_crs(None, allow_override=True)
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        _write(no_crs, geodata_copy / "sites.gpkg")
    (problem,) = problems_of(geodata_copy)
    assert "sites.gpkg" in problem and "no CRS" in problem


def test_invalid_geometry_is_reported_with_its_reason(geodata_copy: Path):
    sites = siting.load_sites(geodata_copy)
    (geodata_copy / "sites.csv").unlink()
    x, y = sites.geometry.iloc[3].x, sites.geometry.iloc[3].y
    bowtie = shapely.Polygon([(x, y), (x + 500, y + 500), (x + 500, y), (x, y + 500)])
    geometry = list(sites.geometry)
    geometry[3] = bowtie
    polygons = sites.drop(columns=["lon", "lat"]).set_geometry(
        gpd.GeoSeries(geometry, crs=sites.crs)
    )
    _write(polygons, geodata_copy / "sites.gpkg")
    (problem,) = problems_of(geodata_copy)
    assert "sites.gpkg, row 4, column 'geometry'" in problem
    assert "Self-intersection" in problem


def test_polygon_sites_from_a_geopackage_load(geodata_copy: Path):
    sites = siting.load_sites(geodata_copy)
    (geodata_copy / "sites.csv").unlink()
    plots = sites.drop(columns=["lon", "lat"]).set_geometry(sites.geometry.buffer(200))
    _write(plots, geodata_copy / "sites.gpkg")
    loaded = siting.load_sites(geodata_copy)
    assert (loaded.geometry.geom_type == "Polygon").all()
    assert loaded["lon"].to_numpy() == pytest.approx(sites["lon"].to_numpy(), abs=1e-3)
    table = siting.site_table(geodata_copy)
    assert (table.geometry.geom_type == "Point").all()


def test_negative_area_is_reported(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 7, gross_ha="-3")
    (problem,) = problems_of(geodata_copy)
    assert "sites.csv, row 7, column 'gross_ha': -3 is below the minimum 0" in problem


def test_available_area_above_net_area_is_reported(geodata_copy: Path):
    edit_csv(
        geodata_copy / "sites.csv",
        9,
        gross_ha="10",
        net_ha="8",
        available_ha="9",
        area_confidence="reported",
        status="available",
    )
    (problem,) = problems_of(geodata_copy)
    assert "row 9, column 'available_ha': available_ha 9 exceeds net_ha 8" in problem


def test_unknown_municipality_code_is_reported_with_the_merger_hint(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 4, gm_code="GM0457")
    edit_csv(geodata_copy / "campuses.csv", 3, gm_code="GM9999")
    problems = problems_of(geodata_copy)
    assert len(problems) == 2
    assert any(
        "sites.csv, row 4, column 'gm_code'" in p and "GM0363 (Amsterdam)" in p for p in problems
    )
    assert any(
        "campuses.csv, row 3, column 'gm_code'" in p and "not a current municipality code" in p
        for p in problems
    )


def test_duplicate_ids_are_reported(geodata_copy: Path):
    with (geodata_copy / "campuses.csv").open(encoding="utf-8") as fh:
        first_id = next(iter(csv.DictReader(fh)))["campus_id"]
    edit_csv(geodata_copy / "campuses.csv", 6, campus_id=first_id)
    problems = problems_of(geodata_copy)
    assert any(
        f"campuses.csv, row 6, column 'campus_id': duplicate id '{first_id}' "
        "(first used in row 2)" in p
        for p in problems
    )


def test_all_problems_of_all_layers_come_together(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 2, max_env_category="9", status="sold")
    edit_csv(geodata_copy / "grid_congestion.csv", 10, afname_class="4")
    edit_csv(geodata_copy / "municipalities.csv", 3, population="many")
    with pytest.raises(siting.SitingInputError) as caught:
        siting.load_geodata(geodata_copy)
    located = {(Path(p.file).name, p.row, p.column) for p in caught.value.problems}
    assert {
        ("sites.csv", 2, "max_env_category"),
        ("sites.csv", 2, "status"),
        ("grid_congestion.csv", 10, "afname_class"),
        ("municipalities.csv", 3, "population"),
    } <= located


def test_unknown_campus_of_a_site_is_reported(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 3, campus_id="atlantis")
    (problem,) = problems_of(geodata_copy)
    assert "unknown campus 'atlantis'" in problem


def test_empty_and_non_utf8_files_are_reported(geodata_copy: Path):
    (geodata_copy / "campuses.csv").write_text("")
    (geodata_copy / "sites.csv").write_bytes("name\nCaf\xe9".encode("latin-1"))
    problems = problems_of(geodata_copy)
    assert any("campuses.csv: the file is empty" in p for p in problems)
    assert any("sites.csv: not UTF-8 text" in p for p in problems)


def test_the_hotspots_layer_names_the_programmes_nine_hotspots():
    data = siting.load_geodata()
    hotspots = data.hotspots.set_index("hotspot_id")
    assert len(hotspots) == 9
    assert hotspots.loc["almere", "status"] == "in_development"
    assert set(hotspots["status"]) == {"established", "in_development"}
    assert "GM0503" in hotspots.loc["zuidvleugel", "gm_codes"]  # Delft
    assert "tue" in hotspots.loc["brainport", "campus_ids"]
    known = set(data.municipalities["gm_code"])
    assert all(set(codes) <= known for codes in hotspots["gm_codes"])
    assert all(len(urls) >= 1 for urls in hotspots["source_url"])
    assert (hotspots["source_url"].map(len) == hotspots["source_date"].map(len)).all()
    assert siting.load_hotspots().equals(data.hotspots)


def test_a_hotspot_with_an_unknown_municipality_or_campus_is_reported(geodata_copy: Path):
    edit_csv(geodata_copy / "hotspots.csv", 2, gm_codes="GM0772;GM9999", campus_ids="hte;nowhere")
    problems = problems_of(geodata_copy)
    assert any("hotspots.csv, row 2, column 'gm_codes': 'GM9999'" in p for p in problems)
    assert any("row 2, column 'campus_ids': unknown campus 'nowhere'" in p for p in problems)


def test_a_core_domain_outside_the_hotspots_domains_is_reported(geodata_copy: Path):
    edit_csv(geodata_copy / "hotspots.csv", 2, core_domains="semiconductors;pharma")  # Brainport
    problems = problems_of(geodata_copy)
    assert any(
        "hotspots.csv, row 2, column 'core_domains': 'pharma' is not among" in p for p in problems
    )


def test_a_hotspot_campus_outside_its_municipalities_is_a_warning(geodata_copy: Path):
    edit_csv(geodata_copy / "hotspots.csv", 10, campus_ids="tud")  # Almere, given Delft's campus
    report = siting.check_geodata(geodata_copy)
    assert report.ok
    assert any("campus 'tud' lies in GM0503" in p.message for p in report.warnings)


# --- user folders -----------------------------------------------------------------------------


def test_a_user_folder_may_hold_only_some_layers(tmp_path: Path, geodata_copy: Path):
    own = tmp_path / "own"
    own.mkdir()
    (own / "sites.csv").write_text(
        (geodata_copy / "sites.csv").read_text(encoding="utf-8"), encoding="utf-8"
    )
    data = siting.load_geodata(own)
    assert data.files["sites"] == own / "sites.csv"
    assert data.files["campuses"].parent == settings.embedded_geodata_dir


def test_settings_geodata_dir_is_the_default_folder(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 2, name="Only in the copy")
    settings.geodata_dir = geodata_copy
    assert "Only in the copy" in set(siting.load_sites()["name"])


def test_a_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(siting.SitingInputError, match="data folder not found"):
        siting.load_geodata(tmp_path / "nowhere")


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object and column != frame.geometry.name:
            frame[column] = frame[column].map(lambda v: ";".join(v) if isinstance(v, tuple) else v)
    frame.to_file(path)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path) -> None:
    # GeoJSON is always written as lon/lat; write the metres as they are, with a crs member
    # that claims EPSG:3857, as a mislabelled export would.
    _write(frame, path.with_suffix(".gpkg"))
    gpd.read_file(path.with_suffix(".gpkg")).to_file(path, driver="GeoJSON")
    path.with_suffix(".gpkg").unlink()


def test_the_schema_document_is_up_to_date():
    from siting.layers.schema import schema_markdown

    committed = (settings.embedded_geodata_dir / "README.md").read_text(encoding="utf-8")
    assert committed == schema_markdown(), "run: python scripts/write_schema_doc.py"
