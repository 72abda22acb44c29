"""Background work for the UI: workers never touch widgets.

Two pools: database work goes through one single-thread pool (SQLite likes one writer, and it keeps
the order of a user's actions), network work (sync, keyring) may run in parallel. Long reads (a
million ids, the sidebar's counts) go to a third, single-thread pool beside the database worker,
so that a click's short read or write never waits seconds behind one. A task's result
or error comes back to the GUI thread by signal; an error nobody handles becomes a clear dialog.
In tests, ``TaskRunner(inline=True)`` runs every task on the calling thread.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QThread,
    QThreadPool,
    Signal,
    SignalInstance,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
# Set while a thread runs database work: a write asked for there runs at once (waiting for the
# single database worker from inside it would wait forever).
_in_db_worker = threading.local()


def _as_db_work(function: Callable[[], T]) -> Callable[[], T]:
    def run() -> T:
        _in_db_worker.active = True
        try:
            return function()
        finally:
            _in_db_worker.active = False
    return run


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, function: Callable[[], Any], signals: _Signals) -> None:
        super().__init__()
        self.function = function
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.function()
        except BaseException as exc:  # handed to the GUI thread; nothing may escape a worker
            log.debug("task failed: %s", "".join(traceback.format_exception(exc)))
            self._tell(self.signals.failed, exc)
        else:
            self._tell(self.signals.done, result)

    @staticmethod
    def _tell(signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError as exc:
            # The window quit while this ran and Qt deleted the signals' object: nobody is left
            # to tell (the work itself is done; a write was committed or rolled back already).
            if "deleted" not in str(exc):
                raise
            log.debug("a task finished after its window closed; its result was dropped")


class _Waited(QRunnable, Generic[T]):
    """A database task a network thread waits for: the result or the exception, kept for it."""

    def __init__(self, function: Callable[[], T]) -> None:
        super().__init__()
        self.function = _as_db_work(function)
        self.finished = threading.Event()
        self.result: T | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.function()
        except BaseException as exc:  # re-raised in the waiting thread; nothing escapes a worker
            self.error = exc
        finally:
            self.finished.set()


class TaskRunner(QObject):
    """Runs callables off the GUI thread and calls back on it."""

    unhandled_error = Signal(object)  # errors of tasks started without ``on_error``

    def __init__(self, parent: QObject | None = None, *, inline: bool = False) -> None:
        super().__init__(parent)
        self.inline = inline
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)
        self.net_pool = QThreadPool(self)
        self.net_pool.setMaxThreadCount(4)
        self.read_pool = QThreadPool(self)
        self.read_pool.setMaxThreadCount(1)
        self._alive: set[_Signals] = set()

    def _start(self, pool: QThreadPool, function: Callable[[], Any], on_done: Done | None,
               on_error: Failed | None) -> None:
        signals = _Signals()
        self._alive.add(signals)  # keep the QObject alive until its signal is delivered

        def finished_ok(result: Any) -> None:
            self._alive.discard(signals)
            if on_done is not None:
                on_done(result)

        def finished_bad(exc: BaseException) -> None:
            self._alive.discard(signals)
            if on_error is not None:
                on_error(exc)
            else:
                self.unhandled_error.emit(exc)

        signals.done.connect(finished_ok)
        signals.failed.connect(finished_bad)
        task = _Task(function, signals)
        if self.inline:
            task.run()
        else:
            pool.start(task)

    def db(self, function: Callable[[], Any], on_done: Done | None = None,
           on_error: Failed | None = None) -> None:
        """Database work, one task at a time, in submission order."""
        self._start(self.db_pool, _as_db_work(function), on_done, on_error)

    def read(self, function: Callable[[], Any], on_done: Done | None = None,
             on_error: Failed | None = None) -> None:
        """A long read, beside the database worker, one at a time in submission order; it must
        not write (the database worker is the one writer)."""
        self._start(self.read_pool, function, on_done, on_error)

    def net(self, function: Callable[[], Any], on_done: Done | None = None,
            on_error: Failed | None = None) -> None:
        """Network or keyring work; may run beside other network tasks."""
        self._start(self.net_pool, function, on_done, on_error)

    def write(self, function: Callable[[], T]) -> T:
        """Run ``function`` in the database worker and block the calling worker thread until it
        returns (its result) or raises (the same exception, re-raised here).

        For network work that must write (a sync's batches): the writes then queue with the
        user's actions on the single writer. Never from the GUI thread, which must not block.
        """
        if self.inline or getattr(_in_db_worker, "active", False):
            return function()  # already where writes run (tests; a DbOp's own write)
        app = QCoreApplication.instance()
        if app is not None and QThread.currentThread() is app.thread():
            raise RuntimeError("the GUI thread may not wait for the database worker")
        task: _Waited[T] = _Waited(function)
        task.setAutoDelete(False)  # read after it ran
        self.db_pool.start(task)
        task.finished.wait()
        if task.error is not None:
            raise task.error
        return task.result  # type: ignore[return-value]  # set: the task ran without error

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until all tasks finished (for shutdown and tests)."""
        return (self.db_pool.waitForDone(msecs) and self.net_pool.waitForDone(msecs)
                and self.read_pool.waitForDone(msecs))
