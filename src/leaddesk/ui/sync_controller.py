"""Sync from the UI: every IMAP and API account in a network worker, progress by signal,
cancellable, and a report of every problem.

The engine reports through the core's Reporter protocol; :class:`SignalReporter` turns those calls
into Qt signals, which cross from the worker to the GUI thread safely. Each failed item and each
summary goes into the sync's :class:`~leaddesk.ui.sync_report.SyncReport`; the new messages are
published on the change bus like any other change.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from leaddesk.progress import CancelToken

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import NetOp
from leaddesk.ui.sync_report import SyncReport

if TYPE_CHECKING:
    from leaddesk.ingest.sync_all import SyncOutcome

log = logging.getLogger(__name__)


class SignalReporter(QObject):
    """A Reporter whose calls become signals (emitted from the worker thread)."""

    began = Signal(str, object)
    advanced = Signal(int, object)
    failed_item = Signal(str, str)
    ended = Signal(str)

    def started(self, what: str, total: int | None) -> None:
        self.began.emit(what, total)

    def progress(self, done: int, total: int | None) -> None:
        self.advanced.emit(done, total)

    def item_failed(self, item: str, reason: str) -> None:
        self.failed_item.emit(item, reason)

    def finished(self, summary: str) -> None:
        self.ended.emit(summary)


class BackgroundJob(QObject):
    """One cancellable job at a time in a worker, reporting through a :class:`SignalReporter`."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cancel_token: CancelToken | None = None
        self.reporter = SignalReporter()

    @property
    def running(self) -> bool:
        return self.cancel_token is not None

    def cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()


class SyncController(BackgroundJob):
    """Runs one sync at a time over all enabled IMAP and API accounts."""

    running_changed = Signal(bool)
    progress = Signal(str, int, object)  # what, done, total
    finished = Signal(object)  # SyncReport

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.report = SyncReport()  # the last (or current) sync's
        self._what = ""
        self.reporter.began.connect(self._began)
        self.reporter.advanced.connect(lambda d, t: self.progress.emit(self._what, d, t))
        self.reporter.failed_item.connect(lambda item, reason: self.report.item_failed(item,
                                                                                      reason))
        self.reporter.ended.connect(lambda summary: self.report.summaries.append(summary))

    def _began(self, what: str, total: object) -> None:
        self._what = what
        self.progress.emit(what, 0, total)

    def start(self) -> bool:
        if self.running:
            return False
        # Imported here, not at the top: the sync engine (IMAP, httpx, the API presets) is not
        # needed until the first sync, and keeping it out of start-up brings the window up sooner.
        from leaddesk.ingest.sync_all import sync_every_account

        token = CancelToken()
        self.cancel_token = token
        self.report = SyncReport()
        self.running_changed.emit(True)
        db = self.ctx.net_db
        (NetOp(self.ctx, lambda: sync_every_account(db, self.reporter, token), parent=self, what="sync")
         .success(self._done).failure(self._crashed).run_in_background())
        return True

    def _done(self, outcome: SyncOutcome) -> None:
        self.cancel_token = None
        self.report.added = outcome.added
        self.report.answers = outcome.answers
        self.report.accounts = outcome.accounts
        for account, message in outcome.errors:
            self.report.account_failed(account, message)
        self.running_changed.emit(False)
        self.finished.emit(self.report)

    def _crashed(self, exc: BaseException) -> bool:
        from leaddesk.ingest.sync_all import SyncOutcome  # loaded by start() already

        self.report.account_failed("sync", f"the sync failed unexpectedly: {exc}")
        self._done(SyncOutcome())
        return False  # the default path shows it too (and logs the traceback at ERROR)
