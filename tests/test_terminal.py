"""The command line's reports: they fit a screen, details on demand, files from every command."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

import siting
from siting import settings
from siting._wording import format_gap
from siting.outputs.terminal import print_assignment, print_ranking, print_screening

from .conftest import CASES, REPO

LEADS = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "120", "PATH": ""},
        cwd=cwd,
    )


def _lines(text: str) -> int:
    return len(text.rstrip("\n").splitlines())


def _console() -> Console:
    return Console(width=120, record=True, file=io.StringIO())


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.glob("*.toml")))
def test_rank_report_fits_a_screen_by_default(case):
    result = siting.rank_sites(CASES / case, top=10, solver="enumeration")
    console = _console()
    print_ranking(result, console)
    text = console.export_text()
    assert _lines(text) <= 40, text
    assert "Exclusion funnel" in text
    if result.recommendations:
        assert result.recommendations[0].name[:10] in text
    full = _console()
    print_ranking(result, full, full=True)
    assert _lines(full.export_text()) > _lines(text)


def test_rank_details_on_demand():
    result = siting.rank_sites(CASES / "case2_microchip_dense_region.toml", top=5)
    console = _console()
    print_ranking(result, console, details=2)
    text = console.export_text()
    assert text.count("rank holds for weights") == 2
    assert f"solver {settings.default_solver}: optimal" in text
    assert "gap 0 (proven optimal)" in text


def test_pipeline_reports_cap_their_lists():
    screening = siting.screen_leads(LEADS, top=3)
    console = _console()
    print_screening(screening, console, rows=5)
    assert _lines(console.export_text()) <= 60
    assignment = siting.assign_leads(LEADS, max_resolves=3, gap_rel=0.005)
    console = _console()
    print_assignment(assignment, console, rows=5)
    text = console.export_text()
    assert "... and" in text and "more (all in --out" in text
    # capped lists: five rows a table (a "taken" reason may wrap over three lines now that
    # leads accepting unknown facts compete for the same sites)
    assert _lines(text) <= 72
    everything = _console()
    print_assignment(assignment, everything, rows=None)
    listed = everything.export_text()
    assert all(lead.lead_id in listed for lead in assignment.leads)


def test_gap_wording_is_one_and_consistent():
    assert format_gap(0.0, "optimal") == format_gap(1e-6, "optimal") == "0 (proven optimal)"
    assert format_gap(0.0, "within_gap") == "< 0.01%"  # never 0.00% when not proven
    assert format_gap(float("nan"), "infeasible") == "none (no solution)"
    assert format_gap(0.0123, "feasible") == "1.23%"
    result = siting.assign_leads(LEADS, max_resolves=0, gap_rel=0.005)
    console = _console()
    print_assignment(result, console)
    text = console.export_text()
    gap = re.search(r"gap (.+?) \(requested", text).group(1)
    assert gap == format_gap(result.gap, result.status)
    if result.status == "within_gap":
        assert f"within {gap.replace('< ', 'less than ')} of the optimum" in text


def test_every_command_writes_excel_and_rank_writes_gis_and_a_brief(tmp_path: Path):
    case = CASES / "case2_microchip_dense_region.toml"
    out = run(
        "rank",
        str(case),
        "--top",
        "3",
        "--out",
        str(tmp_path / "r.xlsx"),
        "--out",
        str(tmp_path / "r.gpkg"),
        "--out",
        str(tmp_path / "r.csv"),
        "--csv-dialect",
        "excel",
        "--brief",
        str(tmp_path / "b.html"),
    )
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "r.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Recommendations"
    name = "Microchip scale-up (anonymised)"  # company.name of the case: never unless asked
    assert name not in (tmp_path / "b.html").read_text(encoding="utf-8")
    out = run("rank", str(case), "--top", "3", "--brief", str(tmp_path / "n.html"), "--brief-name")
    assert out.returncode == 0 and name in (tmp_path / "n.html").read_text(encoding="utf-8")
    # a what-if with long lists: unknown facts no longer accepted, so hundreds of sites drop out
    strict = tmp_path / "strict.toml"
    strict.write_text(
        f'[scenario]\nname = "strict"\nbase = "{case.as_posix()}"\n'
        "[constraints]\nallow_unknown = false\n",
        encoding="utf-8",
    )
    commands = {
        "screen": ("screen", str(LEADS), "--top", "2"),
        "assign": ("assign", str(LEADS), "--max-resolves", "0", "--gap", "0.01"),
        "compare": ("compare", str(case), str(strict), "--top", "3", "--solver", "enumeration"),
        "sweep": (
            "sweep",
            str(case),
            "--vary",
            "needs.power_mw=2:6:2",
            "--solver",
            "enumeration",
            "--chart",
            str(tmp_path / "sweep.png"),
        ),
        "info": ("data", "info"),
    }
    for name, args in commands.items():
        out = run(*args, "--out", str(tmp_path / f"{name}.xlsx"))
        assert out.returncode == 0, (name, out.stderr)
        if name == "compare":  # explanations in words; long lists are cut
            assert "... and" in out.stdout, out.stdout
            assert "other cause(s) (all in --out" in out.stdout, out.stdout
        else:
            assert _lines(out.stdout) <= 80, (name, out.stdout)
        book = load_workbook(tmp_path / f"{name}.xlsx")
        assert all(ws.max_row >= 2 for ws in book.worksheets), name
    assert (tmp_path / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_leads_template_command_and_bad_options(tmp_path: Path):
    out = run("leads", "template", str(tmp_path / "t.xlsx"))
    assert out.returncode == 0 and (tmp_path / "t.xlsx").is_file(), out.stderr
    out = run("screen", str(tmp_path / "t.xlsx"), "--top", "2")
    assert out.returncode == 0 and "warning" not in out.stderr, out.stderr
    out = run("rank", str(CASES / "example_photonics.toml"), "--out", str(tmp_path / "r.docx"))
    assert out.returncode == 2 and "unknown output type '.docx'" in out.stderr
    out = run("rank", str(CASES / "example_photonics.toml"), "--brief-name")
    assert out.returncode == 2 and "add --brief OUT.html" in out.stderr
    out = run("leads", "template", str(tmp_path / "t.txt"))
    assert out.returncode == 2 and "as .xlsx or .csv" in out.stderr
