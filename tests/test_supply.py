"""The national site layer: the register, the authored records on top, and their rules."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import siting
from siting import settings
from siting.criteria.site_facts import site_facts
from siting.layers.authored import load_authored
from siting.layers.site_table import facts_to_confirm

from .conftest import EMBEDDED, REPO

REGISTER = Path("business_parks") / "ibis_terrains_2024.tsv"


@pytest.fixture(scope="module")
def sites() -> pd.DataFrame:
    return pd.DataFrame(siting.load_sites().drop(columns="geometry"))


@pytest.fixture(scope="module")
def by_id(sites) -> pd.DataFrame:
    return sites.set_index("site_id")


def register(shared: Path) -> pd.DataFrame:
    frame = pd.read_csv(shared / REGISTER, sep="\t", dtype=str, keep_default_na=False)
    provinces = siting.load_municipalities().set_index("gm_code")["province"]
    frame["province"] = ("GM" + frame["gm"]).map(provinces)
    for col in ("ha_bruto", "ha_netto", "ha_uitgeefbaar"):
        frame[col] = frame[col].astype(float)
    return frame


# --- the build against the register --------------------------------------------------------------


@pytest.mark.shared_data
def test_every_register_terrain_is_in_the_layer_exactly_once(shared, sites):
    terrains = register(shared)
    assert len(terrains) == 3646 and terrains["rin"].is_unique
    rins = [rin for listed in sites["ibis_rin"] for rin in listed]
    assert len(rins) == len(set(rins))  # no terrain counted at two sites
    assert set(rins) == set(terrains["rin"])
    authored = load_authored().sites
    carried = sites["site_id"].isin(authored["site_id"])
    # row count: the terrains no authored site is, plus every authored site
    assert carried.sum() == len(authored)
    assert len(sites) == len(terrains) - sum(len(r) for r in sites.loc[carried, "ibis_rin"]) + len(
        authored
    )
    own = sites[~carried]
    assert (own["site_id"] == "ibis-" + own["ibis_rin"].str[0]).all()


@pytest.mark.shared_data
def test_area_sums_per_province_match_the_register(shared, sites):
    terrains = register(shared)
    expected = terrains.groupby("province")[["ha_bruto", "ha_netto", "ha_uitgeefbaar"]].sum()
    got = sites.groupby("province")[["ibis_gross_ha", "ibis_net_ha", "ibis_issuable_ha"]].sum()
    assert set(got.index) == set(expected.index) == set(siting.vocab.PROVINCES.values())
    for ours, theirs in zip(got.columns, expected.columns, strict=True):
        assert got[ours].to_numpy() == pytest.approx(expected.loc[got.index, theirs].to_numpy())
    assert expected["ha_uitgeefbaar"].sum() == pytest.approx(3224.6192)  # 3,225 ha in all


def test_the_layer_covers_the_country(sites):
    info = siting.data_info(siting.load_geodata())["supply"]
    assert info["sites"] == len(sites) >= 3600
    assert info["provinces"] == 12 and info["municipalities"] >= 338
    assert set(info["known_pct"]) == {
        "area",
        "issuable area",
        "environmental category",
        "designation",
        "status date",
    }
    assert 80 < info["known_pct"]["issuable area"] < 100
    assert info["location_kinds"]["municipality"] > 3000


# --- authored facts on top -----------------------------------------------------------------------


def test_an_authored_site_keeps_its_facts_and_gains_its_terrains(by_id):
    authored = load_authored().sites.set_index("site_id")
    westpoort = by_id.loc["nh-westpoort"]
    assert len(westpoort["ibis_rin"]) == 10  # the harbour basins of one port, summed
    for column in ("lon", "lat", "heavy_transport", "max_env_category", "name"):
        given = authored.loc["nh-westpoort", column]
        assert (pd.isna(westpoort[column]) and pd.isna(given)) or westpoort[column] == given
    assert westpoort["location_kind"] == "site"
    assert westpoort["gross_ha"] == pytest.approx(westpoort["ibis_gross_ha"])
    assert westpoort["area_source"].startswith("IBIS RIN 27201703")
    assert westpoort["designation"] == "port_industrial"


def test_re_checked_statuses_carry_their_dated_source(by_id):
    # sold out by 2021-2023 although the authored records said available (issue 13)
    kampen = by_id.loc["ov-kampen-spoorlanden"]
    assert kampen["status"] == "fully_issued" and kampen["status_date"] == "2023-05"
    assert kampen["available_ha"] == 0 and kampen["ibis_issuable_ha"] > 0
    assert "superseded by the dated status check" in kampen["notes"]
    wijchen = by_id.loc["ge-wijchen-bijsterhuizen"]
    assert wijchen["status"] == "fully_issued" and wijchen["status_date"] == "2022-12"
    assert "gld.nl" in wijchen["status_source"]
    assert "the register files RIN 1077 under GM0268" in wijchen["notes"]


def test_groningen_zeros_are_unknown_not_sold_out(by_id, sites):
    groningen = sites[sites["province"].eq("Groningen") & sites["site_id"].str.startswith("ibis-")]
    assert len(groningen) > 150
    assert groningen["ibis_issuable_ha"].eq(0).all()
    assert groningen["available_ha"].isna().all() and groningen["status"].eq("unknown").all()
    oosterhorn = by_id.loc["gr-delfzijl-oosterhorn"]  # an authored figure stands in
    assert oosterhorn["available_ha"] == 160 and oosterhorn["available_ha_year"] == 2024


def test_no_issuable_land_on_a_campus_is_not_no_room(by_id):
    htce = by_id.loc["nb-htce"]  # High Tech Campus Eindhoven: IBIS lists 0 ha issuable land
    assert htce["ibis_issuable_ha"] == 0 and np.isnan(htce["available_ha"])
    assert "a campus lets floor space" in htce["notes"]
    park = by_id.loc["nb-foodpark-veghel"]  # a business park: the register's 0 is taken
    assert park["available_ha"] == 0 and park["available_ha_year"] == 2024


def test_a_terrain_without_location_sits_at_its_municipality(by_id):
    municipalities = siting.load_municipalities().set_index("gm_code")
    site = by_id.loc["ibis-205007"]  # Agri Business Park, Horst aan de Maas
    assert site["location_kind"] == "municipality"
    place = municipalities.loc[site["gm_code"]]
    assert (site["lon"], site["lat"]) == pytest.approx((place["lon"], place["lat"]))
    table = siting.site_table().set_index("site_id")
    assert table.loc["ibis-205007", "grid_zone_id"] == site["gm_code"]


def test_type_codes_are_decoded_only_where_a_source_says(by_id, sites):
    own = sites[sites["site_id"].str.startswith("ibis-")]
    seaports = own[own["ibis_type"].map(lambda t: t == ("A",))]
    assert seaports["designation"].eq("port_industrial").all()
    assert seaports["has_quay"].eq(True).all()
    gelderland = own[own["ibis_type"].map(lambda t: t == ("B1",))]  # undecoded
    assert len(gelderland) > 100 and gelderland["designation"].isna().mean() > 0.9
    assert by_id.loc["ibis-203589", "name"] == "De Kieën"  # mojibake of the register repaired


def test_register_contradictions_become_unknown_with_the_figures_kept(by_id):
    site = by_id.loc["ibis-2572"]  # VAN CITTERSWEG: net 3.31 ha above gross 3.034 ha
    assert np.isnan(site["gross_ha"]) and site["net_ha"] == pytest.approx(3.31)
    assert site["ibis_gross_ha"] == pytest.approx(3.034)
    assert "above 3.034 ha gross" in site["notes"]


# --- facts to confirm ----------------------------------------------------------------------------


def test_old_or_undated_facts_are_to_confirm():
    frame = pd.DataFrame(
        {
            "available_ha": [3.0, 3.0, 3.0, np.nan],
            "available_ha_year": pd.array([2024, 2020, None, None], dtype="Int64"),
            "status": ["available", "available", "planned", "unknown"],
            "status_date": ["2024", "2019-06", None, None],
        }
    )
    flags = facts_to_confirm(frame, reference_year=2026, max_age_years=5)
    assert flags["available_ha_to_confirm"].tolist() == [False, True, True, False]
    assert flags["status_to_confirm"].tolist() == [False, True, True, False]


def test_facts_to_confirm_are_unknown_to_the_rules():
    table = siting.site_table()
    flagged = table[table["status_to_confirm"]]
    assert len(flagged) > 0
    facts = site_facts(table, siting.load_geodata().campuses)
    assert set(facts.status[flagged.index]) == {"unknown"}
    stale = table["available_ha_to_confirm"].to_numpy()
    assert stale.any() and np.isnan(facts.available_ha[stale]).all()
    settings.facts_reference_year = 2032  # six years after IBIS 2024: the register is stale
    later = siting.site_table()
    assert later["status_to_confirm"].sum() > 3000


# --- authored inputs: located errors -------------------------------------------------------------


def test_authored_tables_report_problems_with_file_row_and_column(tmp_path):
    folder = tmp_path / "authored"
    folder.mkdir()
    for path in (EMBEDDED / "authored").glob("*.csv"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    designations = pd.read_csv(folder / "designations.csv", dtype=str, keep_default_na=False)
    designations.loc[3, "designation"] = "castle"
    designations.to_csv(folder / "designations.csv", index=False)
    links = pd.read_csv(folder / "site_ibis_links.csv", dtype=str, keep_default_na=False)
    links.loc[0, "site_id"] = "no-such-site"
    links.to_csv(folder / "site_ibis_links.csv", index=False)
    with pytest.raises(siting.SitingInputError) as caught:
        load_authored(folder)
    located = {(Path(p.file).name, p.row, p.column) for p in caught.value.problems}
    assert ("designations.csv", 5, "designation") in located
    with pytest.raises(siting.SitingInputError) as caught:
        designations.loc[3, "designation"] = "campus"
        designations.to_csv(folder / "designations.csv", index=False)
        load_authored(folder)
    (problem,) = caught.value.problems
    assert (Path(problem.file).name, problem.row, problem.column) == (
        "site_ibis_links.csv",
        2,
        "site_id",
    )
    assert "unknown site 'no-such-site'" in problem.message


def test_an_older_site_file_still_loads_with_its_dates_filled(geodata_copy):
    old = pd.read_csv(EMBEDDED / "authored" / "sites.csv", dtype=str, keep_default_na=False)
    old.to_csv(geodata_copy / "sites.csv", index=False)  # the 27 columns of the old layer
    sites = siting.load_sites(geodata_copy)
    assert len(sites) == len(old)
    known = sites["available_ha"].notna()
    assert (sites.loc[known, "available_ha_year"] == sites.loc[known, "area_year"]).all()
    assert sites["location_kind"].eq("site").all() and sites["status_date"].isna().all()
    assert siting.site_table(geodata_copy)["status_to_confirm"].all()  # no dated status


# --- import-ibis refreshes the layer -------------------------------------------------------------


def _national_export(path: Path) -> Path:
    """An export in the official field names with polygons: Westpoort's first basin and a new
    terrain in Eindhoven."""
    features = gpd.GeoDataFrame(
        {
            "RIN_NUMMER": [27201703, 990001, 990002],
            "PLAN_NAAM": ["AFRIKAHAVEN", "Nieuw park", "Zonder gemeente"],
            "GEM_CODES": ["GM0363", "0772", "GM0000"],
            "HA_BRUTO": [100.0, 12.0, 3.0],
            "HA_NETTO": [80.0, 10.0, 2.0],
            "HA_TOTTUIT": [5.0, 4.0, 0.0],
            "JAAR": [2025, 2025, 2025],
            "WLOC_TYPE": ["A", "B", "B"],
        },
        geometry=[
            box(116_000, 490_000, 117_000, 491_000),
            box(160_000, 383_000, 160_400, 383_300),
            box(160_500, 383_000, 160_600, 383_100),
        ],
        crs=settings.working_crs,
    )
    features.to_file(path, driver="GeoJSON")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "120", "PATH": ""},
        cwd=REPO,
    )


def test_cli_import_ibis_refreshes_the_layer_with_polygons(tmp_path):
    export = _national_export(tmp_path / "ibis.geojson")
    folder = tmp_path / "data"
    result = run("data", "import-ibis", str(export), "--into", str(folder))
    assert result.returncode == 0, result.stderr
    assert "1 terrain(s) left out: no municipality code (GM0000 or none; RIN 990002)" in (
        result.stderr.replace("\n", " ")
    )
    sites = siting.load_sites(folder).set_index("site_id")
    assert (folder / "sites.gpkg").is_file() and "ibis-990002" not in sites.index
    assert len(sites) == 1 + len(load_authored().sites)
    new = sites.loc["ibis-990001"]
    assert new["location_kind"] == "polygon" and new["gm_code"] == "GM0772"
    assert new["available_ha"] == 4 and new["status_date"] == "2025"
    assert new["designation"] == "business_park" and new["ibis_type"] == ("B",)
    westpoort = sites.loc["nh-westpoort"]  # the authored site, now with the export's outline
    assert westpoort["location_kind"] == "polygon"
    assert westpoort["ibis_rin"] == ("27201703",) and westpoort["gross_ha"] == 100
    assert "not in this export" in westpoort["notes"]  # its other nine basins
    assert siting.load_geodata(folder).sites.geometry.geom_type.isin(["Polygon"]).sum() == 2
    check = run("data", "check", "--geodata", str(folder), "--json")
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True


@pytest.mark.shared_data
def test_cli_import_ibis_fills_codes_from_boundaries(shared, tmp_path):
    export = _national_export(tmp_path / "ibis.geojson")
    folder = tmp_path / "data"
    bounds = shared / "boundaries" / "gemeente_2024.topojson"
    result = run(
        "data",
        "import-ibis",
        str(export),
        "--into",
        str(folder),
        "--boundaries",
        str(bounds),
        "--ibis-only",
    )
    assert result.returncode == 0, result.stderr
    sites = siting.load_sites(folder).set_index("site_id")
    assert list(sites.index) == ["ibis-27201703", "ibis-990001", "ibis-990002"]
    assert sites.loc["ibis-990002", "gm_code"] == "GM0772"  # from the polygon


def test_cli_import_ibis_reads_a_table_without_geometry(tmp_path):
    table = tmp_path / "ibis.csv"
    table.write_text(
        "RIN_NUMMER;PLAN_NAAM;GEM_CODES;HA_BRUTO;HA_NETTO;HA_TOTTUIT;JAAR;WLOC_TYPE\n"
        "990001;Nieuw park;0772;12,5;10;4;2025;B\n"
        "990003;Oud park;GM0457;8;6;0;2025;C1\n",  # Weesp: now part of Amsterdam
        encoding="utf-8",
    )
    folder = tmp_path / "data"
    result = run("data", "import-ibis", str(table), "--into", str(folder), "--ibis-only")
    assert result.returncode == 0, result.stderr
    sites = siting.load_sites(folder).set_index("site_id")
    assert (folder / "sites.csv").is_file()
    municipalities = siting.load_municipalities().set_index("gm_code")
    new, old = sites.loc["ibis-990001"], sites.loc["ibis-990003"]
    assert new["location_kind"] == "municipality" and new["gross_ha"] == 12.5
    assert (new["lon"], new["lat"]) == pytest.approx(
        tuple(municipalities.loc["GM0772", ["lon", "lat"]])
    )
    assert old["gm_code"] == "GM0363" and old["status"] == "fully_issued"
    assert old["designation"] is None  # C1 (retail) maps to no designation
