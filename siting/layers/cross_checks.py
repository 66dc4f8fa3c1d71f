"""Check the layers against each other: codes, campus ids, hotspots, grid links, coverage.

Used by :func:`siting.layers.load.load_geodata` and :func:`siting.layers.load.check_geodata`;
every problem is located by file, row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from siting._errors import Problem, excerpt

if TYPE_CHECKING:  # pragma: no cover - for type checkers only
    from siting.layers.load import GeoData


def cross_check(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path]
) -> tuple[list[Problem], list[Problem]]:
    """Check the layers against each other: municipality codes, campus ids, coverage.

    Returns
    -------
    errors, warnings : list of Problem
    """
    errors: list[Problem] = []
    warnings: list[Problem] = []
    known = set(frames["municipalities"]["gm_code"].dropna())
    if not known:
        return errors, warnings
    first_row = {name: 2 if files[name].suffix.lower() == ".csv" else 1 for name in files}
    errors += _code_problems(frames, files, known, first_row)
    warnings += _coverage_warnings(frames, files, known)
    campus_ids = set(frames["campuses"]["campus_id"].dropna())
    for i, cid in enumerate(frames["sites"]["campus_id"]):
        if cid is not None and cid not in campus_ids:
            errors.append(
                Problem(
                    file=str(files["sites"]),
                    row=i + first_row["sites"],
                    column="campus_id",
                    message=f"unknown campus {excerpt(cid)} (not in the campuses layer)",
                )
            )
    hotspot_errors, hotspot_warnings = _check_hotspots(
        frames, files, known, campus_ids, first_row["hotspots"]
    )
    errors.extend(hotspot_errors)
    warnings.extend(hotspot_warnings)
    grid_errors, grid_warnings = _grid_cross_check(frames, files, first_row)
    errors.extend(grid_errors)
    warnings.extend(grid_warnings)
    errors += _merger_problems(frames, files, known, first_row["municipal_mergers"])
    return errors, warnings


def _code_problems(
    frames: dict[str, gpd.GeoDataFrame],
    files: dict[str, Path],
    known: set[str],
    first_row: dict[str, int],
) -> list[Problem]:
    """Return the unknown municipality codes of the layers that name one (a former one says so)."""
    mergers = frames["municipal_mergers"]
    merged_into = dict(zip(mergers["old_code"], mergers["new_code"], strict=True))
    names = dict(
        zip(frames["municipalities"]["gm_code"], frames["municipalities"]["name"], strict=True)
    )
    errors = []
    for name in ("stem_talent", "campuses", "sites", "grid_congestion", "grid_area_links"):
        for i, code in enumerate(frames[name]["gm_code"]):
            if code is None or code in known:
                continue
            hint = "not a current municipality code"
            if code in merged_into:
                new = merged_into[code]
                hint = f"a former municipality; it is now part of {new} ({names.get(new, '?')})"
            errors.append(
                Problem(
                    file=str(files[name]),
                    row=i + first_row[name],
                    column="gm_code",
                    message=f"unknown municipality code {excerpt(code)}: {hint}",
                )
            )
    return errors


def _coverage_warnings(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path], known: set[str]
) -> list[Problem]:
    """Return a warning per per-municipality layer that lacks some municipalities."""
    warnings = []
    for name in ("stem_talent", "grid_congestion"):
        missing = sorted(known - set(frames[name]["gm_code"].dropna()))
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            warnings.append(
                Problem(
                    file=str(files[name]),
                    message=f"{len(missing)} municipalities have no record "
                    f"(treated as unknown): {shown}",
                )
            )
    return warnings


def _merger_problems(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path], known: set[str], first_row: int
) -> list[Problem]:
    """Return the mergers whose former code is current, or whose successor is not."""
    mergers = frames["municipal_mergers"]
    errors = []
    for i, (old, new) in enumerate(zip(mergers["old_code"], mergers["new_code"], strict=True)):
        if old is not None and old in known:
            errors.append(
                Problem(
                    file=str(files["municipal_mergers"]),
                    row=i + first_row,
                    column="old_code",
                    message=f"{excerpt(old)} is a current municipality (in the municipalities "
                    "layer); a merger maps a former municipality onto its successor",
                )
            )
        elif new is not None and new not in known:
            errors.append(
                Problem(
                    file=str(files["municipal_mergers"]),
                    row=i + first_row,
                    column="new_code",
                    message=f"{excerpt(new)} (successor of {excerpt(old)}) is not a current "
                    "municipality code",
                )
            )
    return errors


def _check_hotspots(
    frames: dict[str, gpd.GeoDataFrame],
    files: dict[str, Path],
    known: set[str],
    campus_ids: set[str],
    first_row: int,
) -> tuple[list[Problem], list[Problem]]:
    """Check the hotspots against the municipalities and campuses: (errors, warnings).

    An unknown municipality or campus is an error; a campus outside the hotspot's
    municipalities is a warning.
    """
    errors, warnings = [], []
    file = str(files["hotspots"])
    campuses = frames["campuses"]
    campus_gm = dict(zip(campuses["campus_id"], campuses["gm_code"], strict=True))
    hotspots = frames["hotspots"]
    for i, (codes, cids) in enumerate(
        zip(hotspots["gm_codes"], hotspots["campus_ids"], strict=True)
    ):
        row = i + first_row
        codes = tuple(codes or ())
        for code in codes:
            if code not in known:
                errors.append(
                    Problem(
                        file=file,
                        row=row,
                        column="gm_codes",
                        message=f"{excerpt(code)} is not a current municipality code",
                    )
                )
        for cid in cids or () if campus_ids else ():  # no campuses read: reported there
            if cid not in campus_ids:
                errors.append(
                    Problem(
                        file=file,
                        row=row,
                        column="campus_ids",
                        message=f"unknown campus {excerpt(cid)} (not in the campuses layer)",
                    )
                )
            elif campus_gm[cid] in known and campus_gm[cid] not in codes:
                warnings.append(
                    Problem(
                        file=file,
                        row=row,
                        column="campus_ids",
                        message=f"campus {excerpt(cid)} lies in {campus_gm[cid]}, outside the "
                        "hotspot's municipalities",
                    )
                )
    errors.extend(_check_core_domains(hotspots, file, first_row))
    return errors, warnings


def _check_core_domains(hotspots: pd.DataFrame, file: str, first_row: int) -> list[Problem]:
    """Report core domains of a hotspot that are not among its ``nts_domains``."""
    if "core_domains" not in hotspots:
        return []
    problems = []
    for i, (domains, core) in enumerate(
        zip(hotspots["nts_domains"], hotspots["core_domains"], strict=True)
    ):
        for slug in sorted(set(core or ()) - set(domains or ())):
            problems.append(
                Problem(
                    file=file,
                    row=i + first_row,
                    column="core_domains",
                    message=f"{excerpt(slug)} is not among the hotspot's nts_domains",
                )
            )
    return problems


def _grid_cross_check(
    frames: dict[str, gpd.GeoDataFrame], files: dict[str, Path], first_row: dict[str, int]
) -> tuple[list[Problem], list[Problem]]:
    """Links name known areas (a regional link's TenneT id a TenneT record); stations their area."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    areas, links = frames["grid_areas"], frames["grid_area_links"]
    kind = dict(zip(areas["area_id"], areas["kind"], strict=True))
    area_file, link_file = str(files["grid_areas"]), str(files["grid_area_links"])
    for i, parent in enumerate(areas["parent_id"]):
        if parent is not None and kind.get(parent) != "tennet_area":
            errors.append(
                Problem(
                    file=area_file,
                    row=i + first_row["grid_areas"],
                    column="parent_id",
                    message=f"{excerpt(parent)} is not a TenneT area of this layer",
                )
            )
    for i, (area, tennet) in enumerate(zip(links["area_id"], links["tennet_id"], strict=True)):
        row = i + first_row["grid_area_links"]
        if area is not None and area not in kind:
            errors.append(
                Problem(
                    file=link_file,
                    row=row,
                    column="area_id",
                    message=f"unknown area {excerpt(area)}: not in the grid_areas layer "
                    f"({area_file})",
                )
            )
        if tennet is not None and kind.get(tennet) not in ("tennet_station", "tennet_area"):
            errors.append(
                Problem(
                    file=link_file,
                    row=row,
                    column="tennet_id",
                    message=f"{excerpt(tennet)} is not a TenneT station or area of the "
                    "grid_areas layer",
                )
            )
    site_ids = set(frames["sites"]["site_id"].dropna())
    stray = sorted(set(links["site_id"].dropna()) - site_ids)
    if stray:
        warnings.append(
            Problem(
                file=link_file,
                message=f"{len(stray)} site link(s) name sites that are not in the sites layer "
                f"(ignored): {', '.join(stray[:5])}{' ...' if len(stray) > 5 else ''}",
            )
        )
    return errors, warnings


def check_within_municipality(
    data: GeoData, polygons: gpd.GeoDataFrame, *, tolerance_m: float = 1000.0
) -> list[Problem]:
    """Every site and campus must lie within ``tolerance_m`` of the municipality it names."""
    problems = []
    shapes = polygons.set_index("gm_code").geometry
    for name in ("sites", "campuses"):
        frame = getattr(data, name)
        file = str(data.files[name])
        first_row = 2 if data.files[name].suffix.lower() == ".csv" else 1
        stated = frame["gm_code"].map(shapes)
        for i, (point, shape) in enumerate(zip(frame.geometry, stated, strict=True)):
            if shape is None or (isinstance(shape, float) and np.isnan(shape)) or point is None:
                continue
            distance = shape.distance(point)
            if distance > tolerance_m:
                problems.append(
                    Problem(
                        file=file,
                        row=i + first_row,
                        column="gm_code",
                        message=f"the location lies {distance / 1000:.1f} km outside the "
                        f"municipality {frame['gm_code'].iloc[i]} it names",
                    )
                )
    return problems
