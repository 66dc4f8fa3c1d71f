"""Site fit: a site's designation and zoning decide which activities may go there."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import siting
from siting import vocab
from siting.criteria.evaluation import evaluate
from siting.criteria.site_facts import site_facts
from siting.criteria.site_fit import (
    CHECKS,
    FitFacts,
    describe,
    fit_slack,
    lead_checks,
    requirement,
    sectors,
)
from siting.inputs.catalogue import load_catalogue
from siting.inputs.origin import resolve_origin
from siting.inputs.profile import Constraints, load_profile, parse_profile

from .conftest import REPO

MARITIME = REPO / "models" / "cases" / "case1_maritime_housing.toml"

#: designation, has_quay, allows_production, housing_nearby, heavy_transport, reserved_for,
#: max_env_category (the recorded zoning)
_SITES = pd.DataFrame(
    [
        ("mixed_urban", None, None, True, False, None, None),  # 0 transformation area
        ("business_park", None, None, None, False, None, None),  # 1 plain park
        ("port_industrial", True, None, None, True, None, None),  # 2 port with quay
        ("campus", None, None, None, False, None, None),  # 3 campus, production not stated
        ("campus", None, False, None, False, None, None),  # 4 campus, R&D only
        ("campus", None, True, None, False, None, None),  # 5 campus allowing production
        (None, None, None, None, False, None, None),  # 6 designation unknown
        ("business_park", False, None, None, False, None, None),  # 7 park, no quay
        ("business_park", None, None, True, False, None, None),  # 8 park next to housing
        ("logistics", None, None, None, True, "agrifood", None),  # 9 agro-food logistics park
        ("business_park", None, None, None, False, None, 4),  # 10 park zoned up to 4
        ("business_park", None, None, None, False, None, 3),  # 11 park zoned up to 3
        ("campus", None, True, None, False, None, 5),  # 12 campus on a chemical site, 5
        ("heavy_industry", None, None, None, True, None, None),  # 13 heavy-industry estate
        ("port_industrial", True, None, None, True, None, 3),  # 14 port zoned up to 3
    ],
    columns=[
        "designation",
        "has_quay",
        "allows_production",
        "housing_nearby",
        "heavy_transport",
        "reserved_for",
        "max_env_category",
    ],
)


def _slack(
    *, category=1, water=False, heavy=False, activity="rnd", qualifies=(), industrial_from=4
):
    facts = FitFacts.of_table(_SITES)
    checks = lead_checks(
        environmental_category=category,
        water_bound=water,
        heavy_transport=heavy,
        activity=activity,
        hazardous_from=4,
        industrial_from=industrial_from,
    )
    return fit_slack(checks[None, :], [frozenset(qualifies)], facts, [category])[0]


def _outcome(slack):
    return ["?" if np.isnan(s) else "ok" if s > 0 else "no" for s in slack]


def test_a_hazardous_category_never_goes_next_to_housing():
    got = _outcome(_slack(category=4, industrial_from=7))  # the housing check alone
    assert got[0] == "no" and got[8] == "no"  # mixed urban area; a park next to housing
    assert got[1] == got[2] == "ok"
    assert got[6] == "?"  # designation unknown: a question, not a failure
    assert _outcome(_slack(category=3))[0] == "ok"  # categories below 4 fit a mixed area


def test_a_heavy_category_goes_to_an_industrial_site_or_one_zoned_for_it():
    got = _outcome(_slack(category=4))
    assert got[2] == got[13] == "ok"  # port-industrial, heavy industry
    assert got[12] == "ok"  # recorded zoning admits 5: any category 4
    # zoned "4" (no sub-category) for a need of "4": either may be 4.2 or 4.1, so ask
    assert got[10] == "?"
    assert _outcome(_slack(category=4.1))[10] == "ok"  # 4.1 fits whatever "4" stands for
    assert got[11] == got[14] == "no"  # recorded zoning stops at 3, even in a port
    assert got[3] == got[4] == got[0] == "no"  # a campus or mixed area without a record
    assert got[1] == got[6] == got[7] == "?"  # a plain park, an unknown designation: ask
    assert _outcome(_slack(category=5))[10] == "no"  # zoned up to 4: no category 5
    assert _outcome(_slack(category=3))[3] == "ok"  # category 3 fits a campus plot


def test_the_industrial_check_says_what_the_zoning_admits():
    facts = FitFacts.of_table(_SITES)
    checks = lead_checks(
        environmental_category=5,
        water_bound=False,
        heavy_transport=False,
        activity="rnd",
        hazardous_from=4,
    )
    slack = fit_slack(checks[None, :], [frozenset()], facts, [5])[0]
    assert "zoning stated up to category 4 (4.1 or 4.2): no category 5 (5.1 to 5.3)" in describe(
        10, facts, checks, frozenset(), float(slack[10]), category=5
    )
    assert "to confirm" in describe(1, facts, checks, frozenset(), float(slack[1]), category=5)
    assert "category 5" in requirement(checks, frozenset(), activity="rnd", category=5)


def test_water_bound_needs_a_quay():
    got = _outcome(_slack(water=True))
    assert got[2] == "ok"
    assert got[7] == "no" and got[3] == "no"  # a source says no quay; a campus plot
    assert got[1] == "?" and got[6] == "?"


def test_heavy_transport_not_to_a_campus_or_a_mixed_area():
    got = _outcome(_slack(heavy=True))
    assert got[0] == got[3] == got[4] == "no"
    assert got[1] == got[2] == "ok"  # the heavy_transport rule asks the rest


def test_production_on_a_campus_only_where_allowed():
    production = _outcome(_slack(activity="production"))
    assert production[4] == "no" and production[5] == "ok"
    assert production[3] == "?" and production[6] == "?"
    for activity in ("rnd", "pilot"):
        assert _outcome(_slack(activity=activity))[3:7] == ["ok", "ok", "ok", "ok"]


def test_a_reserved_park_admits_only_its_sector():
    assert _outcome(_slack())[9] == "no"
    assert _outcome(_slack(qualifies=["agrifood"]))[9] == "ok"


def _port_sites() -> pd.DataFrame:
    """A seaport reserved by its zoning, one by its port authority's policy, a plain park."""
    return pd.DataFrame(
        {
            "designation": ["port_industrial", "port_industrial", "business_park"],
            "has_quay": [True, True, None],
            "heavy_transport": [True, True, False],
            "reserved_for": ["port_related", "port_related", None],
            "reserved_by": ["zoning", "policy", None],
        }
    )


def _port_slack(*, category=3.0, water=False, heavy=False, named=()):
    facts = FitFacts.of_table(_port_sites())
    checks = lead_checks(
        environmental_category=category,
        water_bound=water,
        heavy_transport=heavy,
        activity="production",
        hazardous_from=4,
    )
    lead = sectors(named, water_bound=water, heavy_transport=heavy, environmental_category=category)
    return fit_slack(checks[None, :], [lead], facts, [category])[0], facts, checks, lead


def test_seaport_land_is_for_port_related_leads_and_a_policy_makes_it_a_question():
    # an assembly plant of category 3 without quay or heavy transport is no port firm
    slack, facts, checks, lead = _port_slack()
    assert lead == frozenset()
    assert _outcome(slack) == ["no", "?", "ok"]
    assert "reserved for port-related activity" in describe(0, facts, checks, lead, slack[0])
    text = describe(1, facts, checks, lead, slack[1])
    assert "to confirm" in text and "land policy, not the zoning" in text
    # water-bound, or an industrial category with heavy transport: port-related by its needs
    for needs in ({"water": True}, {"category": 4.0, "heavy": True}):
        slack, *_ = _port_slack(**needs)
        assert _outcome(slack)[:2] == ["ok", "ok"], needs
    # heavy transport alone, or category 4 alone, does not make a port firm
    assert _port_slack(heavy=True)[3] == frozenset()
    assert _port_slack(category=4.0)[3] == frozenset()
    # and a company may say it is one
    assert _outcome(_port_slack(named=["port_related"])[0])[:2] == ["ok", "ok"]


def test_every_port_reservation_in_the_site_table_has_its_basis_and_source():
    table = siting.site_table()
    port = table[table["reserved_for"].eq("port_related")]
    assert len(port) > 0
    assert port["reserved_by"].isin(["zoning", "policy"]).all()
    assert port["designation_source"].str.contains("reserved for port_related by").all()
    assert port["designation_source"].str.contains("https://").all()


def test_the_profile_vocabularies_match_the_rule():
    qualifies = Constraints.model_fields["qualifies_for"].annotation.__args__[0].__args__
    assert set(qualifies) == set(vocab.SITE_RESERVATIONS)
    assert len(CHECKS) == 6
    with pytest.raises(siting.SitingInputError, match=r"needs\.activity"):
        parse_profile(
            {"company": {"id": "x"}, "needs": {"year": 2030, "activity": "mining"}}, file="p"
        )


def _maritime():
    profile = load_profile(MARITIME)
    data = siting.load_geodata()
    table = siting.site_table()
    origin = resolve_origin(profile, data, file=str(MARITIME))
    ev = evaluate(profile, site_facts(table, data.campuses), load_catalogue(), origin_xy=origin)
    return table, ev


def test_the_maritime_manufacturer_gets_no_food_park_nor_a_transformation_area():
    table, ev = _maritime()
    feasible = table.loc[ev.feasible]
    assert len(feasible) > 0
    # a water-bound manufacturer is port-related by its needs: seaport land is for it, a
    # food park is not
    assert set(feasible["reserved_for"].dropna()) <= {"port_related"}
    assert feasible["reserved_for"].eq("port_related").any()
    assert not feasible["designation"].isin(["mixed_urban", "campus", "science_park"]).any()
    names = set(feasible["name"])
    for offered_before in ("Nieuw Reijerwaard", "VEILING BLEISWIJK", "Merwe-Vierhavens (M4H)"):
        assert offered_before not in names
    rule = next(c for c in ev.constraints if c.name == "site_fit")
    i = int(np.flatnonzero(table["site_id"].eq("zh-nieuw-reijerwaard"))[0])
    assert "reserved for agrifood" in rule.describe(i)


def test_a_leads_row_says_the_activity_the_quay_and_the_sector():
    from siting.inputs.profile import nest_flat_record

    nested, unknown = nest_flat_record(
        {
            "id": "x",
            "year": "2030",
            "activity": "pilot",
            "water_bound": "true",
            "qualifies_for": "agrifood",
        }
    )
    assert not unknown
    profile = parse_profile(nested, file="leads.csv", row=2)
    assert profile.needs.activity == "pilot" and profile.needs.water_bound
    assert profile.constraints.qualifies_for == ("agrifood",)
    with pytest.raises(siting.SitingInputError, match="qualifies_for"):
        parse_profile({**nested, "constraints": {"qualifies_for": "mining"}}, file="l", row=2)


def test_one_site_rows_equal_the_column_of_all_rows() -> None:
    facts = FitFacts.of_table(_SITES)
    for category in (1.0, 3.0, 3.2, 4.0, 4.2, 5.0, 6.0):
        passes, fails = facts.rows(category)
        for i in range(facts.n):
            one_passes, one_fails = facts.site_rows(category, i)
            assert one_passes.tolist() == passes[:, i].tolist(), (category, i)
            assert one_fails.tolist() == fails[:, i].tolist(), (category, i)
