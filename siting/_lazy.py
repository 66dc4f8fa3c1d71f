"""Names of a package imported from their owning modules on first use (PEP 562)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(
    package: str, owners: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return a module's ``__getattr__`` and ``__dir__`` for names imported on first use.

    Parameters
    ----------
    package
        The module's ``__name__``.
    owners
        Public name -> the module that owns it.

    Returns
    -------
    tuple
        ``__getattr__`` (imports the owner, keeps the value in the module's namespace and
        returns it; ``AttributeError`` for any other name) and ``__dir__`` (the names already
        there and the lazy ones, sorted).
    """

    def __getattr__(name: str) -> Any:
        owner = owners.get(name)
        if owner is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(owner), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(owners))

    return __getattr__, __dir__
