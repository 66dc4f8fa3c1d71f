"""The import graph of the package (issue 17): data flows one way, no circle.

Read from the source with :mod:`ast` (nothing is imported): every ``import`` of a ``siting``
module, at module level or inside a function, is an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "siting"

#: (from, to): subpackages that must never import each other in that direction.
FORBIDDEN = [
    ("siting.outputs", "siting.jobs"),
    ("siting.outputs", "siting.cli"),
    ("siting.criteria", "siting.model"),
    ("siting.results", "siting.jobs"),
    ("siting.results", "siting.cli"),
    ("siting.model", "siting.jobs"),
    ("siting.layers", "siting.jobs"),
    ("siting.jobs", "siting.cli"),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(name: str, modules: set[str]) -> str | None:
    """Return the longest known module that ``name`` is or lies in, else None."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str], *, top_level_only: bool) -> set[str]:
    """Return the ``siting`` modules that one module imports."""
    me = _module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if top_level_only:
        nodes: list[ast.AST] = []
        for stmt in tree.body:
            if isinstance(stmt, ast.If) and _is_type_checking(stmt):
                continue
            nodes.append(stmt)
    else:
        nodes = list(ast.walk(tree))
    out: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            if target.startswith("siting"):
                found = _resolve(target, modules)
                if found is not None and found != me:
                    out.add(found)
    return out


def _graph(*, top_level_only: bool) -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, modules, top_level_only=top_level_only) for p in paths}


def _in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_no_arrow_against_the_flow(source: str, target: str):
    graph = _graph(top_level_only=False)
    arrows = sorted(
        f"{a} -> {b}"
        for a, targets in graph.items()
        if _in(a, source)
        for b in targets
        if _in(b, target)
    )
    assert arrows == [], f"{source} must not import {target}: {arrows}"


def test_no_import_circle_between_modules():
    # module-level imports only: a lazy import inside a function runs after both modules
    # loaded, so it closes no circle at import time
    graph = _graph(top_level_only=True)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            # importing a submodule runs its package's __init__ first: not a circle of ours
            if _in(node, nxt):
                continue
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == [], "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_graph_sees_real_arrows():
    # the checks above pass trivially on an empty graph: make sure the reader finds imports
    graph = _graph(top_level_only=True)
    assert "siting.results.ranking" in graph["siting.jobs.rank"]
    assert any(_in(b, "siting.model") for b in graph["siting.jobs.rank"])
    # an import inside a function is an arrow too (for the direction rules)
    lazy = _graph(top_level_only=False)
    assert "siting.outputs.terminal.progress" in lazy["siting.cli._common"]
    assert "siting.outputs.terminal.progress" not in graph["siting.cli._common"]
