"""The criteria catalogue: criteria, weight presets and rule parameters (``models/criteria.toml``).

The catalogue names the criteria, their units and normalisation, the weight presets per kind
of room to grow, the parameters of the hard constraints and the role factors of a two-site
search. Analysts edit the TOML; :func:`load_catalogue` validates it with located messages and
:func:`resolve_weights` turns a profile's presets and overrides into weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from siting import settings, vocab
from siting._errors import Problem, SitingInputError, excerpt
from siting._toml import read_toml
from siting.inputs.profile import SPACE_TYPES, Profile


class CriterionSpec(BaseModel):
    """One criterion of the catalogue: its words, unit and normalisation.

    Attributes
    ----------
    label, unit, description
        For readers.
    direction
        ``"max"`` (more is better) or ``"min"``.
    normalise
        How raw values become scores in [0, 1]: ``ratio_cap`` (value / ``cap``, capped),
        ``linear_decay`` (1 at 0 down to 0 at ``zero_at``), ``identity``, ``lookup`` (``scores``
        per value), ``minmax`` (over the sites), ``log_minmax`` (``minmax`` of the logarithm:
        each doubling adds the same) or ``years_to_spare`` (years to spare up to
        ``cap``, times one minus ``queue_weight`` x the queue pressure; ``unknown_score`` where
        the year is unknown; the grid outlook, :mod:`siting.criteria.grid_rule`) or
        ``log_ratio`` (per education level, logarithmic from ``floor`` FTE in reach per hire
        up to the ``full_quantile`` of the national distribution of pools; the talent fit,
        :mod:`siting.criteria.talent`).
    cap, zero_at, scores, queue_weight, unknown_score, floor, full_quantile
        The normalisation's parameters.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str
    unit: str
    direction: Literal["max", "min"]
    normalise: Literal[
        "ratio_cap",
        "linear_decay",
        "identity",
        "lookup",
        "minmax",
        "log_minmax",
        "years_to_spare",
        "log_ratio",
    ]
    description: str
    cap: float | None = Field(default=None, gt=0)
    zero_at: float | None = Field(default=None, gt=0)
    scores: dict[str, float] | None = None
    queue_weight: float | None = Field(default=None, ge=0, le=1)
    unknown_score: float | None = Field(default=None, ge=0, le=1)
    floor: float | None = Field(default=None, gt=0)
    full_quantile: float | None = Field(default=None, gt=0, le=1)


class _ConstraintParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    small_connection_mw: float = Field(ge=0)
    small_connection_reach: float = Field(default=2.0, ge=1)
    environmental_category_applies_from: int = Field(ge=1, le=6)
    hazardous_category_from: int = Field(default=4, ge=1, le=6)
    industrial_category_from: int = Field(default=4, ge=1, le=6)
    hotspot_in_development_factor: float = Field(default=0.5, ge=0, le=1)
    hotspot_secondary_factor: float = Field(default=0.5, ge=0, le=1)
    shared_facility_kinds: tuple[str, ...]
    rnd_campus_reach_km: float = Field(gt=0)
    floor_space_index: float = Field(default=0.6, gt=0, le=10)
    shared_cleanroom_max_m2: float = Field(default=300.0, ge=0)


class _Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    criteria: dict[str, CriterionSpec]
    presets: dict[str, dict[str, float]]
    constraints: _ConstraintParams
    roles: dict[Literal["rnd", "production"], dict[str, float]] = Field(default_factory=dict)


#: The criteria this module knows how to compute.
KNOWN_CRITERIA: tuple[str, ...] = (
    "space_headroom",
    "grid_outlook",
    "talent_fit",
    "student_pipeline",
    "labour_pool",
    "ecosystem_match",
    "campus_proximity",
    "shared_facilities",
    "relocation_distance",
    "hotspot_match",
    "housing_pressure",
    "accessibility",
    "industrial_cluster",
    "site_purpose",
)


@dataclass(frozen=True)
class Catalogue:
    """The validated criteria catalogue.

    Attributes
    ----------
    criteria
        Name -> definition (label, unit, direction, normalisation, parameters).
    presets
        Kind of room to grow -> criterion weights.
    params
        Parameters of the hard constraints.
    file
        Where it was read from.
    roles
        Weight multipliers per role of a two-site configuration (``rnd``, ``production``).
    """

    criteria: Mapping[str, CriterionSpec]
    presets: Mapping[str, Mapping[str, float]]
    params: _ConstraintParams
    file: str
    roles: Mapping[Literal["rnd", "production"], Mapping[str, float]] = field(default_factory=dict)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and check the criteria catalogue.

    Parameters
    ----------
    path
        A catalogue TOML file; ``None`` for :data:`siting.settings.criteria_file`.

    Returns
    -------
    Catalogue

    Raises
    ------
    SitingInputError
        With every problem (key, what is wrong, what is allowed).
    """
    path = Path(path) if path is not None else settings.criteria_file
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load_catalogue(str(path), stamp)


@lru_cache(maxsize=16)
def _load_catalogue(file: str, stamp: int) -> Catalogue:
    """Read and check a catalogue; cached per file and modification time."""
    content = read_toml(file)
    try:
        parsed = _Catalogue.model_validate(content)
    except ValidationError as exc:
        raise SitingInputError(
            [
                Problem(
                    file=file,
                    column=".".join(map(str, e["loc"])),
                    label="key",
                    message=str(e["msg"]),
                )
                for e in exc.errors()
            ]
        ) from None
    problems = [
        *_criterion_problems(parsed, file),
        *_preset_problems(parsed, file),
        *_role_and_kind_problems(parsed, file),
    ]
    if problems:
        raise SitingInputError(problems)
    return Catalogue(
        criteria=parsed.criteria,
        presets=parsed.presets,
        params=parsed.constraints,
        file=file,
        roles=parsed.roles,
    )


def _criterion_problems(parsed: _Catalogue, file: str) -> list[Problem]:
    """Return the problems of the criteria: unknown names, parameters their normalisation needs."""
    problems: list[Problem] = []
    for name, crit in parsed.criteria.items():
        if name not in KNOWN_CRITERIA:
            problems.append(
                Problem(
                    file=file,
                    column=f"criteria.{name}",
                    label="key",
                    message=f"unknown criterion; known: {', '.join(KNOWN_CRITERIA)}",
                )
            )
        needed = {
            "ratio_cap": ("cap",),
            "linear_decay": ("zero_at",),
            "lookup": ("scores",),
            "years_to_spare": ("cap", "queue_weight", "unknown_score"),
            "log_ratio": ("floor", "full_quantile"),
        }
        for key in needed.get(crit.normalise, ()):
            if getattr(crit, key) is not None:
                continue
            problems.append(
                Problem(
                    file=file,
                    column=f"criteria.{name}.{key}",
                    label="key",
                    message=f"required for normalise = '{crit.normalise}'",
                )
            )
    for name, crit in parsed.criteria.items():
        if name == "site_purpose":
            problems += _purpose_problems(crit, file)
        if crit.normalise == "log_ratio" and name != "talent_fit":
            problems.append(
                Problem(
                    file=file,
                    column=f"criteria.{name}.normalise",
                    label="key",
                    message="'log_ratio' is a normalisation of talent_fit only",
                )
            )
        if (name == "grid_outlook") != (crit.normalise == "years_to_spare"):
            problems.append(
                Problem(
                    file=file,
                    column=f"criteria.{name}.normalise",
                    label="key",
                    message="'years_to_spare' is the normalisation of grid_outlook, and only of it",
                )
            )
    return problems


def _purpose_problems(crit: CriterionSpec, file: str) -> list[Problem]:
    """Return the problems of ``site_purpose``: identity, a score in [0, 1] per class."""
    classes = vocab.SITE_PURPOSES
    where = "criteria.site_purpose"
    problems = []
    if crit.normalise != "identity":
        problems.append(
            Problem(
                file=file,
                column=f"{where}.normalise",
                label="key",
                message="site_purpose is scored by its classes: normalise = 'identity'",
            )
        )
    scores = crit.scores or {}
    if set(scores) != set(classes):
        problems.append(
            Problem(
                file=file,
                column=f"{where}.scores",
                label="key",
                message=f"needs a score for each class, exactly: {', '.join(classes)}",
            )
        )
    problems += [
        Problem(file=file, column=f"{where}.scores.{slug}", label="key", message="not in [0, 1]")
        for slug, value in scores.items()
        if not 0.0 <= value <= 1.0
    ]
    return problems


def _preset_problems(parsed: _Catalogue, file: str) -> list[Problem]:
    """Return the problems of the presets: missing or unknown kinds, criteria, weights < 0."""
    problems: list[Problem] = []
    for kind in SPACE_TYPES:
        if kind not in parsed.presets:
            problems.append(
                Problem(file=file, column=f"presets.{kind}", label="key", message="missing preset")
            )
    for kind, weights in parsed.presets.items():
        if kind not in SPACE_TYPES:
            problems.append(
                Problem(
                    file=file,
                    column=f"presets.{kind}",
                    label="key",
                    message=f"unknown kind; allowed: {', '.join(SPACE_TYPES)}",
                )
            )
        for name, weight in weights.items():
            if name not in parsed.criteria:
                problems.append(
                    Problem(
                        file=file,
                        column=f"presets.{kind}.{name}",
                        label="key",
                        message="not a criterion of this catalogue",
                    )
                )
            elif weight < 0:
                problems.append(
                    Problem(
                        file=file,
                        column=f"presets.{kind}.{name}",
                        label="key",
                        message="weights must be >= 0",
                    )
                )
    return problems


def _role_and_kind_problems(parsed: _Catalogue, file: str) -> list[Problem]:
    """Return the problems of the role multipliers and the shared-facility kinds."""
    problems: list[Problem] = []
    for role, multipliers in parsed.roles.items():
        for name, value in multipliers.items():
            if name not in parsed.criteria or value < 0:
                problems.append(
                    Problem(
                        file=file,
                        column=f"roles.{role}.{name}",
                        label="key",
                        message="not a criterion of this catalogue"
                        if name not in parsed.criteria
                        else "must be >= 0",
                    )
                )
    unknown_kinds = set(parsed.constraints.shared_facility_kinds) - set(vocab.SHARED_FACILITIES)
    if unknown_kinds:
        problems.append(
            Problem(
                file=file,
                column="constraints.shared_facility_kinds",
                label="key",
                message=f"unknown kind(s) {sorted(unknown_kinds)}",
            )
        )
    return problems


def resolve_weights(profile: Profile, catalogue: Catalogue) -> dict[str, float]:
    """Weights of the profile: mean of its presets, overridden by its ``[weights]``.

    Returns
    -------
    dict
        Criterion -> weight (not yet scaled; zero weights included).

    Raises
    ------
    SitingInputError
        When the profile weights a criterion the catalogue does not have.
    """
    unknown = [k for k in profile.weights if k not in catalogue.criteria]
    if unknown:
        raise SitingInputError(
            Problem(
                file="profile",
                column="weights",
                label="key",
                message=f"unknown criterion {', '.join(map(excerpt, unknown[:5]))}; known: "
                f"{', '.join(catalogue.criteria)}",
            )
        )
    kinds = profile.constraints.space_types or ("space",)
    weights = dict.fromkeys(catalogue.criteria, 0.0)
    for kind in kinds:
        for name, value in catalogue.presets[kind].items():
            weights[name] += value / len(kinds)
    weights.update(profile.weights)
    return weights
