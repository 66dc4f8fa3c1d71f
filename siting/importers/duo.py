"""DUO open education data: enrolments and graduates, and DUO's own rule for technical.

Readers return long tidy frames (one row per source row and year); :func:`technical_counts`
aggregates them per municipality for one year with DUO's own sector fields, nothing added:

- hbo and wo: the programme's CROHO sector (``CROHO ONDERDEEL`` / ``ONDERDEEL``) is
  ``techniek`` (:data:`TECHNICAL_HO_SECTORS`). The wo sector ``natuur`` (physics, chemistry,
  mathematics, computer science, biology) is a separate DUO sector, not techniek; count it
  with ``sector="natuur"``. Agriculture (``landbouw en natuurlijke omgeving``, e.g.
  Wageningen's biotechnology) is not techniek either.
- mbo: DUO's ``MBO SECTOR`` is ``techniek``. In this classification ICT qualifications are in
  sector ``economie`` and media and design are in ``techniek``.

What a file counts (first-years, all enrolled or diplomas) cannot be read from its columns:
the caller says it (see ``scripts/build_geodata.py`` and ``geodata/SOURCES.md``).

DUO suppresses counts of 1-4 as ``"<5"`` in files published after November 2023. A
suppressed cell contributes 0 to ``count`` (the exact part) and is counted in
``suppressed_cells``; the true total lies between ``count_min`` (each such cell 1) and
``count_max`` (each 4). Nothing is invented in between.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.places import gm_codes, municipality_codes

#: CROHO sectors DUO counts as techniek, per level.
TECHNICAL_HO_SECTORS: dict[str, frozenset[str]] = {
    "hbo": frozenset({"techniek"}),
    "wo": frozenset({"techniek"}),
}
#: DUO mbo sectors counted as techniek.
TECHNICAL_MBO_SECTORS = frozenset({"techniek"})
#: mbo qualification levels 2-4: the starting qualifications that CBS counts as middle
#: education (level 1, *entree*, counts as low); used for the workforce estimate's shares.
MBO_LEVELS = frozenset({2, 3, 4})
#: Smallest and largest value a suppressed cell ("<5") can stand for.
SUPPRESSED_RANGE = (1, 4)

TIDY_COLUMNS = (
    "gm_code",
    "place",
    "level",
    "sector",
    "programme",
    "programme_type",
    "year",
    "count",
    "suppressed",
)


def read_duo_ho(path: str | Path, *, level: Literal["hbo", "wo"] | None = None) -> pd.DataFrame:
    """Read a DUO higher-education file (enrolments or graduates, hbo or wo).

    Parameters
    ----------
    path
        ``;``-separated CSV as DUO publishes it (``GEMEENTENUMMER``, ``CROHO ONDERDEEL``,
        ``OPLEIDINGSNAAM ACTUEEL``, one column per year) or the same records as a JSON list
        (where the sector column is called ``ONDERDEEL``).
    level
        ``"hbo"`` or ``"wo"``; by default taken from the file name.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS`; ``gm_code`` as ``GMxxxx`` of the teaching location (in the
        division of the file's year), ``programme_type`` as DUO writes it (``bachelor``,
        ``associate degree``, ``wo master``, ...), ``count`` [persons] with a suppressed cell as
        0 and ``suppressed`` True.
    """
    path = Path(path)
    level = level or _level_from_name(path)
    raw = _read_table(path)
    columns = {c.upper().strip(): c for c in raw.columns}
    sector_col = columns.get("CROHO ONDERDEEL") or columns.get("ONDERDEEL")
    needed = {
        "GEMEENTENUMMER": columns.get("GEMEENTENUMMER"),
        "CROHO ONDERDEEL": sector_col,
        "OPLEIDINGSNAAM ACTUEEL": columns.get("OPLEIDINGSNAAM ACTUEEL"),
    }
    _require(path, needed, raw)
    type_col = columns.get("TYPE HOGER ONDERWIJS") or columns.get("SOORT DIPLOMA")
    raw = raw[raw[needed["GEMEENTENUMMER"]].astype(str).str.strip().ne("")]
    codes = gm_codes(raw[needed["GEMEENTENUMMER"]]).fillna("")
    base = pd.DataFrame(
        {
            "gm_code": codes.to_numpy(),
            "place": raw[columns["GEMEENTENAAM"]].to_numpy() if "GEMEENTENAAM" in columns else "",
            "level": level,
            "sector": raw[sector_col].astype(str).str.strip().str.lower().to_numpy(),
            "programme": raw[needed["OPLEIDINGSNAAM ACTUEEL"]].astype(str).to_numpy(),
            "programme_type": raw[type_col].astype(str).str.strip().to_numpy() if type_col else "",
        },
        index=raw.index,
    )
    years = [c for c in raw.columns if re.fullmatch(r"\d{4}", str(c).strip())]
    return _melt_years(path, raw, base, {int(str(c).strip()): c for c in years})


def read_duo_mbo(path: str | Path) -> pd.DataFrame:
    """Read a DUO mbo enrolment file (per institution seat and qualification).

    Parameters
    ----------
    path
        ``;``-separated CSV with ``PLAATSNAAM``, ``KWALIFICATIENIVEAU``, ``MBO SECTOR``,
        ``KWALIFICATIE NAAM`` and ``TOTAALyyyy`` columns.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TIDY_COLUMNS` plus ``qualification_level``; ``gm_code`` is empty: mbo
        files name the place DUO registers for the institution (``place``), see
        :func:`place_codes`; ``programme_type`` is the learning path (``BOL``/``BBL``).
    """
    path = Path(path)
    raw = _read_table(path)
    columns = {c.upper().strip(): c for c in raw.columns}
    needed = {
        k: columns.get(k)
        for k in ("PLAATSNAAM", "KWALIFICATIENIVEAU", "MBO SECTOR", "KWALIFICATIE NAAM")
    }
    _require(path, needed, raw)
    raw = raw[raw[needed["PLAATSNAAM"]].astype(str).str.strip().ne("")]
    base = pd.DataFrame(
        {
            "gm_code": "",
            "place": raw[needed["PLAATSNAAM"]].astype(str).str.strip().to_numpy(),
            "level": "mbo",
            "sector": raw[needed["MBO SECTOR"]].astype(str).str.strip().str.lower().to_numpy(),
            "programme": raw[needed["KWALIFICATIE NAAM"]].astype(str).to_numpy(),
            "programme_type": raw[columns["TYPE MBO"]].astype(str).str.strip().to_numpy()
            if "TYPE MBO" in columns
            else "",
            "qualification_level": pd.to_numeric(
                raw[needed["KWALIFICATIENIVEAU"]], errors="coerce"
            ).to_numpy(),
        },
        index=raw.index,
    )
    years = {
        int(m.group(1)): c
        for c in raw.columns
        if (m := re.fullmatch(r"TOTAAL\s*(\d{4})", str(c).strip().upper()))
    }
    return _melt_years(path, raw, base, years)


def place_codes(places: pd.Series, municipalities: pd.DataFrame) -> pd.Series:
    """Map DUO place names (``"HENGELO OV"``) to current municipality codes.

    Every name goes through :func:`siting.layers.places.find_municipality` (case, accents and
    punctuation folded; postal suffixes and places such as ``ZAANDAM`` through its aliases).
    The place is the one DUO registers for the institution, not where it teaches: all students
    of an institution count there.

    Parameters
    ----------
    places
        Place names as DUO writes them.
    municipalities
        Frame with ``gm_code`` and ``name`` of the current municipalities.

    Returns
    -------
    pandas.Series
        ``GMxxxx``, or empty string where no municipality matches.
    """
    codes, _ = municipality_codes(places, municipalities)
    return codes


def is_technical(tidy: pd.DataFrame) -> pd.Series:
    """Return whether each tidy row is in a DUO techniek sector (module docstring)."""
    tech = pd.Series(False, index=tidy.index)
    for level, sectors in TECHNICAL_HO_SECTORS.items():
        tech |= tidy["level"].eq(level) & tidy["sector"].isin(sectors)
    return tech | (tidy["level"].eq("mbo") & tidy["sector"].isin(TECHNICAL_MBO_SECTORS))


def technical_counts(tidy: pd.DataFrame, *, year: int, sector: str | None = None) -> pd.DataFrame:
    """Sum technical counts (or one sector's) per municipality for one year.

    Parameters
    ----------
    tidy
        Output of the readers (``gm_code`` filled).
    year
        Year to count (1 October of the study year; the diploma year for graduates).
    sector
        Count this DUO sector (``"natuur"``) instead of the techniek rule.

    Returns
    -------
    pandas.DataFrame
        Columns ``gm_code``, ``count`` [persons] (the exact part), ``suppressed_cells`` (how
        many ``"<5"`` cells), ``count_min`` and ``count_max`` [persons] (bounds with each such
        cell as 1 or 4).

    Raises
    ------
    SitingInputError
        If the year is not in the data.
    """
    if year not in set(tidy["year"]):
        raise SitingInputError(
            f"year {year} not in the DUO data (years: "
            f"{', '.join(map(str, sorted(set(tidy['year']))))})"
        )
    selected = is_technical(tidy) if sector is None else tidy["sector"].eq(sector)
    rows = tidy[(tidy["year"] == year) & selected & tidy["gm_code"].ne("")]
    out = (
        rows.groupby("gm_code")
        .agg(count=("count", "sum"), suppressed_cells=("suppressed", "sum"))
        .reset_index()
    )
    low, high = SUPPRESSED_RANGE
    out["count_min"] = out["count"] + low * out["suppressed_cells"]
    out["count_max"] = out["count"] + high * out["suppressed_cells"]
    return out


def _level_from_name(path: Path) -> Literal["hbo", "wo"]:
    name = path.name.lower()
    if "hbo" in name:
        return "hbo"
    if re.search(r"(^|[^a-z])wo([^a-z]|$)", name):
        return "wo"
    raise SitingInputError(
        Problem(
            file=str(path),
            message="cannot tell hbo from wo by the file name; pass level='hbo' or level='wo'",
        )
    )


def _read_table(path: Path) -> pd.DataFrame:
    file = str(path)
    try:
        if path.suffix.lower() == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
            frame = pd.DataFrame.from_records(records)
            return frame.astype(str).replace({"nan": "", "None": ""})
        return pd.read_csv(path, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise SitingInputError(Problem(file=file, message="file not found")) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot read the file: {exc}")) from None


def _require(path: Path, needed: dict[str, str | None], raw: pd.DataFrame) -> None:
    missing = [k for k, v in needed.items() if v is None]
    if missing:
        raise SitingInputError(
            Problem(
                file=str(path),
                message=f"missing column(s) {', '.join(missing)}; columns found: "
                f"{', '.join(map(str, raw.columns))}",
            )
        )


def _melt_years(
    path: Path, raw: pd.DataFrame, base: pd.DataFrame, years: dict[int, str]
) -> pd.DataFrame:
    if not years:
        raise SitingInputError(Problem(file=str(path), message="no year columns found"))
    parts = []
    problems = []
    for year, col in sorted(years.items()):
        text = raw[col].astype(str).str.strip()
        suppressed = text.str.startswith("<")
        values = pd.to_numeric(text.where(~suppressed, "0"), errors="coerce")
        for i in np.flatnonzero((values.isna() & text.ne("")).to_numpy()):
            problems.append(
                Problem(
                    file=str(path),
                    row=int(raw.index[i]) + 2,
                    column=str(col),
                    message=f"{excerpt(text.iloc[i])} is not a count",
                )
            )
        parts.append(
            base.assign(
                year=year,
                count=values.fillna(0).astype(int).to_numpy(),
                suppressed=suppressed.to_numpy(),
            )
        )
    if problems:
        raise SitingInputError(problems)
    return pd.concat(parts, ignore_index=True)
