"""Synthetic site layers drawn from the embedded data's distributions, seeded.

The embedded dataset is the national register (3,646 sites: every IBIS terrain, the authored
sites on top). To measure how cost grows with the number of sites beyond it, whole site records
are drawn with replacement from the embedded sites (so areas, statuses, categories, facility
flags and their correlations keep their real distribution) and each is moved by a random offset
of a few kilometres, staying in the municipality whose point is nearest (most register terrains
sit at their municipality's point, so the offset also spreads them).

The grid join of a synthetic site is its municipality's (the sites of the national register
sit at their municipality's point); a share of them (``postcode_share``) is placed as a
postcode would place it: a site link of its own to one of its municipality's supply areas,
so the grid rule meets as many distinct chain sets as a partly postcode-placed table has.
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd

import siting
from siting import settings
from siting.layers.load import GeoData


def synthetic_geodata(
    n_sites: int,
    *,
    seed: int = 1,
    base: GeoData | None = None,
    postcode_share: float = 0.25,
) -> GeoData:
    """Return the embedded layers with ``n_sites`` synthetic candidate sites.

    Parameters
    ----------
    n_sites
        Number of sites to draw.
    seed
        Random seed.
    base
        Layers to draw from; default the embedded dataset.
    postcode_share
        Share of the sites given a site link to one of their municipality's supply areas
        (as a postcode would place them) [-].

    Returns
    -------
    GeoData
        A copy of ``base`` whose sites layer is synthetic (ids ``syn-000001``...) and whose
        link layer holds the synthetic site links.
    """
    base = siting.load_geodata() if base is None else base
    rng = np.random.default_rng(seed)
    sites = base.sites
    picks = rng.integers(0, len(sites), size=n_sites)
    drawn = pd.DataFrame(sites.drop(columns="geometry")).iloc[picks].reset_index(drop=True)
    x = sites.geometry.x.to_numpy()[picks] + rng.normal(0.0, 2500.0, n_sites)
    y = sites.geometry.y.to_numpy()[picks] + rng.normal(0.0, 2500.0, n_sites)
    municipalities = base.municipalities
    mx = municipalities.geometry.x.to_numpy()
    my = municipalities.geometry.y.to_numpy()
    nearest = np.empty(n_sites, dtype=int)
    for start in range(0, n_sites, 5000):
        dx = x[start : start + 5000, None] - mx[None, :]
        dy = y[start : start + 5000, None] - my[None, :]
        nearest[start : start + 5000] = np.argmin(dx * dx + dy * dy, axis=1)
    drawn["gm_code"] = municipalities["gm_code"].to_numpy()[nearest]
    drawn["site_id"] = [f"syn-{i:06d}" for i in range(1, n_sites + 1)]
    drawn["campus_id"] = None
    geometry = gpd.GeoSeries.from_xy(x, y, crs=settings.working_crs)
    lonlat = geometry.to_crs(settings.display_crs)
    drawn["lon"] = lonlat.x.round(6).to_numpy()
    drawn["lat"] = lonlat.y.round(6).to_numpy()
    synthetic = gpd.GeoDataFrame(drawn, geometry=geometry.to_numpy(), crs=settings.working_crs)
    links = _site_links(base, drawn, rng, postcode_share)
    return replace(base, sites=synthetic, grid_area_links=links)


def _site_links(
    base: GeoData, sites: pd.DataFrame, rng: np.random.Generator, share: float
) -> pd.DataFrame:
    """Return the base links plus, for ``share`` of the sites, a link to one of their areas."""
    links = base.grid_area_links
    kind = base.grid_areas.set_index("area_id")["kind"]
    regional = links[links["site_id"].isna() & links["area_id"].map(kind).eq("regional")]
    by_gm = {gm: group for gm, group in regional.groupby("gm_code")}
    rows = []
    for site_id, gm in zip(sites["site_id"], sites["gm_code"], strict=True):
        group = by_gm.get(gm)
        if group is None or rng.random() >= share:
            continue
        pick = group.iloc[int(rng.integers(0, len(group)))]
        rows.append(
            {
                **pick.to_dict(),
                "link_id": f"{site_id}|{pick['area_id']}",
                "site_id": site_id,
                "confidence": "estimate",
                "method": "synthetic benchmark: one of the municipality's supply areas",
            }
        )
    if not rows:
        return links
    return pd.concat([links, pd.DataFrame(rows)[links.columns]], ignore_index=True)
