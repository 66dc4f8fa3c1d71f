"""typer's help renderer loaded without rich's Markdown and traceback modules.

:func:`siting.cli._help.load_rich_utils` imports ``typer.rich_utils`` with stand-ins for
``rich.markdown.Markdown`` and ``rich.traceback.Traceback``. The help must read exactly as
with typer's own import, the two modules must stay unimported by a help, and both must load
as the real modules when something else asks for them.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

#: Renders a help in a fresh interpreter; argv[1] says how typer's renderer is imported.
_PROBE = """
import contextlib, io, json, sys
how, args = sys.argv[1], sys.argv[2:]
if how == "typer":  # typer's own import, with rich.markdown and rich.traceback
    import typer.rich_utils
from siting.cli.app import main
text, code = io.StringIO(), None
with contextlib.redirect_stdout(text):
    try:
        main(args)
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"text": text.getvalue(), "code": code,
                  "markdown": "rich.markdown" in sys.modules,
                  "traceback": "rich.traceback" in sys.modules}))
"""


def _help(how: str, *args: str, color: bool) -> dict:
    env = {"COLUMNS": "100", "PATH": "", **({"FORCE_COLOR": "1"} if color else {})}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, how, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "args", [("--help",), ("rank", "--help"), ("data", "--help"), ("leads", "--help")]
)
@pytest.mark.parametrize("color", [False, True])
def test_help_reads_as_with_typers_own_import(args: tuple[str, ...], color: bool) -> None:
    ours = _help("ours", *args, color=color)
    theirs = _help("typer", *args, color=color)
    assert theirs["markdown"] and theirs["traceback"]  # the probe does import them
    assert not ours["markdown"] and not ours["traceback"]
    assert ours["code"] in (0, None)
    assert ours["text"] == theirs["text"]
    assert "Usage:" in ours["text"]


def test_every_command_is_listed_with_its_help_line() -> None:
    text = _help("ours", "--help", color=False)["text"]
    for command, words in [
        ("rank", "Rank relocation sites for one company"),
        ("map", "Redraw the map of a saved ranking"),
        ("screen", "Screen a lead pipeline"),
        ("assign", "Assign a pipeline of leads to sites"),
        ("compare", "Compare a base case with what-if variants"),
        ("sweep", "Rank along one parameter"),
        ("data", "Inspect and check the geodata"),
        ("leads", "Leads tables: a template to fill in."),
    ]:
        line = next((ln for ln in text.splitlines() if ln.startswith(f"│ {command} ")), None)
        assert line is not None, command
        assert words in line


_AFTER = """
import sys
from siting.cli._help import load_rich_utils
utils = load_rich_utils()
assert "rich.markdown" not in sys.modules and "rich.traceback" not in sys.modules
import rich.markdown, rich.traceback
assert rich.markdown.__file__ and rich.traceback.__file__  # the real modules
md = utils.Markdown("*x*")
assert type(md) is rich.markdown.Markdown, type(md)
try:
    raise ValueError("x")
except ValueError as exc:
    tb = utils.Traceback.from_exception(type(exc), exc, exc.__traceback__)
assert type(tb) is rich.traceback.Traceback, type(tb)
assert load_rich_utils() is utils
print("ok")
"""


def test_the_real_modules_load_after_and_the_stand_ins_build_real_objects() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _AFTER], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
