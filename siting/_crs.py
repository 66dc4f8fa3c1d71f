"""Coordinate transforms between the working and the display CRS, each built once per process.

Building a :class:`pyproj.Transformer` costs 15-30 ms (a look-up in the PROJ database); a
ranking and its outputs need the same one or two, so they are built on first use and kept.
The results equal :meth:`geopandas.GeoSeries.to_crs` (which transforms the same coordinate
arrays with a transformer built the same way, ``always_xy=True``).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from siting import settings

if TYPE_CHECKING:
    from pyproj import Transformer


@cache
def transformer(source: str, target: str) -> Transformer:
    """Return the (memoised) transformer from ``source`` to ``target``, x/y (lon/lat) order."""
    from pyproj import Transformer

    return Transformer.from_crs(source, target, always_xy=True)


def to_display(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return lon and lat [degree] of points in :data:`siting.settings.working_crs` [m]."""
    lon, lat = transformer(settings.working_crs, settings.display_crs).transform(x, y)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def to_working(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return x and y [m] in :data:`siting.settings.working_crs` of lon/lat points [degree]."""
    x, y = transformer(settings.display_crs, settings.working_crs).transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)
