"""Names and numbers as users write them in profiles and leads tables.

- lists in one text cell (:func:`split_list_text`): ``|`` or ``;`` separate; a comma separates
  only where it does not fall inside an NTS domain's official name;
- quantities written with a Dutch thousands separator (:func:`thousands_problems`): refused
  with a message naming the field, never read as a decimal;
- unknown NTS domain names (:func:`unknown_domains`): the message with "did you mean".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from siting import vocab
from siting._errors import Problem, excerpt

#: Unknown items quoted in one message at most.
QUOTED_ITEMS = 5

#: Separators of a list inside one text cell (``"photonics | semiconductors"``). A comma
#: separates only where it does not fall inside a domain's name ("Process technology,
#: including process intensification" stays one name), so older files with comma lists read
#: as before.
LIST_SEPARATORS = ";|"

#: Profile fields that hold a quantity; there a number written with a Dutch thousands
#: separator (``1.500``) is refused instead of being read as a decimal (1.5).
QUANTITY_FIELDS: tuple[tuple[str, ...], ...] = (
    ("needs", "land_ha"),
    ("needs", "floor_m2"),
    ("needs", "cleanroom_m2"),
    ("needs", "power_mw"),
    *(("needs", "talent", lvl) for lvl in vocab.EDUCATION_LEVELS),
    ("constraints", "max_relocation_km"),
    ("two_site", "max_distance_km"),
    ("two_site", "rnd_land_ha"),
    ("two_site", "rnd_power_mw"),
)

#: A number with Dutch thousands separators, optionally with a decimal comma: 1.500, 12.000,
#: 1.250.000, 1.500,5 (a leading 0 group, as in 0.500, is a decimal).
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?")


class SourceFloat(float):
    """A float read from a TOML file that remembers how it was written (``"1.500"``).

    :func:`siting.inputs.profile.load_profile` reads floats as this type, so that a Dutch
    thousands separator in a quantity can be told from a decimal point (TOML itself reads
    ``1.500`` as 1.5).
    """

    text: str

    def __new__(cls, text: str) -> SourceFloat:
        value = super().__new__(cls, text.replace("_", ""))
        value.text = text
        return value


def split_list_text(text: str) -> list[str]:
    """Split a list written in one text cell into its items.

    Items are separated by ``;`` or ``|`` (:data:`LIST_SEPARATORS`); a comma separates too,
    except inside an NTS domain name: ``"Process technology, including process
    intensification, quantum"`` gives two items. Parts are joined back greedily, longest
    known name first.

    Parameters
    ----------
    text
        The cell.

    Returns
    -------
    list of str
        The items, stripped, empty ones left out.
    """
    items: list[str] = []
    for part in re.split(f"[{re.escape(LIST_SEPARATORS)}]", text):
        tokens = [t.strip() for t in part.split(",")]
        i = 0
        while i < len(tokens):
            j = len(tokens)
            while j > i + 1 and vocab.nts_domain_slug(", ".join(tokens[i:j])) is None:
                j -= 1
            items.append(", ".join(tokens[i:j]))
            i = j
    return [item for item in items if item]


def thousands_problems(
    content: Mapping[str, Any], *, file: str, row: int | None = None
) -> list[Problem]:
    """Find quantities written with a Dutch thousands separator (``1.500`` for 1500).

    Such a number is ambiguous (TOML and most programs read ``1.500`` as 1.5), so it is
    refused with a message naming the field, never silently read either way. Only fields of
    :data:`QUANTITY_FIELDS` are checked, and only values written as text (a leads cell) or
    read by :func:`load_profile` (:class:`SourceFloat`).

    Parameters
    ----------
    content
        The nested profile mapping.
    file, row
        Where it comes from, for the problems.

    Returns
    -------
    list of Problem
        One per such quantity.
    """
    problems = []
    for path in QUANTITY_FIELDS:
        node: Any = content
        for part in path:
            node = node.get(part) if isinstance(node, Mapping) else None
        text = node.text if isinstance(node, SourceFloat) else node
        if not isinstance(text, str) or not _THOUSANDS.fullmatch(text.strip()):
            continue
        text = text.strip()
        meant = excerpt(text.replace(".", "").replace(",", "."), quote=False)
        if "," in text:
            message = (
                f"{excerpt(text)} looks like {meant} written with Dutch thousands separators "
                f"and a decimal comma; numbers take no thousands separator: write {meant}"
            )
        else:
            message = (
                f"{excerpt(text)} looks like {meant} written with a Dutch thousands separator; "
                f"numbers take none: write {meant}, or {float(text):g} if a decimal point "
                "was meant"
            )
        problems.append(
            Problem(
                file=file,
                row=row,
                column=".".join(path),
                message=message,
                label="column" if row is not None else "key",
            )
        )
    return problems


def unknown_domains(unknown: list[str]) -> str:
    """Return the message for NTS domain names nobody knows, with the closest names."""
    parts = []
    for item in unknown[:QUOTED_ITEMS]:
        close = vocab.suggest_nts_domains(item) if len(item) <= 200 else []
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        parts.append(f"{excerpt(item)}{hint}")
    if len(unknown) > QUOTED_ITEMS:
        parts.append(f"and {len(unknown) - QUOTED_ITEMS} more")
    allowed = "; ".join(vocab.NTS_DOMAINS.values())
    return (
        f"unknown NTS domain(s) {', '.join(parts)}; allowed: {allowed} (or their Dutch names "
        "or short forms; separate several with ';' or '|')"
    )
