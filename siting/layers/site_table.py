r"""The site table: one row per candidate site with every fact the model needs joined in.

Reach rules (straight-line distances in EPSG:28992, not travel times):

- **Talent within commuting reach** of a site, per education level: the sum over municipalities
  of their technical workforce estimate (and technical students: :data:`STUDENT_COLUMNS`)
  times a distance-decay weight

  .. math:: w(d) = 2^{-d / h} \quad \text{for } d \le R, \qquad w(d) = 0 \text{ otherwise},

  with :math:`d` the distance from the site to the municipality's point [km], :math:`h` the
  half distance (:data:`siting.settings.talent_half_distance_km`, 15 km) and :math:`R` the reach
  (:data:`siting.settings.talent_reach_km`, 45 km). A municipality 15 km away counts half, one
  45 km away an eighth, one further away not at all.
- **Campuses within reach**: campuses within :data:`siting.settings.campus_reach_km` (25 km);
  their NTS domains and shared facilities are united per site. The nearest campus and its
  distance are given for every site, however far.
- **Grid**: the candidate chains of regional supply area and TenneT level that may feed the
  site (:func:`siting.layers.grid.grid_join`): the site's own links (placed by postcode), else
  its municipality's, else the per-municipality fallback; the columns of
  :data:`siting.layers.grid.GRID_COLUMNS`.
- **Facts to confirm**: a site's available area whose year is unknown or more than
  :data:`siting.settings.fact_max_age_years` (5) before the reference year
  (:func:`siting.settings.reference_year`), and a status without a dated source or with one
  that old, are flagged (``available_ha_to_confirm``, ``status_to_confirm``): the rules treat
  them as unknown, never as known facts.

A site placed at its municipality's point (``location_kind = municipality``: the register
gives no location) gets that point's distances, reach and grid links.

The table is built once per layers and settings and kept on disk (:mod:`siting.layers.cache`)
in three parts, each unpickled when first read: :func:`site_cells` (what a ranking reads, plain
values: no pandas), :func:`site_frame` (the table without geometry: pandas) and
:func:`site_table` (with its geometry: geopandas).
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from siting import settings
from siting.layers.deferred import site_count
from siting.layers.grid import GRID_COLUMNS, grid_join
from siting.layers.load import GeoData, disk_key, load_geodata
from siting.layers.site_cells import SiteCells, build_site_cells
from siting.layers.site_context import CONTEXT_COLUMNS, context_columns
from siting.layers.site_reach import STUDENT_COLUMNS as STUDENT_COLUMNS
from siting.layers.site_reach import STUDENT_LABELS as STUDENT_LABELS
from siting.layers.site_reach import _campus_facts
from siting.layers.site_reach import distance_decay as distance_decay
from siting.layers.site_reach import talent_within_reach as talent_within_reach

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

#: Site-table columns added to the site layer's own, with their meaning and unit.
SITE_TABLE_COLUMNS: dict[str, str] = {
    "municipality": "municipality name",
    "province_code": "CBS province code",
    "province": "province name",
    "corop_code": "COROP area code",
    "corop_name": "COROP area name",
    "labour_market_region_code": "labour-market region code",
    "labour_market_region": "labour-market region name",
    **GRID_COLUMNS,
    "mbo_talent_reach": "technical mbo workforce within reach, distance-weighted [FTE est.]",
    "hbo_talent_reach": "technical hbo workforce within reach, distance-weighted [FTE est.]",
    "wo_talent_reach": "technical wo workforce within reach, distance-weighted [FTE est.]",
    "mbo_students_reach": "technical mbo students enrolled 2019 within reach, distance-weighted "
    "[persons]",
    "hbo_students_reach": "technical hbo first-years 2019 within reach, distance-weighted "
    "[persons]",
    "wo_students_reach": "technical wo first-years 2019 within reach, distance-weighted [persons]",
    "labour_pool_reach": "residents aged 15-64 within reach, distance-weighted [persons]",
    "nearest_campus_id": "nearest campus",
    "nearest_campus_name": "its name",
    "nearest_campus_km": "distance to it [km]",
    "campuses_in_reach": "campuses within the campus reach",
    "campus_domains_in_reach": "NTS domains of those campuses",
    "campus_facilities_in_reach": "shared facilities of those campuses",
    **CONTEXT_COLUMNS,
    "available_ha_to_confirm": "the available area is undated or older than the fact age: "
    "a fact to confirm",
    "status_to_confirm": "the status has no dated source, or one older than the fact age: "
    "a fact to confirm",
}


def build_site_table(
    data: GeoData,
    *,
    talent_reach_km: float | None = None,
    talent_half_distance_km: float | None = None,
    campus_reach_km: float | None = None,
) -> gpd.GeoDataFrame:
    """Join every fact the model needs onto the candidate sites.

    Parameters
    ----------
    data
        Loaded layers (:func:`siting.load_geodata`).
    talent_reach_km
        Commuting reach for talent [km]; default :data:`siting.settings.talent_reach_km`.
    talent_half_distance_km
        Distance at which talent counts half [km]; default
        :data:`siting.settings.talent_half_distance_km`.
    campus_reach_km
        Distance within which a campus counts as near [km]; default
        :data:`siting.settings.campus_reach_km`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site (same order as the sites layer), point geometry in EPSG:28992 (the
        representative point for polygon sites), the site layer's columns plus
        :data:`SITE_TABLE_COLUMNS`. Unknown values are missing (``NA``), never invented.
    """
    import pandas as pd

    reach = settings.talent_reach_km if talent_reach_km is None else talent_reach_km
    half = (
        settings.talent_half_distance_km
        if talent_half_distance_km is None
        else talent_half_distance_km
    )
    campus_reach = settings.campus_reach_km if campus_reach_km is None else campus_reach_km
    import geopandas as gpd

    sites = data.sites
    points = sites.geometry.representative_point()
    table = pd.DataFrame(sites.drop(columns="geometry")).reset_index(drop=True)
    table = table.drop(columns=["municipality", "province"], errors="ignore")
    table = table.join(_admin_columns(data), on="gm_code")

    grid = grid_join(data, table)
    for column in GRID_COLUMNS:
        table[column] = grid[column].to_numpy()

    site_xy = np.column_stack([points.x.to_numpy(), points.y.to_numpy()])
    talent = talent_within_reach(
        site_xy, data, reach_km=reach, half_km=half, origin_gm=table["gm_code"].astype(str).tolist()
    )
    for column, values in talent.items():
        table[column] = values

    campus_facts = _campus_facts(site_xy, data.campuses, reach_km=campus_reach)
    for column, campus_values in campus_facts.items():
        table[column] = campus_values
    context = context_columns(table, data.municipalities, data.hotspots)
    for column, context_values in context.items():
        table[column] = context_values
    for column, flags in facts_to_confirm(table).items():
        table[column] = flags

    return gpd.GeoDataFrame(table, geometry=points.to_numpy(), crs=settings.working_crs)


def _admin_columns(data: GeoData) -> pd.DataFrame:
    """Return the municipality's name and regions per ``gm_code`` (the index)."""
    import pandas as pd

    municipalities = pd.DataFrame(data.municipalities.drop(columns="geometry"))
    return municipalities.set_index("gm_code")[
        [
            "name",
            "province_code",
            "province",
            "corop_code",
            "corop_name",
            "labour_market_region_code",
            "labour_market_region",
        ]
    ].rename(columns={"name": "municipality"})


def site_table(
    geodata_dir: str | Path | None = None, *, data: GeoData | None = None
) -> gpd.GeoDataFrame:
    """Return the site table for a data folder (or loaded layers), built once and cached.

    The cache key is the loaded layers (through :func:`siting.load_geodata`, which reloads when
    a file changes) and the reach settings. Treat the result as read-only.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    data = load_geodata(geodata_dir) if data is None else data
    entry = _entry(data)
    if entry.table is None:
        import geopandas as gpd

        geometry = pickle.loads(entry.geometry)  # checked with the whole cache entry
        entry.table = gpd.GeoDataFrame(entry.frame, geometry=geometry.values, crs=geometry.crs)
        if entry.key is not None:
            from siting.layers import cache

            cache.remember_key(entry.table, data, entry.key)  # the site facts are cached under it
    return entry.table


def site_frame(
    geodata_dir: str | Path | None = None, *, data: GeoData | None = None
) -> pd.DataFrame:
    """Return the site table without its geometry (cached with the table).

    The columns and values of :func:`site_table` but ``geometry`` (each site's place is in
    ``lon`` and ``lat``), as a plain DataFrame: from the on-disk cache it comes without
    unpickling any geometry (no geopandas, no shapely). A ranking reads less still
    (:func:`site_cells`). Treat the result as read-only.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.

    Returns
    -------
    pandas.DataFrame
        One row per site, in the order of :func:`site_table`.
    """
    data = load_geodata(geodata_dir) if data is None else data
    return _entry(data).frame


def site_cells(geodata_dir: str | Path | None = None, *, data: GeoData | None = None) -> SiteCells:
    """Return the columns of the site table a ranking reads, as plain values (cached so).

    :class:`~siting.layers.site_cells.SiteCells` of :func:`site_frame`: from the on-disk cache
    they unpickle without pandas. Treat the result as read-only.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.
    data
        Layers already loaded (e.g. built in memory); overrides ``geodata_dir``.

    Returns
    -------
    SiteCells
    """
    data = load_geodata(geodata_dir) if data is None else data
    entry = _entry(data)
    if entry.cells is None:
        entry.cells = build_site_cells(entry.frame)
        if entry.key is not None:
            from siting.layers import cache

            cache.remember_key(entry.cells, data, entry.key)  # the site facts are cached under it
    return entry.cells


def with_geometry(table: pd.DataFrame | SiteCells, data: GeoData) -> gpd.GeoDataFrame:
    """Return ``table``, a site table of ``data``, with its geometry (:func:`site_table`).

    Parameters
    ----------
    table
        :func:`site_table`, :func:`site_frame` or :func:`site_cells` of ``data``.
    data
        Its layers.

    Returns
    -------
    geopandas.GeoDataFrame
        ``table`` itself when it has the geometry.
    """
    if not isinstance(table, SiteCells) and "geometry" in table.columns:
        return table
    full = site_table(data=data)
    assert len(full) == len(table), "a site table of other layers"
    return full


@dataclass(frozen=True)
class StoredSiteTable:
    """The payload of a ``site-table`` entry of the on-disk cache (:mod:`siting.layers.cache`).

    Unpickling it imports neither pandas nor geopandas: the frame and the geometry are
    unpickled when first read (the whole entry was checked when it was read).

    Attributes
    ----------
    n_sites
        Number of sites.
    cells
        What a ranking reads (:func:`site_cells`), as plain values.
    frame
        The pickled table without its geometry (:func:`site_frame`).
    geometry
        The pickled geometry (a GeoSeries in the working CRS), for :func:`site_table`.
    """

    n_sites: int
    cells: SiteCells
    frame: bytes
    geometry: bytes


class _Entry:
    """A site table in memory: cells, frame, geometry (unpickled when first read) and key."""

    def __init__(
        self,
        data: GeoData,
        *,
        frame: pd.DataFrame | bytes,
        geometry: bytes = b"",
        table: gpd.GeoDataFrame | None = None,
        cells: SiteCells | None = None,
        key: str | None = None,
    ) -> None:
        self.data = data
        self._frame = frame
        self.geometry = geometry
        self.table = table
        self.cells = cells
        self.key = key

    @property
    def frame(self) -> pd.DataFrame:
        """The table without its geometry (unpickled on first read, then remembered)."""
        if isinstance(self._frame, bytes):
            self._frame = pickle.loads(self._frame)  # checked with the whole cache entry
            if self.key is not None:
                from siting.layers import cache

                cache.remember_key(self._frame, self.data, self.key)
        return self._frame


def _entry(data: GeoData) -> _Entry:
    """Return the site table of ``data`` under the current reach settings (memoised)."""
    key = (
        id(data),
        settings.talent_reach_km,
        settings.talent_half_distance_km,
        settings.campus_reach_km,
        settings.reference_year(),
        settings.fact_max_age_years,
    )
    hit = _CACHE.get(key)
    if hit is not None and hit.data is data:
        return hit
    entry = _disk_cached_entry(data, key[1:])
    if len(_CACHE) >= 8:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = entry
    return entry


def _disk_cached_entry(data: GeoData, parts: tuple[object, ...]) -> _Entry:
    """Return the site table from the on-disk cache (layers read from files), else build it."""
    from siting.layers import cache

    base = disk_key(data)
    if base is None:
        table = build_site_table(data)
        return _Entry(data, frame=_without_geometry(table), table=table)
    key = cache.derived_key(base, "site_table", *parts)
    stored = cache.load_entry("site-table", key)
    if isinstance(stored, StoredSiteTable) and stored.n_sites == site_count(data):
        entry = _Entry(
            data, frame=stored.frame, geometry=stored.geometry, cells=stored.cells, key=key
        )
    else:
        table = build_site_table(data)
        frame = _without_geometry(table)
        entry = _Entry(data, frame=frame, table=table, cells=build_site_cells(frame), key=key)
        assert entry.cells is not None
        stored = StoredSiteTable(
            n_sites=len(frame),
            cells=entry.cells,
            frame=pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL),
            geometry=pickle.dumps(table.geometry, protocol=pickle.HIGHEST_PROTOCOL),
        )
        cache.store_entry("site-table", key, stored)
        cache.remember_key(table, data, key)
        cache.remember_key(frame, data, key)
    if entry.cells is not None:
        cache.remember_key(entry.cells, data, key)  # the site facts are cached under it
    return entry


def _without_geometry(table: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return a site table's columns but its geometry, as a plain DataFrame."""
    import pandas as pd

    return pd.DataFrame(table.drop(columns="geometry"))


#: (id of the GeoData, reach settings) -> its site table; the entry keeps the GeoData, so an
#: id reused after garbage collection cannot return a stale table.
_CACHE: dict[tuple[object, ...], _Entry] = {}


_TO_CONFIRM = ("available_ha_to_confirm", "status_to_confirm")


def facts_to_confirm(
    sites: pd.DataFrame, *, reference_year: int | None = None, max_age_years: int | None = None
) -> dict[str, np.ndarray]:
    """Flag the dated facts of sites that are too old, or undated, to take as they stand.

    Parameters
    ----------
    sites
        Site records with ``available_ha``, ``available_ha_year``, ``status`` and
        ``status_date`` (``YYYY[-MM[-DD]]``).
    reference_year
        Year the age is judged against; default :func:`siting.settings.reference_year`.
    max_age_years
        Oldest age that still counts as known [years]; default
        :data:`siting.settings.fact_max_age_years`.

    Returns
    -------
    dict
        ``available_ha_to_confirm``: a known available area whose year is unknown or more
        than ``max_age_years`` before ``reference_year``; ``status_to_confirm``: a status
        (other than ``unknown``) without a date or dated that long ago. Bool arrays. A frame
        without the date columns (sites built in memory, not read by the loader, which always
        has them) has nothing flagged.
    """
    import pandas as pd

    year = settings.reference_year() if reference_year is None else reference_year
    age = settings.fact_max_age_years if max_age_years is None else max_age_years
    n = len(sites)
    if "available_ha_year" not in sites or "status_date" not in sites:
        return {name: np.zeros(n, dtype=bool) for name in _TO_CONFIRM}
    area_year = pd.to_numeric(sites["available_ha_year"], errors="coerce").to_numpy(float)
    known_area = sites["available_ha"].notna().to_numpy()
    status_year = pd.to_numeric(
        sites["status_date"].astype("string").str[:4], errors="coerce"
    ).to_numpy(float)
    dated = ~np.isnan(status_year) & (year - status_year <= age)
    with np.errstate(invalid="ignore"):
        recent_area = ~np.isnan(area_year) & (year - area_year <= age)
    return {
        "available_ha_to_confirm": known_area & ~recent_area,
        "status_to_confirm": sites["status"].ne("unknown").to_numpy() & ~dated,
    }
