"""Colours, labels and the CSS of the maps (trusted constants, no data)."""

from __future__ import annotations

#: Colours of the site outcomes.
OUTCOME_COLORS: dict[str, str] = {
    "recommended": "#1a237e",
    "feasible": "#00897b",
    "unverified": "#ffb300",
    "excluded": "#9e9e9e",
}

#: Outcome -> words for the legend.
OUTCOME_LABELS: dict[str, str] = {
    "recommended": "recommended (numbered by rank)",
    "feasible": "feasible, not in the top",
    "unverified": "feasible, to confirm (relies on facts no source states)",
    "excluded": "excluded by a hard constraint",
}

CAMPUS_COLOR = "#2e7d32"
ORIGIN_COLOR = "#212121"

#: Colours of the two-site configurations: the R&D badge, the production badge, the link.
PAIR_COLORS: dict[str, str] = {"rnd": "#6a1b9a", "production": "#4e342e", "line": "#c2185b"}
#: Role -> words and the badge letter.
ROLE_LABELS: dict[str, str] = {"rnd": "R&D", "production": "production"}
ROLE_TITLES: dict[str, str] = {"rnd": "R&D", "production": "Production"}
ROLE_LETTERS: dict[str, str] = {"rnd": "R", "production": "P"}
#: How many pair ranks a site's badge lists per role before "+n more".
BADGE_RANKS: int = 3

CSS = """
.siting-rank {
    width: 24px; height: 24px; border-radius: 50%; background: #1a237e; color: #fff;
    border: 2px solid #fff; box-shadow: 0 0 0 1px #1a237e, 0 1px 4px rgba(0,0,0,.5);
    font: bold 13px/24px Arial, Helvetica, sans-serif; text-align: center;
}
.siting-rank.unverified { background: #3949ab; border-style: dashed; }
.siting-campus {
    width: 12px; height: 12px; background: #2e7d32; border: 2px solid #fff;
    box-shadow: 0 0 0 1px #2e7d32; color: #fff; font: bold 9px/12px Arial, sans-serif;
    text-align: center;
}
.siting-origin {
    width: 14px; height: 14px; background: #212121; border: 2px solid #fff;
    transform: rotate(45deg); box-shadow: 0 0 0 1px #212121;
}
.siting-box {
    background: rgba(255,255,255,.95); padding: 8px 10px; border-radius: 4px;
    box-shadow: 0 1px 5px rgba(0,0,0,.4); font: 12px/1.35 Arial, Helvetica, sans-serif;
    color: #222;
}
.siting-box { overflow: hidden; }
.siting-body { overflow-y: auto; }
.siting-panel { width: 290px; }
.siting-panel .siting-body { max-height: calc(42vh - 30px); }
.siting-legend { width: 230px; }
.siting-legend .siting-body { max-height: calc(30vh - 30px); }
.leaflet-control-layers-expanded { font-size: 11px; line-height: 1.2; padding: 4px 6px;
    max-width: 230px; }
.leaflet-control-layers-expanded .leaflet-control-layers-list { max-height: 26vh;
    overflow-y: auto; }
.siting-tabs .bar { display: flex; gap: 2px; margin: 4px 0; border-bottom: 1px solid #ccc; }
.siting-tabs .bar button { border: 1px solid #ccc; border-bottom: 0; background: #f4f4f4;
    font: 11px Arial, sans-serif; padding: 2px 6px; cursor: pointer; border-radius: 3px 3px 0 0; }
.siting-tabs .bar button.on { background: #fff; font-weight: bold; }
.siting-tabs .pane[hidden] { display: none; }
.siting-box h3 { margin: 0 0 4px; font-size: 14px; }
.siting-box summary { font-weight: bold; cursor: pointer; margin-top: 4px; }
.siting-box table { border-collapse: collapse; width: 100%; }
.siting-box td, .siting-box th { padding: 1px 3px; text-align: left; vertical-align: top; }
.siting-box td.n, .siting-box th.n { text-align: right; white-space: nowrap; }
.siting-box .note, .siting-pop .note { color: #555; font-size: 11px; }
.siting-alert { background: #fdecea; border-left: 4px solid #c62828; padding: 4px 6px;
    margin: 4px 0; }
.siting-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 5px;
    vertical-align: -2px; border: 1px solid #666; }
.siting-dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%;
    margin-right: 5px; vertical-align: -1px; border: 1px solid #222; }
.siting-legend .sec { margin-top: 6px; }
.siting-legend .sec > b { display: block; }
.siting-popup .leaflet-popup-content { margin: 10px 12px; font: 12px/1.35 Arial, sans-serif; }
.siting-pop h4 { margin: 0 0 2px; font-size: 14px; }
.siting-pop h5 { margin: 8px 0 2px; font-size: 12px; }
.siting-pop table { border-collapse: collapse; width: 100%; }
.siting-pop td, .siting-pop th { padding: 1px 3px; text-align: left; vertical-align: top;
    border-bottom: 1px solid #eee; }
.siting-pop td.n, .siting-pop th.n { text-align: right; white-space: nowrap; }
.siting-pop ul { margin: 0; padding-left: 16px; }
.siting-bar { display: inline-block; height: 8px; background: #e0e0e0; vertical-align: middle;
    position: relative; }
.siting-bar > i { display: block; height: 8px; background: #1a237e; }
.siting-badge { display: inline-block; padding: 0 4px; border-radius: 3px; color: #fff;
    font-size: 10px; font-weight: bold; }
.siting-badge.pass { background: #2e7d32; }
.siting-badge.fail { background: #c62828; }
.siting-badge.unknown { background: #ef6c00; }
"""

CSS += f"""
.siting-pair {{
    position: absolute; left: 0; top: 0; transform: translate(-50%, calc(-100% - 16px));
    display: flex; white-space: nowrap; border: 2px solid #fff; border-radius: 4px;
    box-shadow: 0 0 0 1px #555, 0 1px 4px rgba(0,0,0,.5); color: #fff; cursor: pointer;
    font: bold 12px/17px Arial, Helvetica, sans-serif;
}}
.siting-pair::after {{
    content: ""; position: absolute; left: 50%; top: 100%; width: 2px; height: 16px;
    margin: 2px 0 0 -1px; background: #555;
}}
.siting-pair > span {{ padding: 0 4px; }}
.siting-pair .r, .siting-key.r {{ background: {PAIR_COLORS["rnd"]}; }}
.siting-pair .p, .siting-key.p {{ background: {PAIR_COLORS["production"]}; }}
.siting-pair.top {{ box-shadow: 0 0 0 2px {PAIR_COLORS["line"]}, 0 1px 5px rgba(0,0,0,.6);
    font-size: 13px; line-height: 19px; }}
.siting-pair.top::after {{ background: {PAIR_COLORS["line"]}; }}
.siting-key {{ display: inline-block; padding: 0 4px; margin-right: 5px; border-radius: 3px;
    color: #fff; font: bold 11px/15px Arial, Helvetica, sans-serif; }}
.siting-link {{ display: inline-block; width: 26px; margin-right: 5px; vertical-align: middle;
    border-top: 2px solid {PAIR_COLORS["line"]}; }}
.siting-pop details {{ margin-top: 6px; border-top: 1px solid #ddd; }}
.siting-pop summary {{ font-weight: bold; cursor: pointer; margin-top: 4px; }}
"""
