"""Derive the municipality, STEM-talent and grid layers of geodata/ from the open source files.

Usage::

    python scripts/build_geodata.py [--shared ../shared/data] [--out geodata]

Reads the CBS boundary files (2024 division) for names, points, province, COROP and
labour-market region; the CBS 85039NED figures (2021, via nlstat) mapped onto the 2024 division
with the merger table; the DUO files for technical students and graduates; and the grid
operators' capacity map (supply areas, TenneT areas and stations) with the project's authored
area-municipality links (``geodata/authored/grid_area_links.csv``). Writes
``municipalities.csv``, ``stem_talent.csv``, ``grid_areas.csv`` and ``grid_area_links.csv``
and prints the parameters of the workforce estimate. The method is documented in
geodata/SOURCES.md; the test suite reruns this script and compares its output with the
committed files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from siting import vocab
from siting.importers import capacity_map, cbs, duo, grid_layers
from siting.layers.schema import GRID_AREA_LINKS, GRID_AREAS, MUNICIPALITIES, STEM_TALENT
from siting.layers.validate import parse_table

ROOT = Path(__file__).resolve().parents[1]
STUDENT_YEARS = {"mbo": 2019, "hbo": 2024, "wo": 2019}
GRADUATE_YEARS = {"hbo": 2018, "wo": 2018}
#: State of the capacity-map rows that carry no year (the TenneT files): the year of the
#: regional rows (2025), as the files were published together (geodata/SOURCES.md).
GRID_REFERENCE_DATE = "2025"
AUTHORED_LINKS = ROOT / "geodata" / "authored" / "grid_area_links.csv"


def read_regions(path: Path) -> gpd.GeoDataFrame:
    frame = gpd.read_file(path).set_crs("EPSG:4326").to_crs("EPSG:28992")
    frame["geometry"] = frame.geometry.make_valid()
    return frame[["statcode", "statnaam", "geometry"]]


def municipality_points(gemeenten: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """Centroid where it lies inside the municipality, else a representative inner point."""
    centroid = gemeenten.geometry.centroid
    inside = centroid.within(gemeenten.geometry)
    return centroid.where(inside, gemeenten.geometry.representative_point())


def build_municipalities(shared: Path, mergers: pd.DataFrame) -> pd.DataFrame:
    bounds = shared / "boundaries"
    gemeenten = read_regions(bounds / "gemeente_2024.topojson")
    points = gpd.GeoDataFrame(
        gemeenten[["statcode", "statnaam"]],
        geometry=municipality_points(gemeenten),
        crs="EPSG:28992",
    )
    for prefix, file in (
        ("province", "provincie_2024"),
        ("corop", "coropgebied_2024"),
        ("am", "arbeidsmarktregio_2024"),
    ):
        regions = read_regions(bounds / f"{file}.topojson").rename(
            columns={"statcode": f"{prefix}_code", "statnaam": f"{prefix}_name"}
        )
        joined = gpd.sjoin(points, regions, how="left", predicate="within")
        joined = joined[~joined.index.duplicated()]
        points[[f"{prefix}_code", f"{prefix}_name"]] = joined[[f"{prefix}_code", f"{prefix}_name"]]
    assert points[["province_code", "corop_code", "am_code"]].notna().all().all()
    figures = cbs.read_cbs_nlstat(
        shared / "stem_talent" / "cbs_85039NED_gemeente_indicators_nlstat.json"
    )
    current = cbs.to_current_municipalities(figures, mergers, set(points["statcode"]))
    lonlat = points.geometry.to_crs("EPSG:4326")
    frame = pd.DataFrame(
        {
            "gm_code": points["statcode"],
            "name": points["statnaam"],
            "province_code": points["province_code"],
            "province": points["province_code"].map(vocab.PROVINCES),
            "corop_code": points["corop_code"],
            "corop_name": points["corop_name"],
            "labour_market_region_code": points["am_code"],
            "labour_market_region": points["am_name"],
            "lon": lonlat.x.round(5),
            "lat": lonlat.y.round(5),
        }
    ).merge(current, on="gm_code", how="left", validate="one_to_one")
    missing = frame[frame["population"].isna()]["gm_code"].tolist()
    assert not missing, f"no CBS figures for {missing}"
    frame["population"] = frame["population"].round().astype(int)
    frame["population_15_64"] = frame["population_15_64"].round().astype(int)
    for col in ("edu_low_pct", "edu_mid_pct", "edu_high_pct", "labour_participation_pct"):
        frame[col] = frame[col].round(2)
    frame["figures_year"] = 2021
    frame["merged_from"] = frame["merged_from"].map(";".join)
    return frame[[c.name for c in MUNICIPALITIES.columns]].sort_values("gm_code")


def build_stem_talent(
    shared: Path, municipalities: pd.DataFrame, mergers: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, float]]:
    duo_dir = shared / "stem_talent"
    old = duo_dir / "duo_2019_tekkieworden"
    mbo = duo.read_duo_mbo(old / "mbo_inscriptions_2019.csv")
    mbo["gm_code"] = duo.place_codes(mbo["place"], municipalities)
    unmatched = sorted(set(mbo.loc[mbo["gm_code"].eq(""), "place"]))
    assert not unmatched, f"mbo places without a municipality: {unmatched}"
    students = {
        "mbo": mbo,
        "hbo": duo.read_duo_ho(duo_dir / "duo_ingeschrevenhbo_2024.json", level="hbo"),
        "wo": duo.read_duo_ho(old / "wo_inscriptions_2019.csv", level="wo"),
    }
    graduates = {
        "hbo": duo.read_duo_ho(old / "hbo_gediplomeerden_2019.csv", level="hbo"),
        "wo": duo.read_duo_ho(old / "wo_gediplomeerden_2019.csv", level="wo"),
    }
    out = municipalities[["gm_code"]].copy()
    suppressed = pd.Series(0, index=out.index)
    for level, tidy in students.items():
        tidy = tidy.assign(gm_code=cbs.resolve_codes(tidy["gm_code"], mergers))
        counts = duo.technical_counts(tidy, year=STUDENT_YEARS[level]).set_index("gm_code")
        out[f"{level}_tech_students"] = out["gm_code"].map(counts["count"]).fillna(0).astype(int)
        suppressed += out["gm_code"].map(counts["suppressed_cells"]).fillna(0).to_numpy()
    for level in vocab.EDUCATION_LEVELS:
        if level not in graduates:
            out[f"{level}_tech_graduates"] = pd.NA
            continue
        tidy = graduates[level]
        tidy = tidy.assign(gm_code=cbs.resolve_codes(tidy["gm_code"], mergers))
        counts = duo.technical_counts(tidy, year=GRADUATE_YEARS[level]).set_index("gm_code")
        out[f"{level}_tech_graduates"] = out["gm_code"].map(counts["count"]).fillna(0).astype(int)
        suppressed += out["gm_code"].map(counts["suppressed_cells"]).fillna(0).to_numpy()

    # National parameters of the workforce estimate, from the same DUO files and rule.
    params: dict[str, float] = {}
    for level, tidy in students.items():
        year_rows = tidy[tidy["year"] == STUDENT_YEARS[level]]
        if level == "mbo":
            year_rows = year_rows[year_rows["qualification_level"].isin(duo.MBO_LEVELS)]
        params[f"tech_share_{level}"] = float(
            year_rows.loc[duo.is_technical(year_rows), "count"].sum() / year_rows["count"].sum()
        )
    ho_2019 = {
        lvl: duo.read_duo_ho(old / f"{lvl}_inscriptions_2019.csv", level=lvl)
        for lvl in ("hbo", "wo")
    }
    hbo_total = ho_2019["hbo"].query("year == 2019")["count"].sum()
    wo_total = ho_2019["wo"].query("year == 2019")["count"].sum()
    params["hbo_share_of_higher"] = float(hbo_total / (hbo_total + wo_total))

    m = municipalities.set_index("gm_code").loc[out["gm_code"]]
    in_work = m["population_15_64"].to_numpy() * m["labour_participation_pct"].to_numpy() / 100
    high = in_work * m["edu_high_pct"].to_numpy() / 100
    estimates = {
        "mbo": in_work * m["edu_mid_pct"].to_numpy() / 100 * params["tech_share_mbo"],
        "hbo": high * params["hbo_share_of_higher"] * params["tech_share_hbo"],
        "wo": high * (1 - params["hbo_share_of_higher"]) * params["tech_share_wo"],
    }
    for level, values in estimates.items():
        out[f"{level}_tech_workforce_est"] = np.round(values).astype(int)
    out["students_confidence"] = np.where(suppressed > 0, "approximate", "reported")
    out["workforce_confidence"] = "estimate"
    return out[[c.name for c in STEM_TALENT.columns]], params


def build_grid_areas(shared: Path) -> pd.DataFrame:
    """Read the capacity map's supply areas, TenneT areas and stations (demand side)."""
    folder = shared / "grid_capacity_map"
    return grid_layers.build_grid_areas(
        capacity_map.read_supply_areas(folder / "voedingsgebieden.csv"),
        capacity_map.read_tennet_areas(folder / "tennetgebieden.csv"),
        capacity_map.read_tennet_stations(folder / "tennetcongestie.csv"),
        reference_date=GRID_REFERENCE_DATE,
    )


def build_grid_links(areas: pd.DataFrame, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Read the authored links and check their municipality, area and TenneT ids."""
    raw = pd.read_csv(AUTHORED_LINKS, dtype=str, keep_default_na=False)
    links, problems = parse_table(raw, GRID_AREA_LINKS, file=str(AUTHORED_LINKS))
    assert not problems, [str(p) for p in problems]
    kind = areas.set_index("area_id")["kind"]
    assert links["gm_code"].isin(set(municipalities["gm_code"])).all()
    assert links["area_id"].isin(kind.index).all(), set(links["area_id"]) - set(kind.index)
    tennet = links["tennet_id"].dropna()
    assert tennet.map(kind).isin(["tennet_station", "tennet_area"]).all()
    regional = links["area_id"].map(kind).eq("regional")
    assert links.loc[~regional, "tennet_id"].isna().all(), "only regional links name a TenneT id"
    return links.sort_values(["gm_code", "link_id"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "geodata")
    args = parser.parse_args(argv)
    mergers = pd.read_csv(ROOT / "geodata" / "municipal_mergers.csv", dtype=str)
    municipalities = build_municipalities(args.shared, mergers)
    talent, params = build_stem_talent(args.shared, municipalities, mergers)
    args.out.mkdir(parents=True, exist_ok=True)
    municipalities.to_csv(args.out / "municipalities.csv", index=False)
    talent.to_csv(args.out / "stem_talent.csv", index=False)
    areas = build_grid_areas(args.shared)
    links = build_grid_links(areas, municipalities)
    grid_layers.write_layer(areas, GRID_AREAS, args.out / "grid_areas.csv")
    grid_layers.write_layer(links, GRID_AREA_LINKS, args.out / "grid_area_links.csv")
    print(f"wrote {len(areas)} grid areas and {len(links)} area-municipality links")
    print(
        f"wrote {len(municipalities)} municipalities and {len(talent)} talent records to {args.out}"
    )
    for key, value in params.items():
        print(f"  {key} = {value:.4f}")


if __name__ == "__main__":
    main()
