"""siting: find where in the Netherlands a growing deeptech company can relocate.

Data flows one way, and the subpackages show it::

    layers/, importers/  data in: the layers, validated, joined into the site table
    inputs/              what a user gives: profile, leads, catalogue, scenario
    criteria/            per site: rule slacks and criterion scores (never imports model/)
    model/               optimisation cores on arrays (site choice, two sites, assignment)
    results/             frozen result objects
    jobs/                the glue: rank, screen, assign, compare, sweep
    outputs/             terminal, tables, maps (read results only)
    cli/                 the command line over the jobs

This module re-exports the public API. Names are imported on first use, so ``import siting``
(and ``siting --help``) stays fast: a command pays only for the modules it uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from siting import settings, vocab
from siting._errors import Problem, SitingInputError
from siting._lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover - for type checkers and readers only
    from siting.criteria.evaluation import evaluate
    from siting.criteria.site_facts import site_facts
    from siting.inputs.catalogue import load_catalogue
    from siting.inputs.leads import read_leads
    from siting.inputs.profile import Profile, load_profile, parse_profile
    from siting.inputs.scenario import apply_scenario, load_scenario
    from siting.jobs.assign import assign_leads
    from siting.jobs.compare import compare
    from siting.jobs.rank import rank_sites
    from siting.jobs.screen import screen_leads
    from siting.jobs.sweep import sweep
    from siting.layers.info import data_info
    from siting.layers.load import (
        CheckReport,
        GeoData,
        check_geodata,
        load_campuses,
        load_geodata,
        load_grid_congestion,
        load_hotspots,
        load_municipal_mergers,
        load_municipalities,
        load_sites,
        load_stem_talent,
    )
    from siting.layers.site_table import build_site_table, site_table
    from siting.outputs.maps.ranking import render_map, save_map
    from siting.outputs.tables import write_result
    from siting.results.ranking import RankingResult
    from siting.results.ranking_dict import ranking_from_dict

#: Public name -> the module that owns it.
_LAZY: dict[str, str] = {
    "evaluate": "siting.criteria.evaluation",
    "site_facts": "siting.criteria.site_facts",
    "load_catalogue": "siting.inputs.catalogue",
    "read_leads": "siting.inputs.leads",
    "Profile": "siting.inputs.profile",
    "load_profile": "siting.inputs.profile",
    "parse_profile": "siting.inputs.profile",
    "apply_scenario": "siting.inputs.scenario",
    "load_scenario": "siting.inputs.scenario",
    "assign_leads": "siting.jobs.assign",
    "compare": "siting.jobs.compare",
    "rank_sites": "siting.jobs.rank",
    "screen_leads": "siting.jobs.screen",
    "sweep": "siting.jobs.sweep",
    "data_info": "siting.layers.info",
    "CheckReport": "siting.layers.load",
    "GeoData": "siting.layers.load",
    "check_geodata": "siting.layers.load",
    "load_campuses": "siting.layers.load",
    "load_geodata": "siting.layers.load",
    "load_grid_congestion": "siting.layers.load",
    "load_hotspots": "siting.layers.load",
    "load_municipal_mergers": "siting.layers.load",
    "load_municipalities": "siting.layers.load",
    "load_sites": "siting.layers.load",
    "load_stem_talent": "siting.layers.load",
    "build_site_table": "siting.layers.site_table",
    "site_table": "siting.layers.site_table",
    "render_map": "siting.outputs.maps.ranking",
    "save_map": "siting.outputs.maps.ranking",
    "write_result": "siting.outputs.tables",
    "RankingResult": "siting.results.ranking",
    "ranking_from_dict": "siting.results.ranking_dict",
}

__all__ = [
    "CheckReport",
    "GeoData",
    "Problem",
    "Profile",
    "RankingResult",
    "SitingInputError",
    "apply_scenario",
    "assign_leads",
    "build_site_table",
    "check_geodata",
    "compare",
    "data_info",
    "evaluate",
    "load_campuses",
    "load_catalogue",
    "load_geodata",
    "load_grid_congestion",
    "load_hotspots",
    "load_municipal_mergers",
    "load_municipalities",
    "load_profile",
    "load_scenario",
    "load_sites",
    "load_stem_talent",
    "parse_profile",
    "rank_sites",
    "ranking_from_dict",
    "read_leads",
    "render_map",
    "save_map",
    "screen_leads",
    "settings",
    "site_facts",
    "site_table",
    "sweep",
    "vocab",
    "write_result",
]


__getattr__, __dir__ = lazy_names(__name__, _LAZY)
