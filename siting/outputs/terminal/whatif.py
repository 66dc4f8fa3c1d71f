"""Comparisons and sweeps on the terminal: what moved and why, capped lists on demand.

Lists show their first ``rows`` entries (default :data:`ROWS_SHOWN`; ``None`` for all); the
JSON and Excel outputs hold everything.
"""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from siting.outputs.terminal._text import plain, styled
from siting.results.whatif import Comparison, SiteChange, Sweep, VariantComparison

#: Rows shown per list before "... and N more".
ROWS_SHOWN = 10


def print_comparison(
    result: Comparison, console: Console, *, rows: int | None = ROWS_SHOWN
) -> None:
    """Print a comparison so that someone who has not seen the code can follow it."""
    base = result.base
    console.print(
        styled(
            ("Base:", "bold"),
            f" {result.base_name} ({result.base_file}): "
            f"{base.n_feasible} of {base.n_sites} sites feasible.",
        ),
        soft_wrap=True,
    )
    for variant in result.variants:
        console.rule(plain(f"What if: {variant.name}", "bold"))
        _print_variant(result, variant, console, rows=rows)


def _print_variant(
    result: Comparison, variant: VariantComparison, console: Console, *, rows: int | None
) -> None:
    console.print(plain(variant.file, "dim"), soft_wrap=True)
    if variant.changes:
        console.print(plain("What changes against the base:", "bold"))
        for line in variant.changes:
            console.print(plain(f"  - {line}"), soft_wrap=True)
    else:
        console.print(plain("No difference in needs, weights or data against the base."))
    console.print(_top_table(result, variant))
    console.print(Panel(plain(variant.summary), title="In words", title_align="left"))
    if variant.moves:
        _change_table(
            f"What moved in the top {result.top}, and why", variant.moves, console, rows=rows
        )
    if variant.became_infeasible:
        _grouped_table(
            f"No longer feasible ({len(variant.became_infeasible)} sites)",
            variant.became_infeasible,
            console,
            rows=rows,
        )
    if variant.became_feasible:
        _grouped_table(
            f"Newly feasible ({len(variant.became_feasible)} sites)",
            variant.became_feasible,
            console,
            rows=rows,
        )
    if not (variant.moves or variant.became_feasible or variant.became_infeasible):
        console.print(plain("Nothing moved."))


def _top_table(result: Comparison, variant: VariantComparison) -> Table:
    """Return the base's and the variant's top sites side by side, with each one's base rank."""
    table = Table(title=f"Top {result.top}: base vs. what-if", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column(plain(f"base: {result.base_name}"), overflow="fold")
    table.add_column("score", justify="right")
    table.add_column(plain(f"what-if: {variant.name}"), overflow="fold")
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
            plain(f"{b.name} ({b.municipality})") if b else "",
            f"{b.utility:.3f}" if b else "",
            plain(f"{v.name} ({v.municipality})") if v else "",
            f"{v.utility:.3f}" if v else "",
            plain(was),
        )
    return table


def _change_table(
    title: str, changes: tuple[SiteChange, ...], console: Console, *, rows: int | None
) -> None:
    table = Table(title=title, show_lines=True)
    table.add_column("site", overflow="fold", ratio=2)
    table.add_column("rank", no_wrap=True)
    table.add_column("score", no_wrap=True)
    table.add_column("why", overflow="fold", ratio=5)
    shown = changes if rows is None else changes[:rows]
    for c in shown:
        score = (
            ("" if c.base_utility is None else f"{c.base_utility:.3f}")
            + " -> "
            + ("" if c.new_utility is None else f"{c.new_utility:.3f}")
        )
        table.add_row(
            styled(c.name, "\n", (f"{c.municipality}; {c.site_id}", "dim")),
            plain(c.movement),
            score,
            plain("\n".join(f"- {cause}" for cause in c.causes)),
        )
    console.print(table)
    if len(changes) > len(shown):
        console.print(
            plain(f"  ... and {len(changes) - len(shown)} more (all in --out; --all lists them).")
        )


def _grouped_table(
    title: str, changes: tuple[SiteChange, ...], console: Console, *, rows: int | None
) -> None:
    """Sites whose feasibility changed, grouped by identical cause (``rows`` groups shown)."""
    groups: dict[tuple[str, ...], list[SiteChange]] = {}
    for c in changes:
        groups.setdefault(c.causes, []).append(c)
    table = Table(title=title, show_lines=True)
    table.add_column("why", overflow="fold", ratio=3)
    table.add_column("sites (rank before -> after)", overflow="fold", ratio=4)
    listed = list(groups.items())
    shown_groups = listed if rows is None else listed[:rows]
    for causes, sites in shown_groups:
        cap = sites if rows is None else sites[:rows]
        shown = "; ".join(f"{c.name} ({c.municipality}, {c.movement})" for c in cap)
        more = f"; ... and {len(sites) - len(cap)} more" if len(sites) > len(cap) else ""
        table.add_row(plain("\n".join(f"- {cause}" for cause in causes)), plain(shown + more))
    console.print(table)
    if len(listed) > len(shown_groups):
        left = sum(len(sites) for _, sites in listed[len(shown_groups) :])
        console.print(
            plain(
                f"  ... and {left} more site(s) with {len(listed) - len(shown_groups)} other "
                "cause(s) (all in --out; --all lists them)."
            )
        )


def print_sweep(result: Sweep, console: Console, *, rows: int | None = ROWS_SHOWN) -> None:
    """Print a sweep: the top per value, then per site where it drops out or enters."""
    console.rule(plain(f"{result.case}: sweep of {result.parameter}", "bold"))
    table = Table(title=plain(f"Top {result.top} per value of {result.parameter}"))
    table.add_column(plain(result.parameter), justify="right", no_wrap=True)
    table.add_column("feasible", justify="right")
    table.add_column("verified", justify="right")
    for k in range(result.top):
        table.add_column(f"#{k + 1}", overflow="fold")
    for step in result.steps:
        names = [plain(s.name) for s in step.top] + [plain("")] * (result.top - len(step.top))
        table.add_row(f"{step.value:g}", str(step.n_feasible), str(step.n_verified), *names)
    console.print(table)
    sites = Table(title="Per site: rank along the parameter (x = not feasible)")
    sites.add_column("site", overflow="fold")
    sites.add_column("ranks", overflow="fold")
    sites.add_column("where it changes", overflow="fold")
    tracks = result.tracks if rows is None else result.tracks[:rows]
    for track in tracks:
        ranks = " ".join("x" if r is None else str(r) for r in track.ranks)
        sites.add_row(
            styled(track.name, "\n", (track.municipality, "dim")),
            ranks,
            plain("\n".join(track.events) or "stays"),
        )
    console.print(sites)
    if len(result.tracks) > len(tracks):
        console.print(
            plain(
                f"  ... and {len(result.tracks) - len(tracks)} more sites (all in --out; --all "
                "lists them)."
            )
        )
    console.print(Panel(plain(result.summary), title="In words", title_align="left"))
