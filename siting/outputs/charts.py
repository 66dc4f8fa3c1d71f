"""Charts drawn with matplotlib, for screens and reports (SVG, PNG, PDF or an HTML page).

:func:`sweep_chart` draws every site that was in the top at any value of a sweep, with its
full name: its rank along the parameter, and a cross on the "not feasible" line where it
drops out. Built on matplotlib's object API (``Figure``), so it never changes the backend of
a notebook or script.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import rc_context
from matplotlib.figure import Figure

from siting._errors import Problem, SitingInputError
from siting.outputs.maps.html import esc
from siting.results.whatif import Sweep

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

#: Formats :func:`save_sweep_chart` writes.
CHART_SUFFIXES = (".svg", ".png", ".pdf", ".html", ".htm")
#: Text stays text in SVG (searchable, and the names are real names); fixed ids for diffs; a
#: ``$`` in a name is a character, never the start of mathtext (which a malformed name would
#: crash).
_RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "siting",
    "font.size": 9,
    "text.parse_math": False,
}


def _unit(parameter: str) -> str:
    last = parameter.rsplit(".", 1)[-1]
    for suffix, unit in (("_mw", "MW"), ("_ha", "ha"), ("_km", "km"), ("_m2", "m2")):
        if last.endswith(suffix):
            return unit
    return "FTE" if parameter.startswith("needs.talent.") else ""


def sweep_chart(result: Sweep) -> Figure:
    """Draw each site's rank along the swept parameter.

    Every site that is in the top at some value has a line (rank 1 at the top), named in
    full in the legend with its municipality; the area below the top is shaded; where a site
    is not feasible its marker is a cross on the bottom line "not feasible".

    Parameters
    ----------
    result
        From :func:`siting.jobs.sweep.sweep`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    tracks = result.tracks
    values = list(result.values)
    ranks = [r for t in tracks for r in t.ranks if r is not None]
    worst = max([result.top, *ranks])
    excluded_y = worst + 1
    labels = [f"{t.name} ({t.municipality})" for t in tracks]
    legend_width = max((len(label) for label in labels), default=10) * 0.065
    height = max(3.6, min(12.0, 2.2 + 0.22 * max(worst, len(tracks))))
    fig = Figure(figsize=(6.5 + legend_width, height), layout="constrained")
    ax = fig.add_subplot()
    cmap = _colours(len(tracks))
    ax.axhspan(result.top + 0.5, excluded_y + 0.5, color="#f0f0f0", zorder=0)
    ax.axhline(excluded_y, color="#bbbbbb", linewidth=0.8, zorder=0)
    for k, (track, label) in enumerate(zip(tracks, labels, strict=True)):
        colour, style = cmap[k]
        ys = [float("nan") if r is None else float(r) for r in track.ranks]
        ax.plot(values, ys, color=colour, linestyle=style, marker="o", markersize=4, label=label)
        out = [v for v, r in zip(values, track.ranks, strict=True) if r is None]
        if out:
            ax.plot(out, [excluded_y] * len(out), linestyle="none", marker="x", color=colour)
    unit = _unit(result.parameter)
    ax.set_xlabel(result.parameter + (f" [{unit}]" if unit else ""))
    ax.set_ylabel("rank among the feasible sites")
    ax.set_ylim(excluded_y + 0.7, 0.3)
    step = max(1, worst // 12)
    ticks = [1, *range(1 + step, worst + 1, step)]
    ax.set_yticks([*ticks, excluded_y], [f"#{t}" for t in ticks] + ["not feasible"])
    ax.set_title(
        f"{result.case}: rank of every site in the top {result.top} along {result.parameter}",
        loc="left",
        fontsize=10,
    )
    ax.text(
        0.01,
        (result.top + 0.6),
        f"below the top {result.top}",
        transform=ax.get_yaxis_transform(),
        color="#777777",
        va="top",
    )
    ax.grid(axis="x", color="#e5e5e5", linewidth=0.6)
    if tracks:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    return fig


def _colours(n: int) -> list[tuple[tuple[float, ...], str]]:
    """Return a colour and line style per track: 10 colours, then the same with other dashes."""
    from matplotlib import colormaps

    cmap = colormaps["tab10"]
    palette = [tuple(float(c) for c in cmap(k)[:3]) for k in range(cmap.N)]
    styles = ("-", "--", ":", "-.")
    return [(palette[k % 10], styles[(k // 10) % len(styles)]) for k in range(n)]


def sweep_chart_svg(result: Sweep) -> str:
    """Return the chart of :func:`sweep_chart` as SVG text (names as text, no date)."""
    buffer = io.StringIO()
    with rc_context(_RC):
        sweep_chart(result).savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def sweep_chart_html(result: Sweep) -> str:
    """Return a small self-contained HTML page with the chart and the summary in words."""
    title = f"{result.case}: sweep of {result.parameter}"
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{esc(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:1100px'>"
        f"{sweep_chart_svg(result)}<p>{esc(result.summary)}</p></body></html>"
    )


def save_sweep_chart(result: Sweep, path: str | Path) -> Path:
    """Write the sweep chart as ``.svg``, ``.png``, ``.pdf`` or ``.html`` (chart + summary).

    Raises
    ------
    SitingInputError
        For another suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CHART_SUFFIXES:
        raise SitingInputError(
            Problem(
                file=str(path),
                column="--chart",
                label="option",
                message=f"give a {', '.join(CHART_SUFFIXES)} file",
            )
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".html", ".htm"):
        path.write_text(sweep_chart_html(result), encoding="utf-8")
    elif suffix == ".svg":
        path.write_text(sweep_chart_svg(result), encoding="utf-8")
    else:
        with rc_context(_RC):
            sweep_chart(result).savefig(path, format=suffix[1:], dpi=150, metadata=_meta(suffix))
    return path


def _meta(suffix: str) -> dict[str, None]:
    return {"CreationDate": None} if suffix == ".pdf" else {}
