"""The company profile: what a lead needs, validated with clear, located messages.

A profile is a TOML file (see ``models/cases/``) or one row of a leads table with the same
fields flattened (``needs.land_ha`` or just ``land_ha``); both go through
:func:`parse_profile`, so a batch and a single case obey the same rules.

Every problem is reported at once as a :class:`~siting.SitingInputError` naming the file, the
key (``needs.power_mw``), what is wrong and what is allowed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from siting import vocab
from siting._errors import Problem, SitingInputError
from siting._toml import read_toml
from siting.inputs._written import (
    SourceFloat,
    split_list_text,
    thousands_problems,
    unknown_domains,
)

#: Kinds of room to grow that can drive a case (DESIGN section 1); each has a weight preset.
SPACE_TYPES: tuple[str, ...] = ("space", "capital", "talent", "housing", "energy")

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def nts_domain_slug(name: str) -> str | None:
    """Return the NTS domain slug for a name, label or common short form, else ``None``.

    The names are those of :func:`siting.vocab.nts_domain_slug`: the ministry's English and
    Dutch names, the slugs and the short names users write.
    """
    return vocab.nts_domain_slug(name)


class Location(BaseModel):
    """The company's current location: a municipality, or a point.

    Attributes
    ----------
    municipality
        CBS code (``GM0772``) or name (``Eindhoven``); resolved against the data later.
    lat, lon
        WGS84 point [degree].
    """

    model_config = _STRICT
    municipality: str | None = None
    lat: float | None = Field(default=None, ge=50.6, le=53.8)
    lon: float | None = Field(default=None, ge=3.0, le=7.5)

    @model_validator(mode="after")
    def _one_kind(self) -> Location:
        has_point = self.lat is not None or self.lon is not None
        if self.municipality and has_point:
            raise ValueError("give either municipality or lat/lon, not both")
        if not self.municipality and not has_point:
            raise ValueError("give a municipality (code or name) or lat and lon")
        if has_point and (self.lat is None or self.lon is None):
            raise ValueError("give both lat and lon")
        return self


class Company(BaseModel):
    """Who the lead is. ``name`` is confidential and never leaves the machine."""

    model_config = _STRICT
    id: str = Field(min_length=1, max_length=100)
    name: str = Field(default="", max_length=300)
    nts_domains: tuple[str, ...] = ()
    current_location: Location | None = None

    @field_validator("nts_domains", mode="before")
    @classmethod
    def _domains(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = split_list_text(value)
        if not isinstance(value, list | tuple):
            raise ValueError("must be a list of NTS domains")
        slugs, unknown = [], []
        for item in value:
            slug = nts_domain_slug(str(item))
            if slug is None:
                unknown.append(str(item))
            elif slug not in slugs:
                slugs.append(slug)
        if unknown:
            raise ValueError(unknown_domains(unknown))
        return tuple(slugs)


class TalentNeed(BaseModel):
    """Staff to hire within commuting reach, per education level [FTE]."""

    model_config = _STRICT
    mbo: float = Field(default=0.0, ge=0, le=100_000)
    hbo: float = Field(default=0.0, ge=0, le=100_000)
    wo: float = Field(default=0.0, ge=0, le=100_000)

    @property
    def total(self) -> float:
        """All levels together [FTE]."""
        return self.mbo + self.hbo + self.wo


class Needs(BaseModel):
    """What the site must offer.

    Attributes
    ----------
    year
        Year the site must be usable.
    land_ha
        Plot size [ha], growth included.
    floor_m2
        Floor space [m2] (informative: the model works on plots).
    cleanroom_m2
        Cleanroom floor space [m2]; 0 if none.
    vibration_free, heavy_transport
        Whether the site must offer these.
    environmental_category
        Lowest *milieucategorie* (1-6) the site must allow.
    power_mw
        Demand-side grid capacity needed in ``year`` [MW].
    talent
        Staff to hire within commuting reach [FTE].
    """

    model_config = _STRICT
    year: int = Field(ge=2024, le=2045)
    land_ha: float = Field(default=0.0, ge=0, le=1000)
    floor_m2: float = Field(default=0.0, ge=0, le=5_000_000)
    cleanroom_m2: float = Field(default=0.0, ge=0, le=500_000)
    vibration_free: bool = False
    heavy_transport: bool = False
    environmental_category: int = Field(default=1, ge=1, le=6)
    power_mw: float = Field(default=0.0, ge=0, le=2000)
    talent: TalentNeed = TalentNeed()


class Constraints(BaseModel):
    """Limits set by the company or the analyst.

    Attributes
    ----------
    max_delay_years
        Years the grid connection may come after ``needs.year`` [years] (the rule "grid
        connection in time" compares the earliest connection year with the year needed plus
        this).
    flexible_connection
        The company accepts a flexible (non-firm or time-bound) contract or brings its own
        storage: a site whose grid area is of class 1 or 2 is then "possible with a flexible
        contract: confirm with the operator" instead of failing.
    """

    model_config = _STRICT
    max_relocation_km: float | None = Field(default=None, gt=0, le=400)
    exclude_provinces: tuple[str, ...] = ()
    include_provinces: tuple[str, ...] = ()
    space_types: tuple[Literal["space", "capital", "talent", "housing", "energy"], ...] = ("space",)
    allow_unknown: bool = False
    max_delay_years: float = Field(default=0.0, ge=0, le=20)
    flexible_connection: bool = False

    @field_validator("exclude_provinces", "include_provinces", mode="before")
    @classmethod
    def _provinces(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [v for v in re.split(r"[,;|]", value) if v.strip()]
        if value is None:
            value = []
        if not isinstance(value, list | tuple):
            raise ValueError("must be a list of province names")
        names, unknown = [], []
        for item in value:
            code = vocab.province_code(str(item))
            if code is None:
                unknown.append(str(item))
            else:
                names.append(vocab.PROVINCES[code])
        if unknown:
            raise ValueError(
                f"unknown province(s) {', '.join(map(repr, unknown))}; allowed: "
                f"{', '.join(vocab.PROVINCES.values())}"
            )
        return tuple(names)

    @field_validator("space_types", mode="before")
    @classmethod
    def _space_types(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in re.split(r"[,;|]", value) if v.strip()]
        return value


class TwoSite(BaseModel):
    """Optional split: R&D near a matching campus, production on a large plot.

    Attributes
    ----------
    max_distance_km
        Longest distance between the two sites [km].
    rnd_land_ha
        Plot the R&D site needs [ha].
    rnd_power_mw
        Grid capacity the R&D site needs [MW]; the rest of ``needs.power_mw`` goes to
        production.
    """

    model_config = _STRICT
    max_distance_km: float = Field(default=40.0, gt=0, le=300)
    rnd_land_ha: float = Field(default=0.5, ge=0, le=100)
    rnd_power_mw: float = Field(default=0.0, ge=0, le=100)


class Profile(BaseModel):
    """A company profile: the input contract of ranking and screening."""

    model_config = _STRICT
    company: Company
    needs: Needs
    constraints: Constraints = Constraints()
    weights: dict[str, float] = Field(default_factory=dict)
    two_site: TwoSite | None = None

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in value.items() if w < 0]
        if bad:
            raise ValueError(f"weights must be >= 0 ({', '.join(bad)})")
        return value

    @model_validator(mode="after")
    def _provinces_consistent(self) -> Profile:
        both = set(self.constraints.include_provinces) & set(self.constraints.exclude_provinces)
        if both:
            raise ValueError(f"province(s) both included and excluded: {', '.join(sorted(both))}")
        if self.two_site is not None and self.two_site.rnd_power_mw > self.needs.power_mw:
            raise ValueError("two_site.rnd_power_mw exceeds needs.power_mw")
        return self


def load_profile(path: str | Path) -> Profile:
    """Read and validate a profile TOML file.

    Parameters
    ----------
    path
        The TOML file.

    Returns
    -------
    Profile

    Raises
    ------
    SitingInputError
        With every problem: file, key, what is wrong, what is allowed.
    """
    file = str(path)
    content = read_toml(path, parse_float=SourceFloat)
    return parse_profile(content, file=file)


def parse_profile(content: Mapping[str, Any], *, file: str, row: int | None = None) -> Profile:
    """Validate a nested mapping (parsed TOML) as a profile.

    Parameters
    ----------
    content
        ``{"company": {...}, "needs": {...}, ...}``.
    file
        File name used in the problems.
    row
        Row of a leads table, when the profile comes from one.

    Returns
    -------
    Profile

    Raises
    ------
    SitingInputError
        With every problem found.
    """
    problems = thousands_problems(content, file=file, row=row)
    try:
        profile = Profile.model_validate(content)
    except ValidationError as exc:
        flagged = {p.column for p in problems}
        problems += [
            p
            for p in (_problem(err, file=file, row=row) for err in exc.errors())
            if p.column not in flagged
        ]
    if problems:
        raise SitingInputError(problems)
    return profile


def needs_year_warning(profile: Profile, *, today: date | None = None) -> str | None:
    """Return a warning when the year the site is needed is already past, else ``None``.

    Parameters
    ----------
    profile
        The profile.
    today
        The date to compare with; default today.

    Returns
    -------
    str or None
        The warning, in words.
    """
    today = date.today() if today is None else today
    year = profile.needs.year
    if year >= today.year:
        return None
    return (
        f"needs.year {year} is already past (it is now {today.year}); the rules compare it "
        "as given (e.g. with the year the grid is relieved): check the year"
    )


#: Flat column name -> nested key, for the fields of a leads table row.
FLAT_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("company", "id"),
    "name": ("company", "name"),
    "nts_domains": ("company", "nts_domains"),
    "municipality": ("company", "current_location", "municipality"),
    "lat": ("company", "current_location", "lat"),
    "lon": ("company", "current_location", "lon"),
    **{
        f: ("needs", f)
        for f in (
            "year",
            "land_ha",
            "floor_m2",
            "cleanroom_m2",
            "vibration_free",
            "heavy_transport",
            "environmental_category",
            "power_mw",
        )
    },
    **{f"talent_{lvl}": ("needs", "talent", lvl) for lvl in vocab.EDUCATION_LEVELS},
    **{
        f: ("constraints", f)
        for f in (
            "max_relocation_km",
            "exclude_provinces",
            "include_provinces",
            "space_types",
            "allow_unknown",
            "max_delay_years",
            "flexible_connection",
        )
    },
}


def nest_flat_record(record: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Turn a flat record (a leads-table row) into the nested profile mapping.

    Keys may be given in full (``needs.land_ha``, ``needs.talent.hbo``,
    ``company.current_location.municipality``) or short (``land_ha``, ``talent_hbo``,
    ``municipality``); ``weights.<criterion>`` sets a weight. Empty cells are left out, so the
    profile's defaults apply.

    Parameters
    ----------
    record
        Column name -> cell value.

    Returns
    -------
    nested : dict
        The mapping for :func:`parse_profile`.
    unknown : list of str
        Column names that are no profile field.
    """
    nested: dict[str, Any] = {}
    unknown = []
    for key, value in record.items():
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        path = _field_path(str(key))
        if path is None:
            unknown.append(str(key).strip())
            continue
        node = nested
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value.strip() if isinstance(value, str) else value
    return nested, unknown


@lru_cache(maxsize=1024)
def _field_path(key: str) -> tuple[str, ...] | None:
    """Return the profile path of a flat column name, ``None`` when it names no field."""
    name = key.strip()
    if name.startswith(("company.", "needs.", "constraints.", "weights.", "two_site.")):
        return tuple(name.split("."))
    return FLAT_FIELDS.get(name)


def _problem(err: Any, *, file: str, row: int | None) -> Problem:
    loc = ".".join(str(p) for p in err["loc"] if not isinstance(p, int))
    kind = err["type"]
    message = str(err["msg"]).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        parent = loc.rsplit(".", 1)[0] if "." in loc else ""
        message = f"unknown key; allowed here: {', '.join(_allowed_keys(parent))}"
    elif kind == "missing":
        message = "required key is missing"
    elif "input" in err and kind not in ("model_type", "value_error"):
        message = f"{message} (got {err['input']!r})"
    return Problem(
        file=file,
        row=row,
        column=loc or None,
        message=message,
        label="column" if row is not None else "key",
    )


def _allowed_keys(parent: str) -> list[str]:
    model: type[BaseModel] = Profile
    for part in [p for p in parent.split(".") if p]:
        field = model.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        candidates = [
            a
            for a in getattr(annotation, "__args__", (annotation,))
            if isinstance(a, type) and issubclass(a, BaseModel)
        ]
        if not candidates:
            return []
        model = candidates[0]
    return list(model.model_fields)
