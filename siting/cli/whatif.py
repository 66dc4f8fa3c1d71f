"""The ``siting compare`` and ``siting sweep`` commands (registered in :mod:`siting.cli.app`).

A thin layer over :func:`siting.jobs.compare.compare` and :func:`siting.jobs.sweep.sweep`: it reads
the files, prints readable rich tables and writes the optional JSON, map and chart files
(the two-pane map is drawn by :mod:`siting.outputs.maps.comparison`).
Invalid input raises :class:`~siting.SitingInputError`, which the ``siting`` entry point turns
into a located report and exit code 2.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting.cli._common import (
    AllOption,
    CsvDialectOption,
    OfflineOption,
    OutOption,
    RowsOption,
    TilesOption,
    check_output_formats,
    check_outputs,
    check_solver,
    layer_files,
    map_mode,
    out,
    out_targets,
    progress_bar,
    write_outputs,
)
from siting.model.names import ENUMERATION, SOLVERS

__all__ = ["compare_command", "sweep_command"]

_SOLVER_HELP = (
    "cbc, highs, cp-sat (the MILP) or enumeration (exact, fastest); "
    f"default {settings.default_solver}."
)

SolverOption = Annotated[str | None, typer.Option("--solver", help=_SOLVER_HELP)]
CasesArgument = Annotated[
    list[Path],
    typer.Argument(
        help="The base case, then one or more variants: each a company profile (TOML) or a "
        "scenario file (a TOML with a [scenario] table naming its base profile and the "
        "changes, see models/scenarios/).",
        dir_okay=False,
    ),
]
CompareTopOption = Annotated[
    int, typer.Option("--top", min=1, max=1000, help="How many top sites to compare.")
]
CompareJsonOption = Annotated[
    Path | None,
    typer.Option(
        "--json", help="Write the comparison (and every full ranking) as JSON.", dir_okay=False
    ),
]
CompareMapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Write a two-pane HTML map: the base left, the first variant right, "
        "each with the explanation popups of `siting rank --map`; the two "
        "panes pan and zoom together (a checkbox unlinks them).",
        dir_okay=False,
    ),
]
CompareGeodataOption = Annotated[
    Path | None,
    typer.Option(
        "--geodata",
        help="Data folder with your own layer files; layers it lacks come from "
        "the embedded dataset.",
        file_okay=False,
    ),
]
CaseArgument = Annotated[
    Path, typer.Argument(help="A company profile or a scenario file (TOML).", dir_okay=False)
]
VaryOption = Annotated[
    list[str],
    typer.Option(
        "--vary",
        help="PATH=START:STOP:STEP (stop included when it lands on the grid) or "
        "PATH=A,B,C, e.g. needs.power_mw=2:20:2 or weights.talent_fit=0:1:0.1. "
        "PATH is any numeric profile field: needs.*, needs.talent.*, "
        "constraints.max_relocation_km, weights.<criterion>. Repeat for "
        "separate sweeps.",
    ),
]
SweepTopOption = Annotated[
    int, typer.Option("--top", min=1, max=100, help="How many top sites per value.")
]
ChartOption = Annotated[
    Path | None,
    typer.Option(
        "--chart",
        help="Write a chart of every top site's rank along the parameter: .svg, .png, "
        ".pdf, or .html (chart and summary).",
        dir_okay=False,
    ),
]
SweepJsonOption = Annotated[
    Path | None, typer.Option("--json", help="Write the sweep(s) as JSON.", dir_okay=False)
]
SweepGeodataOption = Annotated[
    Path | None,
    typer.Option("--geodata", help="Data folder with your own layer files.", file_okay=False),
]


def compare_command(
    cases: CasesArgument,
    top: CompareTopOption = 10,
    json_out: CompareJsonOption = None,
    map_out: CompareMapOption = None,
    offline: OfflineOption = False,
    tiles: TilesOption = False,
    solver: SolverOption = None,
    geodata: CompareGeodataOption = None,
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    rows: RowsOption = 5,
    show_all: AllOption = False,
) -> None:
    """Compare a base case with what-if variants: what moves, and why.

    Example: siting compare models/cases/case2_microchip_dense_region.toml
    models/scenarios/case2_12mw_in_2027.toml --top 5

    For each variant it prints what the variant changes, the two top lists side by side, a
    summary in words, every site that moved (with the rule or criterion that caused it) and
    the sites that became feasible or infeasible. Exit code 0, or 2 for invalid input.
    """
    if len(cases) < 2:
        raise SitingInputError(
            Problem(file="<arguments>", message="give a base case and at least one variant")
        )
    offline = map_mode(map_out, tiles=tiles, offline=offline)
    from siting.jobs.compare import compare
    from siting.outputs.maps.comparison import write_comparison_map
    from siting.outputs.terminal.whatif import print_comparison

    check_solver(solver, (*SOLVERS, ENUMERATION))
    paths = check_output_formats(out_files, dialect=csv_dialect)
    check_outputs(
        [*cases, *layer_files(geodata)],
        [("--json", json_out), ("--map", map_out), *out_targets(paths)],
    )
    with progress_bar() as progress:
        result = compare(
            cases[0], *cases[1:], top=top, solver=solver, geodata_dir=geodata, progress=progress
        )
    print_comparison(result, out, rows=None if show_all else rows)
    write_outputs(result, paths, dialect=csv_dialect)
    if json_out is not None:
        _write_json(result.to_dict(), json_out)
    if map_out is not None:
        written = write_comparison_map(result, map_out, offline=offline)
        out.print(
            f"wrote map {written}" + (" (offline)" if offline else ""),
            highlight=False,
            soft_wrap=True,
        )


def sweep_command(
    case: CaseArgument,
    vary: VaryOption,
    top: SweepTopOption = 5,
    chart: ChartOption = None,
    json_out: SweepJsonOption = None,
    solver: SolverOption = None,
    geodata: SweepGeodataOption = None,
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    rows: RowsOption = 10,
    show_all: AllOption = False,
) -> None:
    """Rank along one parameter to see at which value a site drops out or enters.

    Example: siting sweep models/cases/case2_microchip_dense_region.toml
    --vary needs.year=2026:2032:1 --chart sweep.html

    Prints, per value, the number of feasible sites and the top sites, then per site where it
    drops out of (or enters) the feasible set or the top. Exit code 0, or 2 for invalid input.
    """
    from siting.jobs.sweep import sweep
    from siting.layers.load import load_geodata
    from siting.outputs.charts import save_sweep_chart
    from siting.outputs.terminal.whatif import print_sweep

    check_solver(solver, (*SOLVERS, ENUMERATION))
    _check_chart(chart)
    paths = check_output_formats(out_files, dialect=csv_dialect)
    parsed = _parse_vary(vary)
    n_sweeps = len(parsed)
    check_outputs(
        [case, *layer_files(geodata)],
        [
            ("--json", json_out),
            *(
                ("--chart", _per_sweep(chart, path, n_sweeps))
                for path, _ in parsed
                if chart is not None
            ),
            *out_targets(_per_sweep(p, path, n_sweeps) for p in paths for path, _ in parsed),
        ],
    )
    data = load_geodata(geodata)
    with progress_bar() as progress:
        results = [
            sweep(case, path, spec, top=top, solver=solver, data=data, progress=progress)
            for path, spec in parsed
        ]
    for result in results:
        print_sweep(result, out, rows=None if show_all else rows)
    for result in results:
        write_outputs(
            result,
            [_per_sweep(p, result.parameter, len(results)) for p in paths],
            dialect=csv_dialect,
        )
    if chart is not None:
        for result in results:
            target = save_sweep_chart(result, _per_sweep(chart, result.parameter, len(results)))
            out.print(f"wrote chart {target}", highlight=False, soft_wrap=True)
    if json_out is not None:
        payload = [r.to_dict() for r in results]
        _write_json(payload[0] if len(payload) == 1 else payload, json_out)


def _check_chart(chart: Path | None) -> None:
    """Refuse a ``--chart`` file of a format the charts cannot write."""
    from siting.outputs.charts import CHART_SUFFIXES

    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--chart",
                label="option",
                message=f"{excerpt(str(chart))}: give a {', '.join(CHART_SUFFIXES)} file",
            )
        )


def _parse_vary(vary: list[str]) -> list[tuple[str, str]]:
    """Split every ``--vary PATH=SPEC`` into ``(path, spec)``; the spec is read by the sweep."""
    parsed = []
    for item in vary:
        if "=" not in item:
            raise SitingInputError(
                Problem(
                    file="<options>",
                    column="--vary",
                    label="option",
                    message=f"{excerpt(item)}: write PATH=START:STOP:STEP, "
                    "e.g. needs.power_mw=2:20:2",
                )
            )
        path, spec = item.split("=", 1)
        parsed.append((path.strip(), spec.strip()))
    return parsed


def _write_json(payload: Any, path: Path) -> None:
    """Write ``payload`` as indented JSON (its folder created if needed) and print the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
    out.print(f"wrote {path}", highlight=False, soft_wrap=True)


def _per_sweep(path: Path, parameter: str, n: int) -> Path:
    """Return the file for one of ``n`` sweeps: the path itself, or one per parameter."""
    if n == 1:
        return path
    return path.with_name(f"{path.stem}_{parameter.replace('.', '_')}{path.suffix}")
