r"""A travel-time matrix from the user: municipality x municipality -> minutes.

Given with ``--travel-times FILE``. Talent within reach is by default weighted by
straight-line distance (a decay that halves every
:data:`siting.settings.talent_half_distance_km`). A user with a travel-time model (car
or public transport, door to door) can give the minutes between municipalities instead; for
every pair the matrix gives, the weight is

.. math:: w(t) = 2^{-t / h} \quad (t \le R), \qquad 0 \text{ otherwise},

with :math:`h` = :data:`siting.settings.talent_half_minutes` (20 min) and :math:`R` =
:data:`siting.settings.talent_reach_minutes` (60 min); a pair it leaves empty keeps the
straight-line weight.

The file is a CSV (``,`` or ``;`` separated, UTF-8): the header holds a first cell (any name,
e.g. ``gm_code``) and then the CBS codes of the municipalities travelled *to*; each row holds
the code of the municipality travelled *from*, then the minutes. An empty cell is "not given".
Every problem is reported with its row and column: a code that is not ``GM`` and four digits
or not in the municipality layer, a code given twice, a value that is not a number of minutes
>= 0, and a number written with a decimal comma or a Dutch thousands separator (``1.500``).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped

_CODE = re.compile(r"^GM\d{4}$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
#: Longest travel time accepted [min] (a day).
MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class TravelTimes:
    """Minutes between municipalities, as given by the user.

    Attributes
    ----------
    codes
        CBS municipality codes, the order of both axes.
    minutes
        ``(n, n)`` travel times [min] from row code to column code; NaN where not given.
    file
        Where it was read from.
    """

    codes: tuple[str, ...]
    minutes: np.ndarray
    file: str

    def lookup(self, origins: list[str], targets: list[str]) -> np.ndarray:
        """Return ``(len(origins), len(targets))`` minutes; NaN where the matrix is silent."""
        index = {c: k for k, c in enumerate(self.codes)}
        rows = np.array([index.get(c, -1) for c in origins])
        cols = np.array([index.get(c, -1) for c in targets])
        out = np.full((len(rows), len(cols)), np.nan)
        r_ok, c_ok = rows >= 0, cols >= 0
        if r_ok.any() and c_ok.any():
            out[np.ix_(r_ok, c_ok)] = self.minutes[np.ix_(rows[r_ok], cols[c_ok])]
        return out


def read_travel_times(path: str | Path, known_codes: Collection[str]) -> TravelTimes:
    """Read and validate a travel-time matrix.

    Parameters
    ----------
    path
        The CSV file.
    known_codes
        The CBS codes of the municipality layer.

    Returns
    -------
    TravelTimes

    Raises
    ------
    SitingInputError
        With every problem, each naming the file, row and column.
    """
    file = str(path)
    try:
        text = read_capped(path, what="travel-time matrix").decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else "cannot be read"
        raise SitingInputError(Problem(file=file, message=reason)) from None
    rows = _rows(text)
    if len(rows) < 2 or len(rows[0]) < 2:
        raise SitingInputError(
            Problem(
                file=file,
                message="needs a header (a first cell, then municipality codes) and at least "
                "one row (a code, then minutes)",
            )
        )
    problems: list[Problem] = []
    header = [c.strip() for c in rows[0]]
    targets = header[1:]
    problems += _code_problems(targets, known_codes, file, row=1, columns=header[1:])
    origins = [r[0].strip() if r else "" for r in rows[1:]]
    for k, code in enumerate(origins):
        problems += _code_problems([code], known_codes, file, row=k + 2, columns=[header[0]])
    for code in sorted({c for c in origins if origins.count(c) > 1}):
        problems.append(Problem(file=file, message=f"municipality {excerpt(code)} has two rows"))
    codes = tuple(dict.fromkeys([*origins, *targets]))
    index = {c: k for k, c in enumerate(codes)}
    minutes = np.full((len(codes), len(codes)), np.nan)
    for k, cells in enumerate(rows[1:]):
        if len(cells) - 1 > len(targets):
            problems.append(
                Problem(file=file, row=k + 2, message="more cells than the header has codes")
            )
        for j, cell in enumerate(cells[1 : len(targets) + 1]):
            value, problem = _minutes(cell, file, row=k + 2, column=targets[j])
            if problem is not None:
                problems.append(problem)
            elif value is not None:
                minutes[index[origins[k]], index[targets[j]]] = value
    if problems:
        raise SitingInputError(problems[:50])
    return TravelTimes(codes=codes, minutes=minutes, file=file)


def _rows(text: str) -> list[list[str]]:
    first = text.splitlines()[0] if text else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [
        r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if any(c.strip() for c in r)
    ]


def _code_problems(
    codes: list[str], known: Collection[str], file: str, *, row: int, columns: list[str]
) -> list[Problem]:
    out = []
    for code, column in zip(codes, columns, strict=True):
        if not _CODE.match(code):
            message = f"{excerpt(code)} is not a CBS municipality code (GM and four digits)"
        elif code not in known:
            message = f"{excerpt(code)} is not a municipality of the municipality layer"
        else:
            continue
        out.append(Problem(file=file, row=row, column=column, message=message))
    return out


def _minutes(cell: str, file: str, *, row: int, column: str) -> tuple[float | None, Problem | None]:
    text = cell.strip()
    if not text:
        return None, None

    def problem(message: str) -> tuple[None, Problem]:
        return None, Problem(file=file, row=row, column=column, message=message)

    if _THOUSANDS.match(text):
        return problem(
            f"{excerpt(text)} looks like a number with a Dutch thousands separator; write "
            "minutes without one (and a decimal point, not a comma)"
        )
    if "," in text:
        return problem(f"{excerpt(text)}: write minutes with a decimal point, not a comma")
    try:
        value = float(text)
    except ValueError:
        return problem(f"{excerpt(text)} is not a number of minutes")
    if not math.isfinite(value) or value < 0 or value > MAX_MINUTES:
        return problem(f"{excerpt(text)}: minutes must be between 0 and {MAX_MINUTES}")
    return value, None


def with_travel_times(data: Any, travel: str | Path | TravelTimes | None) -> Any:
    """Return the layers with a travel-time matrix attached (read and validated if a path).

    Parameters
    ----------
    data
        Loaded layers (:class:`siting.layers.load.GeoData`).
    travel
        The matrix or its file; ``None`` returns ``data`` unchanged.
    """
    if travel is None:
        return data
    if not isinstance(travel, TravelTimes):
        travel = read_travel_times(travel, set(data.municipalities["gm_code"].astype(str)))
    return replace(data, travel_times=travel)


def travel_note(travel: TravelTimes | None) -> str | None:
    """Say, for a run's notes, that talent reach used the user's travel times."""
    if travel is None:
        return None
    given = int(np.isfinite(travel.minutes).sum())
    return (
        f"talent within reach: travel times from {travel.file} ({given:,} municipality pairs; "
        "half weight at 20 min, none beyond 60 min) instead of straight-line distance where "
        "given"
    )
