"""The window's background re-read, in a process of its own.

After an upgrade the window re-reads what an older parser read. On the window's own interpreter
the parse, pure Python, took turns at the GIL with the GUI thread: with a million stored
messages every action the user took showed event-loop gaps of 100-180 ms for as long as the
re-read lasted (50-70 ms without it). A spawned process parses on the other core and writes its
own small transactions (the same batches and per-batch budget as before, so a triage click waits
behind one of them at most); the window learns what changed as it learns of any other process's
writes, and the caller gets the progress and the report as if the re-read ran in its thread.

Spawned, not forked: the caller is a threaded GUI process. Cancelling asks the child to stop
between batches (what it committed stays) and ends it if it does not within ``STOP_SECONDS``.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import traceback
from collections.abc import Sequence
from typing import Any

from leaddesk.errors import LeadDeskError
from leaddesk.progress import Cancelled, CancelToken, NullReporter, Reporter
from leaddesk.reparse.runner import INTERACTIVE_BATCH, INTERACTIVE_SECONDS, ReparseReport

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1
STOP_SECONDS = 10.0
# What the child says: ("started", (what, total)), ("progress", (done, total)),
# ("done", ReparseReport) or ("failed", (one line, the traceback or "")).
Message = tuple[str, Any]


class ChildFailed(LeadDeskError):
    """The re-read's process failed or ended without a report."""


def reparse_in_child(url: str, ids: Sequence[int], *, reporter: Reporter | None = None,
                     cancel: CancelToken | None = None) -> ReparseReport:
    """Re-read ``ids`` of the database at ``url`` in a spawned process; progress goes to
    ``reporter``, and ``cancel`` stops it between batches (the report then counts nothing)."""
    reporter = reporter or NullReporter()
    cancel = cancel or CancelToken()
    context = multiprocessing.get_context("spawn")
    messages: multiprocessing.Queue[Message] = context.Queue()
    stop = context.Event()
    process = context.Process(target=_child, args=(url, list(ids), messages, stop),
                              name="leaddesk-reparse", daemon=True)
    process.start()
    try:
        while True:
            if cancel.cancelled:
                stop.set()
            try:
                kind, payload = messages.get(timeout=POLL_SECONDS)
            except queue.Empty:
                if not process.is_alive():
                    raise ChildFailed(f"the re-read's process ended without a report (exit code "
                                      f"{process.exitcode}); what it committed is kept, and the "
                                      f"next start takes up the rest") from None
                continue
            if kind == "started":
                reporter.started(*payload)
            elif kind == "progress":
                reporter.progress(*payload)
            elif kind == "done":
                report: ReparseReport = payload
                reporter.finished(report.summary())
                if cancel.cancelled:
                    raise Cancelled("re-read cancelled")
                return report
            else:
                line, details = payload
                if details:
                    log.error("the re-read's process failed:\n%s", details)
                raise ChildFailed(line)
    finally:
        stop.set()
        process.join(STOP_SECONDS)
        if process.is_alive():
            process.terminate()
            process.join()
        messages.close()


class _Relay:
    """The child's reporter: every call goes to the parent through the queue."""

    def __init__(self, messages: multiprocessing.Queue[Message]) -> None:
        self.messages = messages

    def started(self, what: str, total: int | None) -> None:
        self.messages.put(("started", (what, total)))

    def progress(self, done: int, total: int | None) -> None:
        self.messages.put(("progress", (done, total)))

    def item_failed(self, item: str, reason: str) -> None:
        pass  # counted in the report

    def finished(self, summary: str) -> None:
        pass  # the report goes as "done"


class _StopToken(CancelToken):
    """The parent's stop event, read where the re-read checks for a cancel."""

    def __init__(self, stop: Any) -> None:
        super().__init__()
        self.stop = stop

    def cancel(self) -> None:
        self.stop.set()

    @property
    def cancelled(self) -> bool:
        return bool(self.stop.is_set())

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled("cancelled; everything finished before the cancel was kept")


def _child(url: str, ids: list[int], messages: multiprocessing.Queue[Message],
           stop: Any) -> None:
    """The spawned process: open the database as it is (no migration: the window did that),
    re-read ``ids`` in the window's small batches, and say how it went."""
    from leaddesk import reparse
    from leaddesk.db import Database

    try:
        db = Database.open(url, upgrade=False)
        try:
            report = reparse.reparse(db, ids=ids, reporter=_Relay(messages),
                                     cancel=_StopToken(stop), batch=INTERACTIVE_BATCH,
                                     budget=INTERACTIVE_SECONDS)
        except Cancelled:
            report = ReparseReport()
        finally:
            db.close()
        messages.put(("done", report))
    except LeadDeskError as exc:
        messages.put(("failed", (str(exc), "")))
    except Exception as exc:  # one line for the user, the traceback for the parent's log
        messages.put(("failed", (f"re-reading stored mail failed ({type(exc).__name__})",
                                 "".join(traceback.format_exception(exc)))))
