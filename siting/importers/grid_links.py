"""Link municipalities and sites to the capacity map's areas from the postcode table.

``congestie_pc6.csv`` (when a user has it) gives every 6-digit postcode its supply area, its
TenneT station and its municipality: :func:`links_from_postcodes` links each municipality to
every area feeding its postcodes (confidence ``reported``, with the share of its postcodes);
:func:`site_links_from_postcodes` places single sites whose postcode is known
(:func:`read_site_postcodes`).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.importers.grid_layers import typed_layer
from siting.layers.schema import GRID_AREA_LINKS

_LINK_COLUMNS = [c.name for c in GRID_AREA_LINKS.columns]


def links_from_postcodes(postcodes: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Link every municipality to each supply area (and TenneT station) that feeds its postcodes.

    Parameters
    ----------
    postcodes
        From :func:`siting.importers.capacity_map.read_postcode_areas`.
    areas
        The ``grid_areas`` layer (:func:`build_grid_areas`) the ids must be in.

    Returns
    -------
    pandas.DataFrame
        The ``grid_area_links`` layer: one row per (municipality, supply area, TenneT
        station) with the share of the municipality's postcodes [-], confidence
        ``reported``; a postcode without a supply area links its TenneT station.

    Raises
    ------
    SitingInputError
        When a postcode names a supply area or station that ``areas`` does not have (located
        in the postcode file).
    """
    _check_ids(postcodes, areas)
    file = Path(str(postcodes.attrs.get("file", "congestie_pc6.csv"))).name
    frame = pd.DataFrame(
        {
            "gm_code": postcodes["gm_code"].to_numpy(dtype=object),
            "zone": postcodes["zone_id"].fillna("").to_numpy(dtype=object),
            "tennet": postcodes["tennet_id"].fillna("").to_numpy(dtype=object),
        }
    )
    frame = frame[frame["zone"].ne("") | frame["tennet"].ne("")]
    if frame.empty:
        return typed_layer(pd.DataFrame({c: [] for c in _LINK_COLUMNS}), GRID_AREA_LINKS)
    total = postcodes.groupby("gm_code").size()
    counts = frame.groupby(["gm_code", "zone", "tennet"], sort=True).size().reset_index(name="n")
    rows = []
    for gm, zone, tennet, n in counts.itertuples(index=False):
        of = int(total[gm])
        area = zone or tennet
        rows.append(
            {
                "link_id": "|".join(p for p in (gm, zone, tennet) if p),
                "gm_code": gm,
                "site_id": None,
                "area_id": area,
                "tennet_id": tennet if zone and tennet else None,
                "share": round(n / of, 4),
                "confidence": "reported",
                "method": f"{file}: {n:,} of the municipality's {of:,} postcodes",
                "source_url": file,
            }
        )
    return typed_layer(pd.DataFrame(rows)[_LINK_COLUMNS], GRID_AREA_LINKS)


def read_site_postcodes(path: str | Path) -> pd.DataFrame:
    """Read a ``site_id,postcode`` CSV (the postcodes of sites, to place them exactly).

    Returns
    -------
    pandas.DataFrame
        Columns ``site_id`` and ``postcode`` (``1234AB``), indexed by the file's row.

    Raises
    ------
    SitingInputError
        For a missing file or column, or a malformed postcode (located).
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    data = read_capped(path, what="site postcode table")
    try:
        raw = pd.read_csv(io.StringIO(data.decode("utf-8-sig")), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"not a valid CSV file: {excerpt(str(exc), limit=200, quote=False)}",
            )
        ) from None
    missing = {"site_id", "postcode"} - set(raw.columns)
    if missing:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"missing column(s) {', '.join(sorted(missing))}; expected "
                "site_id,postcode",
            )
        )
    postcode = raw["postcode"].str.replace(r"\s+", "", regex=True).str.upper()
    bad = ~postcode.str.fullmatch(r"\d{4}[A-Z]{2}")
    problems = [
        Problem(
            file=file,
            row=int(i) + 2,
            column="postcode",
            message=f"{excerpt(raw['postcode'].iloc[i])} is not a 6-digit postcode (like 1234AB)",
        )
        for i in np.flatnonzero(bad.to_numpy())
    ]
    if problems:
        raise SitingInputError(problems)
    out = pd.DataFrame({"site_id": raw["site_id"].str.strip(), "postcode": postcode})
    out.index = pd.Index(np.arange(len(out)) + 2, name="row")
    out.attrs["file"] = file
    return out


def site_links_from_postcodes(
    site_postcodes: pd.DataFrame, postcodes: pd.DataFrame, areas: pd.DataFrame
) -> pd.DataFrame:
    """Place sites by their postcode: one ``reported`` link per site to the area feeding it.

    Parameters
    ----------
    site_postcodes
        From :func:`read_site_postcodes`.
    postcodes, areas
        As :func:`links_from_postcodes`.

    Returns
    -------
    pandas.DataFrame
        ``grid_area_links`` rows with ``site_id`` set (they replace the municipality's links
        for that site).

    Raises
    ------
    SitingInputError
        For a site postcode that is not in the postcode table (located in the site file).
    """
    _check_ids(postcodes, areas)
    by_code = postcodes.reset_index().drop_duplicates("postcode").set_index("postcode")
    file = str(site_postcodes.attrs.get("file", "<site postcodes>"))
    pc_file = Path(str(postcodes.attrs.get("file", "congestie_pc6.csv"))).name
    rows, problems = [], []
    for row, site_id, code in site_postcodes[["site_id", "postcode"]].itertuples():
        if code not in by_code.index:
            problems.append(
                Problem(
                    file=file,
                    row=int(row),
                    column="postcode",
                    message=f"postcode {code} is not in {pc_file}",
                )
            )
            continue
        hit = by_code.loc[code]
        zone = hit["zone_id"] or ""
        tennet = hit["tennet_id"] or ""
        if not (zone or tennet):
            continue
        rows.append(
            {
                "link_id": "|".join(p for p in (site_id, zone, tennet) if p),
                "gm_code": hit["gm_code"],
                "site_id": site_id,
                "area_id": zone or tennet,
                "tennet_id": tennet if zone and tennet else None,
                "share": 1.0,
                "confidence": "reported",
                "method": f"postcode {code} in {pc_file} (row {int(hit['row'])})",
                "source_url": pc_file,
            }
        )
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(rows, columns=_LINK_COLUMNS)
    return typed_layer(frame, GRID_AREA_LINKS)


def _check_ids(postcodes: pd.DataFrame, areas: pd.DataFrame) -> None:
    """Every supply area and station a postcode names must be in the area layer."""
    file = str(postcodes.attrs.get("file", "<postcodes>"))
    known = set(areas["area_id"])
    rows = postcodes.index.to_numpy() if postcodes.index.name == "row" else None
    problems = []
    for column, label in (("zone_id", "voedingsgebied_id"), ("tennet_id", "tennet_id")):
        values = postcodes[column]
        unknown = (values.notna() & ~values.isin(known)).to_numpy()
        for k, i in enumerate(np.flatnonzero(unknown)):
            if k == 20:
                problems.append(
                    Problem(
                        file=file,
                        column=label,
                        message=f"... and {int(unknown.sum()) - 20:,} more rows with such problems",
                    )
                )
                break
            problems.append(
                Problem(
                    file=file,
                    row=int(rows[i]) if rows is not None else int(i) + 2,
                    column=label,
                    message=f"{excerpt(values.iloc[i])} is not in the capacity map's area files",
                )
            )
    if problems:
        raise SitingInputError(problems)
