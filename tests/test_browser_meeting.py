"""The maps as a case meeting opens them: a 1366x768 laptop, offline, in headless Chromium.

Panels at most a quarter of the screen and collapsible, the main popup content without an
inner scroll, the opening extent and the national view, the tiles notice, and live weights
whose browser ranking equals ``siting rank --weights``. Reuses the browser fixtures of
:mod:`tests.test_browser` (Debian's /usr/bin/chromium through Playwright).
"""

# ruff: noqa: F811
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from .conftest import CASES
from .test_browser import (  # noqa: F401 (fixtures)
    VIEWPORT,
    browser,
    click_rank,
    comparison,
    data,
    open_map,
    other_hosts,
    panes,
    pytestmark,
    write,
)

CASE2 = CASES / "case2_microchip_dense_region.toml"
SCREEN = VIEWPORT["width"] * VIEWPORT["height"]


def box_area(page: Any, selector: str) -> float:
    boxes = page.locator(selector)
    total = 0.0
    for k in range(boxes.count()):
        box = boxes.nth(k).bounding_box()
        if box is not None:
            total += box["width"] * box["height"]
    return total


def panels_share(page: Any, screen: float = SCREEN) -> float:
    """Share of the screen covered by the panel, the legend, the layer control, the buttons."""
    selectors = ("#siting-panel", "#siting-legend", ".leaflet-control-layers", ".leaflet-bar")
    return sum(box_area(page, s) for s in selectors) / screen


def map_view(page: Any) -> list[float]:
    return page.evaluate("""() => {
        const m = Object.values(window).find(v => v instanceof L.Map), b = m.getBounds();
        return [m.getZoom(), b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
    }""")


def inside(box: dict[str, float], other: dict[str, float] | None) -> bool:
    if other is None:
        return False
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    return (
        other["x"] <= x <= other["x"] + other["width"]
        and other["y"] <= y <= other["y"] + other["height"]
    )


def test_panels_take_at_most_a_quarter_and_collapse(case2_result, data, tmp_path, open_map):
    seen = open_map(write(case2_result, data, tmp_path / "map.html", offline=True))
    page = seen.page
    share = panels_share(page)
    assert 0.05 < share <= 0.25, f"panels cover {share:.0%} of the screen"
    for box in ("#siting-panel", "#siting-legend"):
        before = box_area(page, box)
        page.locator(f"{box} .siting-toggle").click()
        assert not page.locator(f"{box} .siting-body").is_visible()
        assert box_area(page, box) < before / 3
        page.locator(f"{box} .siting-head").click()
        assert page.locator(f"{box} .siting-body").is_visible()
    assert seen.errors == []


def test_main_popup_content_fits_without_an_inner_scroll(case2_result, data, tmp_path, open_map):
    seen = open_map(write(case2_result, data, tmp_path / "map.html", offline=True))
    page = seen.page
    for rank in (1, 2):
        popup = click_rank(page, rank)
        content = page.locator(".siting-popup .leaflet-popup-content")
        tabs = popup.locator(".siting-tabs .bar button")
        assert tabs.count() >= 3
        for k in range(tabs.count()):
            tabs.nth(k).click()
            scroll, client = content.evaluate("e => [e.scrollHeight, e.clientHeight]")
            assert scroll <= client + 1, f"tab {k} of popup {rank} scrolls"
        tabs.nth(0).click()
        assert "Why: contribution of each criterion" in popup.inner_text()
        page.wait_for_timeout(400)  # the map pans the popup into view
        box = page.locator(".siting-popup").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"]
        page.locator(".leaflet-popup-close-button").click()
        page.locator(".siting-popup").wait_for(state="detached", timeout=5_000)
    assert seen.errors == []


def test_map_opens_at_the_results_with_the_country_one_click_away(
    case2_result, data, tmp_path, open_map
):
    seen = open_map(write(case2_result, data, tmp_path / "map.html", offline=True))
    page = seen.page
    zoom, south, west, north, east = map_view(page)
    points = [(r.lat, r.lon) for r in case2_result.recommendations]
    lon, lat = case2_result.origin
    points.append((lat, lon))
    for a, b in points:
        assert south <= a <= north and west <= b <= east
    panel = page.locator("#siting-panel").bounding_box()
    legend = page.locator("#siting-legend").bounding_box()
    for k in range(1, len(case2_result.recommendations) + 1):
        box = page.locator(f'.siting-rank[data-rank="{k}"]').bounding_box()
        assert 0 <= box["x"] <= VIEWPORT["width"] and 0 <= box["y"] <= VIEWPORT["height"]
        assert not inside(box, panel) and not inside(box, legend), f"#{k} is hidden"
    page.locator("#siting-view-national").click()
    national = map_view(page)
    assert national[0] < zoom
    assert national[1] <= 50.8 and national[3] >= 53.4 and national[2] <= 3.4
    page.locator("#siting-view-focus").click()
    assert map_view(page)[0] == zoom
    assert other_hosts(seen.requests) == []
    assert seen.errors == []


def test_tiles_only_on_request_with_a_notice_when_they_fail(case2_result, data, tmp_path, browser):
    path = write(case2_result, data, tmp_path / "tiles.html", offline=False)
    page = browser.new_page(viewport=VIEWPORT)
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("http*://**/*", lambda route: route.abort())  # no connection
    page.goto(path.resolve().as_uri())
    page.wait_for_selector(".siting-legend", state="visible", timeout=15_000)
    notice = page.locator("#siting-tile-notice")
    notice.wait_for(state="visible", timeout=10_000)
    assert "could not load" in notice.inner_text()
    assert page.locator(".siting-rank[data-rank]").count() == 5  # the map works without
    remote = other_hosts(requests)
    assert remote and all("arcgisonline" in url for url in remote)  # tiles only, no CDN
    assert errors == []
    page.close()


# --- live weights ------------------------------------------------------------------------------


def cli_ranking(weights: dict[str, float], tmp_path: Path) -> list[str]:
    """Site ids of ``siting rank CASE2 --top 5 --weights ...``, best first."""
    out = tmp_path / "rank.json"
    text = ",".join(f"{k}={v}" for k, v in weights.items())
    done = subprocess.run(
        [sys.executable, "-m", "siting.cli.app", "rank", str(CASE2), "--top", "5",
         "--weights", text, "--json", str(out), "--solver", "enumeration"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return [rec["site_id"] for rec in json.loads(out.read_text())["recommendations"]]


def live_list(page: Any) -> list[str]:
    return page.locator("#siting-live-list li").evaluate_all(
        "ls => ls.map(l => l.getAttribute('data-site'))"
    )


def slider_weights(page: Any) -> dict[str, float]:
    return dict(
        page.locator("#siting-live input[type=range]").evaluate_all(
            "ss => ss.map(s => [s.getAttribute('data-criterion'), parseFloat(s.value)])"
        )
    )


def test_sliders_rerank_in_the_browser_as_rank_weights_does(case2_result, data, tmp_path, open_map):
    seen = open_map(write(case2_result, data, tmp_path / "live.html", offline=True))
    page = seen.page
    analyst = [rec.site_id for rec in case2_result.recommendations]
    assert live_list(page) == analyst
    sliders = page.locator("#siting-live input[type=range]")
    assert sliders.count() == len(case2_result.live.criteria) >= 3

    # one weight up: the browser's top 5 equals the CLI's with the same weights
    talent = page.locator('#siting-live input[data-criterion="talent_fit"]')
    talent.fill("0.9")
    weights = slider_weights(page)
    assert weights["talent_fit"] == 0.9
    browser_top = live_list(page)
    assert browser_top == cli_ranking(weights, tmp_path)
    assert browser_top != analyst  # the weight changed the ranking
    # the markers and their popups follow
    assert page.locator(".siting-rank.live[data-rank]").count() == 5
    popup = click_rank(page, 1)
    assert f'data-site="{browser_top[0]}"' in popup.inner_html()
    assert "live weights" in popup.inner_text()
    page.locator(".leaflet-popup-close-button").click()

    # ties: one criterion alone (many sites score alike), broken by site id as in Python
    for k in range(sliders.count()):
        sliders.nth(k).fill("0")
    page.locator('#siting-live input[data-criterion="space_headroom"]').fill("1")
    weights = slider_weights(page)
    assert live_list(page) == cli_ranking(weights, tmp_path)

    # reset: the analyst's ranking and markers with their full explanation
    page.locator("#siting-live-reset").click()
    assert live_list(page) == analyst
    assert page.locator(".siting-rank.live").count() == 0
    assert page.locator(".siting-rank[data-rank]").count() == 5
    assert "Hard constraints" in click_rank(page, 1).text_content()
    assert seen.errors == []
    assert other_hosts(seen.requests) == []


def test_comparison_panes_open_alike_and_leave_room_for_the_maps(comparison, tmp_path, open_map):
    from siting.outputs.maps.comparison import write_comparison_map

    seen = open_map(write_comparison_map(comparison, tmp_path / "compare.html"), panes=2)
    left, right = panes(seen.page)
    assert left.view() == pytest.approx(right.view())  # one view in both from the start
    frames = seen.page.locator("iframe.siting-pane")
    for k, pane in enumerate((left, right)):
        box = frames.nth(k).bounding_box()
        share = panels_share(pane.frame, box["width"] * box["height"])
        assert share <= 0.25, f"pane {k}: panels cover {share:.0%}"
    assert seen.errors == []
    assert other_hosts(seen.requests) == []
