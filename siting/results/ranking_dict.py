"""Rebuild a ranking from its saved JSON (:meth:`RankingResult.to_dict`), checking its types."""

from __future__ import annotations

import math
from dataclasses import fields
from typing import Any

from siting.results.live_scores import score_table_from_dict
from siting.results.ranking import (
    ConstraintLine,
    CriterionLine,
    EarliestFit,
    FunnelStep,
    Infeasibility,
    NearMiss,
    PairRecommendation,
    RankingResult,
    Recommendation,
    Separation,
    SiteOutcome,
    WeightRange,
)


def ranking_from_dict(data: dict[str, Any]) -> RankingResult:
    """Rebuild a :class:`RankingResult` from :meth:`RankingResult.to_dict` output (a saved JSON).

    Parameters
    ----------
    data
        The parsed JSON.

    Returns
    -------
    RankingResult

    Raises
    ------
    KeyError, TypeError, ValueError
        When the data are not a saved ranking (callers turn these into an input error).
    """
    recs = tuple(_recommendation_from_dict(rec) for rec in data["recommendations"])
    pairs = tuple(
        PairRecommendation(
            rank=p["rank"],
            utility=p["utility"],
            distance_km=p["distance_km"],
            rnd=_recommendation_from_dict(p["rnd"]),
            production=_recommendation_from_dict(p["production"]),
        )
        for p in data.get("pairs", ())
    )
    return RankingResult(
        case_id=data["case_id"],
        needs=data["needs"],
        weights=data["weights"],
        status=data["status"],
        objective=_num(data["objective"]),
        gap=_num(data["gap"]),
        solve_time_s=_num(data["solve_time_s"]),
        solver=data["solver"],
        n_solves=data["n_solves"],
        recommendations=recs,
        funnel=tuple(_build(FunnelStep, f) for f in data["funnel"]),
        near_misses=tuple(
            _build(NearMiss, {**m, "changes": tuple(m["changes"])}) for m in data["near_misses"]
        ),
        infeasibility=None
        if data["infeasibility"] is None
        else _build(Infeasibility, data["infeasibility"]),
        n_sites=data["n_sites"],
        n_feasible=data["n_feasible"],
        n_unverified=data["n_unverified"],
        notes=tuple(data["notes"]),
        sites=tuple(
            SiteOutcome(**{**s, "failing": tuple(s["failing"]), "unknown": tuple(s["unknown"])})
            for s in data.get("sites", ())
        ),
        origin=None if data.get("origin") is None else tuple(data["origin"]),
        pairs=pairs,
        pair_status=data.get("pair_status", ""),
        earliest_fit=_earliest_from_dict(data.get("earliest_fit")),
        live=score_table_from_dict(data.get("live")),
    )


def _earliest_from_dict(data: dict[str, Any] | None) -> EarliestFit | None:
    if data is None:
        return None
    return EarliestFit(
        year_needed=int(data["year_needed"]),
        year=None if data["year"] is None else int(data["year"]),
        n_sites=int(data["n_sites"]),
        sites=tuple((str(a), str(b)) for a, b in data["sites"]),
        by_year=tuple((int(a), int(b)) for a, b in data["by_year"]),
        horizon=int(data["horizon"]),
        note=str(data["note"]),
    )


def _recommendation_from_dict(rec: dict[str, Any]) -> Recommendation:
    return Recommendation(
        **{
            k: rec[k]
            for k in (
                "rank",
                "site_id",
                "name",
                "municipality",
                "province",
                "lon",
                "lat",
                "utility",
                "unverified",
            )
        },
        breakdown=tuple(
            _build(CriterionLine, {**c, "value": _num(c["value"])}) for c in rec["breakdown"]
        ),
        constraints=tuple(
            _build(ConstraintLine, {**c, "slack": _slack(c["slack"], c.get("status"))})
            for c in rec["constraints"]
        ),
        stability=tuple(
            _build(
                WeightRange, {**w, "high": float("inf") if w["high"] is None else float(w["high"])}
            )
            for w in rec["stability"]
        ),
        versus_next=None
        if rec["versus_next"] is None
        else Separation(
            **{
                **rec["versus_next"],
                "differences": tuple(
                    (str(a), float(b)) for a, b in rec["versus_next"]["differences"]
                ),
            }
        ),
        caveats=tuple(rec["caveats"]),
        location_kind=rec.get("location_kind", "site"),
        questions=tuple(rec.get("questions", ())),
    )


def _build(cls: type, values: dict[str, Any]) -> Any:
    return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})


def _num(value: Any) -> float:
    # to_dict writes nan as null
    return float("nan") if value is None else float(value)


def _slack(value: Any, status: Any) -> float:
    """Return a saved slack: to_dict writes +-inf ("no restriction") and NaN as null.

    The saved status tells them apart: a null slack that passes had no restriction (inf),
    one that fails could not pass (-inf), an unknown one is NaN.
    """
    if value is not None:
        return float(value)
    return {"pass": math.inf, "fail": -math.inf}.get(status, math.nan)
