"""Grid capacities of the portfolio assignment: which areas each pair draws on, and relief.

**Shared grid capacity.** Every lead-site pair of a lead that needs more than the
small-connection limit draws on each regional level of the site's candidate chains
(:mod:`siting.layers.grid`: a site placed by its municipality may be fed by any of the
municipality's supply areas, so it counts against each of them, which never promises the same
headroom twice whichever area feeds the plot):

- a supply area that publishes room for the need (present - required - queue >= need) is an
  ``MW`` zone: its room is shared by every lead placed on the sites it may feed;
- a supply area without such a figure (no figures, or the need waits for its solve year), a
  municipality on the per-municipality fallback and an unknown area are ``lead`` zones: each
  takes **at most one large lead** (never unlimited for large needs);
- the TenneT level enters through the earliest year (the rule), not as a shared row: TenneT
  areas span provinces and publish no room in the 2025 map.

**Relief one year earlier.** For an area (regional or TenneT) with a published solve year, the
pairs whose grid rule it would let pass if it were solved a year earlier (every other rule
passing) are added and the assignment re-solved: the gain in fit and the leads placed say what
that relief is worth (:func:`relief_values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from siting.criteria.grid_rule import GridFacts, grid_outcome
from siting.criteria.rules import slack_passes
from siting.layers.grid import GridLevel

#: Large leads an area without a published room takes.
UNPUBLISHED_LEADS = 1.0


@dataclass(frozen=True)
class GridZones:
    """The zones of an assignment and the pairs that draw on them.

    Attributes
    ----------
    zone_pairs
        ``(k, 2)``: (pair index, zone index).
    ids, names, units, capacity, notes
        Per zone: its id (``area:<id>``, ``no-room:<id>``, ``fallback:<gm>``,
        ``unknown:<gm>``), a readable name, ``"MW"`` or ``"lead"``, its capacity in that unit
        and what the capacity rests on.
    area_ids
        Per zone: the area (or municipality) it stands for.
    """

    zone_pairs: np.ndarray
    ids: tuple[str, ...]
    names: tuple[str, ...]
    units: tuple[str, ...]
    capacity: np.ndarray
    notes: tuple[str, ...]
    area_ids: tuple[str, ...]


def pair_zones(
    pairs: np.ndarray,
    power_mw: np.ndarray,
    grid: GridFacts,
    site_gm: Sequence[str],
    *,
    small_mw: float,
) -> GridZones:
    """Say which grid zones every pair draws on (the rules of the module docstring).

    Parameters
    ----------
    pairs
        ``(m, 2)`` (lead index, site index).
    power_mw
        Per lead its need [MW].
    grid
        The sites' chain facts.
    site_gm
        Per site its municipality code (names the fallback and unknown zones).
    small_mw
        The small-connection limit [MW]: smaller needs draw on no zone.

    Returns
    -------
    GridZones
    """
    regional = _regional_levels(grid)
    zones: dict[tuple[str, str], int] = {}
    entries: list[tuple[int, int]] = []
    power = np.asarray(power_mw, dtype=float)
    room_ok = (grid.room[None, :] >= power[:, None]) & np.isin(grid.cls, (-1, 0, 1))[None, :]
    for p, (lead, site) in enumerate(np.asarray(pairs, dtype=np.int64).reshape(-1, 2)):
        if power[lead] <= small_mw:
            continue
        for k in regional[int(grid.site_group[site])]:
            level = grid.levels[k]
            if level.kind == "regional":
                key = ("area", level.area_id) if room_ok[lead, k] else ("no-room", level.area_id)
            elif level.kind == "fallback":
                key = ("fallback", level.area_id)
            else:
                key = ("unknown", str(site_gm[site]))
            z = zones.setdefault(key, len(zones))
            entries.append((p, z))
    levels = {lv.area_id: lv for lv in grid.levels if lv.kind in ("regional", "fallback")}
    ids, names, units, caps, notes, area_ids = [], [], [], [], [], []
    for (kind, area_id), _ in sorted(zones.items(), key=lambda kv: kv[1]):
        zone_level = levels.get(area_id)
        ids.append(f"{kind}:{area_id}")
        area_ids.append(area_id)
        if kind == "area":
            assert zone_level is not None
            units.append("MW")
            caps.append(max(float(zone_level.room_mw), 0.0))
            names.append(f"supply area {area_id} ({zone_level.operator}): published room")
            notes.append("published room after the queue: present - required - queue [MW]")
        else:
            units.append("lead")
            caps.append(UNPUBLISHED_LEADS)
            names.append(_lead_zone_name(kind, area_id, zone_level))
            notes.append("no published room for a large need: takes at most one large lead")
    return GridZones(
        zone_pairs=np.array(entries, dtype=np.int64).reshape(-1, 2),
        ids=tuple(ids),
        names=tuple(names),
        units=tuple(units),
        capacity=np.array(caps, dtype=float),
        notes=tuple(notes),
        area_ids=tuple(area_ids),
    )


@dataclass(frozen=True)
class BlockedPairs:
    """Lead-site pairs that pass every rule but the grid, with what the grid rule needs.

    Attributes
    ----------
    lead, site
        Indices (into the assignment's leads and the site table).
    utility
        The lead's utility at the site [-].
    power_mw, target_year, flexible, allow_unknown
        Per pair: the lead's need [MW], year needed plus delay, whether it accepts a
        flexible contract and unknown facts.
    """

    lead: np.ndarray
    site: np.ndarray
    utility: np.ndarray
    power_mw: np.ndarray
    target_year: np.ndarray
    flexible: np.ndarray
    allow_unknown: np.ndarray

    @classmethod
    def empty(cls) -> BlockedPairs:
        """No pairs."""
        z = np.zeros(0)
        return cls(z.astype(np.int64), z.astype(np.int64), z, z, z, z.astype(bool), z.astype(bool))

    @classmethod
    def concat(cls, parts: Sequence[BlockedPairs]) -> BlockedPairs:
        """Join several sets of pairs."""
        if not parts:
            return cls.empty()
        return cls(
            *(np.concatenate([getattr(p, f) for p in parts]) for f in cls.__dataclass_fields__)
        )


@dataclass(frozen=True)
class Relief:
    """Pairs a relief one year earlier of one area would admit.

    Attributes
    ----------
    area_id
        The area (regional supply area, TenneT area or station).
    solve_year
        Its published expected solve year.
    admitted
        Indices into the :class:`BlockedPairs` that would pass the grid rule.
    """

    area_id: str
    solve_year: float
    admitted: np.ndarray


def relief_candidates(grid: GridFacts, blocked: BlockedPairs) -> list[Relief]:
    """Return, per area with a published solve year, the blocked pairs one year would admit.

    An area's solve year is moved one year earlier (its stations' too, for a TenneT area)
    and the grid rule evaluated again on the blocked pairs of the sites it may feed; the
    pairs that then pass (unknowns passing where the lead allows them) are its candidates.

    Returns
    -------
    list of Relief
        Areas that admit at least one pair, most pairs first (ties by id).
    """
    if blocked.lead.size == 0:
        return []
    out = []
    groups = grid.site_group[blocked.site]
    for area_id, members in _solve_year_areas(grid).items():
        touched = np.isin(groups, _groups_with(grid, members))
        if not touched.any():
            continue
        solve = grid.solve.copy()
        solve[members] -= 1
        earlier = replace(grid, solve=solve)
        idx = np.flatnonzero(touched)
        keys = np.column_stack(
            [blocked.power_mw[idx], blocked.target_year[idx], blocked.flexible[idx]]
        )
        rows, inverse = np.unique(keys, axis=0, return_inverse=True)
        outcome = grid_outcome(earlier, rows[:, 0:1], rows[:, 1:2], rows[:, 2:3] > 0)
        slack = outcome.slack[inverse.reshape(-1), groups[idx]]
        ok = slack_passes(slack) | (np.isnan(slack) & blocked.allow_unknown[idx])
        if ok.any():
            year = float(np.nanmax(grid.solve[members]))
            out.append(Relief(area_id, year, idx[ok]))
    out.sort(key=lambda r: (-r.admitted.size, r.area_id))
    return out


def lead_zone_note(zones: GridZones) -> str:
    """Return the note on the areas that take at most one large lead (empty: none)."""
    n = sum(u == "lead" for u in zones.units)
    if not n:
        return ""
    return (
        f"{n} grid area(s) publish no room for the large needs placed on them (no figures, a "
        "need that waits for the solve year, the per-municipality fallback, or no area "
        "known): each takes at most one large lead, never unlimited; a site that any of "
        "several areas may feed counts against each of them"
    )


# -- internals ----------------------------------------------------------------------------------


def _regional_levels(grid: GridFacts) -> list[list[int]]:
    """Per chain set: its distinct regional levels (supply areas, fallback, unknown)."""
    out = []
    for g in range(grid.n_groups):
        chains = grid.chains_of(g)
        out.append(list(dict.fromkeys(int(grid.chain_levels[c, 0]) for c in chains)))
    return out


def _lead_zone_name(kind: str, key: str, level: GridLevel | None) -> str:
    if kind == "no-room" and level is not None:
        return f"supply area {key} ({level.operator}): no published room for the need"
    if kind == "fallback":
        name = level.area_name if level is not None and level.area_name else key
        return f"{name} ({key}): no supply area placed (fallback)"
    return f"{key}: no supply area known"


def _solve_year_areas(grid: GridFacts) -> dict[str, np.ndarray]:
    """Area id -> the levels that take its solve year (a TenneT area: its stations too)."""
    out: dict[str, list[int]] = {}
    for k, level in enumerate(grid.levels):
        if np.isnan(level.solve_year) or level.kind in ("unknown", "fallback"):
            continue
        key = (
            level.area_name if level.kind == "tennet_station" and level.area_name else level.area_id
        )
        out.setdefault(key, []).append(k)
    return {k: np.array(v, dtype=np.int64) for k, v in sorted(out.items())}


def _groups_with(grid: GridFacts, levels: np.ndarray) -> np.ndarray:
    """Chain sets with a chain through any of ``levels``."""
    chains = np.flatnonzero(np.isin(grid.chain_levels, levels).any(axis=1))
    hit = np.isin(grid.group_members, chains)
    return np.unique(grid.group_of_member[hit])
