"""Screenshots of a ranking map and a portfolio map for the README (docs/img/*.png).

Draws the maps as ``siting rank ... --map`` and ``siting assign ... --map`` do (offline, the
default), opens them at 1366x768 in Debian's headless Chromium (``/usr/bin/chromium``, driven
by Playwright, as the browser tests do), opens the explanation of the top site on the ranking
map, and writes reduced PNGs (900 px wide, 128 colours) so the README stays small.

Usage: ``.venv/bin/python scripts/map_screenshots.py [--out docs/img]``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
VIEWPORT: Any = {"width": 1366, "height": 768}
#: Width of the written screenshots [px].
WIDTH = 900


def _maps(folder: Path) -> dict[str, Path]:
    from siting.jobs.assign import assign_leads
    from siting.jobs.rank import rank_sites
    from siting.layers.load import load_geodata
    from siting.outputs.maps.portfolio import render_portfolio_map
    from siting.outputs.maps.ranking import render_map, save_map

    data = load_geodata()
    case = REPO / "models" / "cases" / "case2_microchip_dense_region.toml"
    ranking = rank_sites(case, top=5, data=data)
    leads = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"
    assignment = assign_leads(leads, data=data)
    return {
        "ranking-map": save_map(render_map(ranking, data=data), folder / "ranking.html"),
        "portfolio-map": save_map(
            render_portfolio_map(assignment, data=data), folder / "portfolio.html"
        ),
    }


def _shrink(png: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        height = round(image.height * WIDTH / image.width)
        small = image.convert("RGB").resize((WIDTH, height), Image.Resampling.LANCZOS)
        small.quantize(colors=128).save(png, optimize=True)


def main() -> None:
    """Write the screenshots."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, path in _maps(Path(tmp)).items():
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(path.resolve().as_uri())
            page.wait_for_selector(".siting-legend", state="visible", timeout=30_000)
            if name == "ranking-map":
                page.locator('.siting-rank[data-rank="1"]').click()
                page.wait_for_selector(".siting-popup", state="visible")
                page.mouse.move(5, VIEWPORT["height"] - 5)  # no tooltip of a marker below
            page.wait_for_timeout(600)
            target = args.out / f"{name}.png"
            page.screenshot(path=str(target))
            _shrink(target)
            print(f"wrote {target} ({target.stat().st_size / 1000:.0f} kB)")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
