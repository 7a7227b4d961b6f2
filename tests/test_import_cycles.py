"""The team rule "no import cycles", checked on the source: every import in `src/pausecode` (module level or
inside a function, absolute or relative) is an edge; any cycle in that graph fails with its modules named.

A function-local import hides a cycle from Python at start-up but not from the design: both modules still
depend on each other, so local imports count here too. Imports under `if TYPE_CHECKING:` count as well: a type
hint is a dependency, and a protocol (as `jobs.tasks.JobHost`) breaks such a cycle without one.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "pausecode"
SRC = Path(__file__).resolve().parents[1] / "src" / PACKAGE


def _module_name(path: Path, src: Path) -> str:
    parts = list(path.relative_to(src.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth (functions, classes, `if` blocks)."""
    return [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """module -> the package modules it imports (a `from pkg import name` counts as pkg.name when that is a
    module, else as pkg)."""
    files = {_module_name(p, src): p for p in src.rglob("*.py")}
    modules = set(files)
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for mod, path in files.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                if node.level:
                    base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                targets = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in modules else prefix
                           for a in node.names]
            for t in targets:
                while t and t not in modules and "." in t:  # `import pausecode.x.y.name` -> the module
                    t = t.rsplit(".", 1)[0]
                if t in modules and t != mod:
                    graph[mod].add(t)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def strong(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def test_the_checker_sees_relative_local_and_absolute_imports(tmp_path: Path) -> None:
    pkg = tmp_path / PACKAGE
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "a.py").write_text("def f():\n    from .b import g\n")  # relative, inside a function
    (pkg / "sub" / "b.py").write_text("import pausecode.c\n")  # absolute
    (pkg / "c.py").write_text("from .sub import a\n")  # from-package import of a module
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .c import x\n")
    (pkg / "e.py").write_text("import os\nfrom . import d\n")  # outside the package: no edge
    graph = import_graph(pkg)
    assert graph["pausecode.sub.a"] == {"pausecode.sub.b"}
    assert graph["pausecode.d"] == {"pausecode.c"}
    assert graph["pausecode.e"] == {"pausecode.d"}
    assert find_cycles(graph) == [["pausecode.c", "pausecode.sub.a", "pausecode.sub.b"]]


def test_no_import_cycles_in_the_package() -> None:
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(c) for c in cycles)
