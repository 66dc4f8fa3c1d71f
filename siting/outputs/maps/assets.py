"""Offline maps: Leaflet inlined from a local package, remote assets removed.

Folium links Leaflet, jQuery, Bootstrap, Font Awesome and awesome-markers from CDNs. An offline
map (:func:`make_offline`; every map by default)
links none of them: it inlines Leaflet's JS and CSS read from the
PyPI package ``django-js-lib-leaflet`` (which vendors Leaflet 1.9.4 and imports nothing), and the
maps of :mod:`siting.outputs.maps.ranking` use only Leaflet itself (DivIcon, CircleMarker,
polygons, plain HTML
popups). :func:`strip_remote_urls` is the last guard on the written HTML.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from importlib.resources import files

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

#: Name of the inlined Leaflet element in a map's children (to add it only once).
INLINE_LEAFLET = "siting_inline_leaflet"

_REMOTE = r"""(?:https?:)?//"""
_SCRIPT_TAG = re.compile(
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?" + _REMOTE + r"[^>]*>\s*</script>", re.IGNORECASE
)
_LINK_TAG = re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?" + _REMOTE + r"[^>]*>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"\b(src|href)(\s*=\s*)([\"'])" + _REMOTE + r"[^\"']*\3", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*([\"']?)" + _REMOTE + r"[^)]*\)", re.IGNORECASE)
#: What :func:`remote_references` looks for: a src/href/url() naming another host.
REMOTE_REFERENCE = re.compile(
    r"\b(?:src|href)\s*=\s*[\"']?" + _REMOTE + r"|url\(\s*[\"']?" + _REMOTE, re.IGNORECASE
)


class _InlineLeaflet(MacroElement):
    """Leaflet's CSS and JS, inlined in the page header."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        <style>{{ this.css }}</style>
        <script>{{ this.js }}</script>
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "InlineLeaflet"
        self.css, self.js = leaflet_assets()


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Return Leaflet's CSS and JS as text, ready to inline.

    The CSS's images (layer-control icons, default marker) become ``data:`` URIs, the source
    map comment is dropped and the attribution's link to leafletjs.com becomes plain text, so
    the page names no other host.

    Returns
    -------
    tuple of str
        ``(css, js)``.
    """
    root = files("js_lib_leaflet") / "static" / "js_lib_leaflet"
    css = (root / "leaflet.css").read_text(encoding="utf-8")
    js = (root / "leaflet.js").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = root / "images" / match.group(1)
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", data_uri, css)
    js = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "\n", js)
    js = js.replace(
        '<a href="https://leafletjs.com" title="A JavaScript library for interactive maps">',
        "<span>",
    ).replace('"Leaflet</a>"', '"Leaflet</span>"')
    # a closing script tag inside the inlined code would end the element early
    js = js.replace("</script", "<\\/script")
    return css, js


def make_offline(m: folium.Map, *, keep_tiles: bool = False) -> folium.Map:
    """Make a map self-contained: no CDN assets, no tile layer, Leaflet inlined.

    Idempotent; changes ``m`` in place (it is being built) and returns it.

    Parameters
    ----------
    m
        The map.
    keep_tiles
        Keep its tile layers (``--tiles``): the only requests the page then makes are tiles.

    Returns
    -------
    folium.Map
    """
    m.default_js = []
    m.default_css = []
    for name, child in list(m._children.items()):
        if isinstance(child, folium.TileLayer) and not keep_tiles:
            del m._children[name]
    if INLINE_LEAFLET not in m._children:
        m.add_child(_InlineLeaflet(), name=INLINE_LEAFLET, index=0)
    # any plugin or element with its own CDN assets loses them too
    for child in _descendants(m):
        if hasattr(child, "default_js"):
            child.default_js = []
        if hasattr(child, "default_css"):
            child.default_css = []
    return m


def strip_remote_urls(html: str) -> str:
    """Remove every script/link that loads from another host and neutralise remote src/href.

    Parameters
    ----------
    html
        A rendered page.

    Returns
    -------
    str
        The page without references to other hosts (:func:`remote_references` is empty).
    """
    html = _SCRIPT_TAG.sub("", html)
    html = _LINK_TAG.sub("", html)
    html = _ATTRIBUTE.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}#{m.group(3)}", html)
    return _CSS_URL.sub("url()", html)


def remote_references(html: str) -> list[str]:
    """Return the places where a page would load something from another host.

    Parameters
    ----------
    html
        A rendered page.

    Returns
    -------
    list of str
        Short excerpts around each ``src=``/``href=``/``url(`` naming an http(s) or
        protocol-relative address; empty for a self-contained page.
    """
    return [html[max(0, m.start() - 40) : m.end() + 60] for m in REMOTE_REFERENCE.finditer(html)]


def _descendants(element: Element) -> list[Element]:
    out = []
    for child in element._children.values():
        out.append(child)
        out.extend(_descendants(child))
    return out
