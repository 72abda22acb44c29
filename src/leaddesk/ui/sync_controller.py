"""Sync from the UI: every IMAP account in a network worker, progress by signal, cancellable.

The engine reports through the core's Reporter protocol; :class:`SignalReporter` turns those calls
into Qt signals, which cross from the worker to the GUI thread safely.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from leaddesk import accounts, secrets
from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from leaddesk.ingest import api, imap
from leaddesk.ingest.store import BatchResult
from leaddesk.progress import CancelToken

from leaddesk.ui.tasks import TaskRunner

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
    answers: list[str] = field(default_factory=list)  # who answered (leaddesk.conversations)
    threaded: int = 0  # e-mails that joined conversations (answers, colleagues' replies)
    errors: list[str] = field(default_factory=list)
    accounts: int = 0


class BackgroundJob(QObject):
    """One cancellable job at a time in a worker, reporting through a :class:`SignalReporter`."""

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.cancel_token: CancelToken | None = None
        self.reporter = SignalReporter()

    @property
    def running(self) -> bool:
        return self.cancel_token is not None

    def cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()


class SyncController(BackgroundJob):
    """Runs one sync at a time over all enabled IMAP accounts."""

    running_changed = Signal(bool)
    progress = Signal(str, int, object)  # what, done, total
    finished = Signal(object)  # SyncOutcome

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(db, tasks, parent)
        self._what = ""
        self.reporter.began.connect(self._began)
        self.reporter.advanced.connect(lambda d, t: self.progress.emit(self._what, d, t))

    def _began(self, what: str, total: object) -> None:
        self._what = what
        self.progress.emit(what, 0, total)

    def start(self) -> bool:
        if self.running:
            return False
        token = CancelToken()
        self.cancel_token = token
        self.running_changed.emit(True)
        self.tasks.net(lambda: self._sync_all(token), self._done, self._crashed)
        return True

    def _sync_all(self, token: CancelToken) -> SyncOutcome:
        outcome = SyncOutcome()
        with self.db.session() as session:
            targets = [a for a in accounts.list_accounts(session)
                       if a.enabled and a.kind in ("imap", "api")]
        outcome.accounts = len(targets)
        for account in targets:
            if token.cancelled:
                break
            try:
                secret = secrets.get_secret(account.secret_ref or secrets.secret_ref(account.name))
                if account.kind == "api":
                    result: BatchResult = api.sync_api_account(
                        self.db, account, secret, reporter=self.reporter, cancel=token)
                else:
                    result = imap.sync_account(self.db, account, secret, reporter=self.reporter,
                                               cancel=token)
                outcome.added += result.added
                outcome.added_ids.extend(result.added_ids)
                outcome.answers.extend(a.who for a in result.answers)
                outcome.threaded += result.threaded
            except LeadDeskError as exc:
                outcome.errors.append(f"{account.name}: {exc}")
        return outcome

    def _done(self, outcome: SyncOutcome) -> None:
        self.cancel_token = None
        self.running_changed.emit(False)
        self.finished.emit(outcome)

    def _crashed(self, exc: BaseException) -> None:
        log.exception("sync crashed", exc_info=exc)
        self._done(SyncOutcome(errors=[f"sync failed unexpectedly: {exc}"]))
