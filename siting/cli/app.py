"""The ``siting`` command line: a thin layer over the public API (typer + rich).

Exit codes: 0 success, 2 invalid input (every problem listed with file, row and column),
3 no feasible site.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from siting import vocab
from siting._errors import Problem, SitingInputError
from siting.jobs.rank import ENUMERATION
from siting.layers.info import data_info
from siting.layers.load import check_geodata, load_geodata
from siting.model.solvers import SOLVERS

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.results.ranking import RankingResult

EXIT_INVALID_INPUT = 2
MAX_PROBLEMS_SHOWN = 50

app = typer.Typer(
    help="Find where in the Netherlands a growing deeptech company can relocate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
data_app = typer.Typer(help="Inspect and check the geodata the tool runs on.", no_args_is_help=True)
app.add_typer(data_app, name="data")

#: Tables need about 110 columns; a pipe or CI log gets 120 unless COLUMNS says otherwise.
_WIDTH = shutil.get_terminal_size((120, 24)).columns
out = Console(width=_WIDTH)
err = Console(stderr=True, width=_WIDTH)

GeodataOption = Annotated[
    Path | None,
    typer.Option(
        "--geodata",
        help="Data folder with your own layer files (CSV, GPKG or "
        "GeoJSON); layers it lacks come from the embedded dataset.",
        file_okay=False,
    ),
]


EXIT_INFEASIBLE = 3

OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Make the map self-contained: opening it makes no request "
        "to any other host (no background map), for confidential "
        "meetings.",
    ),
]


@app.command("rank")
def rank_command(
    case: Annotated[
        Path,
        typer.Argument(
            help="Company profile (TOML), e.g. models/cases/example_photonics.toml.", dir_okay=False
        ),
    ],
    top: Annotated[
        int, typer.Option("--top", min=1, max=1000, help="How many sites to recommend.")
    ] = 10,
    solver: Annotated[
        str | None,
        typer.Option(
            "--solver",
            help="The MILP backend: cbc, highs or cp-sat (default: cbc); or "
            "enumeration: exact sorting of the same scores and rules, fast.",
        ),
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", min=0.1, help="Time limit per solve [s].")
    ] = None,
    json_out: Annotated[
        Path | None,
        typer.Option(
            "--json", help="Write the full result, explanations included, as JSON.", dir_okay=False
        ),
    ] = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write the recommendations as CSV.", dir_okay=False)
    ] = None,
    criteria: Annotated[
        Path | None,
        typer.Option(
            "--criteria", help="Criteria catalogue (default models/criteria.toml).", dir_okay=False
        ),
    ] = None,
    geodata: GeodataOption = None,
    details: Annotated[
        int, typer.Option("--details", min=0, help="How many recommendations to explain in full.")
    ] = 3,
    map_out: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Write an interactive map (HTML) that shows why each site is recommended.",
            dir_okay=False,
        ),
    ] = None,
    offline: OfflineOption = False,
) -> None:
    """Rank relocation sites for one company and explain each recommendation.

    Exit code 0 with results, 2 for invalid input, 3 when no site is feasible.
    """
    from siting.jobs.rank import rank_sites
    from siting.outputs.tables import print_ranking, write_ranking_csv

    if offline and map_out is None:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--offline",
                label="option",
                message="applies to the map: add --map OUT.html",
            )
        )
    if solver is not None and solver not in (*SOLVERS, ENUMERATION):
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--solver",
                label="option",
                message=f"'{solver}' is not a solver; allowed: "
                f"{', '.join((*SOLVERS, ENUMERATION))}",
            )
        )
    result = rank_sites(
        case,
        top=top,
        solver=solver,
        time_limit_s=time_limit,
        geodata_dir=geodata,
        catalogue=criteria,
    )
    print_ranking(result, out, details=details)
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(
            json.dumps(result.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8"
        )
        out.print(f"wrote {json_out}")
    if csv_out is not None:
        write_ranking_csv(result, csv_out)
        out.print(f"wrote {csv_out}")
    if map_out is not None:
        _write_map(result, map_out, offline=offline, geodata=geodata)
    if not result.recommendations:
        raise typer.Exit(EXIT_INFEASIBLE)


@app.command("map")
def map_command(
    result_file: Annotated[
        Path,
        typer.Argument(
            help="A ranking saved with `siting rank CASE --json RESULT.json`.", dir_okay=False
        ),
    ],
    map_out: Annotated[Path, typer.Option("--out", help="HTML file to write.", dir_okay=False)],
    offline: OfflineOption = False,
    geodata: GeodataOption = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="Municipality boundary file (e.g. CBS "
            "gemeente_gegeneraliseerd GeoJSON/TopoJSON): draw grid "
            "congestion per municipality instead of on hexagons.",
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Redraw the map of a saved ranking, e.g. for a meeting, without ranking again.

    The map shows the recommended sites with their explanations, every candidate site by
    outcome, grid congestion, talent within reach, campuses, the current location, the
    exclusion funnel and the profile's key needs. Exit code 0, or 2 for invalid input.
    """
    result = _read_ranking(result_file)
    polygons = None
    if boundaries is not None:
        from siting.importers.boundaries import read_municipality_boundaries

        polygons = read_municipality_boundaries(boundaries)
    _write_map(result, map_out, offline=offline, geodata=geodata, boundaries=polygons)


def _write_map(
    result: RankingResult,
    path: Path,
    *,
    offline: bool,
    geodata: Path | None,
    boundaries: gpd.GeoDataFrame | None = None,
) -> None:
    from siting.outputs.maps.ranking import render_map, save_map

    m = render_map(result, data=load_geodata(geodata), offline=offline, boundaries=boundaries)
    written = save_map(m, path, offline=offline)
    out.print(
        f"wrote map {written}" + (" (offline)" if offline else ""), highlight=False, soft_wrap=True
    )


def _read_ranking(path: Path) -> RankingResult:
    """Read a ranking saved as JSON, or raise a located input error."""
    from siting.results.ranking import ranking_from_dict

    file = str(path)
    if not path.is_file():
        raise SitingInputError(Problem(file=file, message="file not found"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise SitingInputError(
            Problem(
                file=file,
                message="not a text (UTF-8) file; expected the JSON of `siting rank --json`",
            )
        ) from None
    except json.JSONDecodeError as exc:
        raise SitingInputError(
            Problem(
                file=file, row=exc.lineno, message=f"not valid JSON (column {exc.colno}): {exc.msg}"
            )
        ) from None
    if not isinstance(data, dict):
        raise SitingInputError(
            Problem(
                file=file,
                message="not a ranking saved with `siting rank --json` (expected an object)",
            )
        )
    try:
        return ranking_from_dict(data)
    except KeyError as exc:
        raise SitingInputError(
            Problem(
                file=file,
                column=str(exc.args[0]),
                label="key",
                message="missing: not a ranking saved with `siting rank --json`",
            )
        ) from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise SitingInputError(
            Problem(file=file, message=f"not a ranking saved with `siting rank --json`: {exc}")
        ) from None


@data_app.command("info")
def info_command(
    geodata: GeodataOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
) -> None:
    """Show the layers, their record counts and reference dates, and a per-province summary."""
    summary = data_info(load_geodata(geodata))
    if as_json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    layers = Table(title="Layers", show_lines=False)
    for column in ("layer", "records", "reference date", "file"):
        layers.add_column(column, overflow="fold")
    for row in summary["layers"]:
        layers.add_row(row["layer"], str(row["records"]), row["reference_date"], row["file"])
    out.print(layers)
    provinces = Table(title="Per province")
    provinces.add_column("province", no_wrap=True)
    for column in (
        "municipalities",
        "population",
        "sites",
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
            f"{row['available_ha']:,.1f}",
            str(row["sites_area_unknown"]),
            str(row["campuses"]),
            grid,
        )
    out.print(provinces)
    out.print(
        "available ha: sum of the known figures; ha unknown: sites without one. "
        "grid 3/2/1/0/?: municipalities per demand-side congestion class (3 shortage, "
        "2 queue under investigation, 1 limited, 0 available, ? unknown), a "
        "per-municipality approximation of the capacity map (geodata/SOURCES.md)."
    )


@data_app.command("check")
def check_command(
    geodata: GeodataOption = None,
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="Municipality boundary file (e.g. CBS "
            "gemeente_gegeneraliseerd GeoJSON/TopoJSON): also "
            "check every site and campus lies in its municipality.",
            dir_okay=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Validate every layer and their consistency; exit 2 with a located report on problems."""
    report = check_geodata(geodata, boundaries=boundaries)
    if as_json:
        print(
            json.dumps(
                {
                    "ok": report.ok,
                    "counts": report.counts,
                    "files": {k: str(v) for k, v in report.files.items()},
                    "errors": [vars(p) for p in report.errors],
                    "warnings": [vars(p) for p in report.warnings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for name, count in report.counts.items():
            out.print(f"  {name:<18} {count:>5} records  {report.files[name]}")
        for problem in report.warnings:
            err.print(f"[yellow]warning[/]: {problem}", markup=True, highlight=False)
        if report.ok:
            out.print("[green]OK[/]: every layer is valid and consistent.")
        else:
            _print_problems(report.errors)
    if not report.ok:
        raise typer.Exit(EXIT_INVALID_INPUT)


@data_app.command("import-ibis")
def import_ibis_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="IBIS export (GeoJSON, WFS GeoJSON or GeoPackage).", exists=True, dir_okay=False
        ),
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into",
            help="Data folder to write sites.gpkg into (created if needed).",
            file_okay=False,
        ),
    ],
    boundaries: Annotated[
        Path | None,
        typer.Option(
            "--boundaries",
            help="Municipality boundaries, to fill municipality codes "
            "the export lacks (older extracts have none).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    reference_year: Annotated[
        int | None, typer.Option("--reference-year", help="Year the area figures refer to.")
    ] = None,
    use_tottuit: Annotated[
        bool,
        typer.Option(
            "--use-tottuit",
            help="Read HA_TOTTUIT as available area: an ASSUMPTION, the field is undocumented.",
        ),
    ] = False,
) -> None:
    """Turn an IBIS business-park export into the sites layer of a data folder."""
    from siting.importers.boundaries import read_municipality_boundaries
    from siting.importers.ibis import assign_municipality, read_ibis

    sites = read_ibis(file, reference_year=reference_year, use_tottuit=use_tottuit)
    if boundaries is not None:
        sites = assign_municipality(sites, read_municipality_boundaries(boundaries))
    missing = int(sites["gm_code"].isna().sum())
    if missing:
        raise SitingInputError(
            Problem(
                file=str(file),
                column="gm_code",
                message=f"{missing} terrain(s) have no municipality code; pass --boundaries FILE "
                "to fill them from municipality polygons",
            )
        )
    into.mkdir(parents=True, exist_ok=True)
    target = into / "sites.gpkg"
    sites.to_file(target, driver="GPKG")
    out.print(
        f"wrote {len(sites)} sites to {target}; check with: siting data check --geodata {into}"
    )


@data_app.command("import-capacity-map")
def import_capacity_map_command(
    postcodes: Annotated[
        Path,
        typer.Argument(help="congestie_pc6.csv of the capacity map.", exists=True, dir_okay=False),
    ],
    areas: Annotated[
        Path,
        typer.Argument(
            help="voedingsgebieden.csv of the capacity map.", exists=True, dir_okay=False
        ),
    ],
    status_date: Annotated[
        str, typer.Option("--date", help="Date of the map state (YYYY-MM or YYYY-MM-DD).")
    ],
    into: Annotated[
        Path,
        typer.Option(
            "--into", help="Data folder to write grid_congestion.csv into.", file_okay=False
        ),
    ],
) -> None:
    """Aggregate the grid capacity map to the grid_congestion layer of a data folder."""
    from siting.importers import capacity_map

    frame = capacity_map.congestion_by_municipality(
        capacity_map.read_postcode_areas(postcodes),
        capacity_map.read_supply_areas(areas),
        status_date=status_date,
    )
    into.mkdir(parents=True, exist_ok=True)
    target = capacity_map.write_congestion_layer(frame, into / "grid_congestion.csv")
    out.print(
        f"wrote {len(frame)} municipalities to {target}; check with: siting data check "
        f"--geodata {into}"
    )


def _print_problems(problems: tuple | list) -> None:
    n = len(problems)
    err.print(f"[red]{n} problem{'s' if n != 1 else ''} found:[/]")
    for problem in problems[:MAX_PROBLEMS_SHOWN]:
        err.print(f"  - {problem}", markup=False, highlight=False)
    if n > MAX_PROBLEMS_SHOWN:
        err.print(f"  ... and {n - MAX_PROBLEMS_SHOWN} more (use --json for all).")


from siting.cli.screen import screen_command  # noqa: E402

app.command("screen")(screen_command)

from siting.cli.whatif import compare_command, sweep_command  # noqa: E402

app.command("compare")(compare_command)
app.command("sweep")(sweep_command)

from siting.cli.assign import assign_command  # noqa: E402

app.command("assign")(assign_command)


def main() -> None:
    """Entry point: run the app, turning input errors into a located report and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except SitingInputError as exc:
        _print_problems(list(exc.problems))
        sys.exit(EXIT_INVALID_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("Aborted.")
        sys.exit(1)
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename if exc.filename is not None else "a file"
        hint = (
            " (a file stands where a folder is needed)"
            if isinstance(exc, FileExistsError | NotADirectoryError)
            else ""
        )
        err.print(f"[red]error:[/] {where}: {exc.strerror or exc}{hint}", highlight=False)
        sys.exit(EXIT_INVALID_INPUT)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
