"""Read an IBIS business-park (bedrijventerreinen) export into the ``sites`` layer format.

IBIS is the national register of business parks, filled yearly by the provinces and
municipalities and published by PDOK as WFS and ArcGIS FeatureServer. Two generations of field
names are in circulation and both are read (names are matched case-insensitively):

==========================  ==========================  ======================================
national / current          older extracts              meaning
==========================  ==========================  ======================================
``RIN_NUMMER``              ``RINNUMMER``               terrain number (RIN)
``PLAN_NAAM``               ``BEDRIJVENT``              terrain name
``GEM_CODES``/``GEM_CODE``  (none; ``KERN`` = village)  municipality code(s)
``HA_BRUTO``                ``OPPBRUTO``                gross area [ha] / [m2]
``HA_NETTO``                ``OPPNETTO``                net area [ha] / [m2]
``HA_TOTTUIT``              (none)                      undocumented; "immediately available" [ha]
``JAAR``                    ``JAAR``                    survey year / year laid out (see below)
``WLOC_TYPE``               (none)                      kind of work location
==========================  ==========================  ======================================

Facts about the sources that shape the result:

- In the national form ``JAAR`` is the IBIS survey year and becomes ``area_year``. In the older
  extracts ``JAAR`` varies per terrain and holds values such as ``v1900`` and ``1975``: the
  year the terrain was laid out, not the year of the figures; it goes into the notes only.
- A terrain can consist of several features with the same RIN. They are dissolved into one
  record. Area figures that differ between the parts are summed; when every part repeats the
  same figure, it is the terrain total repeated on each part and is taken once (in the
  Rijssen-Holten extract the three parts of *Veeneslagen* each carry 7,923 m2, which is the
  area of the three polygons together).
- The meaning of ``HA_TOTTUIT`` is not documented at the source, so ``available_ha`` stays
  unknown unless the caller opts in with ``use_tottuit=True``.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.places import gm_code
from siting.layers.schema import SITES
from siting.layers.validate import NL_RD_BOUNDS, cells_as_text, neutralise_formulas

#: Field candidates per role, lower case; the first found wins.
_FIELDS: dict[str, tuple[str, ...]] = {
    "rin": ("rin_nummer", "rinnummer"),
    "name": ("plan_naam", "bedrijvent"),
    "gm": ("gem_codes", "gem_code"),
    "gross": ("ha_bruto", "oppbruto"),
    "net": ("ha_netto", "oppnetto"),
    "tottuit": ("ha_tottuit",),
    "year": ("jaar",),
    "wloc": ("wloc_type",),
    "kern": ("kern",),
}
#: Area fields given in square metres (all others are in hectares).
_M2_FIELDS = frozenset({"oppbruto", "oppnetto"})
_M2_PER_HA = 10_000.0
_FIRST_ROW = 1  # GIS files: problems name the 1-based feature number (see Problem)
_YEAR_RANGE = (1900, 2100)
_SITE_ID = re.compile(r"[a-z0-9][a-z0-9_\-]*")
_TOTTUIT_NOTE = (
    "available_ha is IBIS HA_TOTTUIT, ASSUMED to be the area immediately available for issue; "
    "the field's meaning is not documented at the source"
)
_AVAILABILITY_UNKNOWN = "availability unknown (IBIS)"
#: Keys of the record built per terrain (the remaining ``sites`` columns are constant).
_RECORD_KEYS = (
    "site_id",
    "name",
    "gm_code",
    "gross_ha",
    "net_ha",
    "available_ha",
    "area_year",
    "area_confidence",
    "area_source",
    "status",
    "source_url",
    "notes",
    "geometry",
)


@dataclass
class _Fields:
    """The source field found for each role (``None`` when absent)."""

    rin: str | None
    name: str | None
    gm: str | None
    gross: str | None
    net: str | None
    tottuit: str | None
    year: str | None
    wloc: str | None
    kern: str | None

    @property
    def national(self) -> bool:
        """Whether the file uses the national field names (areas in ha, JAAR = survey year)."""
        names = {self.gross, self.net, self.tottuit}
        return any(n is not None and n.lower().startswith("ha_") for n in names) or (
            self.rin is not None and self.rin.lower() == "rin_nummer"
        )


def read_ibis(
    path: str | Path,
    *,
    reference_year: int | None = None,
    use_tottuit: bool = False,
    source: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read an IBIS business-park export as candidate sites in EPSG:28992.

    Reads GeoJSON (also a WFS GeoJSON response) or GeoPackage, in the national or the older
    field-name generation (see the module docstring). Features with the same RIN number are
    dissolved into one record per terrain.

    Parameters
    ----------
    path
        The export file.
    reference_year
        Year the area figures refer to; overrides ``JAAR``. Needed for ``area_year`` with older
        extracts, whose ``JAAR`` is not the year of the figures.
    use_tottuit
        Put ``HA_TOTTUIT`` [ha] into ``available_ha``. The field is undocumented, so the areas
        are then marked ``approximate`` and the notes say that this is an assumption.
    source
        Text for ``source_url`` (for example the WFS address); default the file name.
    layer
        Layer to read from a GeoPackage with several layers.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per terrain, with exactly the columns of the ``sites`` layer
        (:data:`siting.layers.schema.SITES`) plus the dissolved polygon ``geometry`` in EPSG:28992.
        Areas ``gross_ha``, ``net_ha``, ``available_ha`` are in [ha]; ``lon``/``lat`` [degree,
        WGS84] are those of a representative point inside the terrain. ``gm_code`` is empty
        when the file has no municipality field: fill it with :func:`assign_municipality`.
        ``frame.attrs`` holds ``"repaired"`` (number of invalid polygons repaired with
        ``make_valid``), ``"older_years_dropped"`` (features of a terrain that also appears
        with a newer ``JAAR``), ``"generation"`` (``"national"`` or ``"older"``) and
        ``"file"``.

    Raises
    ------
    SitingInputError
        With every problem found: unreadable file, GeoPackage without CRS, missing fields (RIN,
        name, area), text or negative numbers in an area field, bad municipality codes,
        missing or non-polygon geometries. Rows are numbered as in a spreadsheet of the
        attribute table: the header is row 1, the first feature row 2.
    """
    path = Path(path)
    file = str(path)
    if reference_year is not None and not (
        isinstance(reference_year, int | np.integer)
        and _YEAR_RANGE[0] <= int(reference_year) <= _YEAR_RANGE[1]
    ):
        raise SitingInputError(
            Problem(
                file=file,
                column="reference_year",
                message=f"reference_year {excerpt(reference_year)} is not a year "
                f"({_YEAR_RANGE[0]}-{_YEAR_RANGE[1]})",
            )
        )
    raw = _read_file(path, layer=layer)
    if raw.empty:
        return _empty(
            file,
            "national" if _find_fields(raw, file=file, use_tottuit=False)[0].national else "older",
        )
    fields, problems = _find_fields(raw, file=file, use_tottuit=use_tottuit)
    if problems:
        raise SitingInputError(problems)
    assert fields.rin is not None and fields.name is not None  # checked by _find_fields
    generation = "national" if fields.national else "older"

    n = len(raw)
    rows = np.arange(n) + _FIRST_ROW
    text = {
        role: (cells_as_text(raw[col]) if col is not None else pd.Series([""] * n, index=raw.index))
        for role, col in vars(fields).items()
    }
    rin = text["rin"].map(_clean_rin)
    for i in np.flatnonzero(rin.eq("").to_numpy()):
        problems.append(_problem(file, rows[i], fields.rin, "a RIN number is required here"))
    for i in np.flatnonzero((rin.ne("") & ~rin.map(_is_slug)).to_numpy()):
        problems.append(
            _problem(
                file, rows[i], fields.rin, f"{excerpt(text['rin'].iloc[i])} is not a RIN number"
            )
        )

    areas: dict[str, pd.Series] = {}
    for role in ("gross", "net", "tottuit"):
        col = getattr(fields, role)
        if col is None:
            areas[role] = pd.Series(np.nan, index=raw.index)
            continue
        values, col_problems = _parse_area(text[role], file=file, column=col, rows=rows)
        problems.extend(col_problems)
        scale = _M2_PER_HA if col.lower() in _M2_FIELDS else 1.0
        areas[role] = values / scale

    gm_codes, gm_problems = _parse_gm_codes(text["gm"], file=file, column=fields.gm, rows=rows)
    problems.extend(gm_problems)

    years = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if fields.year is not None and generation == "national":
        years, year_problems = _parse_years(text["year"], file=file, column=fields.year, rows=rows)
        problems.extend(year_problems)

    geometry, repaired, geo_problems = _polygons(raw.geometry, file=file, rows=rows)
    problems.extend(geo_problems)
    if problems:
        raise SitingInputError(problems)

    parts = pd.DataFrame(
        {
            "rin": rin,
            "name": text["name"],
            "gm": gm_codes,
            "gross": areas["gross"],
            "net": areas["net"],
            "tottuit": areas["tottuit"],
            "year": years,
            "year_text": text["year"],
            "wloc": text["wloc"],
            "kern": text["kern"],
            "repaired": repaired,
        },
        index=raw.index,
    )
    parts["geometry"] = geometry.to_numpy()
    keep = _newest_year_only(parts)
    older_dropped = int((~keep).sum())
    parts = parts[keep]

    name = source if source is not None else path.name
    records = [
        _terrain(
            group,
            generation=generation,
            reference_year=reference_year,
            use_tottuit=use_tottuit,
            file_name=path.name,
            source=name,
        )
        for _, group in parts.groupby("rin", sort=False)
    ]
    frame = _frame(records)
    frame.attrs.update(
        {
            "repaired": int(repaired.sum()),
            "older_years_dropped": older_dropped,
            "generation": generation,
            "file": file,
        }
    )
    return frame


def write_sites_layer(sites: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write a sites layer (from :func:`read_ibis`) as a GeoPackage for a geodata folder.

    Free text that a spreadsheet would run as a formula (a terrain name starting with ``=``,
    say) is quoted first (:func:`siting.layers.validate.neutralise_formulas`), as in every
    result the tool writes; the file's folder is created if needed.

    Parameters
    ----------
    sites
        The sites layer.
    path
        The ``.gpkg`` file to write; by convention ``sites.gpkg``.

    Returns
    -------
    Path
        The path written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    neutralise_formulas(sites, SITES).to_file(path, driver="GPKG")
    return path


def assign_municipality(
    frame: gpd.GeoDataFrame,
    municipalities: gpd.GeoDataFrame,
    *,
    overwrite: bool = False,
) -> gpd.GeoDataFrame:
    """Fill ``gm_code`` (and an empty ``municipality``) by the largest overlap.

    Parameters
    ----------
    frame
        Sites with polygon (or point) geometry, for example from :func:`read_ibis`.
    municipalities
        Municipality polygons with a code column (``gm_code``, ``statcode``, ``gemeentecode``
        or ``GM_CODE``; values such as ``GM0772`` or ``772``) and optionally a name column
        (``name``, ``municipality``, ``statnaam`` or ``gemeentenaam``). Must have a CRS.
        Invalid polygons are repaired with ``make_valid`` for the overlay.
    overwrite
        Also replace codes that are already filled.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``frame``; sites that overlap no municipality keep an empty code and their
        ``site_id`` is listed in ``attrs["unassigned"]``.

    Raises
    ------
    SitingInputError
        If either frame has no CRS or ``municipalities`` has no code column.
    """
    problems = []
    if frame.crs is None:
        problems.append(Problem(file="<sites>", message="the sites have no CRS"))
    if municipalities.crs is None:
        problems.append(Problem(file="<municipalities>", message="the polygons have no CRS"))
    lower = {str(c).lower(): c for c in municipalities.columns}
    code_col = next(
        (lower[c] for c in ("gm_code", "statcode", "gemeentecode", "gemeente_code") if c in lower),
        None,
    )
    name_col = next(
        (lower[c] for c in ("name", "municipality", "statnaam", "gemeentenaam") if c in lower),
        None,
    )
    if code_col is None:
        problems.append(
            Problem(
                file="<municipalities>",
                message="no municipality code column (gm_code, statcode, gemeentecode or "
                f"GM_CODE); columns found: {', '.join(map(str, municipalities.columns))}",
            )
        )
    if problems:
        raise SitingInputError(problems)

    out = frame.copy()
    out.attrs = dict(frame.attrs)
    for col in ("gm_code", "municipality"):
        if col not in out.columns:
            out[col] = None
        out[col] = out[col].astype(object)
    codes = [gm_code(v) for v in municipalities[code_col]]
    polys = municipalities.geometry.to_crs(settings.working_crs).to_numpy()
    polys = np.where(shapely.is_valid(polys), polys, shapely.make_valid(polys))
    tree = shapely.STRtree(polys)
    geoms = out.geometry.to_crs(settings.working_crs).to_numpy()
    todo = [i for i in range(len(out)) if overwrite or not _filled(out["gm_code"].iloc[i])]
    unassigned = []
    for i in todo:
        geom = geoms[i]
        candidates = [] if geom is None else tree.query(geom, predicate="intersects")
        if len(candidates) == 0:
            unassigned.append(str(out["site_id"].iloc[i]) if "site_id" in out else str(i))
            continue
        overlap = shapely.area(shapely.intersection(geom, polys[candidates]))
        best = int(candidates[int(np.argmax(overlap))])
        out.iloc[i, out.columns.get_loc("gm_code")] = codes[best]
        if name_col is not None and (overwrite or not _filled(out["municipality"].iloc[i])):
            out.iloc[i, out.columns.get_loc("municipality")] = str(
                municipalities[name_col].iloc[best]
            )
    out.attrs["unassigned"] = unassigned
    return out


# -- reading ------------------------------------------------------------------------------------


def _read_file(path: Path, *, layer: str | None) -> gpd.GeoDataFrame:
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    try:
        with warnings.catch_warnings():
            # mixed-type properties are read as text, which is what happens next anyway
            warnings.filterwarnings("ignore", message=".*Could not parse column.*")
            raw = gpd.read_file(path, layer=layer) if layer is not None else gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise SitingInputError(Problem(file=file, message=f"cannot read the file: {exc}")) from None
    if raw.crs is None:
        if path.suffix.lower() in (".json", ".geojson"):
            # RFC 7946: GeoJSON coordinates without a crs member are WGS84 lon/lat.
            raw = raw.set_crs(settings.display_crs)
        else:
            raise SitingInputError(
                Problem(
                    file=file,
                    message="the file has no CRS; set one (IBIS from PDOK is EPSG:28992)",
                )
            )
    if raw.crs.is_geographic and not raw.empty:
        x0, y0, x1, y1 = raw.total_bounds
        if max(abs(x0), abs(x1)) > 180 or max(abs(y0), abs(y1)) > 90:
            raise SitingInputError(
                Problem(
                    file=file,
                    column="geometry",
                    message="the coordinates look like metres (e.g. RD New, EPSG:28992) but "
                    "the file declares no projected CRS (GeoJSON without a crs member means "
                    "WGS84 lon/lat, RFC 7946): wrong CRS",
                )
            )
    return raw


def _find_fields(
    raw: gpd.GeoDataFrame, *, file: str, use_tottuit: bool
) -> tuple[_Fields, list[Problem]]:
    found = {_field_key(c): c for c in raw.columns if c != raw.geometry.name}
    chosen = {
        role: next((found[c] for c in candidates if c in found), None)
        for role, candidates in _FIELDS.items()
    }
    fields = _Fields(**chosen)
    listed = ", ".join(map(str, found.values())) or "none"
    problems = []

    def missing(what: str, candidates: Sequence[str]) -> None:
        names = " or ".join(c.upper() for c in candidates)
        problems.append(
            Problem(
                file=file,
                column=names,
                message=f"missing {what} field ({names}); fields found: {listed}",
            )
        )

    if fields.rin is None:
        missing("RIN number", _FIELDS["rin"])
    if fields.name is None:
        missing("terrain name", _FIELDS["name"])
    if fields.gross is None and fields.net is None:
        missing("area", _FIELDS["gross"] + _FIELDS["net"])
    if use_tottuit and fields.tottuit is None:
        missing("HA_TOTTUIT (asked for with use_tottuit=True)", _FIELDS["tottuit"])
    return fields, problems


def _field_key(name: object) -> str:
    """Lower case without a namespace prefix (``ibis:RIN_NUMMER`` -> ``rin_nummer``)."""
    return str(name).strip().lower().rsplit(":", 1)[-1]


def _clean_rin(text: str) -> str:
    return text.strip().lower()


def _is_slug(text: str) -> bool:
    return _SITE_ID.fullmatch(text) is not None


def _problem(file: str, row: int, column: str | None, message: str) -> Problem:
    return Problem(file=file, row=int(row), column=column, message=message)


def _parse_area(
    text: pd.Series, *, file: str, column: str, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    """Parse an area field (``.`` or ``,`` as decimal mark); negative or text is a problem."""
    problems = []
    values = []
    for i, cell in enumerate(text):
        if cell == "":
            values.append(np.nan)
            continue
        try:
            value = float(cell.replace(",", ".")) if cell.count(",") <= 1 else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(_problem(file, rows[i], column, f"{excerpt(cell)} is not a number"))
            values.append(np.nan)
        elif value < 0:
            problems.append(_problem(file, rows[i], column, f"{cell} is negative; areas are >= 0"))
            values.append(np.nan)
        else:
            values.append(value)
    return pd.Series(values, index=text.index, dtype=float), problems


def _parse_gm_codes(
    text: pd.Series, *, file: str, column: str | None, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    """Split ``GEM_CODES`` (one or more codes) into tuples of ``GMxxxx`` codes."""
    problems = []
    values: list[tuple[str, ...]] = []
    for i, cell in enumerate(text):
        codes = []
        for item in re.split(r"[,;/\s]+", cell):
            if not item:
                continue
            code = gm_code(item)
            if code is None:
                problems.append(
                    _problem(
                        file,
                        rows[i],
                        column,
                        f"{excerpt(item)} is not a municipality code (like 772, 0772 or GM0772)",
                    )
                )
            elif code not in codes:
                codes.append(code)
        values.append(tuple(codes))
    return pd.Series(values, index=text.index, dtype=object), problems


def _parse_years(
    text: pd.Series, *, file: str, column: str, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    problems = []
    values: list[object] = []
    for i, cell in enumerate(text):
        if cell == "":
            values.append(pd.NA)
            continue
        year = int(cell) if cell.isdigit() else None
        if year is None or not _YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]:
            problems.append(_problem(file, rows[i], column, f"{excerpt(cell)} is not a year"))
            values.append(pd.NA)
        else:
            values.append(year)
    return pd.Series(values, index=text.index, dtype="Int64"), problems


def _polygons(
    geometry: gpd.GeoSeries, *, file: str, rows: np.ndarray
) -> tuple[gpd.GeoSeries, np.ndarray, list[Problem]]:
    """Reproject to EPSG:28992, check for polygons in the Netherlands, repair invalid ones."""
    problems = []
    geometry = geometry.to_crs(settings.working_crs)
    geoms = geometry.to_numpy().copy()
    repaired = np.zeros(len(geoms), dtype=bool)
    xmin, ymin, xmax, ymax = NL_RD_BOUNDS
    for i, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            problems.append(_problem(file, rows[i], "geometry", "no geometry"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                _problem(file, rows[i], "geometry", f"{geom.geom_type} is not a polygon")
            )
            continue
        if not geom.is_valid:
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed is None:
                problems.append(
                    _problem(
                        file,
                        rows[i],
                        "geometry",
                        f"invalid polygon that cannot be repaired: {shapely.is_valid_reason(geom)}",
                    )
                )
                continue
            geoms[i] = geom = fixed
            repaired[i] = True
        bx0, by0, bx1, by1 = geom.bounds
        if bx0 < xmin or by0 < ymin or bx1 > xmax or by1 > ymax:
            problems.append(
                _problem(
                    file,
                    rows[i],
                    "geometry",
                    "lies outside the Netherlands in EPSG:28992: is the file's CRS right?",
                )
            )
    out = gpd.GeoSeries(geoms, index=geometry.index, crs=settings.working_crs)
    return out, repaired, problems


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry | None:
    """Return the polygonal part of a repaired geometry (``None`` when no area remains)."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    merged = shapely.union_all(parts)
    return None if merged.is_empty or merged.area == 0 else merged


def _newest_year_only(parts: pd.DataFrame) -> pd.Series:
    """Keep, per RIN, only the features of the newest survey year (national form)."""
    years = parts["year"]
    if years.isna().all():
        return pd.Series(True, index=parts.index)
    newest = years.groupby(parts["rin"]).transform("max")
    keep = years.isna() | newest.isna() | years.eq(newest)
    return keep.fillna(True).astype(bool)


# -- one terrain --------------------------------------------------------------------------------


def _terrain(
    group: pd.DataFrame,
    *,
    generation: str,
    reference_year: int | None,
    use_tottuit: bool,
    file_name: str,
    source: str,
) -> dict[str, object]:
    """Dissolve the features of one RIN into one ``sites`` record."""
    rin = str(group["rin"].iloc[0])
    notes: list[str] = []
    n_parts = len(group)
    if n_parts > 1:
        notes.append(f"{n_parts} IBIS features with RIN {rin} dissolved into one terrain")

    names = [v for v in dict.fromkeys(group["name"]) if v]
    if names:
        name = names[0]
        if len(names) > 1:
            notes.append(f"parts also named {', '.join(names[1:])}")
    else:
        name = f"IBIS terrain {rin}"
        notes.append("no name in the source")

    gross = _combine(group["gross"], "gross", notes)
    net = _combine(group["net"], "net", notes)
    available = math.nan
    status = "available"
    if use_tottuit:
        available = _combine(group["tottuit"], "HA_TOTTUIT", notes)
        if math.isnan(available):
            notes.append(_AVAILABILITY_UNKNOWN)
        else:
            notes.append(_TOTTUIT_NOTE)
            status = "available" if available > 0 else "fully_issued"
    else:
        notes.append(_AVAILABILITY_UNKNOWN)

    has_area = not all(math.isnan(v) for v in (gross, net, available))
    if not has_area:
        confidence = "unknown"
    elif use_tottuit and not math.isnan(available):
        confidence = "approximate"
    else:
        confidence = "reported"

    codes: list[str] = list(dict.fromkeys(c for t in group["gm"] for c in t))
    gm_code = codes[0] if codes else None
    if len(codes) > 1:
        notes.append(f"IBIS lists several municipalities: {', '.join(codes)}")

    survey = group["year"].dropna()
    survey_year = int(survey.max()) if len(survey) else None
    area_year = reference_year if reference_year is not None else survey_year
    if generation == "older":
        laid_out = [v for v in dict.fromkeys(group["year_text"]) if v]
        if laid_out:
            notes.append(
                f"JAAR {'/'.join(laid_out)}: in older IBIS extracts the year the terrain was "
                "laid out, not the year of the figures"
            )
    edition = f"IBIS {area_year}" if area_year is not None else "IBIS extract"
    kerns = [v for v in dict.fromkeys(group["kern"]) if v]
    if kerns:
        notes.append(f"kern {', '.join(kerns)}")
    wlocs = [v for v in dict.fromkeys(group["wloc"]) if v]
    if wlocs:
        notes.append(f"IBIS WLOC_TYPE {', '.join(wlocs)}")
    if bool(group["repaired"].any()):
        notes.append("geometry repaired with make_valid")

    geoms = list(group["geometry"])
    geometry = geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    return {
        "site_id": f"ibis-{rin}",
        "name": name,
        "gm_code": gm_code,
        "gross_ha": gross,
        "net_ha": net,
        "available_ha": available,
        "area_year": area_year,
        "area_confidence": confidence,
        "area_source": f"{edition} ({file_name})",
        "status": status,
        "source_url": source,
        "notes": "; ".join(notes),
        "geometry": geometry,
    }


def _combine(values: pd.Series, label: str, notes: list[str]) -> float:
    """Terrain figure [ha] from its parts: once if repeated on every part, else the sum."""
    known = values.dropna()
    if known.empty:
        return math.nan
    if len(values) > 1 and len(known) == len(values) and (known == known.iloc[0]).all():
        notes.append(f"{label} area repeated on every part, taken once")
        return round(float(known.iloc[0]), 6)
    if len(known) < len(values):
        notes.append(f"{label} area known for {len(known)} of {len(values)} parts (sum of those)")
    return round(float(known.sum()), 6)


def _frame(records: list[dict[str, object]]) -> gpd.GeoDataFrame:
    """Assemble the ``sites`` columns (types as the layer loader produces them)."""
    base = pd.DataFrame(records, columns=list(_RECORD_KEYS))
    n = len(base)
    geometry = gpd.GeoSeries(list(base["geometry"]), crs=settings.working_crs)
    points = geometry.representative_point().to_crs(settings.display_crs)
    columns: dict[str, object] = {}
    for col in SITES.columns:
        if col.name in base.columns:
            series = base[col.name]
        elif col.name == "lon":
            series = points.x.round(6)
        elif col.name == "lat":
            series = points.y.round(6)
        elif col.name == "location_confidence":
            series = pd.Series(["reported"] * n)
        elif col.name == "site_type":
            series = pd.Series(["business_park"] * n)
        elif col.kind == "bool":
            series = pd.Series([False] * n, dtype=bool)
        else:
            series = pd.Series([None] * n, dtype=object)
        if col.kind in ("int", "year"):
            series = pd.Series(series.to_numpy(dtype=object), dtype="Int64")
        elif col.kind == "float":
            series = pd.Series(series.to_numpy(dtype=float), dtype=float)
        elif col.kind == "str":
            series = pd.Series(series.to_numpy(dtype=object), dtype=object)
        columns[col.name] = series.reset_index(drop=True)
    return gpd.GeoDataFrame(columns, geometry=geometry.to_numpy(), crs=settings.working_crs)


def _empty(file: str, generation: str) -> gpd.GeoDataFrame:
    frame = _frame([])
    frame.attrs.update(
        {"repaired": 0, "older_years_dropped": 0, "generation": generation, "file": file}
    )
    return frame


def _filled(value: object) -> bool:
    return (
        value is not None
        and value is not pd.NA
        and not (isinstance(value, float) and math.isnan(value))
        and str(value).strip() != ""
    )
