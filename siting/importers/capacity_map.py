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

import io
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from siting import vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.layers.places import gm_codes

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

CLASSES = (-1, 0, 1, 2, 3)
_CLASS_HELP = "colour codes are -1 (no information), 0, 1, 2 or 3"
_MAX_PER_COLUMN = 20
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
            else pd.Series(None, index=raw.index, dtype=object)
        )
    for role in ("afname", "opwek"):
        if role in text:
            out[f"{role}_class"] = _parse_classes(
                text[role], file, cols[role], rows, problems, empty_as=pd.NA
            )
        else:
            out[f"{role}_class"] = pd.Series(pd.NA, index=raw.index, dtype="Int64")
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


def _read_table(
    path: str | Path,
    candidates: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    *,
    id_role: str,
    what: str,
    text_roles: Iterable[str] = (),
) -> pd.DataFrame:
    """Read one capacity-map table: text, numbers, colour codes and years by their role."""
    path = Path(path)
    file = str(path)
    raw = _read_csv(path)
    cols, problems = _find_columns(raw, candidates, required, file=file)
    if problems:
        raise SitingInputError(problems)
    rows = np.arange(len(raw)) + 2
    text = {role: raw[col].str.strip() for role, col in cols.items()}
    out: dict[str, pd.Series] = {}
    absent: list[str] = []
    for role in candidates:
        if role == id_role:
            out[role] = _required_text(text[role], file, cols[role], rows, problems)
        elif role in ("afname", "opwek"):
            out[f"{role}_class"] = (
                _parse_classes(text[role], file, cols[role], rows, problems)
                if role in text
                else pd.Series(pd.NA, index=raw.index, dtype="Int64")
            )
        elif role in text_roles:
            out[role] = (
                _optional_text(text[role])
                if role in text
                else pd.Series(None, index=raw.index, dtype=object)
            )
        elif role not in text:
            if role.endswith(("_mw", "_requests")):
                absent.append(candidates[role][0])
            kind = float if role.endswith(("_mw", "_requests")) else "Int64"
            out[role] = pd.Series(np.nan if kind is float else pd.NA, index=raw.index, dtype=kind)
        elif role.endswith(("_mw", "_requests")):
            out[role] = _parse_numbers(text[role], file, cols[role], rows, problems)
        else:  # years, quarters
            out[role] = _parse_whole(text[role], file, cols[role], rows, problems)
    _report_duplicates(out[id_role], rows, file, cols[id_role], what, problems)
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(rows, name="row")
    frame.attrs.update({"file": file, "absent_columns": absent})
    return frame


def _report_duplicates(
    ids: pd.Series, rows: np.ndarray, file: str, column: str, what: str, problems: list[Problem]
) -> None:
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if value is None:
            continue
        if value in first:
            problems.append(
                Problem(
                    file=file,
                    row=int(rows[i]),
                    column=column,
                    message=f"duplicate {what} {excerpt(value)} (first in row {first[value]})",
                )
            )
        else:
            first[value] = int(rows[i])


def _parse_whole(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    """Whole numbers written like ``2031`` or ``2031,0`` -> ``Int64`` (empty: ``<NA>``)."""
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text).to_numpy()
    whole = np.isfinite(values) & (np.mod(np.nan_to_num(values), 1.0) == 0)
    _report(
        problems,
        ~empty & ~whole,
        lambda i: f"{excerpt(text.iloc[i])} is not a whole number",
        file=file,
        column=column,
        rows=rows,
    )
    out = pd.Series(pd.NA, index=text.index, dtype="Int64")
    out[whole] = values[whole].astype(int)
    return out


def _read_csv(path: Path) -> pd.DataFrame:
    """Every cell as stripped-later text; ``;`` (or ``,``/tab) separated; BOM and CRLF allowed."""
    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    data = read_capped(path, what="capacity-map CSV")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = data.decode("cp1252", errors="replace")
    if not content.strip():
        raise SitingInputError(Problem(file=file, message="the file is empty"))
    header = content.lstrip().splitlines()[0]
    sep = ";" if ";" in header else "\t" if "\t" in header else ","
    try:
        raw = pd.read_csv(
            io.StringIO(content), sep=sep, dtype=str, keep_default_na=False, na_filter=False
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SitingInputError(Problem(file=file, message=f"not a valid CSV file: {exc}")) from None
    return raw.astype(object)


def _normalise_header(name: object) -> str:
    text = str(name).strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", text)


def _find_columns(
    raw: pd.DataFrame,
    candidates: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    *,
    file: str,
) -> tuple[dict[str, str], list[Problem]]:
    """Map output roles to the file's columns; a problem per missing required role."""
    by_key: dict[str, str] = {}
    for col in raw.columns:
        by_key.setdefault(_normalise_header(col), col)
    found = {}
    for role, names in candidates.items():
        col = next((by_key[n] for n in names if n in by_key), None)
        if col is not None:
            found[role] = col
    listed = ", ".join(excerpt(str(c), quote=False) for c in raw.columns[:30]) or "none"
    if len(raw.columns) > 30:
        listed += f" and {len(raw.columns) - 30} more"
    problems = [
        Problem(
            file=file,
            column=candidates[role][0],
            message=f"missing column '{candidates[role][0]}' (also accepted: "
            f"{', '.join(candidates[role][1:]) or 'no other name'}); columns found: {listed}",
        )
        for role in required
        if role not in found
    ]
    return found, problems


def _report(
    problems: list[Problem],
    mask: np.ndarray,
    message: Callable[[int], str],
    *,
    file: str,
    column: str,
    rows: np.ndarray,
) -> None:
    """Add a located problem per flagged row, at most ``_MAX_PER_COLUMN`` plus a count."""
    flagged = np.flatnonzero(mask)
    for i in flagged[:_MAX_PER_COLUMN]:
        problems.append(Problem(file=file, row=int(rows[i]), column=column, message=message(i)))
    if len(flagged) > _MAX_PER_COLUMN:
        problems.append(
            Problem(
                file=file,
                column=column,
                message=f"... and {len(flagged) - _MAX_PER_COLUMN:,} more rows with such problems",
            )
        )


def _optional_text(text: pd.Series) -> pd.Series:
    return text.where(text.ne(""), None).astype(object)


def _required_text(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    _report(
        problems,
        text.eq("").to_numpy(dtype=bool),
        lambda i: "a value is required here",
        file=file,
        column=column,
        rows=rows,
    )
    return _optional_text(text)


def _to_float(text: pd.Series) -> pd.Series:
    """Decimal comma (``1.234,5``) or point (``1234.5``) -> float; anything else -> NaN."""
    t = text.str.replace(r"[\s\u00a0]", "", regex=True)
    comma = t.str.contains(",", regex=False)
    t = t.where(~comma, t.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    return pd.to_numeric(t.where(t.ne(""), None), errors="coerce").astype(float)


def _parse_numbers(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text)
    arr = values.to_numpy()
    bad = ~empty & ~np.isfinite(arr)
    _report(
        problems,
        bad,
        lambda i: f"{excerpt(text.iloc[i])} is not a number",
        file=file,
        column=column,
        rows=rows,
    )
    negative = ~empty & np.isfinite(arr) & (np.nan_to_num(arr) < 0)
    _report(
        problems,
        negative,
        lambda i: (
            f"{excerpt(text.iloc[i], quote=False)} is negative; capacities and queues are >= 0"
        ),
        file=file,
        column=column,
        rows=rows,
    )
    return values.where(~pd.Series(bad | negative, index=values.index))


def _parse_classes(
    text: pd.Series,
    file: str,
    column: str,
    rows: np.ndarray,
    problems: list[Problem],
    *,
    empty_as: int | object = -1,
) -> pd.Series:
    empty = text.eq("").to_numpy(dtype=bool)
    values = _to_float(text).to_numpy()
    finite = np.isfinite(values)
    whole = finite & (np.mod(np.nan_to_num(values), 1.0) == 0)
    valid = whole & np.isin(np.nan_to_num(values, nan=99.0), CLASSES)
    bad = ~empty & ~valid
    _report(
        problems,
        bad,
        lambda i: f"{excerpt(text.iloc[i])} is not a colour code; {_CLASS_HELP}",
        file=file,
        column=column,
        rows=rows,
    )
    result = pd.Series(pd.NA, index=text.index, dtype="Int64")
    result[valid] = values[valid].astype(int)
    if empty_as is not pd.NA:
        result = result.fillna(empty_as).astype("int64")
    return result


def _parse_gm_codes(
    text: pd.Series, file: str, column: str, rows: np.ndarray, problems: list[Problem]
) -> pd.Series:
    codes = gm_codes(text)
    _report(
        problems,
        codes.isna().to_numpy(),
        lambda i: (
            "a municipality code is required here"
            if text.iloc[i] == ""
            else f"{excerpt(text.iloc[i])} is not a municipality code (like 772, 0772 or GM0772)"
        ),
        file=file,
        column=column,
        rows=rows,
    )
    return codes


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
