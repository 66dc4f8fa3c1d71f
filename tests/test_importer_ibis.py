"""IBIS importer: the real Rijssen-Holten extract, synthetic national-form files, errors."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Polygon, box

from siting._errors import SitingInputError
from siting.importers.ibis import assign_municipality, read_ibis
from siting.layers.load import load_municipalities
from siting.layers.schema import SITES
from siting.layers.validate import parse_table

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
RH_FILE = SHARED / "business_parks" / "IBIS_BEDRIJVENTERREINEN_RijssenHolten.json"
GEMEENTEN = SHARED / "boundaries" / "gemeente_2024.topojson"
needs_shared = pytest.mark.skipif(
    not SHARED.exists(), reason=f"the shared open-data folder {SHARED} is absent"
)
SITE_COLUMNS = [c.name for c in SITES.columns]


# -- helpers ------------------------------------------------------------------------------------


def _square(x: float, y: float, size: float = 0.002) -> list[list[list[float]]]:
    """A lon/lat square ring near (x, y) [degree]."""
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def _write_geojson(path: Path, features: list[dict[str, object]], **extra: object) -> Path:
    collection = {
        "type": "FeatureCollection",
        **extra,
        "features": [
            {
                "type": "Feature",
                "geometry": f.pop(
                    "geometry", {"type": "Polygon", "coordinates": _square(6.4, 52.3)}
                ),
                "properties": f,
            }
            for f in (dict(f) for f in features)
        ],
    }
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _national(**overrides: object) -> dict[str, object]:
    props: dict[str, object] = {
        "RIN_NUMMER": 1001,
        "PLAN_NAAM": "Testpark",
        "GEM_CODES": "1742",
        "HA_BRUTO": 12.5,
        "HA_NETTO": 10.0,
        "HA_TOTTUIT": 2.0,
        "JAAR": 2023,
        "WLOC_TYPE": "Gemengd terrein",
    }
    props.update(overrides)
    return props


def _problems(exc: pytest.ExceptionInfo[SitingInputError]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in exc.value.problems]


# -- the real Rijssen-Holten extract (older field names, areas in m2) ---------------------------


@pytest.fixture(scope="module")
def rijssen_holten() -> gpd.GeoDataFrame:
    if not SHARED.exists():
        pytest.skip(f"the shared open-data folder {SHARED} is absent")
    return read_ibis(RH_FILE)


@pytest.mark.shared_data
@needs_shared
def test_real_extract_dissolves_22_features_into_20_terrains(rijssen_holten):
    frame = rijssen_holten
    assert len(frame) == 20
    assert list(frame.columns) == [*SITE_COLUMNS, "geometry"]
    assert frame.crs.to_epsg() == 28992
    assert frame["site_id"].is_unique
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert frame.attrs["repaired"] == 0
    assert frame.attrs["generation"] == "older"


@pytest.mark.shared_data
@needs_shared
def test_real_extract_areas_converted_from_m2(rijssen_holten):
    by_name = rijssen_holten.set_index("name")
    # OPPBRUTO 750800 m2 / OPPNETTO 628500 m2 in the file
    assert by_name.loc["Noord Deel Oost", "gross_ha"] == pytest.approx(75.08)
    assert by_name.loc["Noord Deel Oost", "net_ha"] == pytest.approx(62.85)
    assert by_name.loc["Plaagslagen", "net_ha"] == pytest.approx(37.3184)
    assert by_name.loc["Noord Deel Oost", "site_id"] == "ibis-692"
    assert rijssen_holten["available_ha"].isna().all()
    assert (rijssen_holten["area_confidence"] == "reported").all()
    # 20 terrains, each figure counted once (summing the 22 features would give 334.2483)
    assert rijssen_holten["gross_ha"].sum() == pytest.approx(332.6637)


@pytest.mark.shared_data
@needs_shared
def test_real_extract_repeated_part_figures_taken_once(rijssen_holten):
    # Veeneslagen (RIN 130060) has three polygons, each carrying OPPBRUTO 7923 m2, which is
    # the area of the three together: the figure is the terrain's, not the part's.
    row = rijssen_holten.set_index("site_id").loc["ibis-130060"]
    assert row["name"] == "Veeneslagen"
    assert row["gross_ha"] == pytest.approx(0.7923)
    assert row.geometry.area / 10_000 == pytest.approx(0.7923, rel=0.01)
    assert "3 IBIS features" in row["notes"]
    assert "taken once" in row["notes"]


@pytest.mark.shared_data
@needs_shared
def test_real_extract_year_is_not_the_area_year(rijssen_holten):
    # JAAR holds 1975, v1900 and the like: the year laid out, not the year of the figures.
    assert rijssen_holten["area_year"].isna().all()
    row = rijssen_holten.set_index("name").loc["Markeloseweg"]
    assert "JAAR v1900" in row["notes"]
    assert row["area_source"] == f"IBIS RIN {row['ibis_rin'][0]}"
    # the extract has no issuable area (no HA_TOTTUIT): availability and status are unknown
    assert row["status"] == "unknown" and np.isnan(row["available_ha"])
    assert row["status_source"] == "the register gives no issuable area"
    assert row["source_url"] == RH_FILE.name
    with_year = read_ibis(RH_FILE, reference_year=2017)
    assert (with_year["area_year"] == 2017).all()
    assert with_year["area_source"].str.endswith(", peiljaar 2017").all()


@pytest.mark.shared_data
@needs_shared
def test_real_extract_points_inside_rijssen_holten(rijssen_holten):
    assert rijssen_holten["gm_code"].isna().all()
    gemeenten = gpd.read_file(GEMEENTEN).set_crs(4326)
    points = gpd.GeoSeries.from_xy(rijssen_holten["lon"], rijssen_holten["lat"], crs=4326)
    rh = gemeenten.loc[gemeenten["statcode"] == "GM1742"].geometry.make_valid().union_all()
    assert points.within(rh).all()
    assigned = assign_municipality(rijssen_holten, gemeenten)
    assert (assigned["gm_code"] == "GM1742").all()
    assert (assigned["municipality"] == "Rijssen-Holten").all()
    assert assigned.attrs["unassigned"] == []
    assert rijssen_holten["gm_code"].isna().all()  # input not mutated


@pytest.mark.shared_data
@needs_shared
def test_real_extract_passes_the_sites_schema(rijssen_holten):
    gemeenten = gpd.read_file(GEMEENTEN).set_crs(4326)
    frame = assign_municipality(rijssen_holten, gemeenten)
    text = pd.DataFrame(frame.drop(columns="geometry")).astype(object)
    text = text.map(lambda v: "" if v is None or v is pd.NA or v != v else str(v))
    _, problems = parse_table(text, SITES, file="sites")
    assert problems == []


# -- synthetic files in the national field-name form (HA_* in ha, GEM_CODES) --------------------


def test_national_form(tmp_path):
    path = _write_geojson(tmp_path / "ibis.geojson", [_national()])
    frame = read_ibis(path)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["site_id"] == "ibis-1001"
    assert row["name"] == "Testpark"
    assert row["gm_code"] == "GM1742"
    assert row["gross_ha"] == pytest.approx(12.5)
    assert row["net_ha"] == pytest.approx(10.0)
    assert row["area_year"] == 2023
    assert row["area_source"] == "IBIS RIN 1001, peiljaar 2023"
    assert row["area_confidence"] == "reported"
    # HA_TOTTUIT is the available area, an upper bound (it can include reserved land)
    assert row["available_ha"] == pytest.approx(2.0)
    assert row["available_ha_year"] == 2023
    assert row["available_ha_confidence"] == "approximate"
    assert row["available_ha_source"] == "IBIS HA_TOTTUIT, peiljaar 2023"
    assert row["status"] == "available" and row["status_date"] == "2023"
    assert row["status_source"] == "IBIS, peiljaar 2023: 2 ha immediately issuable"
    assert row["site_type"] == "business_park"
    assert row["designation"] is None  # "Gemengd terrein" is no code a public source decodes
    assert row["ibis_type"] == ("Gemengd terrein",)
    assert row["ibis_rin"] == ("1001",)
    assert (row["ibis_gross_ha"], row["ibis_net_ha"], row["ibis_issuable_ha"]) == (12.5, 10, 2)
    assert row["location_confidence"] == "reported" and row["location_kind"] == "polygon"
    assert not row[
        ["cleanroom_ready", "vibration_free", "heavy_transport", "shared_facility"]
    ].any()
    assert row["source_url"] == "ibis.geojson"
    assert frame.attrs["generation"] == "national"
    # the representative point of the square, in WGS84 with 6 decimals
    assert 6.4 < row["lon"] < 6.402 and 52.3 < row["lat"] < 52.302
    assert row["lon"] == round(row["lon"], 6)


def test_field_names_case_insensitive_and_gem_code_forms(tmp_path):
    features = []
    for i, code in enumerate(["772", "0772", "GM0772", 772]):
        props = {k.lower(): v for k, v in _national(RIN_NUMMER=i + 1).items()}
        props.pop("gem_codes")
        props["Gem_Code"] = code
        props["geometry"] = {"type": "Polygon", "coordinates": _square(5.4 + i * 0.01, 51.45)}
        features.append(props)
    frame = read_ibis(_write_geojson(tmp_path / "lower.geojson", features), source="WFS IBIS")
    assert (frame["gm_code"] == "GM0772").all()
    assert (frame["source_url"] == "WFS IBIS").all()


def test_parts_with_the_same_rin_are_dissolved_and_summed(tmp_path):
    features = [
        _national(
            HA_BRUTO=3.0,
            HA_NETTO=2.0,
            HA_TOTTUIT=0.5,
            geometry={"type": "Polygon", "coordinates": _square(6.40, 52.3)},
        ),
        _national(
            HA_BRUTO=4.5,
            HA_NETTO=3.0,
            HA_TOTTUIT=0.0,
            geometry={"type": "Polygon", "coordinates": _square(6.41, 52.3)},
        ),
        _national(
            RIN_NUMMER=2002,
            PLAN_NAAM="Ander park",
            geometry={"type": "Polygon", "coordinates": _square(6.45, 52.3)},
        ),
    ]
    frame = read_ibis(_write_geojson(tmp_path / "parts.geojson", features), use_tottuit=True)
    assert list(frame["site_id"]) == ["ibis-1001", "ibis-2002"]
    first = frame.iloc[0]
    assert first["gross_ha"] == pytest.approx(7.5)
    assert first["net_ha"] == pytest.approx(5.0)
    assert first["available_ha"] == pytest.approx(0.5)
    assert first.geometry.geom_type == "MultiPolygon"
    assert "2 IBIS features" in first["notes"]


def test_newest_survey_year_wins_for_a_rin(tmp_path):
    features = [_national(JAAR=2021, HA_BRUTO=9.0), _national(JAAR=2023, HA_BRUTO=12.5)]
    frame = read_ibis(_write_geojson(tmp_path / "years.geojson", features))
    assert len(frame) == 1
    assert frame["gross_ha"].iloc[0] == pytest.approx(12.5)
    assert frame["area_year"].iloc[0] == 2023
    assert frame.attrs["older_years_dropped"] == 1


def test_tottuit_is_the_available_area_and_dates_the_status(tmp_path):
    features = [
        _national(RIN_NUMMER=1, HA_TOTTUIT=2.0),
        _national(
            RIN_NUMMER=2,
            HA_TOTTUIT=0,
            geometry={"type": "Polygon", "coordinates": _square(6.5, 52.3)},
        ),
        _national(
            RIN_NUMMER=3,
            HA_TOTTUIT=None,
            geometry={"type": "Polygon", "coordinates": _square(6.6, 52.3)},
        ),
    ]
    path = _write_geojson(tmp_path / "tottuit.geojson", features)
    frame = read_ibis(path).set_index("site_id")
    assert frame.loc["ibis-1", "available_ha"] == pytest.approx(2.0)
    assert frame.loc["ibis-1", "status"] == "available"
    assert frame.loc["ibis-1", "available_ha_confidence"] == "approximate"
    assert frame.loc["ibis-2", "available_ha"] == 0.0
    assert frame.loc["ibis-2", "status"] == "fully_issued"
    assert (
        frame.loc["ibis-2", "status_source"] == "IBIS, peiljaar 2023: no land immediately issuable"
    )
    assert frame.loc["ibis-2", "status_date"] == "2023"
    assert np.isnan(frame.loc["ibis-3", "available_ha"])
    assert frame.loc["ibis-3", "status"] == "unknown"
    assert frame.loc["ibis-3", "status_date"] is None
    assert frame.loc["ibis-3", "available_ha_confidence"] == "unknown"
    assert (frame["area_confidence"] == "reported").all()

    without = read_ibis(path, use_tottuit=False)
    assert without["available_ha"].isna().all()
    assert (without["status"] == "unknown").all()


def test_a_province_note_makes_a_register_zero_unknown(tmp_path):
    # Groningen's register (peiljaar 2022) shows 0 ha issuable everywhere: a missing figure
    features = [
        _national(RIN_NUMMER=1, GEM_CODES="0014", HA_TOTTUIT=0, JAAR=2022),
        _national(
            RIN_NUMMER=2,
            GEM_CODES="0772",
            HA_TOTTUIT=0,
            geometry={"type": "Polygon", "coordinates": _square(5.45, 51.44)},
        ),
    ]
    path = _write_geojson(tmp_path / "zeros.geojson", features)
    frame = read_ibis(path, municipalities=load_municipalities()).set_index("site_id")
    groningen, eindhoven = frame.loc["ibis-1"], frame.loc["ibis-2"]
    assert np.isnan(groningen["available_ha"]) and groningen["status"] == "unknown"
    assert "groningen-issuable-missing" in groningen["status_source"]
    assert groningen["ibis_issuable_ha"] == 0.0  # the register's own figure is kept
    assert eindhoven["available_ha"] == 0.0 and eindhoven["status"] == "fully_issued"


def test_invalid_polygon_is_repaired_and_counted(tmp_path):
    bowtie = [[[6.40, 52.30], [6.41, 52.31], [6.41, 52.30], [6.40, 52.31], [6.40, 52.30]]]
    path = _write_geojson(
        tmp_path / "bowtie.geojson",
        [_national(geometry={"type": "Polygon", "coordinates": bowtie})],
    )
    frame = read_ibis(path)
    assert frame.attrs["repaired"] == 1
    assert frame.geometry.iloc[0].is_valid
    assert frame.geometry.iloc[0].area > 0
    assert "make_valid" in frame["notes"].iloc[0]


def test_geojson_with_rd_crs_member(tmp_path):
    ring = [list(p) for p in box(230_000, 480_000, 230_300, 480_200).exterior.coords]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
    path = _write_geojson(
        tmp_path / "wfs.json",
        [_national(geometry={"type": "Polygon", "coordinates": [ring]})],
        crs=crs,
    )
    frame = read_ibis(path)
    assert frame.geometry.iloc[0].area == pytest.approx(300 * 200)


def test_geopackage(tmp_path):
    gdf = gpd.GeoDataFrame(
        [_national()], geometry=[box(230_000, 480_000, 230_300, 480_200)], crs=28992
    )
    path = tmp_path / "ibis.gpkg"
    gdf.to_file(path, driver="GPKG")
    frame = read_ibis(path)
    assert frame["gross_ha"].iloc[0] == pytest.approx(12.5)


def test_empty_collection_gives_empty_frame(tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    frame = read_ibis(path)
    assert frame.empty
    assert list(frame.columns) == [*SITE_COLUMNS, "geometry"]


def test_assign_municipality_largest_overlap():
    site = gpd.GeoDataFrame(
        {"site_id": ["s"], "gm_code": [None], "municipality": [None]},
        geometry=[box(0, 0, 10, 10)],
        crs=28992,
    )
    municipalities = gpd.GeoDataFrame(
        {"statcode": ["GM0001", "772"], "statnaam": ["Klein", "Groot"]},
        geometry=[box(-5, -5, 3, 15), box(3, -5, 15, 15)],
        crs=28992,
    )
    out = assign_municipality(site, municipalities)
    assert out["gm_code"].iloc[0] == "GM0772"
    assert out["municipality"].iloc[0] == "Groot"
    kept = assign_municipality(out.assign(gm_code=["GM0001"]), municipalities)
    assert kept["gm_code"].iloc[0] == "GM0001"
    far = site.set_geometry([box(100, 100, 110, 110)], crs=28992)
    assert assign_municipality(far, municipalities).attrs["unassigned"] == ["s"]


# -- errors -------------------------------------------------------------------------------------


def test_missing_fields_are_reported_together(tmp_path):
    path = _write_geojson(tmp_path / "bad.geojson", [{"NAAM": "x", "JAAR": 2023}])
    with pytest.raises(SitingInputError) as exc:
        read_ibis(path)
    text = str(exc.value)
    assert "RIN_NUMMER or RINNUMMER" in text
    assert "PLAN_NAAM or BEDRIJVENT" in text
    assert "HA_BRUTO" in text
    assert "fields found: NAAM, JAAR" in text
    assert len(exc.value.problems) == 3


def test_tottuit_absent_leaves_availability_unknown(tmp_path):
    props = _national()
    props.pop("HA_TOTTUIT")
    frame = read_ibis(_write_geojson(tmp_path / "no_tottuit.geojson", [props]))
    assert frame["available_ha"].isna().all() and (frame["status"] == "unknown").all()


def test_bad_values_are_located(tmp_path):
    features = [
        _national(),
        _national(RIN_NUMMER=2, HA_BRUTO="ca. 12"),
        _national(RIN_NUMMER=3, HA_NETTO=-1.5),
        _national(RIN_NUMMER=None),
        _national(RIN_NUMMER=5, GEM_CODES="Rijssen"),
        _national(RIN_NUMMER=6, JAAR="2023?"),
    ]
    with pytest.raises(SitingInputError) as exc:
        read_ibis(_write_geojson(tmp_path / "values.geojson", features))
    assert _problems(exc) == [
        (4, "RIN_NUMMER"),
        (2, "HA_BRUTO"),
        (3, "HA_NETTO"),
        (5, "GEM_CODES"),
        (6, "JAAR"),
    ]
    messages = [p.message for p in exc.value.problems]
    assert "'ca. 12' is not a number" in messages
    assert any("negative" in m for m in messages)
    assert all(p.file.endswith("values.geojson") for p in exc.value.problems)


def test_bad_geometries_are_located(tmp_path):
    features = [
        _national(RIN_NUMMER=1, geometry={"type": "Point", "coordinates": [6.4, 52.3]}),
        _national(RIN_NUMMER=2, geometry=None),
        _national(RIN_NUMMER=3, geometry={"type": "Polygon", "coordinates": _square(12.0, 48.0)}),
    ]
    with pytest.raises(SitingInputError) as exc:
        read_ibis(_write_geojson(tmp_path / "geoms.geojson", features))
    assert _problems(exc) == [(1, "geometry"), (2, "geometry"), (3, "geometry")]
    assert "Point is not a polygon" in str(exc.value)
    assert "outside the Netherlands" in str(exc.value)


def test_rd_coordinates_without_crs_member(tmp_path):
    ring = [list(p) for p in box(230_000, 480_000, 230_300, 480_200).exterior.coords]
    path = _write_geojson(
        tmp_path / "nocrs.geojson", [_national(geometry={"type": "Polygon", "coordinates": [ring]})]
    )
    with pytest.raises(SitingInputError, match="look like metres"):
        read_ibis(path)


def test_geopackage_without_crs(tmp_path):
    gdf = gpd.GeoDataFrame([_national()], geometry=[Polygon([(0, 0), (1, 0), (1, 1)])])
    path = tmp_path / "nocrs.gpkg"
    with pytest.warns(UserWarning, match="crs"):
        gdf.to_file(path, driver="GPKG")
    with pytest.raises(SitingInputError, match="no CRS"):
        read_ibis(path)


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(SitingInputError, match="file not found"):
        read_ibis(tmp_path / "nope.geojson")
    junk = tmp_path / "junk.geojson"
    junk.write_text("this is not json", encoding="utf-8")
    with pytest.raises(SitingInputError, match="cannot read the file"):
        read_ibis(junk)


def test_bad_reference_year(tmp_path):
    path = _write_geojson(tmp_path / "ibis.geojson", [_national()])
    with pytest.raises(SitingInputError, match="reference_year"):
        read_ibis(path, reference_year=23)
