"""Aggregate the capacity map's postcode table to one congestion record per municipality.

This writes the ``grid_congestion`` layer, the per-municipality FALLBACK that the grid rule
uses only where no supply area is placed (:mod:`siting.importers.grid_layers` builds the
area and link layers the rule runs on). It needs ``congestie_pc6.csv``: a municipality is
usually fed by several supply areas, so its class here is an approximation, the class
covering most of its postcodes (see :func:`congestion_by_municipality`).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from siting import vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting.importers._capacity_csv import CLASSES as _CLASSES
from siting.importers._fallback_inputs import (
    _postcode_classes,
)
from siting.layers.schema import GRID_CONGESTION
from siting.layers.validate import cells_as_text, neutralise_formulas, parse_table

#: Tie order for the majority class: the worse class wins; "no information" loses every tie.
_TIE_ORDER = (3, 2, 1, 0, -1)
_REPORTED_SHARE = 0.9


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
        From :func:`siting.importers.capacity_map.read_postcode_areas`.
    areas
        From :func:`siting.importers.capacity_map.read_supply_areas`.
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
    source_url = f"capacity map export {pc_name}, {area_name}"
    records = [
        _municipality_record(gm_code, group, areas_by_id, status_date, source_url)
        for gm_code, group in merged.groupby("gm_code", sort=True)
    ]
    return _layer_frame(records)


def _majority_class(counts: pd.Series, n: int) -> tuple[int, str]:
    """Return the class covering most postcodes (ties: :data:`_TIE_ORDER`) and its confidence."""
    majority = max(_TIE_ORDER, key=lambda c: (int(counts.get(c, 0)), -_TIE_ORDER.index(c)))
    top_share = counts.get(majority, 0) / n
    if majority == -1:
        confidence = "unknown"
    elif top_share >= _REPORTED_SHARE:
        confidence = "reported"
    else:
        confidence = "approximate"
    return majority, confidence


def _zone_figures(zone_rows: pd.DataFrame, known: bool) -> tuple[float, float]:
    """Return the summed demand headroom (NaN unless every figure is known) and queue [MW]."""
    headroom = math.nan
    if known and zone_rows[["afname_available_mw", "afname_required_mw"]].notna().all().all():
        free = zone_rows["afname_available_mw"] - zone_rows["afname_required_mw"]
        headroom = float(free.clip(lower=0.0).sum())
    queue_known = zone_rows["afname_queue_mw"].dropna()
    queue = float(queue_known.sum()) if len(queue_known) else math.nan
    return headroom, queue


def _municipality_record(
    gm_code: str,
    group: pd.DataFrame,
    areas_by_id: pd.DataFrame,
    status_date: str,
    source_url: str,
) -> dict[str, object]:
    """Build the ``grid_congestion`` record of one municipality from its postcodes."""
    counts = group["class"].value_counts()
    n = len(group)
    majority, confidence = _majority_class(counts, n)
    zones = list(dict.fromkeys(group["zone_id"].dropna()))
    headroom, queue = _zone_figures(areas_by_id.loc[zones], bool(zones))
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
    return {
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
        "source_url": source_url,
    }


def class_shares_by_municipality(
    postcodes: pd.DataFrame, areas: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Share of each municipality's postcodes per demand-side colour code.

    Parameters
    ----------
    postcodes
        From :func:`siting.importers.capacity_map.read_postcode_areas`.
    areas
        From :func:`siting.importers.capacity_map.read_supply_areas`; gives the class of
        postcodes without their own code (without it, or where the supply-area file
        publishes no class, those count as unknown).

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


# -- aggregation helpers ------------------------------------------------------------------------


def _file_name(frame: pd.DataFrame, default: str) -> str:
    file = frame.attrs.get("file")
    return Path(file).name if file else default


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
