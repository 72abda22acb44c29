"""Reads where only the latest request matters (the lead to open): one at a time, the rest dropped.

Holding the arrow key down moves the current row faster than a lead's detail is read (~30 ms on
the database worker, more in team mode). Queued one behind the other, those reads would open
leads the user has already passed and hold up the writes queued behind them. So while one read
runs, only the last request waits; it runs when that read ends, and the ones it replaced never
run. A request made during a read of the same thing still runs after it: the read in flight may
have begun before the change that asked for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp


@dataclass(frozen=True)
class _Request:
    what: str
    work: Callable[[Session], Any]
    done: Callable[[Any], None]
    failed: Callable[[BaseException], bool]


class LatestRead(QObject):
    """Database reads run one at a time; of those asked for meanwhile, only the last runs."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._running = False
        self._waiting: _Request | None = None

    def ask(self, what: str, work: Callable[[Session], Any], done: Callable[[Any], None],
            failed: Callable[[BaseException], bool]) -> None:
        """Read ``work`` (its result to ``done``, an error to ``failed``, which returns whether
        it handled it) once the read now running, if any, has ended, unless asked again first."""
        request = _Request(what, work, done, failed)
        if self._running:
            self._waiting = request
        else:
            self._start(request)

    def _start(self, request: _Request) -> None:
        self._running = True

        def done(result: Any) -> None:
            try:
                request.done(result)
            finally:
                self._next()

        def failed(exc: BaseException) -> bool:
            try:
                return request.failed(exc)
            finally:
                self._next()

        (DbOp(self.ctx, request.work, parent=self.parent(), what=request.what).reading()
         .success(done).failure(failed).run_in_background())

    def _next(self) -> None:
        self._running = False
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self._start(waiting)
