"""The map options of the commands: offline by default, ``--tiles``, ``--weights``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import CASES
from .test_maps import run

CASE2 = str(CASES / "case2_microchip_dense_region.toml")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--weights", "talent_fit=abc"], "--weights"),
        (["--weights", "talent_fit=-1"], "weight >= 0"),
        (["--weights", "nosuch=1"], "unknown criterion"),
        (["--tiles"], "add --map"),
        (["--tiles", "--offline", "--map", "m.html"], "give one"),
    ],
)
def test_bad_map_options_are_located_errors(args, words, tmp_path: Path):
    result = run("rank", CASE2, "--top", "2", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert words in result.stderr and "Traceback" not in result.stderr


def test_tiles_only_on_request_and_weights_change_the_ranking(tmp_path: Path):
    base = run("rank", CASE2, "--top", "3", "--map", "a.html", "--json", "a.json", cwd=tmp_path)
    assert base.returncode == 0, base.stderr
    assert "(offline)" in base.stdout
    assert "L.tileLayer" not in (tmp_path / "a.html").read_text(encoding="utf-8")
    tiles = run(
        "rank", CASE2, "--top", "3", "--map", "b.html", "--tiles",
        "--weights", "relocation_distance=5", "--json", "b.json", cwd=tmp_path,
    )  # fmt: skip
    assert tiles.returncode == 0, tiles.stderr
    assert "L.tileLayer" in (tmp_path / "b.html").read_text(encoding="utf-8")
    a = json.loads((tmp_path / "a.json").read_text())
    b = json.loads((tmp_path / "b.json").read_text())
    assert b["weights"]["relocation_distance"] > a["weights"]["relocation_distance"]
    assert sum(b["weights"].values()) == pytest.approx(1.0, abs=1e-3)
    assert a["live"]["criteria"] and len(a["live"]["site_ids"]) == a["n_feasible"]


def test_a_saved_ranking_keeps_its_live_weights(tmp_path: Path):
    ran = run("rank", CASE2, "--top", "3", "--json", "r.json", cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr
    again = run("map", "r.json", "--out", "again.html", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    html = (tmp_path / "again.html").read_text(encoding="utf-8")
    saved = json.loads((tmp_path / "r.json").read_text())
    # the panel (a JSON string in the page) has one slider per applicable criterion
    assert html.count('type=\\"range\\"') == len(saved["live"]["criteria"]) >= 3
    assert 'id=\\"siting-live\\"' in html
