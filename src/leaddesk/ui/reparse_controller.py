"""Re-reading stored mail from the window: in a worker, with progress, cancellable.

After an upgrade the window re-reads, by itself and in the background, the messages an older
parser read (``start_stale``), giving way to the user between its batches; a person can also
re-read everything at once (``start_all``), e.g. after teaching a label. The job commits batch
by batch, so a cancel or a closed window keeps what was done and the next start takes up the
rest. What it changed goes on the change bus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from leaddesk.progress import Cancelled, CancelToken

from leaddesk.ui.activity import ActivityWatch
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, NetOp
from leaddesk.ui.sync_controller import BackgroundJob

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    # Imported in the workers that use it: the re-read loads the whole parser (~0.1 s), which
    # the window does not need to start.
    from leaddesk import reparse


class ReparseController(BackgroundJob):
    running_changed = Signal(bool)
    progress = Signal(int, object)  # done, total
    finished = Signal(str, int)  # one-line summary, rows changed

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(ctx, parent)
        self.reporter.advanced.connect(self.progress)
        self.activity = ActivityWatch(self)

    def start_stale(self) -> bool:
        """Re-read what an older parser read, if anything (quietly does nothing otherwise)."""
        if self.running:
            return False
        self.cancel_token = CancelToken()  # taken now: a second start waits for this one
        def stale_ids(session: Session) -> list[int]:
            from leaddesk import reparse
            return reparse.stale_ids(session)

        (DbOp(self.ctx, stale_ids, parent=self, what="looking for mail to re-read").aside()
         .success(self._stale_found).failure(self._crashed).run_in_background())
        return True

    def start_all(self) -> bool:
        if self.running:
            return False
        self.cancel_token = CancelToken()
        self._run(None)
        return True

    def _stale_found(self, ids: list[int]) -> None:
        if ids:
            self._run(ids, give_way=True)
        else:
            self.cancel_token = None

    def _run(self, ids: list[int] | None, *, give_way: bool = False) -> None:
        """Re-read ``ids`` (None: every message) in a worker. ``give_way``: the re-read nobody
        asked for (after an upgrade) waits between batches while the user is at work
        (:mod:`leaddesk.ui.activity`); one a person started runs straight through."""
        token, db, reporter = self.cancel_token, self.ctx.net_db, self.reporter
        assert token is not None
        watch = self.activity if give_way else None
        if watch is not None:
            watch.start()

        def work() -> reparse.ReparseReport:
            from leaddesk import reparse
            try:
                return reparse.reparse(db, ids=ids, reporter=reporter, cancel=token,
                                       batch=reparse.INTERACTIVE_BATCH,
                                       budget=reparse.INTERACTIVE_SECONDS,
                                       give_way=None if watch is None
                                       else lambda: watch.wait_for_quiet(token))
            except Cancelled:  # what was done is kept
                return reparse.ReparseReport()

        self.running_changed.emit(True)
        (NetOp(self.ctx, work, parent=self, what="re-reading stored mail")
         .success(self._done).failure(self._crashed).run_in_background())

    def _done(self, report: reparse.ReparseReport) -> None:
        self.activity.stop()
        cancelled = self.cancel_token is not None and self.cancel_token.cancelled
        self.cancel_token = None
        self.running_changed.emit(False)
        summary = "Re-read cancelled; what was done is kept" if cancelled else report.summary()
        self.finished.emit(summary, report.changed)

    def _crashed(self, exc: BaseException) -> bool:
        self.activity.stop()
        self.cancel_token = None
        self.running_changed.emit(False)
        self.finished.emit("Re-reading stored mail failed", 0)
        return False  # the default path says why (and logs the traceback at ERROR)
