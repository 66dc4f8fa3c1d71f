"""CBS municipality figures: population, ages, education, and proxies for the room to grow.

The proxies indicate housing pressure, accessibility and an industrial cluster.

Two inputs are read into one tidy frame (one row per municipality code of the source year):

- :func:`read_cbs_kerncijfers`: a CBS StatLine export of *Kerncijfers wijken en buurten*
  (tables 85039NED for 2021, 85984NED for 2024, ...) as OData JSON (``{"value": [...]}``) or
  CSV. Field names carry a numeric suffix that changes between table years
  (``AantalInwoners_5``), so fields are matched on their stem (``AantalInwoners``).
- :func:`read_cbs_nlstat`: the municipality JSON of the open *nlstat* project, derived from
  85039NED (2021), which stores shares in percent instead of counts and labels some fields
  wrongly (:data:`NLSTAT_FIELDS` reads them under their CBS meaning).

The proxies (:data:`PROXY_COLUMNS`) are CBS figures that indicate, not measure:

- housing pressure: average WOZ value of dwellings, rental and housing-corporation shares,
  uninhabited dwellings (vacancy);
- accessibility (urban density and daily amenities, not travel times): the surrounding
  address density (*omgevingsadressendichtheid*, the measure behind CBS's urbanisation
  class), the urbanisation class, and the mean road distance of inhabitants to a GP, a large
  supermarket, a school and a day-care centre;
- an industrial cluster: the share of business establishments in SBI sections B-F (mining,
  manufacturing, energy, water and waste, and construction) and establishments per 1,000
  inhabitants. Establishments, not jobs: one large plant counts as one.

:func:`to_current_municipalities` then maps former municipality codes onto the current ones
with the merger table (:data:`MERGE_WEIGHTS`): counts are summed; shares and averages are
weighted by the population they refer to (the working-age population for education, the
inhabitants for housing and distances: an approximation where CBS weights by dwellings);
the industry share by establishments; the business density and the urbanisation class are
recomputed from the merged figures.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from siting._errors import Problem, SitingInputError
from siting.importers._cbs_statline import read_cbs_kerncijfers as read_cbs_kerncijfers

#: Proxy figures read next to the population and education figures.
PROXY_COLUMNS = (
    "woz_avg_keur",
    "rental_pct",
    "corporation_rental_pct",
    "vacancy_pct",
    "address_density",
    "urbanisation_class",
    "gp_km",
    "supermarket_km",
    "school_km",
    "daycare_km",
    "industry_energy_pct",
    "businesses_per_1000",
)

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
    *PROXY_COLUMNS,
)

#: Where the nlstat JSON keeps each proxy: column -> (block, key). Three keys are named
#: wrongly by nlstat's build script: ``Population density`` holds the surrounding address
#: density (CBS Omgevingsadressendichtheid: its values follow the CBS urbanisation-class
#: limits exactly), and the sector shares and ``Business density`` are shares and a density
#: of business *establishments* (BedrijfsvestigingenTotaal), not of firms or jobs.
NLSTAT_FIELDS: dict[str, tuple[str, str]] = {
    "woz_avg_keur": ("Housing", "Avg WOZ value (x€1k)"),
    "rental_pct": ("Housing", "Rental homes (%)"),
    "corporation_rental_pct": ("Housing", "Social housing (%)"),
    "vacancy_pct": ("Housing", "Vacancy rate (%)"),
    "address_density": ("Demographics", "Population density (per km²)"),
    "urbanisation_class": ("Services", "Degree of urbanisation (1–5)"),
    "gp_km": ("Services", "Distance to GP (km)"),
    "supermarket_km": ("Services", "Distance to supermarket (km)"),
    "school_km": ("Services", "Distance to school (km)"),
    "daycare_km": ("Services", "Distance to daycare (km)"),
    "industry_energy_pct": ("Economy", "Industry & energy sector (%)"),
    "businesses_per_1000": ("Economy", "Business density (per 1k pop)"),
}

#: How a figure of merged municipalities is combined: the column its mean is weighted by
#: (``establishments`` is businesses_per_1000 x population / 1000); unlisted proxies are
#: recomputed (business density, urbanisation class); counts are summed.
MERGE_WEIGHTS: dict[str, str] = {
    "edu_low_pct": "population_15_64",
    "edu_mid_pct": "population_15_64",
    "edu_high_pct": "population_15_64",
    "labour_participation_pct": "population_15_64",
    "woz_avg_keur": "population",
    "rental_pct": "population",
    "corporation_rental_pct": "population",
    "vacancy_pct": "population",
    "address_density": "population",
    "gp_km": "population",
    "supermarket_km": "population",
    "school_km": "population",
    "daycare_km": "population",
    "industry_energy_pct": "establishments",
}

#: CBS urbanisation classes by surrounding address density [addresses/km2]: class 1 from
#: 2,500, 2 from 1,500, 3 from 1,000, 4 from 500, else 5.
URBANISATION_LIMITS = (2500.0, 1500.0, 1000.0, 500.0)


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
        shares, rounded to whole persons; the proxies under their CBS meaning
        (:data:`NLSTAT_FIELDS`), NaN where the file lacks one.
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
                    **{
                        column: _optional_float(rec.get(block, {}), key)
                        for column, (block, key) in NLSTAT_FIELDS.items()
                    },
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

    Counts are summed; shares and averages are weighted as :data:`MERGE_WEIGHTS` says (an
    approximation: the merged record is marked ``approximate``); business density is the
    summed establishments per summed inhabitants, and the urbanisation class is the CBS class
    of the merged address density (:data:`URBANISATION_LIMITS`).

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
    frame = figures.assign(
        target=successor.to_numpy(),
        establishments=figures["businesses_per_1000"].astype(float)
        * figures["population"].astype(float)
        / 1000,
    )
    grouped = frame.groupby("target")
    out = grouped[["population", "population_15_64", "establishments"]].sum(min_count=1)
    for column, weight in MERGE_WEIGHTS.items():
        value = frame[column].astype(float)
        w = frame[weight].astype(float).where(value.notna(), 0.0)
        weighted = (value.fillna(0.0) * w).groupby(frame["target"]).sum()
        out[column] = weighted / w.groupby(frame["target"]).sum().replace(0.0, np.nan)
    out["businesses_per_1000"] = 1000 * out["establishments"] / out["population"]
    merged = frame[frame["gm_code"] != frame["target"]].groupby("target")["gm_code"]
    out["merged_from"] = merged.apply(lambda s: tuple(sorted(s)))
    out["merged_from"] = out["merged_from"].apply(lambda v: v if isinstance(v, tuple) else ())
    was_merged = out["merged_from"].str.len() > 0
    stated = grouped["urbanisation_class"].first()
    out["urbanisation_class"] = stated.where(
        ~was_merged, urbanisation_class(out["address_density"])
    )
    out["confidence"] = np.where(was_merged, "approximate", "reported")
    columns = [c for c in CBS_COLUMNS if c not in ("gm_code", "name", "province")]
    return out[[*columns, "merged_from", "confidence"]].rename_axis("gm_code").reset_index()


def urbanisation_class(address_density: pd.Series) -> pd.Series:
    """Return the CBS urbanisation class (1 very strongly urban .. 5 not urban) of densities.

    Parameters
    ----------
    address_density
        Surrounding address density [addresses/km2].

    Returns
    -------
    pandas.Series
        Classes 1-5 as floats, NaN where the density is unknown.
    """
    density = address_density.astype(float)
    classes = pd.Series(5.0, index=density.index)
    for cls, limit in zip((4.0, 3.0, 2.0, 1.0), URBANISATION_LIMITS[::-1], strict=True):
        classes = classes.where(density < limit, cls)
    return classes.where(density.notna())


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


def _optional_float(block: object, key: str) -> float:
    value = block.get(key) if isinstance(block, dict) else None
    return np.nan if value is None else float(value)
