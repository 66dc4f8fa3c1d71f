"""What each output column is called for readers, its unit and how numbers are shown.

One header map for every table the package writes (CSV keeps the field names; Excel shows
:func:`header` and formats numbers by :func:`number_format`), so "Available area [ha]" reads
the same in the ranking, the screening and the assignment.
"""

from __future__ import annotations

#: Kind of a column -> (unit shown in the header, Excel number format). Kinds without a unit
#: have an empty unit; text and yes/no columns have no number format.
KINDS: dict[str, tuple[str, str | None]] = {
    "text": ("", None),
    "bool": ("", None),
    "int": ("", "#,##0"),
    "number": ("", "#,##0.00"),
    "year": ("", "0"),
    "score": ("", "0.000"),
    "share": ("", "0.0%"),
    "ha": ("ha", '#,##0.00" ha"'),
    "MW": ("MW", '#,##0.0" MW"'),
    "FTE": ("FTE", '#,##0" FTE"'),
    "km": ("km", '#,##0.0" km"'),
    "m2": ("m2", '#,##0" m²"'),
    "years": ("years", '0.0" yr"'),
    "s": ("s", '0.00" s"'),
    "deg": ("°", "0.000000"),
    "m": ("m", '#,##0" m"'),
}

#: Field name -> (readable header without the unit, kind).
FIELDS: dict[str, tuple[str, str]] = {
    # identities and places
    "case_id": ("Case", "text"),
    "lead_id": ("Lead", "text"),
    "input_row": ("Row in the leads file", "int"),
    "row": ("Row in the leads file", "int"),
    "site_id": ("Site id", "text"),
    "name": ("Site", "text"),
    "site_name": ("Site", "text"),
    "municipality": ("Municipality", "text"),
    "province": ("Province", "text"),
    "region": ("Region (province of the current location)", "text"),
    "zone_id": ("Congestion zone", "text"),
    "region_id": ("Labour-market region", "text"),
    "lon": ("Longitude (WGS84)", "deg"),
    "lat": ("Latitude (WGS84)", "deg"),
    "site_lon": ("Site longitude (WGS84)", "deg"),
    "site_lat": ("Site latitude (WGS84)", "deg"),
    # outcomes
    "rank": ("Rank", "int"),
    "status": ("Status", "text"),
    "reason": ("Reason", "text"),
    "outcome": ("Outcome", "text"),
    "score": ("Score (0-1)", "score"),
    "utility": ("Score (0-1)", "score"),
    "unverified": ("To confirm (relies on unknown facts)", "bool"),
    "verification": ("Verified or to confirm", "text"),
    "questions": ("Questions (whom to ask)", "text"),
    "top_reasons": ("Top reasons", "text"),
    "check": ("To confirm", "text"),
    "caveats": ("Data caveats", "text"),
    "failing": ("Rules failed", "text"),
    "unknown": ("Rules with unknown facts", "text"),
    "n_feasible": ("Feasible sites", "int"),
    "n_feasible_sites": ("Feasible sites", "int"),
    "blocking_rule": ("Most restrictive rule", "text"),
    "priority": ("Priority weight", "number"),
    # needs and capacities
    "land_ha": ("Plot needed", "ha"),
    "power_mw": ("Power needed", "MW"),
    "talent_fte": ("Staff to hire", "FTE"),
    "available_ha": ("Available area", "ha"),
    "capacity_ha": ("Available area", "ha"),
    "used_ha": ("Area promised", "ha"),
    "headroom_mw": ("Grid headroom", "MW"),
    "used_mw": ("Power promised", "MW"),
    "capacity_fte": ("Hires the region can absorb", "FTE"),
    "used_fte": ("Hires placed", "FTE"),
    "n_leads": ("Leads placed", "int"),
    "n_candidates": ("Leads it is feasible for", "int"),
    "leads": ("Leads placed", "text"),
    "constrained": ("Headroom constrains", "bool"),
    "note": ("Note", "text"),
    "rule": ("Capacity rule", "text"),
    "kind": ("Capacity", "text"),
    "key": ("Capacity id", "text"),
    "unit": ("Unit", "text"),
    "capacity": ("Capacity", "number"),
    "used": ("Used", "number"),
    "added_value": ("One more unit adds (fit)", "number"),
    "leads_competing": ("Leads competing", "int"),
    "changed_leads": ("Leads that move", "text"),
    "distance_km": ("Distance between the sites", "km"),
    # rankings: funnel, near misses, pairs
    "constraint": ("Rule id", "text"),
    "label": ("Rule", "text"),
    "requirement": ("Requirement", "text"),
    "failing_sites": ("Sites failing", "int"),
    "unknown_sites": ("Sites with unknown facts", "int"),
    "remaining": ("Sites left", "int"),
    "changes": ("Smallest changes that would make it fit", "text"),
    "rnd_site_id": ("R&D site id", "text"),
    "rnd_site": ("R&D site", "text"),
    "rnd_municipality": ("R&D municipality", "text"),
    "production_site_id": ("Production site id", "text"),
    "production_site": ("Production site", "text"),
    "production_municipality": ("Production municipality", "text"),
    # screening summary
    "leads_total": ("Leads", "int"),
    "placed": ("Placed", "int"),
    "nowhere": ("No feasible site", "int"),
    "invalid": ("Invalid input", "int"),
    "top_blocking_rule": ("Most common blocking rule", "text"),
    "top_blocking_leads": ("Leads it blocks", "int"),
    "most_restrictive": ("Most restrictive for (leads)", "int"),
    "sole_blocker": ("Relaxed alone would place (leads)", "int"),
    "column": ("Column", "text"),
    "message": ("Problem", "text"),
    "what": ("What", "text"),
    "value": ("Value", "text"),
    # what-if
    "variant": ("Variant", "text"),
    "base_site": ("Base: site", "text"),
    "base_score": ("Base: score (0-1)", "score"),
    "variant_site": ("What-if: site", "text"),
    "variant_score": ("What-if: score (0-1)", "score"),
    "was": ("Rank in the base", "text"),
    "change": ("Change", "text"),
    "movement": ("Rank before -> after", "text"),
    "base_rank": ("Rank in the base", "int"),
    "new_rank": ("Rank in the variant", "int"),
    "base_utility": ("Base score (0-1)", "score"),
    "new_utility": ("What-if score (0-1)", "score"),
    "causes": ("Why", "text"),
    "summary": ("In words", "text"),
    "parameter": ("Parameter", "text"),
    "step": ("Value of the parameter", "number"),
    "event": ("Where it changes", "text"),
    # data info
    "layer": ("Layer", "text"),
    "records": ("Records", "int"),
    "reference_date": ("Reference date", "text"),
    "source": ("Source", "text"),
    "file": ("File", "text"),
    "municipalities": ("Municipalities", "int"),
    "population": ("Population", "int"),
    "sites": ("Sites", "int"),
    "sites_area_unknown": ("Sites without a known area", "int"),
    "campuses": ("Campuses", "int"),
}


def header(field: str, *, overrides: dict[str, str] | None = None) -> str:
    """Return the readable header of a field, with its unit in brackets.

    Parameters
    ----------
    field
        The field name (``available_ha``).
    overrides
        Headers for fields the map does not know (e.g. a criterion's ``talent_fit_value``).

    Returns
    -------
    str
        E.g. ``"Available area [ha]"``; unknown fields are spelled out from their name.
    """
    if overrides and field in overrides:
        return overrides[field]
    label, kind = FIELDS.get(field, (field.replace("_", " ").strip().capitalize(), "text"))
    unit = KINDS[kind][0]
    return f"{label} [{unit}]" if unit else label


def kind_of(field: str, *, overrides: dict[str, str] | None = None) -> str | None:
    """Return a field's kind (a key of :data:`KINDS`), or ``None`` when the map has none."""
    if overrides and field in overrides:
        return overrides[field]
    entry = FIELDS.get(field)
    return None if entry is None else entry[1]


def number_format(kind: str | None) -> str | None:
    """Return the Excel number format of a kind (``None``: the cell's default)."""
    return None if kind is None else KINDS[kind][1]
