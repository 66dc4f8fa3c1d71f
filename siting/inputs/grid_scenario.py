"""What-if changes to the grid: ``[[data.zone]]`` entries of a scenario.

An entry names what it changes and how::

    [[data.zone]]
    area_id = ["OS DOKKUM 10-1i", "Noord-Brabant"]   # supply areas, TenneT areas or stations
    expected_solve_year = 2027                        # and/or afname_class, available_mw,
                                                      # required_mw, queue_mw

    [[data.zone]]
    gm_code = ["GM0164", "GM0141"]                    # or province = "Overijssel"
    expected_solve_year = 2028                        # and/or afname_class, headroom_mw

An ``area_id`` entry changes that area for every site it may feed (a TenneT area's stations
take its figures). A ``gm_code`` or ``province`` entry changes the grid *for the sites in those
municipalities*: every level of their candidate chains (supply area and TenneT level) gets the
solve year or class given, and ``headroom_mw`` becomes the room of their supply areas [MW];
neighbouring municipalities fed by the same areas keep the published figures.
``expected_relief_year`` is read as ``expected_solve_year``. The layers are never changed: the
entries become :class:`~siting.layers.grid.GridOverride` records that the grid join applies,
and every level they change is marked as a what-if in the explanations.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from siting._errors import Problem, excerpt
from siting.layers.grid import GridOverride
from siting.layers.load import GeoData

#: Fields an ``area_id`` entry may change, with their bounds.
AREA_FIELDS: dict[str, tuple[float, float, bool]] = {
    "expected_solve_year": (2000, 2100, True),
    "afname_class": (-1, 3, True),
    "available_mw": (0, 1e6, False),
    "required_mw": (0, 1e6, False),
    "queue_mw": (0, 1e6, False),
}
#: Fields a ``gm_code`` / ``province`` entry may change.
MUNICIPALITY_FIELDS: dict[str, tuple[float, float, bool]] = {
    "expected_solve_year": (2000, 2100, True),
    "afname_class": (-1, 3, True),
    "headroom_mw": (0, 1e6, False),
}
_ALIASES = {"expected_relief_year": "expected_solve_year"}
_TARGETS = ("area_id", "gm_code", "province")


def zone_overrides(
    entries: tuple[Mapping[str, Any], ...],
    data: GeoData,
    *,
    file: str,
    name: str,
    problems: list[Problem],
) -> tuple[GridOverride, ...]:
    """Check the ``[[data.zone]]`` entries and turn them into overrides of the grid join.

    Parameters
    ----------
    entries
        The entries, in file order.
    data
        The layers they refer to.
    file, name
        The scenario file and name (for messages and the what-if marks).
    problems
        Where every problem is added (named ``data.zone[n].key``).

    Returns
    -------
    tuple of GridOverride
    """
    areas = set(data.grid_areas["area_id"])
    codes = set(data.municipalities["gm_code"])
    provinces = data.municipalities.set_index("gm_code")["province"]
    out: list[GridOverride] = []
    for n, entry in enumerate(entries, start=1):
        where = f"data.zone[{n}]"

        def problem(key: str | None, message: str, where: str = where) -> None:
            column = f"{where}.{key}" if key else where
            problems.append(Problem(file=file, column=column, label="key", message=message))

        targets = [k for k in _TARGETS if k in entry]
        if len(targets) != 1:
            problem(
                None,
                'say which part of the grid: area_id = "..." (supply area, TenneT area or '
                'station), or gm_code = "GM...." (or a list), or province = "..." - one of them',
            )
            continue
        before = len(problems)
        scope = "area" if targets[0] == "area_id" else "municipality"
        allowed = AREA_FIELDS if scope == "area" else MUNICIPALITY_FIELDS
        changes: dict[str, float] = {}
        for key, value in entry.items():
            if key in _TARGETS:
                continue
            field = _ALIASES.get(key, key)
            if field not in allowed:
                problem(
                    key,
                    f"unknown key; allowed with {targets[0]}: {', '.join(allowed)} "
                    "(expected_relief_year is read as expected_solve_year)",
                )
                continue
            parsed = _number(value, allowed[field])
            if parsed is None:
                lo, hi, whole = allowed[field]
                kind = "a whole number" if whole else "a number"
                problem(key, f"must be {kind} from {lo:g} to {hi:g}, got {excerpt(value)}")
                continue
            changes[field] = parsed
        keys = _keys(entry[targets[0]], targets[0], areas, codes, provinces, problem)
        if not changes and len(problems) == before:
            problem(None, f"changes nothing; give one of {', '.join(allowed)}")
        if not keys or not changes:
            continue
        note = f"what-if scenario '{name}' ({file}): " + ", ".join(
            f"{k} = {v:g}" for k, v in changes.items()
        )
        out += [GridOverride(scope, key, dict(changes), note) for key in keys]
    return tuple(out)


def _number(value: Any, bounds: tuple[float, float, bool]) -> float | None:
    lo, hi, whole = bounds
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    if not (lo <= number <= hi) or (whole and not number.is_integer()):
        return None
    return number


def _keys(
    given: Any, target: str, areas: set[str], codes: set[str], provinces: Any, problem: Any
) -> list[str]:
    if target == "province":
        name = str(given)
        keys = [c for c, p in provinces.items() if str(p).casefold() == name.casefold()]
        if not keys:
            problem("province", f"unknown province {excerpt(name)}")
        return keys
    values = [given] if isinstance(given, str) else given
    if not isinstance(values, list) or not values:
        problem(target, "give an id or a list of them")
        return []
    known = areas if target == "area_id" else codes
    keys = []
    for value in values:
        if str(value) in known:
            keys.append(str(value))
        elif target == "area_id":
            problem(target, f"unknown area {excerpt(value)}: not in the grid_areas layer")
        else:
            problem(target, f"unknown municipality code {excerpt(value)} (codes look like GM0164)")
    return keys
