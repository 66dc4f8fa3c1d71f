"""Generated hostile inputs at every entry point (issue 11, "Done when").

Hypothesis writes profiles, leads tables (CSV, unquoted cells included, and XLSX), scenarios,
``--geodata`` layers, importer files and result files full of template payloads, markup,
control characters, formulas, separators, huge and odd numbers, and a confidential name. Each
entry point must give: no traceback (the command line runs in-process, so one would fail the
test), no evaluated template, no echoed name, and no lost lead.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siting._errors import SitingInputError
from siting.inputs.leads import read_leads
from siting.jobs.screen import screen_leads

from ..conftest import EMBEDDED, REPO
from .helpers import CASE2, EVALUATED, PAYLOADS, SECRET, cli, page_texts

PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"


def fuzz(examples: int) -> settings:
    """Hypothesis settings of a test that runs the tool: no deadline, fixtures allowed."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


#: Text with everything that has hurt before: payloads, markup, escapes, formulas, separators.
NASTY = st.sampled_from(
    [
        *PAYLOADS,
        "[/]",
        "[link=http://x]y[/link]",
        "\x1b[31mred\x1b[0m",
        '=HYPERLINK("http://x")',
        "+1",
        "-",
        "@A1",
        "a,b",
        'quote"inside',
        "semi;colon",
        "line\nbreak",
        "\ufeffbom",
        "\u202eright-to-left",
        "",
        " ",
        "x" * 2000,
    ]
)
TEXT = st.one_of(NASTY, st.text(st.characters(blacklist_categories=("Cs",)), max_size=20))
NUMBER_TEXT = st.sampled_from(["1", "2.5", "0", "-1", "1e308", "inf", "nan", "2,5", "true", "x"])
VALUE = st.one_of(
    TEXT,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(TEXT, max_size=3),
)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=True)  # JSON escapes are TOML escapes for these


def _no_harm(ran, *, codes=(0, 2, 3)) -> None:
    assert ran.code in codes, ran.text
    assert "Traceback" not in ran.text and "SECRETCO" not in ran.text
    assert "\x1b" not in ran.text
    for evaluated in EVALUATED:
        assert evaluated not in ran.text


PROFILE_KEYS = {
    "company": ["id", "nts_domains", "current_location"],
    "needs": ["year", "land_ha", "power_mw", "environmental_category", "cleanroom_m2"],
    "constraints": ["max_relocation_km", "exclude_provinces", "space_types", "allow_unknown"],
    "weights": ["talent_fit", "space_headroom", "bogus"],
}


@fuzz(40)
@given(
    changes=st.lists(
        st.tuples(
            st.sampled_from([(t, k) for t, keys in PROFILE_KEYS.items() for k in keys]), VALUE
        ),
        max_size=4,
    ),
    name=st.sampled_from([SECRET, SECRET * 50, ""]),
)
def test_generated_profiles(tmp_path_factory, changes, name):
    tables: dict[str, dict[str, object]] = {
        "company": {"id": "fuzz", "name": name, "current_location": {"municipality": "Delft"}},
        "needs": {"year": 2029, "land_ha": 1.0},
        "constraints": {},
        "weights": {},
    }
    for (table, key), value in changes:
        tables[table][key] = value
    lines = []
    for table, entries in tables.items():
        lines.append(f"[{table}]")
        for key, value in entries.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items())
                lines.append(f"{key} = {{ {inner} }}")
            else:
                lines.append(f"{key} = {_toml_value(value)}")
    path = tmp_path_factory.mktemp("profile") / "case.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = path.with_suffix(".json")
    ran = cli("rank", path, "--top", "2", "--solver", "enumeration", "--json", out)
    _no_harm(ran)
    if out.exists():
        assert "SECRETCO" not in out.read_text(encoding="utf-8")


LEAD_COLUMNS = ["id", "name", "nts_domains", "municipality", "year", "land_ha", "power_mw"]


@fuzz(40)
@given(
    rows=st.lists(
        st.fixed_dictionaries(
            {
                "id": st.one_of(st.sampled_from(["L1", "L2", "[/]", PAYLOADS[0]]), TEXT),
                "name": st.sampled_from([SECRET, f"{SECRET}, Inc.", f"{SECRET};x", SECRET * 40]),
                "nts_domains": st.one_of(st.just("quantum"), TEXT),
                "municipality": st.one_of(st.just("Delft"), TEXT),
                "year": st.one_of(st.just("2029"), NUMBER_TEXT, TEXT),
                "land_ha": NUMBER_TEXT,
                "power_mw": NUMBER_TEXT,
            }
        ),
        min_size=1,
        max_size=6,
    ),
    quoted=st.booleans(),
    sep=st.sampled_from([",", ";"]),
)
def test_generated_leads_tables(tmp_path_factory, rows, quoted, sep):
    folder = tmp_path_factory.mktemp("leads")
    path = folder / "leads.csv"
    cells = [LEAD_COLUMNS, *([r[c] for c in LEAD_COLUMNS] for r in rows)]
    if quoted:
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter=sep).writerows(cells)
    else:  # unquoted: a separator inside a cell shifts the row
        path.write_text("\n".join(sep.join(r) for r in cells) + "\n", encoding="utf-8")
    try:
        table = read_leads(path)
    except SitingInputError as exc:  # only the file as a whole may stop the reading
        assert all(p.row is None or p.row <= 1 for p in exc.problems)
        assert "SECRETCO" not in str(exc)
        return
    result = screen_leads(table, top=2)
    assert [lead.row for lead in result.leads] == [lead.row for lead in table.leads]  # none lost
    for lead in result.leads:
        assert lead.status != "error", lead.reason
        assert "SECRETCO" not in lead.reason + "".join(str(p) for p in lead.problems)
    out = folder / "out.csv"
    ran = cli("screen", path, "--top", "2", "--out", out, "--map", folder / "m.html")
    _no_harm(ran, codes=(0,))
    assert "SECRETCO" not in out.read_text(encoding="utf-8")
    page = (folder / "m.html").read_text(encoding="utf-8")
    assert not any(e in page_texts(page) for e in EVALUATED)


@fuzz(8)
@given(ids=st.lists(TEXT, min_size=1, max_size=4), names=st.lists(NASTY, min_size=4, max_size=4))
def test_generated_xlsx_leads(tmp_path_factory, ids, names):
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[: len(ids) + 1]
    book = Workbook()
    book.active.append(rows[0])
    for row, lead_id, name in zip(rows[1:], ids, names, strict=False):
        row[0], row[1] = lead_id, f"{SECRET} {name}"
        row[:] = [ILLEGAL_CHARACTERS_RE.sub("", cell) for cell in row]  # Excel cannot hold them
        book.active.append(row)
    path = tmp_path_factory.mktemp("xlsx") / "leads.xlsx"
    book.save(path)
    out = path.with_suffix(".json")
    ran = cli("assign", path, "--out", out)
    _no_harm(ran, codes=(0,))
    result = json.loads(out.read_text(encoding="utf-8"))
    assert len(result["leads"]) == len(read_leads(path).leads)
    assert "SECRETCO" not in out.read_text(encoding="utf-8")


@fuzz(15)
@given(
    name=TEXT,
    changes=st.lists(
        st.tuples(st.sampled_from(["needs.power_mw", "needs.year", "weights.talent_fit"]), VALUE),
        max_size=2,
    ),
)
def test_generated_scenarios(tmp_path_factory, name, changes):
    folder = tmp_path_factory.mktemp("scenario")
    shutil.copy(CASE2, folder / "base.toml")
    lines = ["[scenario]", f"name = {_toml_value(name)}", 'base = "base.toml"']
    tables: dict[str, list[str]] = {}
    for key, value in changes:
        table, leaf = key.split(".")
        tables.setdefault(table, []).append(f"{leaf} = {_toml_value(value)}")
    for table, entries in tables.items():
        lines += [f"[{table}]", *dict.fromkeys(entries)]
    scenario = folder / "variant.toml"
    scenario.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = cli("compare", folder / "base.toml", scenario, "--top", "3", "--solver", "enumeration")
    _no_harm(ran, codes=(0, 2))


@pytest.fixture(scope="module")
def layer_folder(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("layers") / "geodata"
    shutil.copytree(EMBEDDED, target, ignore=shutil.ignore_patterns("_staging"))
    return target


@fuzz(12)
@given(
    column=st.sampled_from(["name", "municipality", "notes", "available_ha", "site_id", "status"]),
    values=st.lists(st.one_of(TEXT, NUMBER_TEXT), min_size=3, max_size=3),
)
def test_generated_geodata_layers(layer_folder, tmp_path_factory, column, values):
    folder = tmp_path_factory.mktemp("g") / "geodata"
    shutil.copytree(layer_folder, folder)
    path = folder / "sites.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row, value in zip(rows, values, strict=False):
        row[column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _no_harm(cli("data", "check", "--geodata", folder), codes=(0, 2))
    out = folder.parent / "m.html"
    ran = cli("rank", CASE2, "--geodata", folder, "--top", "2", "--map", out, "--offline")
    _no_harm(ran)
    if out.exists():
        texts = page_texts(out.read_text(encoding="utf-8"))
        assert not any(e in texts for e in EVALUATED)
        for value in values:
            if value in PAYLOADS and column == "name":
                assert value in texts


@fuzz(25)
@given(
    header=st.lists(
        st.sampled_from(["postcode", "netbeheerder", "voedingsgebied", "x", ""]), max_size=5
    ),
    cells=st.lists(st.lists(st.one_of(TEXT, NUMBER_TEXT), max_size=5), max_size=4),
    sep=st.sampled_from([";", ","]),
)
def test_generated_importer_files(tmp_path_factory, header, cells, sep):
    from siting.importers import capacity_map
    from siting.importers.ibis import read_ibis

    folder = tmp_path_factory.mktemp("import")
    path = folder / "in.csv"
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep).writerows([header, *cells])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    for reader in (capacity_map.read_postcode_areas, capacity_map.read_supply_areas):
        try:
            reader(path)
        except SitingInputError:
            pass
    export = folder / "ibis.geojson"
    props = dict(
        zip(
            ["RIN_NUMMER", "PLAN_NAAM", "GEM_CODES", "HA_BRUTO"],
            cells[0] if cells else [],
            strict=False,
        )
    )
    feature = {
        "type": "Feature",
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[6.4, 52.3], [6.41, 52.3], [6.41, 52.31], [6.4, 52.3]]],
        },
        "properties": props,
    }
    export.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8"
    )
    try:
        read_ibis(export)
    except SitingInputError:
        pass
    ran = cli("data", "import-ibis", export, "--into", folder / "out")
    _no_harm(ran, codes=(0, 2))


@pytest.fixture(scope="module")
def saved_ranking(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("saved") / "r.json"
    assert cli("rank", CASE2, "--top", "2", "--json", path).code == 0
    return json.loads(path.read_text(encoding="utf-8"))


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _paths(v, (*prefix, k))] + [prefix]
    if isinstance(value, list):
        return [p for k, v in enumerate(value[:2]) for p in _paths(v, (*prefix, k))] + [prefix]
    return [prefix]


@fuzz(15)
@given(data=st.data())
def test_generated_result_files(saved_ranking, tmp_path_factory, data):
    result = json.loads(json.dumps(saved_ranking))
    paths = [p for p in _paths(result) if p]
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(paths))
        node = result
        try:
            for part in path[:-1]:
                node = node[part]
            node[path[-1]] = data.draw(
                st.one_of(VALUE, st.none(), st.dictionaries(TEXT, TEXT, max_size=2))
            )
        except (KeyError, IndexError, TypeError):
            continue
    folder = tmp_path_factory.mktemp("result")
    source = folder / "r.json"
    source.write_text(json.dumps(result), encoding="utf-8")
    out = folder / "m.html"
    ran = cli("map", source, "--out", out, "--offline")
    _no_harm(ran, codes=(0, 2))
    if ran.code == 0:
        texts = page_texts(out.read_text(encoding="utf-8"))
        assert not any(e in texts for e in EVALUATED)
