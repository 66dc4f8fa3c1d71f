"""The ``siting compare`` and ``siting sweep`` commands (registered in :mod:`siting.cli.app`).

A thin layer over :func:`siting.jobs.compare.compare` and :func:`siting.jobs.sweep.sweep`: it reads
the files, prints readable rich tables and writes the optional JSON, map and chart files.
Invalid input raises :class:`~siting.SitingInputError`, which the ``siting`` entry point turns
into a located report and exit code 2.
"""

from __future__ import annotations

import html
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

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
    layer_files,
    map_mode,
    out_targets,
    progress_bar,
    write_outputs,
)
from siting.model.names import ENUMERATION, SOLVERS

if TYPE_CHECKING:
    from siting.jobs.compare import Comparison

__all__ = ["compare_command", "sweep_command"]

_SOLVER_HELP = "cbc, highs, cp-sat (the MILP) or enumeration (exact, fastest); default cbc."


def _console() -> Console:
    from siting.cli._common import out

    return out


def _check_solver(solver: str | None) -> None:
    if solver is not None and solver not in (*SOLVERS, ENUMERATION):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--solver",
                label="option",
                message=f"{excerpt(solver)} is not a solver; allowed: "
                f"{', '.join((*SOLVERS, ENUMERATION))}",
            )
        )


def compare_command(
    cases: Annotated[
        list[Path],
        typer.Argument(
            help="The base case, then one or more variants: each a company profile (TOML) or a "
            "scenario file (a TOML with a [scenario] table naming its base profile and the "
            "changes, see models/scenarios/).",
            dir_okay=False,
        ),
    ],
    top: Annotated[
        int, typer.Option("--top", min=1, max=1000, help="How many top sites to compare.")
    ] = 10,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Write the comparison (and every full ranking) as JSON.", dir_okay=False
        ),
    ] = None,
    map_out: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Write a two-pane HTML map: the base left, the first variant right, "
            "each with the explanation popups of `siting rank --map`; the two "
            "panes pan and zoom together (a checkbox unlinks them).",
            dir_okay=False,
        ),
    ] = None,
    offline: OfflineOption = False,
    tiles: TilesOption = False,
    solver: Annotated[str | None, typer.Option("--solver", help=_SOLVER_HELP)] = None,
    geodata: Annotated[
        Path | None,
        typer.Option(
            "--geodata",
            help="Data folder with your own layer files; layers it lacks come from "
            "the embedded dataset.",
            file_okay=False,
        ),
    ] = None,
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
    from siting.outputs.terminal.whatif import print_comparison

    _check_solver(solver)
    paths = check_output_formats(out_files, dialect=csv_dialect)
    check_outputs(
        [*cases, *layer_files(geodata)],
        [("--json", json_out), ("--map", map_out), *out_targets(paths)],
    )
    with progress_bar() as progress:
        result = compare(
            cases[0], *cases[1:], top=top, solver=solver, geodata_dir=geodata, progress=progress
        )
    console = _console()
    print_comparison(result, console, rows=None if show_all else rows)
    write_outputs(result, paths, dialect=csv_dialect)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        console.print(f"wrote {json_out}", highlight=False, soft_wrap=True)
    if map_out is not None:
        written = write_comparison_map(result, map_out, offline=offline)
        console.print(
            f"wrote map {written}" + (" (offline)" if offline else ""),
            highlight=False,
            soft_wrap=True,
        )


def write_comparison_map(result: Comparison, path: Path, *, offline: bool = True) -> Path:
    """Write the base (left) and the first variant (right) as two linked maps side by side.

    Each pane is a full map of :func:`siting.outputs.maps.ranking.render_map` (same layers and
    explanation
    popups), embedded in one HTML file as a self-contained frame. The two maps move together:
    panning or zooming either one moves the other to the same centre and zoom, while each keeps
    its own layers, popups and panel; a checkbox in the header unlinks them.

    The link is a message exchange, not a reach into the frames: each pane posts its view to
    the page after every move and follows views the page sends back
    (:class:`siting.outputs.maps.elements.LinkedView`), and the page relays between the panes
    (:data:`siting.outputs.maps.elements.LINKED_VIEW_RELAY`). That works whatever origin the browser
    gives a local file or its frames, and depends neither on folium's global variable names
    nor on when each frame has finished loading. The messages carry only numbers.

    Parameters
    ----------
    result
        The comparison (:func:`siting.jobs.compare.compare`); its first variant is drawn.
    path
        Target file; its folder is created if needed.
    offline
        Make both panes self-contained (see :func:`siting.outputs.maps.ranking.save_map`); the page
        itself
        loads nothing.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    SitingInputError
        When the comparison has no variant.
    """
    from siting.layers.load import load_geodata
    from siting.outputs.maps.elements import LINKED_VIEW_RELAY, LinkedView
    from siting.outputs.maps.html import esc
    from siting.outputs.maps.ranking import render_map, result_points, save_map

    if not result.variants:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--map",
                label="option",
                message="needs at least one variant",
            )
        )
    variant = result.variants[0]
    # both panes open at the same view: what either ranking is about
    focus = [*result_points(result.base), *result_points(variant.result)]
    panes = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, ranking, data) in enumerate(
            (
                (f"Base: {result.base_name}", result.base, result.base_data),
                (f"What if: {variant.name}", variant.result, variant.data),
            )
        ):
            m = render_map(
                ranking,
                data=data if data is not None else load_geodata(),
                offline=offline,
                compact=True,
                focus=focus,
            )
            m.add_child(LinkedView(), name="siting_linked_view")
            page = save_map(m, Path(tmp) / f"pane{k}.html", offline=offline).read_text(
                encoding="utf-8"
            )
            panes.append((label, m.get_name(), page))
    frames = "".join(
        f'<div class="pane"><div class="head">{esc(label)}</div>'
        f'<iframe class="siting-pane" data-map="{esc(name)}" '
        f'title="{esc(label)}" srcdoc="{html.escape(page, quote=True)}">'
        "</iframe></div>"
        for label, name, page in panes
    )
    summary = esc(variant.summary)
    bar = (
        "<div class='bar'><label><input type='checkbox' id='siting-link' checked> "
        "Linked: the two maps move together</label> <span class='hint'>(pan or zoom "
        "either one; untick to move them separately)</span></div>"
    )
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{esc(result.base_name)} vs. {esc(variant.name)}</title>"
        "<style>html,body{margin:0;height:100%;font-family:sans-serif}"
        "body{display:flex;flex-direction:column}.bar{padding:4px 10px;font-size:13px;"
        "border-bottom:1px solid #ccc}.bar .hint{color:#666}"
        ".wrap{display:flex;flex:1;min-height:0}.pane{flex:1;display:flex;"
        "flex-direction:column;border-right:2px solid #999}.head{padding:6px 10px;"
        "font-weight:bold;background:#f4f4f4}iframe{flex:1;border:0;width:100%}"
        ".sum{flex:0 0 78px;overflow:auto;padding:6px 10px;font-size:13px;"
        f"border-top:1px solid #ccc}}</style><script>{LINKED_VIEW_RELAY}</script>"
        f"</head><body>{bar}<div class='wrap'>{frames}</div>"
        f"<div class='sum'>{summary}</div></body></html>"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc, encoding="utf-8")
    return path


def sweep_command(
    case: Annotated[
        Path, typer.Argument(help="A company profile or a scenario file (TOML).", dir_okay=False)
    ],
    vary: Annotated[
        list[str],
        typer.Option(
            "--vary",
            help="PATH=START:STOP:STEP (stop included when it lands on the grid) or "
            "PATH=A,B,C, e.g. needs.power_mw=2:20:2 or weights.talent_fit=0:1:0.1. "
            "PATH is any numeric profile field: needs.*, needs.talent.*, "
            "constraints.max_relocation_km, weights.<criterion>. Repeat for "
            "separate sweeps.",
        ),
    ],
    top: Annotated[
        int, typer.Option("--top", min=1, max=100, help="How many top sites per value.")
    ] = 5,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Write a chart of every top site's rank along the parameter: .svg, .png, "
            ".pdf, or .html (chart and summary).",
            dir_okay=False,
        ),
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the sweep(s) as JSON.", dir_okay=False)
    ] = None,
    solver: Annotated[str | None, typer.Option("--solver", help=_SOLVER_HELP)] = None,
    geodata: Annotated[
        Path | None,
        typer.Option("--geodata", help="Data folder with your own layer files.", file_okay=False),
    ] = None,
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
    from siting.outputs.charts import CHART_SUFFIXES, save_sweep_chart
    from siting.outputs.terminal.whatif import print_sweep

    _check_solver(solver)
    if chart is not None and chart.suffix.lower() not in CHART_SUFFIXES:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--chart",
                label="option",
                message=f"{excerpt(str(chart))}: give a {', '.join(CHART_SUFFIXES)} file",
            )
        )
    paths = check_output_formats(out_files, dialect=csv_dialect)
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
    console = _console()
    for result in results:
        print_sweep(result, console, rows=None if show_all else rows)
    for result in results:
        write_outputs(
            result,
            [_per_sweep(p, result.parameter, len(results)) for p in paths],
            dialect=csv_dialect,
        )
    if chart is not None:
        for result in results:
            target = save_sweep_chart(result, _per_sweep(chart, result.parameter, len(results)))
            console.print(f"wrote chart {target}", highlight=False, soft_wrap=True)
    if json_out is not None:
        payload = [r.to_dict() for r in results]
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(
            json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
        console.print(f"wrote {json_out}", highlight=False, soft_wrap=True)


def _per_sweep(path: Path, parameter: str, n: int) -> Path:
    """Return the file for one of ``n`` sweeps: the path itself, or one per parameter."""
    if n == 1:
        return path
    return path.with_name(f"{path.stem}_{parameter.replace('.', '_')}{path.suffix}")
