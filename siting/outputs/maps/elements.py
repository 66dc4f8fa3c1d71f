"""Small Leaflet elements for the maps that need no CDN asset and escape safely.

folium's ``Popup`` and ``Tooltip`` put their HTML into a JavaScript template literal (where
``${...}`` in data would run) and ``Popup`` needs jQuery; these elements instead pass every
piece of HTML as a JSON string (:func:`js_value`), and the HTML itself is built from
``html.escape``-d text by :mod:`siting.outputs.maps.html`.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from jinja2 import Template

from siting.outputs.maps.literal import TEMPLATE_DELIMITER as TEMPLATE_DELIMITER
from siting.outputs.maps.literal import check_literal as check_literal
from siting.outputs.maps.literal import js_value as js_value
from siting.outputs.maps.literal import render_page as render_page


class Bind(MacroElement):
    """Bind a popup and/or tooltip of ready-made (escaped) HTML to the parent layer.

    Parameters
    ----------
    popup, tooltip
        HTML strings, or ``None``.
    popup_options, tooltip_options
        Leaflet options.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this._parent.get_name() }}
        {%- if this.popup %}.bindPopup({{ this.popup }}, {{ this.popup_options }}){% endif %}
        {%- if this.tooltip %}.bindTooltip({{ this.tooltip }}, {{ this.tooltip_options }})
        {%- endif %};
        {% endmacro %}
    """)

    def __init__(
        self,
        *,
        popup: str | None = None,
        tooltip: str | None = None,
        popup_options: dict[str, Any] | None = None,
        tooltip_options: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self._name = "Bind"
        self.popup = js_value(popup) if popup else None
        self.tooltip = js_value(tooltip) if tooltip else None
        self.popup_options = js_value(popup_options or {})
        self.tooltip_options = js_value(tooltip_options or {"sticky": True})


class PolygonSurface(MacroElement):
    """Many filled polygons with a tooltip each, in compact form, added to the parent group.

    Parameters
    ----------
    cells
        ``(latlngs, colour index, tooltip html)`` per polygon; ``latlngs`` as Leaflet takes
        them (a ring, rings with holes, or a list of those for multipolygons), rounded.
    colors
        The palette the indices refer to.
    style
        Leaflet path options shared by all polygons.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (group) {
            var colors = {{ this.colors }};
            var style = {{ this.style }};
            var cells = {{ this.cells }};
            for (var i = 0; i < cells.length; i++) {
                var c = cells[i];
                var options = Object.assign({}, style, {fillColor: colors[c[1]]});
                L.polygon(c[0], options).bindTooltip(c[2], {sticky: true}).addTo(group);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self, cells: list[tuple[Any, int, str]], *, colors: list[str], style: dict[str, Any]
    ) -> None:
        super().__init__()
        self._name = "PolygonSurface"
        self.cells = js_value([list(c) for c in cells])
        self.colors = js_value(colors)
        self.style = js_value(style)


class HtmlControl(MacroElement):
    """A fixed box on the map (Leaflet control) holding ready-made (escaped) HTML.

    With a ``title`` the box is collapsible: a header with the title and a button that hides
    or shows the content (``siting-collapsed`` on the box).

    Parameters
    ----------
    html
        Content.
    position
        ``"topleft"``, ``"topright"``, ``"bottomleft"`` or ``"bottomright"``.
    css_class, element_id
        For styling and for tests.
    title
        Plain text of the header (set as text, never parsed as HTML); ``None`` for none.
    collapsed
        Start collapsed.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var control = L.control({position: {{ this.position }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_class }});
                div.id = {{ this.element_id }};
                var title = {{ this.title }};
                var body = L.DomUtil.create("div", "siting-body", div);
                body.innerHTML = {{ this.html }};
                if (title !== null) {
                    var head = L.DomUtil.create("div", "siting-head");
                    div.insertBefore(head, body);
                    var name = L.DomUtil.create("span", "siting-title", head);
                    name.textContent = title;
                    var button = L.DomUtil.create("button", "siting-toggle", head);
                    button.type = "button";
                    function set(collapsed) {
                        div.classList.toggle("siting-collapsed", collapsed);
                        button.textContent = collapsed ? "+" : "\u2212";
                        button.title = collapsed ? "Show" : "Hide";
                        button.setAttribute("aria-expanded", collapsed ? "false" : "true");
                    }
                    set({{ this.collapsed }});
                    L.DomEvent.on(head, "click", function () {
                        set(!div.classList.contains("siting-collapsed"));
                    });
                }
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self,
        html: str,
        *,
        position: str,
        css_class: str,
        element_id: str,
        title: str | None = None,
        collapsed: bool = False,
    ) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html = js_value(html)
        self.position = js_value(position)
        self.css_class = js_value(f"leaflet-control {css_class}")
        self.element_id = js_value(element_id)
        self.title = js_value(title)
        self.collapsed = js_value(bool(collapsed))


class SurfaceSwitch(MacroElement):
    """Show one surface layer at a time and the legend section of each visible layer.

    Turning a surface on (layer control) turns the other surfaces off; legend sections marked
    ``data-layer="<layer name>"`` follow their layer's visibility.

    Parameters
    ----------
    surfaces
        Layer name -> the folium variable name of its FeatureGroup.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var surfaces = { {%- for name, var in this.surfaces %}
                {{ name }}: {{ var }}{{ "," if not loop.last }}{% endfor %} };
            function sync(name, on) {
                var sections = document.querySelectorAll(".siting-legend [data-layer]");
                for (var i = 0; i < sections.length; i++) {
                    if (sections[i].getAttribute("data-layer") === name) {
                        sections[i].style.display = on ? "" : "none";
                    }
                }
            }
            map.on("overlayadd", function (e) {
                sync(e.name, true);
                if (!(e.name in surfaces)) { return; }
                // after the layer control has handled the click, so its checkboxes follow
                setTimeout(function () {
                    for (var other in surfaces) {
                        if (other !== e.name && map.hasLayer(surfaces[other])) {
                            map.removeLayer(surfaces[other]);
                        }
                    }
                }, 0);
            });
            map.on("overlayremove", function (e) { sync(e.name, false); });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, surfaces: dict[str, str]) -> None:
        super().__init__()
        self._name = "SurfaceSwitch"
        self.surfaces = [(js_value(name), var) for name, var in surfaces.items()]


class Style(MacroElement):
    """A ``<style>`` block in the page header (trusted CSS only)."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        {% endmacro %}
    """)

    def __init__(self, css: str) -> None:
        super().__init__()
        self._name = "Style"
        self.css = css


class LinkedView(MacroElement):
    """Report the parent map's view to the embedding page and follow views sent back.

    For maps shown side by side in frames (``siting compare --map``): after every move the map
    posts ``{siting: "view", lat, lng, zoom}`` to ``window.parent``; a ``{siting: "set-view",
    ...}`` message from the parent moves the map without animation. A view applied from outside
    is not reported back (guard flag around the synchronous ``setView``) and a view the map
    already has is not applied again, so two linked maps settle after one exchange. Outside a
    frame the element does nothing. The page relays with :data:`LINKED_VIEW_RELAY`.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            if (window.parent === window) { return; }
            var applying = false;
            function view() {
                var c = map.getCenter();
                return {lat: c.lat, lng: c.lng, zoom: map.getZoom()};
            }
            map.on("moveend", function () {
                if (applying) { return; }
                var v = view();
                window.parent.postMessage({siting: "view", lat: v.lat, lng: v.lng,
                                           zoom: v.zoom}, "*");
            });
            window.addEventListener("message", function (e) {
                var d = e.data;
                if (e.source !== window.parent || !d || d.siting !== "set-view" ||
                        !Number.isFinite(d.lat) || !Number.isFinite(d.lng) ||
                        !Number.isFinite(d.zoom)) { return; }
                var v = view();
                if (v.zoom === d.zoom && Math.abs(v.lat - d.lat) < 1e-9 &&
                        Math.abs(v.lng - d.lng) < 1e-9) { return; }
                applying = true;
                try {
                    map.setView([d.lat, d.lng], d.zoom, {animate: false});
                } finally {
                    applying = false;
                }
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "LinkedView"


#: The embedding page's half of :class:`LinkedView`: relays a view reported by one
#: ``iframe.siting-pane`` to the other panes while the checkbox ``#siting-link`` is checked;
#: re-checking it sends the view of the pane moved last to the others. Messages from anything
#: but a pane, or without finite numbers, are ignored.
LINKED_VIEW_RELAY = """
(function () {
    var last = null;
    function panes() {
        return Array.prototype.slice.call(document.querySelectorAll("iframe.siting-pane"));
    }
    function linked() {
        var box = document.getElementById("siting-link");
        return !box || box.checked;
    }
    function relay(from, v) {
        panes().forEach(function (frame) {
            if (frame.contentWindow && frame.contentWindow !== from) {
                frame.contentWindow.postMessage({siting: "set-view", lat: v.lat, lng: v.lng,
                                                 zoom: v.zoom}, "*");
            }
        });
    }
    window.addEventListener("message", function (e) {
        var d = e.data;
        if (!d || d.siting !== "view" || !Number.isFinite(d.lat) ||
                !Number.isFinite(d.lng) || !Number.isFinite(d.zoom)) { return; }
        if (!panes().some(function (f) { return f.contentWindow === e.source; })) { return; }
        last = {from: e.source, view: {lat: d.lat, lng: d.lng, zoom: d.zoom}};
        if (linked()) { relay(last.from, last.view); }
    });
    document.addEventListener("change", function (e) {
        if (e.target && e.target.id === "siting-link" && e.target.checked && last) {
            relay(last.from, last.view);
        }
    });
})();
"""


#: Switches the tabs of :func:`siting.outputs.maps.html.tabs` (delegated: popups are created
#: when opened). Trusted code, no data.
TABS_SCRIPT = """
document.addEventListener("click", function (e) {
    var button = e.target && e.target.closest && e.target.closest(".siting-tabs .bar button");
    if (!button) { return; }
    var box = button.closest(".siting-tabs"), k = button.getAttribute("data-tab");
    box.querySelectorAll(".bar button").forEach(function (b) {
        b.classList.toggle("on", b === button);
    });
    box.querySelectorAll(".pane").forEach(function (p) {
        p.hidden = p.getAttribute("data-pane") !== k;
    });
});
"""


class Script(MacroElement):
    """A ``<script>`` block at the end of the page (trusted code only, no data)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.code }}
        {% endmacro %}
    """)

    def __init__(self, code: str) -> None:
        super().__init__()
        self._name = "Script"
        self.code = code
