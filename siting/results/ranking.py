"""Result objects of a ranking: frozen dataclasses that explain themselves, with JSON export.

Everything a reader needs is data here, so the terminal table, the CSV/JSON files and the map
all show the same explanation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from siting._wording import TO_CONFIRM, VERIFIED
from siting.results.live_scores import ScoreTable
from siting.results.ranking_parts import (
    ConstraintLine,
    CriterionLine,
    EarliestFit,
    FunnelStep,
    Infeasibility,
    NearMiss,
    Separation,
    SiteOutcome,
    WeightRange,
)
from siting.results.site_outcomes import SiteOutcomes
from siting.results.values import check_types, format_value, json_ready

__all__ = [
    "ConstraintLine",
    "CriterionLine",
    "EarliestFit",
    "FunnelStep",
    "Infeasibility",
    "NearMiss",
    "PairRecommendation",
    "RankingResult",
    "Recommendation",
    "Separation",
    "SiteOutcome",
    "SiteOutcomes",
    "WeightRange",
    "check_types",
    "format_value",
    "json_ready",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import folium
    import geopandas as gpd
    import pandas as pd


#: A criterion is a site's strength (a top reason) from this normalised score up [0-1].
STRENGTH_SCORE = 0.5


@dataclass(frozen=True)
class Recommendation:
    """A recommended site with its full explanation.

    Attributes
    ----------
    rank, site_id, name, municipality, province, lon, lat
        Which site and where (WGS84 [degree]).
    utility
        Weighted score in [0, 1].
    unverified
        *To confirm*: it passes every known rule but relies on facts no source states
        (:mod:`siting.criteria.unknowns`); ``False``: *verified*.
    questions
        Each unknown fact it relies on, as a question with whom to ask.
    breakdown, constraints, stability
        Score per criterion, each hard constraint with its slack, rank-stability ranges.
    versus_next
        What separates it from the next site (``None`` for the last one).
    caveats
        How sure the underlying facts are.
    location_kind
        How the site's point was placed (:data:`siting.vocab.LOCATION_KINDS`): ``municipality``
        means at its municipality's point, the site's own location being unknown.
    """

    rank: int
    site_id: str
    name: str
    municipality: str
    province: str
    lon: float
    lat: float
    utility: float
    unverified: bool
    breakdown: tuple[CriterionLine, ...]
    constraints: tuple[ConstraintLine, ...]
    stability: tuple[WeightRange, ...]
    versus_next: Separation | None
    caveats: tuple[str, ...]
    location_kind: str = "site"
    questions: tuple[str, ...] = ()

    @property
    def verification(self) -> str:
        """``"verified"`` or ``"to confirm"`` (:data:`siting.criteria.unknowns.TO_CONFIRM`)."""
        return TO_CONFIRM if self.unverified else VERIFIED

    def top_reasons(self, n: int = 3) -> tuple[str, ...]:
        """Return the site's strengths that add most to the utility, in words.

        A strength scores at least :data:`STRENGTH_SCORE` on its criterion: a criterion the
        site scores poorly on (a 184 km move) is never a top reason, however heavy its weight.
        """
        lines = sorted(self.breakdown, key=lambda c: -c.contribution)
        strong = [c for c in lines if c.contribution > 0 and c.normalised >= STRENGTH_SCORE]
        return tuple(f"{c.label} ({format_value(c.value, c.unit)})" for c in strong[:n])


@dataclass(frozen=True)
class PairRecommendation:
    """A two-site configuration: an R&D site near a matching campus and a production site.

    Attributes
    ----------
    rank
        1 for the best pair.
    utility
        Sum of the two sites' utilities in their roles, in [0, 2].
    distance_km
        Straight-line distance between the two sites [km].
    rnd, production
        Each site with its explanation in its role (breakdown, rules, stability among the
        sites eligible for that role; ``versus_next`` is not set).
    """

    rank: int
    utility: float
    distance_km: float
    rnd: Recommendation
    production: Recommendation


@dataclass(frozen=True)
class RankingResult:
    """The outcome of ranking sites for one company.

    Attributes
    ----------
    case_id
        The company id (its name is confidential and not repeated here).
    needs
        The profile's key needs in words.
    weights
        Criterion -> weight used.
    status, objective, gap, solve_time_s, solver, n_solves
        Solver outcome: status spelled out, utility of the best site, relative MIP gap, wall
        time of the solves [s], backend, number of solves.
    recommendations
        Best first.
    funnel
        Exclusions per hard constraint.
    near_misses
        The best excluded sites and what would make them feasible.
    infeasibility
        Set when no site fits.
    n_sites, n_feasible, n_unverified
        Counts over the site table.
    notes
        Remarks on the run (criteria not applicable, data caveats).
    sites
        Every candidate site with its outcome, in site-table order (a ranking's own are a
        :class:`~siting.results.site_outcomes.SiteOutcomes`, built on the first read).
    origin
        The company's current location ``(lon, lat)`` [degree], if given.
    pairs
        Two-site configurations, best first, when the profile asks for them (``[two_site]``).
    pair_status
        Solver status of the two-site search (empty when not asked).
    earliest_fit
        From which year sites fit the need and how many (:class:`EarliestFit`; ``None`` for
        a result saved before it was reported).
    live
        The feasible sites' criterion scores for live weights in the map
        (:class:`~siting.results.live_scores.ScoreTable`; ``None`` when not recorded).
    """

    case_id: str
    needs: dict[str, Any]
    weights: dict[str, float]
    status: str
    objective: float
    gap: float
    solve_time_s: float
    solver: str
    n_solves: int
    recommendations: tuple[Recommendation, ...]
    funnel: tuple[FunnelStep, ...]
    near_misses: tuple[NearMiss, ...]
    infeasibility: Infeasibility | None
    n_sites: int
    n_feasible: int
    n_unverified: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    sites: Sequence[SiteOutcome] = field(default_factory=SiteOutcomes)
    origin: tuple[float, float] | None = None
    pairs: tuple[PairRecommendation, ...] = field(default_factory=tuple)
    pair_status: str = ""
    earliest_fit: EarliestFit | None = None
    live: ScoreTable | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (``inf``/``nan`` as ``null``)."""
        data = asdict(replace(self, sites=()))
        data["sites"] = [json_ready(site._asdict()) for site in self.sites]
        for rec, saved in zip(self.recommendations, data["recommendations"], strict=True):
            saved["verification"] = rec.verification
        return json_ready(data)

    def __repr__(self) -> str:
        top = ", ".join(
            f"#{r.rank} {r.name} ({r.municipality}) {r.utility:.3f}"
            for r in self.recommendations[:3]
        )
        more = (
            f", ... ({len(self.recommendations)} in all)" if len(self.recommendations) > 3 else ""
        )
        outcome = f"top: {top}{more}" if top else "no feasible site"
        return (
            f"<RankingResult case {self.case_id!r}: {self.n_feasible} of {self.n_sites} sites "
            f"feasible; {outcome}; solver {self.solver} {self.status}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return one row per recommended site (the ``--out FILE.csv`` table).

        Columns: rank, site, place (``lon``, ``lat`` [degree]), score, reasons, what to
        confirm, each criterion's value and contribution, each rule's status and slack,
        caveats (:func:`siting.outputs.frames.ranking_frame`).
        """
        from siting.outputs.frames import ranking_frame

        return ranking_frame(self)

    def to_geodataframe(self, *, crs: str | None = None) -> gpd.GeoDataFrame:
        """Return every candidate site as points with outcome, rank, score and reasons.

        Parameters
        ----------
        crs
            ``"EPSG:28992"`` (default) or ``"EPSG:4326"``.
        """
        from siting.outputs.gis import ranking_layers, resolve_crs

        return ranking_layers(self)["sites"].to_crs(resolve_crs(crs))

    def explore(self, m: folium.Map | None = None, **kwargs: Any) -> folium.Map:
        """Draw the ranking on an interactive map and return it (a ``folium.Map``).

        Parameters
        ----------
        m
            A map to draw on; a new one when ``None``.
        **kwargs
            Passed to :func:`siting.outputs.maps.ranking.render_map` (``data``,
            ``offline``, ``boundaries``, ``surface``).
        """
        from siting.outputs.maps.ranking import render_map

        return render_map(self, m=m, **kwargs)
