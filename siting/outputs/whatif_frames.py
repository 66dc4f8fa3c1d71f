"""Comparisons, sweeps and the data overview as tables (see :mod:`siting.outputs.frames`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from siting import vocab
from siting.outputs.excel import Sheet
from siting.results.whatif import Comparison, SiteChange, Sweep

_CHANGE_COLUMNS = [
    "variant",
    "site_id",
    "name",
    "municipality",
    "change",
    "movement",
    "base_rank",
    "new_rank",
    "base_utility",
    "new_utility",
    "causes",
]


def _changes(variant: str, changes: tuple[SiteChange, ...]) -> list[tuple[Any, ...]]:
    return [
        (
            variant,
            c.site_id,
            c.name,
            c.municipality,
            c.change,
            c.movement,
            c.base_rank,
            c.new_rank,
            c.base_utility,
            c.new_utility,
            "; ".join(c.causes),
        )
        for c in changes
    ]


def comparison_frame(result: Comparison) -> pd.DataFrame:
    """Return the top lists side by side: per variant and rank, the base and the variant."""
    rows = []
    for variant in result.variants:
        base_ranks = {s.site_id: s.rank for s in result.base_top}
        for k in range(max(len(result.base_top), len(variant.top))):
            b = result.base_top[k] if k < len(result.base_top) else None
            v = variant.top[k] if k < len(variant.top) else None
            was = ""
            if v is not None:
                was = f"#{base_ranks[v.site_id]}" if v.site_id in base_ranks else "not in the top"
            rows.append(
                (
                    variant.name,
                    k + 1,
                    f"{b.name} ({b.municipality})" if b else "",
                    b.utility if b else None,
                    f"{v.name} ({v.municipality})" if v else "",
                    v.utility if v else None,
                    was,
                )
            )
    columns = ["variant", "rank", "base_site", "base_score", "variant_site", "variant_score"]
    return pd.DataFrame(rows, columns=[*columns, "was"])


def comparison_sheets(result: Comparison) -> list[Sheet]:
    """Return the tables of a comparison: top lists, moves, feasibility, changes, summary."""
    moves, feasibility, changes, summary = [], [], [], []
    for v in result.variants:
        moves += _changes(v.name, v.moves)
        feasibility += _changes(v.name, v.became_feasible) + _changes(v.name, v.became_infeasible)
        changes += [(v.name, line) for line in v.changes]
        summary.append((v.name, v.summary))
    kinds = {"base_rank": "int", "new_rank": "int"}
    return [
        Sheet("Top lists", comparison_frame(result)),
        Sheet("What moved", pd.DataFrame(moves, columns=_CHANGE_COLUMNS), kinds=kinds),
        Sheet(
            "Feasibility changes", pd.DataFrame(feasibility, columns=_CHANGE_COLUMNS), kinds=kinds
        ),
        Sheet("Variant changes", pd.DataFrame(changes, columns=["variant", "change"])),
        Sheet("Summary", pd.DataFrame(summary, columns=["variant", "summary"])),
    ]


def sweep_frame(result: Sweep) -> pd.DataFrame:
    """Return the top sites per value of the swept parameter (one row per value and rank)."""
    rows = [
        (
            step.value,
            s.rank,
            s.site_id,
            s.name,
            s.municipality,
            s.utility,
            step.n_feasible,
            step.n_verified,
        )
        for step in result.steps
        for s in step.top
    ]
    columns = [
        "step",
        "rank",
        "site_id",
        "name",
        "municipality",
        "score",
        "n_feasible",
        "n_verified",
    ]
    return pd.DataFrame(rows, columns=columns)


def sweep_sheets(result: Sweep) -> list[Sheet]:
    """Return the tables of a sweep: top per value, every site's rank along it, events, summary."""
    tracks = pd.DataFrame(
        [
            (t.site_id, t.name, t.municipality, value, rank, utility)
            for t in result.tracks
            for value, rank, utility in zip(result.values, t.ranks, t.utilities, strict=True)
        ],
        columns=["site_id", "name", "municipality", "step", "rank", "score"],
    ).astype({"rank": "Int64"})
    events = pd.DataFrame(
        [(t.site_id, t.name, t.municipality, e) for t in result.tracks for e in t.events],
        columns=["site_id", "name", "municipality", "event"],
    )
    summary = pd.DataFrame(
        [("case", result.case), ("parameter", result.parameter), ("summary", result.summary)],
        columns=["what", "value"],
    )
    header = {"step": f"Value of {result.parameter}"}
    return [
        Sheet("Top per value", sweep_frame(result), headers=header),
        Sheet(
            "Rank along the sweep",
            tracks,
            headers={**header, "rank": "Rank (empty: not feasible)"},
        ),
        Sheet("Where sites change", events),
        Sheet("Summary", summary),
    ]


def data_info_sheets(summary: dict[str, Any]) -> list[Sheet]:
    """Return the tables of ``siting data info``: layers, and per province."""
    layers = pd.DataFrame(
        summary["layers"], columns=["layer", "records", "reference_date", "source", "file"]
    )
    rows = []
    for p in summary["provinces"]:
        congestion = {
            f"grid_class_{c}": p["congestion"][vocab.CONGESTION_CLASSES[c]]
            for c in vocab.CONGESTION_CLASSES
        }
        rows.append(
            {
                k: p[k]
                for k in (
                    "province",
                    "municipalities",
                    "population",
                    "sites",
                    "available_ha",
                    "sites_area_unknown",
                    "campuses",
                )
            }
            | congestion
        )
    provinces = pd.DataFrame(rows)
    headers = {
        f"grid_class_{c}": f"Municipalities in grid class {c} ({vocab.CONGESTION_CLASSES[c]})"
        for c in vocab.CONGESTION_CLASSES
    }
    kinds = dict.fromkeys(headers, "int")
    return [
        Sheet("Layers", layers),
        Sheet("Per province", provinces, headers=headers, kinds=kinds),
    ]
