"""The columns of a site table that every ranking on it repeats, as Python values, remembered.

Converting the arrow text columns of thousands of sites to Python strings costs milliseconds,
the same on every ranking of a table; a warm ranking reads them from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


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


def site_columns(table: pd.DataFrame) -> SiteColumns:
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


def cell_values(table: pd.DataFrame, columns: Sequence[str]) -> dict[str, Any]:
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
