"""What a company's current location is resolved against: the municipalities, as arrays.

Codes, names and former municipalities (to find the one a profile names), each
municipality's point in the working CRS and in lon/lat, and its extent (to check a point lies
in the Netherlands). Built from the municipalities and mergers layers; layers served from the
on-disk cache carry the index built when they were stored (:mod:`siting.layers.deferred`), so
resolving an example case's location unpickles no layer and transforms no coordinate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from siting._memo import IdentityMemo
from siting.layers.load import GeoData

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class MunicipalityIndex:
    """The current municipalities of a layer set, as arrays (treat as read-only).

    Attributes
    ----------
    codes, names
        CBS code (``GM0772``) and name per municipality, in the layer's order.
    mergers, former_names
        Former municipality code, and former name, -> the current code.
    x, y
        Each municipality's point in :data:`siting.settings.working_crs` [m].
    lon, lat
        The same points in :data:`siting.settings.display_crs` [degree]
        (:func:`siting._crs.to_display`), or ``None`` when not transformed.
    extent_km
        Each municipality's extent [km] (``None`` when the layer has no ``extent_km``).
    """

    codes: list[str]
    names: list[str]
    mergers: dict[str, str]
    former_names: dict[str, str]
    x: np.ndarray
    y: np.ndarray
    lon: np.ndarray | None
    lat: np.ndarray | None
    extent_km: np.ndarray | None

    def lonlat_of(self, point: tuple[float, float]) -> tuple[float, float] | None:
        """Return lon and lat [degree] of a municipality's point (exactly), else ``None``."""
        if self.lon is None or self.lat is None:
            return None
        found = np.flatnonzero((self.x == point[0]) & (self.y == point[1]))
        if found.size == 0:
            return None
        return float(self.lon[found[0]]), float(self.lat[found[0]])


def build_municipality_index(
    municipalities: pd.DataFrame, mergers: pd.DataFrame, *, lonlat: bool = False
) -> MunicipalityIndex:
    """Return the index of a municipalities layer (points) and its mergers table.

    Parameters
    ----------
    municipalities
        The municipalities layer (a GeoDataFrame of points in the working CRS).
    mergers
        Former municipalities: ``old_code``, ``old_name``, ``new_code``.
    lonlat
        Whether to transform the points to lon/lat too (a PROJ transformer: tens of ms).

    Returns
    -------
    MunicipalityIndex
    """
    x = municipalities.geometry.x.to_numpy(dtype=float)
    y = municipalities.geometry.y.to_numpy(dtype=float)
    lon = lat = None
    if lonlat:
        from siting._crs import to_display

        lon, lat = to_display(x, y)
    extent = (
        municipalities["extent_km"].to_numpy(dtype=float) if "extent_km" in municipalities else None
    )
    return MunicipalityIndex(
        codes=municipalities["gm_code"].tolist(),
        names=municipalities["name"].tolist(),
        mergers=dict(zip(mergers["old_code"], mergers["new_code"], strict=True)),
        former_names=dict(zip(mergers["old_name"], mergers["new_code"], strict=True)),
        x=_read_only(x),
        y=_read_only(y),
        lon=None if lon is None else _read_only(lon),
        lat=None if lat is None else _read_only(lat),
        extent_km=None if extent is None else _read_only(extent),
    )


#: Per municipalities and mergers layer: their index.
_INDEXES: IdentityMemo[MunicipalityIndex] = IdentityMemo()


def municipality_index(data: GeoData) -> MunicipalityIndex:
    """Return the municipality index of ``data`` (remembered per layer).

    Layers from the on-disk cache give the index stored with them, without unpickling their
    frames; other layers (another data folder, a scenario) get one built from their frames.

    Parameters
    ----------
    data
        The layers.

    Returns
    -------
    MunicipalityIndex
    """
    stored = vars(data).get("_municipality_index")
    if isinstance(stored, MunicipalityIndex):
        return stored
    munis, merged = data.municipalities, data.municipal_mergers
    return _INDEXES.get((munis, merged), lambda: build_municipality_index(munis, merged))


def _read_only(values: np.ndarray) -> np.ndarray:
    out = np.array(values, dtype=float)
    out.setflags(write=False)
    return out
