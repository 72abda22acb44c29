"""Every match, not one page: :func:`ids` (what a lazy list model holds) and :func:`iterate`
(every row in keyset batches, constant memory at any size).
"""

from __future__ import annotations

from collections.abc import Iterator
from operator import itemgetter

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import collector
from leaddesk.db.models import Submission
from leaddesk.query.filters import Filter, Sort, Steer, conditions, dialect_of
from leaddesk.query.pages import find, order_steer, ordered
from leaddesk.query.rows import Cursor, SubmissionRow
from leaddesk.query.text_plan import TextPlan

ID_CHUNK = 5_000  # ids fetched per call by ids()


def ids(session: Session, flt: Filter) -> list[int]:
    """Every matching id in display order: what a lazy list model holds."""
    plan = TextPlan.make(session, flt)
    # A search with many matches walks the order's index like any long list, each entry's id
    # tested against the matches: every id of "engagement" in the Inbox at a million leads took
    # 1.1 s on a new connection the other way (0.87 s again, each shown lead read for its date),
    # 0.46 s so (0.27 s again).
    steer = Steer.BY_ID if plan is not None and plan.by_id() else order_steer(session, flt,
                                                                                every=True)
    stmt = ordered(select(Submission.id).where(
        *conditions(flt, dialect_of(session), steer=steer, plan=plan)), flt)
    # In chunks: one fetchall of a million rows is a single C call that holds the GIL for
    # ~0.5 s, freezing the GUI thread while a worker loads the list.
    found: list[int] = []
    if dialect_of(session) == "sqlite":
        # The driver's own rows (plain tuples of ints): SQLAlchemy's row objects outlived the
        # collector's young passes in every chunk, so a million ids set off full collections
        # (7 of them, 0.5 s, up to 118 ms each, all holding the GIL) and took 3.3 s against 2.2.
        # The statement and its parameters still go through SQLAlchemy.
        result = session.connection().execute(stmt)
        try:
            while chunk := result.cursor.fetchmany(ID_CHUNK):
                found.extend(map(itemgetter(0), chunk))
        finally:
            result.close()
        return found
    # PostgreSQL's ids come through a server-side cursor as SQLAlchemy rows (the driver's own
    # cursor would skip SQLAlchemy's parameter handling): Core's, not the ORM's, which took twice
    # the CPU (0.62 s a million against 0.28, all of it holding the GIL the window waits for).
    # The young rows by the million set off ~160 full collections (~20 ms each, the window
    # frozen 100-950 ms at a time), so the collector is paused: reference counting frees them.
    with collector.paused():
        for chunk in session.connection().execute(
                stmt.execution_options(yield_per=ID_CHUNK)).scalars().partitions():
            found.extend(chunk)
    return found


def iterate(session: Session, flt: Filter, *, batch: int = 1000) -> Iterator[SubmissionRow]:
    """Every matching row in order, fetched in keyset batches: constant memory at any size."""
    flt = flt.with_(sort=Sort.RECEIVED) if flt.sort is not Sort.RECEIVED else flt
    cursor: Cursor | None = None
    while True:
        page = find(session, flt, limit=batch, after=cursor, with_total=False)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
