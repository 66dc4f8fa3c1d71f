"""Synthetic site layers drawn from the embedded data's distributions, seeded.

The embedded dataset is the national register (3,646 sites: every IBIS terrain, the authored
sites on top). To measure how cost grows with the number of sites beyond it, whole site records
are drawn with replacement from the embedded sites (so areas, statuses, categories, facility
flags and their correlations keep their real distribution) and each is moved by a random offset
of a few kilometres, staying in the municipality whose point is nearest (most register terrains
sit at their municipality's point, so the offset also spreads them).
"""

from __future__ import annotations

from dataclasses import replace

import geopandas as gpd
import numpy as np
import pandas as pd

import siting
from siting import settings
from siting.layers.load import GeoData


def synthetic_geodata(n_sites: int, *, seed: int = 1, base: GeoData | None = None) -> GeoData:
    """Return the embedded layers with ``n_sites`` synthetic candidate sites.

    Parameters
    ----------
    n_sites
        Number of sites to draw.
    seed
        Random seed.
    base
        Layers to draw from; default the embedded dataset.

    Returns
    -------
    GeoData
        A copy of ``base`` whose sites layer is synthetic (ids ``syn-000001``...).
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
    return replace(base, sites=synthetic)
