"""The grid join: which supply areas, and which TenneT level above them, may feed each site.

A site is fed by one regional supply area, under one TenneT station (or congestion area). The
data rarely say which: the capacity map places areas by postcode (``congestie_pc6.csv``, not
shipped), and the embedded links place an area in the municipality of the station it is named
after. So each site gets its **candidate chains**, one per (regional area, TenneT level) that
may feed it:

1. a site with links of its own (``site_id`` set: placed by its postcode) takes those;
2. otherwise every link of its municipality: each regional area linked to it, under the TenneT
   station or area its link names, else under each TenneT link of the municipality;
3. a municipality without a placed regional area and without a placed TenneT station uses its
   record of the per-municipality ``grid_congestion`` layer (an approximation curated from
   announcements) as a labelled FALLBACK regional level; with a placed station, or without a
   record, the regional level is unknown (the announcements are mostly about the TenneT level,
   which the station's published class gives, and contradict it in east Groningen);
4. a municipality without a TenneT link has an unknown TenneT level.

Each level carries what the rule needs (:class:`GridLevel`): its class (published, else derived
from the figures, else the fallback's), the figures [MW], the expected solve year and the year
the figures refer to. Sites placed at their municipality's point get the municipality's chains
with the links' confidence, so the join works whatever the site's location precision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from siting import vocab
from siting.layers.load import GeoData
from siting.layers.schema import GRID_AREA_LINKS, GRID_AREAS, LayerSpec

if TYPE_CHECKING:
    import pandas as pd

#: Confidence levels from best to worst (a chain is as sure as its weakest link).
_CONFIDENCE_ORDER = ("reported", "approximate", "estimate", "unknown")


class GridLevel(NamedTuple):
    """One level of a chain: a regional supply area, a TenneT station or area, or a fallback.

    Attributes
    ----------
    area_id
        The area's id (``""`` for an unknown level; the municipality code for a fallback).
    kind
        ``"regional"``, ``"tennet_station"``, ``"tennet_area"``, ``"fallback"`` or
        ``"unknown"``.
    operator
        Grid operator as published.
    cls
        Demand-side class -1..3 (-1: none known).
    class_basis
        ``"published"``, ``"derived"`` (from the figures or the stations, never published),
        ``"fallback"`` (the per-municipality approximation) or ``"none"``.
    available_mw, required_mw, queue_mw
        Present and required transport capacity and the queue [MW] (NaN: not published).
    solve_year
        Expected year the demand congestion is solved (NaN: not published).
    reference_year
        Year the figures refer to (the earliest year a connection can be had) [year].
    area_name
        For a TenneT station: its congestion area; for a fallback: the municipality's name;
        else ``""``.
    what_if
        The what-if scenario that changed this level (empty: as in the data).
    """

    area_id: str
    kind: str
    operator: str
    cls: int
    class_basis: str
    available_mw: float
    required_mw: float
    queue_mw: float
    solve_year: float
    reference_year: float
    area_name: str = ""
    what_if: str = ""

    @property
    def room_mw(self) -> float:
        """Room for a new request: present - required - queue [MW] (NaN unless all known)."""
        return self.available_mw - self.required_mw - self.queue_mw


class GridOverride(NamedTuple):
    """A what-if change of the grid (from a scenario's ``[[data.zone]]``, never the layers).

    Attributes
    ----------
    scope
        ``"area"``: the record ``key`` of the grid_areas layer (for every site it may feed);
        ``"municipality"``: every level of the chains of the sites in municipality ``key``.
    key
        Area id or municipality code.
    changes
        Field -> value: ``expected_solve_year``, ``afname_class``, and for an area
        ``available_mw``, ``required_mw``, ``queue_mw``, for a municipality ``headroom_mw``
        (the room of its supply areas) [MW].
    note
        Which scenario, in words.
    """

    scope: str
    key: str
    changes: dict[str, float]
    note: str


class GridChain(NamedTuple):
    """A candidate way a site is fed: a regional level under a TenneT level, and how sure."""

    regional: GridLevel
    tennet: GridLevel
    confidence: str


UNKNOWN_REGIONAL = GridLevel("", "unknown", "", -1, "none", np.nan, np.nan, np.nan, np.nan, np.nan)
UNKNOWN_TENNET = GridLevel(
    "", "unknown", "TenneT", -1, "none", np.nan, np.nan, np.nan, np.nan, np.nan
)

#: Site-table columns of the grid join, with their meaning and unit.
GRID_COLUMNS: dict[str, str] = {
    "grid_chains": "candidate (regional area, TenneT level) chains feeding the site (GridChain)",
    "grid_basis": "what the grid facts rest on: site link, municipality links, TenneT station "
    "only, fallback, none",
    "grid_zone_id": "the regional area when exactly one can feed the site, else the municipality",
    "grid_area_ids": "the candidate regional supply areas",
    "grid_operator": "regional grid operator(s) of the candidate areas",
    "afname_class": "worst demand-side class over the candidate chains (-1 unknown .. 3)",
    "afname_label": "that class in words",
    "congestion_status_date": "reference date(s) of the grid figures",
    "expected_relief_year": "latest expected solve year published among the candidate chains",
    "grid_headroom_mw": "smallest published room after the queue among the candidate areas [MW]",
    "grid_confidence": "how sure the link of the site to its areas is (its weakest link)",
}


def grid_join(data: GeoData, sites: pd.DataFrame) -> pd.DataFrame:
    """Return the grid columns (:data:`GRID_COLUMNS`) for sites, one row per site, same order.

    Parameters
    ----------
    data
        The loaded layers (grid areas, links, fallback, municipalities).
    sites
        Frame with ``site_id`` and ``gm_code``.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``sites``; ``grid_chains`` holds a tuple of :class:`GridChain` (the same
        tuple object for sites that share their chains).
    """
    import pandas as pd

    overrides = tuple(getattr(data, "grid_overrides", ()) or ())
    areas = _with_columns(data.grid_areas, GRID_AREAS)
    links = _with_columns(data.grid_area_links, GRID_AREA_LINKS)
    levels = _levels(_area_overrides(areas, overrides))
    fallback = _fallback_levels(data.grid_congestion)
    by_gm = {o.key: o for o in overrides if o.scope == "municipality"}
    kind_of = {k: v.kind for k, v in levels.items()}
    by_muni = _link_rows(links[links["site_id"].isna()], "gm_code")
    by_site = _link_rows(links[links["site_id"].notna()], "site_id")
    muni_cache: dict[str, tuple[tuple[GridChain, ...], str]] = {}
    chains, basis = [], []
    for site_id, gm_code in zip(sites["site_id"], sites["gm_code"], strict=True):
        if site_id in by_site:
            site_chains = _chains(by_site[site_id], levels, fallback.get(gm_code))
            tennet = by_muni.get(gm_code)
            if any(c.tennet.kind == "unknown" for c in site_chains) and tennet is not None:
                above = [row for row in tennet if kind_of.get(row[0]) in _TENNET_KINDS]
                site_chains = _chains(by_site[site_id] + above, levels, fallback.get(gm_code))
            chains.append(site_chains)
            basis.append("site link (postcode)")
            continue
        if gm_code not in muni_cache:
            rows = by_muni.get(gm_code)
            kinds = set() if rows is None else {kind_of.get(row[0]) for row in rows}
            # the fallback stands in only where the map places nothing specific here: its
            # announcements are mostly about the TenneT level, which a placed station gives
            # (and contradicts in east Groningen)
            stand_in = None if "tennet_station" in kinds else fallback.get(gm_code)
            found = _chains(rows, levels, stand_in)
            how = (
                "municipality links"
                if "regional" in kinds
                else "TenneT station only: supply area not placed"
                if "tennet_station" in kinds
                else "fallback: per-municipality approximation"
                if stand_in is not None
                else "none"
            )
            if gm_code in by_gm:
                found = _municipality_override(found, by_gm[gm_code])
            muni_cache[gm_code] = (found, how)
        found, how = muni_cache[gm_code]
        chains.append(found)
        basis.append(how)
    return _summary(pd.Series(chains, index=sites.index, dtype=object), basis, sites)


def _with_columns(frame: pd.DataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Return the frame, or an empty one with the layer's columns (hand-made data)."""
    import pandas as pd

    if all(c.name in frame.columns for c in spec.columns):
        return frame
    return pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})


def _area_overrides(areas: pd.DataFrame, overrides: tuple[GridOverride, ...]) -> pd.DataFrame:
    """Return a copy of the area records with the what-if changes of scope ``area``."""
    mine = [o for o in overrides if o.scope == "area"]
    if not mine:
        return areas
    out = areas.copy()
    out["what_if"] = ""
    for o in mine:
        rows = out["area_id"].eq(o.key) | out["parent_id"].eq(o.key)
        for field, value in o.changes.items():
            if field == "afname_class":
                out.loc[out["area_id"].eq(o.key), field] = int(value)
            else:
                out.loc[out["area_id"].eq(o.key), field] = value
        out.loc[rows, "what_if"] = o.note
    return out


def _municipality_override(chains: tuple[GridChain, ...], o: GridOverride) -> tuple[GridChain, ...]:
    def apply(level: GridLevel, regional: bool) -> GridLevel:
        changes: dict[str, Any] = {"what_if": o.note}
        if "expected_solve_year" in o.changes:
            changes["solve_year"] = float(o.changes["expected_solve_year"])
        if "afname_class" in o.changes:
            changes["cls"] = int(o.changes["afname_class"])
            changes["class_basis"] = "what-if"
        if regional and "headroom_mw" in o.changes:
            changes.update(
                available_mw=float(o.changes["headroom_mw"]), required_mw=0.0, queue_mw=0.0
            )
        if np.isnan(level.reference_year):
            changes["reference_year"] = changes.get("solve_year", np.nan)
        return level._replace(**changes)

    return tuple(
        GridChain(apply(c.regional, True), apply(c.tennet, False), c.confidence) for c in chains
    )


def _levels(areas: pd.DataFrame) -> dict[str, GridLevel]:
    """Every record of the grid_areas layer as a level; a station takes its area's figures."""
    import pandas as pd

    records = areas.set_index("area_id", drop=False)
    out: dict[str, GridLevel] = {}
    for rec in records.itertuples(index=False):
        published = not pd.isna(rec.afname_class)
        derived = not pd.isna(rec.derived_class)
        cls = int(rec.afname_class) if published else int(rec.derived_class) if derived else -1
        basis = "published" if published else "derived" if derived else "none"
        source = rec
        if rec.kind == "tennet_station" and rec.parent_id in records.index:
            source = records.loc[rec.parent_id]
        out[rec.area_id] = GridLevel(
            area_id=rec.area_id,
            kind=rec.kind,
            operator=rec.operator,
            cls=cls,
            class_basis=basis,
            available_mw=_num(source.available_mw),
            required_mw=_num(source.required_mw),
            queue_mw=_num(source.queue_mw),
            solve_year=_num(source.expected_solve_year),
            reference_year=float(str(rec.reference_date)[:4]),
            area_name=rec.parent_id or "",
            what_if=str(getattr(rec, "what_if", "") or ""),
        )
    return out


def _fallback_levels(grid: pd.DataFrame) -> dict[str, GridLevel]:
    out = {}
    for rec in grid.itertuples(index=False):
        date = rec.status_date
        year = float(str(date)[:4]) if isinstance(date, str) and date else np.nan
        headroom = _num(getattr(rec, "headroom_mw", np.nan))
        queue = _num(getattr(rec, "queue_mw", np.nan))
        out[rec.gm_code] = GridLevel(
            area_id=rec.gm_code,
            kind="fallback",
            operator=getattr(rec, "grid_operator", None) or "",
            cls=int(rec.afname_class),
            class_basis="fallback",
            available_mw=headroom,
            required_mw=0.0 if not np.isnan(headroom) else np.nan,
            queue_mw=queue if not np.isnan(headroom) else np.nan,
            solve_year=_num(rec.expected_relief_year),
            reference_year=year,
            area_name=getattr(rec, "municipality", None) or "",
        )
    return out


_TENNET_KINDS = ("tennet_station", "tennet_area")

#: One link: (area id, TenneT id above it or NaN, confidence).
_LinkRow = tuple[str, Any, str]


def _link_rows(links: pd.DataFrame, key: str) -> dict[str, list[_LinkRow]]:
    """Return the links per value of ``key`` (municipality or site), in layer order."""
    out: dict[str, list[_LinkRow]] = {}
    for k, area_id, tennet_id, confidence in zip(
        links[key], links["area_id"], links["tennet_id"], links["confidence"], strict=True
    ):
        out.setdefault(k, []).append((area_id, tennet_id, confidence))
    return out


def _chains(
    rows: list[_LinkRow] | None, levels: dict[str, GridLevel], fallback: GridLevel | None
) -> tuple[GridChain, ...]:
    """Return the candidate chains of one municipality's (or site's) links."""
    regional_links: list[tuple[GridLevel, str | None, str]] = []
    tennet_links: list[tuple[GridLevel, str]] = []
    if rows is not None:
        for area_id, tennet_id, confidence in rows:
            level = levels.get(area_id)
            if level is None:
                continue
            if level.kind == "regional":
                regional_links.append((level, tennet_id, confidence))
            else:
                tennet_links.append((level, confidence))
    tennet_links = tennet_links or [(UNKNOWN_TENNET, "unknown")]
    out: list[GridChain] = []
    if not regional_links:
        base = fallback if fallback is not None else UNKNOWN_REGIONAL
        base_conf = "approximate" if fallback is not None else "unknown"
        for level, confidence in tennet_links:
            out.append(GridChain(base, level, _worst(base_conf, confidence)))
    for level, tennet_id, confidence in regional_links:
        above = levels.get(tennet_id) if isinstance(tennet_id, str) else None
        if above is not None:
            out.append(GridChain(level, above, confidence))
            continue
        for tennet, t_conf in tennet_links:
            out.append(GridChain(level, tennet, _worst(confidence, t_conf)))
    return tuple(dict.fromkeys(out))


def _worst(*levels: str) -> str:
    return max(levels, key=lambda c: _CONFIDENCE_ORDER.index(c) if c in _CONFIDENCE_ORDER else 3)


def _summary(chains: pd.Series, basis: list[str], sites: pd.DataFrame) -> pd.DataFrame:
    """Readable per-site summaries of the chains (the rule itself reads ``grid_chains``)."""
    import pandas as pd

    cache: dict[int, dict[str, object]] = {}
    rows = []
    for site_chains, gm_code in zip(chains, sites["gm_code"], strict=True):
        key = id(site_chains)
        if key not in cache:
            regional = list(dict.fromkeys(c.regional for c in site_chains))
            levels = [lv for c in site_chains for lv in (c.regional, c.tennet)]
            classes = [lv.cls for lv in levels if lv.cls >= 0]
            solve = [lv.solve_year for lv in levels if not np.isnan(lv.solve_year)]
            rooms = [lv.room_mw for lv in regional if not np.isnan(lv.room_mw)]
            dates = sorted({f"{lv.reference_year:.0f}" for lv in levels if lv.kind != "unknown"})
            ids = tuple(lv.area_id for lv in regional if lv.kind == "regional")
            cache[key] = {
                "grid_zone_id": ids[0] if len(ids) == 1 else gm_code,
                "grid_area_ids": ids,
                "grid_operator": "; ".join(
                    dict.fromkeys(lv.operator for lv in regional if lv.operator)
                )
                or None,
                "afname_class": max(classes) if classes else -1,
                "congestion_status_date": "; ".join(dates) or None,
                "expected_relief_year": max(solve) if solve else np.nan,
                "grid_headroom_mw": min(rooms) if rooms else np.nan,
                "grid_confidence": _worst(*(c.confidence for c in site_chains)),
            }
        rows.append(cache[key])
    out = pd.DataFrame(rows, index=chains.index)
    out.insert(0, "grid_chains", chains)
    out.insert(1, "grid_basis", basis)
    out["afname_label"] = out["afname_class"].map(vocab.CONGESTION_CLASSES)
    out["expected_relief_year"] = (
        out["expected_relief_year"].astype("Float64").round().astype("Int64")
    )
    return out[list(GRID_COLUMNS)]


def _num(value: object) -> float:
    import pandas as pd

    return np.nan if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]
