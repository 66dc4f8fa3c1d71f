"""What the security tests share: hostile texts, the command line run in-process, readers."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

from siting.cli.app import main
from siting.layers import schema

from ..conftest import CASES, EMBEDDED

#: Jinja payloads: each one would be evaluated (or crash the writer) if a map re-rendered it.
PAYLOADS: tuple[str, ...] = (
    "calc {{7*7}} end",
    "raw {% raw %} open",
    "cfg {{ config }} x",
    "comment {# open",
    "globals {{lipsum.__globals__}} x",
)
#: What the payloads would turn into if evaluated.
EVALUATED: tuple[str, ...] = ("calc 49 end", "cfg  x", "__builtins__", "<module 'os'")
#: A company name no output or message may repeat.
SECRET = "SECRETCO Holding BV"

CASE2 = CASES / "case2_microchip_dense_region.toml"
CASE6 = CASES / "case6_two_site_photonics.toml"


@dataclass(frozen=True)
class Ran:
    """The outcome of one command line: exit code and what it printed."""

    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    @property
    def flat(self) -> str:
        """Both outputs with the terminal's line wrapping undone (runs of space as one)."""
        return " ".join(self.text.split())


def cli(*argv: object) -> Ran:
    """Run ``siting ARGV`` in this process (an unexpected exception propagates: a traceback)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), _argv(["siting", *map(str, argv)]):
        try:
            main()  # reads sys.argv, as the installed `siting` does
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
    return Ran(code, out.getvalue(), err.getvalue())


@contextmanager
def _argv(argv: list[str]) -> Iterator[None]:
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


def with_id(case: Path, new_id: str, target: Path, *, name: str | None = None) -> Path:
    """Write a copy of a case profile with another company id (and name)."""
    text = case.read_text(encoding="utf-8")
    text = re.sub(r'^id = ".*"$', lambda _: f"id = {json.dumps(new_id)}", text, count=1, flags=re.M)
    if name is not None:
        text = re.sub(
            r'^name = ".*"$', lambda _: f"name = {json.dumps(name)}", text, count=1, flags=re.M
        )
    target.write_text(text, encoding="utf-8")
    return target


def free_text_columns(spec: schema.LayerSpec) -> list[str]:
    """Columns of a layer that hold free text (no pattern, no list of allowed values)."""
    return [
        c.name
        for c in spec.columns
        if c.kind in ("str", "list") and c.pattern is None and c.allowed is None
    ]


def hostile_geodata(target: Path) -> Path:
    """A copy of the embedded data with a payload added to every free-text cell of the layers
    the maps draw from (sites, campuses, grid congestion)."""
    shutil.copytree(EMBEDDED, target, ignore=shutil.ignore_patterns("_staging"))
    for spec in (schema.SITES, schema.CAMPUSES, schema.GRID_CONGESTION):
        path = target / f"{spec.stem}.csv"
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        columns = [c for c in free_text_columns(spec) if c in rows[0]]
        for k, row in enumerate(rows):
            for j, column in enumerate(columns):
                payload = PAYLOADS[(k + j) % len(PAYLOADS)]
                if spec.column(column).kind == "list":
                    row[column] = ";".join(filter(None, [row[column], payload]))
                else:
                    row[column] = f"{row[column]} {payload}".strip()
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return target


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def page_texts(page: str) -> str:
    """Every text of a map page as a browser gets it: the JSON strings of its scripts decoded,
    then the HTML character references of all of it resolved."""
    parts = [html.unescape(page)]
    for token in _JSON_STRING.findall(page):
        try:
            value = json.loads(token)
        except ValueError:
            continue
        parts.append(html.unescape(value))
    return "\n".join(parts)


def assert_literal(page: str, expected: tuple[str, ...] = PAYLOADS) -> None:
    """Assert each payload is drawn verbatim and nothing was evaluated."""
    texts = page_texts(page)
    for payload in expected:
        assert payload in texts, payload
    for evaluated in EVALUATED:
        assert evaluated not in texts and evaluated not in page, evaluated
