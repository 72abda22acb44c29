"""Re-reading stored mail from the window: in a worker, with progress, cancellable.

After an upgrade the window re-reads, by itself and in the background, the messages an older
parser read (``start_stale``); a person can also re-read everything at once (``start_all``), e.g.
after teaching a label. The job commits batch by batch, so a cancel or a closed window keeps what
was done and the next start takes up the rest.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from leaddesk import reparse
from leaddesk.db import Database
from leaddesk.progress import Cancelled, CancelToken

from leaddesk.ui.sync_controller import BackgroundJob
from leaddesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class ReparseController(BackgroundJob):
    running_changed = Signal(bool)
    progress = Signal(int, object)  # done, total
    finished = Signal(str, int)  # one-line summary, rows changed

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(db, tasks, parent)
        self.reporter.advanced.connect(self.progress)

    def start_stale(self) -> bool:
        """Re-read what an older parser read, if anything (quietly does nothing otherwise)."""
        return self._start(stale=True)

    def start_all(self) -> bool:
        return self._start(stale=False)

    def _start(self, *, stale: bool) -> bool:
        if self.running:
            return False
        token = CancelToken()
        self.cancel_token = token

        def work() -> reparse.ReparseReport | None:
            with self.db.session() as session:
                ids = reparse.stale_ids(session) if stale else None
            if ids is not None and not ids:
                return None
            self.running_changed.emit(True)
            try:
                return reparse.reparse(self.db, ids=ids, reporter=self.reporter, cancel=token)
            except Cancelled:
                return reparse.ReparseReport()

        self.tasks.net(work, self._done, self._crashed)
        return True

    def _done(self, report: reparse.ReparseReport | None) -> None:
        cancelled = self.cancel_token is not None and self.cancel_token.cancelled
        self.cancel_token = None
        self.running_changed.emit(False)
        if report is None:
            return
        summary = "Re-read cancelled; what was done is kept" if cancelled else report.summary()
        self.finished.emit(summary, report.changed)

    def _crashed(self, exc: BaseException) -> None:
        log.exception("re-read failed", exc_info=exc)
        self.cancel_token = None
        self.running_changed.emit(False)
        self.finished.emit(f"Re-reading stored mail failed: {exc}", 0)
