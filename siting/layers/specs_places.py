"""The contracts of the place layers: municipalities, STEM talent and campuses."""

from __future__ import annotations

from siting import vocab
from siting.layers.columns import (
    CONFIDENCE,
    GM_CODE_PATTERN,
    PCT,
    SLUG_PATTERN,
    Column,
    LayerSpec,
    OptionalColumn,
    lonlat,
)

_PROXY = "PROXY (CBS 85039NED, 2021 edition)"


def _proxy_columns() -> tuple[Column, ...]:
    """Return the municipal proxies for housing pressure, accessibility and industry."""
    spec: OptionalColumn = {"optional_column": True}
    return (*_housing_columns(spec), *_access_columns(spec), *_cluster_columns(spec))


def _housing_columns(spec: OptionalColumn) -> tuple[Column, ...]:
    """Return the proxies for housing pressure."""
    housing = f"{_PROXY} for housing pressure"
    return (
        Column(
            "woz_avg_keur",
            "float",
            f"{housing}: average WOZ value of dwellings [kEUR]",
            minimum=0.0,
            **spec,
        ),
        Column(
            "rental_pct", "float", f"{housing}: rented dwellings, share of all [%]", **PCT, **spec
        ),
        Column(
            "corporation_rental_pct",
            "float",
            f"{housing}: dwellings owned by a housing corporation (social rent), share [%]",
            **PCT,
            **spec,
        ),
        Column(
            "vacancy_pct",
            "float",
            f"{housing}: uninhabited dwellings, share [%] (whole %; high on the coast and "
            "islands from holiday homes)",
            **PCT,
            **spec,
        ),
    )


def _access_columns(spec: OptionalColumn) -> tuple[Column, ...]:
    """Return the proxies for accessibility."""
    access = f"{_PROXY} for accessibility (urban density and daily amenities, not travel time)"
    return (
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
    )


def _cluster_columns(spec: OptionalColumn) -> tuple[Column, ...]:
    """Return the proxies for an industrial cluster."""
    cluster = f"{_PROXY} for an industrial cluster (establishments, not jobs)"
    return (
        Column(
            "industry_energy_pct",
            "float",
            f"{cluster}: business establishments in SBI B-F (mining, manufacturing, energy, "
            "water and waste, construction), share of all establishments [%]",
            **PCT,
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
        *lonlat(),
        Column("population", "int", "inhabitants [persons]", required=True, minimum=0),
        Column(
            "population_15_64", "int", "inhabitants aged 15-64 [persons]", required=True, minimum=0
        ),
        Column("edu_low_pct", "float", "share with low education, of ages 15-75 [%]", **PCT),
        Column("edu_mid_pct", "float", "share with middle education, of ages 15-75 [%]", **PCT),
        Column("edu_high_pct", "float", "share with high education, of ages 15-75 [%]", **PCT),
        Column("labour_participation_pct", "float", "net labour participation [%]", **PCT),
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
            allowed=CONFIDENCE,
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
            allowed=CONFIDENCE,
        ),
        Column(
            "workforce_confidence",
            "str",
            "always 'estimate' for the workforce columns",
            required=True,
            allowed=CONFIDENCE,
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
        *lonlat(),
        Column(
            "location_confidence",
            "str",
            "how sure the location is",
            required=True,
            allowed=CONFIDENCE,
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
            allowed=CONFIDENCE,
        ),
        Column("notes", "str", "caveats"),
    ),
)
