"""The batch evaluation and ranking equal the per-lead ones, lead by lead."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import siting
import siting.jobs.screen_context as screen_context
from siting.criteria.evaluation import LeadParams, evaluate, evaluate_batch
from siting.criteria.site_facts import site_facts
from siting.inputs.catalogue import load_catalogue
from siting.inputs.leads import read_leads
from siting.inputs.origin import resolve_origin
from siting.jobs.screen import screen_leads

from .test_leads import write_leads

REPO = Path(__file__).resolve().parents[1]
PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"

HEADER = [
    "id",
    "name",
    "nts_domains",
    "municipality",
    "lat",
    "lon",
    "year",
    "land_ha",
    "cleanroom_m2",
    "vibration_free",
    "heavy_transport",
    "environmental_category",
    "power_mw",
    "talent_mbo",
    "talent_hbo",
    "talent_wo",
    "max_relocation_km",
    "exclude_provinces",
    "allow_unknown",
]

EDGE_ROWS = [
    # no domains, no talent, no location, nothing needed
    [
        "bare",
        "B",
        "",
        "",
        "",
        "",
        "2030",
        "0",
        "0",
        "false",
        "false",
        "1",
        "0",
        "0",
        "0",
        "0",
        "",
        "",
        "false",
    ],
    # allow unknown facts, every facility flag, a big grid need
    [
        "unknown-ok",
        "U",
        "semiconductors",
        "Eindhoven",
        "",
        "",
        "2028",
        "3",
        "500",
        "true",
        "true",
        "4",
        "20",
        "5",
        "10",
        "0",
        "80",
        "",
        "true",
    ],
    # excluded provinces and a point location
    [
        "excluded",
        "E",
        "photonics; ai",
        "",
        "52.0",
        "4.36",
        "2031",
        "2",
        "0",
        "false",
        "false",
        "3",
        "1",
        "0",
        "0",
        "15",
        "120",
        "Zuid-Holland; Utrecht",
        "false",
    ],
    # zero land, talent at one level, tight distance
    [
        "zero-land",
        "Z",
        "quantum",
        "Delft",
        "",
        "",
        "2026",
        "0",
        "0",
        "false",
        "false",
        "2",
        "0.05",
        "0",
        "0",
        "40",
        "10",
        "",
        "false",
    ],
    # a need no site meets
    [
        "nowhere",
        "N",
        "",
        "Groningen",
        "",
        "",
        "2025",
        "500",
        "0",
        "true",
        "true",
        "6",
        "900",
        "0",
        "0",
        "0",
        "5",
        "",
        "false",
    ],
]


def _leads(tmp_path: Path) -> list:
    pipeline = [lead for lead in read_leads(PIPELINE).leads if lead.valid][:55]
    edge = read_leads(write_leads(tmp_path, [HEADER, *EDGE_ROWS])).leads
    assert all(lead.valid for lead in edge), [lead.problems for lead in edge]
    return pipeline + list(edge)


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal values, NaN in the same places (the batch computes the same floats)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)


@pytest.mark.parametrize("role", ["single", "rnd", "production"])
def test_batch_core_equals_evaluate(tmp_path: Path, role: str) -> None:
    data = siting.load_geodata()
    sites = siting.site_table(data=data)
    facts = site_facts(sites, data.campuses)
    catalogue = load_catalogue()
    leads = _leads(tmp_path)
    assert len(leads) >= 60
    profiles = [lead.profile for lead in leads]
    origins = [resolve_origin(p, data, file="t") for p in profiles]
    batch = evaluate_batch(
        LeadParams.from_profiles(profiles, catalogue, origins=origins, role=role), facts, catalogue
    )
    feasible, utility = batch.feasible, batch.utility
    rules = list(batch.rules)
    for row, (profile, origin) in enumerate(zip(profiles, origins, strict=True)):
        ev = evaluate(profile, facts, catalogue, role=role, origin_xy=origin)
        assert np.array_equal(feasible[row], ev.feasible)
        assert np.allclose(utility[row], ev.utility, rtol=0, atol=1e-12)
        listed = [con.name for con in ev.constraints]
        assert listed == [r for k, r in enumerate(rules) if batch.active[row, k]]
        for con in ev.constraints:
            assert _same(batch.slack[con.name][row], con.slack), (row, con.name)
        for k, name in enumerate(rules):
            if not batch.active[row, k]:
                assert np.all(batch.slack[name][row] == 1e6), (row, name)
        for c, crit in enumerate(ev.criteria):
            assert _same(batch.raw[crit.name][row], crit.raw), (row, crit.name)
            assert _same(batch.score[crit.name][row], crit.score), (row, crit.name)
            assert batch.weights[row, c] == crit.weight
            assert bool(batch.applicable[row, c]) == crit.applicable


def test_screen_batch_equals_per_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rows = [HEADER, *EDGE_ROWS]
    with PIPELINE.open(encoding="utf-8") as fh:
        for record in list(csv.DictReader(fh))[:60]:
            rows.append([record.get(col, "") for col in HEADER])
    path = write_leads(tmp_path, rows)
    monkeypatch.setattr(screen_context, "_BATCH_CELLS", 7 * len(siting.site_table()))  # 7 per batch
    with caplog.at_level("WARNING", logger="siting.jobs.screen_batch"):
        batched = screen_leads(path, top=5)
    # the batch path ran: no batch fell back to the per-lead path for a bug
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    monkeypatch.setattr(screen_context, "_PER_LEAD", True)
    single = screen_leads(path, top=5)
    assert batched.summary.placed and batched.summary.nowhere
    a, b = batched.to_dict(), single.to_dict()
    a.pop("elapsed_s", None)
    b.pop("elapsed_s", None)
    assert a == b


def test_a_bug_in_the_batch_path_is_logged_and_loses_no_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from siting.jobs import screen_batch

    rows = [HEADER]
    with PIPELINE.open(encoding="utf-8") as fh:
        for record in list(csv.DictReader(fh))[:5]:
            rows.append([record.get(col, "") for col in HEADER])
    path = write_leads(tmp_path, rows)

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(screen_batch, "_rank_batch", broken)
    with caplog.at_level("WARNING", logger="siting.jobs.screen_batch"):
        result = screen_leads(path, top=3)
    assert len(result.leads) == 5
    (record,) = caplog.records
    assert "batch path failed (ZeroDivisionError)" in record.getMessage()


# --- the vectorised helpers equal the scalar rules they replace --------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from siting.criteria.rules import (  # noqa: E402
    LOWEST_PASSING_SLACK,
    SLACK_DECIMALS,
    slack_passes,
)
from siting.jobs.screen_batch import _round_half_even  # noqa: E402

#: Floats, with many on and next to the rounding boundaries of 3 and 4 decimals.
_NEAR_HALVES = st.builds(
    lambda k, d, ulps: float(
        np.nextafter(np.float64((k + 0.5) / 10**d), np.inf * ulps) if ulps else (k + 0.5) / 10**d
    ),
    st.integers(-(10**6), 10**6),
    st.sampled_from([3, 4]),
    st.sampled_from([-1, 0, 1]),
)
_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), _NEAR_HALVES, st.floats(-0.01, 0.01)
)


@given(st.lists(_FLOATS, min_size=1, max_size=50))
def test_slack_passes_is_the_rounded_test(values: list[float]) -> None:
    slack = np.array(values)
    with np.errstate(invalid="ignore", over="ignore"):
        expected = np.round(slack, SLACK_DECIMALS) >= 0
    assert np.array_equal(slack_passes(slack), expected)


def test_slack_passes_from_the_lowest_passing_slack_on() -> None:
    lowest = LOWEST_PASSING_SLACK
    below = np.nextafter(lowest, -np.inf)
    around = [lowest, below, np.nextafter(lowest, np.inf), np.nextafter(below, -np.inf)]
    slack = np.array([*around, -0.0005, -0.0004999, -0.0005001, 0.0, -0.0, 1e308, -1e308])
    with np.errstate(over="ignore"):
        expected = np.round(slack, SLACK_DECIMALS) >= 0
    assert np.array_equal(slack_passes(slack), expected)
    assert slack_passes(np.array([lowest, below])).tolist() == [True, False]


@given(st.lists(_FLOATS, min_size=1, max_size=50))
def test_round_half_even_is_pythons_round(values: list[float]) -> None:
    finite = [v for v in values if np.isfinite(v) and abs(v) < 1e10]
    with np.errstate(invalid="ignore", over="ignore"):
        got = _round_half_even(np.array(finite), 4) if finite else np.array([])
    expected = [round(v, 4) for v in finite]
    assert [float(g) for g in got] == expected
    assert all(np.signbit(g) == np.signbit(e) for g, e in zip(got, expected, strict=True))


def test_a_level_one_lead_does_not_hire_at_adds_nothing_in_a_batch(tmp_path: Path) -> None:
    """A batch row equals the lead alone where another lead hires at a level it does not,
    with an uncapped talent criterion and a site whose reach at that level is unknown."""
    import dataclasses
    import re

    data = siting.load_geodata()
    sites = siting.site_table(data=data)
    facts = site_facts(sites, data.campuses)
    reach = dict(facts.reach)
    reach["hbo_talent_reach"] = reach["hbo_talent_reach"].copy()
    reach["hbo_talent_reach"][0] = np.nan
    reach["hbo_students_reach"] = reach["hbo_students_reach"].copy()
    reach["hbo_students_reach"][0] = np.nan
    facts = dataclasses.replace(facts, reach=reach)
    text = (REPO / "models" / "criteria.toml").read_text(encoding="utf-8")
    block = re.search(r"\[criteria\.talent_fit\].*?(?=\n\[)", text, re.S).group(0)
    uncapped = re.sub(r'normalise = "ratio_cap"', 'normalise = "minmax"', block)
    uncapped = re.sub(r"\ncap = [^\n]*", "", uncapped)
    (tmp_path / "criteria.toml").write_text(text.replace(block, uncapped), encoding="utf-8")
    catalogue = load_catalogue(tmp_path / "criteria.toml")
    assert catalogue.criteria["talent_fit"].cap is None
    leads = _leads(tmp_path)
    profiles = [lead.profile for lead in leads]
    hbo = [p.needs.talent.hbo > 0 for p in profiles]
    assert any(hbo) and not all(hbo)
    origins = [resolve_origin(p, data, file="t") for p in profiles]
    batch = evaluate_batch(
        LeadParams.from_profiles(profiles, catalogue, origins=origins), facts, catalogue
    )
    for row, (profile, origin) in enumerate(zip(profiles, origins, strict=True)):
        ev = evaluate(profile, facts, catalogue, origin_xy=origin)
        for crit in ev.criteria:
            if crit.name in ("talent_fit", "student_pipeline"):
                assert _same(batch.raw[crit.name][row], crit.raw), (row, crit.name)
        assert np.allclose(batch.utility[row], ev.utility, rtol=0, atol=1e-12)


def test_a_batch_where_every_lead_is_placed_stays_on_the_batch_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with PIPELINE.open(encoding="utf-8") as fh:
        records = [[r.get(col, "") for col in HEADER] for r in list(csv.DictReader(fh))[:40]]
    first = screen_leads(write_leads(tmp_path, [HEADER, *records]), top=3)
    placed = [rec for rec, lead in zip(records, first.leads, strict=True) if lead.status == "ok"]
    assert placed
    path = write_leads(tmp_path, [HEADER, *placed])
    with caplog.at_level("WARNING", logger="siting.jobs.screen_batch"):
        again = screen_leads(path, top=3)
    assert not caplog.records, [r.getMessage() for r in caplog.records]
    assert all(lead.status == "ok" for lead in again.leads)


def test_domain_criteria_expanded_whole_equal_their_cells_and_follow_the_facts(
    tmp_path: Path,
) -> None:
    # expanded whole, the criteria of the lead's domains are computed once per distinct set
    # of domains and kept per site facts; read cell by cell they are computed where read
    from dataclasses import replace

    data = siting.load_geodata()
    facts = site_facts(siting.site_table(data=data), data.campuses)
    catalogue = load_catalogue()
    profiles = [lead.profile for lead in _leads(tmp_path)]
    params = LeadParams.from_profiles(profiles, catalogue, origins=[None] * len(profiles))
    names = ("ecosystem_match", "campus_proximity", "hotspot_match", "shared_facilities")
    leads = np.arange(params.n)[:, None]
    sites = np.arange(facts.n)[None, :]
    for _ in range(2):  # the second batch finds the rows the first one kept
        batch = evaluate_batch(params, facts, catalogue)
        assert len({bytes(row) for row in params.domains}) > 3  # several sets of domains
        for name in names:
            whole = batch.raw[name]
            assert _same(whole, batch.raw.at(name, leads, sites)), name
            assert _same(batch.score[name], batch.score.at(name, leads, sites)), name
    # the same sites with every campus twice as far: a kept row must not answer for them
    farther = replace(
        facts,
        domain_campus_km=facts.domain_campus_km * 2.0,
        any_campus_km=facts.any_campus_km * 2.0,
    )
    moved = evaluate_batch(params, farther, catalogue).raw["campus_proximity"]
    before = evaluate_batch(params, facts, catalogue).raw["campus_proximity"]
    assert np.isfinite(before).any()
    assert _same(moved, before * 2.0)
