"""Post lookups from the window: a resolution pass in the network pool, never on the GUI thread.

Started when the window opens and after every sync; one pass at a time (a request while one runs
is remembered and runs after it). ``finished`` carries the core's ResolveReport, so the window can
reload what changed.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from leaddesk.db import Database
from leaddesk.posts.resolve import ResolveReport, resolve_posts
from leaddesk.progress import CancelToken

from leaddesk.ui.tasks import TaskRunner

log = logging.getLogger(__name__)
__all__ = ["PostResolver", "ResolveReport"]


class PostResolver(QObject):
    finished = Signal(object)  # ResolveReport

    def __init__(self, db: Database, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.cancel_token: CancelToken | None = None
        self.again = False

    @property
    def running(self) -> bool:
        return self.cancel_token is not None

    def start(self, *, everything: bool = False) -> bool:
        if self.running:
            self.again = True
            return False
        token = self.cancel_token = CancelToken()
        self.tasks.net(lambda: resolve_posts(self.db, everything=everything, cancel=token),
                       self._done, self._failed)
        return True

    def cancel(self) -> None:
        if self.cancel_token is not None:
            self.cancel_token.cancel()

    def _done(self, report: ResolveReport) -> None:
        self.cancel_token = None
        self.finished.emit(report)
        if self.again:
            self.again = False
            self.start()

    def _failed(self, exc: BaseException) -> None:
        # A lookup problem (the database busy, a bug) never interrupts the user: log it, retry later.
        log.warning("post lookup failed: %s", exc)
        self.cancel_token = None
        self.again = False
