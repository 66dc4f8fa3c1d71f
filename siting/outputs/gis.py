"""Results as GIS layers for QGIS and ArcGIS: GeoPackage, GeoParquet and GeoJSON.

Layers per result (points unless said otherwise; a lead without a known location keeps its row
with an empty geometry, so no lead is lost):

- ranking: ``sites`` (every candidate site with its outcome, rank, score and reasons: the top
  reasons of a recommended site, the rules an excluded one fails), ``current_location``, and
  ``pairs`` (lines between the R&D and production site of each two-site configuration);
- screening: ``leads`` (status, reason, top-1 site), ``top_sites`` (a line from each lead to
  each of its top sites, with rank, score and reasons) and ``sites`` (every site in a top,
  with how many leads have it there);
- assignment: ``leads`` (status, reason, assigned site), ``assignments`` (a line from each
  placed lead to its site) and ``sites`` (area promised and capacity).

The CRS is EPSG:28992 (RD New) unless EPSG:4326 (WGS84) is asked for; a ``.geojson`` file is
WGS84 unless RD New is asked for explicitly (RFC 7946 GeoJSON is WGS84). Company names are
never written; leads are named by their id.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError
from siting.outputs.frames import check_text, sites_frame
from siting.results.assignment import AssignmentResult
from siting.results.ranking import RankingResult
from siting.results.screening import ScreenResult

#: CRSs the GIS outputs are written in.
CRS_CHOICES: dict[str, str] = {
    "EPSG:28992": "EPSG:28992",
    "28992": "EPSG:28992",
    "RD": "EPSG:28992",
    "EPSG:4326": "EPSG:4326",
    "4326": "EPSG:4326",
    "WGS84": "EPSG:4326",
}


def resolve_crs(crs: str | int | None, *, suffix: str = ".gpkg") -> str:
    """Return ``"EPSG:28992"`` or ``"EPSG:4326"`` for what was asked (``None``: the default)."""
    if crs is None:
        return settings.display_crs if suffix == ".geojson" else settings.working_crs
    key = str(crs).strip().upper()
    if key not in CRS_CHOICES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--crs",
                label="option",
                message=f"'{crs}' is not offered; use EPSG:28992 (RD New) or EPSG:4326 (WGS84)",
            )
        )
    return CRS_CHOICES[key]


def _points(x: list[float], y: list[float]) -> gpd.GeoSeries:
    """Points in EPSG:28992; a ``nan`` coordinate gives an empty geometry (``None``)."""
    geoms = [
        None if (xx != xx or yy != yy) else shapely.Point(xx, yy)  # nan != nan
        for xx, yy in zip(x, y, strict=True)
    ]
    return gpd.GeoSeries(geoms, crs=settings.working_crs)


def _lines(a: list[tuple[float, float] | None], b: list[tuple[float, float] | None]) -> list:
    return [
        None if p is None or q is None else shapely.LineString([p, q])
        for p, q in zip(a, b, strict=True)
    ]


def _frame(columns: dict[str, list], geometry: list | gpd.GeoSeries) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        pd.DataFrame(columns), geometry=gpd.GeoSeries(geometry), crs=settings.working_crs
    )


# --- ranking ---------------------------------------------------------------------------------


def ranking_layers(result: RankingResult) -> dict[str, gpd.GeoDataFrame]:
    """Return a ranking's layers (in EPSG:28992): ``sites``, ``current_location``, ``pairs``."""
    frame = sites_frame(result)
    reasons = {rec.site_id: "; ".join(rec.top_reasons()) for rec in result.recommendations}
    checks = {rec.site_id: check_text(rec) for rec in result.recommendations}
    frame["reasons"] = [
        reasons.get(s.site_id)
        or ("fails: " + ", ".join(s.failing) if s.failing else "feasible, not in the top")
        for s in result.sites
    ]
    frame["check"] = [checks.get(s.site_id, "") for s in result.sites]
    lonlat = gpd.GeoSeries.from_xy(frame["lon"], frame["lat"], crs=settings.display_crs)
    layers = {
        "sites": gpd.GeoDataFrame(
            frame.drop(columns=["lon", "lat"]),
            geometry=lonlat.to_crs(settings.working_crs).to_numpy(),
            crs=settings.working_crs,
        )
    }
    if result.origin is not None:
        origin = gpd.GeoSeries.from_xy([result.origin[0]], [result.origin[1]], crs="EPSG:4326")
        layers["current_location"] = gpd.GeoDataFrame(
            {"case_id": [result.case_id]},
            geometry=origin.to_crs(settings.working_crs).to_numpy(),
            crs=settings.working_crs,
        )
    if result.pairs:
        ends = {}
        for pair in result.pairs:
            for rec in (pair.rnd, pair.production):
                ends[rec.site_id] = (rec.lon, rec.lat)
        ids = list(ends)
        xy = gpd.GeoSeries.from_xy(
            [ends[i][0] for i in ids], [ends[i][1] for i in ids], crs=settings.display_crs
        ).to_crs(settings.working_crs)
        rd = {i: (p.x, p.y) for i, p in zip(ids, xy, strict=True)}
        layers["pairs"] = _frame(
            {
                "rank": [p.rank for p in result.pairs],
                "score": [p.utility for p in result.pairs],
                "distance_km": [p.distance_km for p in result.pairs],
                "rnd_site_id": [p.rnd.site_id for p in result.pairs],
                "rnd_site": [p.rnd.name for p in result.pairs],
                "production_site_id": [p.production.site_id for p in result.pairs],
                "production_site": [p.production.name for p in result.pairs],
            },
            _lines(
                [rd[p.rnd.site_id] for p in result.pairs],
                [rd[p.production.site_id] for p in result.pairs],
            ),
        )
    return layers


# --- screening -------------------------------------------------------------------------------


def screening_layers(result: ScreenResult) -> dict[str, gpd.GeoDataFrame]:
    """Return a screening's layers (in EPSG:28992): ``leads``, ``top_sites``, ``sites``."""
    leads = result.leads
    first = [lead.sites[0] if lead.sites else None for lead in leads]
    layers = {
        "leads": gpd.GeoDataFrame(
            {
                "lead_id": [lead.lead_id for lead in leads],
                "input_row": [lead.row for lead in leads],
                "status": [lead.status for lead in leads],
                "reason": [lead.reason for lead in leads],
                "region": [lead.region for lead in leads],
                "n_feasible": [lead.n_feasible for lead in leads],
                "blocking_rule": [lead.blocking_label for lead in leads],
                "site_id": [h.site_id if h else "" for h in first],
                "site_name": [h.name if h else "" for h in first],
                "score": [h.score if h else float("nan") for h in first],
            },
            geometry=_points(
                [lead.origin[0] if lead.origin else float("nan") for lead in leads],
                [lead.origin[1] if lead.origin else float("nan") for lead in leads],
            ),
            crs=settings.working_crs,
        )
    }
    hits = [(lead, hit) for lead in leads for hit in lead.sites]
    layers["top_sites"] = _frame(
        {
            "lead_id": [lead.lead_id for lead, _ in hits],
            "rank": [hit.rank for _, hit in hits],
            "site_id": [hit.site_id for _, hit in hits],
            "site_name": [hit.name for _, hit in hits],
            "municipality": [hit.municipality for _, hit in hits],
            "score": [hit.score for _, hit in hits],
            "unverified": [hit.unverified for _, hit in hits],
            "top_reasons": ["; ".join(hit.reasons) for _, hit in hits],
        },
        _lines([lead.origin for lead, _ in hits], [(hit.x, hit.y) for _, hit in hits]),
    )
    counts: dict[str, list] = {}
    for _, hit in hits:
        entry = counts.setdefault(hit.site_id, [hit, 0, 0])
        entry[1] += 1
        entry[2] += hit.rank == 1
    layers["sites"] = gpd.GeoDataFrame(
        {
            "site_id": list(counts),
            "name": [e[0].name for e in counts.values()],
            "municipality": [e[0].municipality for e in counts.values()],
            "province": [e[0].province for e in counts.values()],
            "n_leads_top": [e[1] for e in counts.values()],
            "n_leads_first": [e[2] for e in counts.values()],
        },
        geometry=_points([e[0].x for e in counts.values()], [e[0].y for e in counts.values()]),
        crs=settings.working_crs,
    )
    return layers


# --- assignment ------------------------------------------------------------------------------


def assignment_layers(result: AssignmentResult) -> dict[str, gpd.GeoDataFrame]:
    """Return an assignment's layers (in EPSG:28992): ``leads``, ``assignments``, ``sites``."""
    leads = result.leads
    columns = {
        "lead_id": [lead.lead_id for lead in leads],
        "row": pd.array([lead.row for lead in leads], dtype="Int64"),
        "status": [lead.status for lead in leads],
        "reason": [lead.reason for lead in leads],
        "priority": [lead.priority for lead in leads],
        "land_ha": [lead.land_ha for lead in leads],
        "power_mw": [lead.power_mw for lead in leads],
        "site_id": [lead.site_id for lead in leads],
        "site_name": [lead.site_name for lead in leads],
        "zone_id": [lead.zone_id for lead in leads],
        "utility": [lead.utility for lead in leads],
    }
    layers = {
        "leads": gpd.GeoDataFrame(
            columns,
            geometry=_points(
                [lead.origin[0] if lead.origin else float("nan") for lead in leads],
                [lead.origin[1] if lead.origin else float("nan") for lead in leads],
            ),
            crs=settings.working_crs,
        )
    }
    placed = [lead for lead in leads if lead.site_xy is not None]
    layers["assignments"] = _frame(
        {
            "lead_id": [lead.lead_id for lead in placed],
            "site_id": [lead.site_id for lead in placed],
            "site_name": [lead.site_name for lead in placed],
            "utility": [lead.utility for lead in placed],
            "land_ha": [lead.land_ha for lead in placed],
            "power_mw": [lead.power_mw for lead in placed],
        },
        _lines([lead.origin for lead in placed], [lead.site_xy for lead in placed]),
    )
    sites = result.sites
    layers["sites"] = gpd.GeoDataFrame(
        {
            "site_id": [s.site_id for s in sites],
            "name": [s.name for s in sites],
            "municipality": [s.municipality for s in sites],
            "zone_id": [s.zone_id for s in sites],
            "capacity_ha": [s.capacity_ha for s in sites],
            "used_ha": [s.used_ha for s in sites],
            "rule": [s.rule for s in sites],
            "n_leads": [len(s.leads) for s in sites],
            "n_candidates": [s.n_candidates for s in sites],
        },
        geometry=_points(
            [s.xy[0] if s.xy else float("nan") for s in sites],
            [s.xy[1] if s.xy else float("nan") for s in sites],
        ),
        crs=settings.working_crs,
    )
    return layers


# --- writing ---------------------------------------------------------------------------------


def result_layers(
    result: RankingResult | ScreenResult | AssignmentResult, *, crs: str | None = None
) -> dict[str, gpd.GeoDataFrame]:
    """Return a result's layers, in ``crs`` (default EPSG:28992), empty layers left out."""
    if isinstance(result, RankingResult):
        layers = ranking_layers(result)
    elif isinstance(result, ScreenResult):
        layers = screening_layers(result)
    elif isinstance(result, AssignmentResult):
        layers = assignment_layers(result)
    else:
        raise TypeError(f"no map layers for a {type(result).__name__}")
    target = resolve_crs(crs)
    return {
        name: layer if target == settings.working_crs else layer.to_crs(target)
        for name, layer in layers.items()
        if len(layer)
    }


#: Formats that hold one layer per file.
SPLIT_SUFFIXES: tuple[str, ...] = (".parquet", ".geoparquet", ".geojson")
#: Every layer a result may have (ranking, screening and assignment layers together).
LAYER_NAMES: tuple[str, ...] = (
    "sites",
    "current_location",
    "pairs",
    "leads",
    "top_sites",
    "assignments",
)


def layer_path(path: Path, name: str, *, first: bool) -> Path:
    """Return the file a layer goes to: ``path`` for the first, ``<stem>-<name><suffix>`` else.

    One file per layer holds for GeoParquet and GeoJSON; a GeoPackage holds every layer.
    """
    return path if first else path.with_name(f"{path.stem}-{name}{path.suffix}")


def layer_paths(path: str | Path) -> list[Path]:
    """Return every file an output path may write (for checking outputs before a run).

    The path itself and, for the one-layer-per-file formats, a file for each layer name in
    :data:`LAYER_NAMES` (whichever layers the result will have).
    """
    path = Path(path)
    if path.suffix.lower() not in SPLIT_SUFFIXES:
        return [path]
    return [path, *(layer_path(path, name, first=False) for name in LAYER_NAMES)]


def write_gis(
    result: RankingResult | ScreenResult | AssignmentResult,
    path: str | Path,
    *,
    crs: str | None = None,
) -> list[Path]:
    """Write a result's layers as GeoPackage, GeoParquet or GeoJSON.

    Parameters
    ----------
    result
        A ranking, screening or assignment.
    path
        ``.gpkg`` (every layer in one file), ``.parquet`` / ``.geoparquet`` or ``.geojson``
        (the main layer in ``path``, each other layer in ``<stem>-<layer><suffix>``).
    crs
        ``"EPSG:28992"`` or ``"EPSG:4326"``; default RD New (WGS84 for ``.geojson``).

    Returns
    -------
    list of Path
        The files written, the main layer's first.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    layers = result_layers(result, crs=resolve_crs(crs, suffix=suffix))
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".gpkg":
        path.unlink(missing_ok=True)
        for name, layer in layers.items():
            layer.to_file(path, layer=name, driver="GPKG")
        return [path]
    written = []
    for k, (name, layer) in enumerate(layers.items()):
        if name not in LAYER_NAMES:  # pragma: no cover - a new layer must be listed there
            raise RuntimeError(f"layer {name!r} is not in LAYER_NAMES")
        target = layer_path(path, name, first=k == 0)
        if suffix == ".geojson":
            target.unlink(missing_ok=True)
            layer.to_file(target, driver="GeoJSON")
        else:
            layer.to_parquet(target)
        written.append(target)
    return written
