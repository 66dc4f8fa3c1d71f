"""typer's help renderer without the two rich modules our help never uses.

typer renders every help text and usage error with :mod:`typer.rich_utils`, which imports
``rich.markdown`` (markdown-it-py, and pygments through ``rich.syntax``) and
``rich.traceback`` at its top. Our app uses neither: its markup mode is ``"rich"`` (Markdown
is only built in mode ``"markdown"``) and its pretty exceptions are off (a ``Traceback`` is
only built for those). Together they are about 60-80 ms of the 0.25 s a ``siting --help``
took. :func:`load_rich_utils` imports ``typer.rich_utils`` with stand-ins for the two names,
each of which imports the real class when it is first used, so the help text is the same and
every other import of ``rich.markdown`` or ``rich.traceback`` gets the real module.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _LazyMarkdown:
    """Stand-in for :class:`rich.markdown.Markdown`: builds the real one when called."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.markdown import Markdown

        return Markdown(*args, **kwargs)


class _LazyTraceback:
    """Stand-in for :class:`rich.traceback.Traceback`: builds the real one when called."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        from rich.traceback import Traceback

        return Traceback(*args, **kwargs)

    @classmethod
    def from_exception(cls, *args: Any, **kwargs: Any) -> Any:
        """Build the real traceback (:meth:`rich.traceback.Traceback.from_exception`)."""
        from rich.traceback import Traceback

        return Traceback.from_exception(*args, **kwargs)


#: module -> (the name typer's renderer imports from it, its stand-in)
_STAND_INS: dict[str, tuple[str, type]] = {
    "rich.markdown": ("Markdown", _LazyMarkdown),
    "rich.traceback": ("Traceback", _LazyTraceback),
}


def load_rich_utils() -> types.ModuleType:
    """Import :mod:`typer.rich_utils` without ``rich.markdown`` and ``rich.traceback``.

    While ``typer.rich_utils`` is imported, each of the two modules not yet imported is a
    placeholder in :data:`sys.modules` holding the stand-in; the placeholders are removed
    right after, so a later import loads the real module. If the renderer was already
    imported it is returned as it is.

    Returns
    -------
    types.ModuleType
        ``typer.rich_utils``.
    """
    loaded = sys.modules.get("typer.rich_utils")
    if loaded is not None:
        return loaded
    placed: dict[str, types.ModuleType] = {}
    for name, (attr, stand_in) in _STAND_INS.items():
        if name not in sys.modules:
            placeholder = types.ModuleType(name, "placeholder while typer.rich_utils loads")
            setattr(placeholder, attr, stand_in)
            placed[name] = sys.modules[name] = placeholder
    try:
        return importlib.import_module("typer.rich_utils")
    finally:
        rich = sys.modules.get("rich")
        for name, placeholder in placed.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
            child = name.rpartition(".")[2]
            if rich is not None and getattr(rich, child, None) is placeholder:
                delattr(rich, child)
