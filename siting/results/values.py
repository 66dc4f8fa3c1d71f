"""Values for readers and for JSON: a value with its unit, JSON-ready data, type checks.

Shared by every result (ranking, screening, assignment, what-if) and the outputs.
"""

from __future__ import annotations

import math
from typing import Any

#: Units whose values are counts: they read as whole numbers ("3 kinds of facility").
COUNT_UNITS: tuple[str, ...] = ("kinds of", "students", "residents", "FTE", "sites", "leads")


def format_value(value: float, unit: str) -> str:
    """Return a value in its unit for readers.

    Counts read as whole numbers ("3 kinds of facility", "573,412 residents 15-64"), shares as
    a percentage ("50 % of the company's NTS domains"), years as whole years, distances to
    0.1 km; other values 2 decimals below 100, none above.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unknown"
    if isinstance(value, float) and math.isinf(value):
        return "no limit"
    if unit.startswith("year"):  # years read as whole years
        return f"{value:.0f} {unit}"
    if unit.startswith("share of "):
        return f"{100 * value:.0f} % of {unit.removeprefix('share of ')}"
    if unit.startswith(COUNT_UNITS):
        return f"{value:,.0f} {unit}"
    if unit == "km":
        return f"{value:,.1f} km" if abs(value) < 100 else f"{value:,.0f} km"
    if unit.endswith(" class"):  # a class by its number: "CBS urbanisation class 1"
        return f"{unit} {value:.0f}"
    return f"{value:,.2f} {unit}".strip() if abs(value) < 100 else f"{value:,.0f} {unit}".strip()


def json_ready(value: Any) -> Any:
    """Return data ready for JSON: tuples as lists, named tuples as objects, inf/nan as None."""
    if hasattr(value, "_asdict"):  # named tuples (SiteOutcome) become objects, not arrays
        value = value._asdict()
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and not hasattr(value, "__len__"):
        value = value.item()  # numpy scalars
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def check_types(value: Any, *, where: str = "result") -> None:
    """Raise ``TypeError`` where a rebuilt result holds a value of another type than declared.

    A saved ranking is an input (a colleague's file, say): :func:`ranking_from_dict` builds
    the dataclasses from whatever the JSON holds, and this walks them against their type
    hints (``str``, ``int``, ``float``, ``bool``, tuples, dicts, ``X | None``; a float field
    takes an int, never a bool), so nothing downstream meets a value it cannot handle.

    Parameters
    ----------
    value
        A result dataclass (or :class:`SiteOutcome`).
    where
        Its place, for the message.

    Raises
    ------
    TypeError
        Naming the first field of a wrong type.
    """
    import dataclasses
    import typing

    fields = (
        [f.name for f in dataclasses.fields(value)]
        if dataclasses.is_dataclass(value)
        else list(value._fields)
    )
    hints = typing.get_type_hints(type(value))
    for name in fields:
        _check_value(getattr(value, name), hints[name], f"{where}.{name}")


def _check_value(value: Any, hint: Any, where: str) -> None:
    import collections.abc
    import dataclasses
    import types
    import typing

    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        errors = []
        for option in args:
            try:
                _check_value(value, option, where)
                return
            except TypeError as exc:
                errors.append(exc)
        raise errors[0]
    if hint is Any:
        return
    if hint is type(None):
        ok = value is None
    elif hint is float:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif hint in (str, bool):
        ok = isinstance(value, hint)
    elif origin in (tuple, collections.abc.Sequence):
        kind = tuple if origin is tuple else collections.abc.Sequence
        if not isinstance(value, kind) or isinstance(value, str):
            raise TypeError(f"{where}: expected a list")
        repeated = origin is not tuple or (len(args) == 2 and args[1] is Ellipsis)
        items = args[:1] * len(value) if repeated else args
        if len(items) != len(value):
            raise TypeError(f"{where}: expected {len(items)} items")
        for k, (item, item_hint) in enumerate(zip(value, items, strict=True)):
            _check_value(item, item_hint, f"{where}[{k}]")
        return
    elif origin is dict or hint is dict:
        ok = isinstance(value, dict)
    elif isinstance(hint, type) and (dataclasses.is_dataclass(hint) or _is_named_tuple(hint)):
        if not isinstance(value, hint):
            raise TypeError(f"{where}: expected {hint.__name__}")
        check_types(value, where=where)
        return
    else:  # pragma: no cover - a hint this walk does not know
        return
    if not ok:
        raise TypeError(f"{where}: expected {getattr(hint, '__name__', hint)}")


def _is_named_tuple(hint: type) -> bool:
    """Return whether a type is a ``NamedTuple`` (such as the ranking's ``SiteOutcome``)."""
    return issubclass(hint, tuple) and hasattr(hint, "_fields")
