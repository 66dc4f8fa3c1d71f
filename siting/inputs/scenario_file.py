"""Read and check a what-if scenario file into a :class:`Scenario` (its structure only).

The file format is in :mod:`siting.inputs.scenario`, which applies a scenario and re-exports
the names of this module. The values of the changes are checked when the scenario is applied
(:func:`siting.inputs.scenario.apply_scenario`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt
from siting._toml import read_toml

#: The repository root: a scenario's ``base`` may also be given relative to it.
REPO_DIR = Path(__file__).resolve().parents[2]

#: Sections of a scenario that override the base profile (deep-merged).
PROFILE_SECTIONS: tuple[str, ...] = ("needs", "constraints", "weights", "two_site")
#: Keys of the ``[scenario]`` table.
SCENARIO_KEYS: tuple[str, ...] = ("name", "base", "description")
#: Kinds of data change (``[[data.<kind>]]``).
DATA_KINDS: tuple[str, ...] = ("zone", "site", "add_site", "withdraw_site")


@dataclass(frozen=True)
class Scenario:
    """A base case and the changes to it (see the module docstring for the file format).

    Attributes
    ----------
    name
        Short name shown in comparisons.
    file
        The scenario file (as given), used in every message.
    base
        The base profile file.
    description
        Free text.
    profile_changes
        ``{"needs": {...}, "constraints": {...}, "weights": {...}, "two_site": {...}}``.
    zones, sites, add_sites, withdraw_sites
        The ``[[data.*]]`` entries, in file order.
    """

    name: str
    file: str
    base: Path
    description: str = ""
    profile_changes: Mapping[str, Any] = field(default_factory=dict)
    zones: tuple[Mapping[str, Any], ...] = ()
    sites: tuple[Mapping[str, Any], ...] = ()
    add_sites: tuple[Mapping[str, Any], ...] = ()
    withdraw_sites: tuple[Mapping[str, Any], ...] = ()

    @property
    def changes_data(self) -> bool:
        """Whether the scenario changes the layers (not only the profile)."""
        return bool(self.zones or self.sites or self.add_sites or self.withdraw_sites)


def is_scenario_file(path: str | Path) -> bool:
    """Return whether a TOML file is a scenario (it has a ``[scenario]`` table).

    Raises
    ------
    SitingInputError
        When the file cannot be read as TOML.
    """
    return isinstance(read_toml(path).get("scenario"), dict)


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file.

    Parameters
    ----------
    path
        The scenario TOML file.

    Returns
    -------
    Scenario

    Raises
    ------
    SitingInputError
        Every problem of the file's structure (unknown keys and sections, a missing or unknown
        base), each naming the file and the key. Values are checked by :func:`apply_scenario`.
    """
    path = Path(path)
    return parse_scenario(read_toml(path), file=str(path), folder=path.parent)


def parse_scenario(
    content: Mapping[str, Any], *, file: str, folder: str | Path | None = None
) -> Scenario:
    """Check a parsed scenario mapping and return the :class:`Scenario`.

    Parameters
    ----------
    content
        The parsed TOML.
    file
        Name used in the messages.
    folder
        Folder a relative ``base`` is resolved against first (then the repository root, then
        the working directory); default the working directory.

    Returns
    -------
    Scenario

    Raises
    ------
    SitingInputError
        With every structural problem found.
    """
    problems: list[Problem] = []
    head = content.get("scenario")
    if not isinstance(head, dict):
        raise SitingInputError(
            Problem(
                file=file,
                column="scenario",
                label="key",
                message="a scenario needs a [scenario] table with "
                "`base` (the profile it changes) and `name`",
            )
        )
    problems += _head_problems(content, head, file)
    base_path = _base_path(head.get("base"), folder, file, problems)
    changes: dict[str, Any] = {}
    for section in PROFILE_SECTIONS:
        if section in content:
            if not isinstance(content[section], dict):
                problems.append(_key_problem(file, section, "must be a table"))
            else:
                changes[section] = content[section]
    entries = _data_entries(content.get("data", {}), file, problems)
    if problems:
        raise SitingInputError(problems)
    assert base_path is not None
    name = str(head.get("name") or Path(file).stem)
    return Scenario(
        name=name,
        file=file,
        base=base_path,
        description=str(head.get("description", "")),
        profile_changes=changes,
        zones=entries["zone"],
        sites=entries["site"],
        add_sites=entries["add_site"],
        withdraw_sites=entries["withdraw_site"],
    )


def _key_problem(file: str, key: str | None, message: str) -> Problem:
    """Return a problem of a scenario file's key."""
    return Problem(file=file, column=key, label="key", message=message)


def _head_problems(content: Mapping[str, Any], head: Mapping[str, Any], file: str) -> list[Problem]:
    """Return the problems of the sections and of the ``[scenario]`` table's keys."""
    problems = []
    allowed_top = ("scenario", *PROFILE_SECTIONS, "data")
    for key in content:
        if key not in allowed_top:
            problems.append(
                _key_problem(file, key, f"unknown section; allowed: {', '.join(allowed_top)}")
            )
    for key in head:
        if key not in SCENARIO_KEYS:
            message = f"unknown key; allowed: {', '.join(SCENARIO_KEYS)}"
            problems.append(_key_problem(file, f"scenario.{key}", message))
    for key in ("name", "description"):
        if key in head and not isinstance(head[key], str):
            problems.append(_key_problem(file, f"scenario.{key}", "must be text"))
    return problems


def _base_path(
    base: Any, folder: str | Path | None, file: str, problems: list[Problem]
) -> Path | None:
    """Return the base profile's file, or ``None`` with its problem added to ``problems``."""
    if not isinstance(base, str) or not base.strip():
        problems.append(
            _key_problem(
                file,
                "scenario.base",
                "required: the profile (TOML) this scenario changes, relative "
                "to the scenario file or to the repository",
            )
        )
        return None
    base_path = _resolve_base(base, folder)
    if base_path is None:
        problems.append(
            _key_problem(
                file,
                "scenario.base",
                f"{excerpt(str(base))} not found (looked next to the scenario file, "
                "in the repository and in the working directory)",
            )
        )
    return base_path


def _data_entries(
    data: Any, file: str, problems: list[Problem]
) -> dict[str, tuple[Mapping[str, Any], ...]]:
    """Return the ``[[data.*]]`` entries by kind; add the structural problems to ``problems``."""
    entries: dict[str, tuple[Mapping[str, Any], ...]] = dict.fromkeys(DATA_KINDS, ())
    if not isinstance(data, dict):
        problems.append(
            _key_problem(
                file,
                "data",
                "must hold [[data.zone]], [[data.site]], [[data.add_site]] or "
                "[[data.withdraw_site]] entries",
            )
        )
        return entries
    for kind, items in data.items():
        if kind not in DATA_KINDS:
            problems.append(
                _key_problem(
                    file,
                    f"data.{kind}",
                    f"unknown kind of data change; allowed: "
                    f"{', '.join(f'data.{k}' for k in DATA_KINDS)}",
                )
            )
            continue
        if isinstance(items, dict):
            items = [items]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            message = f"write each change as a [[data.{kind}]] table"
            problems.append(_key_problem(file, f"data.{kind}", message))
            continue
        entries[kind] = tuple(items)
    return entries


def _resolve_base(base: str, folder: str | Path | None) -> Path | None:
    """Return the base file: next to the scenario, in the repository, or as given."""
    given = Path(base)
    candidates = (
        [given]
        if given.is_absolute()
        else [*([Path(folder) / given] if folder is not None else []), REPO_DIR / given, given]
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None
