"""When the user last pressed a key, clicked or scrolled: for background work that gives way to
them.

The re-read of stored mail after an upgrade parses on the window's own interpreter and commits
batch after batch; at a million leads, while it ran, every action took 2-6 times as long to show
its whole result and the event loop stopped for up to 180 ms (bench/README, "The window at 1M
while stored mail is re-read"). It now waits between its batches until the user has left the
keyboard and mouse alone for ``QUIET_SECONDS``: a batch under way finishes (~50 ms), the next
waits.

The watch is an event filter on the application, installed only while such work runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject

from leaddesk.progress import CancelToken

QUIET_SECONDS = 2.0
STEP_SECONDS = 0.1
_INPUT = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress,
                    QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel})


class ActivityWatch(QObject):
    """The time of the user's last input, read from any thread (one float: no lock needed)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.last = float("-inf")

    def start(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def stop(self) -> None:
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT:
            self.last = time.monotonic()
        return False

    def quiet_for(self) -> float:
        return time.monotonic() - self.last

    def wait_for_quiet(self, cancel: CancelToken) -> None:
        """Return once the user has given no input for ``QUIET_SECONDS``, or at a cancel. Runs in
        a worker thread, never on the GUI thread."""
        while not cancel.cancelled and self.quiet_for() < QUIET_SECONDS:
            time.sleep(STEP_SECONDS)
