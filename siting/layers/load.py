"""Load and validate the data layers as GeoDataFrames in the working CRS (EPSG:28992).

Each ``load_<layer>()`` reads one layer from a data folder (the embedded Netherlands dataset by
default), checks it against its schema (:mod:`siting.layers.schema`) and raises one
:class:`~siting.SitingInputError` listing every problem with file, row and column.
:func:`load_geodata` loads all layers and checks them against each other; :func:`check_geodata`
does the same but returns the problems instead of raising.

A layer file is looked up in the given folder as ``<stem>.csv``, ``<stem>.gpkg`` or
``<stem>.geojson``; a layer the folder does not have comes from the embedded dataset, and the
result records which file each layer came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
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
from siting.layers.validate import NL_RD_BOUNDS, cells_as_text, check_lonlat, parse_table

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
    grid_areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    grid_area_links: pd.DataFrame = field(default_factory=pd.DataFrame)
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

    files = {name: Path(path) for name, path, _, _ in stamp}
    key = cache.layers_key(files)
    data = cache.load_entry("layers", key)
    if isinstance(data, GeoData) and data.files == files:
        _remember_key(data, key)
        return data
    data, errors, _ = _load_all(files)
    if errors:
        raise SitingInputError(errors)
    assert data is not None
    cache.store_entry("layers", key, data)
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
            errors = [*errors, *_check_within_municipality(data, polygons)]
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


def _raise_or(frame: gpd.GeoDataFrame, problems: list[Problem]) -> gpd.GeoDataFrame:
    if problems:
        raise SitingInputError(problems)
    return frame


def _load_all(
    files: dict[str, Path],
) -> tuple[GeoData | None, list[Problem], list[Problem]]:
    frames: dict[str, gpd.GeoDataFrame] = {}
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for spec in LAYERS:
        frame, problems = _read_layer(spec, files[spec.name])
        frames[spec.name] = frame
        errors.extend(problems)
    cross_errors, cross_warnings = _cross_check(frames, files)
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


def _read_layer(spec: LayerSpec, path: Path) -> tuple[gpd.GeoDataFrame, list[Problem]]:
    """Read, parse and check one layer file; geometry in EPSG:28992 (or empty)."""
    file = str(path)
    raw, geometry, first_row, problems = _read_raw(path)
    if raw is None:
        return _empty_layer(spec), problems
    parse_spec = spec
    if geometry is not None:  # lon/lat are derived from the geometry, not read
        parse_spec = replace(
            spec, columns=tuple(c for c in spec.columns if c.name not in ("lon", "lat"))
        )
    frame, parse_problems = parse_table(raw, parse_spec, file=file, first_row=first_row)
    problems.extend(parse_problems)
    if spec.geometry == "point":
        if geometry is None:
            problems.extend(
                check_lonlat(frame["lon"], frame["lat"], file=file, first_row=first_row)
            )
            geometry = gpd.GeoSeries.from_xy(frame["lon"], frame["lat"], crs=settings.display_crs)
            geometry = geometry.to_crs(settings.working_crs)
        else:
            geo_problems, geometry = _check_geometry(geometry, file=file, first_row=first_row)
            problems.extend(geo_problems)
            lonlat = geometry.representative_point().to_crs(settings.display_crs)
            frame.insert(
                frame.columns.get_loc(spec.columns[0].name) + 1, "lon", lonlat.x.round(6).to_numpy()
            )
            frame.insert(frame.columns.get_loc("lon") + 1, "lat", lonlat.y.round(6).to_numpy())
            frame = frame[[c.name for c in spec.columns]]
    else:
        geometry = gpd.GeoSeries([None] * len(frame), crs=settings.working_crs)
    if spec is SITES:
        frame = site_fallbacks(frame, set(raw.columns), geometry)
    problems.extend(record_rules(spec, frame, file=file, first_row=first_row))
    gdf = gpd.GeoDataFrame(
        frame, geometry=geometry.reset_index(drop=True).to_numpy(), crs=settings.working_crs
    )
    return gdf, problems


def _read_raw(
    path: Path,
) -> tuple[pd.DataFrame | None, gpd.GeoSeries | None, int, list[Problem]]:
    file = str(path)
    if path.suffix.lower() == ".csv":
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except UnicodeDecodeError:
            return None, None, 2, [Problem(file=file, message="not UTF-8 text")]
        except pd.errors.EmptyDataError:
            return None, None, 2, [Problem(file=file, message="the file is empty")]
        except pd.errors.ParserError as exc:
            return None, None, 2, [Problem(file=file, message=f"not a valid CSV file: {exc}")]
        return raw, None, 2, []
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        return None, None, 1, [Problem(file=file, message=f"cannot read the file: {exc}")]
    if gdf.crs is None:
        return (
            None,
            None,
            1,
            [Problem(file=file, message="the file has no CRS; set one (e.g. EPSG:28992)")],
        )
    attrs = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    attrs = attrs.apply(cells_as_text)
    return attrs, gdf.geometry, 1, []


def _check_geometry(
    geometry: gpd.GeoSeries, *, file: str, first_row: int
) -> tuple[list[Problem], gpd.GeoSeries]:
    problems = []
    geometry = geometry.to_crs(settings.working_crs)
    xmin, ymin, xmax, ymax = NL_RD_BOUNDS
    for i, geom in enumerate(geometry):
        row = i + first_row
        if geom is None or geom.is_empty:
            problems.append(
                Problem(file=file, row=row, column="geometry", message="empty geometry")
            )
            continue
        if geom.geom_type not in ("Point", "Polygon", "MultiPolygon"):
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="geometry",
                    message=f"{geom.geom_type} is not a point or polygon",
                )
            )
            continue
        if not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            problems.append(
                Problem(
                    file=file, row=row, column="geometry", message=f"invalid geometry: {reason}"
                )
            )
            continue
        bx0, by0, bx1, by1 = geom.bounds
        if bx0 < xmin or by0 < ymin or bx1 > xmax or by1 > ymax:
            problems.append(
                Problem(
                    file=file,
                    row=row,
                    column="geometry",
                    message="lies outside the Netherlands in EPSG:28992: is the file's CRS right?",
                )
            )
    return problems, geometry


def site_fallbacks(frame: pd.DataFrame, present: set[str], geometry: gpd.GeoSeries) -> pd.DataFrame:
    """Fill the site columns a file does not have from the ones it has (older site files).

    A file without ``available_ha_year``, ``available_ha_confidence`` or
    ``available_ha_source`` (the site layer before the national register) gives its available
    area the year, confidence and source of its other areas; one without ``location_kind``
    has points placed on the site (``site``), or polygons (``polygon``).

    Parameters
    ----------
    frame
        The parsed site records.
    present
        The columns the file has.
    geometry
        The records' geometry (points or polygons).

    Returns
    -------
    pandas.DataFrame
        A copy with the absent columns filled.
    """
    out = frame.copy()
    known = out["available_ha"].notna()
    if "available_ha_year" not in present:
        out["available_ha_year"] = out["area_year"].where(known)
    if "available_ha_confidence" not in present:
        out["available_ha_confidence"] = out["area_confidence"].where(known, "unknown")
    if "available_ha_source" not in present:
        out["available_ha_source"] = out["area_source"].where(known, None)
    if "location_kind" not in present:
        polygonal = geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
        out["location_kind"] = np.where(polygonal, "polygon", "site")
    return out


def record_rules(
    spec: LayerSpec, frame: pd.DataFrame, *, file: str, first_row: int
) -> list[Problem]:
    """Check the rules across the columns of a record (e.g. available <= net <= gross area)."""
    if spec is not SITES:
        return []
    problems = []
    order = [("available_ha", "net_ha"), ("net_ha", "gross_ha"), ("available_ha", "gross_ha")]
    for small, large in order:
        a = frame[small].astype(float)
        b = frame[large].astype(float)
        for i in np.flatnonzero((a > b + 1e-9).to_numpy()):
            problems.append(
                Problem(
                    file=file,
                    row=int(i) + first_row,
                    column=small,
                    message=f"{small} {a.iloc[i]:g} exceeds {large} {b.iloc[i]:g}",
                )
            )
    for figures, confidence in (
        (["gross_ha", "net_ha"], "area_confidence"),
        (["available_ha"], "available_ha_confidence"),
    ):
        unknown = frame[confidence].eq("unknown") & frame[figures].notna().any(axis=1)
        for i in np.flatnonzero(unknown.to_numpy()):
            problems.append(
                Problem(
                    file=file,
                    row=int(i) + first_row,
                    column=confidence,
                    message=f"'unknown' but {' or '.join(figures)} is given; say how sure "
                    "it is (reported, approximate or estimate)",
                )
            )
    full = frame["status"].eq("fully_issued") & (frame["available_ha"].astype(float) > 0)
    for i in np.flatnonzero(full.to_numpy()):
        problems.append(
            Problem(
                file=file,
                row=int(i) + first_row,
                column="status",
                message="'fully_issued' but available_ha is above 0",
            )
        )
    return problems


def _cross_check(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path]
) -> tuple[list[Problem], list[Problem]]:
    """Check the layers against each other: municipality codes, campus ids, coverage."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    known = set(frames["municipalities"]["gm_code"].dropna())
    if not known:
        return errors, warnings
    mergers = frames["municipal_mergers"]
    merged_into = dict(zip(mergers["old_code"], mergers["new_code"], strict=True))
    names = dict(
        zip(frames["municipalities"]["gm_code"], frames["municipalities"]["name"], strict=True)
    )
    first_row = {name: 2 if files[name].suffix.lower() == ".csv" else 1 for name in files}
    for name in ("stem_talent", "campuses", "sites", "grid_congestion", "grid_area_links"):
        for i, code in enumerate(frames[name]["gm_code"]):
            if code is None or code in known:
                continue
            hint = "not a current municipality code"
            if code in merged_into:
                new = merged_into[code]
                hint = f"a former municipality; it is now part of {new} ({names.get(new, '?')})"
            errors.append(
                Problem(
                    file=str(files[name]),
                    row=i + first_row[name],
                    column="gm_code",
                    message=f"unknown municipality code {excerpt(code)}: {hint}",
                )
            )
    for name in ("stem_talent", "grid_congestion"):
        missing = sorted(known - set(frames[name]["gm_code"].dropna()))
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            warnings.append(
                Problem(
                    file=str(files[name]),
                    message=f"{len(missing)} municipalities have no record "
                    f"(treated as unknown): {shown}",
                )
            )
    campus_ids = set(frames["campuses"]["campus_id"].dropna())
    for i, cid in enumerate(frames["sites"]["campus_id"]):
        if cid is not None and cid not in campus_ids:
            errors.append(
                Problem(
                    file=str(files["sites"]),
                    row=i + first_row["sites"],
                    column="campus_id",
                    message=f"unknown campus {excerpt(cid)} (not in the campuses layer)",
                )
            )
    hotspot_errors, hotspot_warnings = _check_hotspots(
        frames, files, known, campus_ids, first_row["hotspots"]
    )
    errors.extend(hotspot_errors)
    warnings.extend(hotspot_warnings)
    grid_errors, grid_warnings = _grid_cross_check(frames, files, first_row)
    errors.extend(grid_errors)
    warnings.extend(grid_warnings)
    for i, (old, new) in enumerate(zip(mergers["old_code"], mergers["new_code"], strict=True)):
        if old is not None and old in known:
            errors.append(
                Problem(
                    file=str(files["municipal_mergers"]),
                    row=i + first_row["municipal_mergers"],
                    column="old_code",
                    message=f"{excerpt(old)} is a current municipality (in the municipalities "
                    "layer); a merger maps a former municipality onto its successor",
                )
            )
        elif new is not None and new not in known:
            errors.append(
                Problem(
                    file=str(files["municipal_mergers"]),
                    row=i + first_row["municipal_mergers"],
                    column="new_code",
                    message=f"{excerpt(new)} (successor of {excerpt(old)}) is not a current "
                    "municipality code",
                )
            )
    return errors, warnings


def _check_hotspots(
    frames: dict[str, gpd.GeoDataFrame],
    files: dict[str, Path],
    known: set[str],
    campus_ids: set[str],
    first_row: int,
) -> tuple[list[Problem], list[Problem]]:
    """Check the hotspots against the municipalities and campuses: (errors, warnings).

    An unknown municipality or campus is an error; a campus outside the hotspot's
    municipalities is a warning.
    """
    errors, warnings = [], []
    file = str(files["hotspots"])
    campuses = frames["campuses"]
    campus_gm = dict(zip(campuses["campus_id"], campuses["gm_code"], strict=True))
    hotspots = frames["hotspots"]
    for i, (codes, cids) in enumerate(
        zip(hotspots["gm_codes"], hotspots["campus_ids"], strict=True)
    ):
        row = i + first_row
        codes = tuple(codes or ())
        for code in codes:
            if code not in known:
                errors.append(
                    Problem(
                        file=file,
                        row=row,
                        column="gm_codes",
                        message=f"{excerpt(code)} is not a current municipality code",
                    )
                )
        for cid in cids or () if campus_ids else ():  # no campuses read: reported there
            if cid not in campus_ids:
                errors.append(
                    Problem(
                        file=file,
                        row=row,
                        column="campus_ids",
                        message=f"unknown campus {excerpt(cid)} (not in the campuses layer)",
                    )
                )
            elif campus_gm[cid] in known and campus_gm[cid] not in codes:
                warnings.append(
                    Problem(
                        file=file,
                        row=row,
                        column="campus_ids",
                        message=f"campus {excerpt(cid)} lies in {campus_gm[cid]}, outside the "
                        "hotspot's municipalities",
                    )
                )
    errors.extend(_check_core_domains(hotspots, file, first_row))
    return errors, warnings


def _check_core_domains(hotspots: pd.DataFrame, file: str, first_row: int) -> list[Problem]:
    """Report core domains of a hotspot that are not among its ``nts_domains``."""
    if "core_domains" not in hotspots:
        return []
    problems = []
    for i, (domains, core) in enumerate(
        zip(hotspots["nts_domains"], hotspots["core_domains"], strict=True)
    ):
        for slug in sorted(set(core or ()) - set(domains or ())):
            problems.append(
                Problem(
                    file=file,
                    row=i + first_row,
                    column="core_domains",
                    message=f"{excerpt(slug)} is not among the hotspot's nts_domains",
                )
            )
    return problems


def _grid_cross_check(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path], first_row: dict[str, int]
) -> tuple[list[Problem], list[Problem]]:
    """Links name known areas (a regional link's TenneT id a TenneT record); stations their area."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    areas, links = frames["grid_areas"], frames["grid_area_links"]
    kind = dict(zip(areas["area_id"], areas["kind"], strict=True))
    area_file, link_file = str(files["grid_areas"]), str(files["grid_area_links"])
    for i, parent in enumerate(areas["parent_id"]):
        if parent is not None and kind.get(parent) != "tennet_area":
            errors.append(
                Problem(
                    file=area_file,
                    row=i + first_row["grid_areas"],
                    column="parent_id",
                    message=f"{excerpt(parent)} is not a TenneT area of this layer",
                )
            )
    for i, (area, tennet) in enumerate(zip(links["area_id"], links["tennet_id"], strict=True)):
        row = i + first_row["grid_area_links"]
        if area is not None and area not in kind:
            errors.append(
                Problem(
                    file=link_file,
                    row=row,
                    column="area_id",
                    message=f"unknown area {excerpt(area)}: not in the grid_areas layer "
                    f"({area_file})",
                )
            )
        if tennet is not None and kind.get(tennet) not in ("tennet_station", "tennet_area"):
            errors.append(
                Problem(
                    file=link_file,
                    row=row,
                    column="tennet_id",
                    message=f"{excerpt(tennet)} is not a TenneT station or area of the "
                    "grid_areas layer",
                )
            )
    site_ids = set(frames["sites"]["site_id"].dropna())
    stray = sorted(set(links["site_id"].dropna()) - site_ids)
    if stray:
        warnings.append(
            Problem(
                file=link_file,
                message=f"{len(stray)} site link(s) name sites that are not in the sites layer "
                f"(ignored): {', '.join(stray[:5])}{' ...' if len(stray) > 5 else ''}",
            )
        )
    return errors, warnings


def _check_within_municipality(
    data: GeoData, polygons: gpd.GeoDataFrame, *, tolerance_m: float = 1000.0
) -> list[Problem]:
    """Every site and campus must lie within ``tolerance_m`` of the municipality it names."""
    problems = []
    shapes = polygons.set_index("gm_code").geometry
    for name in ("sites", "campuses"):
        frame = getattr(data, name)
        file = str(data.files[name])
        first_row = 2 if data.files[name].suffix.lower() == ".csv" else 1
        stated = frame["gm_code"].map(shapes)
        for i, (point, shape) in enumerate(zip(frame.geometry, stated, strict=True)):
            if shape is None or (isinstance(shape, float) and np.isnan(shape)) or point is None:
                continue
            distance = shape.distance(point)
            if distance > tolerance_m:
                problems.append(
                    Problem(
                        file=file,
                        row=i + first_row,
                        column="gm_code",
                        message=f"the location lies {distance / 1000:.1f} km outside the "
                        f"municipality {frame['gm_code'].iloc[i]} it names",
                    )
                )
    return problems


def _empty_table(spec: LayerSpec) -> pd.DataFrame:
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})


def _empty_layer(spec: LayerSpec) -> gpd.GeoDataFrame:
    columns = {c.name: pd.Series([], dtype=object) for c in spec.columns}
    return gpd.GeoDataFrame(
        columns, geometry=gpd.GeoSeries([], crs=settings.working_crs), crs=settings.working_crs
    )
