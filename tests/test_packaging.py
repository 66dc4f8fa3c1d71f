"""The package as users get it: a wheel that installs and runs anywhere, and the README."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .conftest import REPO

CASE = REPO / "models" / "cases" / "case2_microchip_dense_region.toml"
#: Top-level folders of a checkout that are not sources.
_NOT_SOURCES = {
    ".venv",
    ".git",
    "build",
    "dist",
    "maps",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
}


def _ignore(folder: str, names: list[str]) -> set[str]:
    """What the source copy leaves out: generated folders, caches, build products."""
    skip = {n for n in names if n == "__pycache__" or n.endswith(".egg-info") or n == "_embedded"}
    if Path(folder) == REPO:
        skip |= _NOT_SOURCES & set(names)
    return skip


def test_wheel_installs_in_a_fresh_venv_and_ranks_from_any_folder(tmp_path: Path):
    pytest.importorskip("build", reason="the 'build' package is not installed (dev extra)")
    src = tmp_path / "src"
    shutil.copytree(REPO, src, ignore=_ignore)
    # sdist first, then the wheel from it: the sdist must carry the embedded data too
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--no-isolation",
            "--outdir",
            str(tmp_path / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    # install the wheel alone (no network here); its dependencies come from this environment,
    # searched after the venv's own site-packages, so `siting` is the wheel's
    installed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--target",
            str(site),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    (site / "_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {"PATH": os.environ.get("PATH", ""), "COLUMNS": "120", "HOME": str(tmp_path)}
    where = subprocess.run(
        [
            python,
            "-c",
            "import siting, siting.settings as s; print(siting.__file__); "
            "print(s.embedded_geodata_dir); print(s.criteria_file); print(s.boundaries_dir)",
        ],
        capture_output=True,
        text=True,
        cwd=away,
        env=env,
        check=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(site)) for line in where), where
    assert (site / "siting" / "py.typed").is_file()
    ranked = subprocess.run(
        [
            python,
            "-m",
            "siting.cli.app",
            "rank",
            str(CASE),
            "--top",
            "3",
            "--out",
            "r.xlsx",
            "--brief",
            "b.html",
        ],
        capture_output=True,
        text=True,
        cwd=away,
        env=env,
        timeout=300,
    )
    assert ranked.returncode == 0, ranked.stderr
    assert "Recommended sites" in ranked.stdout
    assert (away / "r.xlsx").stat().st_size > 0 and (away / "b.html").stat().st_size > 0
    info = subprocess.run(
        [python, "-m", "siting.cli.app", "data", "info", "--json"],
        capture_output=True,
        text=True,
        cwd=away,
        env=env,
        timeout=300,
    )
    assert info.returncode == 0 and str(site) in info.stdout


def test_every_subpackage_is_in_the_wheel_config():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'include = ["siting*"]' in text  # packages are found, none is listed by hand
    assert (REPO / "siting" / "py.typed").is_file()
    manifest = (REPO / "MANIFEST.in").read_text(encoding="utf-8")
    assert "graft geodata" in manifest and "graft models" in manifest


def test_readme_python_example_runs_as_written(tmp_path: Path):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "the README has a Python example"
    script = tmp_path / "example.py"
    script.write_text("\n".join(blocks), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.strip()
