"""siting: find where in the Netherlands a growing deeptech company can relocate.

Data flows one way: layers (:mod:`siting.layers`) -> site table (:mod:`siting.site_table`)
-> criteria -> model -> result -> outputs. This module re-exports the public API.
"""

from __future__ import annotations

from siting import settings, vocab
from siting._errors import InfeasibleError, Problem, SitingInputError
from siting.criteria import evaluate, load_catalogue, site_facts
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
from siting.profile import Profile, load_profile, parse_profile
from siting.rank import rank_sites
from siting.result import RankingResult, ranking_from_dict
from siting.site_table import build_site_table, site_table

__all__ = [
    "CheckReport",
    "GeoData",
    "InfeasibleError",
    "Problem",
    "Profile",
    "RankingResult",
    "SitingInputError",
    "build_site_table",
    "check_geodata",
    "data_info",
    "evaluate",
    "load_campuses",
    "load_catalogue",
    "load_geodata",
    "load_grid_congestion",
    "load_municipal_mergers",
    "load_municipalities",
    "load_profile",
    "load_sites",
    "load_stem_talent",
    "parse_profile",
    "rank_sites",
    "ranking_from_dict",
    "settings",
    "site_facts",
    "site_table",
    "vocab",
]
