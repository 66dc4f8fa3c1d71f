"""The words of a what-if comparison: the changes of the data and the case, the summary.

Used by :func:`siting.jobs.compare.compare`; plain functions of the ranked cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from siting.inputs.catalogue import Catalogue
from siting.inputs.profile import Profile
from siting.inputs.scenario import SITE_FIELDS
from siting.jobs.whatif_case import (
    RankedCase,
)
from siting.layers.load import GeoData
from siting.results.whatif import (
    SiteChange,
    VariantComparison,
)

#: How many sites a sentence names at most.
NAMES_SHOWN = 3


def count_phrase(n: int, noun: str) -> str:
    """Return ``n`` with its noun, plural when ``n`` is not 1."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def tally(kinds: list[str]) -> str:
    """Return how many changes of each kind, in words (``2 entered, 1 left``)."""
    counts: dict[str, int] = {}
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in counts.items())


def site_name(ranked: RankedCase, sid: str) -> str:
    """Return a site's name with its municipality, for sentences."""
    i = ranked.index[sid]
    return f"{ranked.names[i]} ({ranked.municipalities[i]})"


def describe_changes(
    base: Profile, variant: Profile, base_data: GeoData, data: GeoData
) -> tuple[str, ...]:
    """Describe what a variant changes against the base: profile fields, zones, sites.

    Returns
    -------
    tuple of str
        E.g. ``"needs.power_mw: 5 -> 12"``, ``"grid zone Hengelo (O.) (GM0164):
        expected_relief_year 2029 -> 2028"``, ``"site added: ..."``.
    """
    out = []
    flat0, flat1 = _flatten(base.model_dump()), _flatten(variant.model_dump())
    for key in dict.fromkeys([*flat0, *flat1]):
        a, c = (
            flat0.get(key, "(preset)" if key.startswith("weights.") else "-"),
            flat1.get(key, "(preset)" if key.startswith("weights.") else "-"),
        )
        if a != c:
            out.append(f"{key}: {_show(a)} -> {_show(c)}")
    if data is not base_data:
        out += _zone_changes(base_data, data)
        out += _site_changes(base_data, data)
    return tuple(out)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flatten(v, f"{prefix}{k}."))
        return out
    return {prefix.rstrip("."): value}


def _show(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(map(str, value)) + "]"
    if value is None or (not isinstance(value, str) and _isna(value)):
        return "unknown"
    return str(value)


def _isna(value: Any) -> bool:
    try:
        return bool(value != value) or value is None or str(value) == "<NA>"
    except (TypeError, ValueError):
        return False


def _zone_changes(base_data: GeoData, data: GeoData) -> list[str]:
    """Return a variant's what-if changes of the grid, grouped, in words.

    E.g. ``grid in Hengelo (O.) (GM0164), Almelo (GM0141): expected_solve_year -> 2028``
    or ``grid area OS X: expected_solve_year 2031 -> 2028``.
    """
    before = list(base_data.grid_overrides)
    added = [o for o in data.grid_overrides if o not in before]
    names = base_data.municipalities.set_index("gm_code")["name"]
    records = base_data.grid_areas.set_index("area_id")
    groups: dict[tuple[str, str], list[str]] = {}
    for o in added:
        if o.scope == "municipality":
            what = "; ".join(f"{k} -> {_show(v)}" for k, v in o.changes.items())
            groups.setdefault(("grid in", what), []).append(f"{names.get(o.key, o.key)} ({o.key})")
            continue
        parts = []
        for k, v in o.changes.items():
            old = records.at[o.key, k] if o.key in records.index and k in records else None
            parts.append(f"{k} {_show(old)} -> {_show(v)}")
        groups.setdefault(("grid area", "; ".join(parts)), []).append(o.key)
    return [f"{head} {', '.join(keys)}: {what}" for (head, what), keys in groups.items()]


def _site_changes(base_data: GeoData, data: GeoData) -> list[str]:
    s0 = base_data.sites.set_index("site_id")
    s1 = data.sites.set_index("site_id")
    out = [f"site added: {s1.at[sid, 'name']} ({sid})" for sid in s1.index.difference(s0.index)]
    out += [
        f"site withdrawn: {s0.at[sid, 'name']} ({sid})" for sid in s0.index.difference(s1.index)
    ]
    for sid in s1.index.intersection(s0.index):
        parts = [
            f"{key} {_show(s0.at[sid, key])} -> {_show(s1.at[sid, key])}"
            for key in SITE_FIELDS
            if key != "notes" and _show(s0.at[sid, key]) != _show(s1.at[sid, key])
        ]
        if parts:
            out.append(f"site {s1.at[sid, 'name']} ({sid}): {'; '.join(parts)}")
    return out


def variant_summary(
    b: RankedCase, v: RankedCase, variant: VariantComparison, catalogue: Catalogue
) -> str:
    """Return the one-paragraph summary of a variant against the base case."""
    what = "; ".join(variant.changes) if variant.changes else "nothing (same case and data)"
    sentences = [
        f"'{variant.name}' changes {what}.",
        f"Feasible sites: {variant.base_feasible} -> {variant.feasible}.",
    ]
    sentences += _lost_sentences([c for c in variant.became_infeasible if c.change != "withdrawn"])
    gained = [c for c in variant.became_feasible if c.change != "added"]
    if gained:
        first = main_cause(gained[0])
        first = first.replace("the site has", f"e.g. {gained[0].name} has", 1)
        sentences.append(
            f"It makes {count_phrase(len(gained), 'site')} feasible ({first}): {_list(gained)}."
        )
    sentences += _added_withdrawn(variant.became_feasible + variant.became_infeasible)
    sentences += _move_sentences(b, variant)
    if not (variant.moves or variant.became_feasible or variant.became_infeasible):
        sentences.append(f"No site changes feasibility or rank in the top {len(variant.top)}.")
        hint = _power_hint(b.case.profile, v.case.profile, catalogue)
        if hint:
            sentences.append(hint)
    return " ".join(sentences)


def _lost_sentences(lost: list[SiteChange]) -> list[str]:
    """Say which sites the variant excludes, grouped by their main cause."""
    if not lost:
        return []
    groups: dict[str, list[SiteChange]] = {}
    for c in lost:
        cause = main_cause(c)
        key = cause.split(":")[0] if cause else "other reasons"
        groups.setdefault(key.removeprefix("now "), []).append(c)
    parts = []
    for reason, sites in groups.items():
        cause = main_cause(sites[0])
        detail = cause.split(":", 1)[1].strip() if ":" in cause else ""
        detail = detail.replace("; the site has", f"; e.g. {sites[0].name}:", 1)
        verb = reason.replace("fails", "fail", 1) if reason.startswith("fails") else reason
        parts.append(
            f"{len(sites)} now {verb}" + (f" ({detail})" if detail else "") + ": " + _list(sites)
        )
    return [
        f"It excludes {count_phrase(len(lost), 'site')} that "
        f"{'was' if len(lost) == 1 else 'were'} feasible: " + "; ".join(parts) + "."
    ]


def _added_withdrawn(changes: tuple[SiteChange, ...]) -> list[str]:
    """Say where an added site ranks and what a withdrawn one was."""
    out = []
    for c in changes:
        if c.change == "added":
            where = f"ranks #{c.new_rank}" if c.new_rank else "is not feasible"
            out.append(
                f"The added site {c.name} {where}"
                + (f" ({'; '.join(c.causes[1:])})" if c.causes[1:] else "")
                + "."
            )
        elif c.change == "withdrawn":
            out.append(
                f"{c.name} is withdrawn (it was "
                + (f"#{c.base_rank})." if c.base_rank else f"{c.base_outcome}).")
            )
    return out


def _move_sentences(b: RankedCase, variant: VariantComparison) -> list[str]:
    """Say which of the base top are now excluded, and the first five moves with a reason."""
    out = []
    top_lost = [c for c in variant.moves if c.change == "became infeasible"]
    if top_lost:
        out.append(
            f"Of the base top {len(b.result.recommendations)}, "
            f"{len(top_lost)} {'is' if len(top_lost) == 1 else 'are'} now "
            "excluded: " + ", ".join(f"{c.name} (#{c.base_rank})" for c in top_lost) + "."
        )
    shown = [
        m for m in variant.moves if m.change not in ("added", "withdrawn", "became infeasible")
    ]
    for c in shown[:5]:
        reason = _short_reason(c)
        out.append(
            f"{c.name} ({c.municipality}) moves from "
            f"{c.movement.replace(' -> ', ' to ')}" + (f" because {reason}" if reason else "") + "."
        )
    if len(shown) > 5:
        out.append(f"{len(shown) - 5} more move(s) are listed below.")
    return out


def main_cause(change: SiteChange) -> str:
    """Return the cause that explains a change, not merely the first one listed.

    A site excluded by the variant is excluded by the rule it now fails (not by a rule it now
    passes, listed before it); one admitted, by the rule it now passes; one that moved, by
    its score or the sites around it (a rule it still passes does not move it).
    """
    causes = change.causes
    if not causes:
        return ""
    if change.change == "became infeasible":
        keys: tuple[str, ...] = ("now fails", "still fails", "must be verified")
    elif change.change == "became feasible":
        keys = ("now passes", "no longer applies", "passes as a fact to confirm")
    else:
        keys = ("its score", "ranked above it", "above it (", "fell below", "now excluded")
    for text in causes:
        if any(k in text for k in keys):
            return text
    return causes[0]


def _short_reason(change: SiteChange) -> str:
    text = main_cause(change)
    if not text:
        return ""
    if change.change == "became feasible":
        return "it " + text
    if "ranked above it" in text or "above it (" in text:
        return text.split(":")[0]  # the count and the tally, names are in the details
    return text.replace("its score", "its own score", 1)


def _list(sites: Sequence[SiteChange]) -> str:
    shown = ", ".join(f"{c.name} ({c.municipality})" for c in sites[:NAMES_SHOWN])
    return shown + (f" and {len(sites) - NAMES_SHOWN} more" if len(sites) > NAMES_SHOWN else "")


def _power_hint(p0: Profile, p1: Profile, catalogue: Catalogue) -> str:
    small = catalogue.params.small_connection_mw
    a, c = p0.needs.power_mw, p1.needs.power_mw
    if a != c and a > small and c > small:
        return (
            f"The grid rule compares the need ({_show(a)} -> {_show(c)} MW) with the room "
            "each supply area publishes after its queue: a larger need can push a site to "
            "its area's expected solve year, or make its year unknown."
        )
    return ""
