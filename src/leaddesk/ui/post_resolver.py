"""Post lookups from the window: a resolution pass in the network pool, never on the GUI thread.

Started when the window opens and after every sync; one pass at a time (a request while one runs
is remembered and runs after it). The pass's report says what changed (posts, and the rows that
show them); the operation publishes that on the change bus, so the pages refresh it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from leaddesk.progress import CancelToken

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import NetOp

if TYPE_CHECKING:
    from leaddesk.posts.resolve import ResolveReport

__all__ = ["PostResolver"]


class PostResolver(QObject):
    finished = Signal(object)  # ResolveReport

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cancel_token: CancelToken | None = None
        self.again = False

    @property
    def running(self) -> bool:
        return self.cancel_token is not None

    def start(self, *, everything: bool = False) -> bool:
        if self.running:
            self.again = True
            return False
        # Imported here: the lookups (httpx, the HTML and REST readers) are not needed to show the
        # window, and the first pass is only started after its first rows are painted.
        from leaddesk.posts.resolve import resolve_posts

        token = self.cancel_token = CancelToken()
        db = self.ctx.net_db
        (NetOp(self.ctx, lambda: resolve_posts(db, everything=everything, cancel=token),
               parent=self, what="looking up posts")
         .success(self._done).failure(self._failed).run_in_background())
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

    def _failed(self, exc: BaseException) -> bool:
        self.cancel_token = None
        self.again = False
        # Shown as a warning (the user did not start it), never swallowed; retried after a sync.
        self.ctx.failures.background(exc, "looking up posts")
        return True
