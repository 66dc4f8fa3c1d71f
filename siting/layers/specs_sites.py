"""The contracts of the site layers: sites, municipal mergers, hotspots.

The grid layers are in :mod:`siting.layers.specs_grid`.
"""

from __future__ import annotations

from siting import vocab
from siting.layers.columns import (
    CONFIDENCE,
    DAY_PATTERN,
    GM_CODE_PATTERN,
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
            "category",
            "highest environmental category allowed (VNG 2009: 1, 2, 3.1 ... 5.3, 6; a whole 3, 4"
            " or 5 where the source gives no sub-category)",
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
        _new(
            "reserved_by",
            "str",
            "what reserves the site for its sector: `zoning` (a company outside the sector does "
            "not fit) or `policy` (only the issuer's land policy, e.g. a port authority's: a "
            "question to confirm; empty: read as zoning)",
            allowed=tuple(vocab.RESERVATION_BASES),
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
