"""A sync from the window over a real (loopback) form API: a bad page reaches the sync report,
the status bar says how many problems there were, and the report says what to do."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from PySide6.QtCore import Qt

from leaddesk import accounts
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.errors import DatabaseError
from leaddesk.ingest import api
from leaddesk.ingest.store import BatchResult
from tests.ingest.api.conftest import TOKEN
from tests.ingest.api.server import FormApiServer, Netlify, Reply

from leaddesk.ui.context import AppContext
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings import Settings
from leaddesk.ui.sync_controller import SyncController
from leaddesk.ui.sync_report import SyncReport, SyncReportDialog
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


# ------------------------------------------------------------------ one writer
# With real worker threads: the sync fetches in the network pool and every write it makes (each
# batch with its sync state) runs in the single database worker, where the user's actions run.

def threaded_sync(ui_db: Database, server: FormApiServer) -> tuple[SyncController, AppContext]:
    Netlify(server)
    settings = api.check_settings("netlify", base_url=server.url + "/api/v1", form=FORM,
                                  config={"per_page": 3})
    accounts.save_account(ui_db, "forms", settings, kind="api", secret=TOKEN, actor="tester")
    ctx = AppContext(ui_db, TaskRunner(), "tester", Settings())
    return SyncController(ctx), ctx


def db_worker_thread(qtbot, ctx: AppContext) -> int:
    seen: list[int] = []
    ctx.tasks.db(threading.get_ident, seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=5_000)
    return seen[0]


def record_writes(ctx: AppContext, around: Callable[[Callable[[], Any]], Any] | None = None
                  ) -> list[tuple[int, int]]:
    """(asking thread, writing thread) of every write the sync hands over."""
    writes: list[tuple[int, int]] = []
    hand_over = ctx.net_db.writer
    assert hand_over is not None

    def recorded(work: Callable[[], Any]) -> Any:
        asker = threading.get_ident()

        def write() -> Any:
            writes.append((asker, threading.get_ident()))
            return around(work) if around is not None else work()
        return hand_over(write)

    ctx.net_db.writer = recorded
    return writes


def finish(qtbot, sync: SyncController, ctx: AppContext) -> SyncReport:
    with qtbot.waitSignal(sync.finished, timeout=20_000) as done:
        assert sync.start()
    ctx.tasks.wait()
    report: SyncReport = done.args[0]
    return report


def test_a_window_sync_fetches_in_the_network_pool_and_writes_in_the_database_worker(
        qtbot, ui_db: Database, server: FormApiServer, memory_keyring: object) -> None:
    sync, ctx = threaded_sync(ui_db, server)
    worker = db_worker_thread(qtbot, ctx)
    writes = record_writes(ctx)

    report = finish(qtbot, sync, ctx)
    assert report.added == 7
    assert not report.problems
    assert len(writes) >= 3  # the cursor's state, then the batches of 3, 3 and 1
    assert {writer for _, writer in writes} == {worker}
    askers = {asker for asker, _ in writes}
    assert worker not in askers  # fetching ran in the network pool, never the GUI thread
    assert threading.get_ident() not in askers


def test_a_failed_write_in_the_database_worker_reaches_the_sync_report(
        qtbot, ui_db: Database, server: FormApiServer, memory_keyring: object) -> None:
    sync, ctx = threaded_sync(ui_db, server)

    def disk_full(work: Callable[[], Any]) -> Any:
        raise DatabaseError("the database disk is full; free some space and sync again")

    record_writes(ctx, disk_full)
    report = finish(qtbot, sync, ctx)
    assert report.added == 0
    (problem,) = report.problems
    assert (problem.item, problem.reason) == (
        "forms", "the database disk is full; free some space and sync again")
    assert not sync.running


def test_a_window_sync_cancelled_after_a_batch_keeps_it_and_stores_no_more(
        qtbot, ui_db: Database, server: FormApiServer, memory_keyring: object) -> None:
    sync, ctx = threaded_sync(ui_db, server)
    stored: list[object] = []

    def cancel_after_the_first_batch(work: Callable[[], Any]) -> Any:
        result = work()
        if isinstance(result, BatchResult):
            stored.append(result)
            sync.cancel()  # the user clicks Cancel while the first batch is written
        return result

    record_writes(ctx, cancel_after_the_first_batch)
    report = finish(qtbot, sync, ctx)
    assert len(stored) == 1  # the next batch is never stored
    assert report.summaries == ["sync forms: 3 added, 0 already there"]
    (problem,) = report.problems
    assert (problem.item, problem.reason) == (
        "forms", "cancelled; everything finished before the cancel was kept")
    assert not sync.running
    with ui_db.session() as s:  # the first batch stays
        assert s.execute(select(func.count()).select_from(Submission).where(
            Submission.source_key.like("api:%"))).scalar_one() == 3
