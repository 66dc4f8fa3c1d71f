"""Text for the terminal: text from data is always literal, our own styling is given as styles.

Every terminal report builds :class:`rich.text.Text` objects with these helpers instead of rich
markup, so a ``[/]`` or ``[link=...]`` in an id, a name or a path is shown as typed on any
console (markup on or off), and escape sequences and control characters are dropped
(:func:`siting._errors.printable`) even on a console without the command line's render hook.
"""

from __future__ import annotations

from rich.text import Text

from siting._errors import printable


def plain(value: object, style: str = "") -> Text:
    """Return ``value`` as literal text (never read as markup), optionally in ``style``."""
    return Text(printable(str(value)), style=style)


def styled(*parts: str | tuple[str, str]) -> Text:
    """Join plain parts and ``(text, style)`` parts into one literal text.

    ``styled(("Case x", "bold"), ": 3 ha plot")`` is the safe form of
    ``"[bold]Case x[/]: 3 ha plot"``.
    """
    out = Text()
    for part in parts:
        if isinstance(part, tuple):
            out.append(printable(part[0]), style=part[1])
        else:
            out.append(printable(part))
    return out
