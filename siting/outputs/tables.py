"""Readable terminal output and CSV export of a ranking (rich tables, one screen per case)."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from siting._errors import Problem, SitingInputError, excerpt, safe_cell
from siting.results.assignment import (
    AssignedLead,
    AssignmentResult,
    CapacityLine,
    RegionUse,
    SiteUse,
    ZoneUse,
)
from siting.results.ranking import RankingResult, Recommendation
from siting.results.screening import (
    ROW_COLUMNS,
    ScreenResult,
)


def print_ranking(result: RankingResult, console: Console, *, details: int = 3) -> None:
    """Print the ranked table with top reasons, the funnel and the solver outcome.

    Parameters
    ----------
    result
        The ranking.
    console
        Where to print.
    details
        How many recommendations get a full explanation below the table.
    """
    needs = result.needs
    console.print(
        Text.assemble(
            (f"Case {needs['id']}", "bold"),
            f": {needs['plot']} plot, {needs['power']} by "
            f"{needs['year']}, environmental category {needs['environmental_category']}, "
            f"cleanroom {needs['cleanroom']}, talent {needs['talent']}; "
            f"driven by {', '.join(needs['space_types'])}.",
        ),
        highlight=False,
    )
    console.print(
        f"{result.n_feasible} of {result.n_sites} sites satisfy every hard constraint"
        + (
            f" ({result.n_unverified} only because some facts are unknown)"
            if result.n_unverified
            else ""
        )
        + ".",
        highlight=False,
    )
    if result.recommendations:
        table = Table(title="Recommended sites", show_lines=False)
        for column in ("#", "site", "municipality", "score", "top reasons", "check"):
            table.add_column(
                column, overflow="fold", justify="right" if column in ("#", "score") else "left"
            )
        for rec in result.recommendations:
            table.add_row(
                str(rec.rank),
                Text.assemble(rec.name, "\n", (rec.site_id, "dim")),
                Text.assemble(rec.municipality, "\n", (rec.province, "dim")),
                f"{rec.utility:.3f}",
                "; ".join(rec.top_reasons()),
                _check(rec),
            )
        console.print(table)
        for rec in result.recommendations[:details]:
            _print_explanation(rec, console)
    else:
        assert result.infeasibility is not None
        console.print(
            Text.assemble(("No feasible site.", "bold red"), f" {result.infeasibility.message}"),
            highlight=False,
        )
    if result.pairs:
        pairs = Table(title="Two-site configurations (R&D near a matching campus + production)")
        for column in ("#", "R&D site", "production site", "apart", "score"):
            pairs.add_column(
                column,
                overflow="fold",
                justify="right" if column in ("#", "apart", "score") else "left",
            )
        for pair in result.pairs:
            pairs.add_row(
                str(pair.rank),
                Text.assemble(
                    f"{pair.rnd.name} ({pair.rnd.municipality})\n",
                    ("; ".join(pair.rnd.top_reasons(2)), "dim"),
                ),
                Text.assemble(
                    f"{pair.production.name} ({pair.production.municipality})\n",
                    ("; ".join(pair.production.top_reasons(2)), "dim"),
                ),
                f"{pair.distance_km:.1f} km",
                f"{pair.utility:.3f}",
            )
        console.print(pairs)
    elif result.pair_status:
        console.print(f"Two-site configurations: none found ({result.pair_status}).")
    _print_funnel(result, console)
    if result.near_misses:
        misses = Table(title="Best excluded sites and what would make them fit")
        misses.add_column("site", overflow="fold")
        misses.add_column("score", justify="right")
        misses.add_column("smallest changes", overflow="fold")
        for miss in result.near_misses:
            misses.add_row(
                Text.assemble(f"{miss.name} ({miss.municipality})\n", (miss.site_id, "dim")),
                f"{miss.utility:.3f}",
                "\n".join(miss.changes),
            )
        console.print(misses)
    for note in result.notes:
        console.print(f"note: {note}", style="dim", highlight=False)
    gap = "n/a" if math.isnan(result.gap) else f"{result.gap:.2%}"
    console.print(
        f"solver {result.solver}: {result.status}, objective "
        f"{result.objective:.4f}, gap {gap}, {result.n_solves} solve(s) in "
        f"{result.solve_time_s:.3f} s",
        style="dim",
        highlight=False,
    )


def _check(rec: Recommendation) -> str:
    unknown = [c.label for c in rec.constraints if c.status == "unknown"]
    if unknown:
        return "verify: " + ", ".join(unknown)
    return "all rules met"


def _print_explanation(rec: Recommendation, console: Console) -> None:
    console.print(
        Text.assemble(
            "\n",
            (f"#{rec.rank} {rec.name}", "bold"),
            f" ({rec.municipality}): score {rec.utility:.3f}",
        ),
        highlight=False,
    )
    table = Table(show_header=True, box=None, padding=(0, 1))
    for column in ("criterion", "value", "score", "weight", "adds"):
        table.add_column(column, justify="left" if column == "criterion" else "right")
    for line in rec.breakdown:
        table.add_row(
            line.label,
            _value(line.value, line.unit),
            f"{line.normalised:.2f}",
            f"{line.weight:.2f}",
            f"{line.contribution:.3f}",
        )
    console.print(table)
    for line in rec.constraints:
        slack = (
            ""
            if not line.unit or math.isnan(line.slack) or math.isinf(line.slack)
            else f", slack {line.slack:,.1f} {line.unit}"
        )
        mark = {"pass": ("ok", "green"), "fail": ("fails", "red"), "unknown": ("verify", "yellow")}[
            line.status
        ]
        console.print(
            Text.assemble(
                "  ", mark, f" {line.label}: {line.site_value} (needs {line.requirement}{slack})"
            ),
            highlight=False,
        )
    if rec.versus_next is not None:
        sep = rec.versus_next
        diffs = ", ".join(f"{label} {diff:+.3f}" for label, diff in sep.differences[:3])
        console.print(
            f"  ahead of #{rec.rank + 1} {sep.next_site_name} by {sep.utility_gap:.3f}: {diffs}",
            highlight=False,
        )
    stable = [s for s in rec.stability if s.weight > 0]
    if stable:
        console.print(
            "  rank holds for weights: "
            + "; ".join(
                f"{s.label} {s.low:.2f}-{'any' if math.isinf(s.high) else f'{s.high:.2f}'}"
                f" (now {s.weight:.2f})"
                for s in stable
            ),
            highlight=False,
        )
    console.print("  data: " + "; ".join(rec.caveats), style="dim", highlight=False)


def _print_funnel(result: RankingResult, console: Console) -> None:
    table = Table(title="Exclusion funnel")
    for column in ("rule", "requirement", "fail", "unknown", "left"):
        table.add_column(
            column,
            justify="left" if column in ("rule", "requirement") else "right",
            overflow="fold",
        )
    table.add_row("all sites", "", "", "", str(result.n_sites))
    for step in result.funnel:
        table.add_row(
            step.label, step.requirement, str(step.failing), str(step.unknown), str(step.remaining)
        )
    console.print(table)


def _value(value: float, unit: str) -> str:
    if math.isnan(value):
        return "unknown"
    if math.isinf(value):
        return "any"
    text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{text} {unit}"


def write_ranking_csv(result: RankingResult, path: str | Path) -> Path:
    """Write one row per recommended site as CSV.

    Columns: rank, site, score, each criterion's value and contribution, each constraint's
    status and slack, caveats. Text cells are guarded against formula injection.

    Parameters
    ----------
    result
        The ranking.
    path
        Target file.

    Returns
    -------
    Path
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for rec in result.recommendations:
        row = {
            "case_id": result.case_id,
            "rank": rec.rank,
            "site_id": rec.site_id,
            "name": rec.name,
            "municipality": rec.municipality,
            "province": rec.province,
            "lon": rec.lon,
            "lat": rec.lat,
            "score": rec.utility,
            "unverified": rec.unverified,
        }
        for line in rec.breakdown:
            row[f"{line.criterion}_value"] = line.value
            row[f"{line.criterion}_contribution"] = line.contribution
        for line in rec.constraints:
            row[f"{line.constraint}_status"] = line.status
            row[f"{line.constraint}_slack"] = line.slack
        row["caveats"] = "; ".join(rec.caveats)
        rows.append(row)
    fields: list[str] = []
    for row in rows:
        fields.extend(k for k in row if k not in fields)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields or ["case_id", "rank", "site_id"])
        writer.writeheader()
        for row in rows:
            writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return path


def write_screen(result: ScreenResult, path: str | Path) -> Path:
    """Write a screening result as ``.csv``, ``.xlsx`` or ``.json``.

    CSV and Excel hold :meth:`ScreenResult.rows` (Excel adds a summary sheet and a sheet with
    every input problem); text cells are guarded against formula injection
    (:func:`siting.outputs.tables.safe_cell`). JSON holds the full result
    (:meth:`ScreenResult.to_dict`).

    Parameters
    ----------
    result
        The screening result.
    path
        Target file; its extension picks the format.

    Returns
    -------
    Path

    Raises
    ------
    SitingInputError
        For an unknown extension.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(ROW_COLUMNS))
            writer.writeheader()
            for row in result.rows():
                writer.writerow({k: safe_cell(v) for k, v in row.items()})
    elif suffix == ".xlsx":
        _write_xlsx(result, path)
    elif suffix == ".json":
        path.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
    else:
        raise SitingInputError(
            Problem(
                file=str(path),
                message=f"unknown output type {excerpt(path.suffix)}; use .csv, .xlsx or .json",
            )
        )
    return path


def summary_rows(result: ScreenResult) -> list[tuple[str, Any]]:
    """Return the headline counts as ``(label, value)`` pairs, for tables and sheets."""
    s = result.summary
    rows: list[tuple[str, Any]] = [
        ("leads in", s.leads_in),
        ("placed (>= 1 feasible site)", s.placed),
        ("no feasible site anywhere", s.nowhere),
        ("invalid input", s.invalid),
    ]
    if s.errors:
        rows.append(("failed (internal error)", s.errors))
    rows += [
        ("blank rows skipped", s.blank_rows),
        ("candidate sites", result.n_sites),
        ("sites per lead", result.top),
        ("method", result.method),
        ("engine", result.engine),
    ]
    return rows


def _write_xlsx(result: ScreenResult, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "results"
    _append(sheet, ROW_COLUMNS)
    for row in result.rows():
        _append(sheet, [row[k] for k in ROW_COLUMNS])
    summary = book.create_sheet("summary")
    for label, value in summary_rows(result):
        _append(summary, (label, value))
    _append(summary, ())
    _append(
        summary,
        (
            "region",
            "leads",
            "placed",
            "nowhere",
            "invalid",
            "most common blocking rule",
            "leads it blocks",
        ),
    )
    for r in result.summary.regions:
        _append(
            summary,
            (
                r.region,
                r.leads,
                r.placed,
                r.nowhere,
                r.invalid,
                r.top_blocking_rule,
                r.top_blocking_leads,
            ),
        )
    _append(summary, ())
    _append(
        summary,
        ("blocking rule", "most restrictive for (leads)", "relaxed alone would place (leads)"),
    )
    for rule in result.summary.rules:
        _append(summary, (rule.label, rule.most_restrictive, rule.sole_blocker))
    problems = book.create_sheet("input problems")
    _append(problems, ("lead_id", "row", "column", "message"))
    for lead in result.leads:
        for p in lead.problems:
            _append(problems, (lead.lead_id, p.row, p.column or "", p.message))
    for w in result.warnings:
        _append(problems, ("(warning)", w.row, w.column or "", w.message))
    book.save(path)


def _append(sheet: Any, values: Sequence[Any]) -> None:
    """Append a row; every text cell is stored as text, never as a formula."""
    sheet.append([safe_cell(v) if isinstance(v, str) else v for v in values] or [None])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def write_assignment(result: AssignmentResult, path: str | Path) -> Path:
    """Write an assignment to ``.csv``, ``.xlsx`` or ``.json``.

    ``.csv`` has one row per lead, ``.xlsx`` a sheet per table (leads, sites, zones, capacity
    values, regions) and ``.json`` everything. Text cells that a spreadsheet would run as a
    formula are neutralised (:func:`siting.outputs.tables.safe_cell`).

    Parameters
    ----------
    result
        From :func:`assign_leads`.
    path
        The output file; its suffix chooses the format.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    SitingInputError
        For an unsupported suffix.
    RuntimeError
        For ``.xlsx`` when openpyxl is not installed.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".json":
        path.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        return path
    tables = {
        "leads": result.leads,
        "sites": result.sites,
        "zones": result.zones,
        "capacity_values": result.capacity_values,
        "regions": result.regions,
    }
    rows = {
        name: [{k: _cell(v, safe_cell) for k, v in asdict(rec).items()} for rec in recs]
        for name, recs in tables.items()
    }
    if suffix == ".csv":
        fields = list(AssignedLead.__dataclass_fields__)
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows["leads"])
        return path
    if suffix == ".xlsx":
        try:
            from openpyxl import Workbook
        except ImportError:  # pragma: no cover - depends on the environment
            raise RuntimeError(
                "writing .xlsx needs openpyxl (pip install openpyxl); write .csv or .json instead"
            ) from None
        book = Workbook()
        book.remove(book.active)
        classes = {
            "leads": AssignedLead,
            "sites": SiteUse,
            "zones": ZoneUse,
            "capacity_values": CapacityLine,
            "regions": RegionUse,
        }
        for name, records in rows.items():
            sheet = book.create_sheet(name)
            fields = list(classes[name].__dataclass_fields__)
            sheet.append(fields)
            for rec in records:
                sheet.append([rec[f] for f in fields])
        book.save(path)
        return path
    raise SitingInputError(
        Problem(file=str(path), message="unsupported output format; use .csv, .xlsx or .json")
    )


def _cell(value: Any, safe: Any) -> Any:
    if isinstance(value, tuple):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    return safe(value)
