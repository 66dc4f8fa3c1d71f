"""Portfolio maps of an assignment and a screening: layers, reasons, escaping, offline, CLI.

The leads are 9 rows of the synthetic example pipeline plus four the tests add: a hostile id
and name, a lead without a current location, an invalid row and a ``${x}`` id. The browser test
at the end opens an offline map in Debian's Chromium (skipped where it is absent).
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
import pytest

from siting.inputs.leads import read_leads
from siting.jobs.assign import assign_leads
from siting.jobs.screen import screen_leads
from siting.layers.load import load_geodata
from siting.outputs.maps import portfolio as portfolio_map
from siting.outputs.maps import ranking as maps
from siting.outputs.maps.assets import remote_references
from siting.outputs.maps.elements import js_value
from siting.outputs.maps.html import esc
from siting.outputs.maps.portfolio import render_portfolio_map

from .conftest import REPO

HOSTILE = "<script>alert(1)</script>"
HOSTILE_NAME = "${x} <b>Evil Corp</b> (synthetic)"
TEMPLATE_ID = "${x}"
PIPELINE = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"
PICKED = (
    "SYN-0001",
    "SYN-0002",
    "SYN-0003",
    "SYN-0004",
    "SYN-0005",
    "SYN-0012",
    "SYN-0013",
    "SYN-0018",
    "SYN-0025",
)
#: Room (a what-if) for supply area WEW (Weiwerd, Delfzijl) that fits one of the two 0.86 MW
#: leads without a location (their only feasible sites lie there), not both.
HEADROOM = {"WEW": 0.9}
REMOTE = re.compile(
    r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE
)
ASSIGN_LAYERS = [
    portfolio_map.LAYER_ZONES,
    portfolio_map.LAYER_SITES,
    portfolio_map.LAYER_LINES,
    portfolio_map.LAYER_PLACED,
    portfolio_map.LAYER_UNPLACED,
]
SCREEN_LAYERS = [
    portfolio_map.LAYER_CONGESTION,
    portfolio_map.LAYER_TOP_LINES,
    portfolio_map.LAYER_TOP_SITES,
    portfolio_map.LAYER_STATUS,
]


def write_leads(path: Path) -> Path:
    with PIPELINE.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if r["id"] in PICKED]
    rows += [
        dict(rows[0], id=HOSTILE, name=HOSTILE_NAME),
        dict(rows[2], id="NOLOC-1", municipality="", include_provinces="Groningen"),
        dict(rows[2], id="NOLOC-2", municipality="", include_provinces="Groningen"),
        dict(rows[2], id="BAD-1", year="soon"),
        dict(rows[2], id=TEMPLATE_ID, name="`${alert(2)}`"),
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*rows[0], "include_provinces"], restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def data():
    return load_geodata()


@pytest.fixture(scope="module")
def leads_file(tmp_path_factory) -> Path:
    return write_leads(tmp_path_factory.mktemp("leads") / "leads.csv")


@pytest.fixture(scope="module")
def table(leads_file):
    return read_leads(leads_file, extra_columns=["priority"])


@pytest.fixture(scope="module")
def assignment(table, data):
    return assign_leads(table, headroom=HEADROOM, data=data, max_resolves=5)


@pytest.fixture(scope="module")
def screening(leads_file, data):
    return screen_leads(read_leads(leads_file), data=data)


def layer_groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {
        child.layer_name: child
        for child in m._children.values()
        if isinstance(child, folium.FeatureGroup)
    }


def children(group: folium.FeatureGroup, kind: type) -> list[Any]:
    return [c for c in group._children.values() if type(c) is kind]


def rendered(element: Any) -> str:
    """Rendered script of a layer and its children, JSON escapes undone (for searching)."""
    html = element.get_root().render()
    return html.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")


# --- assignment ----------------------------------------------------------------------------


def test_assignment_map_has_its_layers_panel_legend_and_scale(assignment, table, data):
    m = render_portfolio_map(assignment, data=data)
    groups = layer_groups(m)
    assert sorted(groups) == sorted(ASSIGN_LAYERS)
    assert all(g.control and g.overlay for g in groups.values())
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    names = list(m._children)
    assert names.index(controls[0].get_name()) > max(
        names.index(g.get_name()) for g in groups.values()
    )
    assert m.control_scale is True
    html = rendered(m)
    assert 'div.id = "siting-legend"' in html and 'div.id = "siting-panel"' in html
    for text in (
        f"solver {assignment.solver}: <b>{assignment.status}</b>",
        f"objective {assignment.objective:.4f}",
        "gap 0 (proven optimal)",
        f"<b>{assignment.n_placed}</b> placed",
        f"<b>{assignment.n_unplaced}</b> unplaced",
        f"<b>{assignment.n_invalid}</b> invalid input",
        "Value of one more unit of capacity",
    ):
        assert text in html, text
    top = assignment.capacity_values[0]
    assert f"{top.used:g} / {top.capacity:g} {top.unit}" in html


def test_panel_says_an_assignment_within_the_gap_is_not_proven_optimal(assignment, table, data):
    from dataclasses import replace

    from siting.model.assignment import status_note

    note = status_note("within_gap", 0.0023, 0.005, "skipped")
    result = replace(assignment, status="within_gap", gap=0.0023, gap_rel=0.005, status_note=note)
    html = rendered(render_portfolio_map(result, data=data))
    assert "<b>within_gap</b>" in html and "gap 0.23% (requested 0.50%)" in html
    assert "within 0.23% of the optimum" in html
    assert "not broken deterministically" in html
    assert "returned no assignment" not in html
    tiny = rendered(render_portfolio_map(replace(result, gap=3e-5), data=data))
    assert "gap &lt; 0.01%" in tiny


def test_lines_run_from_each_placed_lead_to_its_site(assignment, table, data):
    group = layer_groups(render_portfolio_map(assignment, data=data))[portfolio_map.LAYER_LINES]
    lines = children(group, folium.PolyLine)
    placed = [lead for lead in assignment.leads if lead.status == "placed"]
    located = [lead for lead in placed if not lead.lead_id.startswith("NOLOC")]
    assert len(placed) > len(located) >= 4
    assert 1 <= len(lines) <= len(located)
    html = rendered(group)
    for lead in located:
        assert f"<b>{esc(lead.lead_id)}</b> &rarr; {esc(lead.site_name)}" in html
        assert f"utility {lead.utility:.3f}" in html
    assert re.search(r"\d+\.\d km, utility", html)
    sites = layer_groups(render_portfolio_map(assignment, data=data))[portfolio_map.LAYER_SITES]
    used = {lead.site_id for lead in placed}
    sites_xy = zip(data.sites["site_id"], data.sites.geometry, strict=True)
    points = {(p.x, p.y) for sid, p in sites_xy if sid in used}
    # one marker per point: sites placed at one municipality's point share it
    assert len(children(sites, folium.CircleMarker)) == len(points) <= len(used)
    text = rendered(sites)
    assert all(js_value(esc(lead.site_name))[1:-1] in text for lead in placed)
    assert re.search(r"[\d.]+ of [\d.]+ ha used|ha used; area not known", rendered(sites))


def test_unplaced_leads_are_marked_with_their_reason(assignment, table, data):
    blocked = next(
        lead
        for lead in assignment.leads
        if lead.lead_id.startswith("NOLOC") and lead.status == "unplaced"
    )
    assert blocked.reason.startswith("its feasible sites are taken")
    assert "zone area:WEW headroom: 0.86 of 0.9 MW used by NOLOC-" in blocked.reason
    nowhere = next(lead for lead in assignment.leads if lead.lead_id == "SYN-0002")
    assert nowhere.status == "unplaced" and nowhere.reason.startswith("no feasible site")
    group = layer_groups(render_portfolio_map(assignment, data=data))[portfolio_map.LAYER_UNPLACED]
    marks = children(group, folium.Marker)
    icons = [c for mark in marks for c in mark._children.values() if isinstance(c, folium.DivIcon)]
    assert icons and all(
        "siting-lead-x unplaced" in i.options.get("html", "") or "siting-lead-x unplaced" in i.html
        for i in icons
    )
    html = rendered(group)
    assert blocked.origin is None  # without a location: in the panel, not on the map
    assert f"<b>{nowhere.lead_id}</b>: {nowhere.reason}".replace("'", "&#x27;") in html
    # no placed lead is among them
    placed = [lead.lead_id for lead in assignment.leads if lead.status == "placed"]
    assert not any(f"<b>{lid}</b>:" in html for lid in placed if lid.startswith("SYN"))


def test_zones_are_coloured_by_headroom_used_where_known(assignment, table, data):
    m = render_portfolio_map(assignment, data=data)
    html = rendered(layer_groups(m)[portfolio_map.LAYER_ZONES])
    zone = next(z for z in assignment.zones if z.zone_id == "area:WEW")
    assert zone.constrained and zone.n_leads == 1 and zone.unit == "MW"
    assert f"{zone.name}: 0.86 of 0.90 MW of published room used" in html
    legend = rendered(m)
    assert "share of the published room [MW] used" in legend
    assert "elsewhere: worst demand-side class" in legend


def test_areas_without_a_published_room_take_one_large_lead(table, data):
    result = assign_leads(table, data=data, max_resolves=0)
    lead_zones = [z for z in result.zones if z.unit == "lead"]
    assert lead_zones and all(z.headroom_mw == 1.0 and z.used_mw <= 1.0 for z in lead_zones)
    html = rendered(render_portfolio_map(result, data=data))
    assert "of 1 large lead(s) (no published room)" in html
    assert any("at most one large lead" in note for note in result.notes)


def test_leads_without_a_location_are_listed_in_the_panel_only(assignment, table, data):
    m = render_portfolio_map(assignment, data=data)
    html = rendered(m)
    assert "Not on the map (3 lead(s))" in html  # NOLOC-1, NOLOC-2 and the invalid BAD-1
    assert "<b>NOLOC-1</b> (placed)" in html or "<b>NOLOC-2</b> (placed)" in html
    assert "<b>BAD-1</b> (invalid input)" in html
    assert "no current location, or one that cannot be placed" in html


def test_draws_on_a_given_map_and_returns_it(assignment, table, data):
    m = folium.Map(tiles=None)
    folium.LayerControl().add_to(m)
    assert render_portfolio_map(assignment, data=data, m=m) is m
    assert len([c for c in m._children.values() if isinstance(c, folium.LayerControl)]) == 1
    with pytest.raises(TypeError, match="AssignmentResult or a ScreenResult"):
        render_portfolio_map("not a result", data=data)  # type: ignore[arg-type]


# --- screening -----------------------------------------------------------------------------


def test_screening_map_colours_leads_by_status_and_draws_top_sites(screening, data):
    m = render_portfolio_map(screening, data=data)  # locations from the result
    groups = layer_groups(m)
    assert sorted(groups) == sorted(SCREEN_LAYERS)
    status = groups[portfolio_map.LAYER_STATUS]
    colours = {c.options["fillColor"] for c in children(status, folium.CircleMarker)}
    assert colours == {portfolio_map.LEAD_COLORS["ok"]}
    html = rendered(status)
    nowhere = next(lead for lead in screening.leads if lead.status == "no_feasible_site")
    assert f"<b>{nowhere.lead_id}</b>: {nowhere.reason}".replace("'", "&#x27;") in html
    assert "siting-lead-x unplaced" in html
    lines = children(groups[portfolio_map.LAYER_TOP_LINES], folium.PolyLine)
    assert lines and all(line.options["dashArray"] == "6 5" for line in lines)
    top = next(lead for lead in screening.leads if lead.lead_id == "SYN-0013")
    assert f"<b>SYN-0013</b> &rarr; #1 {top.sites[0].name}" in rendered(
        groups[portfolio_map.LAYER_TOP_LINES]
    )
    page = rendered(m)
    s = screening.summary
    assert f"<b>{s.placed}</b> placed" in page and f"<b>{s.nowhere}</b> nowhere" in page
    region = next(r for r in s.regions if r.top_blocking_rule)
    assert f"{region.top_blocking_rule} ({region.top_blocking_leads})" in page
    assert "Grid congestion" in page


# --- escaping and offline ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["assignment", "screening"])
def test_ids_and_names_are_escaped(kind, assignment, screening, table, data):
    result = assignment if kind == "assignment" else screening
    html = render_portfolio_map(result, data=data).get_root().render()
    assert HOSTILE not in html
    assert "alert(1)" in html  # present, as escaped text
    assert html.count("<script") == html.count("</script>")
    assert "Evil Corp" not in html and "alert(2)" not in html  # names are never shown
    assert not re.search(r"(?:\$\(|bindPopup\(|bindTooltip\()\s*`", html)
    # `${x}` travels as JSON text (its braces as character references), never in a template
    # literal
    assert js_value(f"<b>{esc(TEMPLATE_ID)}</b>")[1:-1] in html


def test_offline_map_references_no_other_host_and_rounds_coordinates(
    assignment, table, data, tmp_path
):
    m = render_portfolio_map(assignment, data=data, offline=True)
    path = maps.save_map(m, tmp_path / "offline.html", offline=True)
    html = path.read_text(encoding="utf-8")
    assert not REMOTE.findall(html), REMOTE.findall(html)[:3]
    assert remote_references(html) == []
    assert "L.tileLayer" not in html and 't.version="1.9.4"' in html
    assert path.stat().st_size < 2 * 1024 * 1024
    points = re.findall(r"L\.(?:circleMarker|marker|polyline)\(\s*\[+([^\]]+)\]", html)
    assert points
    for point in points:
        assert all(
            len(v.split(".")[1]) <= maps.COORD_DECIMALS for v in point.split(",") if "." in v
        )


# --- command line --------------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={"COLUMNS": "120", "PATH": "", "PYTHONPATH": str(REPO)},
    )


def test_cli_screen_and_assign_write_the_map(leads_file, tmp_path):
    result = run("screen", str(leads_file), "--map", "out/screen.html", "--offline", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote map out/screen.html (offline)" in result.stdout
    html = (tmp_path / "out" / "screen.html").read_text("utf-8")
    assert remote_references(html) == [] and "Pipeline screening" in html
    result = run(
        "assign", str(leads_file), "--max-resolves", "0", "--map", "assign.html", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "wrote map assign.html" in result.stdout
    assert "Portfolio assignment" in (tmp_path / "assign.html").read_text("utf-8")
    result = run("assign", str(leads_file), "--offline", cwd=tmp_path)
    assert result.returncode == 2
    assert "--offline" in result.stderr and "Traceback" not in result.stderr


# --- in a real browser ---------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture
def chromium() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(
            "/usr/bin/chromium is absent (Debian package 'chromium'; `make test` "
            "installs it when run as root)"
        )
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the 'playwright' package is not installed (dev extra)"
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def test_offline_portfolio_map_in_a_browser(chromium, assignment, table, data, tmp_path):
    path = maps.save_map(
        render_portfolio_map(assignment, data=data, offline=True),
        tmp_path / "portfolio.html",
        offline=True,
    )
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    requests: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_selector("#siting-panel", state="visible", timeout=15_000)
        panel = page.locator("#siting-panel").inner_text()
        assert "Portfolio assignment" in panel and "Value of one more unit of capacity" in panel
        assert f"{assignment.n_placed} placed" in panel
        assert page.locator("path.siting-line").count() >= 4
        assert page.locator(".siting-lead-x.unplaced").count() >= 1
        assert page.locator(".leaflet-control-scale").is_visible()
        assert "headroom" in page.locator("#siting-legend").inner_text()
        # opens at the leads and their sites: every lead and site marker in view
        centres = page.locator(".leaflet-marker-pane .leaflet-marker-icon").evaluate_all(
            "es => es.map(e => { const r = e.getBoundingClientRect();"
            " return [r.x + r.width / 2, r.y + r.height / 2]; })"
        )
        assert len(centres) >= 1
        assert all(0 <= x <= 1366 and 0 <= y <= 768 for x, y in centres)
        # the panels take at most a quarter of the screen
        covered = 0.0
        for selector in ("#siting-panel", "#siting-legend", ".leaflet-control-layers"):
            box = page.locator(selector).bounding_box()
            covered += box["width"] * box["height"]
        assert covered <= 0.25 * 1366 * 768
        page.locator("#siting-view-national").click()
        page.locator(".siting-lead-x.unplaced").first.hover(force=True)
        page.wait_for_timeout(300)
        assert (
            "no feasible site" in page.locator(".leaflet-tooltip").last.inner_text()
            or "capacity" in page.locator(".leaflet-tooltip").last.inner_text()
        )
        page.screenshot(path=str(tmp_path / "portfolio.png"))
    finally:
        page.close()
    assert requests and requests[0].startswith("file:")
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert errors == []
    assert dialogs == []
    assert (tmp_path / "portfolio.png").stat().st_size > 10_000
