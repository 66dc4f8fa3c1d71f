"""What a domain expert expects of an example case: the ``[expect]`` block of a case TOML.

An example case (``models/cases/``) may say where its top sites must lie or what they must
have, or which rule must block it; ``tests/test_cases.py`` checks every case against it on the
national data. The expectations are written from what a domain expert would expect (the
``reason`` says why, with sources), not from what the tool prints. The ranking ignores them.

Keys (all optional except ``reason``):

``top``
    How many top sites the checks look at (default 5).
``provinces``, ``hotspots``
    Where the top sites must lie: a site meets the expectation when it lies in one of the
    provinces or in the core municipalities of one of the hotspots (ids of
    ``geodata/hotspots.csv``).
``share``
    Share of the top sites that must meet the location expectation (default 1.0).
``designations``
    Every top site's designation is one of these (unknown does not count).
``not_designations``
    No top site has one of these designations.
``not_reserved``
    No top site is reserved for a sector the company does not belong to (default false).
``blocked_by``
    No site fits, and this rule (an id of :data:`siting.criteria.rules.RULES`) rules out the
    most sites.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from siting import vocab

_ID = r"^[a-z][a-z0-9_]*$"


class Expectation(BaseModel):
    """The ``[expect]`` block of an example case (module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    reason: str = Field(min_length=10, max_length=2000)
    top: int = Field(default=5, ge=1, le=50)
    provinces: tuple[str, ...] = ()
    hotspots: tuple[str, ...] = ()
    share: float = Field(default=1.0, gt=0, le=1)
    designations: tuple[str, ...] = ()
    not_designations: tuple[str, ...] = ()
    not_reserved: bool = False
    blocked_by: str | None = None

    @field_validator("provinces")
    @classmethod
    def _provinces(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names, unknown = [], []
        for item in value:
            code = vocab.province_code(item)
            (unknown.append(item) if code is None else names.append(vocab.PROVINCES[code]))
        if unknown:
            raise ValueError(f"unknown province(s) {', '.join(map(repr, unknown))}")
        return tuple(names)

    @field_validator("hotspots")
    @classmethod
    def _hotspots(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import re

        bad = [v for v in value if not re.match(_ID, v)]
        if bad:
            raise ValueError(f"hotspot ids are slugs as in hotspots.csv, got {bad!r}")
        return value

    @field_validator("designations", "not_designations")
    @classmethod
    def _designations(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if v not in vocab.DESIGNATIONS]
        if bad:
            raise ValueError(
                f"unknown designation(s) {bad!r}; allowed: {', '.join(vocab.DESIGNATIONS)}"
            )
        return value

    @field_validator("blocked_by")
    @classmethod
    def _rule(cls, value: str | None) -> str | None:
        from siting.criteria.rules import RULES

        if value is not None and value not in RULES:
            raise ValueError(f"unknown rule {value!r}; allowed: {', '.join(RULES)}")
        return value

    @model_validator(mode="after")
    def _something(self) -> Expectation:
        located = self.provinces or self.hotspots
        checks = located or self.designations or self.not_designations or self.not_reserved
        if self.blocked_by is not None and checks:
            raise ValueError("blocked_by says no site fits: no top-site expectation with it")
        if self.blocked_by is None and not checks:
            raise ValueError("say where the top sites lie, what they have, or blocked_by")
        return self
