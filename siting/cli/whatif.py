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
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from siting._errors import Problem, SitingInputError, excerpt
from siting.jobs.compare import Comparison, SiteChange, VariantComparison, compare
from siting.jobs.rank import ENUMERATION
from siting.jobs.sweep import Sweep, sweep, sweep_chart_html, sweep_chart_svg
from siting.layers.load import load_geodata
from siting.model.solvers import SOLVERS

#: Rows shown per list before "... and N more".
ROWS_SHOWN = 15

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
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="Make the map self-contained (no background map, no request to any other host).",
        ),
    ] = False,
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
    if offline and map_out is None:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--offline",
                label="option",
                message="applies to the map: add --map OUT.html",
            )
        )
    _check_solver(solver)
    from siting.cli._common import check_outputs, layer_files

    check_outputs([*cases, *layer_files(geodata)], [("--json", json_out), ("--map", map_out)])
    result = compare(cases[0], *cases[1:], top=top, solver=solver, geodata_dir=geodata)
    console = _console()
    print_comparison(result, console)
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


def print_comparison(result: Comparison, console: Console) -> None:
    """Print a comparison so that someone who has not seen the code can follow it."""
    base = result.base
    console.print(
        Text.assemble(
            ("Base:", "bold"),
            f" {result.base_name} ({result.base_file}): "
            f"{base.n_feasible} of {base.n_sites} sites feasible.",
        ),
        highlight=False,
        soft_wrap=True,
    )
    for variant in result.variants:
        console.rule(Text(f"What if: {variant.name}", style="bold"))
        _print_variant(result, variant, console)


def _print_variant(result: Comparison, variant: VariantComparison, console: Console) -> None:
    console.print(str(variant.file), style="dim", highlight=False, soft_wrap=True)
    if variant.changes:
        console.print("What changes against the base:", style="bold")
        for line in variant.changes:
            console.print(f"  - {line}", highlight=False, soft_wrap=True)
    else:
        console.print("No difference in needs, weights or data against the base.")
    table = Table(title=f"Top {result.top}: base vs. what-if", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column(f"base: {result.base_name}", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column(f"what-if: {variant.name}", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("was", justify="right")
    base_ranks = {s.site_id: s.rank for s in result.base_top}
    for k in range(max(len(result.base_top), len(variant.top))):
        b = result.base_top[k] if k < len(result.base_top) else None
        v = variant.top[k] if k < len(variant.top) else None
        was = ""
        if v is not None:
            change = next(
                (c for c in (*variant.moves, *variant.became_feasible) if c.site_id == v.site_id),
                None,
            )
            was = (
                f"#{base_ranks[v.site_id]}"
                if v.site_id in base_ranks
                else change.movement.split(" -> ")[0]
                if change
                else ""
            )
            was = "=" if was == f"#{v.rank}" else was
        table.add_row(
            str(k + 1),
            f"{b.name} ({b.municipality})" if b else "",
            f"{b.utility:.3f}" if b else "",
            f"{v.name} ({v.municipality})" if v else "",
            f"{v.utility:.3f}" if v else "",
            was,
        )
    console.print(table)
    console.print(Panel(variant.summary, title="In words", title_align="left"), highlight=False)
    if variant.moves:
        _change_table(f"What moved in the top {result.top}, and why", variant.moves, console)
    if variant.became_infeasible:
        _grouped_table(
            f"No longer feasible ({len(variant.became_infeasible)} sites)",
            variant.became_infeasible,
            console,
        )
    if variant.became_feasible:
        _grouped_table(
            f"Newly feasible ({len(variant.became_feasible)} sites)",
            variant.became_feasible,
            console,
        )
    if not (variant.moves or variant.became_feasible or variant.became_infeasible):
        console.print("Nothing moved.")


def _change_table(title: str, changes: tuple[SiteChange, ...], console: Console) -> None:
    table = Table(title=title, show_lines=True)
    table.add_column("site", overflow="fold", ratio=2)
    table.add_column("rank", no_wrap=True)
    table.add_column("score", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=5)
    for c in changes[:ROWS_SHOWN]:
        score = (
            ("" if c.base_utility is None else f"{c.base_utility:.3f}")
            + " -> "
            + ("" if c.new_utility is None else f"{c.new_utility:.3f}")
        )
        table.add_row(
            Text.assemble(c.name, "\n", (f"{c.municipality}; {c.site_id}", "dim")),
            c.movement,
            score,
            "\n".join(f"- {cause}" for cause in c.causes),
        )
    console.print(table)
    if len(changes) > ROWS_SHOWN:
        console.print(f"  ... and {len(changes) - ROWS_SHOWN} more (all in --json).")


def _grouped_table(title: str, changes: tuple[SiteChange, ...], console: Console) -> None:
    """Sites whose feasibility changed, grouped by identical cause."""
    groups: dict[tuple[str, ...], list[SiteChange]] = {}
    for c in changes:
        groups.setdefault(c.causes, []).append(c)
    table = Table(title=title, show_lines=True)
    table.add_column("why", overflow="fold", ratio=3)
    table.add_column("sites (rank before -> after)", overflow="fold", ratio=4)
    for causes, sites in groups.items():
        shown = "; ".join(f"{c.name} ({c.municipality}, {c.movement})" for c in sites[:ROWS_SHOWN])
        more = f"; ... and {len(sites) - ROWS_SHOWN} more" if len(sites) > ROWS_SHOWN else ""
        table.add_row("\n".join(f"- {cause}" for cause in causes), shown + more)
    console.print(table)


def write_comparison_map(result: Comparison, path: Path, *, offline: bool = False) -> Path:
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
    from siting.outputs.maps.elements import LINKED_VIEW_RELAY, LinkedView
    from siting.outputs.maps.ranking import render_map, save_map

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
    panes = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, (label, ranking, data) in enumerate(
            (
                (f"Base: {result.base_name}", result.base, result.base_data),
                (f"What if: {variant.name}", variant.result, variant.data),
            )
        ):
            m = render_map(
                ranking, data=data if data is not None else load_geodata(), offline=offline
            )
            m.add_child(LinkedView(), name="siting_linked_view")
            page = save_map(m, Path(tmp) / f"pane{k}.html", offline=offline).read_text(
                encoding="utf-8"
            )
            panes.append((label, m.get_name(), page))
    frames = "".join(
        f'<div class="pane"><div class="head">{html.escape(label)}</div>'
        f'<iframe class="siting-pane" data-map="{html.escape(name)}" '
        f'title="{html.escape(label)}" srcdoc="{html.escape(page, quote=True)}">'
        "</iframe></div>"
        for label, name, page in panes
    )
    summary = html.escape(variant.summary)
    bar = (
        "<div class='bar'><label><input type='checkbox' id='siting-link' checked> "
        "Linked: the two maps move together</label> <span class='hint'>(pan or zoom "
        "either one; untick to move them separately)</span></div>"
    )
    doc = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(result.base_name)} vs. {html.escape(variant.name)}</title>"
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
            help="Write a chart of each top site's rank along the parameter: .svg, or "
            ".html (chart and summary).",
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
) -> None:
    """Rank along one parameter to see at which value a site drops out or enters.

    Example: siting sweep models/cases/case2_microchip_dense_region.toml
    --vary needs.year=2026:2032:1 --chart sweep.html

    Prints, per value, the number of feasible sites and the top sites, then per site where it
    drops out of (or enters) the feasible set or the top. Exit code 0, or 2 for invalid input.
    """
    _check_solver(solver)
    if chart is not None and chart.suffix.lower() not in (".svg", ".html", ".htm"):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--chart",
                label="option",
                message=f"{excerpt(str(chart))}: give a .svg or .html file",
            )
        )
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
    from siting.cli._common import check_outputs, layer_files

    inputs = [case, *layer_files(geodata)]
    check_outputs(inputs, [("--chart", chart), ("--json", json_out)])
    data = load_geodata(geodata)
    results = [sweep(case, path, spec, top=top, solver=solver, data=data) for path, spec in parsed]
    console = _console()
    for result in results:
        print_sweep(result, console)
    if chart is not None:
        for result in results:
            target = (
                chart
                if len(results) == 1
                else chart.with_name(
                    f"{chart.stem}_{result.parameter.replace('.', '_')}{chart.suffix}"
                )
            )
            check_outputs(inputs, [("--chart", target)])
            target.parent.mkdir(parents=True, exist_ok=True)
            text = (
                sweep_chart_svg(result)
                if target.suffix.lower() == ".svg"
                else sweep_chart_html(result)
            )
            target.write_text(text, encoding="utf-8")
            console.print(f"wrote chart {target}", highlight=False, soft_wrap=True)
    if json_out is not None:
        payload = [r.to_dict() for r in results]
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(
            json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, ensure_ascii=False),
            encoding="utf-8",
        )
        console.print(f"wrote {json_out}", highlight=False, soft_wrap=True)


def print_sweep(result: Sweep, console: Console) -> None:
    """Print a sweep: the top per value, then per site where it drops out or enters."""
    console.rule(Text(f"{result.case}: sweep of {result.parameter}", style="bold"))
    table = Table(title=f"Top {result.top} per value of {result.parameter}")
    table.add_column(result.parameter, justify="right", no_wrap=True)
    table.add_column("feasible", justify="right")
    for k in range(result.top):
        table.add_column(f"#{k + 1}", overflow="fold")
    for step in result.steps:
        names = [s.name for s in step.top] + [""] * (result.top - len(step.top))
        table.add_row(f"{step.value:g}", str(step.n_feasible), *names)
    console.print(table)
    sites = Table(title="Per site: rank along the parameter (x = not feasible)")
    sites.add_column("site", overflow="fold")
    sites.add_column("ranks", overflow="fold")
    sites.add_column("where it changes", overflow="fold")
    for track in result.tracks:
        ranks = " ".join("x" if r is None else str(r) for r in track.ranks)
        sites.add_row(
            Text.assemble(track.name, "\n", (track.municipality, "dim")),
            ranks,
            "\n".join(track.events) or "stays",
        )
    console.print(sites)
    console.print(Panel(result.summary, title="In words", title_align="left"), highlight=False)
