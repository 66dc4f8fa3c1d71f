"""The ``siting`` command line: a thin layer over the public API (typer + rich).

One module per command group (:mod:`siting.cli.rank`, :mod:`siting.cli.screen`,
:mod:`siting.cli.assign`, :mod:`siting.cli.whatif`, :mod:`siting.cli.data`); this module only
assembles them. Exit codes: 0 success, 2 invalid input (every problem listed with file, row and
column), 3 no feasible site.
"""

from __future__ import annotations

import sys

import typer

from siting._errors import SitingInputError
from siting.cli._common import EXIT_INVALID_INPUT, err, print_problems
from siting.cli.assign import assign_command
from siting.cli.data import data_app
from siting.cli.leads import leads_app
from siting.cli.rank import map_command, rank_command
from siting.cli.screen import screen_command
from siting.cli.whatif import compare_command, sweep_command

app = typer.Typer(
    help="Find where in the Netherlands a growing deeptech company can relocate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("rank")(rank_command)
app.command("map")(map_command)
app.command("screen")(screen_command)
app.command("assign")(assign_command)
app.command("compare")(compare_command)
app.command("sweep")(sweep_command)
app.add_typer(data_app, name="data")
app.add_typer(leads_app, name="leads")


def main() -> None:
    """Entry point: run the app, turning input errors into a located report and exit code 2."""
    try:
        code = app(standalone_mode=False)
    except SitingInputError as exc:
        print_problems(list(exc.problems))
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
