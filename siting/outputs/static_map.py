"""A static map of a ranking, drawn offline with matplotlib from the shipped boundaries.

For the case brief (:mod:`siting.outputs.brief`) and reports: the municipalities shaded by
their demand-side grid congestion class (the embedded data's per-municipality approximation),
the province borders, every candidate site, the recommended sites numbered by rank and the
current location. Nothing is fetched: the boundaries are the simplified CBS/PDOK files in
``geodata/boundaries`` (:data:`siting.settings.boundaries_dir`), drawn in RD New.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from siting import settings, vocab
from siting.layers.load import GeoData
from siting.outputs.maps.html import CONGESTION_COLORS, OUTCOME_COLORS
from siting.results.ranking import RankingResult

#: Sites numbered on the map.
NUMBERED = 5


@lru_cache(maxsize=4)
def read_boundaries(name: str, folder: str | None = None) -> gpd.GeoDataFrame:
    """Return shipped boundaries (``"municipalities"`` or ``"provinces"``) in EPSG:28992.

    Parameters
    ----------
    name
        The file's stem in the boundaries folder.
    folder
        The folder; default :data:`siting.settings.boundaries_dir`.
    """
    path = Path(folder) if folder is not None else settings.boundaries_dir
    frame = gpd.read_file(path / f"{name}.geojson")
    return frame.set_crs(settings.display_crs, allow_override=True).to_crs(settings.working_crs)


def _site_points(result: RankingResult) -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "site_id": [s.site_id for s in result.sites],
            "outcome": [s.outcome for s in result.sites],
            "rank": [s.rank for s in result.sites],
        },
        geometry=gpd.points_from_xy(
            [s.lon for s in result.sites], [s.lat for s in result.sites], crs=settings.display_crs
        ),
    )
    return frame.to_crs(settings.working_crs)


def ranking_map(
    result: RankingResult, *, data: GeoData | None = None, numbered: int = NUMBERED
) -> Figure:
    """Draw a ranking on a static map of the Netherlands.

    Parameters
    ----------
    result
        The ranking.
    data
        The layers whose grid congestion classes shade the municipalities; without it the
        municipalities are drawn plain.
    numbered
        How many recommended sites get their rank number.

    Returns
    -------
    matplotlib.figure.Figure
    """
    folder = str(settings.boundaries_dir)
    municipalities = read_boundaries("municipalities", folder)
    provinces = read_boundaries("provinces", folder)
    fig = Figure(figsize=(3.4, 4.0), layout="constrained")
    ax = fig.add_subplot()
    ax.set_axis_off()
    handles = _draw_municipalities(ax, municipalities, data)
    provinces.boundary.plot(ax=ax, color="#555555", linewidth=0.5)
    _draw_sites(ax, result, numbered)
    if result.origin is not None:
        origin = gpd.GeoSeries.from_xy(
            [result.origin[0]], [result.origin[1]], crs=settings.display_crs
        ).to_crs(settings.working_crs)
        ax.scatter(origin.x, origin.y, marker="*", s=70, color="#212121", zorder=6)
        handles.append(
            Patch(facecolor="#212121", label="current location (star)"),
        )
    handles.append(Patch(facecolor=OUTCOME_COLORS["recommended"], label="recommended (rank)"))
    ax.legend(handles=handles, loc="upper left", fontsize=5.5, frameon=False)
    xmin, ymin, xmax, ymax = municipalities.total_bounds
    ax.set_xlim(xmin - 2_000, xmax + 2_000)
    ax.set_ylim(ymin - 2_000, ymax + 2_000)
    ax.set_aspect("equal")
    return fig


def _draw_municipalities(
    ax: Axes, municipalities: gpd.GeoDataFrame, data: GeoData | None
) -> list[Patch]:
    """Draw the municipalities, shaded by grid class when ``data`` is given; return the legend."""
    handles = []
    if data is not None:
        classes = data.grid_congestion.set_index("gm_code")["afname_class"].astype(int).to_dict()
        shade = municipalities["gm_code"].map(classes).fillna(-1).astype(int)
        colours = shade.map(CONGESTION_COLORS)
        municipalities.plot(ax=ax, color=colours, edgecolor="white", linewidth=0.15)
        handles = [
            Patch(facecolor=CONGESTION_COLORS[c], label=f"grid {c}: {vocab.CONGESTION_CLASSES[c]}")
            for c in (3, 2, 1, 0, -1)
            if (shade == c).any()
        ]
    else:
        municipalities.plot(ax=ax, color="#eeeeee", edgecolor="white", linewidth=0.15)
    return handles


def _draw_sites(ax: Axes, result: RankingResult, numbered: int) -> None:
    """Draw the sites by outcome, and the recommended ones numbered by rank."""
    sites = _site_points(result)
    others = sites[sites["outcome"] != "recommended"]
    ax.scatter(
        others.geometry.x,
        others.geometry.y,
        s=3,
        color=[OUTCOME_COLORS.get(o, "#9e9e9e") for o in others["outcome"]],
        linewidths=0,
        zorder=3,
    )
    top = sites[sites["outcome"] == "recommended"].sort_values("rank")
    ax.scatter(top.geometry.x, top.geometry.y, s=22, color=OUTCOME_COLORS["recommended"], zorder=4)
    for _, row in top.head(numbered).iterrows():
        ax.annotate(
            str(int(row["rank"])),
            (row.geometry.x, row.geometry.y),
            xytext=(3, 3),
            textcoords="offset points",
            fontsize=7,
            fontweight="bold",
            color=OUTCOME_COLORS["recommended"],
            zorder=5,
        )


def ranking_map_svg(result: RankingResult, *, data: GeoData | None = None) -> str:
    """Return :func:`ranking_map` as SVG text (without the XML prolog, no date)."""
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "siting"}):
        ranking_map(result, data=data).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]
