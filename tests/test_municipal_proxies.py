"""The CBS proxies on the municipality layer: the right fields, their year, merged ones."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import siting
from siting.importers import cbs
from siting.layers.schema import MUNICIPALITIES

from .conftest import EMBEDDED

#: Layer column -> (nlstat block, nlstat key), written out here independently of the importer.
RAW_FIELDS = {
    "woz_avg_keur": ("Housing", "Avg WOZ value (x€1k)"),
    "rental_pct": ("Housing", "Rental homes (%)"),
    "corporation_rental_pct": ("Housing", "Social housing (%)"),
    "vacancy_pct": ("Housing", "Vacancy rate (%)"),
    "address_density": ("Demographics", "Population density (per km²)"),
    "urbanisation_class": ("Services", "Degree of urbanisation (1–5)"),
    "gp_km": ("Services", "Distance to GP (km)"),
    "daycare_km": ("Services", "Distance to daycare (km)"),
    "industry_energy_pct": ("Economy", "Industry & energy sector (%)"),
    "businesses_per_1000": ("Economy", "Business density (per 1k pop)"),
}


def _layer() -> pd.DataFrame:
    return pd.read_csv(EMBEDDED / "municipalities.csv").set_index("gm_code")


def _raw(shared: Path) -> dict:
    path = shared / "stem_talent" / "cbs_85039NED_gemeente_indicators_nlstat.json"
    return json.loads(path.read_text(encoding="utf-8"))["Gemeente"]


def test_every_proxy_is_labelled_a_proxy_with_its_year():
    for column in cbs.PROXY_COLUMNS:
        doc = MUNICIPALITIES.column(column).doc
        assert doc.startswith("PROXY (CBS 85039NED, 2021 edition) for "), column
    assert set(_layer()["figures_year"]) == {2021}


@pytest.mark.shared_data
def test_unmerged_municipalities_carry_the_cbs_values(shared: Path):
    raw = _raw(shared)
    layer = _layer()
    unmerged = layer[layer["merged_from"].isna()]
    assert len(unmerged) == 336
    for code, row in unmerged.iterrows():
        for column, (block, key) in RAW_FIELDS.items():
            assert row[column] == pytest.approx(raw[code][block][key], abs=0.01), (code, column)
        assert row["confidence"] == "reported"


def test_the_urbanisation_class_is_the_class_of_the_address_density():
    # the check that nlstat's "Population density" is CBS's surrounding address density
    layer = _layer()
    expected = cbs.urbanisation_class(layer["address_density"])
    assert (layer["urbanisation_class"] == expected).all()
    assert layer.loc["GM0363", "urbanisation_class"] == 1  # Amsterdam
    assert layer.loc["GM0096", "urbanisation_class"] == 5  # Vlieland


@pytest.mark.shared_data
def test_merged_municipalities_are_weighted_and_flagged(shared: Path):
    raw = _raw(shared)
    layer = _layer()
    parts = ["GM0756", "GM1684", "GM0786", "GM1702", "GM0815"]  # now Land van Cuijk, GM1982
    population = np.array([raw[c]["Population"] for c in parts], dtype=float)
    woz = np.array([raw[c]["Housing"]["Avg WOZ value (x€1k)"] for c in parts])
    density = np.array([raw[c]["Economy"]["Business density (per 1k pop)"] for c in parts])
    share = np.array([raw[c]["Economy"]["Industry & energy sector (%)"] for c in parts])
    establishments = density * population / 1000
    row = layer.loc["GM1982"]
    assert row["confidence"] == "approximate"
    assert sorted(row["merged_from"].split(";")) == sorted(parts)
    assert row["woz_avg_keur"] == pytest.approx(
        (woz * population).sum() / population.sum(), abs=0.5
    )
    assert row["businesses_per_1000"] == pytest.approx(
        1000 * establishments.sum() / population.sum(), abs=0.01
    )
    assert row["industry_energy_pct"] == pytest.approx(
        (share * establishments).sum() / establishments.sum(), abs=0.05
    )


def test_the_statline_reader_derives_the_shares_from_counts(tmp_path: Path):
    record = {
        "SoortRegio_2": "Gemeente",
        "Codering_3": "GM0344",
        "AantalInwoners_5": 360000,
        "k_15Tot25Jaar_9": 60000,
        "k_25Tot45Jaar_10": 120000,
        "k_45Tot65Jaar_11": 80000,
        "GemiddeldeWOZWaardeVanWoningen_35": 345,
        "Omgevingsadressendichtheid_117": 3100,
        "MateVanStedelijkheid_116": 1,
        "BedrijfsvestigingenTotaal_91": 45000,
        "BFNijverheidEnEnergie_93": 3600,
    }
    path = tmp_path / "85039NED.json"
    path.write_text(json.dumps({"value": [record]}), encoding="utf-8")
    (row,) = cbs.read_cbs_kerncijfers(path).to_dict("records")
    assert row["woz_avg_keur"] == 345 and row["address_density"] == 3100
    assert row["industry_energy_pct"] == pytest.approx(8.0)
    assert row["businesses_per_1000"] == pytest.approx(125.0)
    assert np.isnan(row["vacancy_pct"])  # absent from the export: unknown, not 0


def test_a_user_municipality_layer_without_the_proxies_still_loads(geodata_copy: Path):
    layer = pd.read_csv(geodata_copy / "municipalities.csv", dtype=str, keep_default_na=False)
    layer.drop(columns=[*cbs.PROXY_COLUMNS, "extent_km"]).to_csv(
        geodata_copy / "municipalities.csv", index=False
    )
    data = siting.load_geodata(geodata_copy)
    assert data.municipalities["woz_avg_keur"].isna().all()
