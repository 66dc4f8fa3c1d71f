"""Maps without a browser: layers, escaping, offline self-containment, size, CLI."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pytest

from siting._errors import SitingInputError
from siting.layers.load import load_geodata
from siting.outputs.maps import ranking as maps
from siting.outputs.maps.assets import remote_references, strip_remote_urls
from siting.outputs.maps.elements import Bind, PolygonSurface
from siting.outputs.maps.geometry import boundary_shapes
from siting.outputs.maps.html import esc, recommendation_popup
from siting.outputs.maps.sites import CATEGORIES, SiteMarkers, fan_out
from siting.results.ranking import RankingResult
from siting.results.ranking_dict import ranking_from_dict

from .conftest import CASES, strict_case4

HOSTILE = "<script>alert(1)</script>"
MB = 1024 * 1024
#: A src/href/url() that would load something from another host.
REMOTE = re.compile(
    r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""", re.IGNORECASE
)

ALL_LAYERS = [
    maps.LAYER_CONGESTION,
    *maps.LAYER_TALENT.values(),
    maps.LAYER_CAMPUSES,
    maps.LAYER_ORIGIN,
    maps.LAYER_SITES,
    maps.LAYER_RECOMMENDED,
]


def layer_groups(m: folium.Map) -> dict[str, folium.FeatureGroup]:
    return {
        child.layer_name: child
        for child in m._children.values()
        if isinstance(child, folium.FeatureGroup)
    }


def surfaces(group: folium.FeatureGroup) -> list[PolygonSurface]:
    return [c for c in group._children.values() if isinstance(c, PolygonSurface)]


def n_cells(surface: PolygonSurface) -> int:
    return len(
        json.loads(
            surface.cells.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
        )
    )


def hostile(result: RankingResult) -> RankingResult:
    """The same ranking with the case id and the top site's name replaced by a script tag."""
    rec = dataclasses.replace(result.recommendations[0], name=HOSTILE)
    sites = tuple(s._replace(name=HOSTILE) if s.site_id == rec.site_id else s for s in result.sites)
    return dataclasses.replace(
        result,
        case_id=HOSTILE,
        needs={**result.needs, "id": HOSTILE, "plot": HOSTILE},
        recommendations=(rec, *result.recommendations[1:]),
        sites=sites,
    )


@pytest.fixture(scope="module")
def data():
    return load_geodata()


@pytest.fixture(scope="module")
def online_html(case2_result, data, tmp_path_factory) -> tuple[Path, str]:
    path = maps.save_map(
        maps.render_map(case2_result, data=data, offline=False),
        tmp_path_factory.mktemp("maps") / "online.html",
        offline=False,
    )
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def offline_html(case2_result, data, tmp_path_factory) -> tuple[Path, str]:
    path = maps.save_map(
        maps.render_map(case2_result, data=data, offline=True),
        tmp_path_factory.mktemp("maps") / "offline.html",
        offline=True,
    )
    return path, path.read_text(encoding="utf-8")


# --- layers and content --------------------------------------------------------------------


def test_every_layer_is_a_switchable_feature_group(case2_result, data):
    m = maps.render_map(case2_result, data=data)
    groups = layer_groups(m)
    assert sorted(groups) == sorted(ALL_LAYERS)
    assert all(g.control and g.overlay for g in groups.values())
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    names = list(m._children)
    assert names.index(controls[0].get_name()) > max(
        names.index(g.get_name()) for g in groups.values()
    )
    assert m.control_scale is True
    html = m.get_root().render()
    for name in ALL_LAYERS:
        assert json.dumps(name) in html
    assert 'div.id = "siting-legend"' in html and 'div.id = "siting-panel"' in html


def test_one_surface_is_shown_at_a_time(case2_result, data):
    surface_names = [maps.LAYER_CONGESTION, *maps.LAYER_TALENT.values()]
    shown = [
        n
        for n, g in layer_groups(maps.render_map(case2_result, data=data)).items()
        if g.show and n in surface_names
    ]
    assert shown == [maps.LAYER_CONGESTION]
    shown = [
        n
        for n, g in layer_groups(maps.render_map(case2_result, data=data, surface="hbo")).items()
        if g.show and n in surface_names
    ]
    assert shown == [maps.LAYER_TALENT["hbo"]]
    with pytest.raises(SitingInputError, match="not a surface"):
        maps.render_map(case2_result, data=data, surface="phd")


def test_recommended_sites_are_numbered_with_their_explanation(case2_result, online_html):
    _, html = online_html
    for rec in case2_result.recommendations:
        assert f'data-rank=\\"{rec.rank}\\"' in html or f'data-rank="{rec.rank}"' in html
    rec = case2_result.recommendations[0]
    popup = recommendation_popup(rec, len(case2_result.recommendations))
    for line in rec.breakdown:
        assert line.label in popup
    for line in rec.constraints:
        assert line.label in popup
    assert "siting-bar" in popup  # contributions as bars
    line = next(c for c in rec.constraints if c.unit and np.isfinite(c.slack))
    assert f"slack {line.slack:,.1f} {line.unit}" in popup
    assert "Rank holds while a weight stays in" in popup
    assert f"Ahead of #2 {rec.versus_next.next_site_name}" in popup
    assert "Data caveats" in popup
    assert "grid: " in popup  # where the grid facts come from, always said


def test_candidate_tooltips_name_the_excluding_rules(case2_result, data):
    group = layer_groups(maps.render_map(case2_result, data=data))[maps.LAYER_SITES]
    (markers,) = [c for c in group._children.values() if isinstance(c, SiteMarkers)]
    assert markers.n_sites == case2_result.n_sites  # every site in exactly one marker
    excluded = next(s for s in case2_result.sites if s.outcome == "excluded" and s.failing)
    html = group.get_root().render()
    assert json.dumps(", ".join(excluded.failing))[1:-1] in html


def test_sites_sharing_a_point_get_one_marker_that_lists_them(case2_result, data):
    group = layer_groups(maps.render_map(case2_result, data=data))[maps.LAYER_SITES]
    (markers,) = [c for c in group._children.values() if isinstance(c, SiteMarkers)]
    points = json.loads(markers.points.replace("\\u003c", "<").replace("\\u003e", ">"))
    places = {(round(s.lat, 5), round(s.lon, 5)) for s in case2_result.sites}
    assert len(points) == len(places) == markers.n_points < case2_result.n_sites
    assert sum(p[3] for p in points) == case2_result.n_sites
    assert all(
        len(str(v).split(".")[1]) <= maps.COORD_DECIMALS
        for p in points
        for v in p[:2]
        if "." in str(v)
    )
    shared = max(points, key=lambda p: p[3])
    assert shared[3] > 1 and f"<b>{shared[3]} sites at this point</b>" in shared[4]
    assert "placed at the municipality's point" in shared[4]
    # a point's colour is its best outcome; the best outcomes are drawn last, on top
    assert [p[2] for p in points] == sorted(p[2] for p in points)
    recommended = {(round(r.lat, 5), round(r.lon, 5)) for r in case2_result.recommendations}
    best = {(p[0], p[1]) for p in points if p[2] == CATEGORIES.index("recommended")}
    assert best == recommended


def test_recommended_sites_at_one_point_are_spread_around_it():
    offsets = fan_out([(1, 1), (2, 2), (1, 1), (1, 1)])
    assert offsets[1] == (0, 0)  # alone at its point
    spread = [offsets[i] for i in (0, 2, 3)]
    assert len(set(spread)) == 3 and spread[0] == (0, -16)
    assert all(round((dx * dx + dy * dy) ** 0.5) == 16 for dx, dy in spread)


def test_origin_lines_carry_the_distance(case2_result, data):
    group = layer_groups(maps.render_map(case2_result, data=data))[maps.LAYER_ORIGIN]
    lines = [c for c in group._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == min(maps.ORIGIN_LINES, len(case2_result.recommendations))
    html = group.get_root().render()
    # first recommendation is about 127 km from Eindhoven (relocation distance criterion)
    km = next(
        c.value
        for c in case2_result.recommendations[0].breakdown
        if c.criterion == "relocation_distance"
    )
    assert f"{km:,.1f} km" in html


def test_no_origin_no_origin_layer(case2_result, data):
    m = maps.render_map(dataclasses.replace(case2_result, origin=None), data=data)
    assert maps.LAYER_ORIGIN not in layer_groups(m)


def test_infeasible_result_says_so_in_the_panel(case4_result, data):
    assert case4_result.infeasibility is not None
    m = maps.render_map(case4_result, data=data)
    group = layer_groups(m)[maps.LAYER_RECOMMENDED]
    assert not [c for c in group._children.values() if isinstance(c, folium.Marker)]
    html = m.get_root().render()
    assert "No feasible site." in html
    message = case4_result.infeasibility.message.replace("'", "&#x27;")
    assert json.dumps(message)[1:-1].replace("&", "\\u0026") in html


def test_draws_on_a_given_map_and_returns_it(case2_result, data):
    m = folium.Map(tiles=None)
    folium.LayerControl().add_to(m)
    assert maps.render_map(case2_result, data=data, m=m) is m
    controls = [c for c in m._children.values() if isinstance(c, folium.LayerControl)]
    assert len(controls) == 1
    names = list(m._children)
    assert names.index(controls[0].get_name()) > max(
        names.index(g.get_name()) for g in layer_groups(m).values()
    )


# --- escaping -------------------------------------------------------------------------------


def test_user_and_data_text_is_escaped(case2_result, data):
    html = maps.render_map(hostile(case2_result), data=data).get_root().render()
    assert HOSTILE not in html
    assert "alert(1)" in html  # present, as escaped text
    assert html.count("<script") == html.count("</script>")
    popup = recommendation_popup(hostile(case2_result).recommendations[0], 5)
    assert HOSTILE not in popup and "&lt;script&gt;alert(1)&lt;/script&gt;" in popup


def test_template_literal_text_cannot_run(case2_result, data):
    name = "`${alert(1)}`"
    result = dataclasses.replace(case2_result, case_id=name)
    html = maps.render_map(result, data=data).get_root().render()
    # folium's Popup/Tooltip put HTML in JS template literals (`...${}...`); ours pass JSON
    assert not re.search(r"(?:\$\(|bindPopup\(|bindTooltip\()\s*`", html)
    # present as data: the panel's title is plain text in a JSON string (set as textContent)
    # with its braces as JSON escapes, never as a template literal
    assert '"Case `${alert(1)}`' not in html
    assert '"Case `$\\u007balert(1)\\u007d`"' in html


# --- offline --------------------------------------------------------------------------------


def test_offline_html_references_no_other_host(offline_html):
    _, html = offline_html
    assert not REMOTE.findall(html), REMOTE.findall(html)[:3]
    assert remote_references(html) == []
    assert "jquery" not in html.lower() and "bootstrap" not in html.lower()
    assert 't.version="1.9.4"' in html  # Leaflet inlined
    assert "L.tileLayer" not in html


def test_online_html_adds_tiles_but_inlines_leaflet(online_html):
    _, html = online_html
    assert "L.tileLayer" in html
    assert "arcgisonline" in html  # the tiles are the only thing fetched
    assert "World_Light_Gray_Base" in html or "WorldGrayCanvas" in html
    assert not re.search(r"<script[^>]*\bsrc=", html)  # Leaflet is inlined, no CDN
    assert not REMOTE.search(html)
    assert "tileerror" in html and "could not load" in html  # the notice when offline


def test_a_map_is_offline_by_default(case2_result, data, tmp_path):
    path = maps.save_map(maps.render_map(case2_result, data=data), tmp_path / "default.html")
    html = path.read_text(encoding="utf-8")
    assert "L.tileLayer" not in html and "arcgisonline" not in html
    assert not REMOTE.search(html)
    assert "Boundaries \\u0026copy; CBS / PDOK (CC BY 4.0)" in html  # the basemap's licence


def test_strip_remote_urls_removes_every_kind_of_reference():
    page = (
        '<html><head><script src="https://cdn.example/x.js"></script>'
        "<link rel='stylesheet' href='//cdn.example/x.css'/>"
        "<style>a { background: url(http://x.example/a.png) }</style></head>"
        '<body><img src="https://x.example/i.png"><a href="https://x.example">x</a>'
        '<img src="data:image/png;base64,AAAA"><script>var a = 1;</script></body></html>'
    )
    cleaned = strip_remote_urls(page)
    assert remote_references(cleaned) == []
    assert "data:image/png;base64,AAAA" in cleaned and "var a = 1;" in cleaned


def test_offline_conversion_of_a_given_online_map(case2_result, data, tmp_path):
    m = maps.render_map(case2_result, data=data)  # online, with tiles
    html = maps.save_map(m, tmp_path / "x.html", offline=True).read_text(encoding="utf-8")
    assert remote_references(html) == []
    assert "L.tileLayer" not in html


# --- size and geometry ----------------------------------------------------------------------


def test_national_map_stays_small(online_html, offline_html, data):
    online, offline = online_html[0].stat().st_size, offline_html[0].stat().st_size
    assert len(data.sites) >= 150 and len(data.municipalities) == 342  # full embedded dataset
    assert online < 5 * MB, f"online map {online / MB:.2f} MB"
    assert offline < 5 * MB, f"offline map {offline / MB:.2f} MB"
    assert offline - online < 0.5 * MB  # Leaflet inlined: about 160 kB


def test_coordinates_are_rounded(online_html):
    _, html = online_html
    cells = [line for line in html.splitlines() if "var cells = " in line]
    assert len(cells) == 4
    numbers = re.findall(r"-?\d+\.\d+", cells[0][:200_000])
    assert numbers and max(len(n.split(".")[1]) for n in numbers) <= maps.COORD_DECIMALS
    locations = re.findall(r"L\.(?:circleMarker|marker)\(\s*\[([^\]]+)\]", html)
    assert locations
    for loc in locations:
        assert all(len(v.split(".")[1]) <= maps.COORD_DECIMALS for v in loc.split(",") if "." in v)


def test_hexagon_grid_cells(data):
    hexes = maps.hexagon_grid(data.grid_congestion.geometry)
    width = maps.HEX_CELL_KM * 1000
    assert 500 < len(hexes) < 3000
    assert np.allclose(hexes.area, np.sqrt(3) / 2 * width**2, rtol=1e-6)
    assert (hexes["distance_km"] <= maps.HEX_REACH_KM).all()
    assert hexes.crs.to_epsg() == 28992
    with pytest.raises(SitingInputError, match="EPSG:28992"):
        maps.hexagon_grid(data.grid_congestion.geometry.to_crs(4326))


def test_talent_surfaces_are_estimates_with_a_scale(case2_result, data):
    m = maps.render_map(case2_result, data=data)
    groups = layer_groups(m)
    for level, name in maps.LAYER_TALENT.items():
        assert "estimate" in name
        # one area per shipped municipality that has figures (no hexagons)
        codes = set(data.grid_congestion["gm_code"])
        shapes = boundary_shapes("municipalities")
        assert n_cells(surfaces(groups[name])[0]) == sum(
            props["gm_code"] in codes for props, _ in shapes
        )
        assert len(shapes) > 300
        assert f"{level}: \\u0026asymp;" in surfaces(groups[name])[0].cells
    html = m.get_root().render()
    assert "STEM talent within reach: hbo [FTE, estimate]" in html


# --- saved results and boundaries -----------------------------------------------------------


def test_map_from_saved_json_has_the_same_layers(case2_result, data, tmp_path):
    saved = json.loads(json.dumps(case2_result.to_dict()))
    again = ranking_from_dict(saved)
    live, redrawn = (maps.render_map(r, data=data) for r in (case2_result, again))
    assert list(layer_groups(live)) == list(layer_groups(redrawn))
    for name in layer_groups(live):
        assert len(layer_groups(live)[name]._children) == len(layer_groups(redrawn)[name]._children)


def test_boundaries_mode_draws_municipality_polygons(case2_result, data, shared, tmp_path):
    from siting.importers.boundaries import read_municipality_boundaries

    polygons = read_municipality_boundaries(shared / "boundaries" / "gemeente_2024.topojson")
    m = maps.render_map(case2_result, data=data, boundaries=polygons)
    congestion = surfaces(layer_groups(m)[maps.LAYER_CONGESTION])
    assert n_cells(congestion[0]) == len(polygons)
    path = maps.save_map(m, tmp_path / "b.html")
    html = path.read_text(encoding="utf-8")
    assert "drawn per municipality (boundaries given)" in html
    assert path.stat().st_size < 5 * MB
    with pytest.raises(SitingInputError, match="gm_code"):
        maps.render_map(case2_result, data=data, boundaries=polygons.drop(columns="gm_code"))


# --- command line ---------------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[1]
    return subprocess.run(
        [sys.executable, "-m", "siting.cli.app", *args],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=cwd,
        env={"COLUMNS": "120", "PATH": "", "PYTHONPATH": str(root)},
    )


def test_cli_rank_writes_an_offline_map_and_map_redraws_it(tmp_path):
    case = CASES / "case2_microchip_dense_region.toml"
    result = run(
        "rank",
        str(case),
        "--top",
        "5",
        "--details",
        "0",
        "--json",
        "r.json",
        "--map",
        "out/case2.html",
        "--offline",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "wrote map out/case2.html (offline)" in result.stdout
    assert remote_references((tmp_path / "out" / "case2.html").read_text("utf-8")) == []
    result = run("map", "r.json", "--out", "again.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote map again.html" in result.stdout
    assert (tmp_path / "again.html").stat().st_size > 100_000


def test_cli_map_rejects_a_file_that_is_not_a_saved_ranking(tmp_path):
    (tmp_path / "case.json").write_text('{"company": {"id": "x"}}', encoding="utf-8")
    (tmp_path / "broken.json").write_text('{"case_id": ', encoding="utf-8")
    for name, message in (
        ("case.json", "key 'recommendations': missing: not a ranking"),
        ("broken.json", "broken.json, row 1: not valid JSON"),
        ("nowhere.json", "nowhere.json: file not found"),
    ):
        result = run("map", name, "--out", "x.html", cwd=tmp_path)
        assert result.returncode == 2, (name, result.stderr)
        assert "Traceback" not in result.stderr
        assert message in result.stderr.replace("\n", " ").replace("  ", " "), result.stderr
        assert not (tmp_path / "x.html").exists()


def test_cli_offline_needs_a_map(tmp_path):
    result = run(
        "rank", str(CASES / "case2_microchip_dense_region.toml"), "--offline", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "--offline" in result.stderr and "Traceback" not in result.stderr


def test_cli_infeasible_case_still_writes_its_map(tmp_path):
    result = run(
        "rank",
        str(strict_case4(tmp_path)),
        "--details",
        "0",
        "--map",
        "case4.html",
        cwd=tmp_path,
    )
    assert result.returncode == 3
    assert "wrote map case4.html" in result.stdout
    assert "No feasible site." in (tmp_path / "case4.html").read_text("utf-8")


# --- two-site configurations ----------------------------------------------------------------

TEMPLATE = "`${alert(2)}`"


@pytest.fixture(scope="module")
def case6_result() -> RankingResult:
    """Ranking of example case 6 (R&D + production, at most 40 km apart), top 5; read-only."""
    from siting.jobs.rank import rank_sites

    result = rank_sites(CASES / "case6_two_site_photonics.toml", top=5)
    assert len(result.pairs) == 5 and result.pair_status == "optimal"
    return result


def binds(group: folium.FeatureGroup, kind: type) -> list[tuple[str, str]]:
    """``(popup, tooltip)`` JSON of every ``kind`` layer in a group, in drawing order."""
    return [
        (b.popup, b.tooltip)
        for child in group._children.values()
        if isinstance(child, kind)
        for b in child._children.values()
        if isinstance(b, Bind)
    ]


def badge_html(group: folium.FeatureGroup) -> dict[str, str]:
    """Site id -> badge HTML of the pair markers of a group."""
    out = {}
    for child in group._children.values():
        if isinstance(child, folium.Marker):
            icon = next(c for c in child._children.values() if isinstance(c, folium.DivIcon))
            site = re.search(r'data-site="([^"]*)"', icon.options["html"]).group(1)
            out[site] = icon.options["html"]
    return out


def test_two_site_map_draws_each_pair_with_badges_and_lines(case6_result, data):
    m = maps.render_map(case6_result, data=data)
    groups = layer_groups(m)
    group = groups[maps.LAYER_PAIRS]
    assert group.show and group.control
    assert sorted(groups) == sorted([*ALL_LAYERS, maps.LAYER_PAIRS])
    lines = [c for c in group._children.values() if isinstance(c, folium.PolyLine)]
    assert len(lines) == len(case6_result.pairs)
    tooltips = [json.loads(t) for _, t in binds(group, folium.PolyLine)]
    # drawn worst first, so pair 1 lies on top and stands out
    for pair, line, tooltip in zip(reversed(case6_result.pairs), lines, tooltips, strict=True):
        assert tooltip.startswith(
            f"<b>Pair #{pair.rank}</b>: <b>{pair.distance_km:,.1f} km"
            "</b> apart (at most 40 km allowed)"
        )
        assert (
            f"R&amp;D {esc(pair.rnd.name)} &harr; production {esc(pair.production.name)}" in tooltip
        )
        assert line.locations == [
            [pair.rnd.lat, pair.rnd.lon],
            [pair.production.lat, pair.production.lon],
        ]
        top = pair.rank == 1
        assert line.options["weight"] == maps.PAIR_LINE_WEIGHTS[0 if top else 1]
        assert line.options["className"] == ("siting-pair-line top" if top else "siting-pair-line")
        assert (line.options["dashArray"] is None) == top
    assert maps.PAIR_LINE_WEIGHTS[0] > maps.PAIR_LINE_WEIGHTS[1]
    # one marker per site, its badge naming every role it has, by pair
    badges = badge_html(group)
    sites = {rec.site_id for p in case6_result.pairs for rec in (p.rnd, p.production)}
    assert set(badges) == sites and len(sites) < 2 * len(case6_result.pairs)
    for pair in case6_result.pairs:
        assert (
            f"R{pair.rank}"
            in re.search(r'data-roles="([^"]*)"', badges[pair.rnd.site_id]).group(1).split()
        )
        assert (
            f"P{pair.rank}"
            in re.search(r'data-roles="([^"]*)"', badges[pair.production.site_id]).group(1).split()
        )
    best = case6_result.pairs[0]
    assert 'class="siting-pair top"' in badges[best.rnd.site_id]
    assert 'class="siting-pair top"' in badges[best.production.site_id]
    assert sum('class="siting-pair top"' in b for b in badges.values()) == 2
    html = m.get_root().render()
    assert "Two-site search" in html and "siting-key r" in html
    assert json.dumps(maps.LAYER_PAIRS) in html


@pytest.fixture(scope="module")
def case6_deep() -> RankingResult:
    """Case 6 with its sixty best pairs: deep enough for a site to have both roles.

    On the national table the best pairs share a few strong production plots, so a site that
    is also the R&D site of another pair appears only further down the list.
    """
    from siting.jobs.rank import rank_sites

    return rank_sites(CASES / "case6_two_site_photonics.toml", top=60, solver="enumeration")


def dual_role_site(result: RankingResult) -> tuple[str, list[tuple[str, Any]]]:
    """A site that is the R&D site of one pair and the production site of another."""
    from siting.outputs.maps.pairs_html import pair_roles

    for pair in result.pairs:
        for rec in (pair.rnd, pair.production):
            roles = pair_roles(rec.site_id, result.pairs)
            if {role for role, _ in roles} == {"rnd", "production"}:
                return rec.site_id, roles
    raise AssertionError(f"no site has both roles in the {len(result.pairs)} best pairs")


def test_a_site_in_several_pairs_gets_one_badge_listing_its_roles(case6_result, case6_deep):
    from siting.outputs.maps.pairs_html import BADGE_RANKS, pair_badge

    site, roles = dual_role_site(case6_deep)
    ranks = [pair.rank for _, pair in roles]
    assert ranks == sorted(ranks)  # best pair first
    by_role = {r: [pair.rank for role, pair in roles if role == r] for r in ("rnd", "production")}
    expected = ""
    for role, letter in (("rnd", "R"), ("production", "P")):
        shown = " ".join(f"{letter}{k}" for k in by_role[role][:BADGE_RANKS])
        more = len(by_role[role]) - BADGE_RANKS
        expected += (
            f'<span class="{letter.lower()}">{shown}{f" +{more}" if more > 0 else ""}</span>'
        )
    badge = pair_badge(site, roles)
    assert expected in badge
    tokens = [f"R{k}" for k in by_role["rnd"]] + [f"P{k}" for k in by_role["production"]]
    assert f'data-roles="{" ".join(tokens)}"' in badge
    # more ranks than the badge lists: the rest as "+n", all of them in data-roles
    many = [("production", dataclasses.replace(case6_result.pairs[0], rank=k)) for k in range(1, 7)]
    badge = pair_badge("x", many)
    assert '<span class="p">P1 P2 P3 +3</span>' in badge
    assert 'data-roles="P1 P2 P3 P4 P5 P6"' in badge


def test_pair_popups_explain_each_site_in_its_role(case6_result, case6_deep):
    from siting.outputs.maps.pairs_html import pair_popup, pair_site_popup

    best = case6_result.pairs[0]
    popup = pair_popup(best, None)
    assert "<h4>Two-site configuration #1</h4>" in popup
    assert f"combined score {best.utility:.3f}</b> of 2" in popup
    assert f"<b>{best.distance_km:,.1f} km</b> apart (straight line)" in popup
    assert f"R&amp;D site: {best.rnd.name.replace('&', '&amp;')}" in popup
    assert f"Production site: {best.production.name}" in popup
    # a site that is R&D in some pairs and production in others: both roles explained
    site_id, roles = dual_role_site(case6_deep)
    popup = pair_site_popup(roles, None)
    assert popup.count("<details") == 2
    first = roles[0][0]
    ranks = {r: [p.rank for role, p in roles if role == r] for r in ("rnd", "production")}
    for role in ("rnd", "production"):
        label = "R&amp;D" if role == "rnd" else "production"
        listed = ", ".join(f"#{k}" for k in ranks[role])
        opened = " open" if role == first else ""
        assert (
            f'<details{opened} data-role="{role}"><summary>Why as {label} site (pair '
            f"{listed})</summary>" in popup
        )
    site = next(p.production for r, p in roles if r == "production")
    rnd = next(p.rnd for r, p in roles if r == "rnd")
    assert rnd.site_id == site.site_id == site_id
    for line in (*site.constraints, *rnd.constraints):
        assert esc(line.label) in popup
    assert "Matching campus (R&amp;D)" in popup  # the R&D role's own rule
    assert f"score as production site {site.utility:.3f}" in popup
    assert f"score as R&amp;D site {rnd.utility:.3f}" in popup
    assert "Its place among the production candidates holds while a weight stays in" in popup
    for pair in case6_deep.pairs:
        if site.site_id in (pair.rnd.site_id, pair.production.site_id):
            assert (
                f'<td class="n">#{pair.rank}</td>' in popup
                and f"{pair.distance_km:,.1f} km" in popup
                and f"{pair.utility:.3f}" in popup
            )
    assert "Data caveats" in popup and popup.count("Data caveats") == 1
    assert "Ahead of #" not in popup and "Last of the" not in popup  # no single-site ranking


def test_pair_tooltips_give_the_limit_when_the_result_knows_it(case6_result, data):
    assert case6_result.needs["max_distance_km"] == 40  # from the profile's [two_site]
    group = layer_groups(maps.render_map(case6_result, data=data))[maps.LAYER_PAIRS]
    tooltips = [json.loads(t) for _, t in binds(group, folium.PolyLine)]
    assert tooltips and all("km</b> apart (at most 40 km allowed)" in t for t in tooltips)
    html = group.get_root().render()
    assert "at most 40 km apart" in html  # panel and legend
    needs = {k: v for k, v in case6_result.needs.items() if k != "max_distance_km"}
    result = dataclasses.replace(case6_result, needs=needs)  # e.g. a result saved before
    group = layer_groups(maps.render_map(result, data=data))[maps.LAYER_PAIRS]
    assert not any("at most" in t for _, t in binds(group, folium.PolyLine))


def test_hostile_names_in_pairs_are_escaped(case6_result, data):
    site_id = '"><img src=x onerror=alert(3)>'
    pairs = tuple(
        dataclasses.replace(
            p,
            rnd=dataclasses.replace(p.rnd, name=HOSTILE, site_id=site_id),
            production=dataclasses.replace(p.production, name=TEMPLATE),
        )
        for p in case6_result.pairs
    )
    html = (
        maps.render_map(dataclasses.replace(case6_result, pairs=pairs), data=data)
        .get_root()
        .render()
    )
    assert HOSTILE not in html and site_id not in html
    # HTML inside the JS strings: an unescaped name would show as \u003cscript\u003e there
    assert "\\u003cscript\\u003ealert" not in html and "\\u003cimg" not in html
    # as text, inside JSON strings only (braces as character references)
    assert "$\\u0026#123;alert(2)\\u0026#125;" in html
    assert "\\u0026lt;script\\u0026gt;alert(1)\\u0026lt;/script\\u0026gt;" in html  # in popups
    assert 'data-site=\\"\\u0026quot;\\u0026gt;\\u0026lt;img' in html  # badge attribute
    assert html.count("<script") == html.count("</script>")
    assert not re.search(r"(?:bindPopup\(|bindTooltip\()\s*`", html)
    assert "Best: R\\u0026amp;D \\u0026lt;script\\u0026gt;" in html  # the panel


def test_single_site_result_has_no_pair_layer(case2_result, data):
    assert not case2_result.pairs and not case2_result.pair_status
    m = maps.render_map(case2_result, data=data)
    assert maps.LAYER_PAIRS not in layer_groups(m)
    html = m.get_root().render()
    assert "siting-pair" not in html.split("</style>")[-1]  # only the CSS names it
    assert "Two-site search" not in html and "single site for everything" not in html


def test_two_site_search_without_pairs_says_so_in_the_panel(case6_result, data):
    result = dataclasses.replace(case6_result, pairs=(), pair_status="infeasible")
    m = maps.render_map(result, data=data)
    assert maps.LAYER_PAIRS not in layer_groups(m)
    html = m.get_root().render()
    assert "no configuration found\\u003c/b\\u003e (search status: infeasible)" in html
    assert "within the distance limit" in html
    assert "recommended as a single site for everything" in html


def test_saved_two_site_result_redraws_the_same_pairs(case6_result, data):
    # a rule with no restriction (an infinite slack) on the best pair's R&D site
    best = case6_result.pairs[0]
    free = dataclasses.replace(best.rnd.constraints[0], slack=math.inf, status="pass")
    rnd = dataclasses.replace(best.rnd, constraints=(free, *best.rnd.constraints[1:]))
    case6_result = dataclasses.replace(
        case6_result, pairs=(dataclasses.replace(best, rnd=rnd), *case6_result.pairs[1:])
    )
    again = ranking_from_dict(json.loads(json.dumps(case6_result.to_dict())))
    live, redrawn = (
        layer_groups(maps.render_map(r, data=data))[maps.LAYER_PAIRS] for r in (case6_result, again)
    )
    assert binds(live, folium.PolyLine) == binds(redrawn, folium.PolyLine)
    assert len(binds(live, folium.PolyLine)) == len(case6_result.pairs)
    assert badge_html(live) == badge_html(redrawn)
    markers = binds(live, folium.Marker)
    assert [t for _, t in markers] == [t for _, t in binds(redrawn, folium.Marker)]
    # JSON keeps an infinite slack as null; its saved status reads it back as "no restriction"
    assert any("no restriction" in p for p, _ in markers)
    assert [p for p, _ in markers] == [p for p, _ in binds(redrawn, folium.Marker)]


def test_cli_two_site_offline_map_and_its_redraw(tmp_path):
    case = CASES / "case6_two_site_photonics.toml"
    result = run(
        "rank",
        str(case),
        "--top",
        "5",
        "--details",
        "0",
        "--json",
        "r.json",
        "--map",
        "case6.html",
        "--offline",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    result = run("map", "r.json", "--out", "again.html", "--offline", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    saved = json.loads((tmp_path / "r.json").read_text("utf-8"))
    for name in ("case6.html", "again.html"):
        html = (tmp_path / name).read_text("utf-8")
        assert remote_references(html) == []
        assert json.dumps(maps.LAYER_PAIRS) in html
        for pair in saved["pairs"]:
            assert (
                f"\\u003cb\\u003ePair #{pair['rank']}\\u003c/b\\u003e: "
                f"\\u003cb\\u003e{pair['distance_km']:,.1f} km" in html
            )
