"""A travel-time matrix (`--travel-times`): validated with located errors, used for talent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import siting
from siting import SitingInputError
from siting.inputs.travel_times import read_travel_times, with_travel_times
from siting.layers.site_table import talent_within_reach

from .conftest import CASES

DELFT, GRONINGEN, ROTTERDAM = "GM0503", "GM0014", "GM0599"


@pytest.fixture(scope="module")
def data():
    return siting.load_geodata()


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "tt.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _delft_point(data) -> np.ndarray:
    munis = data.municipalities.set_index("gm_code")
    point = munis.loc[DELFT].geometry.representative_point()
    return np.array([[point.x, point.y]])


def test_bad_matrices_are_refused_with_file_row_and_column(tmp_path, data):
    codes = set(data.municipalities["gm_code"])
    path = _write(
        tmp_path,
        f"gm_code,{DELFT},GM9999,Delft\n{DELFT},1.500,x,\n{DELFT},3,4,5\nGM05,1,2,3\n"
        f'{GRONINGEN},"12,5",-1,7\n',
    )
    with pytest.raises(SitingInputError) as err:
        read_travel_times(path, codes)
    text = str(err.value)
    assert "row 1, column 'GM9999'" in text and "not a municipality" in text
    assert "'Delft' is not a CBS municipality code" in text
    assert f"'{DELFT}' has two rows" in text
    assert "row 2, column 'GM0503'" in text and "thousands separator" in text
    assert "row 2, column 'GM9999': 'x' is not a number of minutes" in text
    assert "row 4, column 'gm_code'" in text
    assert "decimal point, not a comma" in text and "between 0 and" in text


def test_travel_times_replace_straight_line_distance_where_given(tmp_path, data):
    codes = set(data.municipalities["gm_code"])
    xy = _delft_point(data)
    plain = talent_within_reach(xy, data, origin_gm=[DELFT])
    hbo = data.stem_talent.set_index("gm_code")["hbo_tech_workforce_est"].astype(float)
    # Groningen is 180 km away (no weight by distance); 0 min brings all of it, 20 min half
    for minutes, share in ((0, 1.0), (20, 0.5), (61, 0.0)):
        path = _write(tmp_path, f"gm_code,{GRONINGEN}\n{DELFT},{minutes}\n")
        timed = with_travel_times(data, path)
        got = talent_within_reach(xy, timed, origin_gm=[DELFT])["hbo_talent_reach"][0]
        assert got == pytest.approx(plain["hbo_talent_reach"][0] + share * hbo[GRONINGEN], abs=0.2)
    # a pair the matrix gives replaces the straight-line weight: Rotterdam at 60 min counts an
    # eighth, less than its weight by distance (about 12 km)
    path = _write(tmp_path, f"gm_code,{ROTTERDAM}\n{DELFT},60\n")
    slow = talent_within_reach(xy, with_travel_times(data, read_travel_times(path, codes)),
                               origin_gm=[DELFT])  # fmt: skip
    assert slow["hbo_talent_reach"][0] < plain["hbo_talent_reach"][0]
    # without the points' municipalities the matrix is not used
    assert (
        talent_within_reach(xy, with_travel_times(data, path))["hbo_talent_reach"][0]
        == (plain["hbo_talent_reach"][0])
    )


def test_rank_with_travel_times_says_so_and_changes_the_talent_fit(tmp_path, data):
    case = CASES / "case2_microchip_dense_region.toml"
    rows = "\n".join(f"{c},0" for c in sorted(data.municipalities["gm_code"]))
    path = _write(tmp_path, f"gm_code,{GRONINGEN}\n{rows}\n")  # Groningen next door to all
    base = siting.rank_sites(case, top=3, solver="enumeration", data=data)
    timed = siting.rank_sites(case, top=3, solver="enumeration", data=data, travel_times=path)
    assert any("travel times from" in n for n in timed.notes)
    assert not any("travel times from" in n for n in base.notes)
    # every site's municipality is 0 min from Groningen: every pool grows by Groningen's
    from siting.layers.site_table import site_table

    before = site_table(data=data)["hbo_talent_reach"].to_numpy()
    after = site_table(data=with_travel_times(data, path))["hbo_talent_reach"].to_numpy()
    hbo = data.stem_talent.set_index("gm_code")["hbo_tech_workforce_est"].astype(float)
    far = before < after - 1.0
    assert far.mean() > 0.9  # all but the sites in and near Groningen
    assert np.allclose((after - before)[far].max(), hbo[GRONINGEN], atol=1.0)


def test_cli_rank_refuses_a_bad_matrix_with_exit_2(tmp_path):
    import subprocess
    import sys

    path = _write(tmp_path, "gm_code,GM0503\nGM0503,1.500\n")
    done = subprocess.run(
        [sys.executable, "-m", "siting.cli.app", "rank",
         str(CASES / "case2_microchip_dense_region.toml"), "--travel-times", str(path)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2
    # the message may wrap at the terminal's width anywhere, the temporary path's length decides
    assert "thousands separator" in " ".join((done.stderr + done.stdout).split())
    assert "Traceback" not in done.stderr
