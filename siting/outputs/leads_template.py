"""A leads template to fill in: the columns, their units and allowed values, one example row.

``siting leads template OUT.xlsx`` (or ``.csv``) writes it; ``siting screen`` and ``siting
assign`` read it back as it is. The Excel template has the leads sheet first (what
:func:`siting.inputs.leads.read_leads` reads), with drop-down lists where a column has a few
allowed values or a municipality, then a sheet that explains every column and a sheet with the
allowed values. The columns are the flat profile fields of
:data:`siting.inputs.profile.FLAT_FIELDS` (see ``models/leads/README.md``) and ``priority``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from siting import vng, vocab
from siting._errors import Problem, SitingInputError
from siting.inputs.profile import SPACE_TYPES
from siting.layers.load import GeoData, load_geodata
from siting.outputs.excel import Sheet, write_workbook

_BOOL = ("true", "false")

#: column -> (meaning, unit, allowed values in words, required, example value).
COLUMNS: dict[str, tuple[str, str, str, str, Any]] = {
    "id": ("unique lead id", "", "any text, unique in the file", "required", "LEAD-0001"),
    "name": (
        "company name: confidential, never written to any output",
        "",
        "any text",
        "optional",
        "Example B.V. (fictitious)",
    ),
    "nts_domains": (
        "NTS key-technology domains",
        "",
        "';'-separated: " + "; ".join(vocab.NTS_DOMAINS.values()),
        "optional",
        "semiconductor technologies; optical systems and integrated photonics",
    ),
    "municipality": (
        "current location: CBS code (GM0772) or name",
        "",
        "a municipality of the 2024 division (sheet 'Allowed values')",
        "municipality or lat+lon",
        "Eindhoven",
    ),
    "lat": (
        "current location: latitude (instead of municipality)",
        "degree",
        "50.6-53.8",
        "",
        None,
    ),
    "lon": ("current location: longitude (instead of municipality)", "degree", "3.0-7.5", "", None),
    "year": ("year the site must be usable", "year", "2024-2045", "required", 2028),
    "land_ha": ("plot needed, growth included", "ha", ">= 0", "optional", 2.5),
    "floor_m2": (
        "floor space; needs a plot via the floor-space index of models/criteria.toml",
        "m2",
        ">= 0",
        "optional",
        8000,
    ),
    "cleanroom_m2": ("cleanroom floor space", "m2", ">= 0", "optional", 1000),
    "vibration_free": ("needs vibration-free floors", "", "true / false", "optional", True),
    "heavy_transport": ("needs heavy-transport access", "", "true / false", "optional", False),
    "environmental_category": (
        "the activity's environmental category (milieucategorie, VNG 2009) the site must allow;"
        " a whole 3, 4 or 5 when the sub-category is not known",
        "",
        "1, 2, 3.1, 3.2, 4.1, 4.2, 5.1, 5.2, 5.3, 6 (or 3, 4, 5)",
        "optional",
        3,
    ),
    "power_mw": ("demand-side grid capacity needed in 'year'", "MW", ">= 0", "optional", 5.0),
    "activity": (
        "what the company does on the site: production needs a designation that allows it",
        "",
        "; ".join(vocab.ACTIVITIES) + " (default production)",
        "optional",
        "production",
    ),
    "water_bound": ("needs a quay on navigable water", "", "true / false", "optional", False),
    "talent_mbo": ("mbo staff to hire within commuting reach", "FTE", ">= 0", "optional", 40),
    "talent_hbo": ("hbo staff to hire within commuting reach", "FTE", ">= 0", "optional", 100),
    "talent_wo": ("wo staff to hire within commuting reach", "FTE", ">= 0", "optional", 60),
    "max_relocation_km": (
        "longest move from the current location",
        "km",
        "> 0, at most 400; empty: no limit",
        "optional",
        150,
    ),
    "include_provinces": (
        "only these provinces",
        "",
        "';'-separated: " + "; ".join(vocab.PROVINCES.values()),
        "optional",
        None,
    ),
    "exclude_provinces": (
        "never these provinces",
        "",
        "';'-separated province names",
        "optional",
        None,
    ),
    "space_types": (
        "kinds of room to grow that drive the case (choose the weights)",
        "",
        "';'-separated: " + "; ".join(SPACE_TYPES),
        "optional (default space)",
        "space; energy",
    ),
    "max_delay_years": (
        "years the grid connection may come later than 'year'",
        "years",
        "0-20 (default 0)",
        "optional",
        0,
    ),
    "flexible_connection": (
        "a flexible (non-firm or time-bound) grid contract or own storage is acceptable",
        "",
        "true / false",
        "optional",
        False,
    ),
    "allow_unknown": (
        "true (default): sites with unknown facts pass those rules, marked to confirm; "
        "false: strict, every rule verified",
        "",
        "true / false",
        "optional",
        True,
    ),
    "verify": (
        "rules whose facts must be known (rule ids separated by ; or |)",
        "",
        "e.g. environmental_category; grid",
        "optional",
        "",
    ),
    "qualifies_for": (
        "sectors the company belongs to: a park reserved for one admits only its companies",
        "",
        "; ".join(vocab.SITE_RESERVATIONS) + " (empty: none)",
        "optional",
        "",
    ),
    "priority": (
        "weight of the lead in `siting assign` (not used by screen)",
        "",
        ">= 0 (default 1)",
        "optional",
        1,
    ),
}

_DROPDOWNS = {
    "vibration_free": _BOOL,
    "heavy_transport": _BOOL,
    "allow_unknown": _BOOL,
    "flexible_connection": _BOOL,
    "water_bound": _BOOL,
    "activity": tuple(vocab.ACTIVITIES),
    "environmental_category": tuple(f"{v:g}" for v in vng.CATEGORIES),
}


def template_frame() -> pd.DataFrame:
    """Return the leads table of the template: every column and one filled example row."""
    return pd.DataFrame([{c: spec[4] for c, spec in COLUMNS.items()}], columns=list(COLUMNS))


def _kinds() -> dict[str, str]:
    units = {"ha": "ha", "MW": "MW", "FTE": "FTE", "km": "km", "m2": "m2"}
    kinds = {c: units[spec[1]] for c, spec in COLUMNS.items() if spec[1] in units}
    kinds.update({"lat": "number", "lon": "number", "year": "year"})
    kinds.update({"environmental_category": "number", "priority": "int"})
    return kinds


def write_leads_template(
    path: str | Path, *, dialect: str = "standard", data: GeoData | None = None
) -> Path:
    """Write a leads template to fill in, as ``.xlsx`` or ``.csv``.

    Parameters
    ----------
    path
        The file; ``.xlsx`` (leads sheet with drop-down lists, a sheet per column's meaning,
        unit and allowed values, and the allowed values) or ``.csv`` (header and the example
        row).
    dialect
        For ``.csv``: ``"standard"`` or ``"excel"`` (see :func:`siting.outputs.tables.write_csv`).
    data
        Layers for the list of municipalities; default the embedded dataset.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SitingInputError
        For another suffix.
    """
    from siting.outputs.tables import write_csv

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return write_csv(template_frame(), path, dialect=dialect)
    if suffix != ".xlsx":
        raise SitingInputError(
            Problem(file=str(path), message="write the template as .xlsx or .csv")
        )
    data = load_geodata() if data is None else data
    names = sorted(data.municipalities["name"].astype(str))
    lists = {
        "municipality": names,
        "province": list(vocab.PROVINCES.values()),
        "nts_domain": list(vocab.NTS_DOMAINS.values()),
        "space_type": list(SPACE_TYPES),
    }
    allowed = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in lists.items()})
    explained = pd.DataFrame(
        [(c, *spec[:4]) for c, spec in COLUMNS.items()],
        columns=["column", "meaning", "unit", "allowed", "required"],
    )
    validations: dict[str, Any] = dict(_DROPDOWNS)
    validations["municipality"] = f"='Allowed values'!$A$2:$A${len(names) + 1}"
    leads = Sheet(
        "Leads",
        template_frame(),
        headers={c: c for c in COLUMNS},  # the reader needs the field names as the header
        kinds=_kinds(),
        validations=validations,
    )
    return write_workbook(
        [
            leads,
            Sheet("Columns", explained),
            Sheet(
                "Allowed values",
                allowed,
                headers={k: k for k in lists},
            ),
        ],
        path,
    )
