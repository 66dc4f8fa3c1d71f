"""Shared fixtures: isolated settings, no network, paths to the embedded and shared data."""

from __future__ import annotations

import atexit
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from siting import settings

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
EMBEDDED = REPO / "geodata"

requires_shared = pytest.mark.skipif(
    not SHARED.is_dir(),
    reason="../shared/data (the real open data files) is absent in this checkout",
)


#: One on-disk layer cache for the test run (:mod:`siting.layers.cache`), removed at exit.
_CACHE_DIR = Path(tempfile.mkdtemp(prefix="siting-test-cache-"))
atexit.register(shutil.rmtree, _CACHE_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the documented defaults and may change them freely."""
    for name in (
        "geodata_dir",
        "talent_reach_km",
        "talent_half_distance_km",
        "campus_reach_km",
        "default_solver",
        "time_limit_s",
        "criteria_file",
        "fact_max_age_years",
        "disk_cache",
        "cache_dir",
        "solver_margin_s",
        "solver_isolation",
        "solver_isolation_min_size",
    ):
        monkeypatch.setattr(settings, name, getattr(settings, name))
    # the on-disk cache of validated layers lives in the run's own folder, not the user's
    monkeypatch.setattr(settings, "cache_dir", _CACHE_DIR)
    # the age of dated facts is judged as of 2026, so that results on the embedded data do not
    # change with the calendar (a 2022 register figure becomes a fact to confirm in 2028)
    monkeypatch.setattr(settings, "facts_reference_year", 2026)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to connect to a host other than this machine."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if isinstance(host, str) and host not in ("127.0.0.1", "::1", "localhost"):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def shared() -> Path:
    """The real open data folder; skips the test where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data (the real open data files) is absent in this checkout")
    return SHARED


@pytest.fixture
def geodata_copy(tmp_path: Path) -> Path:
    """A writable copy of the embedded dataset."""
    target = tmp_path / "geodata"
    shutil.copytree(EMBEDDED, target, ignore=shutil.ignore_patterns("_staging"))
    return target


CASES = REPO / "models" / "cases"


@pytest.fixture(scope="session")
def case2_result():
    """Ranking of example case 2 (feasible, with a current location), top 5; read-only."""
    from siting.jobs.rank import rank_sites

    return rank_sites(CASES / "case2_microchip_dense_region.toml", top=5)


def strict_case4(folder: Path) -> Path:
    """Write example case 4 in strict mode (``allow_unknown = false``) into ``folder``.

    By default a site whose facts are unknown is ranked "to confirm", and case 4 (which
    requires its grid connection verified) gets the sites whose grid room is published; in
    strict mode every rule must be verified and nothing fits: the infeasible case of the
    tests.
    """
    text = (CASES / "case4_energy_storage_power.toml").read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("verify")  # [constraints] is the last table
    path = Path(folder) / "case4_strict.toml"
    path.write_text(text + "allow_unknown = false\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def case4_result(tmp_path_factory):
    """Ranking of example case 4 in strict mode (no feasible site), top 5; read-only."""
    from siting.jobs.rank import rank_sites

    return rank_sites(strict_case4(tmp_path_factory.mktemp("case4")), top=5)
