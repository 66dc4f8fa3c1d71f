"""The building blocks of the layer contracts: a column, a layer, shared patterns and bounds.

:mod:`siting.layers.schema` assembles the layers from them (:mod:`siting.layers.specs_places`,
:mod:`siting.layers.specs_sites`, :mod:`siting.layers.specs_grid`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict

from siting import vocab

Kind = Literal["str", "int", "float", "bool", "list", "year", "category"]

GM_CODE_PATTERN = r"GM\d{4}"
SLUG_PATTERN = r"[a-z0-9][a-z0-9_\-]*"
#: A month (``2025-01``) and a day (``2025-01-31``): months 01-12, days 01-31 (the calendar
#: itself, e.g. no 31 February, is checked by the importers that take a date).
MONTH_PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])"
DAY_PATTERN = MONTH_PATTERN + r"-(?:0[1-9]|[12]\d|3[01])"


@dataclass(frozen=True)
class Column:
    """One column of a layer.

    Parameters
    ----------
    name
        Column name in the file.
    kind
        Value type: ``str``, ``int``, ``float``, ``bool``, ``list`` (``;``-separated), ``year``
        or ``category`` (an environmental category of the VNG scale, :mod:`siting.vng`).
    doc
        Meaning, with the unit in brackets.
    required
        Whether every row needs a value (otherwise an empty cell means unknown).
    optional_column
        Whether the whole column may be absent from a file (it is then all unknown).
    minimum, maximum
        Inclusive bounds for numbers.
    allowed
        Allowed values for ``str`` and each item of ``list``.
    pattern
        Regular expression a ``str`` value must match in full.
    """

    name: str
    kind: Kind
    doc: str
    required: bool = False
    optional_column: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A layer: its file stem, id column, columns and geometry kind.

    Parameters
    ----------
    name
        Layer name used in messages and on the command line.
    stem
        File name without extension; ``.csv``, ``.gpkg`` and ``.geojson`` are looked for.
    id_column
        Column whose values must be unique.
    columns
        The columns.
    geometry
        ``"point"`` when the layer has a location (CSV ``lon``/``lat`` or a point geometry),
        ``"none"`` when it is joined to the municipalities by ``gm_code``.
    doc
        One-line description.
    """

    name: str
    stem: str
    id_column: str
    columns: tuple[Column, ...]
    geometry: Literal["point", "none"]
    doc: str
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


CONFIDENCE = tuple(vocab.CONFIDENCE_LEVELS)


class Bounds(TypedDict):
    """A column's lower and upper bound, for ``Column(**bounds)``."""

    minimum: float
    maximum: float


class OptionalColumn(TypedDict):
    """Marks a column that older files may lack, for ``Column(**spec)``."""

    optional_column: bool


PCT: Bounds = {"minimum": 0.0, "maximum": 100.0}


def lonlat() -> tuple[Column, Column]:
    """Return the WGS84 point columns of a point layer in CSV form."""
    return (
        Column("lon", "float", "longitude, WGS84 [degree]", required=True),
        Column("lat", "float", "latitude, WGS84 [degree]", required=True),
    )
