"""One operation type for every UI action and background call, in the manner of Anki's
``aqt.operations`` (``CollectionOp(parent, op).success(...).failure(...).run_in_background()``).

How to add an action::

    def mark_done(self, ids: list[int]) -> None:
        DbOp(self.ctx, lambda s: triage.bulk_set_status(s, ids, "done", actor=self.ctx.actor),
             parent=self, what="mark done").success(self._say_done).run_in_background()

- Work gets a fresh session and runs in the single database worker (one writer, in the order the
  user acted); the session commits when the work returns and rolls back if it raises.
- Network work (:class:`NetOp`) runs in the network pool; what it fetched is handed to an optional
  ``write`` step, which runs in the database worker like a :class:`DbOp`.
- A result that says what changed (a :class:`leaddesk.changes.Change`, an Edit, a list of them,
  or anything with a ``changes`` attribute) is published on the change bus with ``initiator``
  (default: ``parent``) before ``success`` runs; every page refreshes what it shows of it.
- Without ``.failure(...)`` a failure takes the default path (:mod:`leaddesk.ui.failures`): a
  known LeadDesk error becomes the banner, anything else a dialog with details, logged at ERROR.
  A ``failure`` handler that returns True handled it; returning False/None still shows it. So
  nothing is ever swallowed.
- ``.retrying(what=..., verify=...)`` runs the work through leaddesk.team.resilience: a dropped
  database is retried (never applied twice) and the window says it is reconnecting.
- Reads are operations too (no changes, just a ``success`` that shows the data). A read whose
  result can be large (a million ids) says ``.reading()``: its result is not looked through for
  change records, which on the GUI thread took seconds for a list of a million ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Generic, Self, TypeVar

from sqlalchemy.orm import Session

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from leaddesk.changes import Change
from leaddesk.errors import LeadDeskError
from leaddesk.team.resilience import run_with_retry

from leaddesk.ui.context import AppContext

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")
Success = Callable[[Any], None]
Failure = Callable[[BaseException], bool | None]


# Values that carry no change record: a list or tuple holding only these is a read's result (ids,
# names, counts), told by its item types in one C-level pass rather than one call per item.
_PLAIN = frozenset({int, str, float, bool, bytes, type(None)})


def changes_of(result: object) -> list[Change]:
    """The change records a work function's result carries, if any."""
    if isinstance(result, Change):
        return [result]
    change = getattr(result, "change", None)
    if isinstance(change, Change):
        return [change]
    changes = getattr(result, "changes", None)
    if isinstance(changes, Iterable) and not isinstance(changes, str | bytes):
        return [c for c in changes if isinstance(c, Change)]
    if isinstance(result, list | tuple):
        if _PLAIN.issuperset(map(type, result)):
            return []
        return [c for item in result for c in changes_of(item)]
    return []


def _no_changes(_result: object) -> list[Change]:
    return []


class _Op(Generic[T]):
    def __init__(self, ctx: AppContext, *, parent: QWidget | QObject | None = None,
                 what: str = "") -> None:
        self.ctx = ctx
        self.parent = parent
        self.what = what
        self._initiator: object = parent
        self._success: Success | None = None
        self._failure: Failure | None = None
        self._changes: Callable[[T], list[Change]] = changes_of

    def success(self, callback: Callable[[T], None]) -> Self:
        self._success = callback
        return self

    def failure(self, callback: Failure) -> Self:
        """``callback(exc)``; return True when it showed the failure itself."""
        self._failure = callback
        return self

    def initiator(self, initiator: object) -> Self:
        self._initiator = initiator
        return self

    def changes(self, extract: Callable[[T], list[Change]]) -> Self:
        """How to read the change records from the result (default: :func:`changes_of`)."""
        self._changes = extract
        return self

    def reading(self) -> Self:
        """The work only reads: its result carries no change record and is not looked through
        for one (on the GUI thread, where a large result would stall the window)."""
        return self.changes(_no_changes)

    def run_in_background(self) -> None:
        raise NotImplementedError

    def _done(self, result: T) -> None:
        changes = self._changes(result)
        if changes:
            self.ctx.bus.publish(changes, self._initiator)
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        handled = self._failure(exc) if self._failure is not None else False
        if not handled:
            widget = self.parent if isinstance(self.parent, QWidget) else None
            self.ctx.failures.report(exc, widget, what=self.what)


class DbOp(_Op[T]):
    """Work on the database, in the single database worker, with a session of its own."""

    def __init__(self, ctx: AppContext, work: Callable[[Session], T], *,
                 parent: QWidget | QObject | None = None, what: str = "") -> None:
        super().__init__(ctx, parent=parent, what=what)
        self.work = work
        self._retry: tuple[str, Callable[[Session, T], bool] | None] | None = None

    def retrying(self, *, what: str, verify: Callable[[Session, T], bool] | None = None
                 ) -> Self:
        self._retry = (what, verify)
        return self

    def _call(self) -> T:
        if self._retry is None:
            with self.ctx.db.session() as session:
                return self.work(session)
        what, verify = self._retry
        return run_with_retry(self.ctx.db, self.work, what=what, verify=verify,
                              on_retry=lambda _n, reason: self.ctx.bus.reconnecting.emit(
                                  reason))

    def run_in_background(self) -> None:
        self.ctx.tasks.db(self._call, self._done, self._failed)


class NetOp(_Op[T], Generic[R, T]):
    """Network (or keyring) work in the network pool; ``write`` stores what it fetched, in the
    database worker."""

    def __init__(self, ctx: AppContext, fetch: Callable[[], R],
                 write: Callable[[Session, R], T] | None = None, *,
                 parent: QWidget | QObject | None = None, what: str = "") -> None:
        super().__init__(ctx, parent=parent, what=what)
        self.fetch = fetch
        self.write = write

    def run_in_background(self) -> None:
        self.ctx.tasks.net(self.fetch, self._fetched, self._failed)

    def _fetched(self, fetched: R) -> None:
        write = self.write
        if write is None:
            self._done(fetched)  # type: ignore[arg-type]  # T is R without a write step
            return

        def store() -> T:
            with self.ctx.db.session() as session:
                return write(session, fetched)

        self.ctx.tasks.db(store, self._done, self._failed)


def known_error_in(show: Callable[[str], None]) -> Failure:
    """A failure handler for dialogs: a known LeadDesk error is shown by ``show`` (a label in the
    dialog, beside what the user typed); anything else takes the default path."""

    def handle(exc: BaseException) -> bool:
        if isinstance(exc, LeadDeskError):
            show(str(exc))
            return True
        return False

    return handle
