"""Talent and campuses within reach of points: the reach rules of :mod:`siting.layers.site_table`.

Straight-line distances in EPSG:28992 (or travel times, where a matrix is loaded); the rules
and their settings are described in :mod:`siting.layers.site_table`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from siting import settings, vocab
from siting.layers.load import GeoData

if TYPE_CHECKING:
    import geopandas as gpd

#: The talent-layer count behind ``{level}_students_reach``: the like-for-like DUO measure of
#: each level (hbo and wo first-years 2019; mbo has no intake in the data, so its enrolled
#: stock 2019, a larger kind of count: compare levels by share, not by size).
STUDENT_COLUMNS: dict[str, str] = {
    "mbo": "mbo_tech_stock",
    "hbo": "hbo_tech_intake",
    "wo": "wo_tech_intake",
}


#: The same in words, for readers.
STUDENT_LABELS: dict[str, str] = {
    "mbo": "technical mbo students enrolled (2019, all years of study)",
    "hbo": "technical hbo first-years (2019)",
    "wo": "technical wo first-years (2019)",
}


def distance_decay(distance_km: np.ndarray, *, reach_km: float, half_km: float) -> np.ndarray:
    """Weight of talent at a distance: ``2 ** (-d / half_km)`` within ``reach_km``, else 0.

    Parameters
    ----------
    distance_km
        Distances [km].
    reach_km
        Cut-off distance [km].
    half_km
        Distance at which the weight is one half [km].

    Returns
    -------
    numpy.ndarray
        Weights in [0, 1], same shape.
    """
    d = np.asarray(distance_km, dtype=float)
    return np.where(d <= reach_km, np.exp2(-d / half_km), 0.0)


def _pairwise_km(a_xy: np.ndarray, b_xy: np.ndarray) -> np.ndarray:
    """Distances between two point sets [km], shape (len(a), len(b))."""
    diff = a_xy[:, None, :] - b_xy[None, :, :]
    return np.hypot(diff[..., 0], diff[..., 1]) / 1000.0


def talent_within_reach(
    xy: np.ndarray,
    data: GeoData,
    *,
    reach_km: float | None = None,
    half_km: float | None = None,
    chunk: int = 4096,
    origin_gm: list[str] | None = None,
) -> dict[str, np.ndarray]:
    """Distance-weighted talent within commuting reach of arbitrary points.

    With a travel-time matrix on the layers (``data.travel_times``,
    :mod:`siting.inputs.travel_times`) and the points' municipalities (``origin_gm``), every
    pair the matrix gives is weighted by travel time instead of straight-line distance.

    Parameters
    ----------
    xy
        Points in EPSG:28992, shape ``(k, 2)`` [m].
    data
        Loaded layers.
    reach_km, half_km
        Reach rule (:mod:`siting.layers.site_table`); defaults from :mod:`siting.settings`.
    chunk
        Points per block (bounds memory: ``chunk x municipalities`` distances).
    origin_gm
        The points' municipality codes (for the travel-time matrix); ``None``: distances only.

    Returns
    -------
    dict
        ``{mbo,hbo,wo}_talent_reach`` [FTE est.], ``{mbo,hbo,wo}_students_reach`` [persons] and
        ``labour_pool_reach`` [persons], each of shape ``(k,)``, rounded to 0.1.
    """
    reach_km = settings.talent_reach_km if reach_km is None else reach_km
    half_km = settings.talent_half_distance_km if half_km is None else half_km
    site_xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    talent, columns, values = _talent_values(data)
    muni_xy = np.column_stack([talent.geometry.x.to_numpy(), talent.geometry.y.to_numpy()])
    out = np.zeros((len(site_xy), values.shape[1]))
    travel = getattr(data, "travel_times", None) if origin_gm is not None else None
    targets = talent["gm_code"].astype(str).tolist()
    for start in range(0, len(site_xy), chunk):
        block = site_xy[start : start + chunk]
        weights = distance_decay(_pairwise_km(block, muni_xy), reach_km=reach_km, half_km=half_km)
        if travel is not None and origin_gm is not None:
            minutes = travel.lookup(origin_gm[start : start + chunk], targets)
            by_time = distance_decay(
                np.nan_to_num(minutes, nan=np.inf),
                reach_km=settings.talent_reach_minutes,
                half_km=settings.talent_half_minutes,
            )
            weights = np.where(np.isnan(minutes), weights, by_time)
        out[start : start + chunk] = weights @ values
    return {name: np.round(out[:, i], 1) for i, name in enumerate(columns)}


def _talent_values(data: GeoData) -> tuple[gpd.GeoDataFrame, dict[str, str], np.ndarray]:
    """Return the located talent rows, reach column -> source column, and the source values."""
    population = data.municipalities.set_index("gm_code")["population_15_64"]
    talent = data.stem_talent.assign(
        population_15_64=lambda t: t["gm_code"].map(population).astype(float)
    )
    talent = talent[talent.geometry.notna().to_numpy()]
    columns = {}
    for level in vocab.EDUCATION_LEVELS:
        columns[f"{level}_talent_reach"] = f"{level}_tech_workforce_est"
        columns[f"{level}_students_reach"] = STUDENT_COLUMNS[level]
    columns["labour_pool_reach"] = "population_15_64"
    values = np.column_stack(
        [talent[src].astype(float).fillna(0.0).to_numpy() for src in columns.values()]
    )
    return talent, columns, values


def _campus_facts(
    site_xy: np.ndarray, campuses: gpd.GeoDataFrame, *, reach_km: float, chunk: int = 4096
) -> dict[str, object]:
    import pandas as pd

    n = len(site_xy)
    if campuses.empty or n == 0:
        empty_tuples = pd.Series([()] * n, dtype=object)
        return {
            "nearest_campus_id": pd.Series([None] * n, dtype=object),
            "nearest_campus_name": pd.Series([None] * n, dtype=object),
            "nearest_campus_km": np.full(n, np.nan),
            "campuses_in_reach": empty_tuples,
            "campus_domains_in_reach": empty_tuples,
            "campus_facilities_in_reach": empty_tuples,
        }
    points = campuses.geometry.representative_point()
    campus_xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    ids = campuses["campus_id"].to_numpy()
    names = campuses["name"].to_numpy()
    domains = campuses["nts_domains"].to_numpy()
    facilities = campuses["shared_facilities"].to_numpy()
    nearest = np.empty(n, dtype=int)
    nearest_km = np.empty(n)
    in_reach: list[tuple[str, ...]] = []
    reach_domains: list[tuple[str, ...]] = []
    reach_facilities: list[tuple[str, ...]] = []
    for start in range(0, n, chunk):
        dist = _pairwise_km(site_xy[start : start + chunk], campus_xy)
        nearest[start : start + chunk] = dist.argmin(axis=1)
        nearest_km[start : start + chunk] = dist.min(axis=1)
        for row in dist:
            near = np.flatnonzero(row <= reach_km)
            near = near[np.argsort(row[near], kind="stable")]
            in_reach.append(tuple(ids[near]))
            reach_domains.append(_union(domains[near], vocab.NTS_DOMAINS))
            reach_facilities.append(_union(facilities[near], vocab.SHARED_FACILITIES))
    return {
        "nearest_campus_id": pd.Series(ids[nearest], dtype=object),
        "nearest_campus_name": pd.Series(names[nearest], dtype=object),
        "nearest_campus_km": np.round(nearest_km, 2),
        "campuses_in_reach": pd.Series(in_reach, dtype=object),
        "campus_domains_in_reach": pd.Series(reach_domains, dtype=object),
        "campus_facilities_in_reach": pd.Series(reach_facilities, dtype=object),
    }


def _union(groups: np.ndarray, order: dict[str, str]) -> tuple[str, ...]:
    """Union of tuples of slugs, in vocabulary order."""
    present = {item for group in groups for item in group}
    return tuple(slug for slug in order if slug in present)
