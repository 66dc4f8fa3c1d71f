"""Derive the municipality, talent, site, grid and boundary layers of geodata/ from open files.

Usage::

    python scripts/build_geodata.py [--shared ../shared/data] [--out geodata]

Reads the CBS boundary files (2024 division) for names, points, extents, province, COROP and
labour-market region; the CBS 85039NED figures (2021, via nlstat: population, education and
the housing, accessibility and industry proxies) mapped onto the 2024 division with the merger
table; the DUO files for technical first-years, enrolled students and graduates
(:data:`DUO_FILES`); the national IBIS business-park register, onto which the authored
records of ``geodata/authored/`` are merged (:mod:`siting.layers.supply`); and the grid
operators' capacity map (supply areas, TenneT areas and stations) with the project's authored
area-municipality links (``geodata/authored/grid_area_links.csv``). Writes
``municipalities.csv``, ``stem_talent.csv``, ``sites.csv``, ``grid_areas.csv`` and
``grid_area_links.csv``, prints the national totals and the parameters of the workforce
estimate, and writes the simplified municipality and province boundaries
(``boundaries/municipalities.geojson``, ``boundaries/provinces.geojson``) that the maps draw
offline. The method is documented in
geodata/SOURCES.md; the test suite reruns this script and compares its output with the
committed files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings, vocab
from siting.importers import capacity_map, cbs, duo, grid_layers, ibis
from siting.layers import places
from siting.layers.authored import load_authored
from siting.layers.schema import (
    GRID_AREA_LINKS,
    GRID_AREAS,
    MUNICIPALITIES,
    STEM_TALENT,
    TALENT_MEASURES,
)
from siting.layers.supply import sites_as_text, sites_from_terrains
from siting.layers.validate import parse_table

ROOT = Path(__file__).resolve().parents[1]

#: The DUO files of the talent layer and what each counts (the files do not say it: see
#: geodata/SOURCES.md for the evidence): name -> (level, file under stem_talent/, kind).
DUO_FILES: dict[str, tuple[str, str, str]] = {
    "mbo_stock": ("mbo", "duo_2019_tekkieworden/mbo_inscriptions_2019.csv", "stock"),
    "hbo_intake": ("hbo", "duo_2019_tekkieworden/hbo_inscriptions_2019.csv", "intake"),
    "wo_intake": ("wo", "duo_2019_tekkieworden/wo_inscriptions_2019.csv", "intake"),
    "hbo_stock": ("hbo", "duo_ingeschrevenhbo_2024.json", "stock"),
    "hbo_graduates": ("hbo", "duo_2019_tekkieworden/hbo_gediplomeerden_2019.csv", "graduates"),
    "wo_graduates": ("wo", "duo_2019_tekkieworden/wo_gediplomeerden_2019.csv", "graduates"),
}
#: Nominal mbo programme length per qualification level [years]: the middle of CBS
#: Jeugdmonitor's ranges (level 2 one to two years, 3 two to three, 4 usually three, at most
#: four), for the labelled estimate of mbo first-years only.
MBO_NOMINAL_YEARS = {1: 1.0, 2: 1.5, 3: 2.5, 4: 3.0}
#: Programme types that mark a first entry into higher education (a master's entrant has
#: entered before), for the hbo/wo split of the workforce estimate.
FIRST_DEGREE_TYPES = frozenset({"associate degree", "bachelor"})


#: Decimals kept per group of CBS columns (CBS publishes housing shares in whole % and WOZ in
#: whole kEUR, nlstat its derived business figures to 0.01; merged municipalities get
#: weighted means, rounded to one decimal more than CBS gives).
PROXY_DECIMALS: dict[tuple[str, ...], int] = {
    ("edu_low_pct", "edu_mid_pct", "edu_high_pct", "labour_participation_pct"): 2,
    ("woz_avg_keur", "address_density"): 0,
    ("rental_pct", "corporation_rental_pct", "vacancy_pct"): 1,
    ("gp_km", "supermarket_km", "school_km", "daycare_km"): 2,
    ("industry_energy_pct", "businesses_per_1000"): 2,
}
#: Simplification tolerance of the shipped boundaries, in RD New [m].
BOUNDARY_TOLERANCE_M = 100.0
#: Decimals of the shipped boundary coordinates [degree] (1e-5 degree is about 1 m).
BOUNDARY_DECIMALS = 5
#: The national register as transcribed in ../shared/data, and where that transcription
#: read it: the WarmteAtlas WFS of RVO, layer WarmteAtlas:IBISbedrijventerreinen, on
#: 2026-10-10 (see ../shared/data/SOURCES.md and geodata/SOURCES.md).
IBIS_FILE = Path("business_parks") / "ibis_terrains_2024.tsv"
IBIS_SOURCE = "https://www.warmteatlas.nl/geoserver/WarmteAtlas/wfs, layer IBISbedrijventerreinen"
#: The transcription's column names -> the register's own field names.
IBIS_FIELDS = {
    "gm": "GEM_CODES",
    "rin": "RIN_NUMMER",
    "naam": "PLAN_NAAM",
    "jaar": "JAAR",
    "ha_bruto": "HA_BRUTO",
    "ha_netto": "HA_NETTO",
    "ha_uitgeefbaar": "HA_TOTTUIT",
    "type": "WLOC_TYPE",
}
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


def extents_km(gemeenten: gpd.GeoDataFrame, points: gpd.GeoSeries) -> np.ndarray:
    """Distance from each point to the farthest vertex of its boundary, rounded up to 0.1 km."""
    out = np.empty(len(gemeenten))
    for i, (shape, point) in enumerate(zip(gemeenten.geometry, points, strict=True)):
        xy = shapely.get_coordinates(shape)
        out[i] = np.hypot(xy[:, 0] - point.x, xy[:, 1] - point.y).max() / 1000
    return np.ceil(out * 10) / 10


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
            "extent_km": extents_km(gemeenten, points.geometry),
        }
    ).merge(current, on="gm_code", how="left", validate="one_to_one")
    missing = frame[frame["population"].isna()]["gm_code"].tolist()
    assert not missing, f"no CBS figures for {missing}"
    frame["population"] = frame["population"].round().astype(int)
    frame["population_15_64"] = frame["population_15_64"].round().astype(int)
    for columns, decimals in PROXY_DECIMALS.items():
        frame[list(columns)] = frame[list(columns)].astype(float).round(decimals)
    frame["urbanisation_class"] = frame["urbanisation_class"].astype("Int64")
    frame["figures_year"] = 2021
    frame["merged_from"] = frame["merged_from"].map(";".join)
    return frame[[c.name for c in MUNICIPALITIES.columns]].sort_values("gm_code")


def read_duo(shared: Path, municipalities: pd.DataFrame, mergers: pd.DataFrame) -> dict:
    """Read every DUO file of :data:`DUO_FILES` with current municipality codes."""
    folder = shared / "stem_talent"
    tidy = {}
    for key, (level, file, _) in DUO_FILES.items():
        if level == "mbo":
            frame = duo.read_duo_mbo(folder / file)
            codes, problems = places.municipality_codes(frame["place"], municipalities)
            assert not problems, f"mbo places without a municipality: {problems}"
            frame["gm_code"] = codes
        else:
            frame = duo.read_duo_ho(folder / file, level=level)
            frame["gm_code"] = cbs.resolve_codes(frame["gm_code"], mergers)
        tidy[key] = frame
    return tidy


def build_stem_talent(
    shared: Path, municipalities: pd.DataFrame, mergers: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, float]]:
    tidy = read_duo(shared, municipalities, mergers)
    out = municipalities[["gm_code"]].copy()

    def put(column: str, counts: pd.DataFrame, field: str = "count") -> None:
        values = out["gm_code"].map(counts.set_index("gm_code")[field])
        out[column] = values.fillna(0).astype(int)

    year = {name: m[1] for name, m in TALENT_MEASURES.items()}
    put("mbo_tech_stock", duo.technical_counts(tidy["mbo_stock"], year=year["mbo_tech_stock"]))
    mbo = tidy["mbo_stock"]
    mbo_tech = mbo[(mbo["year"] == year["mbo_tech_stock"]) & duo.is_technical(mbo)]
    per_year = mbo_tech["count"] / mbo_tech["qualification_level"].map(MBO_NOMINAL_YEARS)
    intake = per_year.groupby(mbo_tech["gm_code"]).sum()
    out["mbo_tech_intake_est"] = out["gm_code"].map(intake).fillna(0).round().astype(int)
    seats = mbo.drop_duplicates(["gm_code", "place"]).groupby("gm_code")["place"]
    out["mbo_places"] = out["gm_code"].map(seats.apply(lambda p: ";".join(sorted(p)))).fillna("")
    for level in ("hbo", "wo"):
        counts = duo.technical_counts(tidy[f"{level}_intake"], year=year[f"{level}_tech_intake"])
        put(f"{level}_tech_intake", counts)
    put(
        "wo_natuur_intake",
        duo.technical_counts(tidy["wo_intake"], year=year["wo_natuur_intake"], sector="natuur"),
    )
    stock = duo.technical_counts(tidy["hbo_stock"], year=year["hbo_tech_stock_min"])
    put("hbo_tech_stock_min", stock, "count_min")
    put("hbo_tech_stock_max", stock, "count_max")
    put("hbo_tech_stock_suppressed", stock, "suppressed_cells")
    out["mbo_tech_graduates"] = pd.NA
    for level in ("hbo", "wo"):
        counts = duo.technical_counts(
            tidy[f"{level}_graduates"], year=year[f"{level}_tech_graduates"]
        )
        put(f"{level}_tech_graduates", counts)
    params = workforce_parameters(tidy)
    estimates = workforce_estimates(municipalities.set_index("gm_code").loc[out["gm_code"]], params)
    for level, values in estimates.items():
        out[f"{level}_tech_workforce_est"] = np.round(values).astype(int)
    out["hbo_stock_confidence"] = np.where(
        out["hbo_tech_stock_suppressed"] > 0, "approximate", "reported"
    )
    out["workforce_confidence"] = "estimate"
    return out[[c.name for c in STEM_TALENT.columns]], params


def workforce_parameters(tidy: dict[str, pd.DataFrame]) -> dict[str, float]:
    """National shares of the workforce estimate, one kind and year per level (2019).

    ``tech_share_mbo``: techniek share of mbo students at levels 2-4 (the stock: mbo has no
    intake here); ``tech_share_hbo``, ``tech_share_wo``: techniek share of first-years entering
    a first degree (associate degree or bachelor); ``hbo_share_of_higher``: hbo share of those
    first-degree entrants (a master's entrant entered before, so counting masters would count
    wo graduates twice).
    """
    mbo = tidy["mbo_stock"]
    mbo = mbo[(mbo["year"] == 2019) & mbo["qualification_level"].isin(duo.MBO_LEVELS)]
    params = {"tech_share_mbo": _share(mbo)}
    entrants = {}
    for level in ("hbo", "wo"):
        frame = tidy[f"{level}_intake"]
        frame = frame[(frame["year"] == 2019) & frame["programme_type"].isin(FIRST_DEGREE_TYPES)]
        params[f"tech_share_{level}"] = _share(frame)
        entrants[level] = frame["count"].sum()
    params["hbo_share_of_higher"] = float(entrants["hbo"] / (entrants["hbo"] + entrants["wo"]))
    return params


def workforce_estimates(m: pd.DataFrame, params: dict[str, float]) -> dict[str, np.ndarray]:
    """Residents in work with a technical education per level (ESTIMATE; SOURCES.md)."""
    in_work = m["population_15_64"].to_numpy() * m["labour_participation_pct"].to_numpy() / 100
    high = in_work * m["edu_high_pct"].to_numpy() / 100
    h = params["hbo_share_of_higher"]
    return {
        "mbo": in_work * m["edu_mid_pct"].to_numpy() / 100 * params["tech_share_mbo"],
        "hbo": high * h * params["tech_share_hbo"],
        "wo": high * (1 - h) * params["tech_share_wo"],
    }


def _share(rows: pd.DataFrame) -> float:
    return float(rows.loc[duo.is_technical(rows), "count"].sum() / rows["count"].sum())


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Return the polygons of a repaired geometry (make_valid can leave lines behind)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return parts[0] if len(parts) == 1 else shapely.union_all(parts)


def _rounded(value: object, decimals: int) -> object:
    if isinstance(value, dict):
        return {k: _rounded(v, decimals) for k, v in value.items()}
    if isinstance(value, float):
        return round(value, decimals)
    if isinstance(value, list | tuple):
        return [_rounded(v, decimals) for v in value]
    return value


def simplified_boundaries(path: Path, code: str, name: str) -> str:
    """Read a CBS/PDOK TopoJSON, simplify it in RD New and return WGS84 GeoJSON text.

    The polygons are repaired (``make_valid``, polygonal parts kept), simplified as a
    coverage with :data:`BOUNDARY_TOLERANCE_M` (shapely ``coverage_simplify``: a border shared
    by two neighbours is simplified once, so they still meet), reprojected to WGS84 and
    written with :data:`BOUNDARY_DECIMALS` decimals, one feature per region in code order.
    """
    frame = gpd.read_file(path).set_crs("EPSG:4326").to_crs("EPSG:28992")
    polygons = [_polygonal(g) for g in shapely.make_valid(frame.geometry.to_numpy())]
    simple = shapely.coverage_simplify(np.asarray(polygons, dtype=object), BOUNDARY_TOLERANCE_M)
    out = gpd.GeoDataFrame(
        {code: frame["statcode"].astype(str), name: frame["statnaam"].astype(str)},
        geometry=simple,
        crs="EPSG:28992",
    ).to_crs("EPSG:4326")
    out = out.sort_values(code).reset_index(drop=True)
    features = [
        {
            "type": "Feature",
            "properties": {code: row[code], name: row[name]},
            "geometry": _rounded(shapely.geometry.mapping(row.geometry), BOUNDARY_DECIMALS),
        }
        for _, row in out.iterrows()
    ]
    return (
        json.dumps(
            {"type": "FeatureCollection", "features": features},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )


def build_boundaries(shared: Path) -> dict[str, str]:
    """Return the shipped boundary files: name -> GeoJSON text."""
    bounds = shared / "boundaries"
    return {
        "municipalities.geojson": simplified_boundaries(
            bounds / "gemeente_2024.topojson", "gm_code", "name"
        ),
        "provinces.geojson": simplified_boundaries(
            bounds / "provincie_2024.topojson", "province_code", "name"
        ),
    }


def build_sites(shared: Path, municipalities: pd.DataFrame) -> pd.DataFrame:
    """Every IBIS terrain a site, the authored records merged on top, as CSV text."""
    path = shared / IBIS_FILE
    raw = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False).rename(columns=IBIS_FIELDS)
    terrains = ibis.terrains_from_table(raw, file=str(path), source=IBIS_SOURCE)
    points = gpd.GeoDataFrame(
        municipalities[["gm_code", "name", "province", "lon", "lat"]],
        geometry=gpd.points_from_xy(municipalities["lon"], municipalities["lat"]),
        crs=settings.display_crs,
    ).to_crs(settings.working_crs)
    sites = sites_from_terrains(
        terrains, points, authored=load_authored(ROOT / "geodata" / "authored")
    )
    assert not sites.attrs["left_out"], sites.attrs["left_out"]
    assert not sites.attrs["missing_rins"], sites.attrs["missing_rins"]
    return sites_as_text(sites)


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
    sites = build_sites(args.shared, municipalities)
    municipalities.to_csv(args.out / "municipalities.csv", index=False)
    talent.to_csv(args.out / "stem_talent.csv", index=False)
    sites.to_csv(args.out / "sites.csv", index=False)
    areas = build_grid_areas(args.shared)
    links = build_grid_links(areas, municipalities)
    grid_layers.write_layer(areas, GRID_AREAS, args.out / "grid_areas.csv")
    grid_layers.write_layer(links, GRID_AREA_LINKS, args.out / "grid_area_links.csv")
    print(f"wrote {len(areas)} grid areas and {len(links)} area-municipality links")
    print(
        f"wrote {len(municipalities)} municipalities, {len(talent)} talent records and "
        f"{len(sites)} sites to {args.out}"
    )
    for column, (kind, year, _) in TALENT_MEASURES.items():
        print(f"  {column} ({kind} {year}): national {talent[column].sum():,}")
    (args.out / "boundaries").mkdir(exist_ok=True)
    for name, text in build_boundaries(args.shared).items():
        (args.out / "boundaries" / name).write_text(text, encoding="utf-8")
        print(f"wrote boundaries/{name} ({len(text.encode()) // 1024} kB)")
    for key, value in params.items():
        print(f"  {key} = {value:.4f}")


if __name__ == "__main__":
    main()
