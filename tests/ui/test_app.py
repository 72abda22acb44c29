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
