"""The site table: reach rules on a hand-built instance, and real facts on the embedded data."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import siting
from siting import settings
from siting.layers.load import GeoData
from siting.layers.site_table import (
    SITE_TABLE_COLUMNS,
    STUDENT_COLUMNS,
    build_site_table,
    distance_decay,
)

# --- reach rule on a tiny hand-built instance ---------------------------------------------------


def test_distance_decay_halves_every_half_distance_and_stops_at_the_reach():
    d = np.array([0.0, 15.0, 30.0, 45.0, 45.01, 100.0])
    assert distance_decay(d, reach_km=45, half_km=15) == pytest.approx(
        [1.0, 0.5, 0.25, 0.125, 0.0, 0.0]
    )


def _point(x_km: float, y_km: float) -> shapely.Point:
    return shapely.Point(150_000 + 1000 * x_km, 450_000 + 1000 * y_km)


def _tiny_geodata() -> GeoData:
    """Two municipalities 30 km apart, one site next to A, one campus 10 km east of A."""
    crs = settings.working_crs
    municipalities = gpd.GeoDataFrame(
        {
            "gm_code": ["GM0001", "GM0002"],
            "name": ["A", "B"],
            "province_code": ["PV26", "PV26"],
            "province": ["Utrecht", "Utrecht"],
            "corop_code": ["CR17", "CR17"],
            "corop_name": ["Utrecht", "Utrecht"],
            "labour_market_region_code": ["AM23", "AM23"],
            "labour_market_region": ["Midden-Utrecht", "Midden-Utrecht"],
            "population_15_64": [10_000, 20_000],
        },
        geometry=[_point(0, 0), _point(30, 0)],
        crs=crs,
    )
    talent = gpd.GeoDataFrame(
        {
            "gm_code": ["GM0001", "GM0002"],
            **{f"{lvl}_tech_workforce_est": [1000, 800] for lvl in ("mbo", "hbo", "wo")},
            **{col: [100, 0] for col in STUDENT_COLUMNS.values()},
        },
        geometry=[_point(0, 0), _point(30, 0)],
        crs=crs,
    )
    sites = gpd.GeoDataFrame(
        {
            "site_id": ["s1", "s2"],
            "name": ["near A", "far away"],
            "gm_code": ["GM0001", "GM0002"],
            "available_ha": [5.0, np.nan],
        },
        geometry=[_point(0, 0), _point(200, 0)],
        crs=crs,
    )
    campuses = gpd.GeoDataFrame(
        {
            "campus_id": ["c1"],
            "name": ["Campus"],
            "nts_domains": [("quantum", "imaging")],
            "shared_facilities": [("cleanroom",)],
        },
        geometry=[_point(10, 0)],
        crs=crs,
    )
    grid = gpd.GeoDataFrame(
        {
            "gm_code": ["GM0001"],
            "grid_operator": ["Stedin"],
            "afname_class": [3],
            "status_date": ["2025-01"],
            "expected_relief_year": [2030],
            "headroom_mw": [np.nan],
            "confidence": ["reported"],
        },
        geometry=[_point(0, 0)],
        crs=crs,
    )
    return GeoData(
        municipalities=municipalities,
        municipal_mergers=pd.DataFrame(),
        stem_talent=talent,
        campuses=campuses,
        sites=sites,
        grid_congestion=grid,
    )


def test_talent_reach_sums_distance_weighted_workforce():
    table = build_site_table(_tiny_geodata())
    # s1: A at 0 km (weight 1), B at 30 km (weight 1/4): 1000 + 800/4
    assert table.loc[0, "hbo_talent_reach"] == pytest.approx(1200.0)
    assert table.loc[0, "wo_students_reach"] == pytest.approx(100.0)
    assert table.loc[0, "labour_pool_reach"] == pytest.approx(10_000 + 20_000 / 4)
    # s2 is 170 km from B and 200 km from A: nothing within reach
    assert table.loc[1, "hbo_talent_reach"] == 0.0


def test_reach_settings_change_the_result():
    table = build_site_table(_tiny_geodata(), talent_reach_km=20)
    assert table.loc[0, "hbo_talent_reach"] == pytest.approx(1000.0)  # B now out of reach


def test_campus_facts_and_unknown_grid_class():
    table = build_site_table(_tiny_geodata())
    assert table.loc[0, "nearest_campus_id"] == "c1"
    assert table.loc[0, "nearest_campus_km"] == pytest.approx(10.0)
    assert table.loc[0, "campuses_in_reach"] == ("c1",)
    assert table.loc[0, "campus_domains_in_reach"] == ("quantum", "imaging")
    assert table.loc[0, "campus_facilities_in_reach"] == ("cleanroom",)
    assert table.loc[1, "campuses_in_reach"] == ()
    assert table.loc[1, "nearest_campus_km"] == pytest.approx(190.0)
    # s2's municipality has no congestion record: explicitly unknown, not invented
    assert table.loc[0, "afname_class"] == 3
    assert table.loc[1, "afname_class"] == -1
    assert table.loc[1, "afname_label"] == "unknown"
    assert table.loc[1, "grid_confidence"] == "unknown"


def test_building_does_not_mutate_the_layers():
    data = _tiny_geodata()
    before = data.sites.copy()
    build_site_table(data)
    pd.testing.assert_frame_equal(data.sites, before)


# --- the embedded data: every site, every field filled or explicitly unknown, real facts -----


@pytest.fixture(scope="module")
def table() -> gpd.GeoDataFrame:
    return siting.site_table()


def test_one_row_per_site_with_every_fact(table: gpd.GeoDataFrame):
    sites = siting.load_sites()
    assert list(table["site_id"]) == list(sites["site_id"])
    assert set(SITE_TABLE_COLUMNS) <= set(table.columns)
    always_known = [
        "municipality",
        "province",
        "corop_code",
        "labour_market_region",
        "afname_class",
        "afname_label",
        "grid_confidence",
        "nearest_campus_id",
        "nearest_campus_km",
        "mbo_talent_reach",
        "hbo_talent_reach",
        "wo_talent_reach",
    ]
    assert table[always_known].notna().all().all()
    assert table.crs == settings.working_crs


def test_site_table_is_cached(table: gpd.GeoDataFrame):
    assert siting.site_table() is table


def _site(table: gpd.GeoDataFrame, municipality: str, text: str) -> pd.Series:
    rows = table[
        table["municipality"].eq(municipality) & table["name"].str.contains(text, case=False)
    ]
    assert len(rows) >= 1, f"no site '{text}' in {municipality}"
    return rows.iloc[0]


def test_sites_in_eindhoven_lie_in_noord_brabant_and_near_its_campuses(table):
    eindhoven = table[table["municipality"].eq("Eindhoven")]
    assert len(eindhoven) >= 3
    assert set(eindhoven["province"]) == {"Noord-Brabant"}
    assert set(eindhoven["labour_market_region"]) == {"Zuidoost-Brabant"}
    for campus in ("hte", "tue"):
        assert all(campus in reach for reach in eindhoven["campuses_in_reach"])


def test_a_zernike_site_is_near_the_groningen_campus(table):
    site = _site(table, "Groningen", "Zernike")
    assert site["nearest_campus_id"] == "zernike"
    assert site["nearest_campus_km"] < 2.0
    assert site["province"] == "Groningen"


def test_a_delft_site_has_tu_delft_in_reach_and_strong_wo_talent(table):
    delft = _site(table, "Delft", "Technopolis")
    assert "tud" in delft["campuses_in_reach"]
    # Delft's university-level technical talent pool is far larger than the Zeeland coast's
    zeeland = table[table["province"].eq("Zeeland")]
    assert delft["wo_talent_reach"] > 3 * zeeland["wo_talent_reach"].max()


def test_chemelot_site_lies_in_limburg_next_to_its_campus(table):
    site = table[table["campus_id"].eq("chemelot")].iloc[0]
    assert site["province"] == "Limburg"
    assert site["nearest_campus_id"] == "chemelot"
    assert "process_technology" in site["campus_domains_in_reach"]


def test_remote_regions_have_less_talent_than_the_randstad(table):
    by_province = table.groupby("province")["hbo_talent_reach"].median()
    assert by_province["Zuid-Holland"] > by_province["Drenthe"]
    assert by_province["Noord-Holland"] > by_province["Zeeland"]
