"""siting: find where in the Netherlands a growing deeptech company can relocate.

Data flows one way: layers (:mod:`siting.layers`) -> site table (:mod:`siting.site_table`)
-> criteria (:mod:`siting.criteria`) -> model (:mod:`siting.model`, :mod:`siting.assign`) ->
result (:mod:`siting.result`) -> outputs (:mod:`siting.report`, :mod:`siting.maps`, the CLI).
This module re-exports the public API.
"""

from __future__ import annotations

from siting import settings, vocab
from siting._errors import Problem, SitingInputError
from siting.assign import assign_leads
from siting.catalogue import load_catalogue
from siting.compare import compare
from siting.criteria import evaluate
from siting.info import data_info
from siting.layers import (
    CheckReport,
    GeoData,
    check_geodata,
    load_campuses,
    load_geodata,
    load_grid_congestion,
    load_municipal_mergers,
    load_municipalities,
    load_sites,
    load_stem_talent,
)
from siting.leads import read_leads
from siting.profile import Profile, load_profile, parse_profile
from siting.rank import rank_sites
from siting.result import RankingResult, ranking_from_dict
from siting.scenario import apply_scenario, load_scenario
from siting.screen import screen_leads
from siting.site_facts import site_facts
from siting.site_table import build_site_table, site_table
from siting.sweep import sweep

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
]


def __getattr__(name: str) -> object:
    """Import the map functions on first use (folium is slow to import)."""
    if name in ("render_map", "save_map"):
        from siting import maps

        return getattr(maps, name)
    raise AttributeError(f"module 'siting' has no attribute {name!r}")
