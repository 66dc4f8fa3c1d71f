"""The records of one ranking: recommendations with reasons and caveats, and site outcomes.

What became of every candidate site is kept for maps and tables.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np

from siting import settings
from siting._memo import IdentityMemo
from siting.criteria.evaluation import Evaluation
from siting.jobs.explain import separation
from siting.jobs.explain_sites import (
    breakdowns,
    constraint_lines_at,
    questions_at,
    weight_ranges_at,
)
from siting.layers.site_cells import (
    RANKING_COLUMNS,
    SiteCells,
    cell_values,
    is_missing,
    site_columns,
)
from siting.results.ranking import Recommendation
from siting.results.site_outcomes import OutcomeColumns, SiteOutcomes

if TYPE_CHECKING:
    import pandas as pd


def recommendations(
    ev: Evaluation, table: pd.DataFrame | SiteCells, ranked: list[int], feasible: np.ndarray
) -> tuple[Recommendation, ...]:
    """Return the recommendations in rank order, each explained against the next one."""
    nexts = [*ranked[1:], None][: len(ranked)]
    return explained(
        ev, table, ranked, ranks=range(1, len(ranked) + 1), nexts=nexts, candidates=feasible
    )


def site_outcomes(
    ev: Evaluation, table: pd.DataFrame | SiteCells, ranked: list[int]
) -> SiteOutcomes:
    """Return every candidate site's outcome: recommended, feasible or excluded, and why.

    The records are built when first read (:class:`~siting.results.site_outcomes.SiteOutcomes`),
    from the evaluation's arrays as they are now (an evaluation is not changed afterwards).
    """
    cols = site_columns(table)
    return SiteOutcomes(
        OutcomeColumns(
            site_ids=ev.site_ids,
            names=cols.name,
            municipalities=cols.municipality,
            provinces=cols.province,
            lons=cols.lon,
            lats=cols.lat,
            location_kinds=cols.location_kind,
            ranked=tuple(ranked),
            feasible=ev.feasible,
            unverified=ev.unverified,
            utility=ev.utility,
            rule_ok=tuple(con.ok for con in ev.constraints),
            rule_unknown=tuple(con.unknown for con in ev.constraints),
            rule_labels=tuple(con.label for con in ev.constraints),
        )
    )


def _row(table: pd.DataFrame | SiteCells, i: int) -> Mapping[str, Any]:
    """Return the columns an explanation needs of one site (cheaper than a row lookup).

    The cells are whatever the site table holds (numbers, text, missing values, tuples).

    The cells are those of ``table.iat``, read from arrays remembered per table
    (:func:`~siting.jobs.site_columns.cell_values`): a column lookup on a GeoDataFrame costs
    far more than the cell, and a cell of an arrow text column costs microseconds, so each
    site's row is read once per table and kept (read-only: a mapping proxy).
    """
    rows = _ROWS.get((table,), dict)
    row = rows.get(i)
    if row is None:
        cells = cell_values(table, RANKING_COLUMNS)
        row = rows[i] = MappingProxyType({column: cells[column][i] for column in RANKING_COLUMNS})
    return row


#: Per site table: site index -> :func:`_row`, for the sites explained so far.
_ROWS: IdentityMemo[dict[int, Mapping[str, Any]]] = IdentityMemo()


def recommendation(
    ev: Evaluation,
    table: pd.DataFrame | SiteCells,
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
    return explained(ev, table, [i], ranks=[rank], nexts=[next_index], candidates=candidates)[0]


def explained(
    ev: Evaluation,
    table: pd.DataFrame | SiteCells,
    sites: Sequence[int],
    *,
    ranks: Sequence[int],
    nexts: Sequence[int | None],
    candidates: np.ndarray,
) -> tuple[Recommendation, ...]:
    """Return sites as recommendations, their numbers read for all of them at once.

    Parameters
    ----------
    ev
        The evaluation.
    table
        The site table (names, places, the facts behind the caveats).
    sites
        Site indices.
    ranks
        Each site's rank.
    nexts
        Each site's next site in the ranking (what separates the two), or ``None``.
    candidates
        The feasible sites the rank-stability ranges are computed against.

    Returns
    -------
    tuple of Recommendation
        In the order of ``sites``.
    """
    names = site_columns(table).name
    at = np.asarray(sites, dtype=np.intp)
    utility = _rounded(ev.utility, at)
    unverified = ev.unverified[at].tolist()
    parts = zip(
        sites,
        ranks,
        nexts,
        utility,
        unverified,
        questions_at(ev, sites),
        breakdowns(ev, sites),
        constraint_lines_at(ev, sites),
        weight_ranges_at(ev, sites, candidates),
        strict=True,
    )
    out = []
    for i, rank, nxt, score, unsure, questions, lines, rules, ranges in parts:
        row = _row(table, i)
        out.append(
            Recommendation(
                rank=rank,
                site_id=ev.site_ids[i],
                name=str(row["name"]),
                municipality=str(row["municipality"]),
                province=str(row["province"]),
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                utility=score,
                unverified=unsure,
                questions=questions,
                breakdown=lines,
                constraints=rules,
                stability=ranges,
                versus_next=None if nxt is None else separation(ev, i, nxt, names[nxt]),
                caveats=_caveats(row),
                location_kind=row["location_kind"]
                if isinstance(row["location_kind"], str)
                else "site",
            )
        )
    return tuple(out)


def _rounded(values: np.ndarray, at: np.ndarray) -> list[float]:
    """Return ``round(float(values[i]), 4)`` for every ``i`` of ``at``."""
    return [round(v, 4) for v in np.asarray(values[at], dtype=float).tolist()]


def _caveats(row: Mapping[str, Any]) -> tuple[str, ...]:
    """How sure the facts behind a site are, in words."""
    out = []
    age = settings.fact_max_age_years
    year = row["available_ha_year"]
    if is_missing(row["available_ha"]):
        out.append("available area unknown")
    else:
        when = (
            f", figure from {int(year)}" if not is_missing(year) else ", year of figure not stated"
        )
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


def _grid_caveat(row: Mapping[str, Any]) -> str:
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
