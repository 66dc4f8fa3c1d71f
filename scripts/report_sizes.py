"""Report the modules over 400 lines and the functions over 60 lines of the package (issue 17).

A report, not a gate: ``python scripts/report_sizes.py [--modules N] [--functions N]`` prints
both lists, largest first, and exits 0. A function's size counts its lines from ``def`` to its
last line, its docstring aside (formulation docstrings are long on purpose); all its lines are
shown next to it.
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "siting"


def module_sizes(root: Path, limit: int) -> list[tuple[int, str]]:
    """Return ``(lines, path)`` of every module of ``root`` longer than ``limit`` lines."""
    out = []
    for path in sorted(root.rglob("*.py")):
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > limit:
            out.append((n, str(path.relative_to(root.parent))))
    return sorted(out, reverse=True)


def function_sizes(root: Path, limit: int) -> list[tuple[int, int, str]]:
    """Return ``(code lines, all lines, path:line name)`` of the functions over ``limit``.

    Code lines are a function's lines with its docstring aside.
    """
    out = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                code = n - _docstring_lines(node)
                if code > limit:
                    where = f"{path.relative_to(root.parent)}:{node.lineno} {node.name}"
                    out.append((code, n, where))
    return sorted(out, reverse=True)


def _docstring_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0] if node.body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return (first.end_lineno or first.lineno) - first.lineno + 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=400, help="module limit [lines]")
    parser.add_argument("--functions", type=int, default=60, help="function limit [lines]")
    args = parser.parse_args()
    modules = module_sizes(ROOT, args.modules)
    functions = function_sizes(ROOT, args.functions)
    print(f"modules over {args.modules} lines: {len(modules)}")
    for n, where in modules:
        print(f"  {n:5d}  {where}")
    print(
        f"functions over {args.functions} lines of code (docstring aside; all lines in "
        f"brackets): {len(functions)}"
    )
    for code, n, where in functions:
        print(f"  {code:5d} ({n:4d})  {where}")


if __name__ == "__main__":
    main()
