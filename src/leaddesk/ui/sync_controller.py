"""Sync from the UI: every IMAP and API account in a network worker, progress by signal,
cancellable, and a report of every problem.

The engine reports through the core's Reporter protocol; :class:`SignalReporter` turns those calls
into Qt signals, which cross from the worker to the GUI thread safely. Each failed item and each
summary goes into the sync's :class:`~leaddesk.ui.sync_report.SyncReport`; the new messages are
published on the change bus like any other change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from leaddesk import accounts, secrets
from leaddesk.changes import CREATED, Change, Kind
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import api, imap
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import NetOp
from leaddesk.ui.sync_report import SyncReport

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


@dataclass
class SyncOutcome:
    added: int = 0
    added_ids: list[int] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # account, message
    accounts: int = 0

    @property
    def changes(self) -> list[Change]:
        return [Change.of(Kind.SUBMISSION, self.added_ids, {CREATED})] if self.added_ids else []


class SyncController(QObject):
    """Runs one sync at a time over all enabled IMAP and API accounts."""

    running_changed = Signal(bool)
    progress = Signal(str, int, object)  # what, done, total
    finished = Signal(object)  # SyncReport

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cancel_token: CancelToken | None = None
        self.reporter = SignalReporter()
        self.report = SyncReport()  # the last (or current) sync's
        self._what = ""
        self.reporter.began.connect(self._began)
        self.reporter.advanced.connect(lambda d, t: self.progress.emit(self._what, d, t))
        self.reporter.failed_item.connect(lambda item, reason: self.report.item_failed(item,
                                                                                      reason))
        self.reporter.ended.connect(lambda summary: self.report.summaries.append(summary))

    @property
    def running(self) -> bool:
        return self.cancel_token is not None

    def _began(self, what: str, total: object) -> None:
        self._what = what
        self.progress.emit(what, 0, total)

    def start(self) -> bool:
        if self.running:
            return False
        token = CancelToken()
        self.cancel_token = token
        self.report = SyncReport()
        self.running_changed.emit(True)
        db = self.ctx.db
        (NetOp(self.ctx, lambda: sync_all(db, self.reporter, token), parent=self, what="sync")
         .success(self._done).failure(self._crashed).run_in_background())
        return True

    def cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    def _done(self, outcome: SyncOutcome) -> None:
        self.cancel_token = None
        self.report.added = outcome.added
        self.report.accounts = outcome.accounts
        for account, message in outcome.errors:
            self.report.account_failed(account, message)
        self.running_changed.emit(False)
        self.finished.emit(self.report)

    def _crashed(self, exc: BaseException) -> bool:
        self.report.account_failed("sync", f"the sync failed unexpectedly: {exc}")
        self._done(SyncOutcome())
        return False  # the default path shows it too (and logs the traceback at ERROR)


def sync_all(db: Database, reporter: SignalReporter, token: CancelToken) -> SyncOutcome:
    """Every enabled IMAP and API account in turn (runs in the network pool)."""
    outcome = SyncOutcome()
    with db.session() as session:
        targets = [a for a in accounts.list_accounts(session)
                   if a.enabled and a.kind in ("imap", "api")]
    outcome.accounts = len(targets)
    for account in targets:
        if token.cancelled:
            break
        try:
            secret = secrets.get_secret(account.secret_ref or secrets.secret_ref(account.name))
            if account.kind == "api":
                result: BatchResult = api.sync_api_account(db, account, secret,
                                                           reporter=reporter, cancel=token)
            else:
                result = imap.sync_account(db, account, secret, reporter=reporter, cancel=token)
            outcome.added += result.added
            outcome.added_ids.extend(result.added_ids)
        except LeadDeskError as exc:
            log.info("sync of %s failed: %s", account.name, exc)
            outcome.errors.append((account.name, str(exc)))
    return outcome
