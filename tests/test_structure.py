"""The shape of ``lms/``, read from the source with ``ast``: no import circle between
files or areas (imports deferred into functions count; ``TYPE_CHECKING`` ones do not),
areas import only the layers below them, no module-bottom imports, small files."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure  # reads source files and builds bytes: no database

PACKAGE = Path(__file__).resolve().parent.parent / "lms"

# The layers, lowest first (docs/ARCHITECTURE.md). A module may import its own layer and
# those below it, never one above. The bottom layer holds core and the shared modules.
LAYERS = (
    {"core", "extensions", "timeutil", "paths", "settings"},
    {"mail"},
    {"accounts"},
    {"events"},
    {"registrations"},
    {"learning"},
    {"calendar", "conference", "admin", "api"},
    {"demo", "migrations_runner", "cli"},
    {"mount"},
    {"lms"},
)
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """The LMS module an imported name lives in (a package's ``__init__`` counts)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(inner) for inner in ast.walk(node))
    return hidden


def imports_of(module: str) -> set[str]:
    """Every LMS module ``module`` imports, at the top or deferred into a function."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            names = [f"{source}.{alias.name}" for alias in node.names] or [source]
        else:
            continue
        for name in names:
            target = _resolve(name)
            if target and target != module:
                found.add(target)
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def area_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "lms"


def layer_of(area: str) -> int:
    for number, members in enumerate(LAYERS):
        if area in members:
            return number
    raise AssertionError(f"lms/{area} is in no layer: add it to LAYERS and ARCHITECTURE.md")


def test_the_graph_sees_deferred_imports():
    """The reader finds an import inside a function, so deferring one cannot hide it."""
    tree_module = "lms.core.area"
    assert "lms.core.views" in GRAPH[tree_module]  # imported inside init_area


def test_no_import_circle_between_files():
    assert cycles(GRAPH) == []


def test_no_import_circle_between_areas():
    areas: dict[str, set[str]] = defaultdict(set)
    for module, targets in GRAPH.items():
        for target in targets:
            if area_of(target) != area_of(module):
                areas[area_of(module)].add(area_of(target))
    assert cycles(areas) == []


def test_areas_import_only_the_layers_below():
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if layer_of(area_of(target)) > layer_of(area_of(module))
    )
    assert upward == []


def test_the_cycle_finder_finds_a_circle():
    """A control: the same function does report a planted circle."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _bottom_imports(path: Path) -> list[int]:
    """Lines of module-level imports that come after the first function or class."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    seen_definition = False
    late = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            seen_definition = True
        elif seen_definition and isinstance(node, ast.Import | ast.ImportFrom):
            late.append(node.lineno)
    return late


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_bottom_imports(module):
    assert _bottom_imports(MODULES[module]) == []


def test_no_file_is_too_long_to_read_in_one_sitting():
    long = {
        module: lines
        for module, path in MODULES.items()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_area_plugs_in_through_init_area():
    """Each area package has ``area.py`` with ``init_area``, and the mount walks them all."""
    from lms import mount

    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    # Not areas: catalogues, assets, and the demo content that sits above every area.
    packages -= {"translations", "static", "demo"}
    walked = {area.__name__.split(".")[1] for area in mount.AREAS}
    assert walked == packages
    for area in mount.AREAS:
        assert callable(area.init_area)
