"""The company profile: what a lead needs, validated with clear, located messages.

A profile is a TOML file (see ``models/cases/``) or one row of a leads table with the same
fields flattened (``needs.land_ha`` or just ``land_ha``); both go through
:func:`parse_profile`, so a batch and a single case obey the same rules.

Every problem is reported at once as a :class:`~siting.SitingInputError` naming the file, the
key (``needs.power_mw``), what is wrong and what is allowed (the messages are built in
:mod:`siting.inputs._profile_problems`; the flat fields of a leads-table row are in
:mod:`siting.inputs.flat_fields`, re-exported here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from siting import vng, vocab
from siting._errors import SitingInputError, excerpt
from siting._toml import read_toml
from siting.criteria.unknowns import verify_rules
from siting.inputs._profile_problems import CONFIDENTIAL_KEYS as CONFIDENTIAL_KEYS  # re-exported
from siting.inputs._profile_problems import validation_problem
from siting.inputs._written import (
    QUOTED_ITEMS,
    SourceFloat,
    split_list_text,
    thousands_problems,
    unknown_domains,
)
from siting.inputs.expect import Expectation
from siting.inputs.flat_fields import FLAT_FIELDS as FLAT_FIELDS  # re-exported
from siting.inputs.flat_fields import nest_flat_record as nest_flat_record  # re-exported

#: Kinds of room to grow that can drive a case (DESIGN section 1); each has a weight preset.
SPACE_TYPES: tuple[str, ...] = ("space", "capital", "talent", "housing", "energy")

_STRICT = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


class _Model(BaseModel):
    """Base of the profile's parts: unknown keys, infinity, NaN and ``true`` as a number refused.

    pydantic reads ``true`` as the number 1 (``environmental_category = true``); a profile
    that says so has a mistake, which is reported instead of guessed.
    """

    model_config = _STRICT

    @field_validator("*", mode="before")
    @classmethod
    def _no_true_as_number(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name
        annotation = cls.model_fields[name].annotation if name in cls.model_fields else None
        if get_origin(annotation) is dict:
            numbers = get_args(annotation)[1:] in ((int,), (float,))
            if numbers and isinstance(value, Mapping):
                if any(isinstance(v, bool) for v in value.values()):
                    raise ValueError("must be numbers, not true or false")
        elif isinstance(value, bool) and _is_number(annotation):
            raise ValueError("must be a number, not true or false")
        return value


def _is_number(annotation: Any) -> bool:
    return any(a in (int, float) for a in (get_args(annotation) or (annotation,)))


def nts_domain_slug(name: str) -> str | None:
    """Return the NTS domain slug for a name, label or common short form, else ``None``.

    The names are those of :func:`siting.vocab.nts_domain_slug`: the ministry's English and
    Dutch names, the slugs and the short names users write.
    """
    return vocab.nts_domain_slug(name)


class Location(_Model):
    """The company's current location: a municipality, or a point.

    Attributes
    ----------
    municipality
        CBS code (``GM0772``) or name (``Eindhoven``); resolved against the data later.
    lat, lon
        WGS84 point [degree].
    """

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


class Company(_Model):
    """Who the lead is. ``name`` is confidential and never leaves the machine."""

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


class TalentNeed(_Model):
    """Staff to hire within commuting reach, per education level [FTE]."""

    mbo: float = Field(default=0.0, ge=0, le=100_000)
    hbo: float = Field(default=0.0, ge=0, le=100_000)
    wo: float = Field(default=0.0, ge=0, le=100_000)

    @property
    def total(self) -> float:
        """All levels together [FTE]."""
        return self.mbo + self.hbo + self.wo


class Needs(_Model):
    """What the site must offer.

    Attributes
    ----------
    year
        Year the site must be usable.
    land_ha
        Plot size [ha], growth included.
    floor_m2
        Floor space [m2]: needs a plot of floor_m2 / the floor-space index of the catalogue
        (:mod:`siting.criteria.floor_space`); the larger of that and ``land_ha`` is used.
    cleanroom_m2
        Cleanroom floor space [m2]; 0 if none.
    vibration_free, heavy_transport
        Whether the site must offer these.
    environmental_category
        The activity's *milieucategorie* on the VNG scale (:mod:`siting.vng`): 1, 2, 3.1, 3.2,
        4.1, 4.2, 5.1, 5.2, 5.3 or 6; a whole 3, 4 or 5 when the sub-category is not known
        (then a site that admits only the lower sub-category is to confirm). The site must
        allow it.
    power_mw
        Demand-side grid capacity needed in ``year`` [MW].
    talent
        Staff to hire within commuting reach [FTE].
    activity
        What the company will do on the site (:data:`siting.vocab.ACTIVITIES`): ``rnd``,
        ``pilot`` or ``production`` (default): production needs a designation that allows it.
    water_bound
        The company needs a quay on navigable water (ships in or out).
    """

    year: int = Field(ge=2024, le=2045)
    land_ha: float = Field(default=0.0, ge=0, le=1000)
    floor_m2: float = Field(default=0.0, ge=0, le=5_000_000)
    cleanroom_m2: float = Field(default=0.0, ge=0, le=500_000)
    vibration_free: bool = False
    heavy_transport: bool = False
    environmental_category: float = Field(default=1, ge=1, le=6)
    power_mw: float = Field(default=0.0, ge=0, le=2000)
    talent: TalentNeed = TalentNeed()
    activity: Literal["rnd", "pilot", "production"] = "production"
    water_bound: bool = False

    @field_validator("environmental_category")
    @classmethod
    def _category(cls, value: float) -> float:
        if not vng.is_category(value):
            allowed = ", ".join(f"{v:g}" for v in vng.CATEGORIES)
            raise ValueError(
                f"{value:g} is not an environmental category of the VNG scale (Bedrijven en "
                f"milieuzonering, 2009); allowed: {allowed}"
            )
        return round(value, 1)


class Constraints(_Model):
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
    qualifies_for
        Sectors of :data:`siting.vocab.SITE_RESERVATIONS` the company belongs to: a site
        reserved for a sector (a food-industry park) admits only companies that do. A
        water-bound company, or one of an industrial category with heavy transport, is
        port-related by its needs without naming it
        (:func:`siting.criteria.site_fit.sectors`).
    allow_unknown
        ``True`` (default): a fact the data do not know passes its rule as a question to
        confirm (:mod:`siting.criteria.unknowns`); ``False``: strict, every rule verified.
    verify
        Rules (ids of :data:`siting.criteria.rules.RULES`, or their labels) whose facts must
        be known: an unknown fails them.
    """

    max_relocation_km: float | None = Field(default=None, gt=0, le=400)
    exclude_provinces: tuple[str, ...] = ()
    include_provinces: tuple[str, ...] = ()
    space_types: tuple[Literal["space", "capital", "talent", "housing", "energy"], ...] = ("space",)
    allow_unknown: bool = True
    verify: tuple[str, ...] = ()
    max_delay_years: float = Field(default=0.0, ge=0, le=20)
    flexible_connection: bool = False
    qualifies_for: tuple[Literal["agrifood", "port_related"], ...] = ()

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
                f"unknown province(s) {_quoted(unknown)}; allowed: "
                f"{', '.join(vocab.PROVINCES.values())}"
            )
        return tuple(names)

    @field_validator("verify", mode="before")
    @classmethod
    def _verify(cls, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = split_list_text(value)
        if value is None:
            value = []
        if not isinstance(value, list | tuple):
            raise ValueError('must be a list of rule ids, such as ["environmental_category"]')
        return verify_rules(str(v) for v in value)

    @field_validator("qualifies_for", mode="before")
    @classmethod
    def _sectors(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = split_list_text(value)
        return [] if value is None else value

    @field_validator("space_types", mode="before")
    @classmethod
    def _space_types(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in re.split(r"[,;|]", value) if v.strip()]
        return value


class TwoSite(_Model):
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

    max_distance_km: float = Field(default=40.0, gt=0, le=300)
    rnd_land_ha: float = Field(default=0.5, ge=0, le=100)
    rnd_power_mw: float = Field(default=0.0, ge=0, le=100)


class Profile(_Model):
    """A company profile: the input contract of ranking and screening."""

    company: Company
    needs: Needs
    constraints: Constraints = Constraints()
    weights: dict[str, float] = Field(default_factory=dict)
    two_site: TwoSite | None = None
    expect: Expectation | None = None

    @field_validator("weights")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, w in value.items() if w < 0]
        if bad:
            raise ValueError(f"weights must be >= 0 ({_quoted(bad)})")
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
            for p in (
                validation_problem(err, file=file, row=row, model=Profile) for err in exc.errors()
            )
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


def _quoted(items: list[str]) -> str:
    """Quote at most :data:`QUOTED_ITEMS` values, each as a short excerpt."""
    shown = ", ".join(excerpt(item) for item in items[:QUOTED_ITEMS])
    more = len(items) - QUOTED_ITEMS
    return shown + (f" and {more} more" if more > 0 else "")
