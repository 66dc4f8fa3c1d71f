"""The records of one ranking: recommendations with reasons and caveats, and site outcomes.

What became of every candidate site is kept for maps and tables.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from siting import settings
from siting.criteria.evaluation import Evaluation
from siting.jobs.explain import (
    breakdown,
    constraint_lines,
    separation,
    site_questions,
    weight_ranges,
)
from siting.jobs.site_columns import cell_values, site_columns
from siting.results.ranking import Recommendation, SiteOutcome


def recommendations(
    ev: Evaluation, table: pd.DataFrame, ranked: list[int], feasible: np.ndarray
) -> tuple[Recommendation, ...]:
    """Return the recommendations in rank order, each explained against the next one."""
    return tuple(
        recommendation(
            ev,
            table,
            i,
            rank=position + 1,
            next_index=ranked[position + 1] if position + 1 < len(ranked) else None,
            candidates=feasible,
        )
        for position, i in enumerate(ranked)
    )


def site_outcomes(
    ev: Evaluation, table: pd.DataFrame, ranked: list[int]
) -> tuple[SiteOutcome, ...]:
    """Return every candidate site's outcome: recommended, feasible or excluded, and why."""
    n = len(ev.site_ids)
    rank_of = np.zeros(n, dtype=int)
    rank_of[ranked] = np.arange(1, len(ranked) + 1)
    feasible = ev.feasible
    # per site a bit mask of the failing / unknown rules; the few distinct masks become labels
    fail_bits = np.zeros(n, dtype=np.int64)
    unknown_bits = np.zeros(n, dtype=np.int64)
    for bit, con in enumerate(ev.constraints):
        # a rule fails where the data say so, or where its fact is unknown and the profile
        # requires it verified (then it is listed as unknown too)
        fail_bits |= (~con.ok).astype(np.int64) << bit
        unknown_bits |= con.unknown.astype(np.int64) << bit
    labels = [con.label for con in ev.constraints]

    def names(mask: int) -> tuple[str, ...]:
        return tuple(label for bit, label in enumerate(labels) if mask >> bit & 1)

    fail_names = {m: names(m) for m in np.unique(fail_bits).tolist()}
    unknown_names = {m: names(m) for m in np.unique(unknown_bits).tolist()}
    outcome = np.where(rank_of > 0, "recommended", np.where(feasible, "feasible", "excluded"))
    rank_or_none = [r or None for r in rank_of.tolist()]
    cols = site_columns(table)
    columns = zip(
        ev.site_ids,
        cols.name,
        cols.municipality,
        cols.province,
        cols.lon,
        cols.lat,
        outcome.tolist(),
        rank_or_none,
        np.round(ev.utility, 4).tolist(),
        ev.unverified.tolist(),
        [fail_names[m] for m in fail_bits.tolist()],
        [unknown_names[m] for m in unknown_bits.tolist()],
        cols.location_kind,
        strict=True,
    )
    # positional, in the field order of SiteOutcome (thousands of sites: no keyword calls,
    # and tuple.__new__ directly: SiteOutcome._make only adds a length check, which zip's
    # fixed 13 columns make sure of)
    return tuple(map(partial(tuple.__new__, SiteOutcome), columns))


_ROW_COLUMNS = (
    "name",
    "municipality",
    "province",
    "lon",
    "lat",
    "location_kind",
    "available_ha",
    "available_ha_confidence",
    "available_ha_year",
    "available_ha_to_confirm",
    "status",
    "status_date",
    "status_to_confirm",
    "location_confidence",
    "afname_class",
    "grid_confidence",
    "congestion_status_date",
    "grid_basis",
    "grid_area_ids",
)


def _row(table: pd.DataFrame, i: int) -> dict[str, Any]:
    """Return the columns an explanation needs of one site (cheaper than a row lookup).

    The cells are whatever the site table holds (numbers, text, missing values, tuples).

    The cells are those of ``table.iat``, read from arrays remembered per table
    (:func:`~siting.jobs.site_columns.cell_values`): a column lookup on a GeoDataFrame costs
    far more than the cell.
    """
    cells = cell_values(table, _ROW_COLUMNS)
    return {column: cells[column][i] for column in _ROW_COLUMNS}


def recommendation(
    ev: Evaluation,
    table: pd.DataFrame,
    i: int,
    *,
    rank: int,
    next_index: int | None,
    candidates: np.ndarray,
) -> Recommendation:
    """Return site ``i`` as a recommendation: scores, rules, stability, caveats, questions.

    ``next_index`` is the next site in the ranking (what separates the two), ``candidates``
    the feasible sites the rank-stability ranges are computed against.
    """
    row = _row(table, i)
    nxt = next_index
    return Recommendation(
        rank=rank,
        site_id=ev.site_ids[i],
        name=str(row["name"]),
        municipality=str(row["municipality"]),
        province=str(row["province"]),
        lon=float(row["lon"]),
        lat=float(row["lat"]),
        utility=round(float(ev.utility[i]), 4),
        unverified=bool(ev.unverified[i]),
        questions=site_questions(ev, i),
        breakdown=breakdown(ev, i),
        constraints=constraint_lines(ev, i),
        stability=weight_ranges(ev, i, candidates),
        versus_next=None if nxt is None else separation(ev, i, nxt, site_columns(table).name[nxt]),
        caveats=_caveats(row),
        location_kind=row["location_kind"] if isinstance(row["location_kind"], str) else "site",
    )


def _caveats(row: dict[str, Any]) -> tuple[str, ...]:
    """How sure the facts behind a site are, in words."""
    out = []
    age = settings.fact_max_age_years
    year = row["available_ha_year"]
    if pd.isna(row["available_ha"]):
        out.append("available area unknown")
    else:
        when = f", figure from {int(year)}" if pd.notna(year) else ", year of figure not stated"
        text = f"available area {row['available_ha']:g} ha ({row['available_ha_confidence']}{when})"
        if row["available_ha_to_confirm"]:
            text += f": undated or older than {age} years, a fact to confirm"
        out.append(text)
    if row["status_to_confirm"]:
        out.append(
            f"status '{row['status']}' has no dated source of the last {age} years: to confirm"
        )
    if row["location_kind"] == "municipality":
        out.append(
            "placed at the municipality's point (the register gives no location): distances, "
            "talent reach and the grid zone are those of that point"
        )
    elif row["location_confidence"] != "reported":
        out.append(f"location {row['location_confidence']}")
    out.append(_grid_caveat(row))
    return tuple(out)


def _grid_caveat(row: dict[str, Any]) -> str:
    """Where the site's grid facts come from and how sure the link is, in words."""
    basis = str(row["grid_basis"])
    date = row["congestion_status_date"] or "date unknown"
    areas: tuple[str, ...] = tuple(row["grid_area_ids"] or ())
    if basis.startswith("fallback"):
        return (
            f"grid: no supply area placed in the municipality; class {row['afname_class']} "
            f"from the per-municipality approximation ({date})"
        )
    if basis == "none":
        return "grid: no supply area or TenneT station known for the municipality"
    if basis.startswith("TenneT station only"):
        return (
            f"grid: capacity map {date}: a TenneT station placed in the municipality, no supply "
            "area: the regional level is for the operator to confirm"
        )
    which = areas[0] if len(areas) == 1 else f"{len(areas)} candidate supply areas"
    how = "the site's postcode" if basis.startswith("site") else "its municipality"
    return (
        f"grid: capacity map {date}, {which} linked by {how} ({row['grid_confidence']}); "
        "which area feeds the plot is for the operator to confirm"
        if not basis.startswith("site")
        else f"grid: capacity map {date}, {which} by {how} ({row['grid_confidence']})"
    )
