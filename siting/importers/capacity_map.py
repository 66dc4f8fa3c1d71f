"""Read the grid operators' national capacity map (capaciteitskaart) CSV files as published.

Netbeheer Nederland publishes the capacity map as ``;``-separated CSV files with a decimal
comma (UTF-8). The files read here:

- ``voedingsgebieden.csv``: one row per supply area (voedingsgebied) of a regional grid
  operator: present and required transport capacity, the queue [MW], the number of unique
  requests and the year congestion is expected to be solved, demand side (``afname``) and
  feed-in (``invoeding``; older editions ``opwek``), the year and quarter of the figures
  (``jaar``, ``kwartaal``) and the operator (``RNB``). The edition of 2025 has **no colour
  code and no name column**; editions that have them (``afname``, ``voedingsgebied_naam``)
  are read too;
- ``tennetgebieden.csv``: the same figures per TenneT congestion area (``congestiegebied``);
- ``tennetcongestie.csv``: one row per TenneT station (``tennet_id``) with its congestion area
  and colour code per direction;
- ``congestie_pc6.csv`` (when a user has it): one row per 6-digit postcode, with the supply
  area it is fed from, the TenneT station, the municipality and the postcode's colour codes.

Colour codes: -1 no information, 0 capacity available, 1 limited capacity available,
2 under investigation (queue), 3 shortage (queue); see :data:`siting.vocab.CONGESTION_CLASSES`.

The exact header names vary between editions, so columns are found by candidate names
(case-insensitive; spaces and hyphens count as underscores), and a missing column is reported
with the columns that were found. Assumptions about the format, stated once here:

- transport capacities and queues are in [MW];
- numbers use a decimal comma; a ``.`` next to a ``,`` is a thousands separator, a ``.`` alone
  is read as a decimal point; years may be written ``2031,0``;
- an empty colour code in a column that exists means -1 (no information); a file without the
  column publishes no class (``<NA>``).

The layers built from these readers are in :mod:`siting.importers.grid_layers`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from siting import vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting.importers._capacity_csv import (
    CLASSES as CLASSES,
)
from siting.importers._capacity_csv import (
    _find_columns,
    _optional_text,
    _parse_classes,
    _parse_gm_codes,
    _read_csv,
    _read_table,
    _report,
)

_ZONE_ID = ("voedingsgebied_id", "voedingsgebiedid", "id_voedingsgebied", "voedingsgebied_code")


def _figures(side: str, *aliases: str) -> dict[str, tuple[str, ...]]:
    """Candidate headers of the capacity figures of one direction (``afname``, ``opwek``)."""
    names = (side, *aliases)
    return {
        f"{side}_available_mw": tuple(f"aanwezige_transportcapaciteit_{n}" for n in names),
        f"{side}_required_mw": tuple(f"benodigde_transportcapaciteit_{n}" for n in names),
        f"{side}_queue_mw": tuple(f"wachtrij_{n}" for n in names),
        f"{side}_requests": tuple(f"unieke_verzoeken_{n}" for n in names),
        f"{side}_solve_year": tuple(f"jaartal_opgelost_{n}" for n in names),
    }


_FIGURES = {**_figures("afname"), **_figures("opwek", "invoeding")}

#: Candidate header names per output column (normalised: lower case, ``_`` for spaces).
_AREA_COLUMNS: dict[str, tuple[str, ...]] = {
    "zone_id": _ZONE_ID,
    "zone_name": ("voedingsgebied_naam", "voedingsgebiednaam", "naam_voedingsgebied", "naam"),
    "rnb": ("rnb", "netbeheerder", "regionale_netbeheerder", "netbeheerder_naam"),
    "afname": ("afname", "afname_kleur", "kleur_afname", "afname_status", "status_afname"),
    "opwek": ("opwek", "opwek_kleur", "kleur_opwek", "opwek_status", "status_opwek"),
    **_FIGURES,
    "year": ("jaar",),
    "quarter": ("kwartaal",),
    "note": ("info",),
}
_AREA_REQUIRED = ("zone_id", "rnb")

_TENNET_AREA_COLUMNS: dict[str, tuple[str, ...]] = {
    "area_id": ("congestiegebied", "congestiegebied_naam", "tennetgebied", "gebied"),
    **_FIGURES,
    "note": ("info",),
}
_TENNET_AREA_REQUIRED = ("area_id",)

_STATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "tennet_id": ("tennet_id", "station", "tennet_station"),
    "area_afname": ("congestiegebied_afname",),
    "area_opwek": ("congestiegebied_opwek", "congestiegebied_invoeding"),
    "afname": _AREA_COLUMNS["afname"],
    "opwek": _AREA_COLUMNS["opwek"],
}
_STATION_REQUIRED = ("tennet_id", "area_afname", "afname")

_POSTCODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "postcode": ("postcode", "pc6", "postcode6", "postcode_6"),
    "zone_id": _ZONE_ID,
    "tennet_id": ("tennet_id", "tennetgebied_id", "tennet_gebied_id", "id_tennet"),
    "gm_code": (
        "gemeentecode",
        "gemeente_code",
        "gm_code",
        "gmcode",
        "gemcode",
        "gemeente_id",
        "cbs_gemeentecode",
        "gemeentenummer",
        "gemeente_nummer",
    ),
    "municipality": ("gemeentenaam", "gemeente_naam", "gemeente", "municipality"),
    "afname": _AREA_COLUMNS["afname"],
    "opwek": _AREA_COLUMNS["opwek"],
}
_POSTCODE_REQUIRED = ("postcode", "zone_id", "gm_code")

_POSTCODE = re.compile(r"\d{4}[A-Z]{2}")


# -- public API ---------------------------------------------------------------------------------


def read_supply_areas(path: str | Path) -> pd.DataFrame:
    """Read ``voedingsgebieden.csv``: one row per supply area of a regional grid operator.

    Parameters
    ----------
    path
        The CSV file (``;``-separated, decimal comma; UTF-8 with or without BOM, or
        Windows-1252).

    Returns
    -------
    pandas.DataFrame
        Indexed by the row number in the file (header = row 1), with columns

        - ``zone_id``: the supply-area id (e.g. ``OS DOKKUM 10-1i``: station and voltage);
          ``zone_name``: its name where the file has one (the 2025 edition has none);
        - ``grid_operator``: the operator as named in :data:`siting.vocab.GRID_OPERATORS`
          (``"Liander N.V."`` -> ``"Liander"``), empty when the name is not one of them or
          names several (``"Coteq, Enexis"``); ``rnb``: the name exactly as in the file;
        - ``afname_class``, ``opwek_class``: colour codes (-1..3; ``<NA>`` throughout when the
          file has no such column: the class is then not published);
        - ``afname_available_mw``, ``afname_required_mw``, ``afname_queue_mw``: present and
          required transport capacity and the queue, demand side [MW]; NaN when empty;
          ``afname_requests``: unique requests [-]; ``afname_solve_year``: year demand
          congestion is expected to be solved (``<NA>`` when empty);
        - ``opwek_*``: the same for feed-in (``invoeding`` or ``opwek`` columns);
        - ``year``, ``quarter``: of the figures (``jaar``, ``kwartaal``; ``<NA>`` when empty);
          ``note``: the publisher's ``info`` text.

        ``attrs["file"]`` is the file path; ``attrs["absent_columns"]`` names the figure
        columns the file does not have (they are then NaN throughout).

    Raises
    ------
    SitingInputError
        With every problem: missing file, empty file, a missing required column (listing the
        columns found), text in a number field, negative capacity, colour code outside -1..3,
        a year that is not a whole number, duplicate supply-area ids.
    """
    frame = _read_table(
        path,
        _AREA_COLUMNS,
        _AREA_REQUIRED,
        id_role="zone_id",
        what="supply-area id",
        text_roles=("zone_name", "rnb", "note"),
    )
    frame.insert(
        frame.columns.get_loc("rnb"),
        "grid_operator",
        pd.Series([_grid_operator(v) for v in frame["rnb"]], index=frame.index, dtype=object),
    )
    return frame


def read_tennet_areas(path: str | Path) -> pd.DataFrame:
    """Read ``tennetgebieden.csv``: one row per TenneT congestion area.

    Returns
    -------
    pandas.DataFrame
        Indexed by the row number, with ``area_id`` (the area's name, e.g.
        ``Noord-Brabant``), the figure columns of :func:`read_supply_areas` (``afname_*``,
        ``opwek_*``) and ``note``. ``attrs`` as there.

    Raises
    ------
    SitingInputError
        As :func:`read_supply_areas`.
    """
    return _read_table(
        path,
        _TENNET_AREA_COLUMNS,
        _TENNET_AREA_REQUIRED,
        id_role="area_id",
        what="TenneT area",
        text_roles=("note",),
    )


def read_tennet_stations(path: str | Path) -> pd.DataFrame:
    """Read ``tennetcongestie.csv``: one row per TenneT station.

    Returns
    -------
    pandas.DataFrame
        Indexed by the row number, with ``tennet_id`` (e.g. ``Station Aarle Rixtel 150 kV``),
        ``area_afname`` and ``area_opwek`` (the station's congestion area per direction) and
        ``afname_class``, ``opwek_class`` (colour codes -1..3). ``attrs["file"]`` is the path.

    Raises
    ------
    SitingInputError
        As :func:`read_supply_areas`; a station without a demand-side area is a problem.
    """
    frame = _read_table(
        path,
        _STATION_COLUMNS,
        _STATION_REQUIRED,
        id_role="tennet_id",
        what="TenneT station",
        text_roles=("area_afname", "area_opwek"),
    )
    file = str(frame.attrs["file"])
    missing = frame["area_afname"].isna().to_numpy()
    problems: list[Problem] = []
    _report(
        problems,
        missing,
        lambda i: "a demand-side congestion area is required here",
        file=file,
        column="congestiegebied_afname",
        rows=frame.index.to_numpy(),
    )
    if problems:
        raise SitingInputError(problems)
    return frame


def read_postcode_areas(path: str | Path) -> pd.DataFrame:
    """Read ``congestie_pc6.csv``: one row per 6-digit postcode.

    Parameters
    ----------
    path
        The CSV file (``;``-separated; UTF-8 with or without BOM, or Windows-1252).

    Returns
    -------
    pandas.DataFrame
        Indexed by the row number in the file (header = row 1), with columns ``postcode``
        (``1234AB``), ``zone_id`` (the supply area; empty when the file gives none),
        ``gm_code`` (``GMxxxx``; ``772``, ``0772`` and ``GM0772`` are accepted),
        ``municipality`` (name, if the file has it), ``afname_class`` and ``opwek_class``
        (the postcode's own colour codes -1..3; missing when the file has no such column or
        the cell is empty) and ``tennet_id`` (the TenneT station). ``attrs["file"]`` is the
        file path.

    Raises
    ------
    SitingInputError
        With every problem: missing or empty file, a missing required column (listing the
        columns found), malformed postcode, municipality code or colour code.
    """
    path = Path(path)
    file = str(path)
    raw = _read_csv(path)
    cols, problems = _find_columns(raw, _POSTCODE_COLUMNS, _POSTCODE_REQUIRED, file=file)
    if problems:
        raise SitingInputError(problems)
    rows = np.arange(len(raw)) + 2
    text = {role: raw[col].str.strip() for role, col in cols.items()}
    out = _postcode_columns(text, cols, raw.index, file=file, rows=rows, problems=problems)
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(out)[
        [
            "postcode",
            "zone_id",
            "gm_code",
            "municipality",
            "afname_class",
            "opwek_class",
            "tennet_id",
        ]
    ]
    frame.index = pd.Index(rows, name="row")
    frame.attrs["file"] = file
    return frame


def _postcode_columns(
    text: dict[str, pd.Series],
    cols: dict[str, str],
    index: pd.Index,
    *,
    file: str,
    rows: np.ndarray,
    problems: list[Problem],
) -> dict[str, pd.Series]:
    """Parse the found columns of ``congestie_pc6.csv``; problems are added to ``problems``."""
    postcode = text["postcode"].str.replace(r"\s+", "", regex=True).str.upper()
    bad = ~postcode.str.fullmatch(_POSTCODE.pattern).fillna(False).to_numpy(dtype=bool)
    _report(
        problems,
        bad,
        lambda i: f"{excerpt(text['postcode'].iloc[i])} is not a 6-digit postcode (like 1234AB)",
        file=file,
        column=cols["postcode"],
        rows=rows,
    )
    out: dict[str, pd.Series] = {"postcode": postcode.astype(object)}
    out["zone_id"] = _optional_text(text["zone_id"])
    out["gm_code"] = _parse_gm_codes(text["gm_code"], file, cols["gm_code"], rows, problems)
    for role in ("municipality", "tennet_id"):
        out[role] = (
            _optional_text(text[role])
            if role in text
            else pd.Series(None, index=index, dtype=object)
        )
    for role in ("afname", "opwek"):
        if role in text:
            out[f"{role}_class"] = _parse_classes(
                text[role], file, cols[role], rows, problems, empty_as=pd.NA
            )
        else:
            out[f"{role}_class"] = pd.Series(pd.NA, index=index, dtype="Int64")
    return out


def operator_names(rnb: object) -> tuple[str, ...]:
    """Return the operators an ``RNB`` cell names: ``"Coteq, Enexis"`` -> ``("Coteq", "Enexis")``.

    A name in :data:`siting.vocab.GRID_OPERATORS` is spelled as there (``"Westland"`` ->
    ``"Westland Infra"``); any other name is kept as written.
    """
    if rnb is None or (isinstance(rnb, float) and np.isnan(rnb)):
        return ()
    out = []
    for part in re.split(r"[,/;&]| en ", str(rnb)):
        part = part.strip()
        if part:
            out.append(_grid_operator(part) or _grid_operator_prefix(part) or part)
    return tuple(dict.fromkeys(out))


# -- reading helpers ----------------------------------------------------------------------------


def _grid_operator(name: object) -> str | None:
    """``"Liander N.V."`` -> ``"Liander"``; ``None`` when no known operator or several are named."""
    if name is None:
        return None
    key = vocab._fold(str(name))
    named = [op for op in vocab.GRID_OPERATORS if vocab._fold(op) in key]
    return named[0] if len(named) == 1 else None


def _grid_operator_prefix(name: str) -> str | None:
    """``"Westland"`` -> ``"Westland Infra"``: a known operator whose name starts with it."""
    key = vocab._fold(name)
    if not key:
        return None
    for operator in vocab.GRID_OPERATORS:
        if vocab._fold(operator).startswith(key):
            return operator
    return None
