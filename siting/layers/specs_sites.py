"""The contracts of the site and grid layers.

Sites, grid congestion, grid areas and their links, municipal mergers, hotspots.
"""

from __future__ import annotations

from siting import vocab
from siting.layers.columns import (
    CONFIDENCE,
    DAY_PATTERN,
    GM_CODE_PATTERN,
    MONTH_PATTERN,
    SLUG_PATTERN,
    Column,
    Kind,
    LayerSpec,
    lonlat,
)

#: A year, month or day (``2025``, ``2025-01``, ``2025-01-31``), months and days in range.
_DATE_PATTERN = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"


def _new(name: str, kind: Kind, doc: str, **options: object) -> Column:
    """Return a site column added with the national register (may be absent from old files)."""
    return Column(name, kind, doc, optional_column=True, **options)  # type: ignore[arg-type]


SITES = LayerSpec(
    name="sites",
    stem="sites",
    id_column="site_id",
    geometry="point",
    doc="Candidate sites: every IBIS business-park terrain, with authored facts on top, and "
    "authored campus and science-park plots. Columns marked 'column optional' may be absent "
    "from a user's site file (then unknown).",
    columns=(
        Column(
            "site_id",
            "str",
            "short id; `ibis-<RIN>` for a terrain known only from the register",
            required=True,
            pattern=SLUG_PATTERN,
        ),
        Column("name", "str", "site name", required=True),
        Column(
            "gm_code",
            "str",
            "municipality the site lies in",
            required=True,
            pattern=GM_CODE_PATTERN,
        ),
        Column("municipality", "str", "municipality name, for readers"),
        Column("province", "str", "province name, for readers"),
        *lonlat(),
        Column(
            "location_confidence",
            "str",
            "how sure the location is",
            required=True,
            allowed=CONFIDENCE,
        ),
        _new(
            "location_kind",
            "str",
            "how the point was placed: "
            + "; ".join(f"`{k}` {v}" for k, v in vocab.LOCATION_KINDS.items())
            + " (column absent: `site`, or `polygon` for polygons)",
            allowed=tuple(vocab.LOCATION_KINDS),
        ),
        Column(
            "site_type",
            "str",
            "coarse kind of site (`business_park` also for a register "
            "terrain whose designation is unknown)",
            required=True,
            allowed=vocab.SITE_TYPES,
        ),
        _new(
            "designation",
            "str",
            "what the site is for (empty: unknown)",
            allowed=tuple(vocab.DESIGNATIONS),
        ),
        _new(
            "designation_source",
            "str",
            "source of the designation and of the quay, "
            "production and housing facts, with its date",
        ),
        _new(
            "designation_confidence",
            "str",
            "how sure the designation is",
            allowed=CONFIDENCE,
        ),
        Column("campus_id", "str", "campus the site is part of, if any", pattern=SLUG_PATTERN),
        Column("gross_ha", "float", "gross area (bruto) [ha]", minimum=0.0),
        Column("net_ha", "float", "net area for plots (netto) [ha]", minimum=0.0),
        Column(
            "available_ha",
            "float",
            "area still to issue (uitgeefbaar) [ha]; for a register "
            "terrain its immediately issuable area (HA_TOTTUIT), an upper bound that can "
            "include reserved land",
            minimum=0.0,
        ),
        Column("area_year", "year", "year the gross and net areas refer to"),
        Column(
            "area_confidence",
            "str",
            "how sure the gross and net areas are",
            required=True,
            allowed=CONFIDENCE,
        ),
        Column("area_source", "str", "source of the gross and net areas"),
        _new(
            "available_ha_year",
            "year",
            "year the available area refers to (column absent: `area_year`); empty or older "
            "than `settings.fact_max_age_years`: a fact to confirm",
        ),
        _new(
            "available_ha_confidence",
            "str",
            "how sure the available area is (column absent: `area_confidence`)",
            allowed=CONFIDENCE,
        ),
        _new(
            "available_ha_source",
            "str",
            "source of the available area (column absent: `area_source`)",
        ),
        Column(
            "max_env_category",
            "int",
            "highest environmental category allowed (1-6)",
            minimum=1,
            maximum=6,
        ),
        Column("env_category_source", "str", "source of the environmental category"),
        _new("has_quay", "bool", "plots with a quay on navigable water (empty: unknown)"),
        _new("allows_production", "bool", "the zoning allows production (empty: unknown)"),
        _new(
            "housing_nearby",
            "bool",
            "housing within or next to the site, which can limit "
            "its environmental room (empty: unknown)",
        ),
        _new(
            "reserved_for",
            "str",
            "sector a dedicated park is reserved for (e.g. a food-industry park; empty: not "
            "reserved, or not known to be)",
            allowed=tuple(vocab.SITE_RESERVATIONS),
        ),
        Column(
            "cleanroom_ready",
            "bool",
            "a source states cleanroom-ready buildings or plots",
            required=True,
        ),
        Column(
            "vibration_free",
            "bool",
            "a source states vibration-free floors or ground",
            required=True,
        ),
        Column("heavy_transport", "bool", "a source states heavy-transport access", required=True),
        Column(
            "shared_facility",
            "bool",
            "a shared lab/cleanroom/fieldlab/pilot plant on site",
            required=True,
        ),
        Column("facility_source", "str", "source of the facility flags"),
        Column("status", "str", "availability status", required=True, allowed=vocab.SITE_STATUSES),
        Column("available_year", "year", "first year plots can be delivered"),
        _new(
            "status_date",
            "str",
            "date of the source of the status (YYYY[-MM[-DD]]); empty: no dated source, a fact "
            "to confirm",
            pattern=_DATE_PATTERN,
        ),
        _new("status_source", "str", "source of the status and what it says"),
        _new(
            "ibis_rin",
            "list",
            "IBIS RIN numbers of the register terrains this site is (each RIN belongs to one site)",
        ),
        _new(
            "ibis_type",
            "list",
            "IBIS WLOC_TYPE codes of those terrains, as the register gives them",
        ),
        _new(
            "ibis_gross_ha",
            "float",
            "the register's gross area of those terrains, summed, as given [ha]",
            minimum=0.0,
        ),
        _new("ibis_net_ha", "float", "the register's net area, summed, as given [ha]", minimum=0.0),
        _new(
            "ibis_issuable_ha",
            "float",
            "the register's immediately issuable area (HA_TOTTUIT), summed, as given [ha]",
            minimum=0.0,
        ),
        Column("source_url", "str", "main source about the site", required=True),
        Column("notes", "str", "caveats, estimate methods"),
    ),
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

MUNICIPAL_MERGERS = LayerSpec(
    name="municipal_mergers",
    stem="municipal_mergers",
    id_column="old_code",
    geometry="none",
    doc="Municipality codes that ceased to exist since 2019 and where they went.",
    columns=(
        Column("old_code", "str", "former code", required=True, pattern=GM_CODE_PATTERN),
        Column("old_name", "str", "former name", required=True),
        Column(
            "new_code",
            "str",
            "code of the municipality it became part of",
            required=True,
            pattern=GM_CODE_PATTERN,
        ),
        Column("new_name", "str", "name of that municipality", required=True),
        Column(
            "effective_date",
            "str",
            "date of the change",
            required=True,
            pattern=DAY_PATTERN,
        ),
        Column("source", "str", "source", required=True),
    ),
)

HOTSPOTS = LayerSpec(
    name="hotspots",
    stem="hotspots",
    id_column="hotspot_id",
    geometry="none",
    doc="The programme's technology hotspots (brandpunten): their core municipalities, NTS "
    "domains and campuses, each with its sources.",
    columns=(
        Column("hotspot_id", "str", "short id", required=True, pattern=SLUG_PATTERN),
        Column("name", "str", "hotspot name", required=True),
        Column(
            "gm_codes",
            "list",
            "CBS codes of the hotspot's core municipalities (not the full region: see notes)",
            required=True,
        ),
        Column(
            "nts_domains",
            "list",
            "NTS domains the cited sources show the hotspot strong in",
            allowed=tuple(vocab.NTS_DOMAINS),
        ),
        Column(
            "core_domains",
            "list",
            "the hotspot's core (flagship) domains, a subset of nts_domains; the others are "
            "present but secondary (hotspot_secondary_factor in models/criteria.toml)",
            allowed=tuple(vocab.NTS_DOMAINS),
        ),
        Column("campus_ids", "list", "campuses of the campuses layer in the hotspot"),
        Column(
            "status",
            "str",
            "'established', or 'in_development' (an ambition, not yet a cluster)",
            required=True,
            allowed=vocab.HOTSPOT_STATUSES,
        ),
        Column("source_url", "list", "sources, the region's definition first", required=True),
        Column("source_date", "list", "date of each source (same order; 'undated' if none)"),
        Column("core_source_url", "list", "sources for the core domains"),
        Column("core_source_date", "list", "date of each core source (same order)"),
        Column("notes", "str", "which municipalities and why; how each domain is supported"),
    ),
)
