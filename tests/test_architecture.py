"""The rule that keeps LeadDesk easy to change: the core never imports Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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
