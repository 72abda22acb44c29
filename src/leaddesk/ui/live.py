"""Live team mode in the window: colleagues' changes appear within a second, and who else is
viewing the open message.

:class:`LiveUpdates` runs the core's change feed (leaddesk.team.changes) in a thread of its own —
it blocks on the database by design, so it never takes a slot of the task pools. The thread only
puts what it learns in a queue; a timer on the GUI thread drains it (plain Python threads and Qt
signals make a fragile pair) and emits ``changed``, debounced so a burst (a bulk edit, a sync of
200 messages) makes one refresh. It also reports "reconnecting" and "connected" when the database drops and
comes back.

:class:`PresenceLeases` holds this window's "also viewing" lease on the open message, renewed
every few seconds in the database pool, and reports who else is looking at it.
"""

from __future__ import annotations

import logging
import queue
import threading

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject, QTimer, Signal

from leaddesk.changes import Change
from leaddesk.team import presence
from leaddesk.team.changes import ChangeFeed, FeedState, open_feed

from leaddesk.ui.bus import ELSEWHERE
from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250
DRAIN_MS = 100


class LiveUpdates(QObject):
    state_changed = Signal(str, str)  # FeedState value, reason

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *,
                 feed: ChangeFeed | None = None, debounce_ms: int = DEBOUNCE_MS) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.feed = feed if feed is not None else open_feed(ctx.db)
        self.state = FeedState.CONNECTED.value
        self._pending: list[Change] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._inbox: queue.SimpleQueue[tuple[str, object, str]] = queue.SimpleQueue()
        self._drain = QTimer(self)
        self._drain.setInterval(DRAIN_MS)
        self._drain.timeout.connect(self._take)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self._flush)

    def start(self) -> None:
        if self.feed is None or self._thread is not None:
            return
        self._stop.clear()
        put = self._inbox.put
        self._thread = threading.Thread(
            target=self.feed.run, name="leaddesk-live",
            args=(lambda changes: put(("changes", changes, "")),
                  lambda state, reason: put(("state", state.value, reason)), self._stop),
            daemon=True)
        self._thread.start()
        self._drain.start()

    def stop(self, wait_seconds: float = 3.0) -> None:
        self._stop.set()
        self._drain.stop()
        if self._thread is not None:
            self._thread.join(wait_seconds)
            self._thread = None

    def _take(self) -> None:
        while True:
            try:
                kind, value, reason = self._inbox.get_nowait()
            except queue.Empty:
                return
            if kind == "state":
                self._on_state(str(value), reason)
            elif isinstance(value, list):
                self._pending.extend(c for c in value if isinstance(c, Change))
                if not self._debounce.isActive():
                    self._debounce.start()

    def _flush(self) -> None:
        changes, self._pending = self._pending, []
        if changes:
            self.ctx.bus.publish(changes, ELSEWHERE)

    def _on_state(self, state: str, reason: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state, reason)


class PresenceLeases(QObject):
    """This window's lease on the message it shows; ``viewers_changed`` names the others."""

    viewers_changed = Signal(list)

    def __init__(self, ctx: AppContext, parent: QObject | None = None, *,
                 renew_ms: int = presence.RENEW_SECONDS * 1000) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.client_id = presence.new_client_id()
        self.current: int | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(renew_ms)
        self.timer.timeout.connect(self.renew)

    def show(self, submission_id: int | None) -> None:
        """The window now shows ``submission_id`` (None: no message)."""
        if submission_id == self.current:
            return
        self.current = submission_id
        self.viewers_changed.emit([])
        if submission_id is None:
            self.timer.stop()
            self.release()
            return
        self.timer.start()
        self.renew()

    def renew(self) -> None:
        submission_id, client, member = self.current, self.client_id, self.ctx.actor
        if submission_id is None:
            return

        def work(session: Session) -> list[str]:
            return presence.renew(session, submission_id, client, member)

        (DbOp(self.ctx, work, parent=self, what="also viewing")
         .success(lambda names: self._got(submission_id, names)).failure(self._failed)
         .run_in_background())

    def _got(self, submission_id: int, names: list[str]) -> None:
        if submission_id == self.current:
            self.viewers_changed.emit(names)

    def _failed(self, exc: BaseException) -> bool:
        # Presence is a courtesy: a failed renewal (database away, which the window already
        # says) must not interrupt the user; it is logged, the lease expires by itself and the
        # next renewal tries again.
        log.warning("presence renewal failed: %s", exc)
        return True

    def release(self) -> None:
        client = self.client_id

        (DbOp(self.ctx, lambda s: presence.release(s, client), parent=self,
              what="also viewing").failure(self._failed).run_in_background())
