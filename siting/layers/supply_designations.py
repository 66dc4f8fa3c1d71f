"""The designation of a site or terrain: what the public sources say may be built there.

From ``designations.csv`` (per site id or RIN) and from the register's type code (IBIS
``WLOC_TYPE``, where a public source decodes it); used by :mod:`siting.layers.supply_records`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting.layers.authored import Authored

#: One site or terrain as plain values (mixed types: text, numbers, lists, geometry).
Record = dict[str, Any]


_DESIGNATION_KEYS = (
    "designation",
    "designation_source",
    "designation_confidence",
    "max_env_category",
    "env_category_source",
    "has_quay",
    "allows_production",
    "housing_nearby",
    "reserved_for",
    "reserved_by",
)


def designation_facts(authored: Authored) -> dict[str, Record]:
    """Site id or RIN -> its designation columns, from ``designations.csv``."""
    out: dict[str, Record] = {}
    for row in authored.designations.to_dict("records"):
        source = "; ".join(
            str(v) for v in (row["evidence"], row["source_url"], row["source_date"]) if _given(v)
        )
        out[str(row["key"])] = {
            "designation": row["designation"],
            "designation_confidence": row["confidence"] if _given(row["designation"]) else None,
            "designation_source": source or None,
            "max_env_category": row["max_env_category"]
            if _given(row["max_env_category"])
            else None,
            "env_category_source": source if _given(row["max_env_category"]) else None,
            **{
                k: row.get(k)
                for k in (
                    "has_quay",
                    "allows_production",
                    "housing_nearby",
                    "reserved_for",
                    "reserved_by",
                )
            },
        }
    return out


def _type_designation(codes: tuple[str, ...], authored: Authored) -> Record:
    """Return what the terrain's type code says, where a public source decodes it."""
    table = authored.type_codes.set_index("code")
    known = [c for c in codes if c in table.index and _given(table.loc[c, "designation"])]
    if not codes or len(known) != len(codes):
        return {}
    designations = {table.loc[c, "designation"] for c in known}
    if len(designations) != 1:
        return {}
    code = known[0]
    meaning = str(table.loc[code, "meaning"]).split(":")[0]
    source = (
        f"IBIS WLOC_TYPE {code} ({meaning}); {table.loc[code, 'source_url']}; "
        f"{table.loc[code, 'source_date']}"
    )
    out: Record = {
        "designation": designations.pop(),
        "designation_confidence": table.loc[code, "confidence"],
        "designation_source": source,
    }
    if code == "A":  # by definition some plots have a quay on deep water
        out["has_quay"] = True
    return out


def _merge_designation(by_type: Record, by_row: Record | None) -> Record:
    merged: Record = {key: None for key in _DESIGNATION_KEYS}
    merged.update(by_type)
    for key, value in (by_row or {}).items():
        if _given(value):
            merged[key] = value
    if not _given((by_row or {}).get("designation")) and by_type:
        for key in ("designation", "designation_confidence", "designation_source"):
            merged[key] = by_type.get(key)
    return merged


def _given(value: object) -> bool:
    return value is not None and value is not pd.NA and value == value
