"""A sync from the window over a real (loopback) form API: a bad page reaches the sync report,
the status bar says how many problems there were, and the report says what to do."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from PySide6.QtCore import Qt

from leaddesk import accounts
from leaddesk.db import Database
from leaddesk.ingest import api
from tests.ingest.api.conftest import TOKEN
from tests.ingest.api.server import FormApiServer, Netlify, Reply

from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.sync_report import SyncReportDialog
from leaddesk.ui.tasks import TaskRunner

FORM = "5f1e2d3c4b5a697887766554"


def page(n: int) -> Any:
    return lambda seen: seen.path.endswith("/submissions") and seen.query.get("page") == str(n)


@pytest.fixture
def server() -> Iterator[FormApiServer]:
    instance = FormApiServer()
    yield instance
    instance.close()


def test_a_bad_api_page_shows_in_the_sync_report(qtbot, ui_db: Database, server: FormApiServer,
                                                 memory_keyring: object) -> None:
    Netlify(server)
    server.inject(Reply(200, b"<html>Bad gateway</html>"), when=page(2))
    settings = api.check_settings("netlify", base_url=server.url + "/api/v1", form=FORM,
                                  config={"per_page": 3})
    accounts.save_account(ui_db, "forms", settings, kind="api", secret=TOKEN, actor="tester")
    window = MainWindow(ui_db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(window)
    window.show()
    before = window.inbox.model.rowCount()

    window.start_sync()
    qtbot.waitUntil(window.sync_problems.isVisible, timeout=10_000)
    assert window.sync_problems.text() == "⚠ 1 problem in the last sync"
    report = window.sync.report
    assert report.added == 4  # pages 1 and 3
    (problem,) = report.problems
    assert problem.item == "forms page 2"
    assert "not valid JSON" in problem.reason
    assert "next sync asks for it again" in problem.advice
    assert "leaddesk accounts test forms" in problem.advice
    assert report.summaries  # the engine's summary line was collected too
    assert window.inbox.model.rowCount() == before + 4  # the new leads came through the bus

    dialog = SyncReportDialog(report, window)
    qtbot.addWidget(dialog)
    ((item, reason, advice),) = dialog.blocks
    assert (item.text(), reason.text()) == (problem.item, problem.reason)
    assert advice.text() == f"What to do: {problem.advice}"
    assert item.textFormat() == Qt.TextFormat.PlainText  # an API's text is never rich text
    assert "4 new messages, 1 problem in the last sync" in dialog.summary.text()


def test_a_clean_sync_hides_the_problems_of_the_last(qtbot, window: MainWindow) -> None:
    window.sync_problems.setText("⚠ 2 problems in the last sync")
    window.sync_problems.show()
    window.start_sync()  # no accounts: nothing fails
    assert not window.sync_problems.isVisible()
    assert "No mailbox is set up yet" in window.banner.label.text()
