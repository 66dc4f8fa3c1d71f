"""Schema parsing on tiny hand-built tables: every problem located by row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from siting.layers.schema import Column, LayerSpec
from siting.layers.validate import check_lonlat, parse_table

SPEC = LayerSpec(
    name="things",
    stem="things",
    id_column="id",
    geometry="none",
    doc="test layer",
    columns=(
        Column("id", "str", "id", required=True, pattern=r"[a-z]+"),
        Column("size_ha", "float", "size [ha]", minimum=0.0),
        Column("count", "int", "count", maximum=10),
        Column("year", "year", "year"),
        Column("flag", "bool", "flag", required=True),
        Column("kind", "str", "kind", allowed=("a", "b")),
        Column("tags", "list", "tags", allowed=("x", "y")),
        Column("extra", "float", "optional", optional_column=True),
    ),
)


def table(**columns: list[str]) -> pd.DataFrame:
    base = {
        "id": ["aa"],
        "size_ha": ["1.5"],
        "count": ["3"],
        "year": ["2025"],
        "flag": ["true"],
        "kind": ["a"],
        "tags": ["x;y"],
    }
    base.update(columns)
    return pd.DataFrame(base)


def test_valid_row_parses_to_typed_values():
    frame, problems = parse_table(table(), SPEC, file="t.csv")
    assert problems == []
    row = frame.iloc[0]
    assert row["size_ha"] == pytest.approx(1.5)
    assert row["count"] == 3
    assert row["year"] == 2025
    assert bool(row["flag"]) is True
    assert row["tags"] == ("x", "y")
    assert pd.isna(row["extra"])  # optional column absent: unknown


def test_decimal_comma_and_dutch_booleans_are_accepted():
    frame, problems = parse_table(table(size_ha=["2,25"], flag=["ja"]), SPEC, file="t.csv")
    assert problems == []
    assert frame.loc[0, "size_ha"] == pytest.approx(2.25)
    assert bool(frame.loc[0, "flag"]) is True


def test_every_bad_cell_is_reported_with_spreadsheet_row_and_column():
    raw = pd.DataFrame(
        {
            "id": ["ok", "Bad!", "ok"],
            "size_ha": ["-1", "abc", "1"],
            "count": ["11", "2.5", "1"],
            "year": ["2025", "1850", ""],
            "flag": ["maybe", "", "false"],
            "kind": ["c", "a", "a"],
            "tags": ["x", "z", ""],
        }
    )
    _, problems = parse_table(raw, SPEC, file="t.csv")
    found = {(p.row, p.column) for p in problems}
    assert {
        (2, "size_ha"),
        (2, "count"),
        (2, "flag"),
        (2, "kind"),
        (3, "id"),
        (3, "size_ha"),
        (3, "count"),
        (3, "year"),
        (3, "flag"),
        (3, "tags"),
        (4, "id"),  # duplicate of row 2's id
    } <= found
    assert all(p.file == "t.csv" for p in problems)
    messages = " ".join(p.message for p in problems)
    assert "'abc' is not a number" in messages
    assert "below the minimum 0" in messages
    assert "duplicate id 'ok' (first used in row 2)" in messages


def test_missing_columns_are_named_together():
    raw = table().drop(columns=["flag", "kind"])
    _, problems = parse_table(raw, SPEC, file="t.csv")
    missing = [p for p in problems if "missing column" in p.message]
    assert len(missing) == 1
    assert "flag" in missing[0].message and "kind" in missing[0].message


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (155000.0, 463000.0, "wrong CRS"),
        (52.1, 5.1, "swapped"),
        (2.35, 48.85, "outside the Netherlands"),
    ],
)
def test_lonlat_checks_explain_the_likely_cause(lon, lat, expected):
    problems = check_lonlat(pd.Series([5.12, lon]), pd.Series([52.09, lat]), file="s.csv")
    assert len(problems) == 1
    assert problems[0].row == 3
    assert expected in problems[0].message
