"""The two-pane comparison map of ``siting compare --map``: base left, first variant right.

Each pane is a full map of :func:`siting.outputs.maps.ranking.render_map`, embedded in one
HTML file as a self-contained frame; the panes pan and zoom together.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from siting._errors import Problem, SitingInputError
from siting.layers.load import load_geodata
from siting.outputs.maps.elements import LINKED_VIEW_RELAY, LinkedView
from siting.outputs.maps.html import esc
from siting.outputs.maps.ranking import render_map, result_points, save_map

if TYPE_CHECKING:
    from siting.results.whatif import Comparison, VariantComparison


def write_comparison_map(result: Comparison, path: Path, *, offline: bool = True) -> Path:
    """Write the base (left) and the first variant (right) as two linked maps side by side.

    Each pane is a full map of :func:`siting.outputs.maps.ranking.render_map` (same layers and
    explanation
    popups), embedded in one HTML file as a self-contained frame. The two maps move together:
    panning or zooming either one moves the other to the same centre and zoom, while each keeps
    its own layers, popups and panel; a checkbox in the header unlinks them.

    The link is a message exchange, not a reach into the frames: each pane posts its view to
    the page after every move and follows views the page sends back
    (:class:`siting.outputs.maps.elements.LinkedView`), and the page relays between the panes
    (:data:`siting.outputs.maps.elements.LINKED_VIEW_RELAY`). That works whatever origin the browser
    gives a local file or its frames, and depends neither on folium's global variable names
    nor on when each frame has finished loading. The messages carry only numbers.

    Parameters
    ----------
    result
        The comparison (from ``siting.jobs.compare.compare``); its first variant is drawn.
    path
        Target file; its folder is created if needed.
    offline
        Make both panes self-contained (see :func:`siting.outputs.maps.ranking.save_map`); the page
        itself
        loads nothing.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    SitingInputError
        When the comparison has no variant.
    """
    if not result.variants:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--map",
                label="option",
                message="needs at least one variant",
            )
        )
    variant = result.variants[0]
    panes = _render_panes(result, variant, offline=offline)
    frames = "".join(
        f'<div class="pane"><div class="head">{esc(label)}</div>'
        f'<iframe class="siting-pane" data-map="{esc(name)}" '
        f'title="{esc(label)}" srcdoc="{html.escape(page, quote=True)}">'
        "</iframe></div>"
        for label, name, page in panes
    )
    doc = _page(result, variant, frames)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path


def _render_panes(
    result: Comparison, variant: VariantComparison, *, offline: bool
) -> list[tuple[str, str, str]]:
    """Return ``(label, map name, HTML page)`` of the base's and the variant's pane."""
    # both panes open at the same view: what either ranking is about
    focus = [*result_points(result.base), *result_points(variant.result)]
    panes = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, ranking, data) in enumerate(
            (
                (f"Base: {result.base_name}", result.base, result.base_data),
                (f"What if: {variant.name}", variant.result, variant.data),
            )
        ):
            m = render_map(
                ranking,
                data=data if data is not None else load_geodata(),
                offline=offline,
                compact=True,
                focus=focus,
            )
            m.add_child(LinkedView(), name="siting_linked_view")
            page = save_map(m, Path(tmp) / f"pane{k}.html", offline=offline).read_text(
                encoding="utf-8"
            )
            panes.append((label, m.get_name(), page))
    return panes


def _page(result: Comparison, variant: VariantComparison, frames: str) -> str:
    """Return the page around the two frames: the link checkbox, the panes, the summary."""
    summary = esc(variant.summary)
    bar = (
        "<div class='bar'><label><input type='checkbox' id='siting-link' checked> "
        "Linked: the two maps move together</label> <span class='hint'>(pan or zoom "
        "either one; untick to move them separately)</span></div>"
    )
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{esc(result.base_name)} vs. {esc(variant.name)}</title>"
        "<style>html,body{margin:0;height:100%;font-family:sans-serif}"
        "body{display:flex;flex-direction:column}.bar{padding:4px 10px;font-size:13px;"
        "border-bottom:1px solid #ccc}.bar .hint{color:#666}"
        ".wrap{display:flex;flex:1;min-height:0}.pane{flex:1;display:flex;"
        "flex-direction:column;border-right:2px solid #999}.head{padding:6px 10px;"
        "font-weight:bold;background:#f4f4f4}iframe{flex:1;border:0;width:100%}"
        ".sum{flex:0 0 78px;overflow:auto;padding:6px 10px;font-size:13px;"
        f"border-top:1px solid #ccc}}</style><script>{LINKED_VIEW_RELAY}</script>"
        f"</head><body>{bar}<div class='wrap'>{frames}</div>"
        f"<div class='sum'>{summary}</div></body></html>"
    )
