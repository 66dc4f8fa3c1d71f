"""Environmental categories with the VNG sub-categories: the scale, the rule, profiles, data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import siting
from siting import SitingInputError, vng
from siting.inputs.profile import parse_profile
from siting.layers.schema import Column, LayerSpec
from siting.layers.validate import parse_table


def _slack(site: float, need: float) -> float:
    return float(vng.category_slack(np.array([site]), np.array([[need]]))[0, 0])


def test_the_scale_has_the_ten_steps_of_the_2009_guide_in_order_of_distance():
    assert list(vng.GUIDE_DISTANCE_M) == [1, 2, 3.1, 3.2, 4.1, 4.2, 5.1, 5.2, 5.3, 6]
    distances = list(vng.GUIDE_DISTANCE_M.values())
    assert distances == sorted(distances) and distances[4] == 200 and distances[5] == 300


@pytest.mark.parametrize(
    ("site", "need", "outcome"),
    [
        (4.1, 4.1, 0.0),  # a 4.1 zoning admits a 4.1 activity
        (4.1, 4.2, -1.0),  # ... not a 4.2 one (300 m)
        (4.1, 4.0, None),  # a need of "4" may be 4.2: ask
        (4.0, 4.1, 0.0),  # a site of "4" admits at least 4.1
        (4.0, 4.2, None),  # ... and may stop there (IBIS keeps the main category only)
        (4.0, 4.0, None),
        (4.0, 3.2, 1.0),
        (4.2, 4.0, 0.0),  # 4.2 admits every category-4 activity
        (5.0, 4.0, 1.0),  # 5 is at least 5.1, above any 4
        (3.0, 4.0, -1.0),  # 3 is at most 3.2, below any 4
        (6.0, 5.0, 1.0),  # 6 against 5.3, its highest sub-category
        (np.nan, 3.0, None),
    ],
)
def test_a_site_admits_a_need_by_its_sub_categories_or_it_is_a_question(site, need, outcome):
    got = _slack(site, need)
    if outcome is None:
        assert np.isnan(got)
    else:
        assert got == outcome


def test_only_categories_of_the_scale_are_categories():
    assert all(vng.is_category(v) for v in (1, 2, 3, 3.1, 3.2, 4, 4.1, 4.2, 5, 5.3, 6))
    assert not any(vng.is_category(v) for v in (0, 2.5, 3.3, 4.3, 5.4, 6.1, 7, np.nan))
    assert vng.label(4.0) == "4 (4.1 or 4.2)" and vng.label(4.1) == "4.1"
    assert vng.label(5.0) == "5 (5.1 to 5.3)" and vng.label(np.nan) == "unknown"


def test_a_profile_writes_a_sub_category_and_a_wrong_one_is_refused():
    needs = {"year": 2028, "environmental_category": 4.2}
    profile = parse_profile({"company": {"id": "c"}, "needs": needs}, file="p.toml")
    assert profile.needs.environmental_category == 4.2
    with pytest.raises(SitingInputError, match=r"environmental_category.*4\.3.*VNG"):
        parse_profile(
            {"company": {"id": "c"}, "needs": {**needs, "environmental_category": 4.3}},
            file="p.toml",
        )


def test_a_data_column_keeps_the_sub_category_and_names_a_wrong_cell():
    spec = LayerSpec(
        name="t",
        stem="t",
        id_column="id",
        geometry="none",
        doc="test",
        columns=(Column("id", "str", "id"), Column("cat", "category", "category")),
    )
    raw = pd.DataFrame({"id": ["a", "b", "c", "d"], "cat": ["4.1", "4", "", "4.5"]})
    parsed, problems = parse_table(raw, spec, file="t.csv")
    assert parsed["cat"].iloc[0] == pytest.approx(4.1) and parsed["cat"].iloc[1] == 4.0
    assert parsed["cat"].iloc[2:].isna().all()
    assert [(p.row, p.column) for p in problems] == [(5, "cat")]
    assert "4.5" in problems[0].message and "4.1" in problems[0].message


def test_the_embedded_table_keeps_the_sub_categories_its_sources_state():
    table = siting.site_table().set_index("site_id")
    # the park's own page: "maximale milieucategorie 4.1"; Flevokust Haven 5.3
    assert table.loc["fl-emmeloord-de-munt-b", "max_env_category"] == pytest.approx(4.1)
    assert table.loc["fl-lelystad-flevokust-haven", "max_env_category"] == pytest.approx(5.3)
    assert all(vng.is_category(v) for v in table["max_env_category"].dropna())


def test_a_category_4_plant_is_not_placed_on_a_park_zoned_up_to_4_1_unasked():
    base = {
        "company": {"id": "c", "current_location": {"municipality": "Delft"}},
        "needs": {"year": 2030, "land_ha": 8, "environmental_category": 4.0},
        "constraints": {"verify": ["environmental_category"]},
    }
    ids = [
        r.site_id for r in siting.rank_sites(parse_profile(base, file="p"), top=20).recommendations
    ]
    assert "fl-emmeloord-de-munt-b" not in ids
    base["needs"]["environmental_category"] = 4.1
    ids = [
        r.site_id for r in siting.rank_sites(parse_profile(base, file="p"), top=20).recommendations
    ]
    assert "fl-emmeloord-de-munt-b" in ids


def test_the_sites_step_bounds_are_kept_per_array_and_give_the_same_slacks():
    sites = np.array([1.0, 3.1, 4.0, 5.2, np.nan, 6.0])
    need = np.array([[3.0], [4.2], [1.0]])
    kept = vng.site_steps(sites)
    assert vng.site_steps(sites) is kept  # the same bounds for every lead on these sites
    for got, want in zip(kept, vng.step_bounds(sites), strict=True):
        np.testing.assert_array_equal(got, want)
        assert not got.flags.writeable
    np.testing.assert_array_equal(
        vng.category_slack(sites, need, steps=kept), vng.category_slack(sites, need)
    )
    other = np.array([2.0, 2.0, 2.0, 2.0, 2.0, 2.0])  # another table's sites
    np.testing.assert_array_equal(vng.site_steps(other)[0], vng.step_bounds(other)[0])
    assert vng.site_steps(other)[0].tolist() != kept[0].tolist()
