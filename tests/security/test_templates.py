"""No text from data is evaluated as a template, on any map the tool draws (issue 11, part 1).

branca renders every element's output a second time as a Jinja template. Each map kind is
drawn from inputs whose every text field carries a Jinja payload (``{{7*7}}``, ``{% raw %}``,
``{{ config }}``, ``{#``, ``{{lipsum.__globals__}}``): lead ids from CSV and XLSX, profile ids,
site, campus and grid texts of a ``--geodata`` folder, scenario names and added sites, a
hostile result file for ``siting map``. Each payload must come out verbatim, nothing
evaluated and nothing crashed. The render guard (``render_page``) is tested on its own: an
element that embeds raw text fails loudly.
"""

from __future__ import annotations

import csv
import html
import json
from pathlib import Path

import folium
import pytest
from branca.element import MacroElement
from jinja2 import Template
from openpyxl import Workbook

from siting.layers.load import load_geodata
from siting.outputs.maps import ranking as maps
from siting.outputs.maps.elements import check_literal, js_value, render_page
from siting.outputs.maps.html import esc

from ..conftest import REPO
from .helpers import (
    CASE2,
    CASE6,
    EVALUATED,
    PAYLOADS,
    assert_literal,
    cli,
    hostile_geodata,
    with_id,
)

LEADS = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return hostile_geodata(tmp_path_factory.mktemp("hostile") / "geodata")


def test_gateways_neutralise_every_jinja_delimiter():
    for payload in PAYLOADS:
        for text in (esc(payload), js_value(payload), js_value({payload: [payload]})):
            assert "{{" not in text and "{%" not in text and "{#" not in text
        assert html.unescape(esc(payload)) == payload
        assert json.loads(js_value({payload: [payload]})) == {payload: [payload]}


def test_ranking_map_from_a_hostile_profile_and_geodata(geodata, tmp_path):
    case = with_id(CASE2, PAYLOADS[0], tmp_path / "case.toml")
    ran = cli("rank", case, "--geodata", geodata, "--top", "3", "--map", tmp_path / "m.html")
    assert ran.code in (0, 3), ran.text
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert_literal(page)


def test_two_site_map_from_a_hostile_profile_and_geodata(geodata, tmp_path):
    case = with_id(CASE6, PAYLOADS[1], tmp_path / "case.toml")
    ran = cli("rank", case, "--geodata", geodata, "--top", "3", "--map", tmp_path / "m.html")
    assert ran.code == 0, ran.text
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "Two-site configuration" in page_text(page)
    assert_literal(page)


def page_text(page: str) -> str:
    from .helpers import page_texts

    return page_texts(page)


def _poison(value: object, k: list[int]) -> object:
    """Add a payload to every text of a saved ranking (keys of rule ids and statuses kept)."""
    if isinstance(value, dict):
        keep = {"status", "outcome", "constraint", "criterion", "solver", "pair_status"}
        return {key: v if key in keep else _poison(v, k) for key, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, k) for v in value]
    if isinstance(value, str):
        k[0] += 1
        return f"{value} {PAYLOADS[k[0] % len(PAYLOADS)]}"
    return value


def test_map_of_a_hostile_result_file(tmp_path):
    assert cli("rank", CASE2, "--top", "3", "--json", tmp_path / "r.json").code == 0
    saved = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    (tmp_path / "hostile.json").write_text(json.dumps(_poison(saved, [0])), encoding="utf-8")
    ran = cli("map", tmp_path / "hostile.json", "--out", tmp_path / "m.html", "--offline")
    assert ran.code == 0, ran.text
    assert_literal((tmp_path / "m.html").read_text(encoding="utf-8"))


def _hostile_leads(tmp_path: Path, suffix: str) -> Path:
    with LEADS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:11]
    for k, row in enumerate(body):
        row[header.index("id")] = f"L{k} {PAYLOADS[k % len(PAYLOADS)]}"
    path = tmp_path / f"leads{suffix}"
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header, *body])
    else:
        book = Workbook()
        for row in [header, *body]:
            book.active.append(row)
        book.save(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("command", ["screen", "assign"])
def test_portfolio_maps_of_hostile_lead_ids(command, suffix, geodata, tmp_path):
    leads = _hostile_leads(tmp_path, suffix)
    out = tmp_path / "m.html"
    ran = cli(command, leads, "--geodata", geodata, "--map", out, "--offline")
    assert ran.code == 0, ran.text
    assert_literal(out.read_text(encoding="utf-8"))


def test_comparison_map_of_a_hostile_scenario(geodata, tmp_path):
    case = with_id(CASE2, PAYLOADS[2], tmp_path / "base.toml")
    scenario = tmp_path / "what-if.toml"
    scenario.write_text(
        f"""[scenario]
name = {json.dumps(PAYLOADS[0])}
base = "base.toml"
description = {json.dumps(PAYLOADS[1])}

[needs]
power_mw = 8.0

[[data.add_site]]
site_id = "new-plot"
name = {json.dumps("plot " + PAYLOADS[3])}
gm_code = "GM0153"
lon = 6.852
lat = 52.243
site_type = "science_park"
gross_ha = 12.0
net_ha = 10.0
available_ha = 10.0
area_year = 2026
area_confidence = "estimate"
max_env_category = 4
cleanroom_ready = true
status = "available"
notes = {json.dumps(PAYLOADS[4])}
""",
        encoding="utf-8",
    )
    out = tmp_path / "c.html"
    ran = cli("compare", case, scenario, "--geodata", geodata, "--top", "5", "--map", out)
    assert ran.code == 0, ran.text
    page = out.read_text(encoding="utf-8")
    panes = [html.unescape(p) for p in page.split('srcdoc="')[1:]]
    assert len(panes) == 2
    assert_literal(page, (PAYLOADS[0], PAYLOADS[2]))  # the two names, in the headings
    for pane in panes:
        assert_literal(pane, (PAYLOADS[2],))  # the case id, in each pane's panel
    assert_literal(panes[1], (PAYLOADS[3],))  # the added site, in the variant's pane


@pytest.mark.parametrize("suffix", [".html", ".svg"])
def test_sweep_chart_of_a_hostile_case(geodata, suffix, tmp_path):
    case = with_id(CASE2, PAYLOADS[4], tmp_path / "case.toml")
    chart = tmp_path / f"chart{suffix}"
    ran = cli(
        "sweep", case, "--geodata", geodata, "--vary", "needs.power_mw=2:6:2", "--chart", chart
    )
    assert ran.code == 0, ran.text
    text = html.unescape(chart.read_text(encoding="utf-8"))
    assert PAYLOADS[4] in text  # the case id, in the chart's title (and the page's)
    assert any(p in text for p in PAYLOADS[:4])  # the hostile site names, drawn as typed
    for evaluated in EVALUATED:
        assert evaluated not in text


# --- the guard: nothing bypasses the gateways --------------------------------------------------


def _map() -> folium.Map:
    return folium.Map(location=[52.2, 5.3], zoom_start=8, tiles=None)


@pytest.mark.parametrize(
    "add",
    [
        lambda m: folium.Marker([52, 5], tooltip="{{7*7}}").add_to(m),
        lambda m: folium.Marker([52, 5], popup="{% raw %}").add_to(m),
        lambda m: folium.Marker([52, 5], icon=folium.DivIcon(html="{# x")).add_to(m),
        lambda m: folium.GeoJson(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [5, 52]},
                "properties": {"name": "{{ config }}"},
            },
            tooltip=folium.GeoJsonTooltip(["name"]),
        ).add_to(m),
        lambda m: m.get_root().header.add_child(folium.Element("<b>{{7*7}}</b>")),
        lambda m: folium.FeatureGroup(name="{{7*7}}").add_to(m),
    ],
    ids=["tooltip", "popup", "divicon", "geojson", "element", "layer-name"],
)
def test_an_element_with_raw_template_text_fails_loudly(add, tmp_path):
    m = _map()
    add(m)
    with pytest.raises(RuntimeError, match="would be evaluated as a template"):
        maps.save_map(m, tmp_path / "m.html")
    assert not (tmp_path / "m.html").exists()


class _Derived(MacroElement):
    """An element whose output holds text its state does not: only the second check sees it."""

    _template = Template(
        "{% macro script(this, kwargs) %}var x = '{{ this.text() }}';{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Derived"
        self._parts = tuple(text)  # no string in the state: the first check cannot see it

    def text(self) -> str:
        return "".join(self._parts)


def test_text_that_only_appears_in_an_elements_output_is_refused():
    m = _map()
    m.add_child(_Derived("{{7*7}}"))
    check_literal(m.get_root())  # the state holds no template text ...
    with pytest.raises(RuntimeError, match="the output of"):  # ... its output does
        render_page(m)
    m = _map()
    m.add_child(_Derived("{x} {7*7}"))
    assert "{x} {7*7}" in render_page(m)  # braces alone are no template


def test_every_map_kind_passes_the_guard_on_plain_data(case2_result, tmp_path):
    data = load_geodata()
    page = render_page(maps.render_map(case2_result, data=data))
    assert "Exclusion funnel" in page
