"""Load and validate the data layers as GeoDataFrames in the working CRS (EPSG:28992).

Each ``load_<layer>()`` reads one layer from a data folder (the embedded Netherlands dataset by
default), checks it against its schema (:mod:`siting.layers.schema`) and raises one
:class:`~siting.SitingInputError` listing every problem with file, row and column.
:func:`load_geodata` loads all layers and checks them against each other; :func:`check_geodata`
does the same but returns the problems instead of raising.

A layer file is looked up in the given folder as ``<stem>.csv``, ``<stem>.gpkg`` or
``<stem>.geojson``; a layer the folder does not have comes from the embedded dataset, and the
result records which file each layer came from.

Reading one file is in :mod:`siting.layers.read_layer`, the checks across layers in
:mod:`siting.layers.cross_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from siting import settings
from siting._errors import Problem, SitingInputError
from siting._lazy import lazy_names
from siting._toml import read_toml
from siting.layers.schema import (
    CAMPUSES,
    HOTSPOTS,
    LAYERS,
    MUNICIPAL_MERGERS,
    MUNICIPALITIES,
    SITES,
    LayerSpec,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from siting.layers.read_layer import record_rules as record_rules
    from siting.layers.read_layer import site_fallbacks as site_fallbacks

# The readers and checks import geopandas and shapely: they are imported when a layer file is
# read, so layers served from the on-disk cache (:mod:`siting.layers.deferred`) never load them.
__getattr__, __dir__ = lazy_names(
    __name__,
    {"record_rules": "siting.layers.read_layer", "site_fallbacks": "siting.layers.read_layer"},
)

_EXTENSIONS = (".csv", ".gpkg", ".geojson")
CATALOG_FILE = "catalog.toml"


@dataclass(frozen=True)
class GeoData:
    """All layers, loaded and checked, in EPSG:28992.

    Treat the frames as read-only: they may be shared through the load cache.

    Attributes
    ----------
    municipalities, stem_talent, campuses, sites, grid_congestion
        The layers (``stem_talent`` and ``grid_congestion`` carry the municipality's point;
        ``grid_congestion`` is the per-municipality fallback of the grid rule).
    municipal_mergers
        Former municipality codes and where they went (no geometry).
    hotspots
        The programme's technology hotspots: member municipalities, NTS domains, campuses
        (no geometry; empty when a caller builds the layers without it).
    grid_areas, grid_area_links
        The capacity map's areas and stations, and which of them feed which municipality or
        site (no geometry; see :mod:`siting.layers.grid`).
    files
        Layer name -> the file it was read from.
    catalog
        Layer name -> metadata from ``catalog.toml`` (title, reference date, source, licence).
    grid_overrides
        What-if changes of the grid a scenario made (:class:`siting.layers.grid.GridOverride`;
        the layers themselves are as read).
    """

    municipalities: gpd.GeoDataFrame
    municipal_mergers: pd.DataFrame
    stem_talent: gpd.GeoDataFrame
    campuses: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    grid_congestion: gpd.GeoDataFrame
    hotspots: pd.DataFrame = field(default_factory=lambda: _empty_table(HOTSPOTS))
    grid_areas: pd.DataFrame = field(default_factory=lambda: _empty_frame())
    grid_area_links: pd.DataFrame = field(default_factory=lambda: _empty_frame())
    files: dict[str, Path] = field(default_factory=dict)
    catalog: dict[str, dict[str, Any]] = field(default_factory=dict)
    grid_overrides: tuple[Any, ...] = ()
    travel_times: Any = None


@dataclass(frozen=True)
class CheckReport:
    """Outcome of :func:`check_geodata`.

    Attributes
    ----------
    errors
        Problems that make the data unusable; the loaders raise on these.
    warnings
        Gaps the tool can live with (they are shown as unknown in results).
    files
        Layer name -> file checked.
    counts
        Layer name -> number of records (for the layers that could be read).
    """

    errors: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    files: dict[str, Path]
    counts: dict[str, int]

    @property
    def ok(self) -> bool:
        """Whether no errors were found."""
        return not self.errors


def layer_path(spec: LayerSpec, geodata_dir: str | Path | None = None) -> Path:
    """Return the file a layer is read from: the folder's own, else the embedded one.

    Parameters
    ----------
    spec
        The layer.
    geodata_dir
        Data folder; ``None`` for :data:`siting.settings.geodata_dir` or the embedded data.

    Returns
    -------
    Path

    Raises
    ------
    SitingInputError
        If the folder does not exist or neither it nor the embedded data has the layer.
    """
    folder = settings.resolve_geodata_dir(geodata_dir)
    if not folder.is_dir():
        raise SitingInputError(Problem(file=str(folder), message="data folder not found"))
    for base in (folder, settings.embedded_geodata_dir):
        for ext in _EXTENSIONS:
            candidate = base / f"{spec.stem}{ext}"
            if candidate.is_file():
                return candidate
    raise SitingInputError(
        Problem(
            file=str(folder / f"{spec.stem}.csv"),
            message=f"no {spec.name} layer ({spec.stem}.csv, .gpkg or .geojson) found",
        )
    )


def load_municipalities(geodata_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load the municipalities layer (one point per municipality) in EPSG:28992.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.

    Returns
    -------
    geopandas.GeoDataFrame
    """
    return _raise_or(*_read_layer(MUNICIPALITIES, layer_path(MUNICIPALITIES, geodata_dir)))


def load_municipal_mergers(geodata_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the table of former municipality codes and where they went."""
    import pandas as pd

    frame, problems = _read_layer(MUNICIPAL_MERGERS, layer_path(MUNICIPAL_MERGERS, geodata_dir))
    return pd.DataFrame(_raise_or(frame, problems).drop(columns="geometry", errors="ignore"))


def load_stem_talent(geodata_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load technical students, graduates and workforce estimates per municipality.

    The geometry is the municipality's point.
    """
    return load_geodata(geodata_dir).stem_talent


def load_campuses(geodata_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load the campuses layer in EPSG:28992."""
    return _raise_or(*_read_layer(CAMPUSES, layer_path(CAMPUSES, geodata_dir)))


def load_sites(geodata_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load the candidate sites layer in EPSG:28992."""
    return _raise_or(*_read_layer(SITES, layer_path(SITES, geodata_dir)))


def load_hotspots(geodata_dir: str | Path | None = None) -> pd.DataFrame:
    """Load the programme's technology hotspots, checked against municipalities and campuses.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.

    Returns
    -------
    pandas.DataFrame
        One row per hotspot; list columns as tuples.
    """
    return load_geodata(geodata_dir).hotspots


def load_grid_congestion(geodata_dir: str | Path | None = None) -> gpd.GeoDataFrame:
    """Load the demand-side congestion class per municipality (with the municipality's point)."""
    return load_geodata(geodata_dir).grid_congestion


def load_geodata(geodata_dir: str | Path | None = None) -> GeoData:
    """Load every layer, check each and all against each other, and return them together.

    The result is cached per folder and file modification times, so repeated calls are cheap.
    Layers served from the on-disk cache (:mod:`siting.layers.cache`) unpickle their frames
    when one is first read (:mod:`siting.layers.deferred`).

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.

    Returns
    -------
    GeoData

    Raises
    ------
    SitingInputError
        With every error found in any layer.
    """
    files = {spec.name: layer_path(spec, geodata_dir) for spec in LAYERS}
    stamp = tuple(
        (name, str(p), p.stat().st_mtime_ns, p.stat().st_size) for name, p in files.items()
    )
    return _load_geodata_cached(stamp)


@lru_cache(maxsize=8)
def _load_geodata_cached(stamp: tuple[tuple[str, str, int, int], ...]) -> GeoData:
    from siting.layers import cache
    from siting.layers.deferred import StoredLayers, deferred_geodata, store_layers

    files = {name: Path(path) for name, path, _, _ in stamp}
    key = cache.layers_key(files)
    stored = cache.load_entry("layers", key)
    if isinstance(stored, StoredLayers) and stored.files == files:
        deferred = deferred_geodata(stored, key)  # the frames are read when first used
        _remember_key(deferred, key)
        return deferred
    data, errors, _ = _load_all(files)
    if errors:
        raise SitingInputError(errors)
    assert data is not None
    store_layers(data, key)
    _remember_key(data, key)
    return data


#: id of a GeoData read from files -> (that GeoData, its on-disk cache key), so results derived
#: from it (the site table) can be cached on disk too; a GeoData built in memory has none.
_DISK_KEYS: dict[int, tuple[GeoData, str]] = {}


def _remember_key(data: GeoData, key: str) -> None:
    if len(_DISK_KEYS) >= 16:  # as many as the in-memory caches can still hold
        _DISK_KEYS.pop(next(iter(_DISK_KEYS)))
    _DISK_KEYS[id(data)] = (data, key)


def disk_key(data: GeoData) -> str | None:
    """Return the on-disk cache key of layers read by :func:`load_geodata`, else ``None``."""
    hit = _DISK_KEYS.get(id(data))
    return hit[1] if hit is not None and hit[0] is data else None


def check_geodata(
    geodata_dir: str | Path | None = None, *, boundaries: str | Path | None = None
) -> CheckReport:
    """Check every layer and their consistency; never raises for bad data.

    Parameters
    ----------
    geodata_dir
        Data folder; ``None`` for the default.
    boundaries
        Optional municipality boundary file (GeoJSON, TopoJSON or GeoPackage with a ``statcode``
        or ``gm_code`` column). When given, every site and campus must lie within 1 km of the
        municipality it names.

    Returns
    -------
    CheckReport
    """
    try:
        files = {spec.name: layer_path(spec, geodata_dir) for spec in LAYERS}
    except SitingInputError as exc:
        return CheckReport(errors=exc.problems, warnings=(), files={}, counts={})
    data, errors, warnings = _load_all(files)
    counts = {} if data is None else {name: len(getattr(data, name)) for name in files}
    sites_file = str(files["sites"])
    if data is not None and data.sites.empty and not any(p.file == sites_file for p in errors):
        errors = [
            *errors,
            Problem(
                file=sites_file,
                message="the sites layer has no records: there is nothing to rank",
            ),
        ]
    if boundaries is not None and data is not None:
        from siting.importers.boundaries import read_municipality_boundaries

        try:
            polygons = read_municipality_boundaries(boundaries)
        except SitingInputError as exc:
            errors = [*errors, *exc.problems]
        else:
            from siting.layers.cross_checks import check_within_municipality

            errors = [*errors, *check_within_municipality(data, polygons)]
    return CheckReport(errors=tuple(errors), warnings=tuple(warnings), files=files, counts=counts)


def read_catalog(folder: Path) -> dict[str, dict[str, Any]]:
    """Read ``catalog.toml`` of a data folder: layer name -> metadata (empty if absent).

    Raises
    ------
    SitingInputError
        If the file exists but is not valid TOML.
    """
    path = folder / CATALOG_FILE
    if not path.is_file():
        return {}
    content = read_toml(path)
    return {str(k): dict(v) for k, v in content.get("layers", {}).items()}


# --- internals -------------------------------------------------------------------------------


def _read_layer(spec: LayerSpec, path: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read and check one layer file (:func:`siting.layers.read_layer.read_layer`)."""
    from siting.layers.read_layer import read_layer

    return read_layer(spec, path)


def _empty_frame() -> pd.DataFrame:
    """Return an empty DataFrame (the default of a layer without a file)."""
    import pandas as pd

    return pd.DataFrame()


def _empty_table(spec: LayerSpec) -> pd.DataFrame:
    """Return an empty table with the layer's columns (:func:`~.read_layer.empty_table`)."""
    from siting.layers.read_layer import empty_table

    return empty_table(spec)


def _raise_or(frame: gpd.GeoDataFrame, problems: list[Problem]) -> gpd.GeoDataFrame:
    if problems:
        raise SitingInputError(problems)
    return frame


def _load_all(
    files: dict[str, Path],
) -> tuple[GeoData | None, list[Problem], list[Problem]]:
    import geopandas as gpd
    import pandas as pd

    from siting.layers.cross_checks import cross_check

    frames: dict[str, gpd.GeoDataFrame] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for spec in LAYERS:
        frame, problems = _read_layer(spec, files[spec.name])
        frames[spec.name] = frame
        errors.extend(problems)
    cross_errors, cross_warnings = cross_check(frames, files)
    errors.extend(cross_errors)
    warnings.extend(cross_warnings)
    points = frames["municipalities"].set_index("gm_code").geometry
    for name in ("stem_talent", "grid_congestion"):
        frame = frames[name]
        geometry = gpd.GeoSeries(frame["gm_code"].map(points), crs=settings.working_crs)
        frames[name] = gpd.GeoDataFrame(
            frame.drop(columns="geometry", errors="ignore"),
            geometry=geometry.to_numpy(),
            crs=settings.working_crs,
        )
    catalog: dict[str, dict[str, Any]] = {}
    for folder in {p.parent for p in files.values()}:
        try:
            folder_catalog = read_catalog(folder)
        except SitingInputError as exc:
            errors.extend(exc.problems)
            continue
        for name, path in files.items():
            if path.parent == folder and name in folder_catalog:
                catalog[name] = folder_catalog[name]
    data = GeoData(
        municipalities=frames["municipalities"],
        municipal_mergers=pd.DataFrame(
            frames["municipal_mergers"].drop(columns="geometry", errors="ignore")
        ),
        stem_talent=frames["stem_talent"],
        campuses=frames["campuses"],
        sites=frames["sites"],
        grid_congestion=frames["grid_congestion"],
        hotspots=pd.DataFrame(frames["hotspots"].drop(columns="geometry", errors="ignore")),
        grid_areas=pd.DataFrame(frames["grid_areas"].drop(columns="geometry", errors="ignore")),
        grid_area_links=pd.DataFrame(
            frames["grid_area_links"].drop(columns="geometry", errors="ignore")
        ),
        files=dict(files),
        catalog=catalog,
    )
    return data, errors, warnings
