"""The hostile maps in Chromium: every payload is in the DOM as text, nothing ran.

The maps of ``test_templates`` opened in Debian's headless Chromium (the Playwright pattern
of ``tests/test_browser.py``): the panel, and every popup and tooltip bound to a layer, parsed
as the browser parses them (``innerHTML``), hold each payload verbatim; no dialog opens and
no script error occurs.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ..conftest import REPO
from ..test_browser import CHROMIUM, browser, open_map  # noqa: F401 - fixtures
from .helpers import CASE2, EVALUATED, PAYLOADS, cli, hostile_geodata, with_id

pytestmark = pytest.mark.skipif(not CHROMIUM.is_file(), reason="/usr/bin/chromium is absent")

#: Every text the map holds, as the browser's DOM has it: the panels and legend, and each
#: popup and tooltip bound to a layer, parsed into elements.
DOM_TEXTS = """
() => {
    const texts = [document.body.innerText];
    const parse = (content) => {
        if (typeof content !== "string") { return; }
        const box = document.createElement("div");
        box.innerHTML = content;
        texts.push(box.textContent);
    };
    for (const key of Object.keys(window)) {
        const map = window[key];
        if (!(map instanceof L.Map)) { continue; }
        map.eachLayer((layer) => {
            if (layer.getPopup && layer.getPopup()) { parse(layer.getPopup().getContent()); }
            if (layer.getTooltip && layer.getTooltip()) { parse(layer.getTooltip().getContent()); }
            if (layer.eachLayer) {
                layer.eachLayer((inner) => {
                    if (inner.getTooltip && inner.getTooltip()) {
                        parse(inner.getTooltip().getContent());
                    }
                });
            }
        });
    }
    return texts.join("\\n");
}
"""


@pytest.fixture(scope="module")
def geodata(tmp_path_factory) -> Path:
    return hostile_geodata(tmp_path_factory.mktemp("hostile") / "geodata")


def _check(seen, frame=None) -> str:
    target = frame if frame is not None else seen.page
    text = target.evaluate(DOM_TEXTS)
    for evaluated in EVALUATED:
        assert evaluated not in text
    assert seen.dialogs == [] and seen.errors == []
    return text


def test_ranking_map_shows_every_payload_as_text(geodata, tmp_path, open_map):  # noqa: F811
    case = with_id(CASE2, PAYLOADS[0], tmp_path / "case.toml")
    out = tmp_path / "m.html"
    assert (
        cli("rank", case, "--geodata", geodata, "--top", "3", "--map", out, "--offline").code == 0
    )
    seen = open_map(out)
    text = _check(seen)
    assert f"Case {PAYLOADS[0]}" in seen.page.locator("#siting-panel").inner_text()
    for payload in PAYLOADS:
        assert payload in text


def test_portfolio_map_shows_every_lead_id_as_text(geodata, tmp_path, open_map):  # noqa: F811
    leads = REPO / "models" / "leads" / "example_pipeline_synthetic.csv"
    with leads.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))[:11]
    for k, row in enumerate(rows[1:]):
        row[0] = f"L{k} {PAYLOADS[k % len(PAYLOADS)]}"
    path = tmp_path / "leads.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "m.html"
    assert cli("assign", path, "--geodata", geodata, "--map", out, "--offline").code == 0
    text = _check(open_map(out))
    for payload in PAYLOADS:
        assert payload in text


def test_comparison_panes_show_the_payloads_as_text(geodata, tmp_path, open_map):  # noqa: F811
    base = with_id(CASE2, PAYLOADS[2], tmp_path / "base.toml")
    variant = tmp_path / "variant.toml"
    variant.write_text(
        f'[scenario]\nname = "{PAYLOADS[0]}"\nbase = "base.toml"\n\n[needs]\npower_mw = 8.0\n',
        encoding="utf-8",
    )
    out = tmp_path / "c.html"
    ran = cli("compare", base, variant, "--geodata", geodata, "--map", out, "--offline")
    assert ran.code == 0, ran.text
    seen = open_map(out, panes=2)
    assert PAYLOADS[0] in seen.page.inner_text("body")
    assert len(seen.page.frames) == 3  # the page and its two panes
    for frame in seen.page.frames[1:]:
        text = _check(seen, frame)
        assert PAYLOADS[2] in text
