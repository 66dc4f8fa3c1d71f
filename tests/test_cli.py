"""The command line as a user runs it: exit codes, located messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import strict_case4
from .test_layers import edit_csv

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": ""},
    )


def test_data_info_json_lists_layers_and_all_provinces():
    result = run("data", "info", "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    layers = {row["layer"]: row for row in summary["layers"]}
    assert layers["sites"]["records"] >= 150
    assert layers["grid_congestion"]["reference_date"] != "not stated"
    assert len(summary["provinces"]) == 12
    assert sum(p["municipalities"] for p in summary["provinces"]) == 342
    assert all(p["sites"] > 0 for p in summary["provinces"])
    hotspots = {row["hotspot"]: row for row in summary["hotspots"]}
    assert layers["hotspots"]["records"] == len(hotspots) == 9
    assert hotspots["almere"]["status"] == "in_development"
    talent = {row["column"]: row for row in summary["talent"]}
    assert (talent["hbo_tech_intake"]["kind"], talent["hbo_tech_intake"]["year"]) == (
        "intake",
        2019,
    )


def test_data_info_prints_readable_tables():
    result = run("data", "info")
    assert result.returncode == 0, result.stderr
    assert "Noord-Brabant" in result.stdout
    assert "grid_congestion" in result.stdout
    assert "Brainport Eindhoven" in result.stdout and "in development" in result.stdout


def test_data_check_passes_on_the_embedded_data():
    result = run("data", "check")
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def test_data_check_on_a_broken_copy_exits_2_with_located_messages(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 5, lon="155000", lat="463000")
    edit_csv(geodata_copy / "grid_congestion.csv", 8, afname_class="high")
    result = run("data", "check", "--geodata", str(geodata_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "2 problems found" in result.stderr
    assert "sites.csv, row 5, column 'lon/lat'" in result.stderr
    assert "grid_congestion.csv, row 8, column 'afname_class': 'high' is not a number" in (
        result.stderr.replace("\n", " ").replace("  ", " ")
    )


def test_data_check_json_reports_every_problem(geodata_copy: Path):
    edit_csv(geodata_copy / "sites.csv", 5, gross_ha="-1")
    result = run("data", "check", "--json", "--geodata", str(geodata_copy))
    assert result.returncode == 2
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["errors"][0]["row"] == 5 and report["errors"][0]["column"] == "gross_ha"


def test_data_info_on_broken_data_is_a_located_error_not_a_traceback(geodata_copy: Path):
    edit_csv(geodata_copy / "campuses.csv", 2, nts_domains="warp_drive")
    result = run("data", "info", "--geodata", str(geodata_copy))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "campuses.csv, row 2, column 'nts_domains'" in result.stderr
    assert "warp_drive" in result.stderr


def test_a_missing_geodata_folder_is_reported(tmp_path: Path):
    result = run("data", "check", "--geodata", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "data folder not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_teaches_the_commands():
    result = run("--help")
    assert result.returncode == 0
    assert "data" in result.stdout
    result = run("data", "check", "--help")
    assert "--boundaries" in result.stdout and "--geodata" in result.stdout


def test_import_ibis_builds_a_data_folder_the_tool_accepts(shared: Path, tmp_path: Path):
    export = shared / "business_parks" / "IBIS_BEDRIJVENTERREINEN_RijssenHolten.json"
    boundaries = shared / "boundaries" / "gemeente_2024.topojson"
    folder = tmp_path / "mine"
    without = run("data", "import-ibis", str(export), "--into", str(folder))
    assert without.returncode == 2
    assert "--boundaries" in without.stderr and "Traceback" not in without.stderr
    result = run(
        "data", "import-ibis", str(export), "--into", str(folder), "--boundaries", str(boundaries)
    )
    assert result.returncode == 0, result.stderr
    assert (folder / "sites.gpkg").is_file()
    check = run("data", "check", "--json", "--geodata", str(folder))
    assert check.returncode == 0, check.stdout
    report = json.loads(check.stdout)
    # the extract's 20 terrains and the authored sites merged on top (as the embedded layer)
    assert report["counts"]["sites"] == 20 + 160
    assert report["files"]["sites"].endswith("sites.gpkg")
    only = tmp_path / "only"
    result = run(
        "data",
        "import-ibis",
        str(export),
        "--into",
        str(only),
        "--boundaries",
        str(boundaries),
        "--ibis-only",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(run("data", "check", "--json", "--geodata", str(only)).stdout)
    assert report["ok"] and report["counts"]["sites"] == 20


def test_import_capacity_map_writes_the_grid_layers(tmp_path: Path):
    source = tmp_path / "map"
    source.mkdir()
    (source / "congestie_pc6.csv").write_text(
        "postcode;voedingsgebied_id;tennet_id;gemeentecode;gemeentenaam;afname;opwek\n"
        "5611AA;VG1;T1;0772;Eindhoven;3;1\n5611AB;VG1;T1;0772;Eindhoven;3;1\n"
        "9711AA;VG2;T2;0014;Groningen;1;3\n",
        encoding="utf-8",
    )
    (source / "voedingsgebieden.csv").write_text(
        "voedingsgebied_id;jaar;aanwezige_transportcapaciteit_afname;"
        "benodigde_transportcapaciteit_afname;wachtrij_afname;jaartal_opgelost_afname;RNB\n"
        "VG1;2025;40,0;45,5;12,0;2030,0;Enexis\nVG2;2025;30,0;10,0;2,5;;Enexis\n",
        encoding="utf-8",
    )
    (source / "tennetcongestie.csv").write_text(
        "congestiegebied_afname;congestiegebied_opwek;afname;opwek;tennet_id\n"
        "Noord-Brabant;Noord-Brabant;3;3;T1\nGroningen Oost;GDO;1;3;T2\n",
        encoding="utf-8",
    )
    sites = tmp_path / "site_postcodes.csv"
    sites.write_text("site_id,postcode\nnb-bic,5611AB\n", encoding="utf-8")
    folder = tmp_path / "mine"
    result = run(
        "data",
        "import-capacity-map",
        str(source),
        "--date",
        "2025-12",
        "--into",
        str(folder),
        "--site-postcodes",
        str(sites),
    )
    assert result.returncode == 0, result.stderr
    areas = (folder / "grid_areas.csv").read_text(encoding="utf-8")
    assert "VG1,regional,Enexis" in areas and "T1,tennet_station,TenneT,Noord-Brabant,3" in areas
    links = (folder / "grid_area_links.csv").read_text(encoding="utf-8")
    assert "GM0772|VG1|T1,GM0772,,VG1,T1,1,reported" in links
    assert "nb-bic|VG1|T1,GM0772,nb-bic,VG1,T1,1,reported" in links
    assert "GM0772" in (folder / "grid_congestion.csv").read_text(encoding="utf-8")
    # a data folder with these layers is accepted (the rest comes from the embedded data)
    check = run("data", "check", "--json", "--geodata", str(folder))
    report = json.loads(check.stdout)
    assert report["ok"] is True, report["errors"]
    assert report["counts"]["grid_areas"] == 6 and report["counts"]["grid_area_links"] == 3
    bad = run("data", "import-capacity-map", str(source), "--date", "late", "--into", str(folder))
    assert bad.returncode == 2 and "not a date like 2025" in bad.stderr + bad.stdout


CASES = Path(__file__).resolve().parents[1] / "models" / "cases"


def test_rank_prints_a_ranked_table_with_reasons_and_the_funnel(tmp_path: Path):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    result = run(
        "rank",
        str(CASES / "case2_microchip_dense_region.toml"),
        "--top",
        "4",
        "--details",
        "1",
        "--json",
        str(out_json),
        "--csv",
        str(out_csv),
    )
    assert result.returncode == 0, result.stderr
    assert "Recommended sites" in result.stdout
    assert "Exclusion funnel" in result.stdout
    assert "rank holds for weights" in result.stdout
    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert len(data["recommendations"]) == 4
    header = out_csv.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("case_id,rank,site_id,name")


def test_rank_exits_3_when_nothing_is_feasible(tmp_path: Path):
    result = run("rank", str(strict_case4(tmp_path)))
    assert result.returncode == 3
    assert "No feasible site" in result.stdout
    assert "Best excluded sites" in result.stdout


def test_rank_with_an_invalid_profile_exits_2_with_one_message_per_problem(tmp_path: Path):
    case = tmp_path / "bad.toml"
    case.write_text(
        '[company]\nid = "x"\nnts_domains = ["warp drive"]\n[needs]\nyear = 2028\npower_mw = -8\n',
        encoding="utf-8",
    )
    result = run("rank", str(case))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "2 problems found" in result.stderr
    assert "key 'company.nts_domains'" in result.stderr
    assert "key 'needs.power_mw'" in result.stderr


def test_rank_rejects_an_unknown_solver_and_a_missing_file(tmp_path: Path):
    result = run("rank", str(CASES / "case2_microchip_dense_region.toml"), "--solver", "gurobi")
    assert result.returncode == 2 and "allowed: cbc, highs, cp-sat" in result.stderr
    result = run("rank", str(tmp_path / "missing.toml"))
    assert result.returncode == 2 and "file not found" in result.stderr
    assert "Traceback" not in result.stderr


def test_rank_csv_neutralises_formulas_in_names(tmp_path: Path, geodata_copy: Path):
    case = CASES / "case2_microchip_dense_region.toml"
    run("rank", str(case), "--top", "1", "--json", str(tmp_path / "first.json"))
    first = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))
    site_id = first["recommendations"][0]["site_id"]
    with (geodata_copy / "sites.csv").open(encoding="utf-8") as fh:
        ids = [line.split(",", 1)[0] for line in fh]
    edit_csv(
        geodata_copy / "sites.csv",
        ids.index(site_id) + 1,
        name='=HYPERLINK("http://example.invalid","click")',
    )
    out_csv = tmp_path / "r.csv"
    result = run(
        "rank", str(case), "--top", "1", "--csv", str(out_csv), "--geodata", str(geodata_copy)
    )
    assert result.returncode == 0, result.stderr
    text = out_csv.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert ',"=HYPERLINK' not in text and ",=HYPERLINK" not in text


def test_outputs_create_their_folder_and_an_unwritable_path_is_a_located_error(tmp_path):
    case = str(REPO / "models" / "cases" / "case2_microchip_dense_region.toml")
    nested = tmp_path / "new" / "folder"
    result = run(
        "rank",
        case,
        "--solver",
        "enumeration",
        "--json",
        str(nested / "r.json"),
        "--csv",
        str(nested / "r.csv"),
    )
    assert result.returncode == 0, result.stderr
    assert (nested / "r.json").is_file() and (nested / "r.csv").is_file()
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("rank", case, "--solver", "enumeration", "--json", str(blocker / "r.json"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert str(blocker) in result.stderr.replace("\n", "")
