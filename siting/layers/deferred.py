"""Layers served from the on-disk cache, their frames unpickled only when first read.

The layers are GeoDataFrames, and unpickling one imports geopandas, shapely and pyproj (about
0.1-0.2 s of a cold process). A ranking whose site table and site facts are cached too never
reads a layer frame (:mod:`siting.layers.site_table`, :mod:`siting.jobs.facts_cache`), so the
cache keeps the frames as one pickled blob inside its entry (:class:`StoredLayers`) and
:func:`deferred_geodata` returns a :class:`~siting.layers.load.GeoData` that unpickles the blob
the first time any frame is read. It is a ``GeoData`` in every other respect: equal to the
layers it was stored from, usable by :func:`dataclasses.replace` (which reads every frame) and
picklable (it pickles its blob, still deferred).

The blob was checked with the whole entry (its SHA-256, :func:`siting.layers.cache.load_entry`)
when the entry was read, so unpickling it later reads nothing from disk and cannot fail on a
changed file.
"""

from __future__ import annotations

import pickle
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from siting.layers.load import GeoData
from siting.layers.municipality_index import MunicipalityIndex, build_municipality_index

#: The fields of :class:`~siting.layers.load.GeoData` that hold a layer frame.
FRAME_FIELDS: tuple[str, ...] = (
    "municipalities",
    "municipal_mergers",
    "stem_talent",
    "campuses",
    "sites",
    "grid_congestion",
    "hotspots",
    "grid_areas",
    "grid_area_links",
)


@dataclass(frozen=True)
class StoredLayers:
    """What the on-disk cache keeps of checked layers (the payload of a ``layers`` entry).

    Attributes
    ----------
    files
        Layer name -> the file it was read from.
    catalog
        Layer name -> metadata from ``catalog.toml``.
    n_sites
        Number of records in the sites layer.
    municipality_index
        What a current location is resolved against
        (:mod:`siting.layers.municipality_index`).
    frames
        The pickled layer frames: a dict of :data:`FRAME_FIELDS` -> frame.
    """

    files: dict[str, Path]
    catalog: dict[str, dict[str, Any]]
    n_sites: int
    municipality_index: MunicipalityIndex
    frames: bytes


def stored_layers(data: GeoData) -> StoredLayers:
    """Return the cache payload of layers read from files (as :func:`load_geodata` has them).

    Parameters
    ----------
    data
        Layers with no what-if changes and no travel times (those are never cached).

    Returns
    -------
    StoredLayers
    """
    frames = {name: getattr(data, name) for name in FRAME_FIELDS}
    return StoredLayers(
        files=dict(data.files),
        catalog=dict(data.catalog),
        n_sites=len(data.sites),
        municipality_index=build_municipality_index(
            data.municipalities, data.municipal_mergers, lonlat=True
        ),
        frames=pickle.dumps(frames, protocol=pickle.HIGHEST_PROTOCOL),
    )


def deferred_geodata(stored: StoredLayers) -> GeoData:
    """Return the layers of a cache payload; the frames are unpickled when first read.

    Parameters
    ----------
    stored
        A payload of :func:`stored_layers`.

    Returns
    -------
    GeoData
        Equal to the layers the payload was made from.
    """
    data = object.__new__(_DeferredGeoData)
    state = vars(data)
    for f in fields(GeoData):  # the other fields as load_geodata leaves them: their defaults
        if f.name not in FRAME_FIELDS:
            state[f.name] = f.default if f.default_factory is MISSING else f.default_factory()
    state.update(files=dict(stored.files), catalog=dict(stored.catalog))
    state["_frames"] = stored.frames
    state["_n_sites"] = stored.n_sites
    state["_municipality_index"] = stored.municipality_index
    return data


def frames_loaded(data: GeoData) -> bool:
    """Return whether the layer frames of ``data`` are in memory (always, unless deferred)."""
    return "_frames" not in vars(data)


def site_count(data: GeoData) -> int:
    """Return the number of sites of ``data``, without unpickling deferred layers."""
    state = vars(data)
    if "_frames" in state:
        return int(state["_n_sites"])
    return len(data.sites)


class _DeferredGeoData(GeoData):
    """A :class:`GeoData` whose frames are unpickled from their blob on first read."""

    def __getattr__(self, name: str) -> Any:
        # called only for a name not in the instance: a frame not yet unpickled
        state = vars(self)
        blob = state.get("_frames")
        if name in FRAME_FIELDS and blob is not None:
            for key, frame in pickle.loads(blob).items():  # checked with the whole entry
                state.setdefault(key, frame)  # another thread may have been first
            state.pop("_frames", None)
            return state[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
