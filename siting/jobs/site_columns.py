"""The columns of a site table a ranking reads (:mod:`siting.layers.site_cells`), re-exported."""

from __future__ import annotations

from siting.layers.site_cells import SiteCells, SiteColumns, cell_values, site_columns

__all__ = ["SiteCells", "SiteColumns", "cell_values", "site_columns"]
