"""The first page of a new list and the number of its matches, as the window shows them before
the whole id list arrives.

On SQLite, for the lists :mod:`leaddesk.query.quick` reads (the Inbox, Waiting, Done, All and Spam
views, newest or oldest first) the page and its count come from the session's own SQLite
connection without the ORM: on a fresh start this is the window's first query, and the ORM's first
query configures every mapper and compiles its statements (~90 ms on the 2-core machine, more
under load) before any row comes back. Everything else takes :func:`~leaddesk.query.find` and
:func:`~leaddesk.query.estimate`. Either way the answer is the same
(``tests/query/test_first.py``).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from leaddesk import query
from leaddesk.query import quick
from leaddesk.query.results import Estimate, SubmissionRow
from leaddesk.query.spec import Filter

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def first_page(session: Session, flt: Filter, *, limit: int
               ) -> tuple[tuple[SubmissionRow, ...], Estimate]:
    """The first ``limit`` rows of ``flt`` and the number of its matches (exact, or "about N"
    for a common word)."""
    connection = _sqlite_connection(session) if quick.handles(flt) else None
    if connection is not None:
        page = quick.page(connection, flt, limit=limit)
        return page.rows, Estimate(page.total, exact=True)
    # The ORM's query modules load here, not with the window: the first page rarely needs them.
    rows = query.find(session, flt, limit=limit, with_total=False).rows
    return rows, _consistent(query.estimate(session, flt), rows, limit)


def _consistent(total: Estimate, rows: tuple[SubmissionRow, ...], limit: int) -> Estimate:
    """An estimate never contradicts the page shown with it: a page short of ``limit`` holds
    every match (so the count is exact), and there are at least as many matches as rows shown
    (a sampled "about 12" beside a full page of 50 would read as a mistake)."""
    if total.exact:
        return total
    if len(rows) < limit:
        return Estimate(len(rows), exact=True)
    return Estimate(max(total.value, len(rows)), exact=False)


def _sqlite_connection(session: Session) -> sqlite3.Connection | None:
    # The session's own connection, in its transaction: the schema was checked when the database
    # was opened, so no second look at alembic_version is needed.
    driver = session.connection().connection.driver_connection
    return driver if isinstance(driver, sqlite3.Connection) else None
