"""Parameter sweeps: rank a case along one numeric parameter and say where sites drop out.

Module API
----------
:func:`sweep`
    ``sweep(case, "needs.power_mw", "2:20:2", top=5) -> Sweep``: rank along one numeric
    parameter and report, per site, the value at which it enters or leaves the feasible set
    and the top.
:func:`parse_values`
    ``"start:stop:step"`` (stop included when it lands on the grid) or ``"1,2,5"`` -> values.
:func:`sweep_chart_svg`
    A small SVG chart of each top site's rank along the swept parameter (no extra
    dependency); :func:`sweep_chart_html` wraps it in an HTML page.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from siting._errors import Problem, SitingInputError, excerpt
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.profile import Profile, parse_profile
from siting.jobs.whatif_case import (
    CaseInput,
    PreparedCase,
    RankedSite,
    prepare_case,
    rank_case,
    top_sites,
)
from siting.layers.load import GeoData, load_geodata
from siting.results.ranking import json_ready


@dataclass(frozen=True)
class SweepStep:
    """The ranking at one value of the swept parameter.

    Attributes
    ----------
    value
        The parameter's value.
    n_feasible
        Feasible sites.
    top
        The top sites.
    """

    value: float
    n_feasible: int
    top: tuple[RankedSite, ...]


@dataclass(frozen=True)
class SiteTrack:
    """One site along the sweep (every site that is in the top at some value).

    Attributes
    ----------
    site_id, name, municipality
        Which site.
    ranks
        Per value: rank among the feasible sites, ``None`` when excluded.
    utilities
        Per value: weighted score in [0, 1].
    events
        Where it enters or leaves the feasible set or the top, in words (with the rules).
    """

    site_id: str
    name: str
    municipality: str
    ranks: tuple[int | None, ...]
    utilities: tuple[float, ...]
    events: tuple[str, ...]


@dataclass(frozen=True)
class Sweep:
    """Rankings along one numeric parameter.

    Attributes
    ----------
    case
        The case's name.
    parameter
        The swept path (``needs.power_mw``).
    values
        The values, in order.
    top
        Length of the top lists.
    steps
        One per value.
    tracks
        Every site that is in the top at some value, best first at the first value.
    summary
        In words: where sites drop out or enter.
    """

    case: str
    parameter: str
    values: tuple[float, ...]
    top: int
    steps: tuple[SweepStep, ...]
    tracks: tuple[SiteTrack, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return json_ready(asdict(self))

    def drop_out_value(self, site_id: str) -> float | None:
        """Return the first value at which a site feasible at the previous value is excluded."""
        for track in self.tracks:
            if track.site_id == site_id:
                for k in range(1, len(self.values)):
                    if track.ranks[k - 1] is not None and track.ranks[k] is None:
                        return self.values[k]
        return None


def parse_values(spec: str, *, option: str = "--vary") -> tuple[float, ...]:
    """Parse ``start:stop:step`` (stop included when it lands on the grid) or ``a,b,c``.

    Raises
    ------
    SitingInputError
        For text that is neither, a step <= 0, or more than 200 values.
    """

    def bad(message: str) -> SitingInputError:
        return SitingInputError(
            Problem(
                file="<options>",
                column=option,
                label="option",
                message=f"{excerpt(spec)}: {message}",
            )
        )

    try:
        numbers = [float(p) for p in spec.replace(":", ",").split(",") if p.strip()]
    except ValueError:
        raise bad("not numbers; give start:stop:step (2:20:2) or a list (2,5,8)") from None
    if ":" in spec:
        if len(numbers) != 3 or spec.count(":") != 2:
            raise bad("give start:stop:step, e.g. 2:20:2")
        start, stop, step = numbers
        if not all(math.isfinite(x) for x in numbers):
            raise bad("start, stop and step must be finite numbers")
        if not (step > 0 and stop >= start):
            raise bad("step must be > 0 and stop >= start")
        n = math.floor((stop - start) / step + 1e-9) + 1
        if n > 200:
            raise bad(f"{n} values; at most 200")
        values = [round(start + k * step, 10) for k in range(n)]
    else:
        values = numbers
    if not values:
        raise bad("no values")
    if len(values) > 200:
        raise bad(f"{len(values)} values; at most 200")
    if not all(math.isfinite(x) for x in values):
        raise bad("values must be finite")
    return tuple(values)


def _numeric_path(profile: Profile, parameter: str, catalogue: Catalogue, file: str) -> bool:
    """Check that ``parameter`` is a numeric profile field; return whether it is an integer."""

    def bad(message: str) -> SitingInputError:
        return SitingInputError(
            Problem(file=file, column=parameter, label="parameter", message=message)
        )

    parts = parameter.split(".")
    if parts[0] == "weights":
        if len(parts) != 2 or parts[1] not in catalogue.criteria:
            raise bad(f"unknown criterion; known: weights.{', weights.'.join(catalogue.criteria)}")
        return False
    if parts[0] not in ("needs", "constraints", "two_site"):
        raise bad(
            "vary a numeric field of needs.*, needs.talent.*, constraints.* "
            "(max_relocation_km), two_site.* or weights.<criterion>"
        )
    node: Any = profile.model_dump()
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            raise bad("no such profile field")
        node = node[part]
    field_info = _field(parts)
    annotation = str(getattr(field_info, "annotation", ""))
    if (
        isinstance(node, bool)
        or "bool" in annotation
        or not ("float" in annotation or "int" in annotation)
    ):
        raise bad("not a numeric field")
    return "int" in annotation and "float" not in annotation


def _field(parts: list[str]) -> Any:
    from pydantic import BaseModel

    model: type[BaseModel] = Profile
    info = None
    for part in parts:
        info = model.model_fields[part]
        args = getattr(info.annotation, "__args__", (info.annotation,))
        nested = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        if nested:
            model = nested[0]
    return info


def _with_value(
    profile: Profile, parameter: str, value: float, *, integer: bool, file: str
) -> Profile:
    content = profile.model_dump()
    node = content
    parts = parameter.split(".")
    for part in parts[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    if integer:
        if value != int(value):
            raise SitingInputError(
                Problem(
                    file=file,
                    column=parameter,
                    label="parameter",
                    message=f"{value:g} is not a whole number",
                )
            )
        node[parts[-1]] = int(value)
    else:
        node[parts[-1]] = value
    return parse_profile(content, file=f"{file} with {parameter} = {value:g}")


def sweep(
    case: CaseInput,
    parameter: str,
    values: str | Sequence[float],
    *,
    top: int = 5,
    solver: str | None = None,
    geodata_dir: str | Path | None = None,
    data: GeoData | None = None,
    catalogue: Catalogue | str | Path | None = None,
) -> Sweep:
    """Rank a case along one numeric parameter.

    Parameters
    ----------
    case
        A profile or scenario (object or file).
    parameter
        ``needs.power_mw``, ``needs.land_ha``, ``needs.year``, ``needs.talent.hbo``,
        ``constraints.max_relocation_km``, ``weights.talent_fit``, ... (any numeric field).
    values
        The values, or ``"start:stop:step"`` / ``"a,b,c"`` (see :func:`parse_values`).
    top
        How many sites each step's top holds.
    solver, geodata_dir, data, catalogue
        As in :func:`compare`.

    Returns
    -------
    Sweep

    Raises
    ------
    SitingInputError
        For an unknown or non-numeric parameter, or a value the profile does not allow.
    """
    data = load_geodata(geodata_dir) if data is None else data
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(catalogue)
    prepared = prepare_case(case, data, catalogue)
    values = parse_values(values) if isinstance(values, str) else tuple(float(x) for x in values)
    integer = _numeric_path(prepared.profile, parameter, catalogue, prepared.file)
    steps, ranked = [], []
    for value in values:
        profile = _with_value(
            prepared.profile, parameter, value, integer=integer, file=prepared.file
        )
        r = rank_case(
            PreparedCase(prepared.name, prepared.file, profile, prepared.data),
            top=top,
            solver=solver,
            catalogue=catalogue,
        )
        ranked.append(r)
        steps.append(SweepStep(value=value, n_feasible=r.result.n_feasible, top=top_sites(r)))
    seen = list(dict.fromkeys(s.site_id for step in steps for s in step.top))
    tracks = []
    unit = _unit(parameter)
    for sid in seen:
        ranks = tuple(r.rank.get(sid) if r.feasible(sid) else None for r in ranked)
        utils = tuple(float(r.utility(sid) or 0.0) for r in ranked)
        events = []
        for k in range(1, len(values)):
            before, after = ranks[k - 1], ranks[k]
            at = f"{values[k]:g}{unit}"
            if before is not None and after is None:
                fails = [
                    label
                    for status, label, _, _ in ranked[k].rule_status(sid).values()
                    if status == "fail" or (status == "unknown" and not ranked[k].ev.allow_unknown)
                ]
                events.append(f"drops out of the feasible set at {at} (fails {', '.join(fails)})")
            elif before is None and after is not None:
                events.append(f"becomes feasible at {at} (#{after})")
            elif before is not None and after is not None:
                if before <= top < after:
                    events.append(f"leaves the top {top} at {at} (#{before} -> #{after})")
                elif after <= top < before:
                    events.append(f"enters the top {top} at {at} (#{before} -> #{after})")
        i = ranked[0].index.get(sid, 0)
        tracks.append(
            SiteTrack(
                site_id=sid,
                name=ranked[0].names[i],
                municipality=ranked[0].municipalities[i],
                ranks=ranks,
                utilities=utils,
                events=tuple(events),
            )
        )
    tracks.sort(key=lambda t: min((r for r in t.ranks if r is not None), default=10**6))
    feasible = [s.n_feasible for s in steps]
    parts = [
        f"Along {parameter} from {values[0]:g} to {values[-1]:g}{unit}, the number of "
        f"feasible sites goes {' -> '.join(map(str, _runs(feasible)))}."
    ]
    for t in tracks:
        if t.events:
            parts.append(f"{t.name} ({t.municipality}) {'; '.join(t.events)}.")
    if len(parts) == 1:
        parts.append(f"The top {top} does not change.")
    return Sweep(
        case=prepared.name,
        parameter=parameter,
        values=values,
        top=top,
        steps=tuple(steps),
        tracks=tuple(tracks),
        summary=" ".join(parts),
    )


def _runs(values: list[int]) -> list[int]:
    out: list[int] = []
    for x in values:
        if not out or out[-1] != x:
            out.append(x)
    return out


def _unit(parameter: str) -> str:
    last = parameter.rsplit(".", 1)[-1]
    for suffix, unit in (("_mw", " MW"), ("_ha", " ha"), ("_km", " km"), ("_m2", " m2")):
        if last.endswith(suffix):
            return unit
    if parameter.startswith("needs.talent."):
        return " FTE"
    return ""


# --- sweep chart ------------------------------------------------------------------------------

_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
)


def sweep_chart_svg(result: Sweep, *, max_sites: int = 10) -> str:
    """Draw each top site's rank along the parameter as an SVG line chart.

    Rank 1 is at the top; a site's line stops with a cross where it drops out of the feasible
    set, and the area below the top-``top`` line is shaded. Text is XML-escaped.

    Returns
    -------
    str
        An ``<svg>`` element.
    """
    tracks = result.tracks[:max_sites]
    values = result.values
    max_rank = max([result.top + 1, *(r for t in tracks for r in t.ranks if r is not None)])
    max_rank = min(max_rank, result.top * 3)
    width, height, left, right, top_m, bottom = 820, 380, 60, 300, 40, 50
    plot_w, plot_h = width - left - right, height - top_m - bottom

    def x(k: int) -> float:
        return left + (plot_w * k / (len(values) - 1) if len(values) > 1 else plot_w / 2)

    def y(rank: float) -> float:
        return top_m + plot_h * (rank - 1) / max(max_rank - 1, 1)

    e = html.escape
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">'
        f"{e(result.case)}: rank of the top sites along {e(result.parameter)}</text>",
    ]
    cut = y(result.top + 0.5)
    out.append(
        f'<rect x="{left}" y="{cut:.1f}" width="{plot_w}" '
        f'height="{top_m + plot_h - cut + 8:.1f}" fill="#f2f2f2"/>'
    )
    out.append(
        f'<text x="{left + 4}" y="{cut + 14:.1f}" fill="#777">below the top {result.top}</text>'
    )
    for rank in range(1, max_rank + 1):
        out.append(f'<text x="{left - 8}" y="{y(rank) + 4:.1f}" text-anchor="end">#{rank}</text>')
    step = max(1, len(values) // 12)
    for k, value in enumerate(values):
        if k % step == 0 or k == len(values) - 1:
            out.append(
                f'<text x="{x(k):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                f"{value:g}</text>"
            )
    out.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 10}" text-anchor="middle">'
        f"{e(result.parameter)}{e(_unit(result.parameter))}</text>"
    )
    for n, track in enumerate(tracks):
        color = _PALETTE[n % len(_PALETTE)]
        segment: list[str] = []
        for k, rank in enumerate(track.ranks):
            if rank is not None and rank <= max_rank:
                segment.append(f"{x(k):.1f},{y(rank):.1f}")
            if (rank is None or rank > max_rank or k == len(values) - 1) and segment:
                out.append(
                    f'<polyline fill="none" stroke="{color}" stroke-width="2.5" '
                    f'points="{" ".join(segment)}"/>'
                )
                segment = []
            if rank is None and k > 0 and track.ranks[k - 1] is not None:
                px, py = x(k), y(min(track.ranks[k - 1] or 1, max_rank))
                out.append(
                    f'<text x="{px:.1f}" y="{py + 4:.1f}" text-anchor="middle" '
                    f'fill="{color}" font-weight="bold">x</text>'
                )
            if rank is not None and rank <= max_rank:
                out.append(f'<circle cx="{x(k):.1f}" cy="{y(rank):.1f}" r="3" fill="{color}"/>')
        ly = top_m + 16 * n
        out.append(
            f'<rect x="{width - right + 16}" y="{ly - 9}" width="12" height="4" fill="{color}"/>'
        )
        out.append(f'<text x="{width - right + 34}" y="{ly - 4}">{e(track.name[:38])}</text>')
    out.append(
        f'<text x="{width - right + 16}" y="{top_m + 16 * len(tracks) + 10}" '
        'fill="#555">x = drops out of the feasible set</text>'
    )
    out.append("</svg>")
    return "\n".join(out)


def sweep_chart_html(result: Sweep) -> str:
    """Return a small self-contained HTML page with the chart and the summary."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(result.case)}: sweep of {html.escape(result.parameter)}</title>"
        "</head><body style='font-family:sans-serif;max-width:900px'>"
        f"{sweep_chart_svg(result)}<p>{html.escape(result.summary)}</p></body></html>"
    )


def as_array(track: SiteTrack) -> np.ndarray:
    """Return a track's ranks as floats (NaN where excluded), e.g. for plotting."""
    return np.array([np.nan if r is None else float(r) for r in track.ranks])
