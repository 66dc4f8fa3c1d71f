"""Keep map text literal: JavaScript values safe in a ``<script>``, and no template text.

folium's ``Popup`` and ``Tooltip`` put their HTML into a JavaScript template literal (where
``${...}`` in data would run); the elements of :mod:`siting.outputs.maps.elements` instead pass
every piece of HTML as a JSON string (:func:`js_value`), and :func:`render_page` refuses any
text that branca would evaluate as a Jinja template.
"""

from __future__ import annotations

import json
import re
from typing import Any

from branca.element import Element, Figure

#: What starts a Jinja expression, statement or comment.
TEMPLATE_DELIMITER = re.compile(r"\{[{%#]")


def js_value(value: Any) -> str:
    r"""Return ``value`` as a JavaScript literal that is safe inside an HTML ``<script>``.

    JSON, with ``<``, ``>``, ``&`` and the JS line separators escaped, so no data can close the
    script element or start markup, and the braces inside strings escaped (``\u007b``,
    ``\u007d``), so no data can form a Jinja delimiter when branca re-renders the script as a
    template (the braces of JSON's own objects never do: one is always followed by ``"`` or
    ``}``).

    Parameters
    ----------
    value
        JSON-serialisable data (no NaN or infinity).

    Returns
    -------
    str
    """
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    text = _JSON_STRING.sub(_escape_braces, text)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def render_page(m: Element) -> str:
    """Render a map's whole page, refusing any text that branca would evaluate as a template.

    branca renders every element's header, html and script macros, then wraps each output in
    a new template that the page renders a second time; text in such an output is evaluated.
    All text reaches the maps through :func:`siting.outputs.maps.html.esc` or :func:`js_value`,
    which escape the braces; this checks that nothing else got in, at the two places a text
    can be evaluated: (1) the state of every element before rendering (its attributes, and
    the source of an element built from a template string) and (2) every macro output before
    its second rendering. So an element added later that embeds raw text fails loudly, with
    the element named, instead of running what the data says.

    Parameters
    ----------
    m
        The map (or any element of its figure).

    Returns
    -------
    str
        The page, as ``m.get_root().render()`` gives it.

    Raises
    ------
    RuntimeError
        When some text would be evaluated as a template.
    """
    root = m.get_root()
    check_literal(root)
    if not isinstance(root, Figure):  # pragma: no cover - folium maps always have a figure
        return root.render()
    for child in root._children.values():  # the first half of Figure.render
        child.render()
    for part in (root.header, root.html, root.script):
        for name, element in part._children.items():
            _refuse_template_text(element._template_str, f"the output of {name}")
    return root._template.render(this=root, kwargs={})  # the second half: the page


def check_literal(root: Element) -> None:
    """Raise if the state of any element of a map holds text with a Jinja delimiter.

    Parameters
    ----------
    root
        The figure (or any element): it and every element below it are checked.

    Raises
    ------
    RuntimeError
        Naming the element and the attribute.
    """
    seen: set[int] = set()
    todo: list[Element] = [root]
    while todo:
        element = todo.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        for key, value in vars(element).items():
            if key in ("_parent", "_template"):
                continue
            for text, nested in _texts(value):
                if nested is not None:
                    todo.append(nested)
                else:
                    _refuse_template_text(text, f"{type(element).__name__}.{key}")


def _texts(value: Any, depth: int = 0) -> Any:
    """Yield ``(text, None)`` for every string in ``value`` and ``(None, element)`` for elements."""
    if isinstance(value, str):
        yield value, None
    elif isinstance(value, Element):
        yield None, value
    elif isinstance(value, dict) and depth < 50:
        for k, v in value.items():
            yield from _texts(k, depth + 1)
            yield from _texts(v, depth + 1)
    elif isinstance(value, list | tuple | set | frozenset) and depth < 50:
        for v in value:
            yield from _texts(v, depth + 1)


def _refuse_template_text(text: str | None, where: str) -> None:
    if text is None:
        return
    found = TEMPLATE_DELIMITER.search(text)
    if found is not None:
        start = max(0, found.start() - 20)
        raise RuntimeError(
            f"map text would be evaluated as a template ({where}): "
            f"{text[start : found.end() + 20]!r}; text must go through esc() or js_value()"
        )


#: A JSON string token (as :func:`json.dumps` writes them: every ``"`` inside is escaped).
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _escape_braces(match: re.Match[str]) -> str:
    token = match.group(0)
    if "{" not in token and "}" not in token:
        return token
    return token.replace("{", "\\u007b").replace("}", "\\u007d")
