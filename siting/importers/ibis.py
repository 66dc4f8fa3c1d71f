"""Read IBIS business-park (bedrijventerreinen) exports: one record per terrain (RIN).

IBIS is the national register of business parks (werklocaties), filled yearly by the provinces
and municipalities and published by PDOK as WFS and ArcGIS FeatureServer, and on the
WarmteAtlas WFS (RVO). Two generations of field names are in circulation and both are read
(names are matched case-insensitively, a namespace prefix such as ``ibis:`` is ignored):

==========================  ==========================  ======================================
national / current          older extracts              meaning
==========================  ==========================  ======================================
``RIN_NUMMER``              ``RINNUMMER``               terrain number (RIN)
``PLAN_NAAM``               ``BEDRIJVENT``              terrain name
``GEM_CODES``/``GEM_CODE``  (none; ``KERN`` = village)  municipality code(s)
``HA_BRUTO``                ``OPPBRUTO``                gross area [ha] / [m2]
``HA_NETTO``                ``OPPNETTO``                net area [ha] / [m2]
``HA_TOTTUIT``              (none)                      immediately issuable area
                                                        (terstond uitgeefbaar) [ha]
``JAAR``                    ``JAAR``                    survey year / year laid out (see below)
``WLOC_TYPE``               (none)                      kind of work location (type code)
==========================  ==========================  ======================================

Three forms are read: GeoJSON (also a WFS GeoJSON response) and GeoPackage with polygons, and
tables without geometry (CSV/TSV, or a GeoJSON whose features carry no geometry, as a WFS
request restricted to the attribute fields returns). :func:`read_ibis_terrains` returns the
terrains as the register has them; :func:`read_ibis` turns them into the ``sites`` layer
(:func:`siting.layers.supply.sites_from_terrains`), and ``siting data import-ibis`` merges
the authored facts on top (:func:`siting.layers.supply.build_supply`).

Facts about the sources that shape the result:

- In the national form ``JAAR`` is the IBIS survey year (peiljaar) and becomes the year of the
  figures. In the older extracts ``JAAR`` varies per terrain and holds values such as ``v1900``
  and ``1975``: the year the terrain was laid out, not the year of the figures; it goes into
  the notes only.
- A terrain can consist of several features with the same RIN. They are dissolved into one
  record. Area figures that differ between the parts are summed; when every part repeats the
  same figure, it is the terrain total repeated on each part and is taken once (in the
  Rijssen-Holten extract the three parts of *Veeneslagen* each carry 7,923 m2, which is the
  area of the three polygons together).
- ``GEM_CODES`` ``GM0000`` (88 features of the national WFS) is no municipality: such a terrain
  keeps an empty code; with its polygon :func:`assign_municipality` can fill it.
- ``HA_TOTTUIT`` is the area the register lists as immediately issuable. It can include land
  that is reserved or under option, so it is an upper bound of what is on offer.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting.importers import _ibis_fields as f
from siting.importers._ibis_files import TABLE_SUFFIXES as TABLE_SUFFIXES
from siting.importers._ibis_files import _check_reference_year, _read_file
from siting.importers.boundaries import assign_municipality as assign_municipality
from siting.layers.validate import cells_as_text

#: Columns of a terrain frame (:func:`read_ibis_terrains`), in order, besides ``geometry``.
TERRAIN_COLUMNS: tuple[str, ...] = (
    "rin",
    "name",
    "gm_code",
    "other_gm_codes",
    "year",
    "gross_ha",
    "net_ha",
    "issuable_ha",
    "wloc_type",
    "source",
    "notes",
)
_GIS_FIRST_ROW = 1  # GIS files: problems name the 1-based feature number (see Problem)
_TABLE_FIRST_ROW = 2  # tables: the header is row 1


def read_ibis_terrains(
    path: str | Path,
    *,
    reference_year: int | None = None,
    source: str | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read an IBIS export as one record per terrain (RIN), the register's figures as given.

    Reads GeoJSON (also a WFS GeoJSON response, with or without geometry), GeoPackage, or a
    CSV/TSV table with the fields of either generation (module docstring). Features with the
    same RIN are dissolved into one terrain.

    Parameters
    ----------
    path
        The export file.
    reference_year
        Year the figures refer to; overrides ``JAAR``. Needed for a year with older extracts,
        whose ``JAAR`` is not the year of the figures.
    source
        Where the export comes from (for example the WFS address), recorded per terrain;
        default the file name.
    layer
        Layer to read from a GeoPackage with several layers.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`TERRAIN_COLUMNS` and ``geometry`` (the dissolved polygon in EPSG:28992,
        or ``None`` for a table): ``rin`` text; ``gm_code`` the first municipality code or
        ``None`` (``GM0000`` or no field), ``other_gm_codes`` the rest; ``year`` the survey
        year (``NA`` when unknown); areas [ha] (``NaN`` when the field is absent or empty);
        ``wloc_type`` a tuple of the type codes given; ``notes`` how the record was read.
        ``frame.attrs``: ``"file"``, ``"generation"`` (``"national"`` or ``"older"``),
        ``"polygons"`` (bool), ``"repaired"`` (invalid polygons repaired with ``make_valid``),
        ``"older_years_dropped"`` (features of a terrain that also appears with a newer
        ``JAAR``).

    Raises
    ------
    SitingInputError
        With every problem found: unreadable file, GeoPackage without CRS, missing fields
        (RIN, name, area), text or negative numbers in an area field, bad municipality codes,
        non-polygon geometries or a feature without one among features with polygons. Rows
        are numbered as in a spreadsheet of the attribute table (header row 1, first feature
        row 2) for tables, by feature number for GIS files.
    """
    path = Path(path)
    file = str(path)
    _check_reference_year(reference_year, file=file)
    raw = _read_file(path, layer=layer)
    first_row = _TABLE_FIRST_ROW if path.suffix.lower() in TABLE_SUFFIXES else _GIS_FIRST_ROW
    return terrains_from_table(
        raw,
        file=file,
        source=source if source is not None else path.name,
        reference_year=reference_year,
        first_row=first_row,
    )


def terrains_from_table(
    raw: pd.DataFrame,
    *,
    file: str,
    source: str,
    reference_year: int | None = None,
    first_row: int = _TABLE_FIRST_ROW,
) -> gpd.GeoDataFrame:
    """Read the terrains of an already loaded IBIS attribute table (see :func:`read_ibis_terrains`).

    Parameters
    ----------
    raw
        The attribute table (cells as text or numbers); a GeoDataFrame may carry polygons.
    file
        File name used in the problems.
    source
        Where the table comes from, recorded per terrain.
    reference_year
        Year the figures refer to (overrides ``JAAR``).
    first_row
        Row number of the first record as the user sees it.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`read_ibis_terrains`.
    """
    geometry_name = raw.geometry.name if isinstance(raw, gpd.GeoDataFrame) else None
    columns = [c for c in raw.columns if c != geometry_name]
    fields, problems = f.find_fields(columns, file=file)
    generation = "national" if fields.national else "older"
    if problems and not raw.empty:
        raise SitingInputError(problems)
    if raw.empty:
        return _terrain_frame([], file=file, generation=generation, polygons=False)
    text = {
        role: (cells_as_text(raw[col]) if col is not None else pd.Series("", index=raw.index))
        for role, col in vars(fields).items()
    }
    rows = np.arange(len(raw)) + first_row
    parts, problems = _parse_parts(text, fields, raw, file=file, rows=rows)
    if problems:
        raise SitingInputError(problems)
    keep = f.newest_year_only(parts)
    older_dropped = int((~keep).sum())
    parts = parts[keep]
    records = [
        _terrain(group, generation=generation, reference_year=reference_year, source=source)
        for _, group in parts.groupby("rin", sort=False)
    ]
    frame = _terrain_frame(
        records, file=file, generation=generation, polygons=parts["geometry"].notna().any()
    )
    frame.attrs.update(
        {"repaired": int(parts["repaired"].sum()), "older_years_dropped": older_dropped}
    )
    return frame


def read_ibis(
    path: str | Path,
    *,
    reference_year: int | None = None,
    use_tottuit: bool = True,
    source: str | None = None,
    layer: str | None = None,
    municipalities: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Read an IBIS export as candidate sites (the ``sites`` layer) in EPSG:28992.

    The terrains of :func:`read_ibis_terrains`, each a site ``ibis-<RIN>`` as
    :func:`siting.layers.supply.sites_from_terrains` makes it, without the authored sites
    (``siting data import-ibis`` merges those): its polygon's representative point, or its
    municipality's point for a table without geometry; ``HA_TOTTUIT`` as the available area
    with the survey year; the status it implies, dated by the survey year; the designation
    its type code implies where a public source decodes it.

    Parameters
    ----------
    path, reference_year, source, layer
        As for :func:`read_ibis_terrains`.
    use_tottuit
        Use ``HA_TOTTUIT`` [ha] as the available area (default). With ``False`` the available
        area and the status stay unknown.
    municipalities
        The municipalities layer (points), needed for terrains without a polygon.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per terrain with the columns of :data:`siting.layers.schema.SITES` and the
        polygon (or point) ``geometry`` in EPSG:28992. ``gm_code`` is empty when the export
        names none: fill it with :func:`assign_municipality`. ``frame.attrs`` as for
        :func:`read_ibis_terrains`.

    Raises
    ------
    SitingInputError
        As :func:`read_ibis_terrains`, and for terrains without a polygon when no
        ``municipalities`` are given.
    """
    from siting.layers.supply import sites_from_terrains

    terrains = read_ibis_terrains(path, reference_year=reference_year, source=source, layer=layer)
    if not use_tottuit:
        terrains = terrains.assign(issuable_ha=np.nan)
    return sites_from_terrains(terrains, municipalities, include_authored_sites=False)


# -- reading ------------------------------------------------------------------------------------


def _parse_parts(
    text: dict[str, pd.Series], fields: f.Fields, raw: pd.DataFrame, *, file: str, rows: np.ndarray
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every feature's fields; one row per feature, problems collected."""
    problems: list[Problem] = []
    rin = text["rin"].map(f.clean_rin)
    for i in np.flatnonzero(rin.eq("").to_numpy()):
        problems.append(f.problem(file, rows[i], fields.rin, "a RIN number is required here"))
    for i in np.flatnonzero((rin.ne("") & ~rin.map(f.is_rin)).to_numpy()):
        problems.append(
            f.problem(
                file, rows[i], fields.rin, f"{excerpt(text['rin'].iloc[i])} is not a RIN number"
            )
        )
    areas: dict[str, pd.Series] = {}
    for role in ("gross", "net", "tottuit"):
        col = getattr(fields, role)
        if col is None:
            areas[role] = pd.Series(np.nan, index=raw.index)
            continue
        values, found = f.parse_area(text[role], file=file, column=col, rows=rows)
        problems.extend(found)
        areas[role] = values / (f.M2_PER_HA if col.lower() in f.M2_FIELDS else 1.0)
    codes, found = f.parse_gm_codes(text["gm"], file=file, column=fields.gm, rows=rows)
    problems.extend(found)
    years = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    if fields.year is not None and fields.national:
        years, found = f.parse_years(text["year"], file=file, column=fields.year, rows=rows)
        problems.extend(found)
    repaired = np.zeros(len(raw), dtype=bool)
    geometry: list[object] = [None] * len(raw)
    if isinstance(raw, gpd.GeoDataFrame):
        checked, repaired, found = f.polygons(raw.geometry, file=file, rows=rows)
        problems.extend(found)
        geometry = list(checked)
    parts = pd.DataFrame(
        {
            "rin": rin,
            "name": text["name"],
            "gm": codes,
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
    parts["geometry"] = pd.Series(geometry, index=raw.index, dtype=object)
    return parts, problems


# -- one terrain --------------------------------------------------------------------------------


def _terrain(
    group: pd.DataFrame, *, generation: str, reference_year: int | None, source: str
) -> dict[str, object]:
    """Dissolve the features of one RIN into one terrain record."""
    rin = str(group["rin"].iloc[0])
    notes: list[str] = []
    if len(group) > 1:
        notes.append(f"{len(group)} IBIS features with RIN {rin} dissolved into one terrain")
    names = [v for v in dict.fromkeys(group["name"]) if v]
    name = names[0] if names else f"IBIS terrain {rin}"
    if len(names) > 1:
        notes.append(f"parts also named {', '.join(names[1:])}")
    if not names:
        notes.append("no name in the source")
    gross = f.combine(group["gross"], "gross", notes)
    net = f.combine(group["net"], "net", notes)
    issuable = f.combine(group["tottuit"], "HA_TOTTUIT", notes)
    codes: list[str] = list(dict.fromkeys(c for t in group["gm"] for c in t))
    if len(codes) > 1:
        notes.append(f"IBIS lists several municipalities: {', '.join(codes)}")
    survey = group["year"].dropna()
    year = (
        reference_year
        if reference_year is not None
        else (int(survey.max()) if len(survey) else None)
    )
    if generation == "older":
        laid_out = [v for v in dict.fromkeys(group["year_text"]) if v]
        if laid_out:
            notes.append(
                f"JAAR {'/'.join(laid_out)}: in older IBIS extracts the year the terrain was "
                "laid out, not the year of the figures"
            )
    kerns = [v for v in dict.fromkeys(group["kern"]) if v]
    if kerns:
        notes.append(f"kern {', '.join(kerns)}")
    if bool(group["repaired"].any()):
        notes.append("geometry repaired with make_valid")
    geoms = [g for g in group["geometry"] if g is not None]
    geometry = None if not geoms else geoms[0] if len(geoms) == 1 else shapely.union_all(geoms)
    return {
        "rin": rin,
        "name": name,
        "gm_code": codes[0] if codes else None,
        "other_gm_codes": tuple(codes[1:]),
        "year": year,
        "gross_ha": gross,
        "net_ha": net,
        "issuable_ha": issuable,
        "wloc_type": tuple(v for v in dict.fromkeys(group["wloc"]) if v),
        "source": source,
        "notes": "; ".join(notes),
        "geometry": geometry,
    }


def _terrain_frame(
    records: list[dict[str, object]], *, file: str, generation: str, polygons: bool
) -> gpd.GeoDataFrame:
    base = pd.DataFrame(records, columns=[*TERRAIN_COLUMNS, "geometry"])
    for col in ("gross_ha", "net_ha", "issuable_ha"):
        base[col] = base[col].astype(float)
    base["year"] = pd.Series(base["year"].to_numpy(dtype=object), dtype="Int64")
    frame = gpd.GeoDataFrame(
        base.drop(columns="geometry"),
        geometry=gpd.GeoSeries(list(base["geometry"]), crs=settings.working_crs).to_numpy(),
        crs=settings.working_crs,
    )
    frame.attrs.update(
        {
            "file": file,
            "generation": generation,
            "polygons": bool(polygons),
            "repaired": 0,
            "older_years_dropped": 0,
        }
    )
    return frame
