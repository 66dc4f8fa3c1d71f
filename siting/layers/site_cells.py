"""The columns of a site table a ranking reads, as Python values: remembered, or stored.

Converting the arrow text columns of thousands of sites to Python strings costs milliseconds,
the same on every ranking of a table; a warm ranking reads them from here
(:func:`site_columns`, :func:`cell_values`).

A cold ranking reads them from the on-disk cache: :class:`SiteCells` holds the columns of
:data:`RANKING_COLUMNS` as plain Python and numpy values (:func:`build_site_cells`), so it
unpickles, and a ranking runs, without importing pandas (about half a second of a cold
process). Its cells are those of the table (``table.iat``), but for pandas' missing value
``pd.NA``, which becomes :data:`NA` (:class:`MissingCell`: printed, compared and tested as
``pd.NA`` is by the explanations).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: The columns a ranking reads of a site table, besides ``site_id``: names and places
#: (:class:`SiteColumns`) and the facts behind a recommendation's caveats.
RANKING_COLUMNS: tuple[str, ...] = (
    "name",
    "municipality",
    "province",
    "lon",
    "lat",
    "location_kind",
    "available_ha",
    "available_ha_confidence",
    "available_ha_year",
    "available_ha_to_confirm",
    "status",
    "status_date",
    "status_to_confirm",
    "location_confidence",
    "afname_class",
    "grid_confidence",
    "congestion_status_date",
    "grid_basis",
    "grid_area_ids",
)


class MissingCell:
    """A missing cell of :class:`SiteCells`: ``pd.NA`` as the explanations use it.

    Printed ``<NA>``; its truth value is ambiguous (``TypeError``) and a comparison is missing
    again, as with ``pd.NA``; :func:`is_missing` is true for it. Pickled as the one
    :data:`NA`.
    """

    _instance: MissingCell | None = None

    def __new__(cls) -> MissingCell:  # noqa: D102 - the one instance
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<NA>"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return format(repr(self), spec)

    def __bool__(self) -> bool:
        raise TypeError("boolean value of NA is ambiguous")

    def __eq__(self, other: object) -> MissingCell:  # type: ignore[override]
        return self

    def __ne__(self, other: object) -> MissingCell:  # type: ignore[override]
        return self

    __hash__ = object.__hash__

    def __reduce__(self) -> str:
        return "NA"


#: The missing cell of :class:`SiteCells`.
NA = MissingCell()


def is_missing(value: object) -> bool:
    """Return whether a cell is missing: ``None``, NaN, ``pd.NA``, ``pd.NaT`` or :data:`NA`.

    As :func:`pandas.isna` for the scalar cells of a site table, without importing pandas.
    """
    if value is None or value is NA:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    if isinstance(value, np.datetime64 | np.timedelta64):
        return bool(np.isnat(value))
    pandas = sys.modules.get("pandas")  # a pandas missing value exists only with pandas loaded
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


@dataclass(frozen=True)
class SiteColumns:
    """The columns of a site table every ranking on it repeats, as Python values.

    Attributes
    ----------
    name, municipality, province
        Text per site.
    lon, lat
        WGS84 position per site [degree].
    location_kind
        How each site's point was placed (``"site"`` where the table does not say).
    name_array
        ``name`` as a read-only object array (for fancy indexing).
    """

    name: tuple[str, ...]
    municipality: tuple[str, ...]
    province: tuple[str, ...]
    lon: tuple[float, ...]
    lat: tuple[float, ...]
    location_kind: tuple[str, ...]
    name_array: np.ndarray


#: id of a site table -> (that table, its columns).
_COLUMNS: dict[int, tuple[pd.DataFrame, SiteColumns]] = {}


def site_columns(table: pd.DataFrame | SiteCells) -> SiteColumns:
    """Return the table's name, place and location-kind columns (remembered per table).

    Parameters
    ----------
    table
        A site table (:func:`siting.layers.site_table.site_table`), not changed afterwards
        (tables are shared, read-only, between rankings).

    Returns
    -------
    SiteColumns
    """
    if isinstance(table, SiteCells):
        return table.columns
    hit = _COLUMNS.get(id(table))
    if hit is not None and hit[0] is table:
        return hit[1]
    kinds = (
        table["location_kind"].fillna("site").astype(str).tolist()
        if "location_kind" in table
        else ["site"] * len(table)
    )
    names = table["name"].astype(str).to_numpy()
    names.setflags(write=False)
    cols = SiteColumns(
        name=tuple(names.tolist()),
        municipality=tuple(table["municipality"].astype(str).tolist()),
        province=tuple(table["province"].astype(str).tolist()),
        lon=tuple(table["lon"].astype(float).tolist()),
        lat=tuple(table["lat"].astype(float).tolist()),
        location_kind=tuple(kinds),
        name_array=names,
    )
    if len(_COLUMNS) >= 8:
        _COLUMNS.pop(next(iter(_COLUMNS)))
    _COLUMNS[id(table)] = (table, cols)
    return cols


#: (id of a site table, column names) -> (that table, each column's cell values).
_CELLS: dict[tuple[int, tuple[str, ...]], tuple[pd.DataFrame, dict[str, Any]]] = {}


def cell_values(table: pd.DataFrame | SiteCells, columns: Sequence[str]) -> dict[str, Any]:
    """Return, per column, its values as ``table.iat`` gives them (remembered per table).

    ``cells[column][i]`` is ``table.iat[i, table.columns.get_loc(column)]``: the column's
    extension array (arrow text, nullable numbers) or its numpy array, indexed the same way.

    Parameters
    ----------
    table
        A site table, not changed afterwards.
    columns
        Column names, all in the table.

    Returns
    -------
    dict
        Column -> its values, indexable by site position.
    """
    if isinstance(table, SiteCells):
        return {column: table[column] for column in columns}
    import pandas as pd

    key = (id(table), tuple(columns))
    hit = _CELLS.get(key)
    if hit is not None and hit[0] is table:
        return hit[1]
    cells = {}
    for column in columns:
        series = table.iloc[:, table.columns.get_loc(column)]
        cells[column] = (
            series.array
            if isinstance(series.dtype, pd.api.extensions.ExtensionDtype)
            else series.to_numpy(copy=False)
        )
    if len(_CELLS) >= 8:
        _CELLS.pop(next(iter(_CELLS)))
    _CELLS[key] = (table, cells)
    return cells


@dataclass(frozen=True, eq=False)
class SiteCells:
    """The columns of a site table a ranking reads, as plain values (no pandas object).

    Stands for the site table in a ranking: ``len(cells)``, ``cells[column]`` (the cells of a
    column of :data:`RANKING_COLUMNS` or ``site_id``, indexable by site position) and
    :func:`site_columns` and :func:`cell_values` of it give what they give of the table.

    Attributes
    ----------
    site_ids
        ``site_id`` per site, in the table's order.
    columns
        :func:`site_columns` of the table.
    cells
        Column -> its cells (:func:`cell_values` of the table, ``pd.NA`` as :data:`NA`): a
        read-only numpy array for a numpy column of numbers or flags, else a tuple.
    """

    site_ids: tuple[str, ...]
    columns: SiteColumns
    cells: dict[str, tuple[Any, ...] | np.ndarray]

    def __len__(self) -> int:
        return len(self.site_ids)

    def __getitem__(self, column: str) -> tuple[Any, ...] | np.ndarray:
        if column == "site_id":
            return self.site_ids
        try:
            return self.cells[column]
        except KeyError:
            raise KeyError(
                f"{column!r}: a ranking reads only the columns of RANKING_COLUMNS "
                "(siting.layers.site_cells); add it there"
            ) from None


def build_site_cells(table: pd.DataFrame) -> SiteCells:
    """Return the :class:`SiteCells` of a site table.

    Parameters
    ----------
    table
        A site table (:func:`siting.layers.site_table.site_frame` or ``site_table``) with
        every column of :data:`RANKING_COLUMNS`.

    Returns
    -------
    SiteCells
        A cell of another pandas type than ``pd.NA`` is kept as it is (its unpickling then
        imports pandas: slower, never different).
    """
    import pandas as pd

    def plain(values: Any) -> tuple[Any, ...] | np.ndarray:
        if isinstance(values, np.ndarray) and values.dtype != object:
            out = values.copy()  # numbers and flags: the array itself (its cells are the same)
            out.setflags(write=False)
            return out
        return tuple(NA if v is pd.NA else v for v in values)

    values = cell_values(table, RANKING_COLUMNS)
    return SiteCells(
        site_ids=tuple(table["site_id"].tolist()),
        columns=site_columns(table),
        cells={column: plain(values[column]) for column in RANKING_COLUMNS},
    )
