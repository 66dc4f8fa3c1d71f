"""One site record of the national supply: from a register terrain, or an authored site.

The rules are those of :mod:`siting.layers.supply`; each function here builds one record (a
dict of the ``sites`` columns and a ``geometry``) and writes in its notes where a figure comes
from when it is not the obvious source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import shapely

from siting import vocab
from siting.layers.authored import AUTHORED_SITE_COLUMNS, Authored
from siting.layers.supply_designations import (
    _DESIGNATION_KEYS,
    Record,
    _merge_designation,
    _type_designation,
)

#: ``site_type`` of a designation (the coarse kind; ``business_park`` when unknown).
SITE_TYPE_OF: dict[str, str] = {
    "port_industrial": "port_industrial",
    "logistics": "logistics_park",
    "campus": "campus",
    "science_park": "science_park",
}


# -- register terrains --------------------------------------------------------------------------


def terrain_facts(row: Record, authored: Authored, places: dict[str, dict[str, object]]) -> Record:
    """Return the register's figures of one terrain as the site layer uses them, with notes.

    Returns the raw figures (``raw_*``) and the used ones (``gross``, ``net``, ``available``):
    a 0 ha gross or net area, a figure contradicting another, and a 0 ha issuable area in a
    province with a register note are unknown (``None``), the reason in ``notes`` or
    ``available_reason``.
    """
    notes = [str(row["notes"])] if row.get("notes") else []
    name, repaired = _repair(str(row["name"]))
    if repaired:
        notes.append(f"name repaired from the register's garbled spelling '{row['name']}'")
    raw = {key: row[f"{key}_ha"] for key in ("gross", "net", "issuable")}
    gross, net, available = raw["gross"], raw["net"], raw["issuable"]
    if gross == 0:
        gross = None
        notes.append(
            "the register gives 0 ha gross (a work location has at least 1 ha gross "
            "by its definition): gross area unknown"
        )
    if net == 0:
        net = None
        notes.append("the register gives 0 ha net: net area unknown")
    if gross is not None and net is not None and net > gross:
        notes.append(
            f"the register gives {net:g} ha net above {gross:g} ha gross: gross area unknown"
        )
        gross = None
    reason = None if available is not None else "the register gives no issuable area"
    place = places.get(str(row["gm_code"]), {})
    rule = _register_rule(authored, vocab.province_code(str(place.get("province") or "")))
    if available == 0 and rule is not None:
        available = None
        reason = (
            f"IBIS{_peiljaar(row['year'])}: 0 ha immediately issuable, taken as unknown "
            f"(register note '{rule['note_id']}')"
        )
    if available is not None and net is not None and available > net:
        notes.append(
            f"the register gives {available:g} ha issuable above {net:g} ha net: net area unknown"
        )
        net = None
    return {
        **{k: row[k] for k in ("rin", "gm_code", "other_gm_codes", "year", "source")},
        "name": name,
        "geometry": row.get("geometry"),
        "wloc": tuple(row["wloc_type"] or ()),
        **{f"raw_{k}": v for k, v in raw.items()},
        "gross": gross,
        "net": net,
        "available": available,
        "available_reason": reason,
        "notes": notes,
        "type_designation": _type_designation(tuple(row["wloc_type"] or ()), authored),
    }


def terrain_record(
    facts: Record, designation: Record | None, place: dict[str, object] | None
) -> Record:
    """Return the site ``ibis-<RIN>`` of a terrain that no authored site is."""
    rin, year = str(facts["rin"]), facts["year"]
    source = _ibis_source([facts])
    notes = list(facts["notes"])
    available = facts["available"]
    if available is None:
        status, status_date, status_source = "unknown", None, str(facts["available_reason"])
    else:
        status = "available" if available > 0 else "fully_issued"
        status_date = None if year is None else str(year)
        listed = f"{available:g} ha" if available > 0 else "no land"
        status_source = f"IBIS{_peiljaar(year)}: {listed} immediately issuable"
    polygon = facts["geometry"]
    design = _merge_designation(facts["type_designation"], designation)
    has_area = facts["gross"] is not None or facts["net"] is not None
    record: Record = {
        "site_id": f"ibis-{rin}",
        "name": facts["name"],
        "gm_code": facts["gm_code"],
        "location_confidence": "reported" if polygon is not None else "approximate",
        "location_kind": "polygon" if polygon is not None else "municipality",
        "site_type": SITE_TYPE_OF.get(str(design.get("designation")), "business_park"),
        "gross_ha": facts["gross"],
        "net_ha": facts["net"],
        "area_year": year if has_area else None,
        "area_confidence": "reported" if has_area else "unknown",
        "area_source": source,
        **_register_available(facts),
        "cleanroom_ready": False,
        "vibration_free": False,
        "heavy_transport": False,
        "shared_facility": False,
        "status": status,
        "status_date": status_date,
        "status_source": status_source,
        **_ibis_columns([facts]),
        "source_url": facts["source"],
        "notes": "; ".join(notes),
        "geometry": polygon if polygon is not None else (place or {}).get("point"),
        **design,
    }
    return _with_place(record, place)


# -- authored sites -----------------------------------------------------------------------------


def authored_record(
    site: Record,
    links: list[Record],
    by_rin: dict[str, Record],
    *,
    check: Record,
    designation: Record | None,
    place: dict[str, object] | None,
) -> Record:
    """Return an authored site with its re-checked status, designation and register terrains."""
    record: Record = {column: site.get(column) for column in AUTHORED_SITE_COLUMNS}
    notes = [str(site["notes"])] if site.get("notes") else []
    parts = [by_rin[str(link["rin"])] for link in links if link["rin"] is not None]
    record.update(
        available_ha_year=site["area_year"] if site["available_ha"] is not None else None,
        available_ha_confidence=site["area_confidence"]
        if site["available_ha"] is not None
        else "unknown",
        available_ha_source=site["area_source"] if site["available_ha"] is not None else None,
    )
    if parts:
        _terrain_areas(record, site, parts, notes)
    _checked_status(record, check, notes)
    polygons = [p["geometry"] for p in parts if p["geometry"] is not None]
    record["location_kind"] = "polygon" if polygons else "site"
    record["geometry"] = shapely.union_all(polygons) if polygons else site["geometry"]
    if polygons:
        record["location_confidence"] = "reported"
        notes.append("location: the register's outline replaces the authored point")
    for link in links:
        notes.append(_link_note(link, site))
    record.update({k: v for k, v in (designation or {}).items() if k in _DESIGNATION_KEYS})
    for key in ("max_env_category", "env_category_source"):
        record[key] = site[key]  # authored, with its own source
    _reconcile(record, notes)
    record["notes"] = "; ".join(n for n in notes if n)
    return _with_place(record, place)


def _terrain_areas(record: Record, site: Record, parts: list[Record], notes: list[str]) -> None:
    """Areas of an authored site that is one or more register terrains (module rules)."""
    source = _ibis_source(parts)
    years = [int(p["year"]) for p in parts if p["year"] is not None]
    year = max(years) if years else None
    gross, net = _sum(p["gross"] for p in parts), _sum(p["net"] for p in parts)
    if gross is not None or net is not None:
        authored = [
            f"{label} {site[key]:g} ha"
            for label, key in (
                ("gross", "gross_ha"),
                ("net", "net_ha"),
                ("available", "available_ha"),
            )
            if site[key] is not None
        ]
        if authored:
            notes.append(
                f"authored areas {', '.join(authored)} ({_year(site['area_year'])}, "
                f"{site['area_source'] or 'no source'})"
            )
        partial = any(p["gross"] is None for p in parts) or any(p["net"] is None for p in parts)
        record.update(
            gross_ha=gross,
            net_ha=net,
            area_year=year,
            area_confidence="approximate" if partial and len(parts) > 1 else "reported",
            area_source=source,
        )
        if partial and len(parts) > 1:
            notes.append("some terrains lack a gross or net figure: the sum of the others")
    available = _sum_all(p["available"] for p in parts)
    newer = (
        site["available_ha"] is not None
        and site["area_year"] is not None
        and year is not None
        and int(site["area_year"]) > year
    )
    let_as_floor = site["site_type"] in ("campus", "science_park") and available == 0
    if let_as_floor:
        notes.append(
            f"IBIS{_peiljaar(year)} lists no land immediately issuable; a campus lets floor "
            "space, so that does not say whether there is room: the authored figure stands"
        )
    elif available is not None and not newer:
        record.update(_register_available({"available": available, "year": year}))
    elif available is None:
        notes.extend(str(p["available_reason"]) for p in parts if p["available_reason"])
    for part in parts:
        notes.extend(str(n) for n in part["notes"] if n)
        if part["gm_code"] is not None and part["gm_code"] != site["gm_code"]:
            notes.append(f"the register files RIN {part['rin']} under {part['gm_code']}")
    record.update(_ibis_columns(parts))


def _checked_status(record: Record, check: Record, notes: list[str]) -> None:
    """Status from the dated re-check; a fully issued site has 0 ha left, dated by it."""
    evidence = f": {check['evidence']}" if check.get("evidence") else ""
    date = check.get("status_date")
    record.update(
        status=check["status"],
        available_year=check.get("available_year"),
        status_date=date,
        status_source=f"{check['status_source']}{evidence}",
    )
    if check.get("changed_from"):
        notes.append(f"status re-checked: {check['changed_from']} -> {check['status']}")
    available = record.get("available_ha")
    if check["status"] == "fully_issued" and available is not None and available > 0:
        notes.append(
            f"available area {available:g} ha ({record['available_ha_source']}, "
            f"{_year(record['available_ha_year'])}) superseded by the dated status check"
        )
        record.update(
            available_ha=0.0,
            available_ha_year=int(str(date)[:4]) if date else None,
            available_ha_confidence="reported" if date else "approximate",
            available_ha_source=str(check["status_source"]),
        )


def _link_note(link: Record, site: Record) -> str:
    note = f" ({link['note']})" if link.get("note") else ""
    if link["match"] == "none":
        return f"not an IBIS terrain{note}"
    if link["match"] == "not_in_export":
        return f"IBIS RIN {link['within_rin']} '{link['ibis_name']}' is not in this export"
    if link["match"] == "within":
        return (
            f"lies within IBIS terrain RIN {link['within_rin']} '{link['ibis_name']}', "
            f"whose areas are counted at the site that is that terrain{note}"
        )
    return f"IBIS RIN {link['rin']} '{link['ibis_name']}' (matched by {link['match']}){note}"


def _reconcile(record: Record, notes: list[str]) -> None:
    """Figures from different sources that contradict each other: the larger is unknown."""
    gross, net, available = (record.get(k) for k in ("gross_ha", "net_ha", "available_ha"))
    if available is not None and net is not None and available > net:
        notes.append(f"net area {net:g} ha is below the available {available:g} ha: net unknown")
        record["net_ha"] = net = None
    for small in (net, available):
        if small is not None and gross is not None and small > gross:
            notes.append(f"gross area {gross:g} ha is below {small:g} ha: gross unknown")
            record["gross_ha"] = gross = None


# -- helpers ------------------------------------------------------------------------------------


def _register_available(facts: Record) -> Record:
    """Return the register's issuable area as the available area (an upper bound)."""
    available, year = facts["available"], facts["year"]
    known = available is not None
    return {
        "available_ha": available,
        "available_ha_year": year if known else None,
        "available_ha_confidence": "approximate" if known else "unknown",
        "available_ha_source": f"IBIS HA_TOTTUIT{_peiljaar(year)}" if known else None,
    }


def _peiljaar(year: object) -> str:
    return "" if year is None else f", peiljaar {year}"


def _ibis_source(parts: list[Record]) -> str:
    rins = ", ".join(str(p["rin"]) for p in parts if "rin" in p)
    years = sorted({int(p["year"]) for p in parts if p.get("year") is not None})
    when = f", peiljaar {'/'.join(map(str, years))}" if years else ""
    return f"IBIS RIN {rins}{when}" if rins else f"IBIS{when}"


def _ibis_columns(parts: list[Record]) -> Record:
    return {
        "ibis_rin": tuple(str(p["rin"]) for p in parts),
        "ibis_type": tuple(dict.fromkeys(c for p in parts for c in p["wloc"])),
        "ibis_gross_ha": _sum(p["raw_gross"] for p in parts),
        "ibis_net_ha": _sum(p["raw_net"] for p in parts),
        "ibis_issuable_ha": _sum(p["raw_issuable"] for p in parts),
    }


def _register_rule(authored: Authored, province_code: str | None) -> Record | None:
    notes = authored.register_notes
    hit = notes[notes["scope"].eq(province_code) & notes["field"].eq("issuable_ha")]
    return None if hit.empty else hit.iloc[0].to_dict()


def _with_place(record: Record, place: dict[str, object] | None) -> Record:
    if record.get("location_kind") == "municipality":
        record["lon"], record["lat"] = (place or {}).get("lon"), (place or {}).get("lat")
    elif record.get("location_kind") == "polygon":
        record["lon"] = record["lat"] = None  # the outline's representative point
    record["municipality"] = (place or {}).get("name", record.get("municipality"))
    record["province"] = (place or {}).get("province", record.get("province"))
    return record


def _repair(name: str) -> tuple[str, bool]:
    """Undo UTF-8 read as cp1252 (``De KieÃ«n`` -> ``De Kieën``) where that is what happened."""
    if "Ã" not in name:
        return name, False
    try:
        fixed = name.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name, False
    return fixed, fixed != name


def _sum(values: Iterable[Any]) -> float | None:
    """Sum of the known values (``None`` when none is known)."""
    known = [float(v) for v in values if v is not None]
    return round(sum(known), 6) if known else None


def _sum_all(values: Iterable[Any]) -> float | None:
    """Sum when every value is known, else ``None``."""
    values = list(values)
    return None if any(v is None for v in values) else _sum(values)


def _year(value: object) -> str:
    return "year not stated" if value is None else str(int(value))  # type: ignore[call-overload]
