"""Places: CBS municipality codes and names, one implementation for every reader.

Every file that names a municipality (IBIS, DUO, the capacity map, boundary files, a profile,
a leads table) goes through :func:`gm_code` or :func:`gm_codes`, and every name through
:func:`find_municipality`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from siting._errors import excerpt

#: A CBS municipality code as users and files write it: ``772``, ``0772``, ``772.0``,
#: ``GM0772`` (any case, spaces around).
_CODE = re.compile(r"\s*(?:GM)?\s*(\d{1,4})(?:\.0+)?\s*", re.IGNORECASE)


def gm_code(value: object) -> str | None:
    """Return the ``GMxxxx`` code a value denotes, or ``None`` when it is not a code.

    Parameters
    ----------
    value
        ``772``, ``"0772"``, ``772.0``, ``"gm0772"``, ...

    Returns
    -------
    str or None
        ``"GM0772"``, or ``None`` for anything else (a name, an empty cell, ``NaN``).
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    match = _CODE.fullmatch(str(value))
    return f"GM{int(match.group(1)):04d}" if match else None


def gm_codes(values: pd.Series) -> pd.Series:
    """Return :func:`gm_code` of every value (``None`` where a value is not a code).

    Parameters
    ----------
    values
        Codes as a file holds them (text or numbers).

    Returns
    -------
    pandas.Series
        ``GMxxxx`` codes or ``None``, same index, dtype object.
    """
    lookup = {value: gm_code(value) for value in pd.unique(values)}
    codes = values.map(lookup)
    return codes.where(codes.notna(), None).astype(object)


@dataclass(frozen=True)
class PlaceMatch:
    """The outcome of looking up a municipality.

    Attributes
    ----------
    code
        The current ``GMxxxx`` code, or ``None`` when nothing matched.
    problem
        Why nothing matched, in words (empty when ``code`` is set).
    """

    code: str | None
    problem: str = ""


def find_municipality(
    given: str,
    codes: Sequence[str],
    names: Sequence[str],
    *,
    mergers: dict[str, str] | None = None,
) -> PlaceMatch:
    """Find a current municipality by code or name.

    Accepted: a code (``GM0772``, ``0772``, ``772``); a name in any case (``eindhoven``); a
    CBS name without its suffix when unambiguous (``Hengelo`` for ``Hengelo (O.)``). A former
    municipality's code is answered with its successor as a hint.

    Parameters
    ----------
    given
        What the user wrote.
    codes, names
        The current municipalities (same order).
    mergers
        Former code -> current code.

    Returns
    -------
    PlaceMatch
        The code, or the reason why none matched.
    """
    code = gm_code(given)
    if code in codes:
        return PlaceMatch(code)
    folded = given.strip().casefold()
    by_name = {str(n).casefold(): c for c, n in zip(codes, names, strict=True)}
    if folded in by_name:
        return PlaceMatch(by_name[folded])
    # CBS spells a few names with a suffix ("Hengelo (O.)", "Bergen (NH.)")
    short = [
        c for c, n in zip(codes, names, strict=True) if str(n).split(" (")[0].casefold() == folded
    ]
    if len(short) == 1:
        return PlaceMatch(short[0])
    if len(short) > 1:
        options = ", ".join(f"{names[list(codes).index(c)]} ({c})" for c in short)
        return PlaceMatch(None, f"{excerpt(given)} is ambiguous: {options}; give the code")
    merged = (mergers or {}).get(code or "")
    if merged is not None and merged in codes:
        successor = names[list(codes).index(merged)]
        return PlaceMatch(
            None, f"{excerpt(given)}: a former municipality, now part of {merged} ({successor})"
        )
    return PlaceMatch(None, f"{excerpt(given)}: not a current municipality code or name")
