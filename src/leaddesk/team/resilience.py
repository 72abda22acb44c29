"""Writing across a database restart or a network cut: retried, or clearly reported, never lost.

:func:`run_with_retry` runs one unit of work in its own transaction. When the connection drops
(:func:`~leaddesk.db.engine.is_transient`) it waits and runs the work again in a new transaction,
for up to :data:`RETRY_SECONDS`, telling ``on_retry`` so the UI can show "reconnecting…".

The delicate case is a connection lost *during COMMIT*: the server may have committed or not.
Running the work again blindly could apply it twice (a second note) or turn it into a conflict
with oneself. So the caller may pass ``verify``: after such a loss it is asked, in a new
transaction, whether the first attempt's result is in the database; if it is, that result is
returned and nothing runs twice. Without ``verify`` the work must be idempotent.

When the database stays away, :class:`~leaddesk.errors.DatabaseUnavailableError` says that the
action was not saved.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.db.engine import describe_dbapi_error, is_transient, translate_errors
from leaddesk.errors import DatabaseUnavailableError

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_SECONDS = 30.0
DELAYS: Sequence[float] = (0.2, 0.5, 1.0, 2.0)

OnRetry = Callable[[int, str], None]  # attempt number (1 = first retry), reason


def run_with_retry(db: Database, work: Callable[[Session], T], *, what: str = "the change",
                   verify: Callable[[Session, T], bool] | None = None,
                   on_retry: OnRetry | None = None, retry_seconds: float = RETRY_SECONDS,
                   delays: Sequence[float] = DELAYS) -> T:
    """``work(session)`` committed once, retried across transient database failures.

    Errors that are not about reaching the database (a conflict, a validation error) are
    raised at once, as :func:`Database.session` would raise them.
    """
    deadline = time.monotonic() + retry_seconds
    attempt = 0
    unsure: list[T] = []  # a result whose COMMIT was cut off: saved or not, nobody knows yet
    while True:
        try:
            if unsure and verify is not None:
                with db.session() as session:
                    if verify(session, unsure[0]):
                        log.info("%s was saved before the connection dropped", what)
                        return unsure[0]
                unsure.clear()
            return _attempt(db, work)
        except _Lost as lost:
            reason = lost.reason
            if lost.during_commit:
                unsure[:] = [lost.result]
        except DatabaseUnavailableError as exc:  # raised while verifying
            reason = str(exc)
        if time.monotonic() >= deadline:
            raise DatabaseUnavailableError(
                f"{reason} — {what} was NOT saved: the database stayed unreachable for "
                f"{retry_seconds:.0f} s. Try again once it is back.")
        attempt += 1
        log.warning("database unreachable (%s); retrying %s (attempt %d)", reason, what, attempt)
        if on_retry is not None:
            on_retry(attempt, reason)
        time.sleep(min(delays[min(attempt - 1, len(delays) - 1)],
                       max(0.0, deadline - time.monotonic())))


class _Lost(Exception):
    """The connection dropped; ``during_commit`` when the work itself had finished."""

    def __init__(self, reason: str, during_commit: bool, result: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.during_commit = during_commit
        self.result = result


def _attempt(db: Database, work: Callable[[Session], T]) -> T:
    session = db.sessions()
    committing = False
    result: Any = None
    try:
        with translate_errors(db.engine.url):
            try:
                with session.begin():
                    result = work(session)
                    committing = True  # leaving the block flushes and commits
                return cast(T, result)
            except DBAPIError as exc:
                if is_transient(exc):
                    raise _Lost(describe_dbapi_error(exc, db.engine.url), committing,
                                result) from None
                raise
    finally:
        session.close()
