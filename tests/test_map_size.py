"""A national map (every candidate site, the surfaces, live scores) stays under 5 MB."""

from __future__ import annotations

from pathlib import Path

from siting.jobs.rank import rank_sites
from siting.outputs.maps.ranking import render_map, save_map

#: The most a map file may weigh [bytes] (issue 15).
MAX_BYTES = 5_000_000

NATIONAL = """
[company]
id = "national-all-sites"

[needs]
year = 2030

[constraints]
allow_unknown = true
"""


def test_a_national_map_with_live_scores_stays_under_5_mb(tmp_path: Path):
    case = tmp_path / "national.toml"
    case.write_text(NATIONAL, encoding="utf-8")
    result = rank_sites(case, top=10, solver="enumeration")
    assert result.n_sites > 3000 and result.n_feasible > 1000  # a map of the whole country
    assert result.live is not None and len(result.live.site_ids) == result.n_feasible
    path = save_map(render_map(result), tmp_path / "national.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("siting-rank") >= 10
    plain = [
        s.name
        for s in result.sites
        if s.location_kind == "site" and s.name.replace(" ", "").isalnum()
    ]
    assert len(plain) > 50 and all(name in html for name in plain)  # the located sites drawn
    size = path.stat().st_size
    assert size < MAX_BYTES, f"the national map weighs {size / 1e6:.1f} MB"
