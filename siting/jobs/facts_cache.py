"""Site facts kept with the site table in the on-disk cache, so a new process starts fast.

Extracting the arrays the criteria read from a site table (:func:`siting.criteria.site_facts`:
the campus distances per NTS domain, the grid chains, the fit and context facts) costs about
0.1 s of a cold ``siting rank`` at the national table; the stored result loads in a few
milliseconds. The entry's key is the site table's (:mod:`siting.layers.cache`: the layer
files, the layer code, the reach settings) plus the sources of :mod:`siting.criteria`, so an
edited criterion module never meets old facts. A site table not read through the on-disk
cache (layers built in memory, the cache switched off) gets its facts built as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from siting.criteria.site_facts import SiteFacts, site_facts
from siting.layers import cache
from siting.layers.load import GeoData
from siting.layers.site_table import with_geometry

if TYPE_CHECKING:
    import pandas as pd

#: id of the site table -> (that table, the layers it was built from, its facts).
_MEMORY: dict[int, tuple[pd.DataFrame, GeoData, SiteFacts]] = {}


def cached_site_facts(table: pd.DataFrame, data: GeoData) -> SiteFacts:
    """Return the facts of a site table built from ``data``, from the on-disk cache if there.

    Parameters
    ----------
    table
        The site table of ``data`` (:func:`siting.layers.site_table.site_table`), or a view of
        it (:func:`~siting.layers.site_table.site_frame`, ``site_cells``): the same facts.
    data
        The layers the table was built from; their campus layer gives the domain distances.

    Returns
    -------
    SiteFacts
        Equal to :func:`siting.criteria.site_facts.site_facts` of ``table`` and
        ``data.campuses``.
    """
    hit = _MEMORY.get(id(table))
    if hit is not None and hit[0] is table and hit[1] is data:
        return hit[2]
    base = cache.remembered_key(table, data)
    if base is None:
        return site_facts(with_geometry(table, data), data.campuses)
    key = cache.derived_key(base, "site_facts", cache.source_fingerprint("criteria"))
    facts = cache.load_entry("site-facts", key)
    if not (isinstance(facts, SiteFacts) and facts.site_ids == tuple(table["site_id"])):
        facts = site_facts(with_geometry(table, data), data.campuses)
        cache.store_entry("site-facts", key, facts)
    if len(_MEMORY) >= 8:
        _MEMORY.pop(next(iter(_MEMORY)))
    _MEMORY[id(table)] = (table, data, facts)
    return facts
