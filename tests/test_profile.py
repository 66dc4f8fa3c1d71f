"""Company profiles: valid files parse; each kind of invalid input gives one clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from siting import SitingInputError
from siting.inputs.profile import load_profile, nest_flat_record, nts_domain_slug, parse_profile

from .conftest import REPO

CASES = sorted((REPO / "models" / "cases").glob("*.toml"))

MINIMAL = """
[company]
id = "t-1"
nts_domains = ["photonics"]
current_location = { municipality = "Eindhoven" }
[needs]
year = 2028
land_ha = 2
power_mw = 1.5
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_example_case_is_a_valid_profile(path: Path):
    profile = load_profile(path)
    assert profile.company.id
    assert profile.needs.year >= 2025


def test_defaults_and_aliases(tmp_path: Path):
    profile = load_profile(write(tmp_path, MINIMAL))
    assert profile.company.nts_domains == ("optical_systems_integrated_photonics",)
    assert profile.needs.talent.total == 0
    assert profile.constraints.space_types == ("space",)
    # unknown facts are questions by default (issue 14); no rule is required verified
    assert profile.constraints.allow_unknown is True
    assert profile.constraints.verify == ()
    assert nts_domain_slug("AI & data science") == "ai_data_science"
    assert nts_domain_slug("Semiconductor technologies") == "semiconductors"


def one_problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(SitingInputError) as caught:
        load_profile(write(tmp_path, text))
    assert len(caught.value.problems) == 1, caught.value
    return str(caught.value.problems[0])


def test_missing_field(tmp_path: Path):
    message = one_problem(tmp_path, MINIMAL.replace("year = 2028\n", ""))
    assert "case.toml, key 'needs.year': required key is missing" in message


def test_negative_power(tmp_path: Path):
    message = one_problem(tmp_path, MINIMAL.replace("power_mw = 1.5", "power_mw = -8"))
    assert "key 'needs.power_mw'" in message and "greater than or equal to 0" in message


def test_unknown_nts_domain(tmp_path: Path):
    message = one_problem(tmp_path, MINIMAL.replace('["photonics"]', '["warp drive"]'))
    assert "key 'company.nts_domains'" in message
    assert "'warp drive'" in message and "allowed: Optical systems" in message


def test_malformed_toml(tmp_path: Path):
    message = one_problem(tmp_path, MINIMAL.replace('id = "t-1"', 'id = "t-1'))
    assert "case.toml: not valid TOML" in message


def test_typo_in_a_key_names_the_allowed_keys(tmp_path: Path):
    message = one_problem(tmp_path, MINIMAL.replace("land_ha", "land_hectares"))
    assert "key 'needs.land_hectares': unknown key; allowed here: year, land_ha" in message


def test_a_missing_file(tmp_path: Path):
    with pytest.raises(SitingInputError, match="file not found"):
        load_profile(tmp_path / "nope.toml")


def test_several_problems_come_together(tmp_path: Path):
    text = (
        MINIMAL.replace("power_mw = 1.5", 'power_mw = "lots"')
        .replace("land_ha = 2", "land_ha = -1")
        .replace('id = "t-1"', "")
    )
    with pytest.raises(SitingInputError) as caught:
        load_profile(write(tmp_path, text))
    keys = {p.column for p in caught.value.problems}
    assert keys == {"company.id", "needs.land_ha", "needs.power_mw"}


def test_location_needs_a_municipality_or_a_full_point(tmp_path: Path):
    message = one_problem(
        tmp_path, MINIMAL.replace('{ municipality = "Eindhoven" }', "{ lat = 52.0 }")
    )
    assert "give both lat and lon" in message


def test_a_flat_record_parses_like_the_toml(tmp_path: Path):
    record = {
        "id": "t-1",
        "nts_domains": "photonics",
        "municipality": "Eindhoven",
        "year": "2028",
        "needs.land_ha": "2",
        "power_mw": "1.5",
        "talent_hbo": "20",
        "exclude_provinces": "Zeeland; Limburg",
        "note": "ignored?",
    }
    nested, unknown = nest_flat_record(record)
    assert unknown == ["note"]
    profile = parse_profile(nested, file="leads.csv", row=7)
    assert profile.needs.land_ha == 2.0
    assert profile.needs.talent.hbo == 20.0
    assert profile.constraints.exclude_provinces == ("Zeeland", "Limburg")
    assert profile == load_profile(write(tmp_path, MINIMAL)).model_copy(
        update={"needs": profile.needs, "constraints": profile.constraints}
    )


def test_a_bad_flat_record_names_the_row(tmp_path: Path):
    nested, _ = nest_flat_record({"id": "x", "year": "soon", "power_mw": "2"})
    with pytest.raises(SitingInputError) as caught:
        parse_profile(nested, file="leads.csv", row=12)
    (problem,) = caught.value.problems
    assert str(problem).startswith("leads.csv, row 12, column 'needs.year'")


# --- names as users write them ------------------------------------------------------------------

#: The NTS names as the ministry writes them (issue 14) and Dutch and short forms users write.
OFFICIAL_NAMES = {
    "Artificial intelligence and data science": "ai_data_science",
    "Process technology, including process intensification": "process_technology",
    "Cybersecurity technologies": "cybersecurity",
    "defence industry": "defence",
    "Optical systems and integrated photonics": "optical_systems_integrated_photonics",
    "Procestechnologie, inclusief procesintensivering": "process_technology",
    "Kunstmatige intelligentie en datawetenschap": "ai_data_science",
    "Halfgeleidertechnologieën": "semiconductors",
    "halfgeleiders": "semiconductors",
    "Defensie-industrie": "defence",
    "Biomoleculaire en celtechnologie": "biomolecular_cell_technologies",
    "(opto)mechatronica": "mechatronics_optomechatronics",
    "farma": "pharma",
    # the tool's earlier labels, still in older files
    "mechatronics and opto-mechatronics": "mechatronics_optomechatronics",
    "process technology, incl. process intensification": "process_technology",
    "AI and data science": "ai_data_science",
}


@pytest.mark.parametrize("name", sorted(OFFICIAL_NAMES))
def test_official_dutch_and_short_domain_names_are_accepted(name: str):
    assert nts_domain_slug(name) == OFFICIAL_NAMES[name]


def test_every_domain_name_in_the_vocabulary_maps_to_its_own_slug():
    from siting import vocab

    for slug in vocab.NTS_DOMAINS:
        names = (
            vocab.NTS_DOMAINS[slug],
            vocab.NTS_DOMAIN_NAMES_NL[slug],
            *vocab.NTS_DOMAIN_SHORT_NAMES[slug],
        )
        assert {nts_domain_slug(n) for n in names} == {slug}, slug


def test_a_comma_inside_an_official_name_does_not_split_it(tmp_path: Path):
    text = MINIMAL.replace(
        'nts_domains = ["photonics"]',
        'nts_domains = "Process technology, including process intensification, '
        'Cybersecurity technologies | halfgeleiders; photonics,quantum"',
    )
    profile = load_profile(write(tmp_path, text))
    assert profile.company.nts_domains == (
        "process_technology",
        "cybersecurity",
        "semiconductors",
        "optical_systems_integrated_photonics",
        "quantum",
    )


def test_a_near_miss_domain_gets_a_suggestion(tmp_path: Path):
    message = one_problem(
        tmp_path, MINIMAL.replace('["photonics"]', '["semiconducter technology"]')
    )
    assert "did you mean Semiconductor technologies?" in message


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("floor_m2 = 1.500", "needs.floor_m2"),
        ("cleanroom_m2 = 12.000", "needs.cleanroom_m2"),
        ("talent = { hbo = 1.200 }", "needs.talent.hbo"),
    ],
)
def test_a_dutch_thousands_separator_is_refused_not_read_as_a_decimal(
    tmp_path: Path, written: str, key: str
):
    message = one_problem(tmp_path, MINIMAL + written + "\n")
    assert f"key '{key}'" in message and "Dutch thousands separator" in message
    value = written.split("= ")[-1].strip(" }")
    assert f"write {value.replace('.', '')}" in message


def test_decimals_that_are_no_thousands_separator_still_read(tmp_path: Path):
    profile = load_profile(
        write(tmp_path, MINIMAL.replace("land_ha = 2", "land_ha = 0.500") + "floor_m2 = 1.5\n")
    )
    assert profile.needs.land_ha == 0.5 and profile.needs.floor_m2 == 1.5


def test_a_needs_year_already_past_is_a_warning_not_an_error(tmp_path: Path):
    from datetime import date

    from siting.inputs.profile import needs_year_warning

    profile = load_profile(write(tmp_path, MINIMAL.replace("year = 2028", "year = 2025")))
    warning = needs_year_warning(profile, today=date(2026, 3, 1))
    assert warning is not None and "2025 is already past" in warning
    assert needs_year_warning(profile, today=date(2025, 12, 31)) is None
    assert needs_year_warning(profile) is not None  # today is later than 2025
