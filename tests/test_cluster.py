"""Hotspot match and the CBS proxies (housing pressure, accessibility, industrial cluster)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import siting
from siting.criteria import cluster
from siting.criteria.evaluation import evaluate
from siting.criteria.site_facts import site_facts
from siting.inputs.catalogue import load_catalogue
from siting.inputs.profile import parse_profile

from .conftest import EMBEDDED, REPO

PROXIES = ("housing_pressure", "accessibility", "industrial_cluster")


def _profile(domains, space_types=("housing",)):
    return parse_profile(
        {
            "company": {"id": "t", "nts_domains": list(domains)},
            "needs": {"year": 2030, "activity": "rnd", "talent": {"hbo": 10}},
            "constraints": {"space_types": list(space_types)},
        },
        file="t.toml",
    )


def _evaluate(profile):
    data = siting.load_geodata()
    table = siting.site_table()
    return table, evaluate(profile, site_facts(table, data.campuses), load_catalogue())


def _site(table, municipality):
    return int(np.flatnonzero(table["municipality"].eq(municipality).to_numpy())[0])


def test_the_stand_in_note_is_gone_and_the_proxies_say_so():
    text = (REPO / "models" / "criteria.toml").read_text(encoding="utf-8")
    assert "Not available: clustering" not in text
    catalogue = load_catalogue()
    for name in PROXIES:
        assert catalogue.criteria[name].description.startswith("PROXY"), name
        assert "2021" in catalogue.criteria[name].description
    housing = catalogue.presets["housing"]
    assert housing["housing_pressure"] > 0 and housing["accessibility"] > 0


def test_the_site_table_carries_the_hotspot_and_the_municipal_figures():
    table = siting.site_table()
    muni = pd.read_csv(EMBEDDED / "municipalities.csv").set_index("gm_code")
    by_code = table.set_index("site_id")
    eindhoven = by_code.loc["nb-htce"]
    assert eindhoven["hotspot_id"] == "brainport"
    assert "semiconductors" in eindhoven["hotspot_domains"]
    almere = table[table["gm_code"].eq("GM0034")]
    assert set(almere["hotspot_status"]) == {"in_development"}
    coevorden = table[table["municipality"].eq("Coevorden")]
    assert coevorden["hotspot_id"].isna().all()
    for _, row in table.sample(50, random_state=1).iterrows():
        assert row["muni_woz_avg_keur"] == muni.loc[row["gm_code"], "woz_avg_keur"]
        assert row["muni_urbanisation_class"] == muni.loc[row["gm_code"], "urbanisation_class"]
    assert set(table["proxy_year"].dropna()) == {2021}


def test_the_hotspot_match_follows_the_hotspot_domains():
    table, ev = _evaluate(_profile(["quantum"], ("capital",)))
    hot = next(c for c in ev.criteria if c.name == "hotspot_match")
    assert hot.raw[_site(table, "Delft")] == 1.0
    assert hot.raw[_site(table, "Coevorden")] == 0.0
    assert hot.raw[_site(table, "Wageningen")] == 0.0  # Foodvalley: no quantum
    assert hot.weight > 0
    assert "Zuidvleugel" in hot.describe(_site(table, "Delft"))
    _, semis = _evaluate(_profile(["semiconductors"], ("capital",)))
    almere = next(c for c in semis.criteria if c.name == "hotspot_match")
    assert almere.raw[_site(table, "Almere")] == pytest.approx(0.5)  # in development


def test_a_core_domain_of_a_hotspot_counts_fully_and_a_secondary_one_half():
    table, ev = _evaluate(_profile(["mechatronics and opto-mechatronics"], ("capital",)))
    hot = next(c for c in ev.criteria if c.name == "hotspot_match")
    eindhoven, delft = _site(table, "Eindhoven"), _site(table, "Delft")
    assert "mechatronics_optomechatronics" in table["hotspot_core_domains"].iloc[eindhoven]
    assert "mechatronics_optomechatronics" not in table["hotspot_core_domains"].iloc[delft]
    assert "mechatronics_optomechatronics" in table["hotspot_domains"].iloc[delft]
    assert hot.raw[eindhoven] == 1.0
    assert hot.raw[delft] == pytest.approx(load_catalogue().params.hotspot_secondary_factor)
    assert hot.raw[delft] < hot.raw[eindhoven]


def test_every_hotspot_names_core_domains_among_its_domains_with_sources():
    hotspots = siting.load_hotspots()
    for row in hotspots.to_dict("records"):
        assert row["core_domains"], row["hotspot_id"]
        assert set(row["core_domains"]) <= set(row["nts_domains"]), row["hotspot_id"]
        assert len(row["core_source_url"]) == len(row["core_source_date"]) >= 1


def test_housing_pressure_prefers_the_cheaper_housing_market_and_labels_the_proxy():
    table, ev = _evaluate(_profile(["ai_data_science"]))
    housing = next(c for c in ev.criteria if c.name == "housing_pressure")
    amsterdam, enschede = _site(table, "Amsterdam"), _site(table, "Enschede")
    assert housing.raw[amsterdam] > housing.raw[enschede]
    assert housing.score[amsterdam] < housing.score[enschede]
    assert housing.weight > 0
    assert "CBS 2021: a proxy" in housing.describe(amsterdam)
    access = next(c for c in ev.criteria if c.name == "accessibility")
    assert access.score[amsterdam] == 1.0  # very strongly urban
    assert access.score[_site(table, "Coevorden")] == pytest.approx(0.2)  # not urban (class 5)


def test_a_class_reads_as_a_class():
    from siting.results.ranking import format_value

    assert format_value(1.0, "CBS urbanisation class") == "CBS urbanisation class 1"


def test_shared_facilities_count_the_kinds_any_named_domain_offers() -> None:
    # site 0: domain 0 offers kinds 0 and 1, domain 1 kind 1; site 1: domain 2 offers kind 0
    cube = np.zeros((2, 3, 3), dtype=bool)
    cube[0, 0, [0, 1]] = True
    cube[0, 1, 1] = True
    cube[1, 2, 0] = True
    anywhere = np.array([[True, True, True], [True, False, False]])
    rows = np.array([[1, 0, 0], [0, 1, 1], [0, 0, 0]])  # domain 0; domains 1 and 2; none
    count = cluster.facility_cells(rows, np.array([0, 1, 2]), cube, anywhere, kinds=[0, 1])
    whole = np.broadcast_to(count(np.arange(3)[:, None], np.arange(2)[None, :]), (3, 2))
    # a lead naming no domain counts every campus in reach (kind 2 is not counted)
    assert whole.tolist() == [[2.0, 0.0], [1.0, 1.0], [2.0, 1.0]]
    cells = count(np.array([1, 0, 2]), np.array([0, 1, 1]))
    assert cells.tolist() == [whole[1, 0], whole[0, 1], whole[2, 1]]
