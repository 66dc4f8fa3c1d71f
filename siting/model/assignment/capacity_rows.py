"""The capacity rows of the assignment (sites, zones, regions) as arrays."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from siting.model.assignment._common import (
    _group,
)
from siting.model.assignment.solution import _Capacity

if TYPE_CHECKING:
    from siting.model.assignment.formulation import AssignmentModel


def capacities(
    model: AssignmentModel,
) -> list[_Capacity]:
    """Return the capacity rows (sites, zones, regions); unknown zones/regions have none."""
    rows: list[_Capacity] = []
    lead_of, site_of = model.pairs[:, 0], model.pairs[:, 1]
    by_site = _group(site_of, len(model.site_ids))
    for s, ps in enumerate(by_site):
        if ps.size == 0:
            continue
        cap = float(model.site_capacity_ha[s])
        if math.isnan(cap):
            rows.append(
                _Capacity("site_unknown", s, model.site_ids[s], "lead", ps, np.ones(ps.size), 1.0)
            )
        else:
            rows.append(
                _Capacity("site", s, model.site_ids[s], "ha", ps, model.land_ha[lead_of[ps]], cap)
            )
    zp = model.zone_pairs
    starts = np.searchsorted(zp[:, 1], np.arange(model.zone_headroom_mw.size + 1))
    for z in range(model.zone_headroom_mw.size):
        ps = zp[starts[z] : starts[z + 1], 0]
        head = float(model.zone_headroom_mw[z])
        if ps.size and not math.isnan(head):
            if model.zone_unit[z] == "lead":
                rows.append(
                    _Capacity(
                        "zone_unknown", z, model.zone_ids[z], "lead", ps, np.ones(ps.size), head
                    )
                )
            else:
                rows.append(
                    _Capacity(
                        "zone", z, model.zone_ids[z], "MW", ps, model.power_mw[lead_of[ps]], head
                    )
                )
    region_of = model.site_region[site_of]
    for r, ps in enumerate(_group(region_of, model.region_capacity_fte.size)):
        cap = float(model.region_capacity_fte[r])
        if ps.size and not math.isnan(cap):
            rows.append(
                _Capacity(
                    "region",
                    r,
                    model.region_ids[r],
                    "FTE",
                    ps,
                    model.talent_fte[lead_of[ps]],
                    cap,
                )
            )
    return rows


def row_table(
    model: AssignmentModel,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every capacity row as arrays, built with numpy (no loop over pairs).

    Returns the row names, right-hand sides, and per entry its row, pair and coefficient,
    sorted by row and then pair. Rows are the sites with a pair (known area [ha], or
    unknown area: one lead), then the zones of known headroom, then the regions of known
    capacity, in the order of :meth:`capacities`.
    """
    if model._rows_cache is not None:
        return model._rows_cache
    n_s = len(model.site_ids)
    n_z, n_r = model.zone_headroom_mw.size, model.region_capacity_fte.size
    lead_of, site_of = model.pairs[:, 0], model.pairs[:, 1]
    idx = np.arange(model.n_pairs)
    known = ~np.isnan(model.site_capacity_ha)
    site_rhs = np.where(known, model.site_capacity_ha, 1.0)
    site_coef = np.where(known[site_of], model.land_ha[lead_of], 1.0)
    head = model.zone_headroom_mw
    z_pair, z_zone = model.zone_pairs[:, 0], model.zone_pairs[:, 1]
    in_zone = ~np.isnan(head[z_zone])
    z_pair, z_zone = z_pair[in_zone], z_zone[in_zone]
    by_lead = np.array([u == "lead" for u in model.zone_unit], dtype=bool)
    z_coef = np.where(by_lead[z_zone], 1.0, model.power_mw[lead_of[z_pair]])
    region_of = model.site_region[site_of]
    in_region = region_of >= 0
    in_region[in_region] = ~np.isnan(model.region_capacity_fte[region_of[in_region]])
    entry_row = np.concatenate([site_of, n_s + z_zone, n_s + n_z + region_of[in_region]])
    entry_pair = np.concatenate([idx, z_pair, idx[in_region]])
    entry_coef = np.concatenate([site_coef, z_coef, model.talent_fte[lead_of[in_region]]])
    order = np.lexsort((entry_pair, entry_row))
    entry_row, entry_pair, entry_coef = entry_row[order], entry_pair[order], entry_coef[order]
    names = (
        [
            f"site:{s}" if k else f"site_unknown:{s}"
            for s, k in zip(model.site_ids, known, strict=True)
        ]
        + [
            f"zone_unknown:{z}" if u == "lead" else f"zone:{z}"
            for z, u in zip(model.zone_ids[:n_z], model.zone_unit[:n_z], strict=True)
        ]
        + [f"region:{r}" for r in model.region_ids[:n_r]]
    )
    rhs = np.concatenate(
        [
            site_rhs,
            np.nan_to_num(head, nan=0.0),
            np.nan_to_num(model.region_capacity_fte, nan=0.0),
        ]
    )
    model._rows_cache = (names, rhs, entry_row, entry_pair, entry_coef)
    return model._rows_cache


def row_rhs(model: AssignmentModel, extra: Mapping[str, float] | None) -> np.ndarray:
    """Right-hand sides of the capacity rows, with ``extra`` added (by row name)."""
    names, rhs, entry_row, _, _ = row_table(model)
    rhs = rhs.copy()
    extra = dict(extra or {})
    if extra:
        has_pairs = np.zeros(rhs.size, dtype=bool)
        has_pairs[entry_row] = True
        position = {name: k for k, name in enumerate(names) if has_pairs[k]}
        unknown = sorted(name for name in extra if name not in position)
        if unknown:
            raise ValueError(f"no capacity row named {', '.join(unknown)}")
        for name, amount in extra.items():
            rhs[position[name]] += amount
    return rhs
