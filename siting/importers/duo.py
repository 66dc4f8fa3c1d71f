"""DUO open education data: enrolments and graduates, and the rule for what counts as technical.

Readers return long tidy frames (one row per source row and year); :func:`technical_counts`
aggregates them per municipality for one year with the documented rule:

- hbo and wo: the programme's CROHO sector (``CROHO ONDERDEEL`` / ``ONDERDEEL``) is in
  :data:`TECHNICAL_HO_SECTORS` (``techniek``, and for wo also ``natuur``: physics, chemistry,
  mathematics, computer science, life sciences). Agriculture (``landbouw en natuurlijke
  omgeving``, e.g. Wageningen's biotechnology) is NOT counted: a known undercount.
- mbo: DUO's ``MBO SECTOR`` is ``techniek`` and the qualification level is 2, 3 or 4 (level 1,
  *entree*, is not a starting qualification).

DUO suppresses counts below 5 as ``"<5"``; they are counted as 2 and flagged.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt
from siting.layers.places import gm_codes

#: CROHO sectors counted as technical, per level.
TECHNICAL_HO_SECTORS: dict[str, frozenset[str]] = {
    "hbo": frozenset({"techniek"}),
    "wo": frozenset({"techniek", "natuur"}),
}
#: DUO mbo sectors counted as technical.
TECHNICAL_MBO_SECTORS = frozenset({"techniek"})
#: mbo qualification levels counted (1, entree, is not a starting qualification).
MBO_LEVELS = frozenset({2, 3, 4})
#: Value used for a suppressed count ("<5").
SUPPRESSED_VALUE = 2

#: DUO place names of mbo institution seats that are not a municipality name.
MBO_PLACE_ALIASES: dict[str, str] = {
    "'S-GRAVENHAGE": "'s-Gravenhage",
    "DEN HAAG": "'s-Gravenhage",
    "'S-HERTOGENBOSCH": "'s-Hertogenbosch",
    "DEN BOSCH": "'s-Hertogenbosch",
    "EDE GLD": "Ede",
    "HENGELO OV": "Hengelo (O.)",
    "ZAANDAM": "Zaanstad",
    "VEGHEL": "Meierijstad",
}

TIDY_COLUMNS = ("gm_code", "place", "level", "sector", "programme", "year", "count", "suppressed")


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
        Columns :data:`TIDY_COLUMNS`; ``gm_code`` as ``GMxxxx`` of the institution's location,
        ``count`` [persons] with suppressed cells as :data:`SUPPRESSED_VALUE`.
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
    raw = raw[raw[needed["GEMEENTENUMMER"]].astype(str).str.strip().ne("")]
    codes = gm_codes(raw[needed["GEMEENTENUMMER"]]).fillna("")
    base = pd.DataFrame(
        {
            "gm_code": codes.to_numpy(),
            "place": raw[columns["GEMEENTENAAM"]].to_numpy() if "GEMEENTENAAM" in columns else "",
            "level": level,
            "sector": raw[sector_col].astype(str).str.strip().str.lower().to_numpy(),
            "programme": raw[needed["OPLEIDINGSNAAM ACTUEEL"]].astype(str).to_numpy(),
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
        files name the institution's seat (``place``), see :func:`place_codes`.
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
    """Map DUO place names (upper case) to municipality codes by name, with aliases.

    Parameters
    ----------
    places
        Place names as DUO writes them (``"HENGELO OV"``).
    municipalities
        Frame with ``gm_code`` and ``name`` of the current municipalities.

    Returns
    -------
    pandas.Series
        ``GMxxxx`` or empty string where no municipality matches.
    """
    by_name = {
        str(n).upper(): c
        for c, n in zip(municipalities["gm_code"], municipalities["name"], strict=True)
    }

    def code(place: str) -> str:
        name = MBO_PLACE_ALIASES.get(place.upper(), place)
        return by_name.get(name.upper(), "")

    return places.astype(str).map(code)


def is_technical(tidy: pd.DataFrame) -> pd.Series:
    """Return whether each tidy row is a technical programme under the documented rule."""
    tech = pd.Series(False, index=tidy.index)
    for level, sectors in TECHNICAL_HO_SECTORS.items():
        tech |= tidy["level"].eq(level) & tidy["sector"].isin(sectors)
    mbo = tidy["level"].eq("mbo") & tidy["sector"].isin(TECHNICAL_MBO_SECTORS)
    if "qualification_level" in tidy.columns:
        mbo &= tidy["qualification_level"].isin(MBO_LEVELS)
    return tech | mbo


def technical_counts(tidy: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Sum technical counts per municipality for one year.

    Parameters
    ----------
    tidy
        Output of the readers (``gm_code`` filled).
    year
        Academic year to count.

    Returns
    -------
    pandas.DataFrame
        Columns ``gm_code``, ``count`` [persons], ``suppressed_cells`` (how many ``"<5"`` cells
        were counted as :data:`SUPPRESSED_VALUE`).

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
    rows = tidy[(tidy["year"] == year) & is_technical(tidy) & tidy["gm_code"].ne("")]
    return (
        rows.groupby("gm_code")
        .agg(count=("count", "sum"), suppressed_cells=("suppressed", "sum"))
        .reset_index()
    )


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
        values = pd.to_numeric(text.where(~suppressed, str(SUPPRESSED_VALUE)), errors="coerce")
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
