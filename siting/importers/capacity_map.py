"""Read the grid operators' national capacity map (capaciteitskaart) CSV export.

The export of Netbeheer Nederland's capacity map consists of several ``;``-separated CSV files
with a decimal comma. Two of them are read here:

- ``voedingsgebieden.csv``: one row per supply area (voedingsgebied) of a regional grid
  operator, with its demand-side (``afname``) and feed-in (``opwek``) colour codes and the
  transport capacity figures;
- ``congestie_pc6.csv``: one row per 6-digit postcode, with the supply area it is fed from, the
  TenneT area, the municipality and the postcode's own colour codes.

Colour codes (both files): -1 no information, 0 capacity available, 1 limited capacity
available, 2 under investigation (queue), 3 shortage (queue); see
:data:`siting.vocab.CONGESTION_CLASSES`.

The exact header names vary between editions, so columns are found by candidate names
(case-insensitive; spaces and hyphens count as underscores), and a missing column is reported
with the columns that were found. Assumptions about the format, stated once here:

- transport capacities and queues (``aanwezige_transportcapaciteit_*``,
  ``benodigde_transportcapaciteit_*``, ``wachtrij_*``) are in [MW];
- numbers use a decimal comma; a ``.`` next to a ``,`` is a thousands separator, a ``.`` alone
  is read as a decimal point;
- an empty colour code means the same as -1 (no information).

A municipality is usually fed by several supply areas, so its congestion class here is an
approximation: the class covering most of its postcodes (see
:func:`congestion_by_municipality`).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from siting import vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting._reading import read_capped
from siting.layers.places import gm_codes
from siting.layers.schema import GRID_CONGESTION
from siting.layers.validate import cells_as_text, neutralise_formulas, parse_table

#: Candidate header names per output column (normalised: lower case, ``_`` for spaces).
_AREA_COLUMNS: dict[str, tuple[str, ...]] = {
    "zone_id": (
        "voedingsgebied_id",
        "voedingsgebiedid",
        "id_voedingsgebied",
        "voedingsgebied_code",
    ),
    "zone_name": ("voedingsgebied_naam", "voedingsgebiednaam", "naam_voedingsgebied", "naam"),
    "rnb": ("rnb", "netbeheerder", "regionale_netbeheerder", "netbeheerder_naam"),
    "afname": ("afname", "afname_kleur", "kleur_afname", "afname_status", "status_afname"),
    "opwek": ("opwek", "opwek_kleur", "kleur_opwek", "opwek_status", "status_opwek"),
    "afname_available_mw": ("aanwezige_transportcapaciteit_afname",),
    "afname_required_mw": ("benodigde_transportcapaciteit_afname",),
    "afname_queue_mw": ("wachtrij_afname",),
    "afname_requests": ("unieke_verzoeken_afname",),
    "opwek_available_mw": ("aanwezige_transportcapaciteit_opwek",),
    "opwek_required_mw": ("benodigde_transportcapaciteit_opwek",),
    "opwek_queue_mw": ("wachtrij_opwek",),
    "opwek_requests": ("unieke_verzoeken_opwek",),
}
_AREA_REQUIRED = ("zone_id", "zone_name", "rnb", "afname")

_POSTCODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "postcode": ("postcode", "pc6", "postcode6", "postcode_6"),
    "zone_id": (
        "voedingsgebied_id",
        "voedingsgebiedid",
        "id_voedingsgebied",
        "voedingsgebied_code",
    ),
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

_CLASSES = (-1, 0, 1, 2, 3)
#: Tie order for the majority class: the worse class wins; "no information" loses every tie.
_TIE_ORDER = (3, 2, 1, 0, -1)
_CLASS_HELP = "colour codes are -1 (no information), 0, 1, 2 or 3"
_REPORTED_SHARE = 0.9
_MAX_PER_COLUMN = 20
_POSTCODE = re.compile(r"\d{4}[A-Z]{2}")
_DATE = re.compile(GRID_CONGESTION.column("status_date").pattern or "")


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

        - ``zone_id``, ``zone_name``: supply-area id and name;
        - ``grid_operator``: the operator as named in :data:`siting.vocab.GRID_OPERATORS`
          (``"Liander N.V."`` -> ``"Liander"``), empty when the name is not one of them;
        - ``rnb``: the operator's name exactly as in the file;
        - ``afname_class``, ``opwek_class``: colour codes (-1..3; ``opwek_class`` missing when
          the file has no ``opwek`` column);
        - ``afname_available_mw``, ``afname_required_mw``, ``afname_queue_mw``: present and
          required transport capacity and the queue, demand side [MW]; NaN when empty;
        - ``afname_requests``: number of unique requests in the queue [-];
        - ``opwek_available_mw``, ``opwek_required_mw``, ``opwek_queue_mw``,
          ``opwek_requests``: the same for feed-in.

        The capacity columns are NaN throughout when the file does not have them; their names
        are then listed in ``attrs["absent_columns"]``. ``attrs["file"]`` is the file path.

    Raises
    ------
    SitingInputError
        With every problem: missing file, empty file, a missing required column (listing the
        columns found), text in a number field, negative capacity, colour code outside -1..3,
        duplicate supply-area ids.
    """
    path = Path(path)
    file = str(path)
    raw = _read_csv(path)
    cols, problems = _find_columns(raw, _AREA_COLUMNS, _AREA_REQUIRED, file=file)
    if problems:
        raise SitingInputError(problems)
    rows = np.arange(len(raw)) + 2
    out: dict[str, pd.Series] = {}
    text = {role: raw[col].str.strip() for role, col in cols.items()}
    out["zone_id"] = _required_text(text["zone_id"], file, cols["zone_id"], rows, problems)
    out["zone_name"] = _optional_text(text["zone_name"])
    rnb = _optional_text(text["rnb"])
    out["grid_operator"] = pd.Series(
        [_grid_operator(v) for v in rnb], index=rnb.index, dtype=object
    )
    out["rnb"] = rnb
    out["afname_class"] = _parse_classes(text["afname"], file, cols["afname"], rows, problems)
    if "opwek" in text:
        out["opwek_class"] = _parse_classes(text["opwek"], file, cols["opwek"], rows, problems)
    absent = []
    for role in _AREA_COLUMNS:
        if not role.endswith(("_mw", "_requests")):
            continue
        if role not in text:
            absent.append(_AREA_COLUMNS[role][0])
            out[role] = pd.Series(np.nan, index=raw.index, dtype=float)
        else:
            out[role] = _parse_numbers(text[role], file, cols[role], rows, problems)
    dup = out["zone_id"].notna() & out["zone_id"].duplicated(keep="first")
    first: dict[str, int] = {}
    for i, value in enumerate(out["zone_id"]):
        if value is not None and value not in first:
            first[value] = int(rows[i])
    for i in np.flatnonzero(dup.to_numpy()):
        value = out["zone_id"].iloc[i]
        problems.append(
            Problem(
                file=file,
                row=int(rows[i]),
                column=cols["zone_id"],
                message=f"duplicate supply-area id {excerpt(value)} (first in row {first[value]})",
            )
        )
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(rows, name="row")
    frame.attrs.update({"file": file, "absent_columns": absent})
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
        the cell is empty) and ``tennet_id``. ``attrs["file"]`` is the file path.

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
    out["municipality"] = (
        _optional_text(text["municipality"])
        if "municipality" in text
        else pd.Series(None, index=raw.index, dtype=object)
    )
    for role in ("afname", "opwek"):
        if role in text:
            out[f"{role}_class"] = _parse_classes(
                text[role], file, cols[role], rows, problems, empty_as=pd.NA
            )
        else:
            out[f"{role}_class"] = pd.Series(pd.NA, index=raw.index, dtype="Int64")
    out["tennet_id"] = (
        _optional_text(text["tennet_id"])
        if "tennet_id" in text
        else pd.Series(None, index=raw.index, dtype=object)
    )
    if problems:
        raise SitingInputError(problems)
    frame = pd.DataFrame(out)
    frame.index = pd.Index(rows, name="row")
    frame.attrs["file"] = file
    return frame


def congestion_by_municipality(
    postcodes: pd.DataFrame, areas: pd.DataFrame, *, status_date: str
) -> pd.DataFrame:
    """Aggregate the capacity map to one demand-side congestion record per municipality.

    A municipality's class is the class that covers most of its postcodes; on a tie the worse
    class wins (3 over 2 over 1 over 0; "no information" (-1) loses every tie). A postcode's
    class is its own ``afname`` code, or, where that is missing, the code of its supply area.

    Parameters
    ----------
    postcodes
        From :func:`read_postcode_areas`.
    areas
        From :func:`read_supply_areas`.
    status_date
        Date of the map state, ``YYYY-MM`` or ``YYYY-MM-DD``.

    Returns
    -------
    pandas.DataFrame
        Exactly the columns of the ``grid_congestion`` layer
        (:data:`siting.layers.schema.GRID_CONGESTION`), one row per municipality, sorted by
        ``gm_code``:

        - ``grid_operator``: the operator of most postcodes (empty when that operator is not
          in :data:`siting.vocab.GRID_OPERATORS`; the basis then names it);
        - ``headroom_mw``: sum over the municipality's supply areas of
          max(0, present - required transport capacity) [MW]; empty unless both figures are
          known for every one of those areas. A supply area that feeds several municipalities
          counts in each of them, so these sums must not be added up across municipalities;
        - ``queue_mw``: sum of the areas' demand-side queues where given [MW];
        - ``confidence``: ``reported`` when one class covers at least 90% of the postcodes,
          ``approximate`` otherwise, ``unknown`` when the class is -1;
        - ``basis``: the shares, for example ``"capacity map 2025-01: 73% of 1,204 postcodes
          in class 3, 27% in class 1 (3 supply areas)"``;
        - ``province`` and ``expected_relief_year`` are empty (not in the capacity map).

    Raises
    ------
    SitingInputError
        If ``status_date`` is malformed, a column is missing, or a postcode refers to a
        supply area that ``areas`` does not have (located in the postcode file).
    """
    merged = _postcode_classes(postcodes, areas, status_date=status_date)
    areas_by_id = areas.set_index("zone_id")
    pc_name = _file_name(postcodes, "postcode table")
    area_name = _file_name(areas, "supply-area table")
    records = []
    for gm_code, group in merged.groupby("gm_code", sort=True):
        counts = group["class"].value_counts()
        n = len(group)
        majority = max(_TIE_ORDER, key=lambda c: (int(counts.get(c, 0)), -_TIE_ORDER.index(c)))
        top_share = counts.get(majority, 0) / n
        if majority == -1:
            confidence = "unknown"
        elif top_share >= _REPORTED_SHARE:
            confidence = "reported"
        else:
            confidence = "approximate"
        zones = list(dict.fromkeys(group["zone_id"].dropna()))
        zone_rows = areas_by_id.loc[zones]
        headroom = math.nan
        if zones and zone_rows[["afname_available_mw", "afname_required_mw"]].notna().all().all():
            free = zone_rows["afname_available_mw"] - zone_rows["afname_required_mw"]
            headroom = float(free.clip(lower=0.0).sum())
        queue_known = zone_rows["afname_queue_mw"].dropna()
        queue = float(queue_known.sum()) if len(queue_known) else math.nan
        operator, operator_note = _majority_operator(group)
        basis = f"capacity map {status_date}: " + _shares_text(counts, n)
        basis += f" ({len(zones)} supply area{'' if len(zones) == 1 else 's'})"
        notes = []
        fallback = int(group["from_area"].sum())
        if fallback:
            notes.append(f"{fallback:,} postcodes take the class of their supply area")
        if operator_note:
            notes.append(operator_note)
        if zones and math.isnan(headroom):
            notes.append("headroom unknown: capacity figures missing for some supply areas")
        if notes:
            basis += "; " + "; ".join(notes)
        names = group["municipality"].dropna()
        names = names[names.astype(str).str.strip().ne("")]
        records.append(
            {
                "gm_code": gm_code,
                "municipality": names.mode().iloc[0] if len(names) else None,
                "province": None,
                "grid_operator": operator,
                "afname_class": int(majority),
                "status_date": status_date,
                "expected_relief_year": pd.NA,
                "headroom_mw": headroom,
                "queue_mw": queue,
                "confidence": confidence,
                "basis": basis,
                "source_url": f"capacity map export {pc_name}, {area_name}",
            }
        )
    return _layer_frame(records)


def class_shares_by_municipality(
    postcodes: pd.DataFrame, areas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of each municipality's postcodes per demand-side colour code.

    Parameters
    ----------
    postcodes
        From :func:`read_postcode_areas`.
    areas
        From :func:`read_supply_areas`; gives the class of postcodes without their own code
        (without it those count as unknown).

    Returns
    -------
    pandas.DataFrame
        Columns ``gm_code``, ``n_postcodes`` [-], ``share_class_0`` .. ``share_class_3`` and
        ``share_unknown`` (class -1) [fraction, 0-1; a row sums to 1], sorted by ``gm_code``.

    Raises
    ------
    SitingInputError
        As :func:`congestion_by_municipality`.
    """
    merged = _postcode_classes(postcodes, areas, status_date=None)
    columns = ["share_class_0", "share_class_1", "share_class_2", "share_class_3"]
    if merged.empty:
        return pd.DataFrame(
            {
                "gm_code": pd.Series([], dtype=object),
                "n_postcodes": pd.Series([], dtype="int64"),
                **{c: pd.Series([], dtype=float) for c in [*columns, "share_unknown"]},
            }
        )
    table = pd.crosstab(merged["gm_code"], merged["class"]).reindex(columns=_CLASSES, fill_value=0)
    n = table.sum(axis=1)
    out = pd.DataFrame({"gm_code": table.index.astype(object), "n_postcodes": n.to_numpy()})
    for c, name in zip((0, 1, 2, 3), columns, strict=True):
        out[name] = (table[c] / n).to_numpy(dtype=float)
    out["share_unknown"] = (table[-1] / n).to_numpy(dtype=float)
    return out.sort_values("gm_code").reset_index(drop=True)


def write_congestion_layer(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a ``grid_congestion`` layer CSV that a user can drop into a geodata folder.

    Comma-separated, ``.`` as decimal mark, UTF-8, figures [MW] rounded to 3 decimals. The frame
    is checked against the layer schema first; free text that a spreadsheet would run as a
    formula is quoted (:func:`siting.layers.validate.neutralise_formulas`).

    Parameters
    ----------
    frame
        From :func:`congestion_by_municipality` (or any frame with the layer's columns).
    path
        The CSV file to write (its folder must exist); by convention ``grid_congestion.csv``.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    SitingInputError
        If columns are missing, a value breaks the schema, or the file cannot be written.
    """
    path = Path(path)
    file = str(path)
    names = [c.name for c in GRID_CONGESTION.columns]
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"the frame lacks column(s) {', '.join(missing)} of the grid_congestion "
                f"layer; columns found: {', '.join(map(str, frame.columns))}",
            )
        )
    out = frame[names].reset_index(drop=True).copy()
    for col in ("headroom_mw", "queue_mw"):
        out[col] = pd.to_numeric(out[col], errors="coerce").astype(float).round(3)
    text = neutralise_formulas(out.apply(cells_as_text), GRID_CONGESTION)
    _, problems = parse_table(text, GRID_CONGESTION, file=file)
    if problems:
        raise SitingInputError(problems)
    if not path.parent.is_dir():
        raise SitingInputError(Problem(file=file, message="the folder does not exist"))
    try:
        text.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
    except OSError as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot write: {exc}")) from None
    return path


# -- reading helpers ----------------------------------------------------------------------------


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
    candidates: dict[str, tuple[str, ...]],
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
    listed = ", ".join(map(str, raw.columns)) or "none"
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
        lambda i: f"{text.iloc[i]} is negative; capacities and queues are >= 0",
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
    valid = whole & np.isin(np.nan_to_num(values, nan=99.0), _CLASSES)
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
    """``"Liander N.V."`` -> ``"Liander"``; ``None`` when no known operator is named."""
    if name is None:
        return None
    key = vocab._fold(str(name))
    for operator in vocab.GRID_OPERATORS:
        if vocab._fold(operator) in key:
            return operator
    return None


# -- aggregation helpers ------------------------------------------------------------------------


def _rows_of(frame: pd.DataFrame) -> np.ndarray:
    if frame.index.name == "row":
        return frame.index.to_numpy(dtype=int)
    return np.arange(len(frame)) + 2


def _file_name(frame: pd.DataFrame, default: str) -> str:
    file = frame.attrs.get("file")
    return Path(file).name if file else default


def _require_frame_columns(frame: pd.DataFrame, needed: Iterable[str], file: str) -> list[Problem]:
    missing = [c for c in needed if c not in frame.columns]
    if not missing:
        return []
    return [
        Problem(
            file=file,
            message=f"missing column(s) {', '.join(missing)}; columns found: "
            f"{', '.join(map(str, frame.columns))}",
        )
    ]


def _is_date(text: object) -> bool:
    """Return whether ``text`` is a real month (``2025-01``) or day (``2025-01-31``)."""
    if not isinstance(text, str) or _DATE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text if len(text) > 7 else text + "-01")
    except ValueError:  # e.g. 2025-02-30
        return False
    return True


def _postcode_classes(
    postcodes: pd.DataFrame, areas: pd.DataFrame | None, *, status_date: str | None
) -> pd.DataFrame:
    """Postcodes with their class, supply area and operator; unknown areas are problems."""
    pc_file = str(postcodes.attrs.get("file", "<postcodes>"))
    problems = []
    if status_date is not None and not _is_date(status_date):
        problems.append(
            Problem(
                file="<argument>",
                column="status_date",
                message=f"{excerpt(status_date)} is not a date like 2025-01 or 2025-01-31",
            )
        )
    problems += _require_frame_columns(
        postcodes, ("postcode", "zone_id", "gm_code", "afname_class"), pc_file
    )
    if areas is not None:
        area_file = str(areas.attrs.get("file", "<supply areas>"))
        problems += _require_frame_columns(
            areas,
            (
                "zone_id",
                "grid_operator",
                "rnb",
                "afname_class",
                "afname_available_mw",
                "afname_required_mw",
                "afname_queue_mw",
            ),
            area_file,
        )
    if problems:
        raise SitingInputError(problems)
    merged = pd.DataFrame(
        {
            "gm_code": postcodes["gm_code"].to_numpy(dtype=object),
            "zone_id": postcodes["zone_id"].to_numpy(dtype=object),
            "municipality": (
                postcodes["municipality"].to_numpy(dtype=object)
                if "municipality" in postcodes.columns
                else None
            ),
        }
    )
    own = pd.array(postcodes["afname_class"].to_numpy(dtype=object), dtype="Int64")
    zone_class = pd.array([pd.NA] * len(merged), dtype="Int64")
    operator: list[object] = [None] * len(merged)
    if areas is not None:
        rows = _rows_of(postcodes)
        known = set(areas["zone_id"].dropna())
        unknown = (merged["zone_id"].notna() & ~merged["zone_id"].isin(known)).to_numpy()
        _report(
            problems,
            unknown,
            lambda i: f"supply area {excerpt(merged['zone_id'].iloc[i])} is not in {area_file}",
            file=pc_file,
            column="voedingsgebied_id",
            rows=rows,
        )
        if problems:
            raise SitingInputError(problems)
        lookup = areas.drop_duplicates("zone_id").set_index("zone_id")
        zone_class = pd.array(
            merged["zone_id"].map(lookup["afname_class"]).to_numpy(dtype=object), dtype="Int64"
        )
        label = lookup["grid_operator"].where(lookup["grid_operator"].notna(), lookup["rnb"])
        operator = list(merged["zone_id"].map(label).to_numpy(dtype=object))
    merged["from_area"] = pd.isna(own) & ~pd.isna(zone_class)
    cls = pd.Series(own).fillna(pd.Series(zone_class)).fillna(-1)
    merged["class"] = cls.astype("int64").to_numpy()
    merged["operator"] = pd.Series(operator, dtype=object).to_numpy()
    return merged[merged["gm_code"].notna()].reset_index(drop=True)


def _majority_operator(group: pd.DataFrame) -> tuple[str | None, str | None]:
    ops = group["operator"].dropna()
    if ops.empty:
        return None, None
    counts = ops.value_counts()
    best = sorted(counts.index, key=lambda op: (-int(counts[op]), str(op)))[0]
    if best in vocab.GRID_OPERATORS:
        return str(best), None
    return None, f"grid operator {excerpt(best)} is not one of {', '.join(vocab.GRID_OPERATORS)}"


def _shares_text(counts: pd.Series, n: int) -> str:
    """``"73% of 1,204 postcodes in class 3, 27% in class 1"`` (largest share first)."""
    present = [c for c in _TIE_ORDER if counts.get(c, 0) > 0]
    present.sort(key=lambda c: (-int(counts[c]), _TIE_ORDER.index(c)))
    parts = []
    for k, c in enumerate(present):
        share = int(counts[c]) / n
        pct = "<1%" if share < 0.005 else f"{round(share * 100):d}%"
        what = "with no information (class -1)" if c == -1 else f"in class {c}"
        head = f"{pct} of {n:,} postcode{'' if n == 1 else 's'} " if k == 0 else f"{pct} "
        parts.append(head + what)
    return ", ".join(parts)


def _layer_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for col in GRID_CONGESTION.columns:
        values = [r[col.name] for r in records]
        if col.kind == "int":
            series = pd.Series(values, dtype="int64")
        elif col.kind == "year":
            series = pd.Series(values, dtype="Int64")
        elif col.kind == "float":
            series = pd.Series(values, dtype=float)
        else:
            series = pd.Series(values, dtype=object)
        columns[col.name] = series
    return pd.DataFrame(columns)
