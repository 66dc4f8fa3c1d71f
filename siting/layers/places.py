"""Places: CBS municipality codes and names, one implementation for every reader.

Every file that names a municipality (IBIS, DUO, the capacity map, boundary files, a profile,
a leads table) goes through :func:`gm_code` or :func:`gm_codes`, and every name through
:func:`find_municipality`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from siting._errors import excerpt
from siting.vocab import fold_name

if TYPE_CHECKING:
    import pandas as pd

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
    import pandas as pd

    lookup = {value: gm_code(value) for value in pd.unique(values)}
    codes = values.map(lookup)
    return codes.where(codes.notna(), None).astype(object)


#: Names users (and source files) write for a municipality that are not its CBS name:
#: alias -> CBS name. Matching folds case, accents and punctuation, so ``'S-GRAVENHAGE``,
#: ``s Gravenhage`` and ``’s-Gravenhage`` are one name. Each entry is a short form in common
#: use, an English name, a postal-style place suffix (DUO's mbo files: ``EDE GLD``), or a place
#: (woonplaats) that lies wholly in one municipality (``Zaandam`` in Zaanstad; ``Veghel`` in
#: Meierijstad since the 2017 merger, Staatsblad 2016, 111).
MUNICIPALITY_ALIASES: dict[str, str] = {
    "Den Haag": "'s-Gravenhage",
    "The Hague": "'s-Gravenhage",
    "Den Bosch": "'s-Hertogenbosch",
    "Hertogenbosch": "'s-Hertogenbosch",
    "Hengelo OV": "Hengelo (O.)",
    "Hengelo (Overijssel)": "Hengelo (O.)",
    "Ede GLD": "Ede",
    "Ede (Gelderland)": "Ede",
    "Nuenen": "Nuenen, Gerwen en Nederwetten",
    "Son": "Son en Breugel",
    "Sittard": "Sittard-Geleen",
    "Geleen": "Sittard-Geleen",
    "Bergen NH": "Bergen (NH.)",
    "Bergen (Noord-Holland)": "Bergen (NH.)",
    "Bergen L": "Bergen (L.)",
    "Bergen (Limburg)": "Bergen (L.)",
    "Zaandam": "Zaanstad",
    "Veghel": "Meierijstad",
    "Hoofddorp": "Haarlemmermeer",
}


@dataclass(frozen=True)
class PlaceMatch:
    """The outcome of looking up a municipality.

    Attributes
    ----------
    code
        The current ``GMxxxx`` code, or ``None`` when nothing matched.
    problem
        Why nothing matched, in words (empty when ``code`` is set); names the closest
        municipalities when there are near misses.
    """

    code: str | None
    problem: str = ""


def find_municipality(
    given: str,
    codes: Sequence[str],
    names: Sequence[str],
    *,
    mergers: Mapping[str, str] | None = None,
    former_names: Mapping[str, str] | None = None,
) -> PlaceMatch:
    """Find a current municipality by code or name.

    Accepted: a code (``GM0772``, ``0772``, ``772``); a name in any case, with or without
    accents and punctuation (``eindhoven``, ``s-Gravenhage``); a CBS name without its suffix
    when unambiguous (``Hengelo`` for ``Hengelo (O.)``); a name of
    :data:`MUNICIPALITY_ALIASES` (``Den Haag``, ``Den Bosch``). A former municipality (code or
    name) is answered with its successor as a hint; a near miss with the closest names
    ("did you mean ...").

    Parameters
    ----------
    given
        What the user wrote.
    codes, names
        The current municipalities (same order).
    mergers
        Former code -> current code.
    former_names
        Former municipality name -> current code.

    Returns
    -------
    PlaceMatch
        The code, or the reason why none matched.
    """
    index = _name_index(tuple(codes), tuple(str(n) for n in names))
    code = gm_code(given)
    if code is not None and code in index.names:
        return PlaceMatch(code)
    folded = fold_name(given)
    found = index.by_name.get(folded)
    if found is not None:
        return PlaceMatch(found)
    short = index.by_short.get(folded, ())
    if len(short) == 1:
        return PlaceMatch(short[0])
    if len(short) > 1:
        options = ", ".join(f"{index.names[c]} ({c})" for c in short)
        return PlaceMatch(None, f"{excerpt(given)} is ambiguous: {options}; give the code")
    merged = (mergers or {}).get(code or "")
    if merged is None:
        merged = {fold_name(k): v for k, v in (former_names or {}).items()}.get(folded)
    if merged is not None and merged in index.names:
        return PlaceMatch(
            None,
            f"{excerpt(given)}: a former municipality, now part of {merged} "
            f"({index.names[merged]})",
        )
    message = f"{excerpt(given)}: not a current municipality code or name"
    close = (
        difflib.get_close_matches(folded, list(index.by_name), n=3, cutoff=0.75)
        if len(folded) <= 100  # a name, not a pasted text
        else []
    )
    suggestions = list(dict.fromkeys(index.by_name[c] for c in close))
    if suggestions:
        listed = " or ".join(f"{index.names[c]} ({c})" for c in suggestions)
        message += f"; did you mean {listed}?"
    return PlaceMatch(None, message)


def municipality_codes(
    given: pd.Series, municipalities: pd.DataFrame
) -> tuple[pd.Series, dict[str, str]]:
    """Resolve many names or codes with :func:`find_municipality`, each distinct value once.

    Parameters
    ----------
    given
        Names or codes as a source file writes them (``"HENGELO OV"``, ``"0772"``).
    municipalities
        Frame with ``gm_code`` and ``name`` of the current municipalities.

    Returns
    -------
    codes : pandas.Series
        ``GMxxxx`` per value, same index; empty string where nothing matched.
    problems : dict
        Value -> why it matched no municipality.
    """
    import pandas as pd

    codes = municipalities["gm_code"].tolist()
    names = municipalities["name"].tolist()
    found: dict[str, str] = {}
    problems: dict[str, str] = {}
    for value in pd.unique(given.astype(str)):
        match = find_municipality(value, codes, names)
        found[value] = match.code or ""
        if match.code is None:
            problems[value] = match.problem
    return given.astype(str).map(found), problems


#: Slack added to every municipality's extent in :func:`km_outside_municipalities` [km]: the
#: extents are measured on generalised boundaries.
EXTENT_TOLERANCE_KM = 1.0

#: Extent assumed for every municipality when the layer has no ``extent_km`` column [km].
DEFAULT_EXTENT_KM = 15.0


def km_outside_municipalities(
    xy: tuple[float, float], points_xy: np.ndarray, extent_km: np.ndarray | None = None
) -> float:
    """How far a point lies outside the discs that cover the municipalities [km].

    Every municipality is covered by the disc around its point whose radius is its extent (the
    distance from the point to the farthest point of its boundary) plus
    :data:`EXTENT_TOLERANCE_KM`. The discs together cover the whole country, so a point in the
    Netherlands always gives 0; a point more than a few km into Belgium, Germany or the North
    Sea lies outside every disc. The discs reach a little beyond the border and the coast (up
    to a municipality's extent), so a point just across is not caught: the test is meant to
    catch a location that is plainly abroad or at sea (swapped or mistyped coordinates).

    Parameters
    ----------
    xy
        The point in EPSG:28992 [m].
    points_xy
        Municipality points in EPSG:28992, shape ``(n, 2)`` [m].
    extent_km
        Each municipality's extent [km]; ``None`` or NaN for :data:`DEFAULT_EXTENT_KM`.

    Returns
    -------
    float
        0 when the point lies in a disc, else the distance to the nearest disc [km].
    """
    points = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    if not len(points):
        return 0.0
    radius = np.full(len(points), DEFAULT_EXTENT_KM)
    if extent_km is not None:
        given = np.asarray(extent_km, dtype=float)
        radius = np.where(np.isnan(given), DEFAULT_EXTENT_KM, given)
    distance = np.hypot(points[:, 0] - xy[0], points[:, 1] - xy[1]) / 1000.0
    return float(max(0.0, np.min(distance - radius - EXTENT_TOLERANCE_KM)))


@dataclass(frozen=True)
class _NameIndex:
    names: dict[str, str]
    by_name: dict[str, str]
    by_short: dict[str, tuple[str, ...]]


@lru_cache(maxsize=8)
def _name_index(codes: tuple[str, ...], names: tuple[str, ...]) -> _NameIndex:
    """Folded names and aliases -> code, and suffix-less CBS names -> codes."""
    by_code = dict(zip(codes, names, strict=True))
    by_name = {fold_name(n): c for c, n in by_code.items()}
    for alias, name in MUNICIPALITY_ALIASES.items():
        target = by_name.get(fold_name(name))
        if target is not None:
            by_name.setdefault(fold_name(alias), target)
    by_short: dict[str, tuple[str, ...]] = {}
    for c, n in by_code.items():
        if " (" in n:  # CBS spells a few names with a suffix ("Hengelo (O.)", "Bergen (NH.)")
            key = fold_name(n.split(" (")[0])
            by_short[key] = (*by_short.get(key, ()), c)
    return _NameIndex(names=by_code, by_name=by_name, by_short=by_short)
