"""Read a CBS StatLine *Kerncijfers wijken en buurten* export (see :mod:`siting.importers.cbs`).

Field names carry a numeric suffix that changes between table years (``AantalInwoners_5``),
so fields are matched on their stem (``AantalInwoners``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError, excerpt

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
    "woz": "GemiddeldeWOZWaardeVanWoningen",
    "rental": "HuurwoningenTotaal",
    "corporation": "InBezitWoningcorporatie",
    "vacancy": "PercentageOnbewoond",
    "address_density": "Omgevingsadressendichtheid",
    "urbanisation": "MateVanStedelijkheid",
    "gp": "AfstandTotHuisartsenpraktijk",
    "supermarket": "AfstandTotGroteSupermarkt",
    "school": "AfstandTotSchool",
    "daycare": "AfstandTotKinderdagverblijf",
    "businesses": "BedrijfsvestigingenTotaal",
    "industry": "BFNijverheidEnEnergie",
}


_REQUIRED_STEMS = {"code", "kind", "population", "age_15_25", "age_25_45", "age_45_65"}


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
        (ages 15-75), labour participation [%]; the proxies (module docstring) in the units of
        the municipalities layer; missing figures as NaN.

    Raises
    ------
    SitingInputError
        If the file cannot be read or lacks the code, region-kind, population or age fields.
    """
    path = Path(path)
    raw = _read_records(path)
    fields = _statline_fields(raw, file=str(path))
    kind = raw[fields["kind"]].astype(str).str.strip().str.lower()
    rows = raw[kind.eq("gemeente")]
    if rows.empty:
        raise SitingInputError(
            Problem(
                file=str(path), column=fields["kind"], message="no rows with SoortRegio 'Gemeente'"
            )
        )
    problems: list[Problem] = []
    number = partial(_number, rows, fields, file=str(path), problems=problems)
    frame = _kerncijfers_frame(rows, fields, number)
    if problems:
        raise SitingInputError(problems)
    return frame


def _statline_fields(raw: pd.DataFrame, *, file: str) -> dict[str, str]:
    """Map each key of ``_STATLINE_STEMS`` to the file's field with that stem (any ``_N``)."""
    stems = {re.sub(r"_\d+$", "", str(c)).strip().lower(): c for c in raw.columns}
    fields: dict[str, str] = {}
    missing = []
    for key, stem in _STATLINE_STEMS.items():
        if stem.lower() in stems:
            fields[key] = stems[stem.lower()]
        elif key in _REQUIRED_STEMS:
            missing.append(stem)
    if missing:
        raise SitingInputError(
            Problem(
                file=file,
                message=f"missing field(s) {', '.join(missing)} (with any _N suffix); "
                f"fields found: {', '.join(map(str, raw.columns[:30]))}",
            )
        )
    return fields


def _number(
    rows: pd.DataFrame, fields: dict[str, str], key: str, *, file: str, problems: list[Problem]
) -> pd.Series:
    """Return the figure ``key`` of every row as float (NaN if absent or ``.``); text: problem."""
    if key not in fields:
        return pd.Series(np.nan, index=rows.index)
    text = rows[fields[key]].astype(str).str.strip().replace({".": "", "None": "", "nan": ""})
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    for i in np.flatnonzero((values.isna() & text.ne("")).to_numpy()):
        problems.append(
            Problem(
                file=file,
                row=int(rows.index[i]) + 2,
                column=fields[key],
                message=f"{excerpt(text.iloc[i])} is not a number",
            )
        )
    return values


def _kerncijfers_frame(
    rows: pd.DataFrame, fields: dict[str, str], number: Callable[[str], pd.Series]
) -> pd.DataFrame:
    """Build the columns of :data:`siting.importers.cbs.CBS_COLUMNS` from municipality rows."""
    population = number("population")
    working_age = number("age_15_25") + number("age_25_45") + number("age_45_65")
    low, mid, high = number("edu_low"), number("edu_mid"), number("edu_high")
    known = low + mid + high
    name_col = fields.get("municipality", fields.get("name"))
    businesses = number("businesses")
    return pd.DataFrame(
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
            "woz_avg_keur": number("woz").to_numpy(),
            "rental_pct": number("rental").to_numpy(),
            "corporation_rental_pct": number("corporation").to_numpy(),
            "vacancy_pct": number("vacancy").to_numpy(),
            "address_density": number("address_density").to_numpy(),
            "urbanisation_class": number("urbanisation").to_numpy(),
            "gp_km": number("gp").to_numpy(),
            "supermarket_km": number("supermarket").to_numpy(),
            "school_km": number("school").to_numpy(),
            "daycare_km": number("daycare").to_numpy(),
            "industry_energy_pct": (100 * number("industry") / businesses).to_numpy(),
            "businesses_per_1000": (1000 * businesses / population).to_numpy(),
        }
    )


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
