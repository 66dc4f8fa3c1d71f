"""Screening equals ranking lead by lead on a random pipeline (issue 18: the fast path is exact).

Leads are drawn (seeded) from the synthetic example pipeline with their needs perturbed, so
that most rule and criterion paths are crossed: plots, power, categories, talent, years,
domains, locations and distance limits. The batch path (criteria read on the feasible cells
only, :mod:`siting.jobs.screen_batch`) must give exactly what the per-lead path gives
(:func:`siting.criteria.evaluation.evaluate`, :func:`siting.model.site_choice.rank_by_enumeration`
and :func:`siting.jobs.explain.breakdown`, as ``siting rank``), and each lead's top sites must be
``siting rank``'s own.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest

import siting.jobs.screen_context as screen_context
from siting.inputs.leads import read_leads
from siting.jobs.rank import rank_sites
from siting.jobs.screen import screen_leads

from .test_leads import write_leads

PIPELINE = (
    Path(__file__).resolve().parents[1] / "models" / "leads" / "example_pipeline_synthetic.csv"
)

#: Columns perturbed and the values drawn for them.
DRAWS: dict[str, list[str]] = {
    "land_ha": ["0", "0.5", "2", "5", "12", "40"],
    "power_mw": ["0.1", "1", "2.5", "6", "15"],
    "environmental_category": ["1", "2", "3", "4", "5"],
    "year": ["2026", "2028", "2030", "2034"],
    "talent_mbo": ["0", "10", "120"],
    "talent_wo": ["0", "25", "300"],
    "max_relocation_km": ["", "", "30", "80"],
    "allow_unknown": ["true", "false"],
}


def _random_rows(seed: int, n: int) -> list[list[str]]:
    with PIPELINE.open(encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    header = list(records[0])
    rng = random.Random(seed)
    rows = [header]
    for k in range(n):
        record = dict(rng.choice(records))
        for column, values in DRAWS.items():
            if rng.random() < 0.6:
                record[column] = rng.choice(values)
        record["id"] = f"rnd-{k:03d}"
        rows.append([record[column] for column in header])
    return rows


@pytest.mark.parametrize("seed", [18, 1436])
def test_screen_batch_equals_per_lead_on_random_leads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    path = write_leads(tmp_path, _random_rows(seed, 40))
    monkeypatch.setattr(screen_context, "_BATCH_CELLS", 5 * 3646)  # several leads per batch
    batched = screen_leads(path, top=5)
    monkeypatch.setattr(screen_context, "_PER_LEAD", True)
    single = screen_leads(path, top=5)
    assert batched.summary.placed and batched.summary.nowhere  # both outcomes crossed
    a, b = batched.to_dict(), single.to_dict()
    a.pop("elapsed_s", None)
    b.pop("elapsed_s", None)
    assert a == b

    # and the placed leads' top sites are siting rank's, in order, with its scores
    table = read_leads(path)
    profiles = {lead.lead_id: lead.profile for lead in table.leads}
    placed = [lead for lead in batched.leads if lead.status == "ok"][:8]
    assert placed
    for lead in placed:
        ranking = rank_sites(profiles[lead.lead_id], top=5, solver="enumeration")
        assert [s.site_id for s in lead.sites] == [r.site_id for r in ranking.recommendations]
        assert [s.score for s in lead.sites] == [
            round(r.utility, 4) for r in ranking.recommendations
        ]
