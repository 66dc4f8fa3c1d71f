"""A site's surroundings from the municipality it lies in: hotspot and CBS proxies.

Two kinds of fact are joined onto the site table by the site's municipality (``gm_code``):

- **Technology hotspot** (brandpunt) of the programme (``hotspots.csv``): the hotspot whose
  core municipalities include the site's, with its NTS domains and its status (``established``
  or ``in_development``, Almere). A site outside every hotspot's core has none.
- **CBS municipal proxies** (``municipalities.csv``, CBS 85039NED, 2021 edition): average WOZ
  value of dwellings [kEUR] and vacancy [%] for housing pressure, the urbanisation class
  (1 very strongly urban .. 5 not urban) for accessibility, and the share of business
  establishments in industry and energy (SBI B-F) [%] for an industrial cluster. They describe
  the municipality, not the site, and are labelled proxies with their year everywhere they are
  shown (:data:`PROXY_NOTE`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from siting import vocab

if TYPE_CHECKING:
    import pandas as pd

#: Site-table column -> municipality-layer column of the proxies.
PROXY_COLUMNS: dict[str, str] = {
    "muni_woz_avg_keur": "woz_avg_keur",
    "muni_vacancy_pct": "vacancy_pct",
    "muni_urbanisation_class": "urbanisation_class",
    "muni_industry_energy_pct": "industry_energy_pct",
}

#: The columns this module adds, with their meaning and unit (for the site-table docs).
CONTEXT_COLUMNS: dict[str, str] = {
    "hotspot_id": "technology hotspot whose core municipalities include the site's (empty: none)",
    "hotspot_name": "its name",
    "hotspot_status": "established or in_development",
    "hotspot_domains": "NTS domains the hotspot is strong in",
    "hotspot_core_domains": "its core (flagship) domains; the others are secondary",
    "muni_woz_avg_keur": "PROXY for housing pressure: average WOZ value of dwellings in the "
    "site's municipality [kEUR] (CBS 85039NED, 2021 edition)",
    "muni_vacancy_pct": "PROXY for housing pressure: uninhabited dwellings there [%] (CBS 2021)",
    "muni_urbanisation_class": "PROXY for accessibility: CBS urbanisation class there, 1 very "
    "strongly urban .. 5 not urban (CBS 2021)",
    "muni_industry_energy_pct": "PROXY for an industrial cluster: establishments in industry "
    "and energy (SBI B-F) there, share of all [%] (CBS 2021)",
    "proxy_year": "year of the CBS figures",
}

#: How the proxies are labelled wherever they are shown.
PROXY_NOTE = "municipality of the site, CBS {year}: a proxy"


def context_columns(
    table: pd.DataFrame, municipalities: pd.DataFrame, hotspots: pd.DataFrame
) -> dict[str, object]:
    """Return the hotspot and proxy columns for the sites of a table.

    Parameters
    ----------
    table
        Site records with ``gm_code``.
    municipalities
        The municipality layer (with the CBS proxy columns where the file has them).
    hotspots
        The hotspot layer (``gm_codes`` and ``nts_domains`` as tuples).

    Returns
    -------
    dict
        :data:`CONTEXT_COLUMNS` -> values, one per site (NaN, ``None`` or ``()`` unknown).
    """
    import pandas as pd

    codes = table["gm_code"].astype("string")
    n = len(table)
    member: dict[str, dict[str, Any]] = {}
    for row in hotspots.to_dict("records"):
        for code in row["gm_codes"] or ():
            member.setdefault(str(code), row)  # first listed wins (no overlap in the data)
    rows = [member.get(str(c)) if not pd.isna(c) else None for c in codes]
    out: dict[str, object] = {
        "hotspot_id": pd.Series([r["hotspot_id"] if r else None for r in rows], dtype=object),
        "hotspot_name": pd.Series([r["name"] if r else None for r in rows], dtype=object),
        "hotspot_status": pd.Series([r["status"] if r else None for r in rows], dtype=object),
        "hotspot_domains": pd.Series(
            [tuple(d for d in vocab.NTS_DOMAINS if r and d in r["nts_domains"]) for r in rows],
            dtype=object,
        ),
        "hotspot_core_domains": pd.Series(
            [
                tuple(d for d in vocab.NTS_DOMAINS if r and d in (r.get("core_domains") or ()))
                for r in rows
            ],
            dtype=object,
        ),
    }
    muni = pd.DataFrame(municipalities).set_index("gm_code")
    for column, source in {**PROXY_COLUMNS, "proxy_year": "figures_year"}.items():
        if source in muni:
            values = codes.map(muni[source].astype(float)).astype(float).to_numpy()
        else:
            values = np.full(n, np.nan)
        out[column] = values
    return out
