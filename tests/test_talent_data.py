"""The talent layer reproduces DUO's own techniek figures from the raw files.

The expected values are computed here from the raw DUO files in ../shared/data with the
standard library only (not through ``siting.importers.duo``), or pinned to totals documented
with their source (research/talent/findings.md sections 3.1-3.6; OCW in Cijfers tables).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import siting
from siting.importers import duo
from siting.layers.schema import STEM_TALENT, TALENT_MEASURES

from .conftest import EMBEDDED

pytestmark = pytest.mark.shared_data

OLD = Path("stem_talent") / "duo_2019_tekkieworden"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        # DUO's files hold a few blank separator lines: a single empty cell
        return [r for r in csv.DictReader(fh, delimiter=";") if None not in r.values()]


def _layer() -> pd.DataFrame:
    return pd.read_csv(EMBEDDED / "stem_talent.csv", dtype={"gm_code": str})


def _per_municipality(rows, *, sector_key: str, sector: str, year: str) -> Counter:
    out: Counter = Counter()
    for r in rows:
        if r[sector_key].strip().lower() == sector and r["GEMEENTENUMMER"].strip():
            out["GM" + r["GEMEENTENUMMER"].strip().zfill(4)] += int(r[year] or 0)
    return out


def test_national_totals_match_the_raw_files(shared: Path):
    layer = _layer()
    expected = {
        "hbo_tech_intake": ("hbo_inscriptions_2019.csv", "techniek", "2019"),
        "wo_tech_intake": ("wo_inscriptions_2019.csv", "techniek", "2019"),
        "wo_natuur_intake": ("wo_inscriptions_2019.csv", "natuur", "2019"),
        "hbo_tech_graduates": ("hbo_gediplomeerden_2019.csv", "techniek", "2018"),
        "wo_tech_graduates": ("wo_gediplomeerden_2019.csv", "techniek", "2018"),
    }
    for column, (file, sector, year) in expected.items():
        counts = _per_municipality(
            _rows(shared / OLD / file), sector_key="CROHO ONDERDEEL", sector=sector, year=year
        )
        assert layer[column].sum() == sum(counts.values()), column
    mbo = _rows(shared / OLD / "mbo_inscriptions_2019.csv")
    mbo_total = sum(int(r["TOTAAL2019"] or 0) for r in mbo if r["MBO SECTOR"] == "techniek")
    assert layer["mbo_tech_stock"].sum() == mbo_total


def test_national_totals_are_the_documented_duo_figures():
    # research/talent/findings.md section 3.5 (sums of DUO's rows, DUO's own sectors)
    totals = _layer()[list(TALENT_MEASURES)].sum()
    assert totals["mbo_tech_stock"] == 134_041
    assert totals["hbo_tech_intake"] == 23_561
    assert totals["wo_tech_intake"] == 14_275
    assert totals["wo_natuur_intake"] == 11_036
    assert totals["hbo_tech_graduates"] == 13_819
    assert totals["wo_tech_graduates"] == 10_157
    # hbo stock 2024: 92,296 exact plus 108 "<5" cells, each 1 to 4 persons
    assert (totals["hbo_tech_stock_min"], totals["hbo_tech_stock_max"]) == (92_404, 92_728)
    assert _layer()["hbo_tech_stock_suppressed"].sum() == 108


def test_the_hbo_stock_keeps_suppressed_cells_as_bounds(shared: Path):
    records = json.loads((shared / "stem_talent" / "duo_ingeschrevenhbo_2024.json").read_text())
    exact: Counter = Counter()
    cells: Counter = Counter()
    for r in records:
        if str(r["ONDERDEEL"]).strip().lower() != "techniek":
            continue
        code = "GM" + str(r["GEMEENTENUMMER"]).zfill(4)
        value = str(r["2024"]).strip()
        if value.startswith("<"):
            cells[code] += 1
        else:
            exact[code] += int(value or 0)
    layer = _layer().set_index("gm_code")
    for code in set(exact) | set(cells):
        row = layer.loc[code]
        assert row["hbo_tech_stock_min"] == exact[code] + cells[code]
        assert row["hbo_tech_stock_max"] == exact[code] + 4 * cells[code]
        assert row["hbo_tech_stock_suppressed"] == cells[code]
        assert row["hbo_stock_confidence"] == ("approximate" if cells[code] else "reported")


def _top(series: pd.Series, n: int) -> list[str]:
    return list(series.sort_values(ascending=False, kind="stable").index[:n])


@pytest.mark.parametrize(
    ("column", "file", "sector", "year"),
    [
        ("hbo_tech_intake", "hbo_inscriptions_2019.csv", "techniek", "2019"),
        ("wo_tech_intake", "wo_inscriptions_2019.csv", "techniek", "2019"),
        ("hbo_tech_graduates", "hbo_gediplomeerden_2019.csv", "techniek", "2018"),
        ("wo_tech_graduates", "wo_gediplomeerden_2019.csv", "techniek", "2018"),
    ],
)
def test_the_top_municipalities_are_those_of_the_raw_files(
    shared: Path, column: str, file: str, sector: str, year: str
):
    raw = pd.Series(
        _per_municipality(
            _rows(shared / OLD / file), sector_key="CROHO ONDERDEEL", sector=sector, year=year
        )
    )
    layer = _layer().set_index("gm_code")[column]
    top = _top(raw, 8)
    assert _top(layer, 8) == top
    assert layer[top].tolist() == raw[top].tolist()


def test_the_top_mbo_places_are_those_of_the_raw_file(shared: Path):
    places: Counter = Counter()
    for r in _rows(shared / OLD / "mbo_inscriptions_2019.csv"):
        if r["MBO SECTOR"] == "techniek":
            places[r["PLAATSNAAM"].strip()] += int(r["TOTAAL2019"] or 0)
    top = [p for p, _ in places.most_common(6)]
    assert top[:3] == ["ROTTERDAM", "AMSTERDAM", "ZWOLLE"]  # findings.md section 3.6
    assert places["ROTTERDAM"] == 17_574
    names = siting.load_municipalities().set_index("gm_code")["name"]
    layer = _layer().set_index("gm_code")["mbo_tech_stock"]
    assert [names[c].upper() for c in _top(layer, 6)] == top
    assert layer[_top(layer, 6)].tolist() == [places[p] for p in top]


def test_the_documented_top_values(shared: Path):
    # findings.md section 3.6 (DUO's rows summed per GEMEENTENUMMER, 2024 division)
    layer = _layer().set_index("gm_code")
    assert layer.loc["GM0503", "wo_tech_intake"] == 7_152  # Delft
    assert layer.loc["GM0772", "wo_tech_intake"] == 3_907  # Eindhoven
    assert layer.loc["GM0363", "hbo_tech_intake"] == 2_952  # Amsterdam
    assert layer.loc["GM0503", "wo_tech_graduates"] == 5_478
    assert layer.loc["GM0546", "wo_tech_intake"] == 0  # Leiden: physics is natuur, not techniek
    assert layer.loc["GM0546", "wo_natuur_intake"] == 1_398


def test_the_duo_importer_reproduces_ocw_published_totals(shared: Path):
    # OCW in Cijfers, "Ingeschrevenen hbo naar opleidingsgebied" (x 1,000, rounded): techniek
    # 100.7 (2021), 97.9 (2022), 95.0 (2023); the "<5" cells may hide 1-4 persons each.
    hbo = duo.read_duo_ho(shared / "stem_talent" / "duo_ingeschrevenhbo_2024.json")
    for year, published in ((2021, 100_700), (2022, 97_900), (2023, 95_000)):
        counts = duo.technical_counts(hbo, year=year)
        assert counts["count_min"].sum() - 50 <= published <= counts["count_max"].sum() + 50
    # OCW in Cijfers, "Studenten mbo" 2020 edition, BBL + BOL (x 1,000): all sectors
    mbo = duo.read_duo_mbo(shared / OLD / "mbo_inscriptions_2019.csv")
    for year, published in ((2015, 471_800), (2016, 479_500), (2017, 482_900), (2018, 492_400)):
        assert abs(mbo.loc[mbo["year"] == year, "count"].sum() - published) <= 50


def test_every_mbo_place_is_mapped_and_listed_where_it_counts(shared: Path):
    layer = _layer().set_index("gm_code")
    places = layer["mbo_places"].fillna("")
    assert "ZAANDAM" in places["GM0479"].split(";")  # Zaanstad
    assert "VEGHEL" in places["GM1948"].split(";")  # Meierijstad
    assert "HENGELO OV" in places["GM0164"].split(";")
    assert "'S-GRAVENHAGE" in places["GM0518"].split(";")
    raw = {r["PLAATSNAAM"].strip() for r in _rows(shared / OLD / "mbo_inscriptions_2019.csv")}
    listed = {p for cell in places for p in cell.split(";") if p}
    assert listed == raw - {""}
    assert (layer.loc[places.eq(""), "mbo_tech_stock"] == 0).all()


def test_the_workforce_estimate_is_recomputed_on_one_kind_and_year(shared: Path):
    """2019 shares: mbo stock at levels 2-4; hbo and wo first-degree entrants (AD, bachelor)."""

    def entrants(file: str, *, techniek: bool) -> int:
        return sum(
            int(r["2019"] or 0)
            for r in _rows(shared / OLD / file)
            if r["TYPE HOGER ONDERWIJS"] in ("associate degree", "bachelor")
            and (not techniek or r["CROHO ONDERDEEL"] == "techniek")
        )

    hbo, wo = (
        entrants(f, techniek=False)
        for f in ("hbo_inscriptions_2019.csv", "wo_inscriptions_2019.csv")
    )
    s_hbo = entrants("hbo_inscriptions_2019.csv", techniek=True) / hbo
    s_wo = entrants("wo_inscriptions_2019.csv", techniek=True) / wo
    mbo = [
        r
        for r in _rows(shared / OLD / "mbo_inscriptions_2019.csv")
        if r["KWALIFICATIENIVEAU"] in ("2", "3", "4")
    ]
    s_mbo = sum(int(r["TOTAAL2019"] or 0) for r in mbo if r["MBO SECTOR"] == "techniek") / sum(
        int(r["TOTAAL2019"] or 0) for r in mbo
    )
    h = hbo / (hbo + wo)
    m = pd.read_csv(EMBEDDED / "municipalities.csv").set_index("gm_code")
    layer = _layer().set_index("gm_code")
    in_work = m["population_15_64"] * m["labour_participation_pct"] / 100
    high = in_work * m["edu_high_pct"] / 100
    expected = {
        "mbo": in_work * m["edu_mid_pct"] / 100 * s_mbo,
        "hbo": high * h * s_hbo,
        "wo": high * (1 - h) * s_wo,
    }
    for level, values in expected.items():
        got = layer[f"{level}_tech_workforce_est"]
        assert (got - values.round().reindex(got.index)).abs().max() <= 1, level
    assert set(layer["workforce_confidence"]) == {"estimate"}


def test_every_talent_count_is_labelled_with_its_kind_and_year():
    for column, (kind, year, _) in TALENT_MEASURES.items():
        doc = STEM_TALENT.column(column).doc
        assert doc.startswith(f"{kind.upper()} {year}:"), column
    sources = (EMBEDDED / "SOURCES.md").read_text(encoding="utf-8")
    for column in TALENT_MEASURES:
        assert f"`{column}`" in sources, column
