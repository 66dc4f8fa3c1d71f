"""A user's mistake gets a message and exit code 2, never a traceback (issue 11, part 3).

Usage errors (typer raises its own copy of click's errors), rich markup and terminal escape
sequences in user text, and hostile values in every kind of input: each ends in a located
message and a non-zero exit, or in a documented behaviour tested here. The command line runs
in-process (``siting.cli.app.main``): a traceback would fail the test.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from siting._errors import SitingInputError
from siting.importers import capacity_map, grid_fallback, grid_layers
from siting.layers.load import load_geodata
from siting.layers.schema import GRID_AREAS, GRID_CONGESTION
from siting.layers.supply import write_sites

from ..conftest import EMBEDDED, REPO
from .helpers import CASE2, cli, with_id

PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"


@pytest.mark.parametrize(
    "argv",
    [
        ["rank", "--bogus"],
        ["rank", CASE2, "--top", "0"],
        ["rank", CASE2, "--time-limit", "0"],
        ["rank"],
        ["rank", REPO / "models"],  # a folder given for a file
        ["screen", PIPELINE, "--top", "x"],
        ["assign", PIPELINE, "--time-limit", "-1"],
        ["map"],
        ["bogus-command"],
        ["data", "check", "--geodata", CASE2],  # a file given for a folder
        ["sweep", CASE2],
    ],
)
def test_usage_errors_end_in_a_message_and_exit_2(argv):
    ran = cli(*argv)
    assert ran.code == 2, ran.text
    assert "Error:" in ran.err and "Usage:" in ran.err and "Traceback" not in ran.text


def test_version():
    from siting.cli.app import package_version

    ran = cli("--version")
    assert ran.code == 0 and ran.out.strip() == f"siting {package_version()}"


def test_usage_errors_are_typers_own_click_classes():
    import typer

    from siting.cli.app import usage_error_types

    assert any(issubclass(typer.BadParameter, t) for t in usage_error_types())


# --- markup and escape sequences in user text --------------------------------------------------

MARKUP = ["[/]", "[link=http://evil.example]click[/link]", "[bold]x", "a\x1b[2J\x1b]0;t\x07b"]


def _leads(tmp_path: Path, ids: list[str]) -> Path:
    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[: len(ids) + 1]
    for row, lead_id in zip(rows[1:], ids, strict=True):
        row[0] = lead_id
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _terminal_clean(ran) -> None:
    assert "\x1b" not in ran.text and "\x07" not in ran.text
    assert "Traceback" not in ran.text


@pytest.mark.parametrize("command", ["screen", "assign"])
def test_markup_in_lead_ids_is_printed_as_text(command, tmp_path):
    ids = [f"{m} {k}" for k, m in enumerate(MARKUP)]
    path = _leads(tmp_path, ids)
    bad = tmp_path / "bad.csv"  # an invalid row too, whose problems are listed
    bad.write_text(path.read_text(encoding="utf-8").replace(",2032,", ",1999,"), encoding="utf-8")
    for leads in (path, bad):
        ran = cli(command, leads)
        assert ran.code == 0, ran.text
        _terminal_clean(ran)
    if command == "assign":
        assert "[/] 0" in ran.out and "[link=http://evil.example]click[/link] 1" in ran.out


def test_markup_in_a_case_id_path_and_site_names(tmp_path):
    folder = tmp_path / "a["  # the file is `a[/]case.toml`, with [/] in its path
    folder.mkdir()
    case = with_id(CASE2, "[/] [link=http://x]y[/link]", folder / "]case.toml")
    ran = cli("rank", case, "--top", "2", "--details", "1")
    assert ran.code == 0, ran.text
    assert "Case [/] [link=http://x]y[/link]" in ran.out
    _terminal_clean(ran)
    geodata = tmp_path / "g[" / "]data"  # a folder path with [/] in it
    shutil.copytree(EMBEDDED, geodata, ignore=shutil.ignore_patterns("_staging"))
    sites = geodata / "sites.csv"
    sites.write_text(
        sites.read_text(encoding="utf-8").replace("Messchenveld", "[/]Messchenveld\x1b[31m"),
        encoding="utf-8",
    )
    hotspots = geodata / "hotspots.csv"  # `data info` lists the hotspots by name
    hotspots.write_text(
        hotspots.read_text(encoding="utf-8").replace(
            ",Brainport Eindhoven,", ",[/]Brainport [bold]Eindhoven\x1b[31m,"
        ),
        encoding="utf-8",
    )
    ran = cli("data", "check", "--geodata", geodata)  # prints the layer files' paths
    assert ran.code == 0, ran.text
    assert "g[/]data" in " ".join(ran.out.split()).replace(" ", "")
    _terminal_clean(ran)
    ran = cli("data", "info", "--geodata", geodata)
    assert ran.code == 0, ran.text
    assert "[/]Brainport [bold]Eindhoven" in ran.out
    _terminal_clean(ran)
    ran = cli("compare", case, case, "--top", "2")
    assert ran.code == 0 and "[/]" in ran.out
    _terminal_clean(ran)
    ran = cli("sweep", case, "--vary", "needs.power_mw=2:4:2")
    assert ran.code == 0 and "[/]" in ran.out
    _terminal_clean(ran)


def test_terminal_reports_print_text_as_text_on_any_console(tmp_path):
    """The reports of siting.outputs.terminal are safe on a console with markup on (rich's
    default, as a Python caller may pass), without the command line's render hook."""
    from rich.console import Console

    import siting
    from siting.jobs.compare import compare
    from siting.jobs.sweep import sweep
    from siting.outputs.terminal import (
        print_assignment,
        print_comparison,
        print_ranking,
        print_screening,
        print_sweep,
    )

    def report(printer, result, **options) -> str:
        console = Console(record=True, width=120, file=io.StringIO(), force_terminal=True)
        printer(result, console, **options)
        text = console.export_text()
        assert "\x1b" not in text and "\x07" not in text
        return text

    hostile = "[/] [link=http://x]y[/link] [bold]z \x1b[2J\x07"
    shown = "[/] [link=http://x]y[/link] [bold]z"
    case = with_id(CASE2, hostile, tmp_path / "case.toml")
    ranked = siting.rank_sites(case, top=2, solver="enumeration")
    assert f"Case {shown}" in report(print_ranking, ranked, details=1)
    assert shown in report(print_comparison, compare(case, case, top=2, solver="enumeration"))
    swept = sweep(case, "needs.power_mw", "2:4:2", top=2, solver="enumeration")
    assert shown in report(print_sweep, swept)
    ids = [f"{m} {k}" for k, m in enumerate(MARKUP)]
    path = _leads(tmp_path, ids)
    bad = tmp_path / "bad.csv"  # invalid rows: the screening lists them by id
    bad.write_text(path.read_text(encoding="utf-8").replace(",2032,", ",1999,"), encoding="utf-8")
    text = report(print_screening, siting.screen_leads(bad, top=2), rows=None)
    assert "[/] 0" in text  # the invalid lead, listed by its id
    text = report(print_assignment, siting.assign_leads(path, max_resolves=0), rows=None)
    assert "[/] 0" in text and "[link=http://evil.example]click[/link] 1" in text
    assert "[bold]x 2" in text and "ab 3" in text


# --- hostile values ------------------------------------------------------------------------------


def _case(tmp_path: Path, old: str, new: str) -> Path:
    text = CASE2.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "case.toml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("allow_unknown = true", "allow_unknown = true\n[weights]\ntalent_fit = inf", "weights"),
        ("allow_unknown = true", "allow_unknown = true\n[weights]\ntalent_fit = nan", "weights"),
        ("environmental_category = 3", "environmental_category = true", "environmental_category"),
        ("land_ha = 2.5", "land_ha = false", "land_ha"),
        ("power_mw = 5.0", "power_mw = inf", "power_mw"),
        ("year = 2029", "year = 2029\nyear = 2030", "Cannot overwrite"),
    ],
)
def test_hostile_profile_values_are_located_errors(old, new, key, tmp_path):
    ran = cli("rank", _case(tmp_path, old, new))
    assert ran.code == 2, ran.text
    assert key in ran.err and "Traceback" not in ran.text


def test_all_zero_weights_rank_by_site_id_and_say_so(tmp_path):
    from siting.inputs.catalogue import load_catalogue

    zeros = "".join(f"{name} = 0\n" for name in load_catalogue().criteria)
    ran = cli(
        "rank", _case(tmp_path, "allow_unknown = true", f"allow_unknown = true\n[weights]\n{zeros}")
    )
    assert ran.code == 0
    assert "every criterion weight is 0" in ran.flat


def test_a_profile_with_a_byte_order_mark_is_read(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + CASE2.read_bytes())
    assert cli("rank", path, "--top", "1").code == 0


@pytest.mark.parametrize(
    "content",
    ["a = " + "[" * 50_000 + "]" * 50_000, "[" + "a." * 50_000 + "b]", "x = {" * 5000],
)
def test_deeply_nested_toml_is_a_located_error(content, tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(content, encoding="utf-8")
    ran = cli("rank", path)
    assert ran.code == 2 and "deep.toml" in ran.err


def test_an_input_that_never_ends_is_capped():
    for argv in (["rank", "/dev/zero"], ["map", "/dev/zero", "--out", "x.html"]):
        ran = cli(*argv)
        assert ran.code == 2 and "/dev/zero" in ran.err, ran.text
    from siting._reading import read_capped

    with pytest.raises(SitingInputError, match="never ends"):
        read_capped("/dev/zero", limit=1000)


def test_deeply_nested_json_result_is_a_located_error(tmp_path):
    path = tmp_path / "r.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    ran = cli("map", path, "--out", tmp_path / "m.html")
    assert ran.code == 2 and "nested too deeply" in ran.flat


def _xlsx(tmp_path: Path) -> bytes:
    book = Workbook()
    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        for row in list(csv.reader(fh))[:4]:
            book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_damaged_and_password_protected_workbooks_get_one_clear_message(tmp_path):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool (dev extra)")
    good = _xlsx(tmp_path)
    (tmp_path / "cut.xlsx").write_bytes(good[: len(good) // 2])
    (tmp_path / "text.xlsx").write_text("id,year\nL1,2028\n", encoding="utf-8")
    encrypted = io.BytesIO()
    ooxml.OOXMLFile(io.BytesIO(good)).encrypt("secret", encrypted)
    (tmp_path / "locked.xlsx").write_bytes(encrypted.getvalue())
    expected = {
        "cut.xlsx": "damaged",
        "text.xlsx": "damaged",
        "locked.xlsx": "password-protected",
    }
    for name, words in expected.items():
        ran = cli("screen", tmp_path / name)
        assert ran.code == 2, ran.text
        assert words in ran.flat and "BadZipFile" not in ran.err
        assert ran.err.count("  - ") == 1  # one message


def test_priority_beyond_the_limit_is_the_leads_located_error(tmp_path):
    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:4]
    rows[0].append("priority")
    for row, value in zip(rows[1:], ["1e308", "inf", "2"], strict=True):
        row.append(value)
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "out.json"
    ran = cli("assign", path, "--out", out)
    assert ran.code == 0, ran.text
    leads = json.loads(out.read_text(encoding="utf-8"))["leads"]
    assert [lead["status"] for lead in leads][:2] == ["invalid input", "invalid input"]
    assert "priority must be a number in [0, 1000]" in leads[0]["reason"]


@pytest.mark.parametrize("spec", ["0:inf:1", "0:10:nan", "nan,1", "-inf:0:1"])
def test_sweep_ranges_must_be_finite(spec):
    ran = cli("sweep", CASE2, "--vary", f"needs.power_mw={spec}")
    assert ran.code == 2 and "--vary" in ran.err


@pytest.mark.parametrize("date", ["2025-13", "2025-00", "2025-02-30", "25-01", "2025-1"])
def test_impossible_dates_are_refused(date):
    postcodes = capacity_map.read_postcode_areas  # noqa: F841 - the API the CLI calls
    frame = pytest.importorskip("pandas").DataFrame(
        {"postcode": ["1234AB"], "zone_id": ["z"], "gm_code": ["GM0014"], "afname_class": [1]}
    )
    with pytest.raises(SitingInputError, match="is not a date"):
        grid_fallback._postcode_classes(frame, None, status_date=date)


def test_an_empty_sites_layer_fails_data_check_and_import_ibis(tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(EMBEDDED, geodata, ignore=shutil.ignore_patterns("_staging"))
    sites = geodata / "sites.csv"
    sites.write_text(sites.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    ran = cli("data", "check", "--geodata", geodata)
    assert ran.code == 2 and "the sites layer has no records" in ran.flat
    export = tmp_path / "ibis.geojson"
    export.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    ran = cli("data", "import-ibis", export, "--into", tmp_path / "out")
    assert ran.code == 2 and "no business-park terrains" in ran.flat
    assert not (tmp_path / "out").exists()


def test_a_merger_between_two_current_municipalities_is_an_error(tmp_path):
    geodata = tmp_path / "geodata"
    shutil.copytree(EMBEDDED, geodata, ignore=shutil.ignore_patterns("_staging"))
    with (geodata / "municipal_mergers.csv").open("a", encoding="utf-8") as fh:
        fh.write("GM0014,Groningen,GM0034,Almere,2021-01-01,test\n")
        fh.write("GM0034,Almere,GM0014,Groningen,2021-01-01,test\n")
    ran = cli("data", "check", "--geodata", geodata)
    assert ran.code == 2 and ran.flat.count("is a current municipality") == 2
    assert cli("rank", CASE2, "--geodata", geodata).code == 2


# --- formula-like text in the layers the importers write ---------------------------------------


def test_importers_write_formula_like_text_quoted(tmp_path):
    import geopandas as gpd

    data = load_geodata()
    sites = data.sites.head(3).copy()
    sites["name"] = ['=HYPERLINK("http://evil")', "+cmd", "@SUM(A1)"]
    hostile = ['\'=HYPERLINK("http://evil")', "'+cmd", "'@SUM(A1)"]
    # points only: the layer's CSV form
    path = write_sites(sites, tmp_path / "points")
    assert path.name == "sites.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["name"] for r in rows] == hostile
    assert [float(r["available_ha"] or "nan") for r in rows] == pytest.approx(
        list(sites["available_ha"]), nan_ok=True
    )  # numbers untouched
    # with outlines: the GeoPackage form
    outlined = sites.set_geometry(sites.geometry.to_crs(28992).buffer(50.0))
    path = write_sites(outlined, tmp_path / "outlines")
    assert path.name == "sites.gpkg"
    assert list(gpd.read_file(path)["name"]) == hostile
    # the grid layers of import-capacity-map
    grid = data.grid_congestion.head(2).copy()
    grid["basis"] = ["=1+1", "-2"]
    target = grid_fallback.write_congestion_layer(grid, tmp_path / "grid_congestion.csv")
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["basis"] for r in rows] == ["'=1+1", "'-2"]
    assert rows[0]["afname_class"] == str(grid["afname_class"].iloc[0])  # numbers untouched
    assert GRID_CONGESTION.column("basis").kind == "str"
    areas = data.grid_areas.head(2).copy()
    areas["note"] = ["@cmd", "+1"]
    target = grid_layers.write_layer(areas, GRID_AREAS, tmp_path / "grid_areas.csv")
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["note"] for r in rows] == ["'@cmd", "'+1"]
    assert rows[0]["area_id"] == str(areas["area_id"].iloc[0])  # ids untouched


@pytest.mark.parametrize("command", ["screen", "assign"])
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_control_characters_in_ids_reach_no_output_file(command, suffix, tmp_path):
    path = _leads(tmp_path, ["L1\x1b[31mred\x07", "=cmd|' /C calc'!A0"])
    out = tmp_path / f"out{suffix}"
    ran = cli(command, path, "--out", out)
    assert ran.code == 0, ran.text
    if suffix == ".csv":
        text = out.read_text(encoding="utf-8")
        assert "\x1b" not in text and "L1red" in text and "'=cmd" in text
    else:
        from openpyxl import load_workbook

        cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
        assert "L1red" in [c.value for c in cells]
        # Excel: text is a string cell, shown as written and never run (no visible quote)
        [formula_like] = [c for c in cells if c.value == "=cmd|' /C calc'!A0"]
        assert formula_like.data_type == "s"
        with zipfile.ZipFile(out) as z:
            assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/work"))
