"""storage/ layering: no import cycle between its modules, and nothing from adapters/."""

from __future__ import annotations

import ast
from graphlib import TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "storage"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    # `from storage import mappers` imports the module storage.mappers.
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]


def module_level_imports(tree: ast.Module) -> list[str]:
    """Imports run when the module loads, `if TYPE_CHECKING:` ones included (a cycle there is
    still a cycle for a reader); imports inside functions are left out."""
    found: list[str] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += imported(node)
        elif isinstance(node, ast.If | ast.Try):
            pending += [*node.body, *node.orelse, *getattr(node, "finalbody", [])]
            pending += [s for h in getattr(node, "handlers", []) for s in h.body]
    return found


def test_no_import_cycle_in_storage() -> None:
    graph = {
        name: {m for m in module_level_imports(ast.parse(path.read_text())) if m in MODULES}
        for name, path in MODULES.items()
    }
    # Raises graphlib.CycleError naming the modules of a cycle.
    order = list(TopologicalSorter(graph).static_order())
    assert set(order) == set(MODULES)


def test_storage_imports_nothing_from_adapters() -> None:
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                assert not any(m == "adapters" or m.startswith("adapters.")
                               for m in imported(node)), name
