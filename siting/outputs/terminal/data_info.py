"""The overview of the geodata on the terminal (``siting data info``).

Prints the summary :func:`siting.layers.info.data_info` returns: the layers with their record
counts and dates, the site supply, per-province and per-hotspot tables, the talent counts
(with ``full``) and what the grid links place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from siting import vocab


def print_data_info(summary: dict[str, Any], console: Console, *, full: bool = False) -> None:
    """Print the data overview; ``full`` adds the talent counts and the grid placement table."""
    _print_layers(summary, console)
    _print_provinces(summary, console)
    _print_hotspots(summary, console)
    _print_talent(summary, console, full=full)
    _print_grid_placement(summary["grid"], console, full=full)


def _print_layers(summary: dict[str, Any], console: Console) -> None:
    """Print the layers table and the site supply."""
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold", no_wrap=column != "reference date")
    for row in summary["layers"]:
        layers.add_row(
            row["layer"], str(row["records"]), row["reference_date"], Path(row["file"]).name
        )
    console.print(layers)
    supply = summary["supply"]
    kinds = ", ".join(f"{n:,} {k}" for k, n in supply["location_kinds"].items() if n)
    known = ", ".join(f"{label} {pct:.1f}%" for label, pct in supply["known_pct"].items())
    console.print(
        f"Sites: {supply['sites']:,} in {supply['provinces']} provinces and "
        f"{supply['municipalities']} municipalities; placed: {kinds} (municipality = at the "
        f"municipality's point, the register gives no location).\nKnown per site: {known}.",
        highlight=False,
    )


def _print_provinces(summary: dict[str, Any], console: Console) -> None:
    """Print the per-province table."""
    provinces = Table(title="Per province")
    provinces.add_column("province", no_wrap=True)
    for column in (
        "municipalities",
        "population",
        "sites",
        "with sites",
        "available ha",
        "ha unknown",
        "campuses",
        "grid 3/2/1/0/?",
    ):
        provinces.add_column(column, justify="right", no_wrap=True)
    for row in summary["provinces"]:
        congestion = row["congestion"]
        grid = "/".join(str(congestion[vocab.CONGESTION_CLASSES[c]]) for c in (3, 2, 1, 0, -1))
        provinces.add_row(
            row["province"],
            str(row["municipalities"]),
            f"{row['population']:,}",
            str(row["sites"]),
            str(row["municipalities_with_sites"]),
            f"{row['available_ha']:,.1f}",
            str(row["sites_area_unknown"]),
            str(row["campuses"]),
            grid,
        )
    console.print(provinces)


def _print_hotspots(summary: dict[str, Any], console: Console) -> None:
    """Print the technology hotspots table."""
    hotspots = Table(title="Technology hotspots (brandpunten)")
    hotspots.add_column("hotspot", overflow="fold")
    for column in ("municipalities", "campuses", "sites"):
        hotspots.add_column(column, justify="right", no_wrap=True)
    hotspots.add_column("NTS domains (short names; * core)", overflow="fold")
    for row in summary["hotspots"]:
        core = set(row.get("core_domains") or ())
        short = [
            f"{name}*" if full in core else name
            for name, full in zip(row["nts_short"], row["nts_domains"], strict=True)
        ]
        hotspots.add_row(
            row["name"],
            str(row["municipalities"]),
            str(row["campuses"]),
            str(row["sites"]),
            ", ".join(short),
        )
    console.print(hotspots)


def _print_talent(summary: dict[str, Any], console: Console, *, full: bool) -> None:
    """Print the talent counts (with ``full``, else a pointer to them) and the legend."""
    if full:
        talent = Table(title="Technical talent counts (DUO; kind and year per column)")
        for column in ("column", "kind", "year", "national"):
            talent.add_column(column, justify="right" if column == "national" else "left")
        for row in summary["talent"]:
            talent.add_row(row["column"], row["kind"], str(row["year"]), f"{row['national']:,}")
        console.print(talent)
    else:
        console.print("Talent counts per kind and year: siting data info --all (or --json).")
    console.print(
        "with sites: municipalities with at least one site. "
        "available ha: sum of the known figures (for register terrains the immediately "
        "issuable area, an upper bound); ha unknown: sites without one. "
        "grid 3/2/1/0/?: municipalities per demand-side class (3 shortage, 2 queue under "
        "investigation, 1 limited, 0 available, ? unknown): the worst class over the supply "
        "areas and TenneT levels that may feed a site there (published, derived from the "
        "figures, or the per-municipality fallback; geodata/SOURCES.md). "
        "Hotspot municipalities are each hotspot's core, not its full region; the talent "
        "counts are first-years (intake), all enrolled (stock), diplomas (graduates) or our "
        "estimate, as labelled."
    )


def _print_grid_placement(grid: dict[str, Any], console: Console, *, full: bool) -> None:
    """Print what the grid links place, and what they cannot place (a table with ``full``)."""
    links = ", ".join(f"{n} {k}" for k, n in grid["links_by_confidence"].items())
    parents = ", ".join(f"{n} {k}" for k, n in grid.get("tennet_parents_by_confidence", {}).items())
    links += f" (TenneT level above a supply area: {parents or 'none named'})"
    munis = "; ".join(f"{n} {k}" for k, n in grid["municipalities"].items())
    if not full:
        placed = "; ".join(
            f"{kind} {row['placed']} of {row['records']} placed"
            for kind, row in grid["areas"].items()
        )
        missing = ", ".join(
            f"{operator}: {row['unplaced']}"
            for operator, row in grid["regional_by_operator"].items()
            if row["unplaced"]
        )
        console.print(
            f"Grid areas: {placed} (regional not placed: {missing}); links by confidence: "
            f"{links}. Municipalities: {munis}. Table: --all.",
            highlight=False,
        )
        return
    table = Table(title="Grid areas placed in municipalities")
    for column in ("records", "kind / operator", "placed", "not placed"):
        table.add_column(column, justify="left" if column == "kind / operator" else "right")
    for kind, row in grid["areas"].items():
        unplaced = str(row["unplaced"])
        if row.get("feed_in_only"):
            unplaced += f" (+{row['feed_in_only']} feed-in only)"
        table.add_row(str(row["records"]), kind, str(row["placed"]), unplaced)
    for operator, row in grid["regional_by_operator"].items():
        total = row["placed"] + row["unplaced"]
        table.add_row(
            str(total), f"  regional: {operator}", str(row["placed"]), str(row["unplaced"])
        )
    console.print(table)
    console.print(f"links by confidence: {links}. Municipalities: {munis}.", highlight=False)
