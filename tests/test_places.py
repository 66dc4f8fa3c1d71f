"""Places: municipality names as users write them, and locations outside the Netherlands."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest

import siting
from siting import settings
from siting.inputs.origin import resolve_origin
from siting.inputs.profile import parse_profile
from siting.layers.places import (
    MUNICIPALITY_ALIASES,
    find_municipality,
    km_outside_municipalities,
)
from siting.vocab import fold_name


@pytest.fixture(scope="module")
def munis():
    frame = siting.load_municipalities()
    return frame["gm_code"].tolist(), frame["name"].tolist()


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("Den Haag", "GM0518"),
        ("the hague", "GM0518"),
        ("'s-Gravenhage", "GM0518"),
        ("s Gravenhage", "GM0518"),
        ("’S-GRAVENHAGE", "GM0518"),
        ("Den Bosch", "GM0796"),
        ("Hengelo", "GM0164"),
        ("HENGELO OV", "GM0164"),
        ("Nuenen", "GM0820"),
        ("Súdwest-Fryslân", "GM1900"),
        ("sudwest fryslan", "GM1900"),
        ("0772", "GM0772"),
    ],
)
def test_names_and_common_short_forms_resolve(munis, given: str, code: str):
    assert find_municipality(given, *munis).code == code


def test_every_alias_names_a_current_municipality_and_no_two_names_fold_alike(munis):
    codes, names = munis
    folded = [fold_name(n) for n in names]
    assert len(set(folded)) == len(folded)
    for alias, name in MUNICIPALITY_ALIASES.items():
        assert name in names, alias
        assert find_municipality(alias, codes, names).code == codes[names.index(name)]


@pytest.mark.parametrize(
    ("given", "suggested"),
    [("Eindhovn", "Eindhoven (GM0772)"), ("Groningn", "Groningen (GM0014)"), ("Delf", "Delft")],
)
def test_a_near_miss_gets_did_you_mean(munis, given: str, suggested: str):
    match = find_municipality(given, *munis)
    assert match.code is None
    assert "did you mean" in match.problem and suggested in match.problem


def test_nonsense_gets_no_suggestion_and_a_former_name_its_successor(munis):
    assert "did you mean" not in find_municipality("Atlantis", *munis).problem
    former = find_municipality("Uden", *munis, former_names={"Uden": "GM1991"})
    assert former.code is None and "now part of GM1991 (Maashorst)" in former.problem


def _origin(**location):
    profile = parse_profile(
        {"company": {"id": "x", "current_location": location}, "needs": {"year": 2028}},
        file="case.toml",
    )
    return resolve_origin(profile, siting.load_geodata(), file="case.toml")


@pytest.mark.parametrize(
    ("where", "lat", "lon"),
    [
        ("Antwerp", 51.219, 4.403),
        ("Ghent", 51.05, 3.72),
        ("Aachen", 50.776, 6.084),
        ("North Sea, 80 km off The Hague", 52.3, 3.5),
        ("North Sea, 20 km off Scheveningen", 52.16, 4.0),
    ],
)
def test_a_point_abroad_or_at_sea_is_refused(where: str, lat: float, lon: float):
    with pytest.raises(siting.SitingInputError, match="outside the Netherlands") as caught:
        _origin(lat=lat, lon=lon)
    assert caught.value.problems[0].column == "company.current_location.lat/lon", where


@pytest.mark.parametrize(
    ("where", "lat", "lon"),
    [
        ("Vaals, at the German border", 50.77, 6.02),
        ("Cadzand, on the Belgian border and the coast", 51.37, 3.40),
        ("Maasvlakte", 51.96, 4.02),
        ("Eemshaven", 53.44, 6.83),
        ("Schiermonnikoog", 53.48, 6.16),
    ],
)
def test_points_at_the_edges_of_the_country_are_accepted(where: str, lat: float, lon: float):
    assert _origin(lat=lat, lon=lon) is not None, where


def test_every_site_and_campus_lies_inside_the_municipality_discs():
    data = siting.load_geodata()
    munis = data.municipalities
    xy = np.column_stack([munis.geometry.x, munis.geometry.y])
    extent = munis["extent_km"].to_numpy(dtype=float)
    for layer in (data.sites, data.campuses):
        points = layer.geometry.representative_point()
        for point in points:
            assert km_outside_municipalities((point.x, point.y), xy, extent) == 0.0


def test_every_boundary_point_of_the_country_lies_inside_the_discs(shared):
    boundaries = gpd.read_file(shared / "boundaries" / "gemeente_2024.topojson")
    boundaries = boundaries.set_crs(settings.display_crs).to_crs(settings.working_crs)
    munis = siting.load_municipalities()
    xy = np.column_stack([munis.geometry.x, munis.geometry.y])
    extent = munis["extent_km"].to_numpy(dtype=float)
    vertices = boundaries.geometry.get_coordinates().to_numpy()[::7]  # a sample of vertices
    outside = [km_outside_municipalities(tuple(v), xy, extent) for v in vertices]
    assert max(outside) == 0.0


def test_without_extents_a_fixed_radius_is_used():
    points = np.array([[100_000.0, 400_000.0]])
    assert km_outside_municipalities((100_000.0, 410_000.0), points) == 0.0
    assert km_outside_municipalities((100_000.0, 440_000.0), points) == pytest.approx(24.0)
