"""The offline basemap, optional background tiles, and the map's opening view.

Every map gets a basemap drawn from the shipped, simplified CBS/PDOK boundaries
(``geodata/boundaries``, CC BY 4.0, attributed on the map): the provinces as land on a sea
colour, province borders above the surfaces, and the names of the main places (the largest
municipalities; more appear as one zooms in). Nothing is fetched. Background tiles
(:func:`add_tiles`) are added only on request (``--tiles``); when they cannot load, a notice
in the map says so and the basemap stays.

The map opens at the extent of what it is about (:func:`open_at`), with a control one click
away that shows the whole country (:class:`ViewControl`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from siting import settings
from siting.layers.load import GeoData
from siting.outputs.maps.elements import js_value
from siting.outputs.maps.geometry import boundary_shapes, latlon
from siting.outputs.maps.palettes import LAND_COLOR, SEA_COLOR

#: Attribution of the boundaries (their licence asks for it).
BOUNDARY_ATTRIBUTION = "Boundaries &copy; CBS / PDOK (CC BY 4.0)"
#: Places always labelled, and labelled from :data:`LABEL_MORE_ZOOM` on.
LABELS_ALWAYS: int = 12
LABELS_MORE: int = 40
LABEL_MORE_ZOOM: int = 9
#: The national view [degree]: south-west and north-east corners.
NATIONAL_BOUNDS: tuple[tuple[float, float], tuple[float, float]] = ((50.75, 3.36), (53.55, 7.23))
#: Largest zoom of the opening view (a single site is not shown at street level).
OPEN_MAX_ZOOM: int = 11
#: Online background map: a light grey canvas that needs no API key.
TILES = "Esri.WorldGrayCanvas"

BASEMAP_CSS = f"""
.leaflet-container {{ background: {SEA_COLOR}; }}
.siting-place {{ font: 600 11px/1 Arial, Helvetica, sans-serif; color: #333;
    white-space: nowrap; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff;
    transform: translate(-50%, -50%); position: absolute; pointer-events: none; }}
.siting-place.more {{ font-weight: normal; font-size: 10px; color: #555; }}
.siting-notice {{ background: #fff3cd; border: 1px solid #c9a227; padding: 4px 8px;
    border-radius: 3px; font: 12px/1.3 Arial, Helvetica, sans-serif; max-width: 320px; }}
.siting-view-button {{ font: bold 12px/26px Arial, Helvetica, sans-serif !important;
    width: auto !important; padding: 0 6px; }}
"""


class Basemap(MacroElement):
    """Provinces as land, their borders above the surfaces, place names; the attribution.

    Parameters
    ----------
    provinces
        Leaflet latlngs per province.
    places
        ``(lat, lon, name, always)`` per labelled place.
    land_opacity
        Fill opacity of the land (0 under background tiles).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var base = map.createPane("siting-base");
            base.style.zIndex = 250;
            var borders = map.createPane("siting-borders");
            borders.style.zIndex = 450;
            borders.style.pointerEvents = "none";
            var labels = map.createPane("siting-labels");
            labels.style.zIndex = 460;
            labels.style.pointerEvents = "none";
            var provinces = {{ this.provinces }};
            for (var i = 0; i < provinces.length; i++) {
                L.polygon(provinces[i], {pane: "siting-base", stroke: false,
                    fillColor: {{ this.land }}, fillOpacity: {{ this.land_opacity }},
                    interactive: false}).addTo(map);
                L.polygon(provinces[i], {pane: "siting-borders", fill: false,
                    color: "#5b5b5b", weight: 1.2, opacity: 0.8, interactive: false}).addTo(map);
            }
            var places = {{ this.places }}, more = [];
            for (var j = 0; j < places.length; j++) {
                var p = places[j], span = document.createElement("span");
                span.className = "siting-place" + (p[3] ? "" : " more");
                span.textContent = p[2];
                var icon = L.divIcon({html: span.outerHTML, className: "", iconSize: [0, 0]});
                var marker = L.marker([p[0], p[1]], {icon: icon, pane: "siting-labels",
                    interactive: false, keyboard: false});
                if (p[3]) { marker.addTo(map); } else { more.push(marker); }
            }
            function zoomed() {
                var on = map.getZoom() >= {{ this.more_zoom }};
                more.forEach(function (m) { if (on) { m.addTo(map); } else { m.remove(); } });
            }
            map.on("zoomend", zoomed);
            zoomed();
            if (map.attributionControl) {
                map.attributionControl.addAttribution({{ this.attribution }});
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self,
        provinces: Sequence[Any],
        places: Sequence[tuple[float, float, str, bool]],
        *,
        land_opacity: float = 1.0,
    ) -> None:
        super().__init__()
        self._name = "Basemap"
        self.provinces = js_value(list(provinces))
        self.places = js_value([list(p) for p in places])
        self.land = js_value(LAND_COLOR)
        self.land_opacity = js_value(float(land_opacity))
        self.more_zoom = js_value(LABEL_MORE_ZOOM)
        self.attribution = js_value(BOUNDARY_ATTRIBUTION)


class TileNotice(MacroElement):
    """Show a notice in the map when the background tiles cannot load.

    Parameters
    ----------
    tile_layer
        The folium variable name of the tile layer.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map, tiles) {
            var shown = false;
            tiles.on("tileerror", function () {
                if (shown) { return; }
                shown = true;
                var control = L.control({position: "bottomleft"});
                control.onAdd = function () {
                    var div = L.DomUtil.create("div", "leaflet-control siting-notice");
                    div.id = "siting-tile-notice";
                    div.textContent = {{ this.text }};
                    return div;
                };
                control.addTo(map);
            });
        })({{ this._parent.get_name() }}, {{ this.tile_layer }});
        {% endmacro %}
    """)

    def __init__(self, tile_layer: str) -> None:
        super().__init__()
        self._name = "TileNotice"
        self.tile_layer = tile_layer
        self.text = js_value(
            "The background map could not load (no connection?): only the offline basemap "
            "is shown. The map works without it."
        )


class ViewControl(MacroElement):
    """Open the map at ``bounds`` and add buttons for that view and the national view.

    Parameters
    ----------
    bounds
        ``[[south, west], [north, east]]`` [degree] of what the map is about, or ``None`` for
        the national view.
    padding_left, padding_right
        Room kept free on the left for the panel and on the right for the legend [px].
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) {
            var national = {{ this.national }}, focus = {{ this.bounds }};
            var options = {paddingTopLeft: [{{ this.padding_left }}, 20],
                           paddingBottomRight: [{{ this.padding_right }}, 20],
                           maxZoom: {{ this.max_zoom }}, animate: false};
            function show(b) { map.fitBounds(b, options); }
            show(focus || national);
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var bar = L.DomUtil.create("div", "leaflet-bar leaflet-control siting-views");
                function button(text, title, id, b) {
                    var a = L.DomUtil.create("a", "siting-view-button", bar);
                    a.href = "#"; a.id = id; a.textContent = text; a.title = title;
                    a.setAttribute("role", "button");
                    L.DomEvent.on(a, "click", function (e) {
                        L.DomEvent.preventDefault(e); show(b);
                    });
                }
                button("NL", "Whole country", "siting-view-national", national);
                if (focus) { button("Fit", "Back to the results", "siting-view-focus", focus); }
                L.DomEvent.disableClickPropagation(bar);
                return bar;
            };
            control.addTo(map);
        })({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(
        self, bounds: list[list[float]] | None, *, padding_left: int = 20, padding_right: int = 20
    ) -> None:
        super().__init__()
        self._name = "ViewControl"
        self.bounds = js_value(bounds)
        self.national = js_value([list(NATIONAL_BOUNDS[0]), list(NATIONAL_BOUNDS[1])])
        self.padding_left = js_value(int(padding_left))
        self.padding_right = js_value(int(padding_right))
        self.max_zoom = js_value(OPEN_MAX_ZOOM)


def add_basemap(m: folium.Map, data: GeoData, *, tiles: bool = False) -> folium.Map:
    """Draw the offline basemap on ``m`` (and the tiles with their notice when asked); return it.

    Parameters
    ----------
    m
        The map.
    data
        The layers (the municipalities' names, points and populations for the labels).
    tiles
        Also add the online background map (:data:`TILES`) with a notice if it cannot load.
    """
    provinces = [shape for _, shape in boundary_shapes("provinces", str(settings.boundaries_dir))]
    m.add_child(
        Basemap(provinces, main_places(data), land_opacity=0.0 if tiles else 1.0),
        name="siting_basemap",
    )
    if tiles:
        layer = folium.TileLayer(_tile_provider(), control=False)
        m.add_child(layer, name="siting_tiles", index=0)
        m.add_child(TileNotice(layer.get_name()), name="siting_tile_notice")
    return m


def main_places(data: GeoData) -> list[tuple[float, float, str, bool]]:
    """Return the labelled places: the largest municipalities, ``always`` for the largest few.

    Returns
    -------
    list
        ``(lat, lon, name, always)``, largest first; :data:`LABELS_MORE` at most.
    """
    frame = data.municipalities
    if frame.empty or "population" not in frame.columns:
        return []
    frame = frame[frame["population"].notna() & frame.geometry.notna()]
    frame = frame.sort_values(["population", "gm_code"], ascending=[False, True])
    frame = frame.head(LABELS_MORE)
    points = frame.geometry.to_crs(settings.display_crs)
    return [
        (*latlon(p.y, p.x), str(name), k < LABELS_ALWAYS)  # type: ignore[misc]
        for k, (p, name) in enumerate(zip(points, frame["name"], strict=True))
    ]


def extent(points: Sequence[tuple[float, float]]) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of ``(lat, lon)`` points, or ``None`` if none."""
    good = [(a, b) for a, b in points if a == a and b == b]  # NaN-free
    if not good:
        return None
    lats, lons = [a for a, _ in good], [b for _, b in good]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def open_at(
    m: folium.Map,
    points: Sequence[tuple[float, float]],
    *,
    padding_left: int,
    padding_right: int = 270,
) -> None:
    """Open ``m`` at the extent of ``points`` (``(lat, lon)``), with the view buttons.

    The padding [px] keeps the points clear of the panel (left) and the legend (right).
    """
    view = ViewControl(extent(points), padding_left=padding_left, padding_right=padding_right)
    m.add_child(view, name="siting_view")


def _tile_provider() -> Any:
    import xyzservices

    return xyzservices.providers.query_name(TILES)
