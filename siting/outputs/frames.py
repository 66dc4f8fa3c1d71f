"""Rankings as tables: one DataFrame per table, for CSV, Excel and the Python API.

Screenings and assignments are in :mod:`siting.outputs.pipeline_frames`, comparisons and
sweeps in :mod:`siting.outputs.whatif_frames`.

The column names are field names (``available_ha``); :mod:`siting.outputs.columns` turns them
into readable headers with units in Excel. Coordinates are given in WGS84 (``lon``, ``lat``
[degree]); the GIS outputs (:mod:`siting.outputs.gis`) carry the geometry itself.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from siting._crs import to_display
from siting._wording import TO_CONFIRM, VERIFIED, format_gap
from siting.criteria.unknowns import QUESTIONS
from siting.outputs.excel import Sheet
from siting.results.ranking import RankingResult, Recommendation, format_value

if TYPE_CHECKING:
    import pandas as pd


def to_lonlat(xy: list[tuple[float, float] | None]) -> tuple[np.ndarray, np.ndarray]:
    """Return lon and lat [degree], 6 decimals, of points in EPSG:28992 (``nan`` for ``None``)."""
    x = np.array([math.nan if p is None else p[0] for p in xy], dtype=float)
    y = np.array([math.nan if p is None else p[1] for p in xy], dtype=float)
    lon, lat = np.full(len(x), math.nan), np.full(len(x), math.nan)
    known = np.isfinite(x) & np.isfinite(y)
    if known.any():
        lon[known], lat[known] = to_display(x[known], y[known])
    return np.round(lon, 6), np.round(lat, 6)


# --- ranking ---------------------------------------------------------------------------------


def check_text(rec: Recommendation) -> str:
    """Return whether a recommended site is verified or to confirm, and what to confirm.

    ``"verified: every rule met on the data"``, or ``"to confirm: <rule> (ask the <whom>);
    ..."`` (the whole questions are in :attr:`Recommendation.questions`).
    """
    if not rec.unverified:
        return f"{VERIFIED}: every rule met on the data"
    short = [
        f"{c.label} (ask the {QUESTIONS[c.constraint].ask})"
        if c.constraint in QUESTIONS
        else c.label
        for c in rec.constraints
        if c.status == "unknown"
    ]
    return f"{TO_CONFIRM}: " + "; ".join(short)


def ranking_frame(result: RankingResult) -> pd.DataFrame:
    """Return one row per recommended site: place, score, reasons, criteria and rules.

    Columns: ``case_id, rank, site_id, name, municipality, province, lon, lat, score,
    unverified, top_reasons, check``, per criterion ``<criterion>_value`` and
    ``<criterion>_contribution``, per rule ``<rule>_status`` and ``<rule>_slack``, and
    ``caveats``.
    """
    import pandas as pd

    rows = []
    for rec in result.recommendations:
        row: dict[str, Any] = {
            "case_id": result.case_id,
            "rank": rec.rank,
            "site_id": rec.site_id,
            "name": rec.name,
            "municipality": rec.municipality,
            "province": rec.province,
            "lon": rec.lon,
            "lat": rec.lat,
            "score": rec.utility,
            "unverified": rec.unverified,
            "verification": rec.verification,
            "top_reasons": "; ".join(rec.top_reasons()),
            "check": check_text(rec),
            "questions": "; ".join(rec.questions),
        }
        for line in rec.breakdown:
            row[f"{line.criterion}_value"] = line.value
            row[f"{line.criterion}_contribution"] = line.contribution
        for con in rec.constraints:
            row[f"{con.constraint}_status"] = con.status
            row[f"{con.constraint}_slack"] = con.slack
        row["caveats"] = "; ".join(rec.caveats)
        rows.append(row)
    base = ["case_id", "rank", "site_id", "name", "municipality", "province", "lon", "lat"]
    return pd.DataFrame(rows, columns=None if rows else base)


def _ranking_labels(result: RankingResult) -> tuple[dict[str, str], dict[str, str]]:
    """Return the headers and kinds of the per-criterion and per-rule columns."""
    headers: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for rec in result.recommendations[:1]:
        for line in rec.breakdown:
            unit = f" [{line.unit}]" if line.unit else ""
            headers[f"{line.criterion}_value"] = f"{line.label}: value{unit}"
            headers[f"{line.criterion}_contribution"] = f"{line.label}: adds to the score"
            kinds[f"{line.criterion}_value"] = "number"
            kinds[f"{line.criterion}_contribution"] = "score"
        for con in rec.constraints:
            unit = f" [{con.unit}]" if con.unit else ""
            headers[f"{con.constraint}_status"] = f"{con.label}: status"
            headers[f"{con.constraint}_slack"] = f"{con.label}: slack{unit}"
            kinds[f"{con.constraint}_status"] = "text"
            kinds[f"{con.constraint}_slack"] = "number"
    return headers, kinds


def sites_frame(result: RankingResult) -> pd.DataFrame:
    """Return every candidate site with its outcome, rank, score and the rules it fails."""
    import pandas as pd

    columns = ["site_id", "name", "municipality", "province", "lon", "lat", "outcome"]
    columns += ["rank", "score", "unverified", "failing", "unknown"]
    return pd.DataFrame(
        [
            (
                s.site_id,
                s.name,
                s.municipality,
                s.province,
                s.lon,
                s.lat,
                s.outcome,
                s.rank,
                s.utility,
                s.unverified,
                "; ".join(s.failing),
                "; ".join(s.unknown),
            )
            for s in result.sites
        ],
        columns=columns,
    ).astype({"rank": "Int64"})


def ranking_sheets(result: RankingResult) -> list[Sheet]:
    """Return the tables of a ranking: recommendations, pairs, near misses, funnel, sites, run."""
    import pandas as pd

    headers, kinds = _ranking_labels(result)
    pairs = pd.DataFrame(
        [
            {
                "rank": p.rank,
                "score": p.utility,
                "distance_km": p.distance_km,
                "rnd_site_id": p.rnd.site_id,
                "rnd_site": p.rnd.name,
                "rnd_municipality": p.rnd.municipality,
                "production_site_id": p.production.site_id,
                "production_site": p.production.name,
                "production_municipality": p.production.municipality,
            }
            for p in result.pairs
        ]
    )
    misses = pd.DataFrame(
        [
            {
                "site_id": m.site_id,
                "name": m.name,
                "municipality": m.municipality,
                "province": m.province,
                "score": m.utility,
                "changes": "; ".join(m.changes),
            }
            for m in result.near_misses
        ]
    )
    funnel = pd.DataFrame(
        [("all sites", "", None, None, result.n_sites)]
        + [(f.label, f.requirement, f.failing, f.unknown, f.remaining) for f in result.funnel],
        columns=["label", "requirement", "failing_sites", "unknown_sites", "remaining"],
    ).astype({"failing_sites": "Int64", "unknown_sites": "Int64"})
    return [
        Sheet("Recommendations", ranking_frame(result), headers=headers, kinds=kinds),
        Sheet("Two-site pairs", pairs),
        Sheet("Near misses", misses),
        Sheet("Exclusion funnel", funnel),
        Sheet("All sites", sites_frame(result)),
        Sheet("Run", about_frame(ranking_about(result))),
    ]


def ranking_about(result: RankingResult) -> list[tuple[str, Any]]:
    """Return the run as ``(what, value)`` pairs: case, needs, weights, solver, counts, notes."""
    rows: list[tuple[str, Any]] = [("case", result.case_id)]
    rows += [(f"need: {k}", _text(v)) for k, v in result.needs.items() if k != "id"]
    rows += [(f"weight: {k}", v) for k, v in result.weights.items()]
    rows += [
        ("candidate sites", result.n_sites),
        ("feasible sites", result.n_feasible),
        ("feasible only because facts are unknown", result.n_unverified),
        ("solver", result.solver),
        ("status", result.status),
        ("objective (best score)", result.objective),
        ("gap", format_gap(result.gap, result.status)),
        ("solves", result.n_solves),
        ("solve time [s]", result.solve_time_s),
    ]
    if result.infeasibility is not None:
        rows.append(("why no site fits", result.infeasibility.message))
    rows += [("note", note) for note in result.notes]
    return rows


def about_frame(rows: list[tuple[str, Any]]) -> pd.DataFrame:
    """Return a two-column ``what`` / ``value`` table (mixed values as text)."""
    import pandas as pd

    return pd.DataFrame(
        [(what, value if isinstance(value, str) else _text(value)) for what, value in rows],
        columns=["what", "value"],
    )


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return format_value(value, "") if math.isfinite(value) else "unknown"
    return str(value)
