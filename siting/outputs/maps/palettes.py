"""Colour-blind-safe palettes of the maps, each class visible on the offline basemap.

Sequential schemes only (no red-green contrast): ColorBrewer's YlOrBr for grid congestion
(light yellow = no congestion .. dark brown = shortage; grey = unknown), viridis for talent
(yellow = little .. violet = much) and ColorBrewer's Blues for the share of grid room used.
The lightest class of each stays darker than the basemap's land colour (:data:`LAND_COLOR`).
"""

from __future__ import annotations

#: Land and sea of the offline basemap.
LAND_COLOR = "#f6f5f1"
SEA_COLOR = "#dde7ee"

#: Demand-side congestion classes (-1 unknown .. 3 shortage): ColorBrewer YlOrBr.
CONGESTION_COLORS: dict[int, str] = {
    0: "#fee391",
    1: "#fec44f",
    2: "#fb9a29",
    3: "#cc4c02",
    -1: "#bdbdbd",
}

#: Talent classes, low to high: viridis (reversed), six steps.
TALENT_COLORS: tuple[str, ...] = (
    "#fde725",
    "#7ad151",
    "#22a884",
    "#2a788e",
    "#414487",
    "#440154",
)

#: Share of published grid room used, low to full: ColorBrewer Blues (lightest left out).
HEADROOM_COLORS: tuple[str, ...] = ("#c6dbef", "#6baed6", "#3182bd", "#08519c", "#08306b")
