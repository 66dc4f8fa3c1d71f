"""The contract of each data layer: its file, id, columns, types and allowed values.

A layer is a table of records; point layers carry WGS84 ``lon``/``lat`` in CSV form or a
geometry column in GeoPackage / GeoJSON form. The loaders parse and validate against these
specifications (see :mod:`siting.layers.validate`) and document them in ``geodata/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
_PCT = {"minimum": 0.0, "maximum": 100.0}


def _lonlat() -> tuple[Column, Column]:
    return (
        Column("lon", "float", "longitude, WGS84 [degree]", required=True),
        Column("lat", "float", "latitude, WGS84 [degree]", required=True),
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
        Column("merged_from", "list", "earlier municipality codes whose figures were summed"),
        Column("confidence", "str", "how sure the figures are", required=True, allowed=_CONFIDENCE),
    ),
)

STEM_TALENT = LayerSpec(
    name="stem_talent",
    stem="stem_talent",
    id_column="gm_code",
    geometry="none",
    doc="Technical students, graduates and an estimated technical workforce per municipality.",
    columns=(
        Column("gm_code", "str", "CBS municipality code", required=True, pattern=GM_CODE_PATTERN),
        *(
            Column(
                f"{lvl}_tech_students",
                "int",
                f"technical {lvl} students enrolled at institutions here [persons]",
                required=True,
                minimum=0,
            )
            for lvl in vocab.EDUCATION_LEVELS
        ),
        *(
            Column(
                f"{lvl}_tech_graduates",
                "int",
                f"technical {lvl} graduates of institutions here, one year [persons]; "
                "empty when no source is at hand",
                minimum=0,
            )
            for lvl in vocab.EDUCATION_LEVELS
        ),
        *(
            Column(
                f"{lvl}_tech_workforce_est",
                "int",
                f"ESTIMATE of residents aged 15-64 in work with a technical {lvl} education "
                "[persons]",
                required=True,
                minimum=0,
            )
            for lvl in vocab.EDUCATION_LEVELS
        ),
        Column(
            "students_confidence",
            "str",
            "how sure the student and graduate counts are",
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

SITES = LayerSpec(
    name="sites",
    stem="sites",
    id_column="site_id",
    geometry="point",
    doc="Candidate sites: business parks and campus plots a company could move to.",
    columns=(
        Column("site_id", "str", "short id", required=True, pattern=SLUG_PATTERN),
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
        Column("site_type", "str", "kind of site", required=True, allowed=vocab.SITE_TYPES),
        Column("campus_id", "str", "campus the site is part of, if any", pattern=SLUG_PATTERN),
        Column("gross_ha", "float", "gross area (bruto) [ha]", minimum=0.0),
        Column("net_ha", "float", "net area for plots (netto) [ha]", minimum=0.0),
        Column("available_ha", "float", "area still to issue (uitgeefbaar) [ha]", minimum=0.0),
        Column("area_year", "year", "year the area figures refer to"),
        Column(
            "area_confidence",
            "str",
            "how sure the area figures are",
            required=True,
            allowed=_CONFIDENCE,
        ),
        Column("area_source", "str", "source of the area figures"),
        Column(
            "max_env_category",
            "int",
            "highest environmental category allowed (1-6)",
            minimum=1,
            maximum=6,
        ),
        Column("env_category_source", "str", "source of the environmental category"),
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
        Column("source_url", "str", "main source about the site", required=True),
        Column("notes", "str", "caveats, estimate methods"),
    ),
)

GRID_CONGESTION = LayerSpec(
    name="grid_congestion",
    stem="grid_congestion",
    id_column="gm_code",
    geometry="none",
    doc="Demand-side grid congestion class per municipality (approximation of supply areas).",
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

#: Every layer, in load order (municipalities first: the others are checked against it).
LAYERS: tuple[LayerSpec, ...] = (
    MUNICIPALITIES,
    MUNICIPAL_MERGERS,
    STEM_TALENT,
    CAMPUSES,
    SITES,
    GRID_CONGESTION,
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
        "Generated from `siting/_schema.py` by `python scripts/write_schema_doc.py`; a test keeps",
        "it in step. Where each figure comes from and how sure it is: [SOURCES.md](SOURCES.md).",
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
