"""Check that two source trees rank every example case to the same JSON and terminal text.

Usage::

    python scripts/same_rankings.py BEFORE_TREE [AFTER_TREE] [--solver enumeration ...]

Each tree is a checkout of the repository (``git archive COMMIT | tar -x -C DIR`` gives one
of an old commit); AFTER_TREE defaults to this repository. Every ``models/cases/*.toml`` is
ranked by ``siting rank CASE --json OUT`` in a new process with ``PYTHONPATH`` set to the
tree (each tree with its own layer cache), once per solver (the default solver when none is
given). The JSON files must be equal but for ``solve_time_s``, the terminal text but for
the solve time and the ``wrote`` lines. Prints one line per case and solver; exits 1 when
any differs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

#: Fields that hold a measured time, not a result.
TIMING_FIELDS = ("solve_time_s",)


def without_timings(value: Any) -> Any:
    """Return a JSON value with the timing fields left out, at any depth."""
    if isinstance(value, dict):
        return {k: without_timings(v) for k, v in value.items() if k not in TIMING_FIELDS}
    if isinstance(value, list):
        return [without_timings(v) for v in value]
    return value


def terminal_text(text: str) -> str:
    """Return the terminal report without the ``wrote`` lines and with solve times masked."""
    kept = (line for line in text.splitlines() if not line.startswith("wrote "))
    return re.sub(r"in [0-9.]+ s\b", "in T s", "\n".join(kept))


def rank(tree: Path, case: str, solver: str | None, out: Path, cache: Path) -> tuple[Any, str]:
    """Rank one case with one tree; return (exit code and JSON, terminal text)."""
    args = [sys.executable, "-m", "siting.cli", "rank", str(tree / "models" / "cases" / case)]
    args += ["--json", str(out), *(["--solver", solver] if solver else [])]
    env = {**os.environ, "PYTHONPATH": str(tree), "SITING_CACHE_DIR": str(cache)}
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else done.stderr
    return (done.returncode, without_timings(result)), terminal_text(done.stdout)


def main() -> int:
    """Compare the two trees on every example case; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path, nargs="?", default=REPO)
    parser.add_argument("--solver", action="append", default=None)
    options = parser.parse_args()
    trees = {"before": options.before.resolve(), "after": options.after.resolve()}
    cases = sorted(p.name for p in (REPO / "models" / "cases").glob("*.toml"))
    differing = 0
    with tempfile.TemporaryDirectory(prefix="same-rankings-") as tmp:
        for case in cases:
            for solver in options.solver or [None]:
                seen = {
                    name: rank(
                        tree,
                        case,
                        solver,
                        Path(tmp) / f"{name}-{case}-{solver}.json",
                        Path(tmp) / f"cache-{name}",
                    )
                    for name, tree in trees.items()
                }
                json_same = seen["before"][0] == seen["after"][0]
                text_same = seen["before"][1] == seen["after"][1]
                differing += not (json_same and text_same)
                print(
                    f"{case:42s} {solver or 'default':12s} exit {seen['after'][0][0]}: "
                    f"JSON {'same' if json_same else 'DIFFERS'}, "
                    f"terminal {'same' if text_same else 'DIFFERS'}"
                )
    print("every case the same" if not differing else f"{differing} case(s) differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
