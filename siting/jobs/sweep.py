"""Parameter sweeps: rank a case along one numeric parameter and say where sites drop out.

Module API
----------
:func:`sweep`
    ``sweep(case, "needs.power_mw", "2:20:2", top=5) -> Sweep``: rank along one numeric
    parameter and report, per site, the value at which it enters or leaves the feasible set
    and the top.
:func:`parse_values`
    ``"start:stop:step"`` (stop included when it lands on the grid) or ``"1,2,5"`` -> values.

The chart of a sweep is drawn by :func:`siting.outputs.charts.sweep_chart`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt
from siting.criteria.evaluation import ConstraintEvaluation
from siting.inputs.catalogue import Catalogue, load_catalogue
from siting.inputs.profile import Profile, parse_profile
from siting.jobs.sweep_steps import StepRanking, SweepBase, rank_steps, sweep_base
from siting.jobs.whatif_case import CaseInput, prepare_case
from siting.layers.load import GeoData, load_geodata
from siting.progress import ProgressArg, progress_reporter
from siting.results.whatif import SiteTrack, Sweep, SweepStep

__all__ = ["SiteTrack", "Sweep", "SweepStep", "parse_values", "sweep"]


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
    progress: ProgressArg = None,
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
        As in :func:`siting.jobs.compare.compare`.
    progress
        Reports the values ranked so far: a callable ``progress(done, total)`` or a
        :class:`siting.progress.Progress`.

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
    base = sweep_base(prepared.data)  # the site table and site facts, once for every value
    profiles = [
        _with_value(prepared.profile, parameter, value, integer=integer, file=prepared.file)
        for value in values
    ]
    report = progress_reporter(progress)
    report.stage(f"ranking along {parameter}", len(values))
    # the values evaluated together, then each ranked
    ranked = rank_steps(
        base,
        profiles,
        file=prepared.file,
        top=top,
        solver=solver,
        catalogue=catalogue,
        progress=report.advance,
    )
    steps = [
        SweepStep(
            value=value,
            n_feasible=r.n_feasible,
            top=r.top,
            n_verified=r.n_verified,
            verified_by_rule=r.verified_by_rule,
        )
        for value, r in zip(values, ranked, strict=True)
    ]
    seen = list(dict.fromkeys(s.site_id for step in steps for s in step.top))
    unit = _unit(parameter)
    tracks = [_track(sid, base, ranked, values, top=top, unit=unit) for sid in seen]
    tracks.sort(key=lambda t: min((r for r in t.ranks if r is not None), default=10**6))
    return Sweep(
        case=prepared.name,
        parameter=parameter,
        values=values,
        top=top,
        steps=tuple(steps),
        tracks=tuple(tracks),
        summary=_summary(parameter, values, steps, ranked, tracks, top=top, unit=unit),
    )


def _track(
    sid: str,
    base: SweepBase,
    ranked: list[StepRanking],
    values: tuple[float, ...],
    *,
    top: int,
    unit: str,
) -> SiteTrack:
    """Follow one site along the sweep: its rank and utility per value, where it changes."""
    ranks = tuple(r.rank.get(sid) if r.feasible(sid) else None for r in ranked)
    events = []
    for k in range(1, len(values)):
        before, after = ranks[k - 1], ranks[k]
        at = f"{values[k]:g}{unit}"
        if before is not None and after is None:
            fails = [
                label
                for rule, (status, label, _, _) in ranked[k].rule_status(sid).items()
                if status == "fail"
                or (status == "unknown" and not ranked[k].ev.accepts_unknown(rule))
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
    return SiteTrack(
        site_id=sid,
        name=base.names[i],
        municipality=base.municipalities[i],
        ranks=ranks,
        utilities=tuple(float(r.utility(sid) or 0.0) for r in ranked),
        events=tuple(events),
    )


def _summary(
    parameter: str,
    values: tuple[float, ...],
    steps: list[SweepStep],
    ranked: list[StepRanking],
    tracks: list[SiteTrack],
    *,
    top: int,
    unit: str,
) -> str:
    """Say the sweep in words: feasible and verified counts, rules that move, site changes."""
    feasible = [s.n_feasible for s in steps]
    verified = [s.n_verified for s in steps]
    parts = [
        f"Along {parameter} from {values[0]:g} to {values[-1]:g}{unit}, the number of "
        f"feasible sites goes {' -> '.join(map(str, _runs(feasible)))} (verified: "
        f"{' -> '.join(map(str, _runs(verified)))}; the others are to confirm)."
    ]
    parts.extend(_rule_moves(ranked, parameter))
    parts.extend(f"{t.name} ({t.municipality}) {'; '.join(t.events)}." for t in tracks if t.events)
    if not any(t.events for t in tracks):
        parts.append(f"The top {top} does not change.")
    return " ".join(parts)


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


def _rule_moves(ranked: list[StepRanking], parameter: str) -> list[str]:
    """In words: per rule, the sites that move between verified and to confirm.

    Counted over sites feasible at two neighbouring values of the sweep.
    """
    parts = []
    for con in ranked[0].ev.constraints:
        to_confirm = to_verified = 0
        for before, after in itertools.pairwise(ranked):
            a, b = _constraint(before, con.name), _constraint(after, con.name)
            if a is None or b is None:
                continue
            both = before.ev.feasible & after.ev.feasible
            to_confirm += int((both & ~a.unknown & b.unknown).sum())
            to_verified += int((both & a.unknown & ~b.unknown).sum())
        if to_confirm or to_verified:
            parts.append(
                f"{con.label}: along {parameter}, {to_confirm} site(s) move from verified to "
                f"'to confirm', {to_verified} the other way."
            )
    return parts


def _constraint(step: StepRanking, name: str) -> ConstraintEvaluation | None:
    return next((c for c in step.ev.constraints if c.name == name), None)
