"""The rules that keep LeadDesk easy to change: the core never imports Qt, no module takes
another's private names, the modules that once imported each other in a circle no longer do,
and no widget opens a database session itself."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import leaddesk


def core_modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(leaddesk.__path__, "leaddesk.")
            if not m.name.startswith(("leaddesk.ui", "leaddesk.db.migrations", "leaddesk.__main__"))]


def test_there_are_core_modules_to_check() -> None:
    assert {"leaddesk.query", "leaddesk.db.models", "leaddesk.cli"} <= set(core_modules())


def test_importing_the_core_leaves_qt_out() -> None:
    # A fresh interpreter: this test process may have imported Qt for the widget tests.
    code = ("import importlib, sys\n"
            f"for name in {core_modules()!r}:\n"
            "    importlib.import_module(name)\n"
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


# ------------------------------------------------------------------ boundaries between modules

SRC = Path(leaddesk.__file__).parent


def _imports(path: Path) -> list[ast.ImportFrom | ast.Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom | ast.Import)]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_another_modules_private_names() -> None:
    private = [f"{_module_name(path)}: from {node.module} import {alias.name}"
               for path in SRC.rglob("*.py") for node in _imports(path)
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leaddesk")
               for alias in node.names
               if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert private == []


def _top_level_graph() -> dict[str, set[str]]:
    """Module -> the leaddesk modules it imports at module level (not inside functions)."""
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        targets: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leaddesk"):
                module = node.module or ""
                targets |= {f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                            for a in node.names}
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.startswith("leaddesk")}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, stack = set(), [start]
    while stack:
        current = stack.pop()
        if current == goal:
            return True
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, ()))
    return False


@pytest.mark.parametrize(("one", "other"), [
    ("leaddesk.connection", "leaddesk.ingest.imap"),
    ("leaddesk.connection", "leaddesk.reply.smtp"),
    ("leaddesk.cli.accounts_commands", "leaddesk.cli.api_commands"),
])
def test_these_modules_do_not_import_each_other_in_a_circle(one: str, other: str) -> None:
    graph = _top_level_graph()
    assert not (_reaches(graph, one, other) and _reaches(graph, other, one))
    # nor by a deferred import inside a function, which hides the cycle from the graph
    for path in (SRC.parent / (other.replace(".", "/") + ".py"),):
        assert not any(isinstance(n, ast.ImportFrom) and n.module == one for n in _imports(path))


def test_widgets_never_open_a_database_session() -> None:
    """Only an operation (leaddesk.ui.operations) opens a session for the window."""
    opened = [str(path.relative_to(SRC)) for path in (SRC / "ui").rglob("*.py")
              if ".session()" in path.read_text(encoding="utf-8")
              and path.name != "operations.py"]
    assert opened == []


def test_one_class_per_name() -> None:
    """Two classes called the same (two ``Change``s, two ``Page``s) are read as one; they must
    not be."""
    where: dict[str, list[str]] = {}
    for path in SRC.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                where.setdefault(node.name, []).append(_module_name(path))
    assert {name: places for name, places in where.items() if len(places) > 1} == {}
