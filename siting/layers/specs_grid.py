"""The contracts of the grid layers: congestion per municipality, grid areas and their links."""

from __future__ import annotations

from siting import vocab
from siting.layers.columns import (
    CONFIDENCE,
    GM_CODE_PATTERN,
    MONTH_PATTERN,
    SLUG_PATTERN,
    Column,
    LayerSpec,
)

GRID_CONGESTION = LayerSpec(
    name="grid_congestion",
    stem="grid_congestion",
    id_column="gm_code",
    geometry="none",
    doc="FALLBACK: demand-side grid congestion class per municipality, curated from "
    "announcements (used only where no supply area of the grid_areas layer is placed).",
    columns=(
        Column("gm_code", "str", "municipality", required=True, pattern=GM_CODE_PATTERN),
        Column("municipality", "str", "municipality name, for readers"),
        Column("province", "str", "province name, for readers"),
        Column("grid_operator", "str", "regional grid operator", allowed=vocab.GRID_OPERATORS),
        Column(
            "afname_class",
            "int",
            "demand-side class of the capacity map: -1 unknown, 0 available, 1 limited, "
            "2 under investigation with queue, 3 shortage with queue",
            required=True,
            minimum=-1,
            maximum=3,
        ),
        Column(
            "status_date",
            "str",
            "date of the map state or announcement (YYYY-MM[-DD])",
            pattern=MONTH_PATTERN + r"(?:-(?:0[1-9]|[12]\d|3[01]))?",
        ),
        Column(
            "expected_relief_year",
            "year",
            "year from which new large demand connections are expected to be possible again "
            "(start of relief, per the source)",
        ),
        Column(
            "headroom_mw",
            "float",
            "demand capacity still available [MW]",
            minimum=0.0,
            optional_column=True,
        ),
        Column("queue_mw", "float", "demand in the queue [MW]", minimum=0.0, optional_column=True),
        Column("confidence", "str", "how sure the class is", required=True, allowed=CONFIDENCE),
        Column("basis", "str", "what the class rests on", required=True),
        Column("source_url", "str", "sources"),
    ),
)


#: Kinds of record in the grid_areas layer.
GRID_AREA_KINDS: tuple[str, ...] = ("regional", "tennet_area", "tennet_station")


GRID_AREAS = LayerSpec(
    name="grid_areas",
    stem="grid_areas",
    id_column="area_id",
    geometry="none",
    doc="The grid operators' capacity map: regional supply areas, TenneT congestion areas and "
    "TenneT stations, demand side (afname), as published.",
    columns=(
        Column(
            "area_id",
            "str",
            "id as published (voedingsgebied_id, congestiegebied, tennet_id)",
            required=True,
        ),
        Column(
            "kind",
            "str",
            "regional supply area, TenneT congestion area or TenneT station",
            required=True,
            allowed=GRID_AREA_KINDS,
        ),
        Column("operator", "str", "grid operator as published (RNB; TenneT)", required=True),
        Column(
            "parent_id",
            "str",
            "for a TenneT station: the TenneT congestion area (demand side) it belongs to, "
            "as published",
        ),
        Column(
            "afname_class",
            "int",
            "demand-side colour code AS PUBLISHED: -1 no information, 0 available, 1 limited, "
            "2 under investigation with queue, 3 shortage with queue; empty = not published",
            minimum=-1,
            maximum=3,
        ),
        Column(
            "derived_class",
            "int",
            "class DERIVED by the project from the published figures or stations (rule in "
            "SOURCES.md), never published; empty when nothing supports one",
            minimum=-1,
            maximum=3,
        ),
        Column(
            "available_mw", "float", "present transport capacity, demand side [MW]", minimum=0.0
        ),
        Column(
            "required_mw", "float", "required transport capacity, demand side [MW]", minimum=0.0
        ),
        Column("queue_mw", "float", "demand in the queue [MW]", minimum=0.0),
        Column("requests", "int", "unique requests in the queue, demand side [-]", minimum=0),
        Column(
            "expected_solve_year",
            "year",
            "year demand congestion is expected to be solved (jaartal_opgelost_afname)",
        ),
        Column(
            "reference_date",
            "str",
            "state of the figures: the row's year and quarter where published, else the "
            "import date (YYYY, YYYY-Qn or YYYY-MM)",
            required=True,
            pattern=r"\d{4}(?:-Q[1-4]|-(?:0[1-9]|1[0-2]))?",
        ),
        Column("note", "str", "the publisher's note on the row (info), if any"),
        Column("source_file", "str", "file the record was read from", required=True),
        Column("source_row", "int", "row of that file (header = row 1)", required=True, minimum=2),
    ),
)


GRID_AREA_LINKS = LayerSpec(
    name="grid_area_links",
    stem="grid_area_links",
    id_column="link_id",
    geometry="none",
    doc="Which grid areas feed which municipality (or one site): a municipality fed by several "
    "areas keeps all of them; each link with its confidence and source.",
    columns=(
        Column(
            "link_id", "str", "municipality (or site) and area, e.g. GM0772|EHVO", required=True
        ),
        Column("gm_code", "str", "municipality fed", required=True, pattern=GM_CODE_PATTERN),
        Column(
            "site_id",
            "str",
            "when set: the link holds for this site only (placed by its postcode) and replaces "
            "the municipality's links for it",
            pattern=SLUG_PATTERN,
        ),
        Column("area_id", "str", "the area (grid_areas) feeding it", required=True),
        Column(
            "tennet_id",
            "str",
            "for a regional area: the TenneT station or area above it (grid_areas); empty: the "
            "municipality's own TenneT links apply",
        ),
        Column(
            "share",
            "float",
            "share of the municipality's postcodes the area feeds [-]",
            minimum=0.0,
            maximum=1.0,
        ),
        Column("confidence", "str", "how sure the link is", required=True, allowed=CONFIDENCE),
        Column("method", "str", "how the link was made", required=True),
        Column("source_url", "str", "source of the link (URL or file)", required=True),
    ),
)
