"""Capacity-map importer: small files in the real export format, hand-computed results, errors."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from siting._errors import SitingInputError
from siting.importers.capacity_map import read_postcode_areas, read_supply_areas
from siting.importers.grid_fallback import (
    class_shares_by_municipality,
    congestion_by_municipality,
    write_congestion_layer,
)
from siting.layers.schema import GRID_CONGESTION
from siting.layers.validate import parse_table

BOM = "\ufeff"
AREA_HEADER = (
    "voedingsgebied_id;voedingsgebied_naam;RNB;afname;opwek;"
    "aanwezige_transportcapaciteit_afname;benodigde_transportcapaciteit_afname;"
    "wachtrij_afname;unieke_verzoeken_afname;"
    "aanwezige_transportcapaciteit_opwek;benodigde_transportcapaciteit_opwek;"
    "wachtrij_opwek;unieke_verzoeken_opwek"
)
# Three supply areas: A (Liander, class 3), B (Liander, class 1), C (an unknown operator).
AREA_ROWS = [
    'A1;"Amsterdam Noord";"Liander N.V.";3;2;45,5;60,25;12,5;4;10;10;0;0',
    'B2;"Diemen Zuid";"Liander N.V.";1;1;30;20,5;1.234,5;2;5,5;1;;',
    'C3;"Kleine Polder";"Netbeheerder Onbekend";0;0;;;;;;;;',
]
PC_HEADER = "postcode;voedingsgebied_id;tennet_id;gemeentecode;gemeentenaam;afname;opwek"
# Municipality 363 (GM0363): 3 postcodes in class 3, 1 in class 1 -> 3, 75%, approximate.
# Municipality 384 (GM0384): 2 in class 1, 2 in class 3 -> tie -> the worse class 3.
# Municipality 772 (GM0772): 10 in class 0 -> 0, 100%, reported; operator unknown.
PC_ROWS = [
    '1021AA;A1;T10;363;"Amsterdam";3;2',
    '1021AB;A1;T10;0363;"Amsterdam";3;2',
    '1021 AC;A1;T10;GM0363;"Amsterdam";3;2',
    '1022AA;B2;T10;363;"Amsterdam";1;1',
    '1111AA;B2;T11;384;"Diemen";1;1',
    '1111AB;B2;T11;384;"Diemen";1;1',
    '1111AC;A1;T11;384;"Diemen";3;2',
    '1111AD;A1;T11;384;"Diemen";3;2',
    *[f'5600A{c};C3;T12;772;"Eindhoven";0;0' for c in "ABCDEFGHIJ"],
]


def _write(path: Path, header: str, rows: list[str], *, bom: bool = True) -> Path:
    text = (BOM if bom else "") + "\r\n".join([header, *rows]) + "\r\n"
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.fixture
def areas_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "voedingsgebieden.csv", AREA_HEADER, AREA_ROWS)


@pytest.fixture
def postcodes_file(tmp_path: Path) -> Path:
    return _write(tmp_path / "congestie_pc6.csv", PC_HEADER, PC_ROWS)


@pytest.fixture
def layer(areas_file: Path, postcodes_file: Path) -> pd.DataFrame:
    areas = read_supply_areas(areas_file)
    postcodes = read_postcode_areas(postcodes_file)
    return congestion_by_municipality(postcodes, areas, status_date="2025-01-31").set_index(
        "gm_code", drop=False
    )


# -- reading ---------------------------------------------------------------------------------------


def test_read_supply_areas(areas_file):
    areas = read_supply_areas(areas_file)
    assert list(areas["zone_id"]) == ["A1", "B2", "C3"]
    assert list(areas.index) == [2, 3, 4]
    assert areas["zone_name"].iloc[0] == "Amsterdam Noord"
    assert list(areas["grid_operator"]) == ["Liander", "Liander", None]
    assert areas["rnb"].iloc[2] == "Netbeheerder Onbekend"
    assert list(areas["afname_class"]) == [3, 1, 0]
    assert list(areas["opwek_class"]) == [2, 1, 0]
    assert areas["afname_available_mw"].iloc[0] == pytest.approx(45.5)
    assert areas["afname_required_mw"].iloc[0] == pytest.approx(60.25)
    assert areas["afname_queue_mw"].iloc[1] == pytest.approx(1234.5)
    assert areas["opwek_available_mw"].iloc[1] == pytest.approx(5.5)
    assert math.isnan(areas["opwek_queue_mw"].iloc[1])
    assert areas[["afname_available_mw", "afname_queue_mw"]].iloc[2].isna().all()
    assert areas.attrs["absent_columns"] == []


def test_header_case_and_missing_optional_columns(tmp_path):
    path = _write(
        tmp_path / "va.csv",
        "Voedingsgebied_ID;Voedingsgebied Naam;rnb;AFNAME",
        ['X;"Zone X";"Stedin Netbeheer B.V.";2'],
        bom=False,
    )
    areas = read_supply_areas(path)
    assert areas["grid_operator"].iloc[0] == "Stedin"
    assert areas["afname_class"].iloc[0] == 2
    assert areas["opwek_class"].isna().all()  # no such column: the class is not published
    assert areas["afname_available_mw"].isna().all()
    assert "wachtrij_afname" in areas.attrs["absent_columns"]


def test_read_postcode_areas(postcodes_file):
    pcs = read_postcode_areas(postcodes_file)
    assert len(pcs) == len(PC_ROWS)
    assert list(pcs.columns[:4]) == ["postcode", "zone_id", "gm_code", "municipality"]
    assert pcs["postcode"].iloc[2] == "1021AC"
    assert set(pcs["gm_code"]) == {"GM0363", "GM0384", "GM0772"}
    assert pcs["municipality"].iloc[0] == "Amsterdam"
    assert list(pcs["afname_class"].iloc[:4]) == [3, 3, 3, 1]
    assert pcs["tennet_id"].iloc[0] == "T10"


@pytest.mark.parametrize("column", ["gemeente_code", "GM_CODE", "Gemeentecode"])
def test_municipality_code_column_names(tmp_path, column):
    path = _write(
        tmp_path / "pc.csv",
        f"Postcode;voedingsgebied_id;{column};afname",
        ["1234AB;Z;772;2", "1234AC;Z;GM0772;2"],
    )
    assert list(read_postcode_areas(path)["gm_code"]) == ["GM0772", "GM0772"]


# -- aggregation: hand-computed -------------------------------------------------------------------


def test_majority_class_and_confidence(layer):
    assert list(layer.columns) == [c.name for c in GRID_CONGESTION.columns]
    assert list(layer["gm_code"]) == ["GM0363", "GM0384", "GM0772"]
    assert layer.loc["GM0363", "afname_class"] == 3  # 3 of 4 postcodes
    assert layer.loc["GM0363", "confidence"] == "approximate"  # 75% < 90%
    assert layer.loc["GM0772", "afname_class"] == 0
    assert layer.loc["GM0772", "confidence"] == "reported"  # 100%
    assert layer.loc["GM0363", "municipality"] == "Amsterdam"
    assert layer["status_date"].eq("2025-01-31").all()
    assert layer["province"].isna().all()
    assert layer["expected_relief_year"].isna().all()


def test_tie_goes_to_the_worse_class(layer):
    # Diemen: 2 postcodes in class 1 and 2 in class 3
    assert layer.loc["GM0384", "afname_class"] == 3
    assert layer.loc["GM0384", "confidence"] == "approximate"


def test_headroom_and_queue_sums(layer):
    # Amsterdam and Diemen are both fed by A1 and B2:
    #   A1: max(0, 45.5 - 60.25) = 0; B2: max(0, 30 - 20.5) = 9.5  -> headroom 9.5 MW
    #   queue 12.5 + 1234.5 = 1247 MW
    for gm in ("GM0363", "GM0384"):
        assert layer.loc[gm, "headroom_mw"] == pytest.approx(9.5)
        assert layer.loc[gm, "queue_mw"] == pytest.approx(1247.0)
    # C3 has no capacity figures: both unknown
    assert math.isnan(layer.loc["GM0772", "headroom_mw"])
    assert math.isnan(layer.loc["GM0772", "queue_mw"])
    assert "headroom unknown" in layer.loc["GM0772", "basis"]


def test_operator_of_most_postcodes(layer):
    assert layer.loc["GM0363", "grid_operator"] == "Liander"
    assert layer.loc["GM0772", "grid_operator"] is None
    assert "Netbeheerder Onbekend" in layer.loc["GM0772", "basis"]


def test_basis_and_source_text(layer):
    assert layer.loc["GM0363", "basis"] == (
        "capacity map 2025-01-31: 75% of 4 postcodes in class 3, 25% in class 1 (2 supply areas)"
    )
    assert layer.loc["GM0384", "basis"] == (
        "capacity map 2025-01-31: 50% of 4 postcodes in class 3, 50% in class 1 (2 supply areas)"
    )
    assert layer.loc["GM0363", "source_url"] == (
        "capacity map export congestie_pc6.csv, voedingsgebieden.csv"
    )


def test_postcode_without_own_class_takes_the_supply_area_class(tmp_path, areas_file):
    path = _write(
        tmp_path / "pc.csv",
        "postcode;voedingsgebied_id;gemeentecode;afname",
        ["1000AA;B2;363;", "1000AB;B2;363;", "1000AC;A1;363;3", "1000AD;;363;"],
    )
    out = congestion_by_municipality(
        read_postcode_areas(path), read_supply_areas(areas_file), status_date="2025-01"
    )
    # B2 -> class 1 twice; A1 -> 3; no area and no class -> -1 (no information)
    assert out["afname_class"].iloc[0] == 1
    assert "2 postcodes take the class of their supply area" in out["basis"].iloc[0]
    assert "25% with no information (class -1)" in out["basis"].iloc[0]
    shares = class_shares_by_municipality(read_postcode_areas(path), read_supply_areas(areas_file))
    assert shares["share_class_1"].iloc[0] == pytest.approx(0.5)
    assert shares["share_unknown"].iloc[0] == pytest.approx(0.25)


def test_class_shares(areas_file, postcodes_file):
    shares = class_shares_by_municipality(
        read_postcode_areas(postcodes_file), read_supply_areas(areas_file)
    ).set_index("gm_code")
    assert list(shares.columns) == [
        "n_postcodes",
        "share_class_0",
        "share_class_1",
        "share_class_2",
        "share_class_3",
        "share_unknown",
    ]
    assert shares.loc["GM0363", "n_postcodes"] == 4
    assert shares.loc["GM0363", "share_class_3"] == pytest.approx(0.75)
    assert shares.loc["GM0363", "share_class_1"] == pytest.approx(0.25)
    assert shares.loc["GM0772", "share_class_0"] == pytest.approx(1.0)
    sums = shares.drop(columns="n_postcodes").sum(axis=1)
    assert sums.to_numpy() == pytest.approx([1.0, 1.0, 1.0])


def test_write_layer_round_trip(layer, tmp_path):
    path = write_congestion_layer(layer, tmp_path / "grid_congestion.csv")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(c.name for c in GRID_CONGESTION.columns)
    assert ",9.5,1247," in text
    assert ";" not in text.replace("; ", "")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    parsed, problems = parse_table(raw, GRID_CONGESTION, file=str(path))
    assert problems == []
    assert list(parsed["afname_class"]) == [3, 3, 0]
    assert parsed["headroom_mw"].iloc[0] == pytest.approx(9.5)


def test_empty_header_only_files_give_empty_results(tmp_path):
    areas = read_supply_areas(_write(tmp_path / "va.csv", AREA_HEADER, []))
    pcs = read_postcode_areas(_write(tmp_path / "pc.csv", PC_HEADER, []))
    out = congestion_by_municipality(pcs, areas, status_date="2025-01")
    assert out.empty
    assert list(out.columns) == [c.name for c in GRID_CONGESTION.columns]
    assert class_shares_by_municipality(pcs, areas).empty


# -- errors ----------------------------------------------------------------------------------------


def test_missing_column_lists_the_columns_found(tmp_path):
    path = _write(tmp_path / "pc.csv", "postcode;gemeente;afname", ["1234AB;772;1"])
    with pytest.raises(SitingInputError) as exc:
        read_postcode_areas(path)
    text = str(exc.value)
    assert "missing column 'voedingsgebied_id'" in text
    assert "missing column 'gemeentecode'" in text
    assert "columns found: postcode, gemeente, afname" in text
    assert all(p.file == str(path) for p in exc.value.problems)


def test_bad_numbers_and_classes_are_located(tmp_path):
    rows = [
        'A1;"Zone A";"Enexis";3;0;veel;10;;;;;;',
        'B2;"Zone B";"Enexis";7;0;10;-5;;;;;;',
        'C3;"Zone C";"Enexis";rood;0;10;5;;;;;;',
        'A1;"Zone A bis";"Enexis";1;0;1;1;;;;;;',
    ]
    with pytest.raises(SitingInputError) as exc:
        read_supply_areas(_write(tmp_path / "va.csv", AREA_HEADER, rows))
    located = {(p.row, p.column) for p in exc.value.problems}
    assert located == {
        (3, "afname"),
        (4, "afname"),
        (2, "aanwezige_transportcapaciteit_afname"),
        (3, "benodigde_transportcapaciteit_afname"),
        (5, "voedingsgebied_id"),
    }
    text = str(exc.value)
    assert "'7' is not a colour code" in text
    assert "'veel' is not a number" in text
    assert "negative" in text
    assert "duplicate supply-area id 'A1' (first in row 2)" in text


def test_bad_postcode_rows_are_located(tmp_path):
    rows = ["1234AB;Z;772;1", "12345;Z;772;1", "1234AC;Z;gemeente;1", "1234AD;Z;;7"]
    path = _write(tmp_path / "pc.csv", "postcode;voedingsgebied_id;gemeentecode;afname", rows)
    with pytest.raises(SitingInputError) as exc:
        read_postcode_areas(path)
    assert {(p.row, p.column) for p in exc.value.problems} == {
        (3, "postcode"),
        (4, "gemeentecode"),
        (5, "gemeentecode"),
        (5, "afname"),
    }


def test_unknown_supply_area_is_located_in_the_postcode_file(tmp_path, areas_file):
    path = _write(
        tmp_path / "pc.csv",
        "postcode;voedingsgebied_id;gemeentecode;afname",
        ["1000AA;A1;363;3", "1000AB;ZZ9;363;3"],
    )
    with pytest.raises(SitingInputError) as exc:
        congestion_by_municipality(
            read_postcode_areas(path), read_supply_areas(areas_file), status_date="2025-01"
        )
    (problem,) = exc.value.problems
    assert (problem.file, problem.row, problem.column) == (str(path), 3, "voedingsgebied_id")
    assert "'ZZ9'" in problem.message


def test_bad_status_date(postcodes_file, areas_file):
    with pytest.raises(SitingInputError, match="status_date"):
        congestion_by_municipality(
            read_postcode_areas(postcodes_file),
            read_supply_areas(areas_file),
            status_date="januari 2025",
        )


@pytest.mark.parametrize("content", [b"", BOM.encode("utf-8") + b"\r\n", b"   \n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "voedingsgebieden.csv"
    path.write_bytes(content)
    with pytest.raises(SitingInputError, match="the file is empty"):
        read_supply_areas(path)
    with pytest.raises(SitingInputError, match="the file is empty"):
        read_postcode_areas(path)


def test_missing_file(tmp_path):
    with pytest.raises(SitingInputError, match="file not found"):
        read_supply_areas(tmp_path / "nope.csv")


def test_many_bad_rows_are_capped(tmp_path):
    rows = [f"{1000 + i}AA;Z;772;9" for i in range(50)]
    path = _write(tmp_path / "pc.csv", "postcode;voedingsgebied_id;gemeentecode;afname", rows)
    with pytest.raises(SitingInputError) as exc:
        read_postcode_areas(path)
    assert len(exc.value.problems) == 21
    assert "30 more rows" in exc.value.problems[-1].message


def test_write_rejects_incomplete_or_invalid_frames(layer, tmp_path):
    with pytest.raises(SitingInputError, match="lacks column"):
        write_congestion_layer(layer.drop(columns="basis"), tmp_path / "g.csv")
    bad = layer.copy()
    bad["afname_class"] = [3, 5, 0]
    with pytest.raises(SitingInputError, match="above the maximum"):
        write_congestion_layer(bad, tmp_path / "g.csv")
    assert not (tmp_path / "g.csv").exists()


# -- the 2025 files as published: no class, no name; TenneT areas and stations ------------------

REAL_AREA_HEADER = (
    "voedingsgebied_id;jaar;aanwezige_transportcapaciteit_invoeding;"
    "aanwezige_transportcapaciteit_afname;benodigde_transportcapaciteit_invoeding;"
    "benodigde_transportcapaciteit_afname;unieke_verzoeken_invoeding;unieke_verzoeken_afname;"
    "wachtrij_invoeding;wachtrij_afname;info;congestie_url;jaartal_opgelost_invoeding;"
    "jaartal_opgelost_afname;kwartaal;start;eind;RNB"
)
REAL_AREA_ROWS = [
    "OS DOKKUM 10-1i;2025;22,0;22,0;26,4;18,7;12,0;17,0;2,476;6,99953;;;2031,0;2031,0;4,0;"
    "2025-01-01;2025-12-31;Liander",
    "OS DOETINCHEM 20-7i;2025;;;;;;;;;;;;;4,0;2025-01-01;2025-12-31;Liander",
    "HGV;2025;96,77;102,99;82,52;80,80;28,0;46,0;8,424;41,96;2a, 2b, 3a, 3b worden door "
    "bovenliggende netbeheerder bepaald;;2027,0;2025,0;;;;Enexis, Rendo",
    "TT228_10;2025;;;;;0,0;18,0;0,0;3,377;;;;;;;;Stedin",
    "CM12;2025;;40,0;;65,0;;;;6,276;;;;2035,0;;;;Stedin",
]
REAL_TENNET_AREAS = [
    "congestiegebied;aanwezige_transportcapaciteit_invoeding;aanwezige_transportcapaciteit_afname;"
    "benodigde_transportcapaciteit_invoeding;benodigde_transportcapaciteit_afname;info;"
    "unieke_verzoeken_invoeding;unieke_verzoeken_afname;wachtrij_invoeding;wachtrij_afname;"
    "jaartal_opgelost_invoeding;jaartal_opgelost_afname",
    "Friesland;970,0;;1199,0;;;20,0;;3650,0;;2027,0;",
    "Noord-Brabant;2520,0;2718,0;3376,0;3106,0;;44,0;44,0;4764,0;6224,0;2027,0;2027,0",
]
REAL_STATIONS = [
    "congestiegebied_afname;congestiegebied_opwek;afname;opwek;tennet_id",
    "Friesland;Friesland;1;3;Station Dokkum 110 kV",
    "Noord-Brabant;Noord-Brabant;3;3;Station Aarle Rixtel 150 kV",
    "Noord-Brabant;Noord-Brabant;3;3;Station Eerde 150 kV",
    "Groningen Oost;GDO, Noordelijk deelgebied;1;3;Station Meeden 110 kV",
]


@pytest.fixture
def real_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "map"
    folder.mkdir()
    _write(folder / "voedingsgebieden.csv", REAL_AREA_HEADER, REAL_AREA_ROWS, bom=False)
    _write(folder / "tennetgebieden.csv", REAL_TENNET_AREAS[0], REAL_TENNET_AREAS[1:], bom=False)
    _write(folder / "tennetcongestie.csv", REAL_STATIONS[0], REAL_STATIONS[1:], bom=False)
    return folder


def _grid_areas(folder: Path) -> pd.DataFrame:
    from siting.importers.capacity_map import read_tennet_areas, read_tennet_stations
    from siting.importers.grid_layers import build_grid_areas

    return build_grid_areas(
        read_supply_areas(folder / "voedingsgebieden.csv"),
        read_tennet_areas(folder / "tennetgebieden.csv"),
        read_tennet_stations(folder / "tennetcongestie.csv"),
        reference_date="2025",
    ).set_index("area_id")


def test_the_2025_supply_area_file_is_read_as_published(real_folder):
    areas = read_supply_areas(real_folder / "voedingsgebieden.csv").set_index("zone_id")
    assert areas["afname_class"].isna().all() and areas["zone_name"].isna().all()
    dokkum = areas.loc["OS DOKKUM 10-1i"]
    assert (dokkum["afname_available_mw"], dokkum["afname_required_mw"]) == (22.0, 18.7)
    assert dokkum["afname_queue_mw"] == pytest.approx(6.99953)
    assert dokkum["afname_solve_year"] == 2031 and dokkum["opwek_solve_year"] == 2031
    assert (dokkum["year"], dokkum["quarter"]) == (2025, 4)
    assert areas.loc["HGV", "grid_operator"] is None  # two operators named
    assert areas.loc["HGV", "rnb"] == "Enexis, Rendo"
    assert "bovenliggende netbeheerder" in areas.loc["HGV", "note"]


def test_grid_areas_keep_the_published_figures_and_derive_classes_apart(real_folder):
    areas = _grid_areas(real_folder)
    assert list(areas["kind"].value_counts().sort_index().items()) == [
        ("regional", 5),
        ("tennet_area", 3),
        ("tennet_station", 4),
    ]
    # no class is published for regional areas; derived ones are kept apart
    regional = areas[areas["kind"].eq("regional")]
    assert regional["afname_class"].isna().all()
    assert areas.loc["OS DOKKUM 10-1i", "derived_class"] == 1  # room 3.3 before, none after queue
    assert areas.loc["HGV", "derived_class"] == 1  # 22 MW room before its 42 MW queue
    assert areas.loc["CM12", "derived_class"] == 3  # 65 MW required on 40 MW present
    assert pd.isna(areas.loc["TT228_10", "derived_class"])  # only a queue: nothing derived
    assert areas.loc["OS DOKKUM 10-1i", "reference_date"] == "2025-Q4"
    assert areas.loc["HGV", "reference_date"] == "2025"
    # stations keep their published colour code and their demand-side area
    assert areas.loc["Station Dokkum 110 kV", "afname_class"] == 1
    assert areas.loc["Station Dokkum 110 kV", "parent_id"] == "Friesland"
    # a TenneT area's class is derived from its stations where they agree
    assert areas.loc["Noord-Brabant", "derived_class"] == 3
    assert areas.loc["Noord-Brabant", "expected_solve_year"] == 2027
    assert pd.isna(areas.loc["Friesland", "available_mw"])  # feed-in figures only
    # an area only the stations name gets a record without figures, sourced to its station
    oost = areas.loc["Groningen Oost"]
    assert oost["source_file"] == "tennetcongestie.csv" and oost["source_row"] == 5
    assert areas.loc["CM12", "source_row"] == 6


def test_links_from_the_postcode_table_keep_every_area_with_its_share(real_folder, tmp_path):
    from siting.importers.grid_links import (
        links_from_postcodes,
        read_site_postcodes,
        site_links_from_postcodes,
    )

    areas = _grid_areas(real_folder).reset_index()
    pc = _write(
        tmp_path / "congestie_pc6.csv",
        PC_HEADER,
        [
            '9101AA;OS DOKKUM 10-1i;Station Dokkum 110 kV;1970;"Noardeast-Fryslân";3;3',
            '9101AB;OS DOKKUM 10-1i;Station Dokkum 110 kV;1970;"Noardeast-Fryslân";3;3',
            '9102AA;TT228_10;Station Dokkum 110 kV;1970;"Noardeast-Fryslân";3;3',
            '5462AA;;Station Eerde 150 kV;1948;"Meierijstad";3;3',
        ],
    )
    postcodes = read_postcode_areas(pc)
    links = links_from_postcodes(postcodes, areas).set_index("link_id")
    assert len(links) == 3
    dokkum = links.loc["GM1970|OS DOKKUM 10-1i|Station Dokkum 110 kV"]
    assert dokkum["share"] == pytest.approx(2 / 3, abs=1e-4) and dokkum["confidence"] == "reported"
    assert dokkum["tennet_id"] == "Station Dokkum 110 kV"
    assert links.loc["GM1948|Station Eerde 150 kV", "area_id"] == "Station Eerde 150 kV"
    sites = tmp_path / "site_postcodes.csv"
    sites.write_text("site_id,postcode\nfr-dokkum-betterwird,9102 aa\n", encoding="utf-8")
    (site,) = site_links_from_postcodes(read_site_postcodes(sites), postcodes, areas).itertuples()
    assert (site.site_id, site.area_id, site.gm_code) == (
        "fr-dokkum-betterwird",
        "TT228_10",
        "GM1970",
    )
    assert "postcode 9102AA" in site.method
    bad = tmp_path / "bad.csv"
    bad.write_text("site_id,postcode\nx,9999ZZ\n", encoding="utf-8")
    with pytest.raises(SitingInputError, match=r"postcode 9999ZZ is not in congestie_pc6\.csv"):
        site_links_from_postcodes(read_site_postcodes(bad), postcodes, areas)


def test_a_postcode_naming_an_unknown_area_is_located(real_folder, tmp_path):
    from siting.importers.grid_links import links_from_postcodes

    pc = _write(tmp_path / "pc.csv", PC_HEADER, ['1000AA;NOPE;;363;"Amsterdam";3;3'])
    with pytest.raises(SitingInputError) as exc:
        links_from_postcodes(read_postcode_areas(pc), _grid_areas(real_folder).reset_index())
    (problem,) = exc.value.problems
    assert (problem.row, problem.column) == (2, "voedingsgebied_id") and "'NOPE'" in str(problem)


def test_written_layers_load_in_a_data_folder(real_folder, tmp_path):
    import siting
    from siting.importers.grid_layers import write_layer
    from siting.layers.schema import GRID_AREAS

    folder = tmp_path / "geodata"
    folder.mkdir()
    write_layer(_grid_areas(real_folder).reset_index(), GRID_AREAS, folder / "grid_areas.csv")
    report = siting.check_geodata(folder)
    # the embedded links name areas this small map lacks: each such link is located
    assert not report.ok
    assert all(p.column in ("area_id", "tennet_id") for p in report.errors)
    assert any("not in the grid_areas layer" in p.message for p in report.errors)


def test_ids_used_in_two_files_are_refused(real_folder):
    from siting.importers.capacity_map import read_tennet_areas
    from siting.importers.grid_layers import build_grid_areas

    areas = read_supply_areas(real_folder / "voedingsgebieden.csv")
    tennet = read_tennet_areas(real_folder / "tennetgebieden.csv")
    tennet.loc[tennet.index[0], "area_id"] = "HGV"
    with pytest.raises(
        SitingInputError, match=r"'HGV' is also used in voedingsgebieden\.csv, row 4"
    ):
        build_grid_areas(areas, tennet, reference_date="2025")
    with pytest.raises(SitingInputError, match="not a date like 2025"):
        build_grid_areas(areas, reference_date="Q4 2025")


@pytest.mark.shared_data
def test_the_real_files_are_read_completely(shared: Path):
    folder = shared / "grid_capacity_map"
    areas = _grid_areas(folder)
    counts = areas["kind"].value_counts().to_dict()
    assert counts == {"regional": 603, "tennet_station": 269, "tennet_area": 19}
    regional = areas[areas["kind"].eq("regional")]
    assert regional["queue_mw"].notna().sum() == 562  # SOURCES.md: 562 carry a demand queue
    assert regional["operator"].value_counts()["Liander"] == 249
    assert areas.loc[
        "Flevopolder, Utrecht en Gelderland", ["available_mw", "required_mw"]
    ].tolist() == [3887.0, 4788.0]
    assert areas.loc["Station Aarle Rixtel 150 kV", "afname_class"] == 3
