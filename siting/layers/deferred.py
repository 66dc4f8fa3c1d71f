"""Layers served from the on-disk cache, their frames read and unpickled only when first used.

The layers are GeoDataFrames, and unpickling one imports geopandas, shapely and pyproj (about
0.1-0.2 s of a cold process). A ranking whose site table and site facts are cached too never
reads a layer frame (:mod:`siting.layers.site_table`, :mod:`siting.jobs.facts_cache`), so the
cache keeps the layers in two entries under the same key: ``layers``, what a ranking needs
(:class:`StoredLayers`: the files, the catalogue, the number of sites, the municipality index),
and ``layer-frames``, the pickled frames. :func:`deferred_geodata` returns a
:class:`~siting.layers.load.GeoData` that reads and unpickles the frames the first time any of
them is read. It is a ``GeoData`` in every other respect: equal to the layers it was stored
from, usable by :func:`dataclasses.replace` (which reads every frame) and picklable (with its
frames).

Each entry is checked (its SHA-256, :func:`siting.layers.cache.load_blob`) when it is read. The
frames entry is marked used with the other, so the cache keeps them together; should it be gone
or damaged all the same, the layer files are read again, and must still be the files the key
was made of.
"""

from __future__ import annotations

import pickle
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError
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

#: The kind of the cache entry that holds the pickled frames.
FRAMES_KIND = "layer-frames"


@dataclass(frozen=True)
class StoredLayers:
    """What the on-disk cache keeps of checked layers besides their frames (a ``layers`` entry).

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
    """

    files: dict[str, Path]
    catalog: dict[str, dict[str, Any]]
    n_sites: int
    municipality_index: MunicipalityIndex


def store_layers(data: GeoData, key: str) -> None:
    """Write layers read from files (as :func:`load_geodata` has them) to the cache under ``key``.

    The frames first, so a ``layers`` entry never precedes its frames.

    Parameters
    ----------
    data
        Layers with no what-if changes and no travel times (those are never cached).
    key
        Their key (:func:`siting.layers.cache.layers_key`).
    """
    from siting.layers import cache

    frames = {name: getattr(data, name) for name in FRAME_FIELDS}
    cache.store_blob(FRAMES_KIND, key, pickle.dumps(frames, protocol=pickle.HIGHEST_PROTOCOL))
    stored = StoredLayers(
        files=dict(data.files),
        catalog=dict(data.catalog),
        n_sites=len(data.sites),
        municipality_index=build_municipality_index(
            data.municipalities, data.municipal_mergers, lonlat=True
        ),
    )
    cache.store_entry("layers", key, stored)


def deferred_geodata(stored: StoredLayers, key: str) -> GeoData:
    """Return the layers of a ``layers`` entry; the frames are read when first used.

    Parameters
    ----------
    stored
        The entry's payload (:func:`store_layers`).
    key
        Its key.

    Returns
    -------
    GeoData
        Equal to the layers the entry was made from.
    """
    from siting.layers import cache

    cache.touch_entry(FRAMES_KIND, key)  # used with the entry, kept with it
    data = object.__new__(_DeferredGeoData)
    state = vars(data)
    for f in fields(GeoData):  # the other fields as load_geodata leaves them: their defaults
        if f.name not in FRAME_FIELDS:
            state[f.name] = f.default if f.default_factory is MISSING else f.default_factory()
    state.update(files=dict(stored.files), catalog=dict(stored.catalog))
    state["_frames_key"] = key
    state["_n_sites"] = stored.n_sites
    state["_municipality_index"] = stored.municipality_index
    return data


def frames_loaded(data: GeoData) -> bool:
    """Return whether the layer frames of ``data`` are in memory (always, unless deferred)."""
    return "_frames_key" not in vars(data)


def site_count(data: GeoData) -> int:
    """Return the number of sites of ``data``, without reading deferred layers."""
    state = vars(data)
    if "_frames_key" in state:
        return int(state["_n_sites"])
    return len(data.sites)


def _read_frames(key: str, files: dict[str, Path]) -> dict[str, Any]:
    """Return the frames stored under ``key``; else read the layer files again (and store)."""
    from siting.layers import cache
    from siting.layers.load import _load_all

    blob = cache.load_blob(FRAMES_KIND, key)
    if blob is not None:
        try:
            frames = pickle.loads(blob)  # our own entry, checked
        except Exception:  # another library version: read the files
            frames = None
        if isinstance(frames, dict) and set(frames) == set(FRAME_FIELDS):
            return frames
    if cache.layers_key(files) != key:
        raise SitingInputError(
            Problem(
                file=str(next(iter(files.values()))),
                message="the layer files changed while they were in use; run the command again",
            )
        )
    data, errors, _ = _load_all(files)
    if errors or data is None:
        raise SitingInputError(errors)
    cache.store_blob(
        FRAMES_KIND,
        key,
        pickle.dumps({n: getattr(data, n) for n in FRAME_FIELDS}, protocol=pickle.HIGHEST_PROTOCOL),
    )
    return {name: getattr(data, name) for name in FRAME_FIELDS}


class _DeferredGeoData(GeoData):
    """A :class:`GeoData` whose frames are read from the cache on first use."""

    def __getattr__(self, name: str) -> Any:
        # called only for a name not in the instance: a frame not yet read
        state = vars(self)
        key = state.get("_frames_key")
        if name in FRAME_FIELDS and key is not None:
            for field_name, frame in _read_frames(key, state["files"]).items():
                state.setdefault(field_name, frame)  # another thread may have been first
            state.pop("_frames_key", None)
            return state[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        for name in FRAME_FIELDS:  # a pickle carries the frames, not a key to this cache
            getattr(self, name)
        return (_restored, (dict(vars(self)),))


def _restored(state: dict[str, Any]) -> GeoData:
    """Return a pickled :class:`_DeferredGeoData` (its frames read)."""
    data = object.__new__(_DeferredGeoData)
    vars(data).update(state)
    return data
