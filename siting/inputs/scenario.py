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

Reading and checking the file's structure is in :mod:`siting.inputs.scenario_file`, the site
changes in :mod:`siting.inputs.scenario_sites`; this module re-exports their public names.

Grid changes never edit the grid layers: they become what-if overrides of the grid join
(:mod:`siting.inputs.grid_scenario`), marked as such in every explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.grid_scenario import AREA_FIELDS, MUNICIPALITY_FIELDS, zone_overrides
from siting.inputs.profile import Profile, load_profile, parse_profile
from siting.inputs.scenario_file import (
    DATA_KINDS,
    PROFILE_SECTIONS,
    REPO_DIR,
    SCENARIO_KEYS,
    Scenario,
    is_scenario_file,
    load_scenario,
    parse_scenario,
)
from siting.inputs.scenario_sites import ADD_SITE_DEFAULTS, SITE_FIELDS, apply_sites
from siting.layers.load import GeoData, load_geodata

__all__ = [
    "ADD_SITE_DEFAULTS",
    "DATA_KINDS",
    "PROFILE_SECTIONS",
    "REPO_DIR",
    "SCENARIO_KEYS",
    "SITE_FIELDS",
    "ZONE_FIELDS",
    "Scenario",
    "apply_scenario",
    "is_scenario_file",
    "load_case",
    "load_scenario",
    "parse_scenario",
]

#: Grid fields a ``[[data.zone]]`` entry may change (by area or by municipality).
ZONE_FIELDS: tuple[str, ...] = tuple(dict.fromkeys([*AREA_FIELDS, *MUNICIPALITY_FIELDS]))


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
        sites = apply_sites(scenario, data, problems)
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


def _deep_merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``base`` with ``changes`` merged in, tables key by key."""
    out = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out
