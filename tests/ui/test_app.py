"""Starting the app: the welcome screen's "Open the demo" puts the demo where the empty window was,
and it is the very demo `leaddesk demo` builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from PySide6.QtWidgets import QPushButton

from leaddesk.config import demo_db_url
from leaddesk.db import Database
from tests.support.cli import Runner
from tests.support.demo_dump import dump_url

from leaddesk.ui import app
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.tasks import TaskRunner


def test_open_the_demo_replaces_the_empty_window_with_the_cli_demo(
        qtbot, sqlite_url: str, run: Runner, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    db = Database.open(sqlite_url)
    empty = MainWindow(db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(empty)
    empty.show()
    welcome = empty.inbox.detail.welcome
    qtbot.waitUntil(lambda: empty.inbox.detail.currentWidget() is welcome)
    button = next(b for b in welcome.findChildren(QPushButton) if b.text() == "Open the demo")
    before = len(app.REPLACEMENTS)
    button.click()
    qtbot.waitUntil(lambda: len(app.REPLACEMENTS) > before, timeout=60_000)
    demo_window, opened = app.REPLACEMENTS.pop()
    try:
        qtbot.addWidget(demo_window)
        assert demo_window.isVisible()
        assert not empty.isVisible()  # replaced, not a second window over the first
        assert demo_window.windowTitle() == "LeadDesk — demo"
        assert opened.url == demo_db_url()
        qtbot.waitUntil(lambda: demo_window.inbox.model.rowCount() > 0)
        by_welcome = dump_url(demo_db_url())
    finally:
        demo_window.close()
        opened.close()
        db.close()
    # `leaddesk demo` (what packaging/dev.sh run runs) in another data directory: the same demo.
    monkeypatch.setenv("LEADDESK_DATA_DIR", str(tmp_path / "other"))
    assert run("demo", "--no-gui").code == 0
    assert dump_url(demo_db_url()) == by_welcome


# What the window must not load before its first rows are painted: each was measured on the
# start's path (bench/README.md, the window's fourth round) and is loaded when first used.
NOT_BEFORE_FIRST_ROWS = (
    "leaddesk.ingest.parse", "leaddesk.reparse", "email_validator", "keyring", "leaddesk.accounts",
    "sqlalchemy.dialects.postgresql", "leaddesk.export", "leaddesk.ui.export_dialog",
    "leaddesk.ui.leads_page", "leaddesk.ui.insights_page", "PySide6.QtCharts", "httpx", "alembic")

START_PROBE = """
import json, sys
from leaddesk.ui import app
seen = {}
smoke = app._quit_when_loaded

def snapshot(qapp, window):  # what is loaded when the first page is painted
    window.inbox.model.page_loaded.connect(lambda: seen.setdefault("modules", sorted(sys.modules)))
    smoke(qapp, window)

app._quit_when_loaded = snapshot
from leaddesk.cli import main
code = main(sys.argv[1:])
json.dump({"code": code, "modules": seen.get("modules", [])}, sys.stderr)
"""


def test_the_window_paints_its_first_rows_before_loading_what_only_later_work_needs(
        sqlite_url: str, tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    from bench import generate

    db = Database.open(sqlite_url)
    try:
        generate.populate(db, 60, progress=False)
    finally:
        db.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "QT_QPA_PLATFORM": "offscreen",
           app.ENV_SMOKE_TEST: "1", "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", START_PROBE, "--db", sqlite_url, "gui"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    # Workers still busy at exit may print after the report: read the report alone.
    report, _end = json.JSONDecoder().raw_decode(done.stderr, done.stderr.rindex('{"code"'))
    assert report["code"] == 0, done.stdout
    assert "listed" in done.stdout
    assert " 0 messages" not in done.stdout
    loaded = [m for m in report["modules"]
              if any(m == n or m.startswith(n + ".") for n in NOT_BEFORE_FIRST_ROWS)]
    assert report["modules"]
    assert loaded == []
