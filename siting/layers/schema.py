"""The contract of each data layer: its file, id, columns, types and allowed values.

A layer is a table of records; point layers carry WGS84 ``lon``/``lat`` in CSV form or a
geometry column in GeoPackage / GeoJSON form. The loaders parse and validate against these
specifications (see :mod:`siting.layers.validate`) and document them in ``geodata/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypedDict

from siting import vocab

Kind = Literal["str", "int", "float", "bool", "list", "year"]

GM_CODE_PATTERN = r"GM\d{4}"
SLUG_PATTERN = r"[a-z0-9][a-z0-9_\-]*"
#: A month (``2025-01``) and a day (``2025-01-31``): months 01-12, days 01-31 (the calendar
#: itself, e.g. no 31 February, is checked by the importers that take a date).
MONTH_PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])"
DAY_PATTERN = MONTH_PATTERN + r"-(?:0[1-9]|[12]\d|3[01])"


@dataclass(frozen=True)
class Column:
    """One column of a layer.

    Parameters
    ----------
    name
        Column name in the file.
    kind
        Value type: ``str``, ``int``, ``float``, ``bool``, ``list`` (``;``-separated) or ``year``.
    doc
        Meaning, with the unit in brackets.
    required
        Whether every row needs a value (otherwise an empty cell means unknown).
    optional_column
        Whether the whole column may be absent from a file (it is then all unknown).
    minimum, maximum
        Inclusive bounds for numbers.
    allowed
        Allowed values for ``str`` and each item of ``list``.
    pattern
        Regular expression a ``str`` value must match in full.
    """

    name: str
    kind: Kind
    doc: str
    required: bool = False
    optional_column: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A layer: its file stem, id column, columns and geometry kind.

    Parameters
    ----------
    name
        Layer name used in messages and on the command line.
    stem
        File name without extension; ``.csv``, ``.gpkg`` and ``.geojson`` are looked for.
    id_column
        Column whose values must be unique.
    columns
        The columns.
    geometry
        ``"point"`` when the layer has a location (CSV ``lon``/``lat`` or a point geometry),
        ``"none"`` when it is joined to the municipalities by ``gm_code``.
    doc
        One-line description.
    """

    name: str
    stem: str
    id_column: str
    columns: tuple[Column, ...]
    geometry: Literal["point", "none"]
    doc: str
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


_CONFIDENCE = tuple(vocab.CONFIDENCE_LEVELS)


class _Bounds(TypedDict):
    minimum: float
    maximum: float


class _Optional(TypedDict):
    optional_column: bool


_PCT: _Bounds = {"minimum": 0.0, "maximum": 100.0}


def _lonlat() -> tuple[Column, Column]:
    return (
        Column("lon", "float", "longitude, WGS84 [degree]", required=True),
        Column("lat", "float", "latitude, WGS84 [degree]", required=True),
    )


_PROXY = "PROXY (CBS 85039NED, 2021 edition)"


def _proxy_columns() -> tuple[Column, ...]:
    """Return the municipal proxies for housing pressure, accessibility and industry."""
    housing = f"{_PROXY} for housing pressure"
    access = f"{_PROXY} for accessibility (urban density and daily amenities, not travel time)"
    cluster = f"{_PROXY} for an industrial cluster (establishments, not jobs)"
    spec: _Optional = {"optional_column": True}
    return (
        Column(
            "woz_avg_keur",
            "float",
            f"{housing}: average WOZ value of dwellings [kEUR]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "rental_pct", "float", f"{housing}: rented dwellings, share of all [%]", **_PCT, **spec
        ),
        Column(
            "corporation_rental_pct",
            "float",
            f"{housing}: dwellings owned by a housing corporation (social rent), share [%]",
            **_PCT,
            **spec,
        ),
        Column(
            "vacancy_pct",
            "float",
            f"{housing}: uninhabited dwellings, share [%] (whole %; high on the coast and "
            "islands from holiday homes)",
            **_PCT,
            **spec,
        ),
        Column(
            "address_density",
            "float",
            f"{access}: surrounding address density (omgevingsadressendichtheid) "
            "[addresses/km2]; nlstat calls it 'Population density'",
            minimum=0.0,
            **spec,
        ),
        Column(
            "urbanisation_class",
            "int",
            f"{access}: CBS urbanisation class, 1 very strongly urban (>= 2,500 addresses/km2) "
            ".. 5 not urban (< 500); for merged municipalities from the combined density",
            minimum=1,
            maximum=5,
            **spec,
        ),
        Column(
            "gp_km",
            "float",
            f"{access}: mean road distance of inhabitants to a GP [km]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "supermarket_km",
            "float",
            f"{access}: mean road distance to a large supermarket [km]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "school_km",
            "float",
            f"{access}: mean road distance to a primary school [km]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "daycare_km",
            "float",
            f"{access}: mean road distance to a day-care centre [km]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "industry_energy_pct",
            "float",
            f"{cluster}: business establishments in SBI B-F (mining, manufacturing, energy, "
            "water and waste, construction), share of all establishments [%]",
            **_PCT,
            **spec,
        ),
        Column(
            "businesses_per_1000",
            "float",
            f"{cluster}: business establishments per 1,000 inhabitants; high in commuter and "
            "holiday towns (self-employed), so shown, not a cluster measure by itself",
            minimum=0.0,
            **spec,
        ),
    )


MUNICIPALITIES = LayerSpec(
    name="municipalities",
    stem="municipalities",
    id_column="gm_code",
    geometry="point",
    doc="All current municipalities with CBS figures; location is a point inside the municipality.",
    columns=(
        Column("gm_code", "str", "CBS municipality code", required=True, pattern=GM_CODE_PATTERN),
        Column("name", "str", "municipality name (CBS spelling)", required=True),
        Column(
            "province_code",
            "str",
            "CBS province code",
            required=True,
            allowed=tuple(vocab.PROVINCES),
        ),
        Column(
            "province",
            "str",
            "province name",
            required=True,
            allowed=tuple(vocab.PROVINCES.values()),
        ),
        Column("corop_code", "str", "COROP area code", required=True, pattern=r"CR\d{2}"),
        Column("corop_name", "str", "COROP area name", required=True),
        Column(
            "labour_market_region_code",
            "str",
            "labour-market region (arbeidsmarktregio) code",
            required=True,
            pattern=r"AM\d{2}",
        ),
        Column("labour_market_region", "str", "labour-market region name", required=True),
        *_lonlat(),
        Column("population", "int", "inhabitants [persons]", required=True, minimum=0),
        Column(
            "population_15_64", "int", "inhabitants aged 15-64 [persons]", required=True, minimum=0
        ),
        Column("edu_low_pct", "float", "share with low education, of ages 15-75 [%]", **_PCT),
        Column("edu_mid_pct", "float", "share with middle education, of ages 15-75 [%]", **_PCT),
        Column("edu_high_pct", "float", "share with high education, of ages 15-75 [%]", **_PCT),
        Column("labour_participation_pct", "float", "net labour participation [%]", **_PCT),
        Column("figures_year", "year", "reference year of the CBS figures", required=True),
        *_proxy_columns(),
        Column(
            "extent_km",
            "float",
            "distance from the point to the farthest point of the municipality's boundary "
            "(CBS 2024, generalised) [km]; the discs of this radius cover the country and tell "
            "a location in the Netherlands from one abroad or at sea",
            minimum=0.0,
            optional_column=True,
        ),
        Column("merged_from", "list", "earlier municipality codes whose figures were combined"),
        Column(
            "confidence",
            "str",
            "how sure the CBS figures are: 'approximate' where merged municipalities' figures "
            "were combined",
            required=True,
            allowed=_CONFIDENCE,
        ),
    ),
)

#: What each DUO count of the talent layer is: column -> (kind, year, what it counts). Kinds:
#: ``intake`` (first-year students), ``stock`` (all enrolled), ``graduates`` (diplomas in the
#: diploma year), ``estimate`` (ours, method in geodata/SOURCES.md). Years are 1 October of
#: the study year; for graduates the diploma year (2018 = study year 2018/19, which OCW labels
#: 2019). The latest year of each DUO file was provisional.
TALENT_MEASURES: dict[str, tuple[str, int, str]] = {
    "mbo_tech_stock": (
        "stock",
        2019,
        "mbo students enrolled in DUO sector techniek, all years of study, BOL and BBL",
    ),
    "mbo_tech_intake_est": (
        "estimate",
        2019,
        "mbo first-years in DUO sector techniek, estimated (not DUO data) as the stock divided "
        "by the nominal programme length of its qualification level (2: 1.5, 3: 2.5, 4: 3 "
        "years)",
    ),
    "hbo_tech_intake": (
        "intake",
        2019,
        "hbo first-year students (DUO eerstejaars) in CROHO sector techniek, associate "
        "degree, bachelor and master",
    ),
    "wo_tech_intake": (
        "intake",
        2019,
        "wo first-year students (DUO eerstejaars) in CROHO sector techniek, bachelor and master",
    ),
    "wo_natuur_intake": (
        "intake",
        2019,
        "wo first-year students in CROHO sector natuur (physics, chemistry, mathematics, "
        "computer science, biology): NOT techniek in DUO's definition, kept apart",
    ),
    "hbo_tech_stock_min": (
        "stock",
        2024,
        "hbo students enrolled in CROHO techniek, lower bound: DUO's '<5' cells as 1",
    ),
    "hbo_tech_stock_max": (
        "stock",
        2024,
        "the same, upper bound: '<5' cells as 4",
    ),
    "hbo_tech_graduates": (
        "graduates",
        2018,
        "hbo diplomas in CROHO techniek (associate degree, bachelor, master)",
    ),
    "wo_tech_graduates": (
        "graduates",
        2018,
        "wo diplomas in CROHO techniek (bachelor, master)",
    ),
}

_WHERE_HO = "at teaching locations in the municipality"
_WHERE_MBO = (
    "of institutions DUO registers at a place in the municipality (not where they teach: "
    "approximate geography; 0 = no institution registered here)"
)


def _talent_column(name: str, *, required: bool = True) -> Column:
    kind, year, what = TALENT_MEASURES[name]
    where = _WHERE_MBO if name.startswith("mbo") else _WHERE_HO
    return Column(
        name,
        "int",
        f"{kind.upper()} {year}: {what}, {where} [persons]",
        required=required,
        minimum=0,
    )


STEM_TALENT = LayerSpec(
    name="stem_talent",
    stem="stem_talent",
    id_column="gm_code",
    geometry="none",
    doc="Technical students (first-years, enrolled), graduates and an estimated technical "
    "workforce per municipality; every count labelled with its kind and year.",
    columns=(
        Column("gm_code", "str", "CBS municipality code", required=True, pattern=GM_CODE_PATTERN),
        _talent_column("mbo_tech_stock"),
        _talent_column("mbo_tech_intake_est"),
        Column(
            "mbo_places",
            "list",
            "DUO place names (PLAATSNAAM) of the mbo institutions counted here",
        ),
        _talent_column("hbo_tech_intake"),
        _talent_column("wo_tech_intake"),
        _talent_column("wo_natuur_intake"),
        _talent_column("hbo_tech_stock_min"),
        _talent_column("hbo_tech_stock_max"),
        Column(
            "hbo_tech_stock_suppressed",
            "int",
            "number of cells DUO suppressed as '<5' (1-4 persons each) in the 2024 hbo stock",
            required=True,
            minimum=0,
        ),
        Column(
            "mbo_tech_graduates",
            "int",
            "GRADUATES: technical mbo diplomas [persons]; empty (unknown): no DUO mbo diploma "
            "file is at hand",
            minimum=0,
        ),
        _talent_column("hbo_tech_graduates"),
        _talent_column("wo_tech_graduates"),
        *(
            Column(
                f"{lvl}_tech_workforce_est",
                "int",
                f"ESTIMATE of residents aged 15-64 in work with a technical {lvl} education "
                "[persons] (CBS 2021 residents x DUO 2019 technical shares; method in "
                "SOURCES.md)",
                required=True,
                minimum=0,
            )
            for lvl in vocab.EDUCATION_LEVELS
        ),
        Column(
            "hbo_stock_confidence",
            "str",
            "how sure the 2024 hbo stock is: 'reported', or 'approximate' where '<5' cells "
            "leave it between the two bounds",
            required=True,
            allowed=_CONFIDENCE,
        ),
        Column(
            "workforce_confidence",
            "str",
            "always 'estimate' for the workforce columns",
            required=True,
            allowed=_CONFIDENCE,
        ),
    ),
)

CAMPUSES = LayerSpec(
    name="campuses",
    stem="campuses",
    id_column="campus_id",
    geometry="point",
    doc="Campuses and science parks relevant for deeptech, with domains and shared facilities.",
    columns=(
        Column("campus_id", "str", "short id", required=True, pattern=SLUG_PATTERN),
        Column("name", "str", "campus name", required=True),
        Column("campus_type", "str", "kind of campus", required=True, allowed=vocab.CAMPUS_TYPES),
        Column(
            "gm_code",
            "str",
            "municipality the campus lies in",
            required=True,
            pattern=GM_CODE_PATTERN,
        ),
        Column("municipality", "str", "municipality name, for readers"),
        *_lonlat(),
        Column(
            "location_confidence",
            "str",
            "how sure the location is",
            required=True,
            allowed=_CONFIDENCE,
        ),
        Column(
            "nts_domains",
            "list",
            "NTS key-technology domains active on the campus",
            allowed=tuple(vocab.NTS_DOMAINS),
        ),
        Column(
            "shared_facilities",
            "list",
            "shared facilities offered",
            allowed=tuple(vocab.SHARED_FACILITIES),
        ),
        Column("facility_details", "str", "the facilities by name"),
        Column("knowledge_institutions", "list", "universities and institutes on or tied to it"),
        Column("website", "str", "campus website"),
        Column("source_location", "str", "source of the location", required=True),
        Column("source_domains", "str", "source of the NTS domains"),
        Column("source_facilities", "str", "source of the facilities"),
        Column("source_institutions", "str", "source of the institutions"),
        Column(
            "confidence",
            "str",
            "how sure the record is as a whole",
            required=True,
            allowed=_CONFIDENCE,
        ),
        Column("notes", "str", "caveats"),
    ),
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
        *_lonlat(),
        Column(
            "location_confidence",
            "str",
            "how sure the location is",
            required=True,
            allowed=_CONFIDENCE,
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
            allowed=_CONFIDENCE,
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
            allowed=_CONFIDENCE,
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
            allowed=_CONFIDENCE,
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
        Column("confidence", "str", "how sure the class is", required=True, allowed=_CONFIDENCE),
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
        Column("confidence", "str", "how sure the link is", required=True, allowed=_CONFIDENCE),
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

#: Every layer, in load order (municipalities first: the others are checked against it).
LAYERS: tuple[LayerSpec, ...] = (
    MUNICIPALITIES,
    MUNICIPAL_MERGERS,
    STEM_TALENT,
    CAMPUSES,
    SITES,
    GRID_CONGESTION,
    HOTSPOTS,
    GRID_AREAS,
    GRID_AREA_LINKS,
)


def schema_markdown() -> str:
    """Render the layer contracts as the Markdown of ``geodata/README.md``.

    Returns
    -------
    str
        One section per layer with a table of its columns.
    """
    lines = [
        "# The embedded Netherlands dataset: layer schemas",
        "",
        "Generated from `siting/layers/schema.py` by `python scripts/write_schema_doc.py`; a test",
        "keeps it in step. Where each figure comes from and how sure it is:",
        "[SOURCES.md](SOURCES.md).",
        "",
        "Files are UTF-8 CSV with a header row; lists inside a cell are `;`-separated; booleans",
        "are `true`/`false`; an empty cell means unknown. Point layers give WGS84 `lon`/`lat`",
        "(EPSG:4326); the loaders return every layer in RD New (EPSG:28992). A user data folder",
        "(`--geodata DIR`) may hold any of these layers as `<stem>.csv`, `<stem>.gpkg` or",
        "`<stem>.geojson` (GeoPackage/GeoJSON with a CRS and point or polygon geometry instead",
        "of `lon`/`lat`); the layers it lacks come from this folder.",
        "",
        "Confidence values: "
        + "; ".join(f"`{k}`: {v}" for k, v in vocab.CONFIDENCE_LEVELS.items())
        + ".",
        "",
    ]
    for spec in LAYERS:
        lines += [
            f"## {spec.name} (`{spec.stem}.csv`)",
            "",
            spec.doc + f" Unique id: `{spec.id_column}`.",
            "",
            "| column | type | required | meaning | allowed |",
            "|---|---|---|---|---|",
        ]
        for col in spec.columns:
            allowed = ""
            if col.allowed is not None:
                allowed = ", ".join(f"`{a}`" for a in col.allowed)
            elif col.pattern is not None:
                allowed = f"`{col.pattern}`"
            bounds = [
                f">= {col.minimum:g}" if col.minimum is not None else "",
                f"<= {col.maximum:g}" if col.maximum is not None else "",
            ]
            allowed = " ".join(b for b in [allowed, *bounds] if b)
            required = "yes" if col.required else ("column optional" if col.optional_column else "")
            lines.append(f"| `{col.name}` | {col.kind} | {required} | {col.doc} | {allowed} |")
        lines.append("")
    return "\n".join(lines)
