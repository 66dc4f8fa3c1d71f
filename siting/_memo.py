"""Values derived from read-only objects, remembered by those objects' identity."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """At most ``size`` values, each kept with the objects it was derived from.

    A value is found again only while the very same objects are passed (identity, not
    equality: layers, site facts and their arrays are read-only once built), so an object
    freed and another allocated at its address never gets a stale value. The oldest entry
    goes first when the memo is full.

    Parameters
    ----------
    size
        Entries kept.
    """

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._entries: dict[Hashable, tuple[tuple[object, ...], V]] = {}

    def get(self, sources: tuple[object, ...], build: Callable[[], V], extra: Hashable = ()) -> V:
        """Return the value derived from ``sources`` (and ``extra``), built once by ``build``."""
        key = (tuple(id(s) for s in sources), extra)
        hit = self._entries.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
            return hit[1]
        value = build()
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (sources, value)
        return value
