"""A company's current location: a municipality or a point, in the working CRS."""

from __future__ import annotations

import geopandas as gpd

from siting import settings
from siting._errors import Problem, SitingInputError
from siting.inputs.profile import Profile
from siting.layers.load import GeoData
from siting.layers.places import find_municipality


def resolve_origin(profile: Profile, data: GeoData, *, file: str) -> tuple[float, float] | None:
    """Return the current location in EPSG:28992 [m], or ``None`` when not given.

    A municipality may be given by code (``GM0772``, ``0772``) or name (``Eindhoven``); a former
    municipality's code is answered with its successor as a hint.

    Raises
    ------
    SitingInputError
        For an unknown municipality.
    """
    location = profile.company.current_location
    if location is None:
        return None
    if location.municipality is None:
        xy = gpd.GeoSeries.from_xy([location.lon], [location.lat], crs=settings.display_crs)
        xy = xy.to_crs(settings.working_crs)
        return float(xy.x.iloc[0]), float(xy.y.iloc[0])
    codes = data.municipalities["gm_code"].tolist()
    mergers = dict(
        zip(data.municipal_mergers["old_code"], data.municipal_mergers["new_code"], strict=True)
    )
    found = find_municipality(
        location.municipality, codes, data.municipalities["name"].tolist(), mergers=mergers
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
    code = found.code
    point = data.municipalities.geometry.iat[codes.index(code)]
    return float(point.x), float(point.y)
