"""The ``siting`` command line: a thin layer over the public API (typer + rich).

One module per command group (:mod:`siting.cli.rank`, :mod:`siting.cli.screen`,
:mod:`siting.cli.assign`, :mod:`siting.cli.whatif`, :mod:`siting.cli.data`); this module only
assembles them. Exit codes: 0 success, 2 invalid input or usage (every problem listed with
file, row and column; a usage error with the command's usage line), 3 no feasible site.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Sequence
from typing import Annotated

import typer
from rich.text import Text

from siting._errors import SitingInputError
from siting.cli._common import EXIT_INVALID_INPUT, err, out, print_problems
from siting.cli._help import load_rich_utils
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


def package_version() -> str:
    """Return the installed version of ``siting``."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("siting")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree without install
        return "unknown (not installed)"


def _show_version(value: bool) -> None:
    if value:
        out.print(f"siting {package_version()}", highlight=False)
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Find where in the Netherlands a growing deeptech company can relocate."""


def usage_error_types() -> tuple[type[BaseException], ...]:
    """Return the exception classes a usage error of the command line can have.

    typer (>= 0.26) raises the errors of its own copy of click (``typer._click``); they are
    found through the public ``typer.BadParameter``. A separately installed click is added,
    so an app or plugin on click's own classes is caught too.
    """
    found: list[type[BaseException]] = [
        base for base in typer.BadParameter.__mro__ if base.__name__ == "ClickException"
    ]
    try:
        import click
    except ImportError:  # pragma: no cover - click comes with dask
        pass
    else:
        found.append(click.ClickException)
    return tuple(dict.fromkeys(found))


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: run the app; a user's mistake ends in a message and exit code 2.

    Parameters
    ----------
    argv
        The arguments (default ``sys.argv[1:]``); for running the command line in-process.
    """
    load_rich_utils()  # the help renderer, without the rich modules our help never uses
    # siting uses no pydantic plugin, and looking for them reads the metadata of every
    # installed package (30-40 ms of a cold command); a user's own setting is kept (an empty
    # PYDANTIC_DISABLE_PLUGINS loads every plugin).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = app(args=list(argv) if argv is not None else None, standalone_mode=False)
    except SitingInputError as exc:
        print_problems(list(exc.problems))
        sys.exit(EXIT_INVALID_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt, EOFError):
        err.print("Aborted.")
        sys.exit(1)
    except OSError as exc:  # a path the user gave cannot be read or written
        where = exc.filename if exc.filename is not None else "a file"
        hint = (
            " (a file stands where a folder is needed)"
            if isinstance(exc, FileExistsError | NotADirectoryError)
            else ""
        )
        err.print(
            Text.assemble(("error:", "red"), f" {where}: {exc.strerror or exc}{hint}"),
            highlight=False,
        )
        sys.exit(EXIT_INVALID_INPUT)
    except usage_error_types() as exc:
        sys.exit(_show_usage_error(exc))
    sys.exit(code if isinstance(code, int) else 0)


def _show_usage_error(exc: BaseException) -> int:
    """Print a usage error as click words it (usage line, hint, message); return its code.

    Through the error console, so a control character in an argument is dropped.
    """
    text = io.StringIO()
    show = getattr(exc, "show", None)
    if callable(show):
        show(file=text)
    else:  # pragma: no cover - every click exception can show itself
        text.write(f"Error: {exc}\n")
    err.print(text.getvalue().rstrip("\n"), highlight=False, soft_wrap=True)
    code = getattr(exc, "exit_code", EXIT_INVALID_INPUT)
    return EXIT_INVALID_INPUT if code in (None, 0, 1) else int(code)


if __name__ == "__main__":
    main()
