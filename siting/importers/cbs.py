"""CBS municipality figures: population, ages and education level.

Two inputs are read into one tidy frame (one row per municipality code of the source year):

- :func:`read_cbs_kerncijfers`: a CBS StatLine export of *Kerncijfers wijken en buurten*
  (tables 85039NED for 2021, 85984NED for 2024, ...) as OData JSON (``{"value": [...]}``) or
  CSV. Field names carry a numeric suffix that changes between table years
  (``AantalInwoners_5``), so fields are matched on their stem (``AantalInwoners``).
- :func:`read_cbs_nlstat`: the municipality JSON of the open *nlstat* project, derived from
  85039NED (2021), which stores shares in percent instead of counts.

:func:`to_current_municipalities` then maps former municipality codes onto the current ones
with the merger table, summing counts and weighting shares by the working-age population.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt

#: Columns of the tidy frame both readers return.
CBS_COLUMNS = (
    "gm_code",
    "name",
    "province",
    "population",
    "population_15_64",
    "edu_low_pct",
    "edu_mid_pct",
    "edu_high_pct",
    "labour_participation_pct",
)

_STATLINE_STEMS = {
    "code": "Codering",
    "kind": "SoortRegio",
    "name": "WijkenEnBuurten",
    "municipality": "Gemeentenaam",
    "population": "AantalInwoners",
    "age_15_25": "k_15Tot25Jaar",
    "age_25_45": "k_25Tot45Jaar",
    "age_45_65": "k_45Tot65Jaar",
    "edu_low": "OpleidingsniveauLaag",
    "edu_mid": "OpleidingsniveauMiddelbaar",
    "edu_high": "OpleidingsniveauHoog",
    "participation": "Nettoarbeidsparticipatie",
}
_OPTIONAL_STEMS = {"name", "municipality", "edu_low", "edu_mid", "edu_high", "participation"}


def read_cbs_kerncijfers(path: str | Path) -> pd.DataFrame:
    """Read the municipality rows of a CBS *Kerncijfers wijken en buurten* export.

    Parameters
    ----------
    path
        OData JSON (``{"value": [...]}`` or a list of records) or CSV (``,`` or ``;``
        separated) with the StatLine field names.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CBS_COLUMNS`; education shares [%] of those with a known level
        (ages 15-75), labour participation [%]; missing figures as NaN.

    Raises
    ------
    SitingInputError
        If the file cannot be read or lacks the code, region-kind, population or age fields.
    """
    path = Path(path)
    raw = _read_records(path)
    stems = {re.sub(r"_\d+$", "", str(c)).strip().lower(): c for c in raw.columns}
    fields: dict[str, str] = {}
    missing = []
    for key, stem in _STATLINE_STEMS.items():
        if stem.lower() in stems:
            fields[key] = stems[stem.lower()]
        elif key not in _OPTIONAL_STEMS:
            missing.append(stem)
    if missing:
        raise SitingInputError(
            Problem(
                file=str(path),
                message=f"missing field(s) {', '.join(missing)} (with any _N suffix); "
                f"fields found: {', '.join(map(str, raw.columns[:30]))}",
            )
        )
    kind = raw[fields["kind"]].astype(str).str.strip().str.lower()
    rows = raw[kind.eq("gemeente")]
    if rows.empty:
        raise SitingInputError(
            Problem(
                file=str(path), column=fields["kind"], message="no rows with SoortRegio 'Gemeente'"
            )
        )
    problems: list[Problem] = []

    def number(key: str) -> pd.Series:
        if key not in fields:
            return pd.Series(np.nan, index=rows.index)
        text = rows[fields[key]].astype(str).str.strip().replace({".": "", "None": "", "nan": ""})
        values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
        for i in np.flatnonzero((values.isna() & text.ne("")).to_numpy()):
            problems.append(
                Problem(
                    file=str(path),
                    row=int(rows.index[i]) + 2,
                    column=fields[key],
                    message=f"{excerpt(text.iloc[i])} is not a number",
                )
            )
        return values

    population = number("population")
    working_age = number("age_15_25") + number("age_25_45") + number("age_45_65")
    low, mid, high = number("edu_low"), number("edu_mid"), number("edu_high")
    known = low + mid + high
    name_col = fields.get("municipality", fields.get("name"))
    frame = pd.DataFrame(
        {
            "gm_code": rows[fields["code"]].astype(str).str.strip().to_numpy(),
            "name": rows[name_col].astype(str).str.strip().to_numpy() if name_col else "",
            "province": "",
            "population": population.to_numpy(),
            "population_15_64": working_age.to_numpy(),
            "edu_low_pct": (100 * low / known).to_numpy(),
            "edu_mid_pct": (100 * mid / known).to_numpy(),
            "edu_high_pct": (100 * high / known).to_numpy(),
            "labour_participation_pct": number("participation").to_numpy(),
        }
    )
    if problems:
        raise SitingInputError(problems)
    return frame


def read_cbs_nlstat(path: str | Path) -> pd.DataFrame:
    """Read the *nlstat* municipality JSON (CBS 85039NED, 2021, shares in percent).

    Parameters
    ----------
    path
        JSON with ``{"Gemeente": {"GM0014": {"Naam": ..., "Population": ...,
        "Demographics": {"15-24 years (%)": ...}, "HumanCapital": {...}}}}``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`CBS_COLUMNS`; ``population_15_64`` is population times the summed age
        shares, rounded to whole persons.
    """
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        municipalities = content["Gemeente"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SitingInputError(
            Problem(file=str(path), message=f"not an nlstat municipality file: {exc}")
        ) from None
    records = []
    problems = []
    for i, (code, rec) in enumerate(municipalities.items(), start=1):
        try:
            demo, human = rec["Demographics"], rec["HumanCapital"]
            population = float(rec["Population"])
            share_15_64 = sum(
                float(demo[k]) for k in ("15-24 years (%)", "25-44 years (%)", "45-64 years (%)")
            )
            records.append(
                {
                    "gm_code": code,
                    "name": rec.get("Naam") or "",
                    "province": rec.get("Provincie") or "",
                    "population": population,
                    "population_15_64": round(population * share_15_64 / 100),
                    "edu_low_pct": float(human["Low education (%)"]),
                    "edu_mid_pct": float(human["Medium education (%)"]),
                    "edu_high_pct": float(human["High education (%)"]),
                    "labour_participation_pct": float(human["Labour participation (%)"]),
                }
            )
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(
                Problem(
                    file=str(path), row=i, column=code, message=f"missing or invalid figure: {exc}"
                )
            )
    if problems:
        raise SitingInputError(problems)
    return pd.DataFrame.from_records(records, columns=list(CBS_COLUMNS))


def to_current_municipalities(
    figures: pd.DataFrame, mergers: pd.DataFrame, current_codes: set[str]
) -> pd.DataFrame:
    """Map figures of former municipalities onto the current division.

    Counts are summed; shares [%] are averaged weighted by the working-age population, which
    approximates the CBS base of ages 15-75 (the merged record is marked ``approximate``).

    Parameters
    ----------
    figures
        Output of a reader (:data:`CBS_COLUMNS`).
    mergers
        Merger table with ``old_code`` and ``new_code`` (chains are followed).
    current_codes
        The current municipality codes.

    Returns
    -------
    pandas.DataFrame
        One row per current code present, with :data:`CBS_COLUMNS` (minus name and province)
        plus ``merged_from`` (tuple of former codes) and ``confidence``.

    Raises
    ------
    SitingInputError
        If a code is neither current nor in the merger table.
    """
    successor = resolve_codes(figures["gm_code"], mergers)
    unknown = sorted(set(successor) - current_codes)
    if unknown:
        raise SitingInputError(
            Problem(
                file="CBS figures",
                column="gm_code",
                message=f"code(s) neither current nor in the merger table: {', '.join(unknown)}",
            )
        )
    frame = figures.assign(target=successor.to_numpy())
    weight = frame["population_15_64"].astype(float)
    shares = ["edu_low_pct", "edu_mid_pct", "edu_high_pct", "labour_participation_pct"]
    weighted = frame[shares].mul(weight, axis=0).assign(target=frame["target"], weight=weight)
    grouped = weighted.groupby("target")
    out = frame.groupby("target")[["population", "population_15_64"]].sum()
    out[shares] = grouped[shares].sum().div(grouped["weight"].sum(), axis=0)
    merged = frame[frame["gm_code"] != frame["target"]].groupby("target")["gm_code"]
    out["merged_from"] = merged.apply(lambda s: tuple(sorted(s)))
    out["merged_from"] = out["merged_from"].apply(lambda v: v if isinstance(v, tuple) else ())
    out["confidence"] = np.where(out["merged_from"].str.len() > 0, "approximate", "reported")
    return out.rename_axis("gm_code").reset_index()


def resolve_codes(codes: pd.Series, mergers: pd.DataFrame) -> pd.Series:
    """Follow the merger table from each code to its current successor (itself if current).

    Parameters
    ----------
    codes
        Municipality codes (``GMxxxx``).
    mergers
        Table with ``old_code`` and ``new_code``.

    Returns
    -------
    pandas.Series
        The current code for each input code, same index.
    """
    step = dict(zip(mergers["old_code"], mergers["new_code"], strict=True))

    def follow(code: str) -> str:
        seen = set()
        while code in step and code not in seen:
            seen.add(code)
            code = step[code]
        return code

    return codes.map(follow)


def _read_records(path: Path) -> pd.DataFrame:
    file = str(path)
    try:
        if path.suffix.lower() == ".json":
            content = json.loads(path.read_text(encoding="utf-8"))
            records = content.get("value", content) if isinstance(content, dict) else content
            return pd.DataFrame.from_records(records)
        return pd.read_csv(
            path, sep=None, engine="python", dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except FileNotFoundError:
        raise SitingInputError(Problem(file=file, message="file not found")) from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise SitingInputError(Problem(file=file, message=f"cannot read the file: {exc}")) from None
