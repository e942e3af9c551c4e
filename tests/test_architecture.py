"""The package's layout: imports run one way along the pipeline, with no cycles.

Every ``import`` statement of every module is read with :mod:`ast`, imports
inside functions (lazy ones) included; only imports under ``if TYPE_CHECKING:``
are left out, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pathway_opt"

#: The pipeline, left to right. A module may import modules of its own layer and
#: of the layers to its left, never of a layer to its right.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "files", "excel"),
    ("schema",),
    ("inputs",),
    ("model",),
    ("solver",),
    ("verification",),
    ("plan",),
    ("outputs",),
    ("diagnose",),
    ("pipeline",),
    ("whatif",),
    ("explanations",),
    ("report",),
    ("",),  # the facade, pathway_opt/__init__.py
    ("cli",),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _resolve(name: str) -> str | None:
    """The module a dotted name refers to (the longest known prefix)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def imported_names(module: str) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything a module imports, lazy imports included."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                yield node.lineno, f"{base}.{alias.name}"


def internal_imports(module: str) -> Iterator[tuple[int, str]]:
    """(line, module) of the package's own modules that a module imports."""
    for line, name in imported_names(module):
        if name.split(".")[0] == "pathway_opt":
            target = _resolve(name)
            if target is not None and target != module:
                yield line, target


def _layer(module: str) -> int:
    inner = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(LAYERS):
        if inner in names:
            return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def _graph() -> dict[str, set[str]]:
    return {m: {t for _, t in internal_imports(m)} for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_lazy_imports() -> None:
    """A lazy import inside a function counts (the walk must not miss them)."""
    lazy = {t for _, t in internal_imports("pathway_opt.schema.instance")}
    assert "pathway_opt.schema.checks" in lazy


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layer_order(module: str) -> None:
    against = [
        f"line {line}: {target}"
        for line, target in internal_imports(module)
        if _layer(target) > _layer(module)
    ]
    assert against == [], f"{module} imports from a later layer"


def test_only_the_cli_imports_click() -> None:
    offenders = [
        f"{module} line {line}"
        for module in MODULES
        if not module.startswith("pathway_opt.cli")
        for line, name in imported_names(module)
        if name.split(".")[0] == "click"
    ]
    assert offenders == []


def test_the_cli_uses_the_facade_and_its_own_helpers_only() -> None:
    offenders = [
        f"{module} line {line}: {target}"
        for module in MODULES
        if module.startswith("pathway_opt.cli")
        for line, target in internal_imports(module)
        if target != "pathway_opt" and not target.startswith("pathway_opt.cli")
    ]
    assert offenders == []


def test_internal_package_files_hold_a_docstring_only() -> None:
    for module, path in MODULES.items():
        if path.name != "__init__.py" or module == "pathway_opt":
            continue
        body = ast.parse(path.read_text(encoding="utf-8")).body
        assert len(body) == 1, f"{path} holds more than a docstring"
        assert isinstance(body[0], ast.Expr), f"{path} holds more than a docstring"


def test_few_modules_sit_at_the_top() -> None:
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 10, top


def test_the_facade_does_not_load_pyomo_or_highs() -> None:
    """`import pathway_opt` (as the CLI does) loads neither Pyomo nor highspy."""
    import subprocess
    import sys

    code = (
        "import sys, pathway_opt; "
        "print(sorted(m for m in ('pyomo', 'highspy') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
