"""Start-up: the help of the command line loads none of the heavy libraries.

A behaviour test, not a timing: ``siting --help`` (and the help of each command) is run in a
fresh interpreter, and the modules it imported are listed. The commands import what they use
inside their functions, so asking for help never pays for pandas, geopandas, folium, the
solvers or Dask (the timings are in ``benchmarks/``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Top-level packages a help text must not import (each costs 0.1-0.5 s to load).
HEAVY = ("numpy", "pandas", "geopandas", "shapely", "folium", "pulp", "highspy", "ortools", "dask")

_PROBE = """
import json, sys
from siting.cli.app import main
code = None
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
top = sorted({m.split(".")[0] for m in sys.modules})
print("\\nMODULES " + json.dumps({"code": code, "top": top}))
"""


def _help_modules(*args: str) -> dict:
    """Run the command line in a fresh interpreter; return its exit code and heavy imports."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": ""},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.rsplit("MODULES ", 1)[1])
    return {"code": seen["code"], "heavy": sorted(set(seen["top"]) & set(HEAVY))}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("rank", "--help"),
        ("screen", "--help"),
        ("assign", "--help"),
        ("sweep", "--help"),
        ("data", "info", "--help"),
    ],
)
def test_help_imports_no_heavy_library(args: tuple[str, ...]) -> None:
    seen = _help_modules(*args)
    assert seen["code"] in (0, None)
    assert seen["heavy"] == []


def test_the_probe_sees_a_heavy_import() -> None:
    # the same probe on a command that works does list what it loaded, so an empty list above
    # is a finding, not a blind spot of the probe
    seen = _help_modules("data", "info", "--json")
    assert {"pandas", "numpy"} <= set(seen["heavy"])


_RANK_PROBE = """
import contextlib, io, json, os, sys
from siting.cli.app import main
code = None
with contextlib.redirect_stdout(io.StringIO()):
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print("\\nMODULES " + json.dumps({"code": code, "modules": sorted(sys.modules),
                                  "plugins": os.environ.get("PYDANTIC_DISABLE_PLUGINS")}))
"""


def _rank_modules(*args: str, env: dict[str, str] | None = None) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RANK_PROBE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={"COLUMNS": "120", "PATH": "", **(env or {})},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.rsplit("MODULES ", 1)[1])


def test_a_ranking_without_outputs_loads_no_output_writer(tmp_path) -> None:
    case = Path(__file__).resolve().parents[1] / "models" / "cases" / "example_photonics.toml"
    seen = _rank_modules(
        "rank", str(case), "--solver", "enumeration", env={"SITING_CACHE_DIR": str(tmp_path)}
    )
    assert seen["code"] in (0, None)
    modules = set(seen["modules"])
    assert "siting.outputs.terminal.ranking" in modules  # the probe saw the ranking printed
    unused = {
        "siting.outputs.tables",
        "siting.outputs.gis",
        "siting.outputs.terminal.pipelines",
        "siting.outputs.terminal.whatif",
        "rich.markdown",
    }
    assert modules & unused == set()
    # siting uses no pydantic plugin: the command line does not look for any
    assert seen["plugins"] == "__all__"


def test_a_ranking_on_cached_layers_loads_no_geometry_library_nor_pandas(tmp_path) -> None:
    # the first ranking reads the layer files (geopandas) and fills the on-disk cache; the
    # next one reads the site table without geometry and the site facts from it
    case = Path(__file__).resolve().parents[1] / "models" / "cases" / "example_photonics.toml"
    env = {"SITING_CACHE_DIR": str(tmp_path)}
    first = _rank_modules("rank", str(case), "--top", "3", env=env)
    assert "geopandas" in first["modules"]  # the probe sees the libraries when they are used
    seen = _rank_modules("rank", str(case), "--top", "3", env=env)
    assert seen["code"] in (0, None)
    tops = {m.split(".")[0] for m in seen["modules"]}
    assert "siting.outputs.terminal.ranking" in seen["modules"]
    assert tops & {"geopandas", "shapely", "pyproj", "pulp", "ortools"} == set()
    # the site table's ranking columns and the site facts are read as plain values
    assert tops & {"pandas", "pyarrow"} == set()


def test_a_users_pydantic_plugin_setting_is_kept() -> None:
    seen = _rank_modules("--version", env={"PYDANTIC_DISABLE_PLUGINS": ""})
    assert seen["plugins"] == ""
