"""Apply a scenario's site changes to a copy of the sites layer.

The ``[[data.site]]`` (change facts of an existing site), ``[[data.add_site]]`` (a new,
hypothetical site) and ``[[data.withdraw_site]]`` entries of a
:class:`~siting.inputs.scenario.Scenario`, each checked through the sites layer's schema
(:data:`siting.layers.schema.SITES`) like the loaders do; a problem names the scenario file,
the entry (``data.site[2]``) and the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from siting import settings
from siting._errors import Problem, excerpt
from siting.layers.load import GeoData
from siting.layers.read_layer import record_rules
from siting.layers.schema import SITES
from siting.layers.validate import cells_as_text, check_lonlat, parse_table

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from siting.inputs.scenario_file import Scenario

#: Site fields a ``[[data.site]]`` entry may change.
SITE_FIELDS: tuple[str, ...] = (
    "available_ha",
    "net_ha",
    "gross_ha",
    "status",
    "available_year",
    "max_env_category",
    "cleanroom_ready",
    "vibration_free",
    "heavy_transport",
    "shared_facility",
    "notes",
)
#: Defaults of an added site for the required bookkeeping fields it does not give.
ADD_SITE_DEFAULTS: dict[str, Any] = {
    "location_confidence": "estimate",
    "location_kind": "site",
    "site_type": "business_park",
    "area_confidence": "estimate",
    "cleanroom_ready": False,
    "vibration_free": False,
    "heavy_transport": False,
    "shared_facility": False,
    "status": "available",
}


def apply_sites(scenario: Scenario, data: GeoData, problems: list[Problem]) -> gpd.GeoDataFrame:
    """Return the sites layer with the scenario's site changes, additions and withdrawals.

    Every problem found is appended to ``problems``; with any problem, the layer is returned
    unchanged.
    """
    sites = data.sites
    ids = sites["site_id"].tolist()
    frame = pd.DataFrame(sites.drop(columns="geometry")).reset_index(drop=True)
    geometry = list(sites.geometry)
    for n, entry in enumerate(scenario.sites, start=1):
        _change_site(scenario, entry, f"data.site[{n}]", ids, frame, problems)
    added_rows: list[pd.DataFrame] = []
    for n, entry in enumerate(scenario.add_sites, start=1):
        parsed, found = _added_site(scenario, entry, f"data.add_site[{n}]", data, ids, added_rows)
        problems.extend(found)
        if parsed is not None:
            added_rows.append(parsed)
    withdraw = _withdrawn(scenario, ids, problems)
    if problems:
        return sites
    return _assemble(sites, frame, geometry, added_rows, withdraw)


def _change_site(
    scenario: Scenario,
    entry: Mapping[str, Any],
    where: str,
    ids: Sequence[str],
    frame: pd.DataFrame,
    problems: list[Problem],
) -> None:
    """Apply one ``[[data.site]]`` entry to ``frame`` in place, or add its problems."""
    file = scenario.file
    spec_columns = [c.name for c in SITES.columns]
    site_id = entry.get("site_id")
    bad_keys = [k for k in entry if k not in ("site_id", *SITE_FIELDS)]
    for key in bad_keys:
        problems.append(
            Problem(
                file=file,
                column=f"{where}.{key}",
                label="key",
                message=f"unknown key; a site change may set {', '.join(SITE_FIELDS)}",
            )
        )
    problem = _site_id_problem(site_id, ids, file, where, "the id of the site to change")
    if problem is not None:
        problems.append(problem)
        return
    i = ids.index(site_id)
    changes = {k: v for k, v in entry.items() if k in SITE_FIELDS}
    if not changes:
        if not bad_keys:
            problems.append(
                Problem(file=file, column=where, label="key", message="changes nothing")
            )
        return
    row = frame.iloc[[i]][spec_columns].apply(cells_as_text)
    for key, value in changes.items():
        row[key] = _text(value)
    for key, value in _asserted(changes, f"what-if scenario '{scenario.name}'").items():
        row[key] = _text(value)
    parsed, found = parse_table(row, SITES, file=file, first_row=1)
    found += record_rules(SITES, parsed, file=file, first_row=1)
    if found:
        problems.extend(_relocate(found, file, where))
        return
    note = f"what-if scenario '{scenario.name}': " + ", ".join(
        f"{k} = {v}" for k, v in changes.items() if k != "notes"
    )
    parsed.loc[0, "notes"] = " | ".join(
        t for t in (str(parsed["notes"].iloc[0] or ""), note) if t.strip()
    )
    for key in spec_columns:
        frame.loc[i, key] = parsed[key].iloc[0]


def _site_id_problem(
    site_id: Any, ids: Sequence[str], file: str, where: str, required: str
) -> Problem | None:
    """Return the problem of an entry's ``site_id`` (missing or unknown), if any."""
    if site_id is None:
        return Problem(
            file=file, column=f"{where}.site_id", label="key", message=f"required: {required}"
        )
    if site_id not in ids:
        return Problem(
            file=file,
            column=f"{where}.site_id",
            label="key",
            message=f"unknown site {excerpt(site_id)} (not in the sites layer)",
        )
    return None


def _added_site(
    scenario: Scenario,
    entry: Mapping[str, Any],
    where: str,
    data: GeoData,
    ids: Sequence[str],
    added_rows: Sequence[pd.DataFrame],
) -> tuple[pd.DataFrame | None, list[Problem]]:
    """Return one ``[[data.add_site]]`` entry as a parsed sites row and its problems.

    The row is ``None`` when its values are refused; unknown keys are problems but leave the
    row (so a later entry with the same id is still reported).
    """
    file = scenario.file
    spec_columns = [c.name for c in SITES.columns]
    problems = [
        Problem(
            file=file,
            column=f"{where}.{key}",
            label="key",
            message=f"unknown key; a site record has {', '.join(spec_columns)}",
        )
        for key in entry
        if key not in spec_columns
    ]
    munis = data.municipalities.set_index("gm_code")
    record = _added_record(scenario, entry, munis, spec_columns)
    code = record.get("gm_code")
    raw = pd.DataFrame([{k: _text(record[k]) if k in record else "" for k in spec_columns}])
    parsed, found = parse_table(raw, SITES, file=file, first_row=1)
    found += check_lonlat(parsed["lon"], parsed["lat"], file=file, first_row=1)
    found += record_rules(SITES, parsed, file=file, first_row=1)
    sid = parsed["site_id"].iloc[0]
    if sid is not None and (sid in ids or sid in [r["site_id"].iloc[0] for r in added_rows]):
        found.append(
            Problem(
                file=file,
                column="site_id",
                message=f"{excerpt(sid)} is already a site id; choose a new one",
            )
        )
    if isinstance(code, str) and code not in munis.index and "pattern" not in str(found):
        found.append(
            Problem(
                file=file,
                column="gm_code",
                message=f"unknown municipality code {excerpt(code)}",
            )
        )
    campus = parsed["campus_id"].iloc[0]
    if campus is not None and campus not in set(data.campuses["campus_id"]):
        found.append(
            Problem(file=file, column="campus_id", message=f"unknown campus {excerpt(campus)}")
        )
    if found:
        return None, problems + _relocate(found, file, where)
    return parsed, problems


def _added_record(
    scenario: Scenario, entry: Mapping[str, Any], munis: pd.DataFrame, spec_columns: list[str]
) -> dict[str, Any]:
    """Return an added site's record: its keys over the defaults, with dates and a note."""
    file = scenario.file
    record = {
        **ADD_SITE_DEFAULTS,
        "source_url": f"what-if scenario {file}",
        **{k: v for k, v in entry.items() if k in spec_columns},
    }
    record = {**_asserted(record, f"what-if scenario {file}"), **record}
    code = record.get("gm_code")
    if isinstance(code, str) and code in munis.index:
        record.setdefault("municipality", munis.loc[code, "name"])
        record.setdefault("province", munis.loc[code, "province"])
    record["notes"] = " | ".join(
        t
        for t in (
            f"HYPOTHETICAL site of what-if scenario '{scenario.name}' ({file})",
            str(record.get("notes", "")),
        )
        if t.strip()
    )
    return record


def _withdrawn(scenario: Scenario, ids: Sequence[str], problems: list[Problem]) -> set[str]:
    """Return the ids of the sites withdrawn; add the problems of the entries to ``problems``."""
    file = scenario.file
    withdraw: set[str] = set()
    for n, entry in enumerate(scenario.withdraw_sites, start=1):
        where = f"data.withdraw_site[{n}]"
        for key in entry:
            if key != "site_id":
                problems.append(
                    Problem(
                        file=file,
                        column=f"{where}.{key}",
                        label="key",
                        message="unknown key; a withdrawal names only site_id",
                    )
                )
        site_id = entry.get("site_id")
        problem = _site_id_problem(site_id, ids, file, where, "the id of the site to withdraw")
        if problem is None:
            withdraw.add(str(site_id))
        else:
            problems.append(problem)
    return withdraw


def _assemble(
    sites: gpd.GeoDataFrame,
    frame: pd.DataFrame,
    geometry: list[Any],
    added_rows: Sequence[pd.DataFrame],
    withdraw: set[str],
) -> gpd.GeoDataFrame:
    """Return the new sites layer: the changed rows, the added ones, without the withdrawn."""
    spec_columns = [c.name for c in SITES.columns]
    for key in spec_columns:  # keep the loader's dtypes after cell assignments
        frame[key] = frame[key].astype(sites[key].dtype)
    if added_rows:
        new = pd.concat(added_rows, ignore_index=True)
        xy = gpd.GeoSeries.from_xy(
            new["lon"].astype(float), new["lat"].astype(float), crs=settings.display_crs
        ).to_crs(settings.working_crs)
        for key in spec_columns:
            new[key] = new[key].astype(sites[key].dtype)
        frame = pd.concat([frame, new[frame.columns]], ignore_index=True)
        geometry = geometry + list(xy)
    keep = ~frame["site_id"].isin(withdraw).to_numpy()
    return gpd.GeoDataFrame(
        frame[keep].reset_index(drop=True),
        geometry=np.asarray(geometry, dtype=object)[keep],
        crs=settings.working_crs,
    )


def _text(value: Any) -> str:
    """Return a value as a sites-layer cell's text (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _relocate(found: list[Problem], file: str, where: str) -> list[Problem]:
    """Problems of a one-row parse, renamed to the scenario entry and key."""
    return [
        Problem(
            file=file,
            column=f"{where}.{p.column}" if p.column else where,
            label="key",
            message=p.message,
        )
        for p in found
    ]


def _asserted(changes: Mapping[str, Any], source: str) -> dict[str, Any]:
    """Return the dates and sources of the facts a scenario sets, as of the reference year.

    A what-if states its facts as current, so they are not "facts to confirm" for their age:
    a changed or added available area is dated to the area year given (else the reference
    year, :func:`siting.settings.reference_year`), a changed or added status to the reference
    year.
    """
    out: dict[str, Any] = {}
    year = settings.reference_year()
    if "available_ha" in changes:
        out["available_ha_year"] = changes.get("area_year", year)
        out["available_ha_confidence"] = changes.get("area_confidence", "estimate")
        out["available_ha_source"] = source
    if "status" in changes or "available_year" in changes:
        out["status_date"] = str(year)
        out["status_source"] = source
    return out
