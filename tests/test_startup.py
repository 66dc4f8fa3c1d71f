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
