"""The fields of an IBIS export and how each is parsed (see :mod:`siting.importers.ibis`).

Every parser collects located problems (file, row, field) instead of raising, so a reader can
report all of them at once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from siting import settings
from siting._errors import Problem, excerpt
from siting.layers.places import gm_code
from siting.layers.validate import NL_RD_BOUNDS

#: Field candidates per role, lower case; the first found wins.
FIELDS: dict[str, tuple[str, ...]] = {
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
M2_FIELDS = frozenset({"oppbruto", "oppnetto"})
M2_PER_HA = 10_000.0
YEAR_RANGE = (1900, 2100)
#: The register's code for "no municipality" (88 features of the national WFS carry it).
NO_MUNICIPALITY = "GM0000"
_RIN = re.compile(r"[a-z0-9][a-z0-9_\-]*")


@dataclass
class Fields:
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


def find_fields(columns: Sequence[object], *, file: str) -> tuple[Fields, list[Problem]]:
    """Find the field of each role among ``columns``; a missing RIN, name or area is a problem."""
    found = {field_key(c): str(c) for c in columns}
    chosen = {
        role: next((found[c] for c in candidates if c in found), None)
        for role, candidates in FIELDS.items()
    }
    fields = Fields(**chosen)
    listed = ", ".join(excerpt(v, quote=False) for v in list(found.values())[:30]) or "none"
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
        missing("RIN number", FIELDS["rin"])
    if fields.name is None:
        missing("terrain name", FIELDS["name"])
    if fields.gross is None and fields.net is None:
        missing("area", FIELDS["gross"] + FIELDS["net"])
    return fields, problems


def field_key(name: object) -> str:
    """Lower case without a namespace prefix (``ibis:RIN_NUMMER`` -> ``rin_nummer``)."""
    return str(name).strip().lower().rsplit(":", 1)[-1]


def clean_rin(text: str) -> str:
    """Return a RIN as an id part: stripped, lower case, a float's ``.0`` removed."""
    text = text.strip().lower()
    return text[:-2] if text.endswith(".0") and text[:-2].isdigit() else text


def is_rin(text: str) -> bool:
    """Whether ``text`` can be part of a site id (``ibis-<rin>``)."""
    return _RIN.fullmatch(text) is not None


def problem(file: str, row: int, column: str | None, message: str) -> Problem:
    """Return a located problem (``row`` as the user sees it)."""
    return Problem(file=file, row=int(row), column=column, message=message)


def parse_area(
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
            problems.append(problem(file, rows[i], column, f"{excerpt(cell)} is not a number"))
            values.append(np.nan)
        elif value < 0:
            problems.append(
                problem(
                    file,
                    rows[i],
                    column,
                    f"{excerpt(cell, quote=False)} is negative; areas are >= 0",
                )
            )
            values.append(np.nan)
        else:
            values.append(value)
    return pd.Series(values, index=text.index, dtype=float), problems


def parse_gm_codes(
    text: pd.Series, *, file: str, column: str | None, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    """Split ``GEM_CODES`` (one or more codes) into tuples of ``GMxxxx`` codes.

    ``GM0000``, the register's "no municipality", gives no code.
    """
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
                    problem(
                        file,
                        rows[i],
                        column,
                        f"{excerpt(item)} is not a municipality code (like 772, 0772 or GM0772)",
                    )
                )
            elif code != NO_MUNICIPALITY and code not in codes:
                codes.append(code)
        values.append(tuple(codes))
    return pd.Series(values, index=text.index, dtype=object), problems


def parse_years(
    text: pd.Series, *, file: str, column: str, rows: np.ndarray
) -> tuple[pd.Series, list[Problem]]:
    """Parse survey years (``JAAR`` of the national form)."""
    problems = []
    values: list[object] = []
    for i, cell in enumerate(text):
        if cell == "":
            values.append(pd.NA)
            continue
        year = int(cell) if cell.isdigit() else None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            problems.append(problem(file, rows[i], column, f"{excerpt(cell)} is not a year"))
            values.append(pd.NA)
        else:
            values.append(year)
    return pd.Series(values, index=text.index, dtype="Int64"), problems


def polygons(
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
            problems.append(problem(file, rows[i], "geometry", "no geometry"))
            continue
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                problem(file, rows[i], "geometry", f"{geom.geom_type} is not a polygon")
            )
            continue
        if not geom.is_valid:
            fixed = _polygonal(shapely.make_valid(geom))
            if fixed is None:
                problems.append(
                    problem(
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
                problem(
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


def newest_year_only(parts: pd.DataFrame) -> pd.Series:
    """Keep, per RIN, only the features of the newest survey year (national form)."""
    years = parts["year"]
    if years.isna().all():
        return pd.Series(True, index=parts.index)
    newest = years.groupby(parts["rin"]).transform("max")
    keep = years.isna() | newest.isna() | years.eq(newest)
    return keep.fillna(True).astype(bool)


def combine(values: pd.Series, label: str, notes: list[str]) -> float:
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
