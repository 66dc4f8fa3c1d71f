"""Live weights: sliders in the map's panel that re-rank the feasible sites in the browser.

The map carries the result's :class:`~siting.results.live_scores.ScoreTable` (the feasible
sites' scores per applicable criterion; the hard rules stay as they were). Moving a slider
re-ranks with the rule of :func:`siting.model.site_choice.rank_by_enumeration`: weights scaled
to sum 1 over those above 0, utility summed in catalogue order, quantised to 1e-6 (half to
even), ties by site id. The list in the panel, the numbered markers and their popups follow;
"Reset" restores the analyst's weights and the markers with their full explanations. So the
browser's ranking equals ``siting rank --weights`` with the slider values (a browser test
checks it).
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

from siting.outputs.maps.elements import js_value
from siting.outputs.maps.html import esc
from siting.outputs.maps.ranking_layers import POPUP_OPTIONS
from siting.results.ranking import RankingResult

#: Slider step [-].
WEIGHT_STEP: float = 0.01

LIVE_CSS = """
.siting-live label { display: block; margin: 2px 0 0; font-size: 11px; }
.siting-live input[type=range] { width: 150px; vertical-align: middle; margin: 0 4px 0 0; }
.siting-live output { display: inline-block; width: 32px; text-align: right;
    font-variant-numeric: tabular-nums; }
.siting-live ol { margin: 4px 0 0; padding-left: 22px; }
.siting-live li.moved { font-weight: bold; }
.siting-live button { font-size: 11px; margin-top: 4px; }
.siting-rank.live { background: #6a1b9a; box-shadow: 0 0 0 1px #6a1b9a,
    0 1px 4px rgba(0,0,0,.5); }
.siting-head { display: flex; justify-content: space-between; align-items: center;
    cursor: pointer; font-weight: bold; font-size: 13px; }
.siting-toggle { border: 1px solid #999; background: #fff; border-radius: 3px; width: 22px;
    height: 20px; line-height: 16px; padding: 0; cursor: pointer; font-weight: bold; }
.siting-collapsed .siting-body { display: none; }
"""


def live_section(result: RankingResult) -> str:
    """Return the panel section with one slider per applicable criterion and the live list.

    Empty when the result carries no score table or no site is feasible.
    """
    table = result.live
    if table is None or not table.site_ids or not table.criteria:
        return ""
    parts = ['<details open class="siting-live" id="siting-live"><summary>Weights (live)</summary>']
    for k, (name, label, weight) in enumerate(
        zip(table.criteria, table.labels, table.weights, strict=True)
    ):
        parts.append(
            f'<label>{esc(label)}<br><input type="range" min="0" max="1" '
            f'step="{WEIGHT_STEP:g}" value="{weight:.2f}" data-k="{k}" '
            f'data-criterion="{esc(name)}" aria-label="{esc(label)}">'
            f'<output data-k="{k}">{weight:.2f}</output></label>'
        )
    parts.append(
        '<button type="button" id="siting-live-reset">Reset to the analyst\'s weights</button>'
        '<div class="note" id="siting-live-state">analyst\'s weights; hard rules fixed</div>'
        '<ol id="siting-live-list"></ol></details>'
    )
    return "".join(parts)


class LiveWeights(MacroElement):
    """The browser half of the live weights (see the module docstring).

    Parameters
    ----------
    result
        The ranking; its score table, sites and number of recommendations.
    group
        The folium variable name of the recommended sites' layer.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, group) {
            var D = {{ this.data }};
            var root = document.getElementById("siting-live");
            if (!root) { return; }
            var sliders = root.querySelectorAll("input[type=range]");
            var outputs = root.querySelectorAll("output");
            var list = document.getElementById("siting-live-list");
            var state = document.getElementById("siting-live-state");
            var original = [];
            group.eachLayer(function (l) { original.push(l); });
            function rint(x) {  // numpy's rint: half to even
                var r = Math.round(x);
                if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) { r -= 1; }
                return r;
            }
            function rank(w) {
                var scale = 0, k, i;
                for (k = 0; k < w.length; k++) { if (w[k] > 0) { scale += w[k]; } }
                var out = [];
                for (i = 0; i < D.ids.length; i++) {
                    var u = 0;
                    if (scale > 0) {
                        for (k = 0; k < w.length; k++) {
                            if (w[k] > 0) { u += (w[k] / scale) * D.scores[i][k]; }
                        }
                    }
                    out.push({i: i, u: u, q: rint(u / 1e-6)});
                }
                out.sort(function (a, b) {
                    if (a.q !== b.q) { return b.q - a.q; }
                    return D.ids[a.i] < D.ids[b.i] ? -1 : (D.ids[a.i] > D.ids[b.i] ? 1 : 0);
                });
                return out.slice(0, D.top);
            }
            function text(s) { var d = document.createElement("div"); d.textContent = s;
                               return d.innerHTML; }
            function popup(r, pos, w, scale) {
                var s = D.sites[r.i], rows = "";
                for (var k = 0; k < D.labels.length; k++) {
                    var wk = w[k] > 0 && scale > 0 ? w[k] / scale : 0;
                    rows += "<tr><td>" + text(D.labels[k]) + "</td><td class=\\"n\\">" +
                        D.scores[r.i][k].toFixed(2) + "</td><td class=\\"n\\">" +
                        wk.toFixed(2) + "</td><td class=\\"n\\">" +
                        (wk * D.scores[r.i][k]).toFixed(3) + "</td></tr>";
                }
                return "<div class=\\"siting-pop\\" data-site=\\"" + text(D.ids[r.i]) +
                    "\\"><h4>#" + pos + " " + text(s[0]) + "</h4><div>" + text(s[1]) +
                    "</div><div><b>score " + r.u.toFixed(3) + "</b> of 1 with the live " +
                    "weights</div><h5>Contribution of each criterion</h5><table><tr>" +
                    "<th>criterion</th><th class=\\"n\\">score</th><th class=\\"n\\">" +
                    "weight</th><th class=\\"n\\">adds</th></tr>" + rows + "</table>" +
                    "<div class=\\"note\\">re-ranked in the browser; the hard rules are " +
                    "unchanged. Reset for the analyst's explanation (rules, stability, " +
                    "caveats).</div></div>";
            }
            function weights() {
                return Array.prototype.map.call(sliders, function (s) {
                    return parseFloat(s.value); });
            }
            function show(w, live) {
                var top = rank(w), scale = 0;
                w.forEach(function (x) { if (x > 0) { scale += x; } });
                list.innerHTML = "";
                top.forEach(function (r, pos) {
                    var li = document.createElement("li");
                    li.setAttribute("data-site", D.ids[r.i]);
                    li.textContent = D.sites[r.i][0] + " (" + D.sites[r.i][1] + ") " +
                        r.u.toFixed(3);
                    if (D.base[pos] !== D.ids[r.i]) { li.className = "moved"; }
                    list.appendChild(li);
                });
                group.clearLayers();
                if (!live) {
                    original.forEach(function (l) { group.addLayer(l); });
                    state.textContent = "analyst's weights; hard rules fixed";
                    return;
                }
                state.textContent = "live weights (bold: a different site at that rank)";
                top.forEach(function (r, pos) {
                    var s = D.sites[r.i];
                    var icon = L.divIcon({html: "<div class=\\"siting-rank live\\" data-rank=\\"" +
                        (pos + 1) + "\\">" + (pos + 1) + "</div>", className: "",
                        iconSize: [28, 28], iconAnchor: [14, 14]});
                    L.marker([s[2], s[3]], {icon: icon, zIndexOffset: 1000 - pos})
                        .bindPopup(popup(r, pos + 1, w, scale), D.popup)
                        .bindTooltip("<b>#" + (pos + 1) + " " + text(s[0]) + "</b> score " +
                                     r.u.toFixed(3) + " (live weights)", {direction: "top"})
                        .addTo(group);
                });
            }
            Array.prototype.forEach.call(sliders, function (s, k) {
                s.addEventListener("input", function () {
                    outputs[k].textContent = parseFloat(s.value).toFixed(2);
                    show(weights(), true);
                });
            });
            document.getElementById("siting-live-reset").addEventListener("click", function () {
                Array.prototype.forEach.call(sliders, function (s, k) {
                    s.value = D.weights[k].toFixed(2);
                    outputs[k].textContent = D.weights[k].toFixed(2);
                });
                show(D.weights, false);
            });
            show(D.weights, false);
        })({{ this._parent.get_name() }}, {{ this.group }});
        {% endmacro %}
    """)

    def __init__(self, result: RankingResult, group: str) -> None:
        super().__init__()
        self._name = "LiveWeights"
        table = result.live
        assert table is not None
        where = {s.site_id: s for s in result.sites}
        sites = []
        for site_id in table.site_ids:
            s = where.get(site_id)
            sites.append(
                [s.name, s.municipality, round(s.lat, 5), round(s.lon, 5)]
                if s is not None
                else [site_id, "", 0.0, 0.0]
            )
        self.group = group
        self.data = js_value(
            {
                "ids": list(table.site_ids),
                "labels": list(table.labels),
                "weights": list(table.weights),
                "scores": [list(row) for row in table.scores],
                "sites": sites,
                "top": len(result.recommendations),
                "base": [rec.site_id for rec in result.recommendations],
                "popup": {**POPUP_OPTIONS, "minWidth": 300},
            }
        )


def add_live_weights(m: folium.Map, result: RankingResult, group: str) -> bool:
    """Add the live weights' script for the panel section of :func:`live_section`.

    Returns
    -------
    bool
        Whether they were added (the result carries scores of feasible sites).
    """
    if not live_section(result):
        return False
    m.add_child(LiveWeights(result, group), name="siting_live_weights")
    return True
