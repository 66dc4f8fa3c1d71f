"""Site purpose: what a site is for against what the company will do there (a criterion)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import siting
from siting import vocab
from siting.criteria import site_purpose
from siting.criteria.evaluation import evaluate
from siting.criteria.site_facts import DOMAIN_INDEX, site_facts
from siting.criteria.site_fit import FitFacts, lead_checks, sectors
from siting.inputs.catalogue import load_catalogue
from siting.inputs.profile import parse_profile
from siting.results.values import format_value

from .conftest import REPO

#: designation, allows_production, reserved_for, reserved_by, own campus domains
_SITES = [
    ("business_park", None, None, None, ()),  # 0 plain park
    (None, None, None, None, ()),  # 1 designation unknown
    ("port_industrial", None, None, None, ()),  # 2 seaport land
    ("port_industrial", None, "port_related", "policy", ()),  # 3 port land let by policy
    ("campus", None, None, None, ("semiconductors",)),  # 4 chip campus
    ("campus", None, None, None, ("biomolecular_cell_technologies",)),  # 5 biotech campus
    ("campus", None, None, None, ()),  # 6 campus with no record of its domains
    ("campus", True, None, None, ("semiconductors",)),  # 7 chip campus allowing production
    ("logistics", None, None, None, ()),  # 8 logistics park
    ("business_park", None, "agrifood", None, ()),  # 9 food park
    ("heavy_industry", None, None, None, ()),  # 10 heavy-industry estate
]


def _facts() -> tuple[FitFacts, np.ndarray]:
    table = pd.DataFrame(
        [s[:4] for s in _SITES],
        columns=["designation", "allows_production", "reserved_for", "reserved_by"],
    )
    own = np.zeros((len(_SITES), len(vocab.NTS_DOMAINS)), dtype=bool)
    for i, site in enumerate(_SITES):
        for slug in site[4]:
            own[i, DOMAIN_INDEX[slug]] = True
    return FitFacts.of_table(table), own


def _classes(
    *,
    activity="rnd",
    category=2.0,
    water=False,
    heavy=False,
    domains=("semiconductors",),
    named=(),
) -> list[str]:
    fit, own = _facts()
    checks = lead_checks(
        environmental_category=category,
        water_bound=water,
        heavy_transport=heavy,
        activity=activity,
        hazardous_from=4,
        industrial_from=4,
    )
    belongs = sectors(
        named, water_bound=water, heavy_transport=heavy, environmental_category=category
    )
    need = site_purpose.need_of(
        checks, belongs, activity=activity, domains=[DOMAIN_INDEX[d] for d in domains]
    )
    table = site_purpose.score_table(load_catalogue().criteria["site_purpose"].scores or {})
    codes = site_purpose.lowest(site_purpose.classes(need, fit, own), table)
    return [list(site_purpose.CLASSES)[c] for c in codes]


def test_a_light_lab_is_not_made_for_seaport_or_heavy_land():
    got = _classes()
    assert got[0] == "general" and got[1] == "unknown"
    assert got[2] == got[10] == "heavy_land"
    assert got[3] == "reserved_other"  # the port lets it to port-related companies
    assert got[9] == "reserved_other"  # a food park, for a chip lab


def test_seaport_land_is_made_for_a_quay_bound_or_heavy_need():
    quay = _classes(water=True, activity="production")
    assert quay[2] == quay[3] == quay[10] == "made_for"
    heavy = _classes(category=5.0, activity="production")
    assert heavy[2] == heavy[10] == "made_for"
    assert heavy[3] == "reserved_other"  # a category-5 plant without quay: not port-related
    # a light company that says it is port-related (maritime services) is what the port is for
    port = _classes(named=("port_related",))
    assert port[2] == port[3] == port[10] == "made_for"


def test_a_campus_is_made_for_the_companies_of_its_domains():
    chips = _classes(domains=("semiconductors",))
    assert chips[4] == "made_for"
    assert chips[5] == "campus_other_domains"
    assert chips[6] == "campus_unknown"
    bio = _classes(domains=("biomolecular_cell_technologies",))
    assert bio[4] == "campus_other_domains" and bio[5] == "made_for"
    # a company naming no domain: a campus is a general site for it
    assert _classes(domains=())[4] == "general"


def test_production_on_a_campus_needs_the_campus_to_allow_it():
    got = _classes(activity="production")
    assert got[4] == "campus_production"  # no source says the chip campus allows production
    assert got[7] == "made_for"


def test_a_logistics_park_is_for_heavy_transport_and_a_reserved_park_for_its_sector():
    assert _classes()[8] == "logistics_other"
    assert _classes(heavy=True)[8] == "made_for"
    assert _classes(named=("agrifood",))[9] == "made_for"


def test_the_scores_follow_the_catalogue_and_the_words_name_the_class():
    fit, own = _facts()
    scores = dict(load_catalogue().criteria["site_purpose"].scores or {})
    scores["heavy_land"] = 0.05
    table = site_purpose.score_table(scores)
    need = site_purpose.need_of(
        np.zeros(5, dtype=bool), frozenset(), activity="rnd", domains=[DOMAIN_INDEX["quantum"]]
    )
    rows, group = site_purpose.purpose_rows([need, need], fit, own, table)
    assert rows.shape == (1, len(_SITES)) and list(group) == [0, 0]
    assert rows[0, 2] == 0.05 and rows[0, 0] == scores["general"]
    words = site_purpose.describe(3, need, fit, own, table)
    assert "port-related activity" in words and "land policy" in words
    assert "its campus is active in none" in site_purpose.describe(4, need, fit, own, table)
    # the value reads as the fit it is, whatever the analyst's scores call it
    unit = load_catalogue().criteria["site_purpose"].unit
    assert format_value(0.3, unit) == "0.30 fit, 1 = made for it"


def test_the_words_follow_the_site_table_and_score_table_they_are_asked_for():
    # the class codes are kept per site table, need and score table: a site table changed
    # since (a new FitFacts) or other scores must not get the codes of the earlier one
    fit, own = _facts()
    table = site_purpose.score_table(load_catalogue().criteria["site_purpose"].scores or {})
    need = site_purpose.need_of(
        np.zeros(5, dtype=bool), frozenset(), activity="rnd", domains=[DOMAIN_INDEX["quantum"]]
    )
    site_purpose.purpose_rows([need], fit, own, table)
    words = [site_purpose.describe(i, need, fit, own, table) for i in range(fit.n)]
    assert words[0].endswith("nothing known for or against")
    assert words[1] == "designation unknown"
    assert "land kept for heavy categories" in words[2]
    # the same park, now recorded as seaport land
    moved = pd.DataFrame(
        [("port_industrial", None, None, None)] + [s[:4] for s in _SITES[1:]],
        columns=["designation", "allows_production", "reserved_for", "reserved_by"],
    )
    changed = FitFacts.of_table(moved)
    rows, _ = site_purpose.purpose_rows([need], changed, own, table)
    assert rows[0, 0] == table[site_purpose.CODES["heavy_land"]]
    assert site_purpose.describe(0, need, changed, own, table) == words[2]
    assert site_purpose.describe(0, need, fit, own, table) == words[0]
    # a site of unknown designation reserved for another sector: two classes apply, and the
    # lower-scoring one names it, whichever that is under the scores asked for
    reserved = pd.DataFrame(
        [(None, None, "agrifood", "policy")],
        columns=["designation", "allows_production", "reserved_for", "reserved_by"],
    )
    alone = FitFacts.of_table(reserved)
    none = np.zeros((1, len(vocab.NTS_DOMAINS)), dtype=bool)
    low_unknown = table.copy()
    low_unknown[site_purpose.CODES["unknown"]] = 0.0
    low_unknown[site_purpose.CODES["reserved_other"]] = 0.5
    low_reserved = low_unknown.copy()
    low_reserved[site_purpose.CODES["unknown"]] = 0.9
    assert site_purpose.describe(0, need, alone, none, low_unknown) == "designation unknown"
    assert "reserved for" in site_purpose.describe(0, need, alone, none, low_reserved)
    assert site_purpose.purpose_rows([need], alone, none, low_unknown)[0][0, 0] == 0.0
    assert site_purpose.purpose_rows([need], alone, none, low_reserved)[0][0, 0] == 0.5


_PURPOSE_SCORES = "scores = { made_for = 1.0,"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'normalise = "identity"\n# A judgement',
            'normalise = "minmax"\n# A judgement',
            "normalise = 'identity'",
        ),
        (_PURPOSE_SCORES, "scores = { made_for = 1.5, everything = 1.0,", "a score for each"),
        (_PURPOSE_SCORES, "scores = { made_for = 1.5,", "not in [0, 1]"),
    ],
)
def test_the_catalogue_checks_the_classes(tmp_path, old, new, message):
    text = (REPO / "models" / "criteria.toml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    path = tmp_path / "criteria.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(siting.SitingInputError, match="site_purpose") as err:
        load_catalogue(path)
    assert message in str(err.value)


def test_on_the_national_table_seaport_land_let_by_policy_scores_below_a_business_park():
    profile = parse_profile(
        {
            "company": {"id": "soft", "nts_domains": ["ai_data_science"]},
            "needs": {"year": 2030, "land_ha": 1.0, "environmental_category": 2},
        },
        file="p.toml",
    )
    data = siting.load_geodata()
    table = siting.site_table()
    ev = evaluate(profile, site_facts(table, data.campuses), load_catalogue())
    purpose = next(c for c in ev.criteria if c.name == "site_purpose")
    by_id = dict(zip(table["site_id"], purpose.score, strict=True))
    policy = table.loc[table["reserved_by"].eq("policy"), "site_id"]
    parks = table.loc[
        table["designation"].eq("business_park") & table["reserved_for"].isna(), "site_id"
    ]
    assert len(policy) and len(parks)
    assert max(by_id[s] for s in policy) < min(by_id[s] for s in parks)
    assert purpose.weight > 0
