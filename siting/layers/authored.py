"""The authored inputs of the site layer: hand-curated records, each fact with its source.

The national site layer (:mod:`siting.layers.supply`) is the IBIS register plus these tables,
kept in ``geodata/authored/`` as small CSV files:

``sites.csv``
    The authored sites (business parks, ports, campus and science-park plots) with their
    facts and sources, in the columns the site layer had before the register
    (:data:`AUTHORED_SITE_COLUMNS`).
``site_ibis_links.csv``
    Which register terrain (RIN) an authored site is, and how the match was made; a RIN
    belongs to at most one site. A site that is a plot within a terrain counted at another
    site names that RIN as ``within_rin``; a site that is no register terrain says why.
``site_status_checks.csv``
    The status of each authored site as re-checked against a dated public source.
``designations.csv``
    What a site (``key_kind = site``) or a register terrain (``rin``) is for, its
    environmental category and zoning facts, with sources.
``ibis_type_codes.csv``
    What the register's ``WLOC_TYPE`` codes mean, as far as a public source says.
``ibis_register_notes.csv``
    Known gaps of the register (e.g. a province whose issuable areas are missing).

:func:`load_authored` reads and checks them (every problem with its file, row and column).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from siting import settings, vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.schema import SITES, SLUG_PATTERN, Column, LayerSpec
from siting.layers.validate import check_lonlat, parse_table

#: Folder of the authored inputs in the embedded dataset.
AUTHORED_DIR = "authored"
#: The columns of an authored site record (the site layer before the register).
AUTHORED_SITE_COLUMNS: tuple[str, ...] = (
    "site_id",
    "name",
    "gm_code",
    "municipality",
    "province",
    "lon",
    "lat",
    "location_confidence",
    "site_type",
    "campus_id",
    "gross_ha",
    "net_ha",
    "available_ha",
    "area_year",
    "area_confidence",
    "area_source",
    "max_env_category",
    "env_category_source",
    "cleanroom_ready",
    "vibration_free",
    "heavy_transport",
    "shared_facility",
    "facility_source",
    "status",
    "available_year",
    "source_url",
    "notes",
)
_CONFIDENCE = tuple(vocab.CONFIDENCE_LEVELS)
_RIN = r"\d+"

AUTHORED_SITES = replace(
    SITES,
    name="authored sites",
    stem="sites",
    columns=tuple(c for c in SITES.columns if c.name in AUTHORED_SITE_COLUMNS),
    doc="Authored site records.",
)
LINKS = LayerSpec(
    name="site IBIS links",
    stem="site_ibis_links",
    id_column="rin",
    geometry="none",
    doc="Authored site -> IBIS terrain (RIN).",
    columns=(
        Column("rin", "str", "RIN of the terrain the site is (empty: none)", pattern=_RIN),
        Column("site_id", "str", "authored site", required=True, pattern=SLUG_PATTERN),
        Column(
            "match",
            "str",
            "how the link was made",
            required=True,
            allowed=("exact_name", "name", "hand", "within", "none"),
        ),
        Column("within_rin", "str", "terrain the site is a plot within", pattern=_RIN),
        Column("ibis_name", "str", "the terrain's name in the register"),
        Column("note", "str", "why"),
    ),
)
STATUS_CHECKS = LayerSpec(
    name="site status checks",
    stem="site_status_checks",
    id_column="site_id",
    geometry="none",
    doc="Re-checked status per authored site.",
    columns=(
        Column("site_id", "str", "authored site", required=True, pattern=SLUG_PATTERN),
        Column("status", "str", "status", required=True, allowed=vocab.SITE_STATUSES),
        Column("available_year", "year", "first year plots can be delivered"),
        Column(
            "status_date",
            "str",
            "date of the source (empty: none found)",
            pattern=r"\d{4}(-\d{2}(-\d{2})?)?",
        ),
        Column("status_source", "str", "source (URL)", required=True),
        Column("evidence", "str", "what the source says"),
        Column("changed_from", "str", "authored status before", allowed=vocab.SITE_STATUSES),
    ),
)
DESIGNATIONS = LayerSpec(
    name="designations",
    stem="designations",
    id_column="key",
    geometry="none",
    doc="Designation and zoning facts per site or RIN.",
    columns=(
        Column("key", "str", "site id or RIN", required=True),
        Column("key_kind", "str", "what the key is", required=True, allowed=("site", "rin")),
        Column("designation", "str", "what it is for", allowed=tuple(vocab.DESIGNATIONS)),
        Column("confidence", "str", "how sure the designation is", allowed=_CONFIDENCE),
        Column("max_env_category", "category", "highest category (VNG, e.g. 4.1)"),
        Column("has_quay", "bool", "plots with a quay"),
        Column("allows_production", "bool", "production allowed"),
        Column("housing_nearby", "bool", "housing within or next to it"),
        Column(
            "reserved_for",
            "str",
            "sector the site is reserved for",
            allowed=tuple(vocab.SITE_RESERVATIONS),
        ),
        Column(
            "reserved_by",
            "str",
            "what reserves it: the zoning, or only the issuer's land policy",
            allowed=tuple(vocab.RESERVATION_BASES),
        ),
        Column("source_url", "str", "source"),
        Column("source_date", "str", "date of the source or of reading it"),
        Column("evidence", "str", "what the source says"),
    ),
)
TYPE_CODES = LayerSpec(
    name="IBIS type codes",
    stem="ibis_type_codes",
    id_column="code",
    geometry="none",
    doc="WLOC_TYPE codes.",
    columns=(
        Column("code", "str", "the code", required=True),
        Column("meaning", "str", "what it means", required=True),
        Column("designation", "str", "designation it implies", allowed=tuple(vocab.DESIGNATIONS)),
        Column("confidence", "str", "how sure", required=True, allowed=_CONFIDENCE),
        Column("source_url", "str", "source"),
        Column("source_date", "str", "date of the source or of reading it"),
        Column("comment", "str", "caveat"),
    ),
)
REGISTER_NOTES = LayerSpec(
    name="IBIS register notes",
    stem="ibis_register_notes",
    id_column="note_id",
    geometry="none",
    doc="Known gaps of the register.",
    columns=(
        Column("note_id", "str", "short id", required=True, pattern=SLUG_PATTERN),
        Column("scope", "str", "province code (PVxx)", required=True, pattern=r"PV\d{2}"),
        Column("field", "str", "register field", required=True, allowed=("issuable_ha",)),
        Column("rule", "str", "treatment", required=True, allowed=("zero_is_unknown",)),
        Column("reason", "str", "why", required=True),
        Column("source_url", "str", "source", required=True),
        Column("source_date", "str", "date of the source", required=True),
    ),
)
AUTHORED_TABLES: tuple[LayerSpec, ...] = (
    AUTHORED_SITES,
    LINKS,
    STATUS_CHECKS,
    DESIGNATIONS,
    TYPE_CODES,
    REGISTER_NOTES,
)


@dataclass(frozen=True)
class Authored:
    """The authored inputs, parsed and checked (see the module docstring).

    Attributes
    ----------
    sites, links, status_checks, designations, type_codes, register_notes
        One frame per table, typed as its spec says (unknown cells missing).
    files
        Table stem -> the file it was read from (for located messages).
    """

    sites: pd.DataFrame
    links: pd.DataFrame
    status_checks: pd.DataFrame
    designations: pd.DataFrame
    type_codes: pd.DataFrame
    register_notes: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)


def load_authored(folder: str | Path | None = None) -> Authored:
    """Read and check the authored tables of a folder.

    Parameters
    ----------
    folder
        Folder with the six tables; default ``geodata/authored`` of the embedded dataset.

    Returns
    -------
    Authored

    Raises
    ------
    SitingInputError
        With every problem found, each with its file, row and column: a missing or
        unreadable table, a bad value, an unknown site id, a RIN given twice.
    """
    folder = Path(folder) if folder is not None else settings.embedded_geodata_dir / AUTHORED_DIR
    frames: dict[str, pd.DataFrame] = {}
    files: dict[str, Path] = {}
    problems: list[Problem] = []
    for spec in AUTHORED_TABLES:
        path = folder / f"{spec.stem}.csv"
        files[spec.stem] = path
        frame, found = _read_table(spec, path)
        frames[spec.stem] = frame
        problems.extend(found)
    if not problems:
        problems.extend(_cross_check(frames, files))
    if problems:
        raise SitingInputError(problems)
    return Authored(
        sites=frames["sites"],
        links=frames["site_ibis_links"],
        status_checks=frames["site_status_checks"],
        designations=frames["designations"],
        type_codes=frames["ibis_type_codes"],
        register_notes=frames["ibis_register_notes"],
        files=files,
    )


def _read_table(spec: LayerSpec, path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    file = str(path)
    empty = pd.DataFrame({c.name: pd.Series([], dtype=object) for c in spec.columns})
    if not path.is_file():
        return empty, [Problem(file=file, message=f"the {spec.name} table is missing")]
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        return empty, [Problem(file=file, message=f"not a readable UTF-8 CSV file: {exc}")]
    frame, problems = parse_table(raw, spec, file=file)
    if spec is AUTHORED_SITES:
        problems.extend(check_lonlat(frame["lon"], frame["lat"], file=file))
    return frame, problems


def _cross_check(frames: dict[str, pd.DataFrame], files: dict[str, Path]) -> list[Problem]:
    """Site ids named by the other tables exist; each authored site has a status check."""
    problems = []
    ids = set(frames["sites"]["site_id"])
    named = {
        "site_ibis_links": frames["site_ibis_links"]["site_id"],
        "site_status_checks": frames["site_status_checks"]["site_id"],
        "designations": frames["designations"]["key"].where(
            frames["designations"]["key_kind"].eq("site")
        ),
    }
    for stem, column in named.items():
        for i, site_id in enumerate(column):
            if site_id is not None and site_id == site_id and site_id not in ids:
                problems.append(
                    Problem(
                        file=str(files[stem]),
                        row=i + 2,
                        column="key" if stem == "designations" else "site_id",
                        message=f"unknown site {excerpt(site_id)} (not in {files['sites'].name})",
                    )
                )
    checked = set(frames["site_status_checks"]["site_id"])
    for i, site_id in enumerate(frames["sites"]["site_id"]):
        if site_id not in checked:
            problems.append(
                Problem(
                    file=str(files["sites"]),
                    row=i + 2,
                    column="site_id",
                    message=f"site {excerpt(site_id)} has no row in "
                    f"{files['site_status_checks'].name}",
                )
            )
    return problems
