"""The ``siting leads`` commands: a template for a leads table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from siting.cli._common import CsvDialectOption, check_outputs, out

leads_app = typer.Typer(help="Leads tables: a template to fill in.", no_args_is_help=True)


@leads_app.command("template")
def template_command(
    target: Annotated[
        Path,
        typer.Argument(
            help="The template to write: .xlsx (drop-down lists, a sheet explaining every "
            "column) or .csv.",
            dir_okay=False,
        ),
    ],
    csv_dialect: CsvDialectOption = "standard",
) -> None:
    """Write a leads template: every column with its unit and allowed values, one example row.

    Fill in one company per row (replace the example) and run `siting screen FILE` or
    `siting assign FILE`; both read the template as it is.
    """
    from siting.outputs.leads_template import write_leads_template

    check_outputs([], [("TARGET", target)])
    written = write_leads_template(target, dialect=csv_dialect)
    out.print(f"wrote {written}", highlight=False, soft_wrap=True)
