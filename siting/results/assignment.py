"""siting.results.assignment."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import folium
    import geopandas as gpd
    import pandas as pd

from siting.model.linear import is_lower_bound
from siting.results.ranking import json_ready

#: Status of a lead.
PLACED = "placed"


UNPLACED = "unplaced"


INVALID = "invalid input"


@dataclass(frozen=True)
class AssignedLead:
    """One lead's outcome in a portfolio assignment.

    Parameters
    ----------
    lead_id
        The lead (company id).
    status
        ``"placed"``, ``"unplaced"`` or ``"invalid input"``.
    priority
        Its priority weight :math:`w_l` [-].
    land_ha, power_mw, talent_fte
        Its needs [ha], [MW], [FTE].
    n_feasible_sites
        Sites passing every hard constraint of the lead.
    site_id, site_name, municipality, province, zone_id
        Where it is placed (empty when not).
    utility
        Its utility there [-] (``nan`` when not placed).
    reason
        Why it is unplaced or invalid, in words (empty when placed).
    row
        Row of the leads file, when known.
    origin
        The lead's current location in EPSG:28992 [m] (``None`` when not known).
    site_xy
        The assigned site's point in EPSG:28992 [m] (``None`` when not placed).
    """

    lead_id: str
    status: str
    priority: float
    land_ha: float
    power_mw: float
    talent_fte: float
    n_feasible_sites: int
    site_id: str = ""
    site_name: str = ""
    municipality: str = ""
    province: str = ""
    zone_id: str = ""
    utility: float = math.nan
    reason: str = ""
    row: int | None = None
    origin: tuple[float, float] | None = None
    site_xy: tuple[float, float] | None = None


@dataclass(frozen=True)
class SiteUse:
    """Area used at a site that at least one lead could go to.

    Parameters
    ----------
    site_id, name, municipality, zone_id
        The site and its congestion zone.
    capacity_ha
        Available area [ha]; ``nan`` when not known (then the site takes one lead).
    rule
        The capacity rule applied, in words.
    used_ha
        Area promised to placed leads [ha].
    leads
        The leads placed there.
    n_candidates
        Leads for which the site is feasible.
    xy
        The site's point in EPSG:28992 [m] (``None`` when not known).
    """

    site_id: str
    name: str
    municipality: str
    zone_id: str
    capacity_ha: float
    rule: str
    used_ha: float
    leads: tuple[str, ...]
    n_candidates: int
    xy: tuple[float, float] | None = None


@dataclass(frozen=True)
class ZoneUse:
    """Grid capacity used in a zone (a supply area's room, or its one large lead).

    Parameters
    ----------
    zone_id, name
        The zone (``area:<id>``, ``no-room:<id>``, ``fallback:<gm>``, ``unknown:<gm>``; see
        :mod:`siting.jobs.assign_grid`) and its name.
    headroom_mw
        Capacity in ``unit``: published room [MW], or the number of large leads it takes;
        ``nan`` when not known.
    used_mw
        Capacity promised to placed leads, in ``unit``.
    n_leads
        Leads placed on its sites.
    constrained
        Whether the capacity constrains the assignment.
    note
        What the capacity rests on.
    unit
        ``"MW"`` or ``"lead"``.
    """

    zone_id: str
    name: str
    headroom_mw: float
    used_mw: float
    n_leads: int
    constrained: bool
    note: str
    unit: str = "MW"


@dataclass(frozen=True)
class RegionUse:
    """Hires placed in a labour-market region with candidate sites, and what it can absorb.

    Parameters
    ----------
    region_id, name
        The region.
    capacity_fte
        Hires it can absorb: ``absorption_share`` x its technical workforce [FTE].
    used_fte
        Hires of the leads placed there [FTE].
    """

    region_id: str
    name: str
    capacity_fte: float
    used_fte: float


@dataclass(frozen=True)
class CapacityLine:
    """The value of one more unit of a binding capacity, with the capacity's name.

    Parameters
    ----------
    kind, key, name, unit
        ``"site"`` / ``"zone"`` / ``"region"``, its id, its name, ``"ha"`` / ``"MW"`` /
        ``"FTE"``; or ``"relief"`` (a grid area solved one year earlier), the area, ``"year"``.
    capacity, used
        Capacity and use before the increase [unit]; for ``"relief"`` the published solve
        year and the year tried.
    added_value
        Increase of the priority-weighted total fit for one more unit (or the relief) [-].
    leads_competing
        Leads this capacity blocks from a feasible site.
    status
        Status of the re-solve.
    changed_leads
        Leads whose site changes when the capacity is one unit larger.
    """

    kind: str
    key: str
    name: str
    unit: str
    capacity: float
    used: float
    added_value: float
    leads_competing: int
    status: str
    changed_leads: tuple[str, ...]

    @property
    def is_lower_bound(self) -> bool:
        """Whether :attr:`added_value` is only a lower bound (the re-solve was stopped)."""
        return is_lower_bound(self.status, self.added_value)

    @property
    def added_text(self) -> str:
        """The added value in words: ``"n/a"`` without one, ``">= "`` before a lower bound."""
        if math.isnan(self.added_value):
            return "n/a"
        return (">= " if self.is_lower_bound else "") + f"{self.added_value:.4f}"


@dataclass(frozen=True)
class AssignmentResult:
    """Result of :func:`assign_leads`: the assignment of a pipeline, explained.

    Parameters
    ----------
    status
        Solver status (see :class:`AssignmentSolution`): ``"optimal"``, ``"within_gap"``,
        ``"feasible"``, ``"no_solution_in_time"`` or ``"error"``.
    objective
        Priority-weighted total fit [-].
    gap
        Relative MIP gap reached [-] (``nan`` when unknown).
    solve_time_s
        Wall time of the main solve [s].
    solver
        Backend name.
    leads
        Every lead of the input (valid or not), in input order.
    sites, zones, regions
        Capacity used per site, congestion zone and labour-market region.
    capacity_values
        What one more unit of each binding capacity adds, largest first.
    capacity_note
        How those values were computed and what was left out.
    notes
        Caveats (unknown headroom, unknown areas, two-site profiles, ...).
    gap_rel
        The relative gap that was asked for [-] (0.0: proven optimum).
    status_note
        What the status means for this assignment, in words (see
        :attr:`AssignmentSolution.status_note`).
    """

    status: str
    objective: float
    gap: float
    solve_time_s: float
    solver: str
    leads: tuple[AssignedLead, ...]
    sites: tuple[SiteUse, ...]
    zones: tuple[ZoneUse, ...]
    regions: tuple[RegionUse, ...]
    capacity_values: tuple[CapacityLine, ...]
    capacity_note: str
    notes: tuple[str, ...] = field(default=())
    gap_rel: float = 0.0
    status_note: str = ""

    @property
    def n_placed(self) -> int:
        """Number of placed leads."""
        return sum(lead.status == PLACED for lead in self.leads)

    @property
    def n_unplaced(self) -> int:
        """Number of valid leads that are not placed."""
        return sum(lead.status == UNPLACED for lead in self.leads)

    @property
    def n_invalid(self) -> int:
        """Number of leads with invalid input."""
        return sum(lead.status == INVALID for lead in self.leads)

    def __repr__(self) -> str:
        from siting._wording import format_gap

        return (
            f"<AssignmentResult {len(self.leads)} leads: {self.n_placed} placed, "
            f"{self.n_unplaced} unplaced, {self.n_invalid} invalid input; solver {self.solver} "
            f"{self.status}, objective {self.objective:.4f}, gap "
            f"{format_gap(self.gap, self.status)}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return one row per lead: status, reason, needs, its site and where it is.

        The ``--out FILE.csv`` table, with ``site_lon``, ``site_lat`` [degree].
        """
        from siting.outputs.pipeline_frames import assignment_frame

        return assignment_frame(self)

    def to_geodataframe(self, *, layer: str = "leads", crs: str | None = None) -> gpd.GeoDataFrame:
        """Return one of the assignment's GIS layers.

        Parameters
        ----------
        layer
            ``"leads"`` (points at the current location with status, reason and site),
            ``"assignments"`` (a line from each placed lead to its site) or ``"sites"``
            (area promised and capacity per candidate site).
        crs
            ``"EPSG:28992"`` (default) or ``"EPSG:4326"``.
        """
        from siting.outputs.gis import assignment_layers, resolve_crs

        layers = assignment_layers(self)
        if layer not in layers:
            raise ValueError(f"no layer {layer!r}; layers: {', '.join(layers)}")
        return layers[layer].to_crs(resolve_crs(crs))

    def explore(self, m: folium.Map | None = None, **kwargs: Any) -> folium.Map:
        """Draw the assignment on an interactive map and return it (a ``folium.Map``).

        ``kwargs`` go to :func:`siting.outputs.maps.portfolio.render_portfolio_map`
        (``data``, ``offline``).
        """
        from siting.outputs.maps.portfolio import render_portfolio_map

        return render_portfolio_map(self, m=m, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain JSON-ready data (``NaN`` becomes ``None``)."""
        data = json_ready(asdict(self))
        data["summary"] = {
            "leads": len(self.leads),
            "placed": self.n_placed,
            "unplaced": self.n_unplaced,
            "invalid": self.n_invalid,
        }
        return data
