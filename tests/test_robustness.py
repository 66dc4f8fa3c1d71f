"""Robustness: fuzzed profiles never raise anything but a located input error; commands stay
off the network; solver time limits hold."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from siting import SitingInputError
from siting.inputs.profile import FLAT_FIELDS, load_profile, nest_flat_record, parse_profile
from siting.model.solvers import LinearModel, Row, solve_milp

from .conftest import REPO

KEYS = {
    "company": ["id", "name", "nts_domains", "current_location", "colour"],
    "needs": [
        "year",
        "land_ha",
        "floor_m2",
        "cleanroom_m2",
        "vibration_free",
        "heavy_transport",
        "environmental_category",
        "power_mw",
        "talent",
        "speed",
    ],
    "constraints": [
        "max_relocation_km",
        "exclude_provinces",
        "include_provinces",
        "space_types",
        "allow_unknown",
    ],
    "weights": ["talent_fit", "space_headroom", "nonsense"],
    "two_site": ["max_distance_km", "rnd_land_ha", "rnd_power_mw"],
    "extra": ["x"],
}
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.text(max_size=12), max_size=3),
    st.dictionaries(
        st.sampled_from(["municipality", "lat", "lon", "mbo", "hbo", "zz"]),
        st.one_of(st.text(max_size=10), st.floats(-100, 100), st.integers()),
        max_size=3,
    ),
)


@st.composite
def profiles(draw: st.DrawFn) -> dict:
    doc = {}
    for table in draw(st.lists(st.sampled_from(sorted(KEYS)), unique=True, max_size=6)):
        keys = draw(st.lists(st.sampled_from(KEYS[table]), unique=True, max_size=6))
        doc[table] = {k: draw(scalars) for k in keys}
    return doc


@hyp_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_fuzzed_profile_mappings_give_a_profile_or_located_problems(doc: dict):
    try:
        parse_profile(doc, file="fuzz.toml")
    except SitingInputError as exc:
        for problem in exc.problems:
            assert problem.file == "fuzz.toml"
            assert problem.column, problem  # every problem names its key
            assert problem.message


@hyp_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_fuzzed_bytes_as_a_toml_file_never_raise_anything_else(tmp_path_factory, data: bytes):
    path = tmp_path_factory.mktemp("fuzz") / "case.toml"
    path.write_bytes(data)
    try:
        load_profile(path)
    except SitingInputError as exc:
        assert all(p.file == str(path) for p in exc.problems)


@hyp_settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*FLAT_FIELDS, "needs.talent.hbo", "weights.x", "??"]),
        st.text(max_size=20),
        max_size=12,
    )
)
def test_fuzzed_lead_rows_give_a_profile_or_problems_on_that_row(record: dict):
    nested, _ = nest_flat_record(record)
    try:
        parse_profile(nested, file="leads.csv", row=7)
    except SitingInputError as exc:
        assert all(p.row == 7 and p.file == "leads.csv" for p in exc.problems)


def test_example_cases_are_valid_toml():
    for path in (REPO / "models" / "cases").glob("*.toml"):
        with path.open("rb") as fh:
            tomllib.load(fh)


# --- no network ---------------------------------------------------------------------------

GUARD = """
import socket, sys
_real = socket.socket.connect
def _guard(self, address):
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in (
            "127.0.0.1", "::1", "localhost"):
        sys.stderr.write(f"NETWORK ACCESS ATTEMPTED: {address!r}\\n")
        raise OSError("network access blocked by the test")
    return _real(self, address)
socket.socket.connect = _guard
"""


@pytest.mark.parametrize(
    "args",
    [
        ["data", "info"],
        ["data", "check"],
        ["rank", "models/cases/case2_microchip_dense_region.toml", "--top", "3"],
        ["rank", "models/cases/case6_two_site_photonics.toml", "--top", "2", "--solver", "highs"],
    ],
)
def test_commands_never_touch_the_network(tmp_path: Path, args: list[str]):
    (tmp_path / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    env = {
        "PATH": os.environ.get("PATH", ""),
        "COLUMNS": "120",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)]),
    }
    result = subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env=env,
    )
    assert "NETWORK ACCESS ATTEMPTED" not in result.stderr
    assert result.returncode in (0, 3), result.stderr


# --- solver time limits -------------------------------------------------------------------


@pytest.mark.parametrize("solver", ["cbc", "highs", "cp-sat"])
def test_solver_time_limit_is_respected_with_a_clear_status(solver: str):
    """A hard market-split style instance stops at the limit and says how it ended."""
    rng = np.random.default_rng(11)
    n, m = 60, 6
    weights = rng.integers(1, 100, size=(m, n)).astype(float)
    rows = [
        Row(f"split{k}", np.arange(n), weights[k], "==", float(weights[k].sum() // 2))
        for k in range(m)
    ]
    model = LinearModel(
        n_vars=n,
        var_names=tuple(f"x{i}" for i in range(n)),
        c=rng.integers(1, 10, size=n).astype(float),
        rows=tuple(rows),
    )
    outcome = solve_milp(model, solver=solver, time_limit_s=0.5)
    assert outcome.status in ("optimal", "feasible", "infeasible", "no_solution_in_time")
    assert outcome.solve_time_s < 0.5 + 5.0  # the limit, plus process start-up and read-back
    if outcome.status == "feasible":
        assert outcome.x is not None
