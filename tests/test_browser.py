"""Generated maps in a real browser: Debian's headless Chromium driven by Playwright.

Never ``playwright install``: the tests use /usr/bin/chromium (``make test`` installs the
Debian package when missing and run as root) and skip with a reason where it is absent. Each
test keeps a screenshot under its ``tmp_path``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from siting.layers.load import load_geodata
from siting.outputs.maps import ranking as maps

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
HOSTILE = "<script>alert(1)</script>"
#: A case-meeting laptop.
VIEWPORT = {"width": 1366, "height": 768}
#: A transparent 1x1 PNG: what the online test serves instead of map tiles (no network here).
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44"
    "ae426082"
)

pytestmark = pytest.mark.skipif(
    not CHROMIUM.is_file(),
    reason="/usr/bin/chromium is absent (Debian package 'chromium'; `make test` installs it "
    "when run as root)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="the 'playwright' package is not installed (dev extra)"
    )
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclasses.dataclass
class Opened:
    page: Any
    requests: list[str]
    errors: list[str]
    dialogs: list[str]


@pytest.fixture
def open_map(browser, tmp_path: Path) -> Iterator[Any]:
    """Open a map file in a fresh page, recording requests, errors and dialogs."""
    pages = []

    def opener(path: Path, *, serve_tiles: bool = False, panes: int = 0) -> Opened:
        page = browser.new_page(viewport=VIEWPORT)
        pages.append(page)
        seen = Opened(page, [], [], [])
        page.on("request", lambda r: seen.requests.append(r.url))
        page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: seen.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        if serve_tiles:  # no network here: play the CDN and the tile server locally
            page.route("http*://**/*", serve_locally)
        page.goto(path.resolve().as_uri())
        if panes:  # a comparison map: one map per frame
            for k in range(panes):
                frame = page.frame_locator("iframe.siting-pane").nth(k)
                frame.locator(".siting-legend").wait_for(state="visible", timeout=15_000)
        else:
            page.wait_for_selector(".siting-legend", state="visible", timeout=15_000)
        return seen

    yield opener
    for page in pages:
        page.screenshot(path=str(tmp_path / "map.png"))
        page.close()


def serve_locally(route: Any) -> None:
    """Answer an online map's requests: Leaflet from the local package, tiles as blank PNGs."""
    from siting.outputs.maps.assets import leaflet_assets

    url = route.request.url
    css, js = leaflet_assets()
    if url.endswith("leaflet.js"):
        route.fulfill(status=200, content_type="text/javascript", body=js)
    elif url.endswith("leaflet.css"):
        route.fulfill(status=200, content_type="text/css", body=css)
    elif url.endswith(".js"):  # jQuery, Bootstrap, awesome-markers: unused by our maps
        route.fulfill(status=200, content_type="text/javascript", body="")
    elif url.endswith(".css"):
        route.fulfill(status=200, content_type="text/css", body="")
    else:
        route.fulfill(status=200, content_type="image/png", body=PNG_1X1)


@pytest.fixture(scope="module")
def data():
    return load_geodata()


def write(result, data, path: Path, *, offline: bool) -> Path:
    return maps.save_map(maps.render_map(result, data=data, offline=offline), path, offline=offline)


def other_hosts(requests: list[str]) -> list[str]:
    return [url for url in requests if not url.startswith(("file:", "data:"))]


def click_rank(page: Any, rank: int) -> Any:
    page.locator(f'.siting-rank[data-rank="{rank}"]').click()
    popup = page.locator(".siting-popup .leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    return popup


def test_online_map_shows_ranked_markers_legend_and_explanations(
    case2_result, data, tmp_path, open_map
):
    seen = open_map(
        write(case2_result, data, tmp_path / "online.html", offline=False), serve_tiles=True
    )
    page = seen.page
    ranks = page.locator(".siting-rank[data-rank]")
    assert ranks.count() == len(case2_result.recommendations) == 5
    assert sorted(ranks.all_inner_texts()) == ["1", "2", "3", "4", "5"]
    legend = page.locator("#siting-legend")
    assert legend.is_visible()
    assert "Grid congestion" in legend.inner_text()
    assert "Exclusion funnel" in page.locator("#siting-panel").inner_text()
    assert page.locator(".leaflet-control-scale").is_visible()
    assert page.locator(".leaflet-control-layers").is_visible()
    rec = case2_result.recommendations[0]
    popup = click_rank(page, 1)
    text = popup.text_content()  # every tab, shown or not
    for expected in (
        rec.name,
        "Why: contribution of each criterion",
        "Hard constraints",
        "Rank holds while a weight stays in",
        "Ahead of #2",
        "Data caveats",
        rec.breakdown[0].label,
    ):
        assert expected in text
    assert popup.locator(".siting-bar").count() == len(rec.breakdown)
    assert any("arcgisonline" in url for url in seen.requests)  # the tiles were asked for
    assert seen.errors == []


def test_offline_map_makes_no_request_to_any_other_host(case2_result, data, tmp_path, open_map):
    seen = open_map(write(case2_result, data, tmp_path / "offline.html", offline=True))
    page = seen.page
    assert page.locator(".siting-rank[data-rank]").count() == 5
    assert page.locator(".leaflet-interactive").count() > 500  # municipalities and sites drawn
    popup = click_rank(page, 1)
    assert "Why: contribution of each criterion" in popup.inner_text()
    popup.locator(".siting-tabs button", has_text="Rules").click()
    assert "Hard constraints" in popup.inner_text()
    # a tooltip as well (the popup may have panned marker 2 out of view: the event, not a hover)
    page.locator(".siting-rank[data-rank='2']").dispatch_event("mouseover")
    page.wait_for_timeout(300)
    assert seen.requests and seen.requests[0].startswith("file:")
    assert other_hosts(seen.requests) == []
    assert seen.errors == []


def test_hostile_names_render_as_text_and_open_no_dialog(case2_result, data, tmp_path, open_map):
    rec = dataclasses.replace(case2_result.recommendations[0], name=HOSTILE)
    sites = tuple(
        s._replace(name=HOSTILE) if s.site_id == rec.site_id else s for s in case2_result.sites
    )
    result = dataclasses.replace(
        case2_result,
        case_id=HOSTILE,
        sites=sites,
        recommendations=(rec, *case2_result.recommendations[1:]),
    )
    seen = open_map(write(result, data, tmp_path / "hostile.html", offline=True))
    page = seen.page
    assert f"Case {HOSTILE}" in page.locator("#siting-panel").inner_text()
    popup = click_rank(page, 1)
    assert f"#1 {HOSTILE}" in popup.inner_text()
    page.wait_for_timeout(300)
    assert seen.dialogs == []
    assert seen.errors == []
    assert other_hosts(seen.requests) == []


def test_one_surface_at_a_time_and_the_legend_follows(case2_result, data, tmp_path, open_map):
    seen = open_map(write(case2_result, data, tmp_path / "switch.html", offline=True))
    page = seen.page
    control = page.locator(".leaflet-control-layers")

    def checkbox(name: str) -> Any:
        return control.locator("label", has_text=name).locator("input")

    def section(name: str) -> Any:
        return page.locator(f'#siting-legend [data-layer="{name}"]')

    assert checkbox(maps.LAYER_CONGESTION).is_checked()
    assert section(maps.LAYER_CONGESTION).is_visible()
    assert not section(maps.LAYER_TALENT["hbo"]).is_visible()
    checkbox(maps.LAYER_TALENT["hbo"]).check()
    page.wait_for_timeout(300)
    assert checkbox(maps.LAYER_TALENT["hbo"]).is_checked()
    assert not checkbox(maps.LAYER_CONGESTION).is_checked()
    assert section(maps.LAYER_TALENT["hbo"]).is_visible()
    assert "estimate" in section(maps.LAYER_TALENT["hbo"]).inner_text()
    assert not section(maps.LAYER_CONGESTION).is_visible()
    checkbox(maps.LAYER_TALENT["wo"]).check()
    page.wait_for_timeout(300)
    assert not checkbox(maps.LAYER_TALENT["hbo"]).is_checked()
    assert checkbox(maps.LAYER_TALENT["wo"]).is_checked()
    checkbox(maps.LAYER_RECOMMENDED).uncheck()
    assert page.locator(".siting-rank[data-rank]").count() == 0
    assert seen.errors == []


def test_infeasible_case_map_explains_why(case4_result, data, tmp_path, open_map):
    seen = open_map(write(case4_result, data, tmp_path / "case4.html", offline=True))
    page = seen.page
    panel = page.locator("#siting-panel").inner_text()
    assert "No feasible site." in panel
    assert case4_result.infeasibility.message[:40] in panel
    assert page.locator(".siting-rank[data-rank]").count() == 0
    excluded = next(s for s in case4_result.sites if s.failing)
    assert excluded.failing
    assert seen.errors == []
    assert other_hosts(seen.requests) == []


# --- two-site configurations ----------------------------------------------------------------


@pytest.fixture(scope="module")
def case6_result():
    """Ranking of example case 6 (R&D + production, at most 40 km apart), top 5; read-only."""
    from siting.jobs.rank import rank_sites

    from .conftest import CASES

    result = rank_sites(CASES / "case6_two_site_photonics.toml", top=5)
    assert len(result.pairs) == 5
    return result


def zoom_to(page: Any, lat: float, lon: float, zoom: int) -> None:
    """Centre the map on a place without animation (badges apart, clear of the panels)."""
    page.evaluate(
        """([lat, lon, zoom]) => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.setView([lat, lon], zoom, {animate: false});
    }""",
        [lat, lon, zoom],
    )


def test_two_site_map_shows_pairs_and_explains_each_role(case6_result, data, tmp_path, open_map):
    pairs = case6_result.pairs
    seen = open_map(write(case6_result, data, tmp_path / "case6.html", offline=True))
    page = seen.page
    sites = {rec.site_id for p in pairs for rec in (p.rnd, p.production)}
    badges = page.locator(".siting-pair[data-site]")
    assert badges.count() == len(sites)
    lines = page.locator("path.siting-pair-line")
    assert lines.count() == len(pairs)
    assert page.locator("path.siting-pair-line.top").count() == 1
    widths = sorted(
        float(w) for w in lines.evaluate_all("ls => ls.map(l => l.getAttribute('stroke-width'))")
    )
    assert widths == [3.0] * (len(pairs) - 1) + [6.0]
    best = pairs[0]
    roles = (
        page.locator(f'.siting-pair[data-site="{best.rnd.site_id}"]')
        .get_attribute("data-roles")
        .split()
    )
    assert "R1" in roles
    panel = page.locator("#siting-panel").inner_text()
    assert "Two-site search" in panel and f"{best.distance_km:,.1f} km apart" in panel
    assert "Two-site configurations" in page.locator("#siting-legend").inner_text()
    control = page.locator(".leaflet-control-layers")
    assert control.locator("label", has_text=maps.LAYER_PAIRS).locator("input").is_checked()

    zoom_to(page, best.rnd.lat, best.rnd.lon, 12)
    badge = page.locator(f'.siting-pair[data-site="{best.rnd.site_id}"]')
    assert badge.is_visible() and "R1" in badge.inner_text()
    badge.click()
    popup = page.locator(".siting-popup .leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    for expected in (
        best.rnd.name,
        "Why as R&D site (pair #1",
        "Why: contribution of each criterion",
        "Hard constraints",
        "Matching campus (R&D)",
        best.production.name,
        f"{best.distance_km:,.1f} km",
        f"{best.utility:.3f}",
        f"score as R&D site {best.rnd.utility:.3f}",
    ):
        assert expected in text, expected
    page.locator(".leaflet-popup-close-button").click()
    page.locator(".siting-popup").wait_for(state="detached", timeout=5_000)

    # the whole line in view (its middle is where the pointer goes), the surfaces hidden
    control.locator("label", has_text=maps.LAYER_CONGESTION).locator("input").uncheck()
    zoom_to(
        page,
        (best.rnd.lat + best.production.lat) / 2,
        (best.rnd.lon + best.production.lon) / 2,
        10,
    )
    page.locator("path.siting-pair-line.top").hover()
    tooltip = page.locator(".leaflet-tooltip", has_text="Pair #1")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert f"{best.distance_km:,.1f} km apart" in tooltip.inner_text()
    page.locator("path.siting-pair-line.top").click()
    popup.wait_for(state="visible", timeout=5_000)
    text = popup.inner_text()
    assert "Two-site configuration #1" in text
    assert f"combined score {best.utility:.3f} of 2" in text
    assert best.rnd.name in text and best.production.name in text

    control.locator("label", has_text=maps.LAYER_PAIRS).locator("input").uncheck()
    assert page.locator(".siting-pair[data-site]").count() == 0
    assert page.locator("path.siting-pair-line").count() == 0
    assert seen.errors == []
    assert other_hosts(seen.requests) == []


def test_hostile_names_in_a_pair_render_as_text(case6_result, data, tmp_path, open_map):
    pairs = tuple(
        dataclasses.replace(p, rnd=dataclasses.replace(p.rnd, name=HOSTILE))
        for p in case6_result.pairs
    )
    result = dataclasses.replace(case6_result, pairs=pairs)
    seen = open_map(write(result, data, tmp_path / "hostile6.html", offline=True))
    page = seen.page
    best = pairs[0]
    assert f"R&D {HOSTILE} + production" in page.locator("#siting-panel").inner_text()
    zoom_to(page, best.rnd.lat, best.rnd.lon, 12)
    page.locator(f'.siting-pair[data-site="{best.rnd.site_id}"]').click()
    popup = page.locator(".siting-popup .leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5_000)
    assert popup.locator("h4").first.inner_text() == HOSTILE
    assert page.locator(".siting-popup script").count() == 0
    assert seen.dialogs == []
    assert seen.errors == []


# --- comparison map: two linked panes -----------------------------------------------------------


@pytest.fixture(scope="module")
def comparison(data):
    """Case 2 against the scenario 'Hengelo/Almelo reinforced by 2028', top 5; read-only."""
    from siting.jobs.compare import compare

    from .conftest import CASES, REPO

    return compare(
        CASES / "case2_microchip_dense_region.toml",
        REPO / "models" / "scenarios" / "case2_twente_reinforced_2028.toml",
        top=5,
        solver="enumeration",
        data=data,
    )


@dataclasses.dataclass
class Pane:
    """One map of a comparison page: its frame and the name of its Leaflet map."""

    frame: Any
    name: str

    def view(self) -> list[float]:
        return self.frame.evaluate(
            "name => { const m = window[name], c = m.getCenter();"
            " return [c.lat, c.lng, m.getZoom()]; }",
            self.name,
        )

    def set_view(self, lat: float, lng: float, zoom: int) -> None:
        # braces: return nothing (serialising the returned map object takes many seconds)
        self.frame.evaluate(
            "([name, lat, lng, zoom]) => {"
            " window[name].setView([lat, lng], zoom, {animate: false}); }",
            [self.name, lat, lng, zoom],
        )

    def wait_for_view(self, lat: float, lng: float, zoom: float) -> None:
        self.frame.wait_for_function(
            """([name, lat, lng, zoom]) => {
                const m = window[name], c = m.getCenter();
                return m.getZoom() === zoom && Math.abs(c.lat - lat) < 1e-6
                    && Math.abs(c.lng - lng) < 1e-6;
            }""",
            arg=[self.name, lat, lng, zoom],
            timeout=5_000,
        )

    def spy(self) -> None:
        """Record every message this pane receives (``window.testGot``)."""
        self.frame.evaluate("""() => {
            window.testGot = [];
            addEventListener("message", e => window.testGot.push(e.data && e.data.siting));
        }""")

    def received(self) -> list[str]:
        return self.frame.evaluate("() => window.testGot")


def panes(page: Any) -> list[Pane]:
    frames = page.locator("iframe.siting-pane")
    return [
        Pane(
            frames.nth(k).element_handle().content_frame(), frames.nth(k).get_attribute("data-map")
        )
        for k in range(frames.count())
    ]


def spy_on_page(page: Any) -> None:
    """Record which pane (0 left, 1 right) reported a view or sent a test marker to the page.

    Registered after the page's own relay, so a view is recorded after it has been passed on.
    """
    page.evaluate("""() => {
        window.testViews = [];
        window.testMarkers = [];
        const frames = [...document.querySelectorAll("iframe.siting-pane")];
        addEventListener("message", e => {
            const k = frames.findIndex(f => f.contentWindow === e.source);
            if (e.data && e.data.siting === "view") { window.testViews.push(k); }
            if (e.data && e.data.siting === "test-marker") { window.testMarkers.push(k); }
        });
    }""")


def not_passed_on(
    page: Any, moved: Pane, other: Pane, other_index: int, view: tuple[float, float, int]
) -> None:
    """Move one pane while unlinked and assert the other is sent nothing and stays put.

    No sleep: wait until the page has the moved pane's view (and has decided not to pass it
    on), then post a marker to the other pane; messages arrive in order, so once the marker is
    there any relayed view would have been too.
    """
    before = other.view()
    got = len(other.received())
    reported = page.evaluate("() => window.testViews.length")
    moved.set_view(*view)
    page.wait_for_function(f"() => window.testViews.length > {reported}", timeout=5_000)
    page.evaluate(
        f"() => document.querySelectorAll('iframe.siting-pane')[{other_index}]"
        ".contentWindow.postMessage({siting: 'test-marker'}, '*')"
    )
    other.frame.wait_for_function("() => window.testGot.includes('test-marker')", timeout=5_000)
    assert "set-view" not in other.received()[got:]
    assert other.view() == pytest.approx(before)
    other.frame.evaluate("() => { window.testGot = []; }")


def test_comparison_panes_move_together_and_can_be_unlinked(comparison, tmp_path, open_map):
    from siting.outputs.maps.comparison import write_comparison_map

    path = write_comparison_map(comparison, tmp_path / "compare.html", offline=True)
    seen = open_map(path, panes=2)
    page = seen.page
    assert "the two maps move together" in page.locator(".bar").inner_text()
    link = page.locator("#siting-link")
    assert link.is_checked()
    left, right = panes(page)
    assert left.name != right.name
    # each pane keeps its own panel and markers
    for pane, ranking in ((left, comparison.base), (right, comparison.variants[0].result)):
        assert pane.frame.locator(".siting-rank[data-rank]").count() == 5
        assert (
            f"{ranking.n_feasible} of {ranking.n_sites} sites satisfy"
            in pane.frame.locator("#siting-panel").inner_text()
        )
    assert comparison.base.n_feasible != comparison.variants[0].result.n_feasible
    spy_on_page(page)
    left.spy()
    right.spy()

    # left -> right, and no echo: the right pane does not report the view it was given
    left.set_view(52.0, 5.0, 10)
    right.wait_for_view(52.0, 5.0, 10)
    right.frame.evaluate("() => { window.parent.postMessage({siting: 'test-marker'}, '*'); }")
    page.wait_for_function("() => window.testMarkers.length === 1", timeout=5_000)
    assert page.evaluate("() => window.testViews") == [0]
    assert left.view() == pytest.approx([52.0, 5.0, 10])

    # right -> left, by setting the view and by the zoom button (an animated zoom)
    right.set_view(51.45, 5.47, 11)
    left.wait_for_view(51.45, 5.47, 11)
    right.frame.locator(".leaflet-control-zoom-in").click()
    right.wait_for_view(51.45, 5.47, 12)
    left.wait_for_view(51.45, 5.47, 12)

    # unlinked: each pane moves alone
    link.uncheck()
    not_passed_on(page, left, right, 1, (53.2, 6.56, 9))
    not_passed_on(page, right, left, 0, (52.37, 4.9, 11))

    # linked again: the pane moved last leads
    link.check()
    left.wait_for_view(52.37, 4.9, 11)
    left.set_view(52.09, 5.12, 10)
    right.wait_for_view(52.09, 5.12, 10)

    assert seen.errors == []
    assert seen.dialogs == []
    assert seen.requests and seen.requests[0].startswith("file:")
    assert other_hosts(seen.requests) == []


# --- the case brief ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    ["case2_microchip_dense_region", "case6_two_site_photonics", "case4_energy_storage_power"],
)
def test_case_brief_opens_offline_and_prints_on_one_a4_page(browser, tmp_path: Path, case):
    from siting.jobs.rank import rank_sites
    from siting.outputs.brief import write_brief

    cases = Path(__file__).resolve().parents[1] / "models" / "cases"
    result = rank_sites(cases / f"{case}.toml", top=5)
    path = write_brief(result, tmp_path / "brief.html")
    page = browser.new_page(viewport={"width": 900, "height": 1200})
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri())
    assert page.locator("h1").inner_text().startswith("Case brief: case-")
    assert page.locator(".map svg").count() == 1
    box = page.locator(".map svg").bounding_box()
    assert box["width"] > 150 and box["height"] > 150  # the map is drawn
    rows = page.locator("table.sites tr").count()
    assert rows == (min(5, len(result.recommendations)) + 1 if result.recommendations else 0)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the brief prints on {pages} pages"
    page.screenshot(path=str(tmp_path / "brief.png"), full_page=True)
    page.close()
    assert errors == []
    assert all(url.startswith("file://") for url in requests), requests
