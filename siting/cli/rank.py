"""The ``siting rank`` and ``siting map`` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from siting import settings
from siting._errors import Problem, SitingInputError, excerpt
from siting.model.names import ENUMERATION, SOLVERS

if TYPE_CHECKING:
    import geopandas as gpd

    from siting.results.ranking import RankingResult
from siting.cli._common import (
    EXIT_INFEASIBLE,
    AllOption,
    CriteriaOption,
    CrsOption,
    CsvDialectOption,
    GeodataOption,
    OfflineOption,
    OutOption,
    TilesOption,
    TravelTimesOption,
    check_output_formats,
    check_outputs,
    check_solver,
    layer_files,
    map_mode,
    out,
    out_targets,
    write_outputs,
)
from siting.cli._saved import read_ranking

CaseArgument = Annotated[
    Path,
    typer.Argument(
        help="Company profile (TOML), e.g. models/cases/example_photonics.toml.", dir_okay=False
    ),
]
TopOption = Annotated[
    int, typer.Option("--top", min=1, max=1000, help="How many sites to recommend.")
]
SolverOption = Annotated[
    str | None,
    typer.Option(
        "--solver",
        help=f"The MILP backend: cbc, highs or cp-sat (default: {settings.default_solver}); or "
        "enumeration: exact sorting of the same scores and rules, fast.",
    ),
]
TimeLimitOption = Annotated[
    float | None, typer.Option("--time-limit", min=0.1, help="Time limit per solve [s].")
]
JsonOption = Annotated[
    Path | None,
    typer.Option(
        "--json", help="Write the full result, explanations included, as JSON.", dir_okay=False
    ),
]
CsvOption = Annotated[
    Path | None,
    typer.Option(
        "--csv", help="Write the recommendations as CSV (as --out FILE.csv).", dir_okay=False
    ),
]
DetailsOption = Annotated[
    int,
    typer.Option(
        "--details",
        min=0,
        help="Explain the top N in full (every criterion, rule and slack) below the table.",
    ),
]
BriefOption = Annotated[
    Path | None,
    typer.Option(
        "--brief",
        help="Write a one-page case brief (HTML, printable to A4 PDF): needs, top sites "
        "with reasons and facts to confirm, grid and talent outlook, a map, data dates "
        "and caveats. It names the case id, never the company (see --brief-name).",
        dir_okay=False,
    ),
]
BriefNameOption = Annotated[
    bool,
    typer.Option(
        "--brief-name", help="Name the company (the profile's company.name) in the brief."
    ),
]
MapOption = Annotated[
    Path | None,
    typer.Option(
        "--map",
        help="Write an interactive map (HTML) that shows why each site is recommended.",
        dir_okay=False,
    ),
]
WeightsOption = Annotated[
    str | None,
    typer.Option(
        "--weights",
        help="Criterion weights over the profile's, e.g. talent_fit=0.4,grid_outlook=0.2 "
        "(scaled to sum 1 over the applicable criteria; the map's weight sliders give "
        "the same ranking).",
    ),
]


def rank_command(
    case: CaseArgument,
    top: TopOption = 10,
    solver: SolverOption = None,
    time_limit: TimeLimitOption = None,
    json_out: JsonOption = None,
    csv_out: CsvOption = None,
    criteria: CriteriaOption = None,
    geodata: GeodataOption = None,
    details: DetailsOption = 0,
    show_all: AllOption = False,
    out_files: OutOption = None,
    csv_dialect: CsvDialectOption = "standard",
    crs: CrsOption = None,
    brief: BriefOption = None,
    brief_name: BriefNameOption = False,
    map_out: MapOption = None,
    offline: OfflineOption = False,
    travel_times: TravelTimesOption = None,
    tiles: TilesOption = False,
    weights: WeightsOption = None,
) -> None:
    """Rank relocation sites for one company and explain each recommendation.

    Exit code 0 with results, 2 for invalid input, 3 when no site is feasible.
    """
    from siting.jobs.rank import rank_sites
    from siting.outputs.terminal.ranking import print_ranking

    offline = map_mode(map_out, tiles=tiles, offline=offline)
    weight_overrides = parse_weights(weights)
    _check_brief(brief, brief_name=brief_name)
    paths = check_output_formats(out_files, dialect=csv_dialect, crs=crs)
    check_solver(solver, (*SOLVERS, ENUMERATION))
    check_outputs(
        [case, criteria, travel_times, *layer_files(geodata)],
        [
            ("--json", json_out),
            ("--csv", csv_out),
            ("--map", map_out),
            ("--brief", brief),
            *out_targets(paths),
        ],
    )
    result = rank_sites(
        case,
        top=top,
        solver=solver,
        time_limit_s=time_limit,
        geodata_dir=geodata,
        catalogue=criteria,
        travel_times=travel_times,
        weights=weight_overrides,
    )
    print_ranking(result, out, details=details, full=show_all)
    _write_json(result, json_out)
    _write_csv(result, csv_out, dialect=csv_dialect)
    write_outputs(result, paths, dialect=csv_dialect, crs=crs)
    if map_out is not None:
        _write_map(result, map_out, offline=offline, geodata=geodata)
    if brief is not None:
        _write_brief(result, brief, case, geodata, brief_name=brief_name)
    if not result.recommendations:
        raise typer.Exit(EXIT_INFEASIBLE)


def _check_brief(brief: Path | None, *, brief_name: bool) -> None:
    """Refuse ``--brief-name`` without ``--brief``, and a brief that is no HTML file."""
    if brief_name and brief is None:
        raise SitingInputError(
            Problem(
                file="<options>",
                column="--brief-name",
                label="option",
                message="applies to the brief: add --brief OUT.html",
            )
        )
    if brief is not None and brief.suffix.lower() not in (".html", ".htm"):
        raise SitingInputError(
            Problem(
                file=str(brief),
                column="--brief",
                label="option",
                message="the brief is an HTML file (print it to PDF from the browser)",
            )
        )


def _write_json(result: RankingResult, json_out: Path | None) -> None:
    """Write the full result as JSON (``--json``) and print the path."""
    if json_out is None:
        return
    json_out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
    json_out.write_text(text, encoding="utf-8")
    out.print(f"wrote {json_out}", highlight=False, soft_wrap=True)


def _write_csv(result: RankingResult, csv_out: Path | None, *, dialect: str) -> None:
    """Write the recommendations as CSV (``--csv``) and print the path."""
    if csv_out is None:
        return
    from siting.outputs.tables import write_ranking_csv

    write_ranking_csv(result, csv_out, dialect=dialect)
    out.print(f"wrote {csv_out}", highlight=False, soft_wrap=True)


def _write_brief(
    result: RankingResult, brief: Path, case: Path, geodata: Path | None, *, brief_name: bool
) -> None:
    """Write the case brief (``--brief``) and print the path."""
    from siting.layers.load import load_geodata
    from siting.outputs.brief import write_brief

    name = _company_name(case) if brief_name else None
    written = write_brief(result, brief, data=load_geodata(geodata), company_name=name)
    out.print(f"wrote brief {written}", highlight=False, soft_wrap=True)


def _company_name(case: Path) -> str | None:
    """Return the company name of a profile (only for ``--brief-name``)."""
    from siting.inputs.profile import load_profile

    return load_profile(case).company.name or None


def map_command(
    result_file: Annotated[
        Path,
        typer.Argument(
            help="A ranking saved with `siting rank CASE --json RESULT.json`.", dir_okay=False
        ),
    ],
    map_out: Annotated[Path, typer.Option("--out", help="HTML file to write.", dir_okay=False)],
    offline: OfflineOption = False,
    tiles: TilesOption = False,
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
    check_outputs([result_file, boundaries, *layer_files(geodata)], [("--out", map_out)])
    offline = map_mode(map_out, tiles=tiles, offline=offline)
    result = read_ranking(result_file)
    polygons = None
    if boundaries is not None:
        from siting.importers.boundaries import read_municipality_boundaries

        polygons = read_municipality_boundaries(boundaries)
    try:
        _write_map(result, map_out, offline=offline, geodata=geodata, boundaries=polygons)
    except SitingInputError:  # the data's or the options' own problems, as they are
        raise
    except (TypeError, ValueError, OverflowError, KeyError, IndexError, AttributeError) as exc:
        # the file passed the type check but holds values no map can show (an infinite
        # coordinate, a rank that is no position, ...): the file is the input at fault
        raise SitingInputError(
            Problem(
                file=str(result_file),
                message="not a ranking saved with `siting rank --json`: a value cannot be "
                f"drawn ({type(exc).__name__}: {excerpt(str(exc), limit=120, quote=False)})",
            )
        ) from None


def _write_map(
    result: RankingResult,
    path: Path,
    *,
    offline: bool,
    geodata: Path | None,
    boundaries: gpd.GeoDataFrame | None = None,
) -> None:
    from siting.layers.load import load_geodata
    from siting.outputs.maps.ranking import render_map, save_map

    m = render_map(result, data=load_geodata(geodata), offline=offline, boundaries=boundaries)
    written = save_map(m, path, offline=offline)
    out.print(
        f"wrote map {written}" + (" (offline)" if offline else " (with online tiles)"),
        highlight=False,
        soft_wrap=True,
    )


def parse_weights(text: str | None) -> dict[str, float] | None:
    """Read ``--weights name=value,name=value`` (values finite and >= 0).

    Raises
    ------
    SitingInputError
        Naming each malformed item; unknown criteria are refused by the ranking, which knows
        the catalogue.
    """
    if text is None:
        return None
    import math

    out: dict[str, float] = {}
    problems = []
    for item in (part.strip() for part in text.split(",")):
        name, sep, value = item.partition("=")
        try:
            number = float(value) if sep else math.nan
        except ValueError:
            number = math.nan
        if not name.strip() or not math.isfinite(number) or number < 0:
            problems.append(
                Problem(
                    file="<options>",
                    column="--weights",
                    label="option",
                    message=f"{excerpt(item)} is not criterion=weight with a weight >= 0",
                )
            )
        else:
            out[name.strip()] = number
    if problems:
        raise SitingInputError(problems)
    return out
