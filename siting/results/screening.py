"""siting.results.screening."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    import folium
    import geopandas as gpd
    import pandas as pd

from siting._errors import Problem
from siting.results.ranking import json_ready

#: Lead statuses, in the order the summary lists them.
STATUSES: tuple[str, ...] = ("ok", "no_feasible_site", "invalid_input", "error")


#: Region of a lead without a known current location.
UNKNOWN_REGION = "unknown"


#: Columns of the flat output (:meth:`ScreenResult.rows`), in order.
ROW_COLUMNS: tuple[str, ...] = (
    "lead_id",
    "input_row",
    "status",
    "reason",
    "region",
    "n_feasible",
    "rank",
    "site_id",
    "site_name",
    "municipality",
    "province",
    "score",
    "unverified",
    "top_reasons",
    "blocking_rule",
)


@dataclass(frozen=True)
class SiteHit:
    """One recommended site of a lead.

    Attributes
    ----------
    rank, site_id, name, municipality, province
        Which site.
    score
        Utility in [0, 1], rounded to 4 decimals (as in ``siting rank``).
    unverified
        Feasible only because some facts are unknown (``allow_unknown``).
    reasons
        The criteria that add most to the score, in words.
    x, y
        The site's point in EPSG:28992 [m] (``nan`` when not known).
    """

    rank: int
    site_id: str
    name: str
    municipality: str
    province: str
    score: float
    unverified: bool
    reasons: tuple[str, ...]
    x: float = math.nan
    y: float = math.nan


@dataclass(frozen=True)
class ScreenedLead:
    """The screening outcome of one lead (one input row).

    Attributes
    ----------
    lead_id
        The id as given (``row-<n>`` when the row has none).
    row
        Spreadsheet row of the lead in the input.
    status
        ``"ok"``, ``"no_feasible_site"``, ``"invalid_input"`` or ``"error"``.
    reason
        The status in words.
    region
        Province of the lead's current location, or ``"unknown"``.
    sites
        The top sites, best first (empty unless ``ok``).
    n_feasible
        Sites that satisfy every hard constraint (0 for invalid leads).
    blocking_rule, blocking_label
        For ``no_feasible_site``: the rule that rules out most sites (id and label).
    sole_blockers
        For ``no_feasible_site``: labels of the rules that, relaxed alone, would admit a site.
    problems
        For ``invalid_input``: every problem, located.
    origin
        The lead's current location in EPSG:28992 [m] (``None`` when not known).
    """

    lead_id: str
    row: int
    status: str
    reason: str
    region: str = UNKNOWN_REGION
    sites: tuple[SiteHit, ...] = ()
    n_feasible: int = 0
    blocking_rule: str = ""
    blocking_label: str = ""
    sole_blockers: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    origin: tuple[float, float] | None = None


@dataclass(frozen=True)
class RegionLine:
    """Leads per region (the province of their current location).

    Attributes
    ----------
    region
        Province, or ``"unknown"``.
    leads, placed, nowhere, invalid
        Leads in the region: all, with a feasible site, with none, with invalid input.
    top_blocking_rule
        Label of the rule most often the most restrictive for the region's ``nowhere`` leads
        (empty when there are none).
    top_blocking_leads
        How many of them it is the most restrictive rule for.
    """

    region: str
    leads: int
    placed: int
    nowhere: int
    invalid: int
    top_blocking_rule: str
    top_blocking_leads: int


@dataclass(frozen=True)
class RuleLine:
    """How many leads one hard constraint blocks.

    Attributes
    ----------
    label
        The rule's readable name.
    most_restrictive
        Leads without a feasible site for which this rule rules out most sites.
    sole_blocker
        Leads without a feasible site that this rule, relaxed alone, would place.
    """

    label: str
    most_restrictive: int
    sole_blocker: int


@dataclass(frozen=True)
class ScreenSummary:
    """The whole run in numbers.

    Attributes
    ----------
    leads_in
        Non-empty data rows of the input.
    placed, nowhere, invalid, errors
        Leads with >= 1 feasible site, with none, with invalid input, that failed.
    blank_rows
        Empty rows skipped in the input.
    regions
        Per region, sorted by number of leads (descending), ``unknown`` last.
    rules
        Per blocking rule, most leads first.
    """

    leads_in: int
    placed: int
    nowhere: int
    invalid: int
    errors: int
    blank_rows: int
    regions: tuple[RegionLine, ...]
    rules: tuple[RuleLine, ...]


@dataclass(frozen=True)
class ScreenResult:
    """The outcome of :func:`screen_leads`.

    Attributes
    ----------
    file
        The leads file.
    leads
        One outcome per input lead, in input order.
    summary
        Counts, per region and per rule.
    top
        Sites asked per lead.
    method
        ``"enumeration"`` or the MILP solver used.
    engine
        ``"local"`` or ``"dask"``.
    n_sites
        Candidate sites in the site table.
    warnings
        Input warnings (unknown columns, skipped title lines).
    elapsed_s
        Wall time of the screening [s] (reading the file excluded).
    """

    file: str
    leads: tuple[ScreenedLead, ...]
    summary: ScreenSummary
    top: int
    method: str
    engine: str
    n_sites: int
    warnings: tuple[Problem, ...] = ()
    elapsed_s: float = field(default=0.0, compare=False)

    def rows(self) -> list[dict[str, Any]]:
        """Return the flat output: one row per (lead, recommended site), one per lead without.

        Returns
        -------
        list of dict
            Keys :data:`ROW_COLUMNS`.
        """
        out = []
        for lead in self.leads:
            base = {
                "lead_id": lead.lead_id,
                "input_row": lead.row,
                "status": lead.status,
                "reason": lead.reason,
                "region": lead.region,
                "n_feasible": lead.n_feasible,
                "blocking_rule": lead.blocking_label,
            }
            if not lead.sites:
                out.append({**dict.fromkeys(ROW_COLUMNS, ""), **base})
                continue
            for hit in lead.sites:
                out.append(
                    {
                        **base,
                        "rank": hit.rank,
                        "site_id": hit.site_id,
                        "site_name": hit.name,
                        "municipality": hit.municipality,
                        "province": hit.province,
                        "score": hit.score,
                        "unverified": hit.unverified,
                        "top_reasons": "; ".join(hit.reasons),
                    }
                )
        return [{k: row[k] for k in ROW_COLUMNS} for row in out]

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<ScreenResult {len(self.leads)} leads x {self.n_sites} sites: {s.placed} placed, "
            f"{s.nowhere} with no feasible site, {s.invalid} invalid input"
            + (f", {s.errors} failed" if s.errors else "")
            + f"; top {self.top} per lead ({self.method}, {self.engine}, "
            f"{self.elapsed_s:.2f} s)>"
        )

    def to_frame(self) -> pd.DataFrame:
        """Return one row per lead and recommended site (one per lead without).

        The ``--out FILE.csv`` table, with the site's ``site_lon``, ``site_lat`` [degree].
        """
        from siting.outputs.pipeline_frames import screening_frame

        return screening_frame(self)

    def to_geodataframe(self, *, layer: str = "leads", crs: str | None = None) -> gpd.GeoDataFrame:
        """Return one of the screening's GIS layers.

        Parameters
        ----------
        layer
            ``"leads"`` (points at the current location, with status, reason and top-1 site;
            empty geometry when the location is not known), ``"top_sites"`` (a line from each
            lead to each of its top sites) or ``"sites"`` (every site in a top).
        crs
            ``"EPSG:28992"`` (default) or ``"EPSG:4326"``.
        """
        from siting.outputs.gis import resolve_crs, screening_layers

        return _layer(screening_layers(self), layer).to_crs(resolve_crs(crs))

    def explore(self, m: folium.Map | None = None, **kwargs: Any) -> folium.Map:
        """Draw the screening on an interactive map and return it (a ``folium.Map``).

        ``kwargs`` go to :func:`siting.outputs.maps.portfolio.render_portfolio_map`
        (``data``, ``offline``).
        """
        from siting.outputs.maps.portfolio import render_portfolio_map

        return render_portfolio_map(self, m=m, **kwargs)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data (``nan`` as ``null``)."""
        data = asdict(self)
        data["warnings"] = [str(w) for w in self.warnings]
        for lead in data["leads"]:
            lead["problems"] = [
                {k: v for k, v in p.items() if k != "label"} for p in lead["problems"]
            ]
        return json_ready(data)


def _layer(layers: dict[str, Any], name: str) -> Any:
    if name not in layers:
        raise ValueError(f"no layer {name!r}; layers: {', '.join(layers)}")
    return layers[name]
