"""Steps the pipeline commands (``siting screen``, ``siting assign``) share.

Reading the leads file with its warnings, loading the layers a
map or travel times need, and drawing the portfolio map.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from siting.cli._common import err, labelled

if TYPE_CHECKING:
    from siting.inputs.leads import LeadTable
    from siting.layers.load import GeoData
    from siting.results.assignment import AssignmentResult
    from siting.results.screening import ScreenResult

#: ``--geodata`` of the pipeline commands.
PipelineGeodataOption = Annotated[
    Path | None,
    typer.Option(
        "--geodata",
        help="Data folder with your own layer files; layers it lacks come from "
        "the embedded dataset.",
        file_okay=False,
    ),
]


def read_pipeline(
    leads: Path, *, sheet: str | None = None, label: str, separator: str
) -> LeadTable:
    """Read a leads file (with a ``priority`` column) and print its warnings on stderr.

    ``label`` and ``separator`` word each warning line (``"note:"`` and ``" "``, or
    ``"warning"`` and ``": "``).
    """
    from siting.inputs.leads import read_leads

    table = read_leads(leads, sheet=sheet, extra_columns=["priority"])
    for warning in table.warnings:
        err.print(labelled(label, "yellow", f"{separator}{warning}"), highlight=False)
    return table


def pipeline_data(
    geodata: Path | None, *, map_out: Path | None, travel_times: Path | None
) -> GeoData | None:
    """Load the layers when a map or travel times need them here; else ``None`` (the job loads)."""
    from siting.layers.load import load_geodata

    data = load_geodata(geodata) if map_out is not None or travel_times else None
    if travel_times is not None:
        from siting.inputs.travel_times import with_travel_times

        data = with_travel_times(data, travel_times)
    return data


def write_portfolio_map(
    result: ScreenResult | AssignmentResult,
    path: Path,
    *,
    data: GeoData | None,
    offline: bool,
    console: Console,
) -> Path:
    """Draw a screening or assignment map, save it and print the path."""
    from siting.outputs.maps.portfolio import render_portfolio_map
    from siting.outputs.maps.ranking import save_map

    m = render_portfolio_map(result, data=data, offline=offline)
    written = save_map(m, path, offline=offline)
    console.print(
        f"wrote map {written}" + (" (offline)" if offline else " (with online tiles)"),
        highlight=False,
        soft_wrap=True,
    )
    return written
