"""A company's current location: a municipality or a point, in the working CRS."""

from __future__ import annotations

import numpy as np

from siting._errors import Problem, SitingInputError
from siting._memo import IdentityMemo
from siting.inputs.profile import Profile
from siting.layers.load import GeoData
from siting.layers.municipality_index import municipality_index
from siting.layers.places import find_municipality, km_outside_municipalities


def origin_key(profile: Profile) -> tuple[object, ...]:
    """Return what the current location of a profile resolves from (equal keys, same place)."""
    place = profile.company.current_location
    return (None,) if place is None else (place.municipality, place.lat, place.lon)


def resolve_origin(profile: Profile, data: GeoData, *, file: str) -> tuple[float, float] | None:
    """Return the current location in EPSG:28992 [m], or ``None`` when not given.

    A municipality may be given by code (``GM0772``, ``0772``) or name (``Eindhoven``, ``Den
    Haag``); a former municipality is answered with its successor as a hint, a near miss with
    the closest names. A point must lie in the Netherlands: one outside every municipality's
    disc (:func:`siting.layers.places.km_outside_municipalities`: abroad or at sea) is refused.

    Raises
    ------
    SitingInputError
        For an unknown municipality or a point outside the Netherlands.
    """
    location = profile.company.current_location
    if location is None:
        return None
    if location.municipality is None:
        from siting._crs import to_working

        x, y = to_working(
            np.array([location.lon], dtype=float), np.array([location.lat], dtype=float)
        )
        point = float(x[0]), float(y[0])
        _check_in_netherlands(point, data, file=file, lat=location.lat, lon=location.lon)
        return point
    index = municipality_index(data)
    places = _PLACES.get((index,), dict)
    known = places.get(location.municipality)
    if known is not None:
        return known
    found = find_municipality(
        location.municipality,
        index.codes,
        index.names,
        mergers=index.mergers,
        former_names=index.former_names,
    )
    if found.code is None:
        raise SitingInputError(
            Problem(
                file=file,
                column="company.current_location.municipality",
                label="key",
                message=found.problem,
            )
        )
    i = index.codes.index(found.code)
    xy = float(index.x[i]), float(index.y[i])
    if len(places) >= _PLACES_KEPT:
        places.pop(next(iter(places)))
    places[location.municipality] = xy
    return xy


#: Per municipality index: municipality as a profile gives it -> its point in EPSG:28992 [m]
#: (a warm ranking, a sweep or a screening asks for the same few places).
_PLACES: IdentityMemo[dict[str, tuple[float, float]]] = IdentityMemo()

#: Places kept per index (the oldest goes first).
_PLACES_KEPT = 1024


def _check_in_netherlands(
    point: tuple[float, float], data: GeoData, *, file: str, lat: float | None, lon: float | None
) -> None:
    index = municipality_index(data)
    xy = np.column_stack([index.x, index.y])
    beyond = km_outside_municipalities(point, xy, index.extent_km)
    if beyond > 0:
        raise SitingInputError(
            Problem(
                file=file,
                column="company.current_location.lat/lon",
                label="key",
                message=f"lat {lat}, lon {lon} lies outside the Netherlands (about "
                f"{beyond:.0f} km beyond the nearest municipality: abroad or at sea); check "
                "the coordinates (lat is about 50.7-53.6, lon 3.3-7.2) or give the municipality",
            )
        )
