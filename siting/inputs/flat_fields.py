"""The flat fields of a leads-table row and how they nest into a profile mapping.

:data:`FLAT_FIELDS` maps a short column name (``land_ha``, ``talent_hbo``, ``municipality``)
to its nested key; :func:`nest_flat_record` turns a row into the mapping
:func:`siting.inputs.profile.parse_profile` validates. Both are re-exported by
:mod:`siting.inputs.profile`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from siting import vocab

#: Flat column name -> nested key, for the fields of a leads table row.
FLAT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("company", "id"),
    "name": ("company", "name"),
    "nts_domains": ("company", "nts_domains"),
    "municipality": ("company", "current_location", "municipality"),
    "lat": ("company", "current_location", "lat"),
    "lon": ("company", "current_location", "lon"),
    **{
        f: ("needs", f)
        for f in (
            "year",
            "land_ha",
            "floor_m2",
            "cleanroom_m2",
            "vibration_free",
            "heavy_transport",
            "environmental_category",
            "power_mw",
            "activity",
            "water_bound",
        )
    },
    **{f"talent_{lvl}": ("needs", "talent", lvl) for lvl in vocab.EDUCATION_LEVELS},
    **{
        f: ("constraints", f)
        for f in (
            "max_relocation_km",
            "exclude_provinces",
            "include_provinces",
            "space_types",
            "allow_unknown",
            "verify",
            "max_delay_years",
            "flexible_connection",
            "qualifies_for",
        )
    },
}


def nest_flat_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Turn a flat record (a leads-table row) into the nested profile mapping.

    Keys may be given in full (``needs.land_ha``, ``needs.talent.hbo``,
    ``company.current_location.municipality``) or short (``land_ha``, ``talent_hbo``,
    ``municipality``); ``weights.<criterion>`` sets a weight. Empty cells are left out, so the
    profile's defaults apply.

    Parameters
    ----------
    record
        Column name -> cell value.

    Returns
    -------
    nested : dict
        The mapping for :func:`parse_profile`.
    unknown : list of str
        Column names that are no profile field.
    """
    nested: dict[str, Any] = {}
    unknown = []
    for key, value in record.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        path = _field_path(str(key))
        if path is None:
            unknown.append(str(key).strip())
            continue
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value.strip() if isinstance(value, str) else value
    return nested, unknown


@lru_cache(maxsize=1024)
def _field_path(key: str) -> tuple[str, ...] | None:
    """Return the profile path of a flat column name, ``None`` when it names no field."""
    name = key.strip()
    if name.startswith(("company.", "needs.", "constraints.", "weights.", "two_site.")):
        return tuple(name.split("."))
    return FLAT_FIELDS.get(name)
