"""What-if scenarios: a base case plus changes to the company's needs and to the data.

A scenario is a TOML file (see ``models/scenarios/``) with a ``[scenario]`` table that names a
base profile, and the changes::

    [scenario]
    name = "Needs 12 MW already in 2027"
    base = "../cases/case2_microchip_dense_region.toml"   # relative to this file, or the repo
    description = "..."                                  # optional

    [needs]                 # deep-merged into the base profile, then validated as a profile
    power_mw = 12.0
    [needs.talent]
    hbo = 150
    [constraints]
    max_relocation_km = 120
    [weights]
    talent_fit = 0.4

    [[data.zone]]           # the grid for the sites in these municipalities
    gm_code = ["GM0164", "GM0141"]     # one code or a list; or `province = "Overijssel"`
    expected_solve_year = 2028         # and/or afname_class = 0..3, headroom_mw = 25.0

    [[data.zone]]           # a supply area, TenneT area or station of the grid_areas layer
    area_id = "OS DOKKUM 10-1i"        # one id or a list
    expected_solve_year = 2027         # and/or afname_class, available_mw, required_mw,
                                       # queue_mw (see siting.inputs.grid_scenario)

    [[data.site]]           # change facts of an existing site
    site_id = "ov-hengelo-htsp"
    available_ha = 4.0                 # also: net_ha, gross_ha, status, available_year,
                                       # max_env_category, cleanroom_ready, vibration_free,
                                       # heavy_transport, shared_facility, notes

    [[data.add_site]]       # a new (hypothetical) site: a full site record
    site_id = "ov-kennispark-new-plot"
    name = "Kennispark Twente, new 10 ha plot (HYPOTHETICAL)"
    gm_code = "GM0153"
    lon = 6.85
    lat = 52.24
    available_ha = 10.0

    [[data.withdraw_site]]  # a site that is no longer on offer
    site_id = "zh-m4h"

The changes are applied in memory to a copy of the layers; ``geodata/`` is never touched.
Site changes and added sites go through the sites layer's schema
(:data:`siting.layers.schema.SITES`)
like the loaders do, so a bad value is reported with the scenario file, the entry and the key.
An added site gets defaults for the bookkeeping fields it does not give (``site_type =
"business_park"``, confidences ``"estimate"``, facility flags ``false`` = not stated,
``status = "available"``) and a note that it is hypothetical.

Module API
----------
:func:`load_scenario`
    Read and check a scenario file -> :class:`Scenario`.
:func:`parse_scenario`
    The same for an already parsed mapping (e.g. built in Python).
:func:`is_scenario_file`
    Whether a TOML file is a scenario (has a ``[scenario]`` table) rather than a profile.
:func:`apply_scenario`
    ``(scenario, data) -> (Profile, GeoData)``: the changed profile and a changed copy of the
    layers, ready for :func:`siting.jobs.rank.rank_sites` (``data=``).
:func:`load_case`
    A profile file or a scenario file -> ``(name, Profile, GeoData)``.

Grid changes never edit the grid layers: they become what-if overrides of the grid join
(:mod:`siting.inputs.grid_scenario`), marked as such in every explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting._toml import read_toml
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.grid_scenario import AREA_FIELDS, MUNICIPALITY_FIELDS, zone_overrides
from siting.inputs.profile import Profile, load_profile, parse_profile
from siting.layers.load import GeoData, load_geodata, record_rules
from siting.layers.schema import SITES
from siting.layers.validate import cells_as_text, check_lonlat, parse_table

#: The repository root: a scenario's ``base`` may also be given relative to it.
REPO_DIR = Path(__file__).resolve().parents[2]

#: Sections of a scenario that override the base profile (deep-merged).
PROFILE_SECTIONS: tuple[str, ...] = ("needs", "constraints", "weights", "two_site")
#: Keys of the ``[scenario]`` table.
SCENARIO_KEYS: tuple[str, ...] = ("name", "base", "description")
#: Kinds of data change (``[[data.<kind>]]``).
DATA_KINDS: tuple[str, ...] = ("zone", "site", "add_site", "withdraw_site")
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
#: Grid fields a ``[[data.zone]]`` entry may change (by area or by municipality).
ZONE_FIELDS: tuple[str, ...] = tuple(dict.fromkeys([*AREA_FIELDS, *MUNICIPALITY_FIELDS]))
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


@dataclass(frozen=True)
class Scenario:
    """A base case and the changes to it (see the module docstring for the file format).

    Attributes
    ----------
    name
        Short name shown in comparisons.
    file
        The scenario file (as given), used in every message.
    base
        The base profile file.
    description
        Free text.
    profile_changes
        ``{"needs": {...}, "constraints": {...}, "weights": {...}, "two_site": {...}}``.
    zones, sites, add_sites, withdraw_sites
        The ``[[data.*]]`` entries, in file order.
    """

    name: str
    file: str
    base: Path
    description: str = ""
    profile_changes: Mapping[str, Any] = field(default_factory=dict)
    zones: tuple[Mapping[str, Any], ...] = ()
    sites: tuple[Mapping[str, Any], ...] = ()
    add_sites: tuple[Mapping[str, Any], ...] = ()
    withdraw_sites: tuple[Mapping[str, Any], ...] = ()

    @property
    def changes_data(self) -> bool:
        """Whether the scenario changes the layers (not only the profile)."""
        return bool(self.zones or self.sites or self.add_sites or self.withdraw_sites)


def is_scenario_file(path: str | Path) -> bool:
    """Return whether a TOML file is a scenario (it has a ``[scenario]`` table).

    Raises
    ------
    SitingInputError
        When the file cannot be read as TOML.
    """
    return isinstance(read_toml(path).get("scenario"), dict)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file.

    Parameters
    ----------
    path
        The scenario TOML file.

    Returns
    -------
    Scenario

    Raises
    ------
    SitingInputError
        Every problem of the file's structure (unknown keys and sections, a missing or unknown
        base), each naming the file and the key. Values are checked by :func:`apply_scenario`.
    """
    path = Path(path)
    return parse_scenario(read_toml(path), file=str(path), folder=path.parent)


def parse_scenario(
    content: Mapping[str, Any], *, file: str, folder: str | Path | None = None
) -> Scenario:
    """Check a parsed scenario mapping and return the :class:`Scenario`.

    Parameters
    ----------
    content
        The parsed TOML.
    file
        Name used in the messages.
    folder
        Folder a relative ``base`` is resolved against first (then the repository root, then
        the working directory); default the working directory.

    Returns
    -------
    Scenario

    Raises
    ------
    SitingInputError
        With every structural problem found.
    """
    problems: list[Problem] = []

    def problem(key: str | None, message: str) -> None:
        problems.append(Problem(file=file, column=key, label="key", message=message))

    head = content.get("scenario")
    if not isinstance(head, dict):
        raise SitingInputError(
            Problem(
                file=file,
                column="scenario",
                label="key",
                message="a scenario needs a [scenario] table with "
                "`base` (the profile it changes) and `name`",
            )
        )
    allowed_top = ("scenario", *PROFILE_SECTIONS, "data")
    for key in content:
        if key not in allowed_top:
            problem(key, f"unknown section; allowed: {', '.join(allowed_top)}")
    for key in head:
        if key not in SCENARIO_KEYS:
            problem(f"scenario.{key}", f"unknown key; allowed: {', '.join(SCENARIO_KEYS)}")
    for key in ("name", "description"):
        if key in head and not isinstance(head[key], str):
            problem(f"scenario.{key}", "must be text")
    base = head.get("base")
    base_path = None
    if not isinstance(base, str) or not base.strip():
        problem(
            "scenario.base",
            "required: the profile (TOML) this scenario changes, relative "
            "to the scenario file or to the repository",
        )
    else:
        base_path = _resolve_base(base, folder)
        if base_path is None:
            problem(
                "scenario.base",
                f"{excerpt(str(base))} not found (looked next to the scenario file, "
                "in the repository and in the working directory)",
            )
    changes: dict[str, Any] = {}
    for section in PROFILE_SECTIONS:
        if section in content:
            if not isinstance(content[section], dict):
                problem(section, "must be a table")
            else:
                changes[section] = content[section]
    data = content.get("data", {})
    entries: dict[str, tuple[Mapping[str, Any], ...]] = dict.fromkeys(DATA_KINDS, ())
    if not isinstance(data, dict):
        problem(
            "data",
            "must hold [[data.zone]], [[data.site]], [[data.add_site]] or "
            "[[data.withdraw_site]] entries",
        )
    else:
        for kind, items in data.items():
            if kind not in DATA_KINDS:
                problem(
                    f"data.{kind}",
                    f"unknown kind of data change; allowed: "
                    f"{', '.join(f'data.{k}' for k in DATA_KINDS)}",
                )
                continue
            if isinstance(items, dict):
                items = [items]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                problem(f"data.{kind}", f"write each change as a [[data.{kind}]] table")
                continue
            entries[kind] = tuple(items)
    if problems:
        raise SitingInputError(problems)
    assert base_path is not None
    name = str(head.get("name") or Path(file).stem)
    return Scenario(
        name=name,
        file=file,
        base=base_path,
        description=str(head.get("description", "")),
        profile_changes=changes,
        zones=entries["zone"],
        sites=entries["site"],
        add_sites=entries["add_site"],
        withdraw_sites=entries["withdraw_site"],
    )


def apply_scenario(
    scenario: Scenario | str | Path,
    data: GeoData | None = None,
    *,
    catalogue: Catalogue | str | Path | None = None,
) -> tuple[Profile, GeoData]:
    """Apply a scenario: the changed profile and a changed copy of the layers.

    Parameters
    ----------
    scenario
        A :class:`Scenario` or its file.
    data
        The layers to change (not modified); default :func:`siting.load_geodata`.
    catalogue
        Criteria catalogue, to check ``[weights]`` keys; default the project's.

    Returns
    -------
    profile : Profile
        The base profile with the scenario's overrides, validated.
    data : GeoData
        ``data`` itself when the scenario changes no data, else a new object with a new
        ``sites`` frame and/or grid overrides (so site tables are rebuilt for it).

    Raises
    ------
    SitingInputError
        Every problem, each naming the scenario file, the entry (``data.site[2]``) and the
        key: unknown keys, site ids or municipality codes, values the schema refuses.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    data = load_geodata() if data is None else data
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    file = scenario.file
    problems: list[Problem] = []
    base = load_profile(scenario.base)
    merged = _deep_merge(base.model_dump(mode="python"), dict(scenario.profile_changes))
    try:
        profile = parse_profile(merged, file=file)
    except SitingInputError as exc:
        problems.extend(exc.problems)
        profile = None
    weights = scenario.profile_changes.get("weights", {})
    for key in weights if isinstance(weights, dict) else ():
        if key not in catalogue.criteria:
            problems.append(
                Problem(
                    file=file,
                    column=f"weights.{key}",
                    label="key",
                    message=f"unknown criterion; known: {', '.join(catalogue.criteria)}",
                )
            )
    sites, overrides = data.sites, data.grid_overrides
    if scenario.zones:
        overrides = tuple(data.grid_overrides) + zone_overrides(
            scenario.zones, data, file=file, name=scenario.name, problems=problems
        )
    if scenario.sites or scenario.add_sites or scenario.withdraw_sites:
        sites = _apply_sites(scenario, data, problems)
    if problems:
        raise SitingInputError(problems)
    assert profile is not None
    if sites is data.sites and overrides == data.grid_overrides:
        return profile, data
    files = dict(data.files)
    return profile, replace(data, sites=sites, grid_overrides=overrides, files=files)


def load_case(
    path: str | Path,
    *,
    data: GeoData | None = None,
    geodata_dir: str | Path | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> tuple[str, Profile, GeoData]:
    """Read a profile file or a scenario file (detected by its ``[scenario]`` table).

    Returns
    -------
    name : str
        The scenario's name, or the profile's company id.
    profile : Profile
    data : GeoData
        The layers the case is ranked on (changed by a scenario).
    """
    data = load_geodata(geodata_dir) if data is None else data
    if is_scenario_file(path):
        scenario = load_scenario(path)
        profile, data = apply_scenario(scenario, data, catalogue=catalogue)
        return scenario.name, profile, data
    profile = load_profile(path)
    return profile.company.id, profile, data


# --- internals --------------------------------------------------------------------------------


def _resolve_base(base: str, folder: str | Path | None) -> Path | None:
    given = Path(base)
    candidates = (
        [given]
        if given.is_absolute()
        else [*([Path(folder) / given] if folder is not None else []), REPO_DIR / given, given]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None


def _deep_merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _text(value: Any) -> str:
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


def _apply_sites(scenario: Scenario, data: GeoData, problems: list[Problem]) -> gpd.GeoDataFrame:
    file = scenario.file
    sites = data.sites
    ids = sites["site_id"].tolist()
    frame = pd.DataFrame(sites.drop(columns="geometry")).reset_index(drop=True)
    geometry = list(sites.geometry)
    spec_columns = [c.name for c in SITES.columns]
    for n, entry in enumerate(scenario.sites, start=1):
        where = f"data.site[{n}]"
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
        if site_id is None:
            problems.append(
                Problem(
                    file=file,
                    column=f"{where}.site_id",
                    label="key",
                    message="required: the id of the site to change",
                )
            )
            continue
        if site_id not in ids:
            problems.append(
                Problem(
                    file=file,
                    column=f"{where}.site_id",
                    label="key",
                    message=f"unknown site {excerpt(site_id)} (not in the sites layer)",
                )
            )
            continue
        i = ids.index(site_id)
        changes = {k: v for k, v in entry.items() if k in SITE_FIELDS}
        if not changes:
            if not bad_keys:
                problems.append(
                    Problem(file=file, column=where, label="key", message="changes nothing")
                )
            continue
        row = frame.iloc[[i]][spec_columns].apply(cells_as_text)
        for key, value in changes.items():
            row[key] = _text(value)
        for key, value in _asserted(changes, f"what-if scenario '{scenario.name}'").items():
            row[key] = _text(value)
        parsed, found = parse_table(row, SITES, file=file, first_row=1)
        found += record_rules(SITES, parsed, file=file, first_row=1)
        if found:
            problems.extend(_relocate(found, file, where))
            continue
        note = f"what-if scenario '{scenario.name}': " + ", ".join(
            f"{k} = {v}" for k, v in changes.items() if k != "notes"
        )
        parsed.loc[0, "notes"] = " | ".join(
            t for t in (str(parsed["notes"].iloc[0] or ""), note) if t.strip()
        )
        for key in spec_columns:
            frame.loc[i, key] = parsed[key].iloc[0]
    added_rows: list[dict[str, Any]] = []
    munis = data.municipalities.set_index("gm_code")
    for n, entry in enumerate(scenario.add_sites, start=1):
        where = f"data.add_site[{n}]"
        bad_keys = [k for k in entry if k not in spec_columns]
        for key in bad_keys:
            problems.append(
                Problem(
                    file=file,
                    column=f"{where}.{key}",
                    label="key",
                    message=f"unknown key; a site record has {', '.join(spec_columns)}",
                )
            )
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
            problems.extend(_relocate(found, file, where))
            continue
        added_rows.append(parsed)
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
        if site_id is None:
            problems.append(
                Problem(
                    file=file,
                    column=f"{where}.site_id",
                    label="key",
                    message="required: the id of the site to withdraw",
                )
            )
        elif site_id not in ids:
            problems.append(
                Problem(
                    file=file,
                    column=f"{where}.site_id",
                    label="key",
                    message=f"unknown site {excerpt(site_id)} (not in the sites layer)",
                )
            )
        else:
            withdraw.add(str(site_id))
    if problems:
        return sites
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
        geometry += list(xy)
    keep = ~frame["site_id"].isin(withdraw).to_numpy()
    out = gpd.GeoDataFrame(
        frame[keep].reset_index(drop=True),
        geometry=np.asarray(geometry, dtype=object)[keep],
        crs=settings.working_crs,
    )
    return out
