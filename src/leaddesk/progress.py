"""How long-running core jobs (sync, import, export, bulk changes) talk to whoever watches them.

The engine never prints and never touches widgets: it calls a :class:`Reporter` and polls a
:class:`CancelToken` between items. The CLI implements the reporter with a progress bar on stderr,
the GUI with signals.
"""

from __future__ import annotations

import threading
from typing import Protocol

from leaddesk.errors import LeadDeskError


class Cancelled(LeadDeskError):
    """Raised inside a job when its cancel token was set; work done so far stays committed."""


class Reporter(Protocol):
    def started(self, what: str, total: int | None) -> None:
        """A job began; ``total`` is None when the amount of work is unknown."""

    def progress(self, done: int, total: int | None) -> None:
        """``done`` items finished so far."""

    def item_failed(self, item: str, reason: str) -> None:
        """One item could not be processed; the job goes on with the rest."""

    def finished(self, summary: str) -> None:
        """The job ended (successfully or after a cancel); ``summary`` is one line for the user."""


class NullReporter:
    """A reporter that ignores everything: for tests and callers that do not care."""

    def started(self, what: str, total: int | None) -> None:
        pass

    def progress(self, done: int, total: int | None) -> None:
        pass

    def item_failed(self, item: str, reason: str) -> None:
        pass

    def finished(self, summary: str) -> None:
        pass


class CancelToken:
    """Set from any thread (a Cancel button, Ctrl-C); checked by the job between items."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled("cancelled; everything finished before the cancel was kept")
