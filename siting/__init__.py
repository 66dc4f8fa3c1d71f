"""siting: find where in the Netherlands a growing deeptech company can relocate.

Data flows one way: layers (:mod:`siting.layers`) -> site table (:mod:`siting.site_table`)
-> criteria -> model -> result -> outputs. This module re-exports the public API.
"""

from __future__ import annotations

from siting import settings, vocab
from siting._errors import InfeasibleError, Problem, SitingInputError
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
from siting.site_table import build_site_table, site_table

__all__ = [
    "CheckReport",
    "GeoData",
    "InfeasibleError",
    "Problem",
    "SitingInputError",
    "build_site_table",
    "check_geodata",
    "data_info",
    "load_campuses",
    "load_geodata",
    "load_grid_congestion",
    "load_municipal_mergers",
    "load_municipalities",
    "load_sites",
    "load_stem_talent",
    "settings",
    "site_table",
    "vocab",
]
