"""Lists in another order than received: which filters a walk of the sort's index may serve
(:func:`~leaddesk.query.filters.walk_covers`), when a page or a whole list walks it
(:func:`~leaddesk.query.pages.order_steer`), and what SQLite then does with the statement.

The answers themselves are compared with plain SQL in ``test_plans.py``; here the plan is the
point: a list of a million leads sorted by name that reads every row took 1-23 s, and a walk
that must read each entry's row in name order took 28 s for the "Needs reply" view.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.query import pages, rows
from leaddesk.query.filters import WALKED_SORTS, Steer, conditions, walk_covers
from leaddesk.query.spec import Filter, Sort

INBOX = Filter(statuses=("new", "open"))
NEEDS_REPLY = Filter(statuses=("new", "open", "waiting"), needs_reply=True)




@pytest.fixture
def walk_from(monkeypatch: pytest.MonkeyPatch) -> int:
    """A walk from 50 rows, so that the Inbox of these few hundred walks and one owner's does not."""
    monkeypatch.setattr(pages, "WALK_FROM", 50)
    return 50


def _plan(generated_db: Database, session: Session, flt: Filter, steer: Steer) -> str:
    statement = pages.ordered(select(Submission.id).where(*conditions(flt, "sqlite", steer=steer)),
                              flt)
    sql = str(statement.compile(generated_db.engine, compile_kwargs={"literal_binds": True}))
    return " | ".join(row[-1] for row in session.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {sql}"))


@pytest.mark.parametrize(("flt", "covered"), [
    (INBOX.with_(sort=Sort.NAME), True),
    (Filter(sort=Sort.NAME, topics=("Market access", None), assignees=("Anja Becker", None)),
     True),
    (Filter(sort=Sort.NAME, include_spam=True, include_non_submissions=True), True),
    (INBOX, True),
    (INBOX.with_(received_from=datetime(2025, 1, 1, tzinfo=UTC)), True),
    (INBOX.with_(assignees=("Anja Becker",)), True),
    # The received-date index has no owner column: two owners are read row by row.
    (INBOX.with_(assignees=("Anja Becker", None)), False),
    # The name index has no date: a range of dates is read row by row.
    (INBOX.with_(sort=Sort.NAME, received_from=datetime(2025, 1, 1, tzinfo=UTC)), False),
    (NEEDS_REPLY.with_(sort=Sort.NAME), False),
    (NEEDS_REPLY, False),
    (Filter(sort=Sort.NAME, tags=("hot",)), False),
    # A search tests each entry's id against the word's matches, no row.
    (Filter(sort=Sort.NAME, text="oncology"), True),
    (INBOX.with_(text="engagement"), True),
    (Filter(sort=Sort.NAME, unread=True), False),
    (Filter(sort=Sort.NAME, contact_id=3), False),
    (Filter(sort=Sort.NAME, accounts=("info@ mailbox",)), False),
    (Filter(sort=Sort.NAME, replied=False), False),
    (Filter(sort=Sort.NAME, overdue=True), False),
    (Filter(sort=Sort.NAME, ids=(1, 2)), False),
    # No index holds these orders.
    (INBOX.with_(sort=Sort.TOPIC), False),
    (INBOX.with_(sort=Sort.EMAIL), False),
])
def test_a_walk_covers_only_the_conditions_its_index_holds(flt: Filter, covered: bool) -> None:
    assert walk_covers(flt) is covered


def test_many_rows_walk_and_few_are_sorted(generated_db: Database, walk_from: int) -> None:
    mine = INBOX.with_(sort=Sort.NAME, assignees=("Anja Becker",), topics=("Market access",))
    with generated_db.session() as session:
        assert query.count(session, INBOX) >= walk_from > query.count(session, mine)
        assert pages.order_steer(session, INBOX.with_(sort=Sort.NAME), every=True) is Steer.ORDERED
        assert pages.order_steer(session, INBOX, every=True) is Steer.ORDERED
        assert pages.order_steer(session, mine, every=True) is Steer.FREE
        assert pages.order_steer(session, mine, every=False) is Steer.FREE
        # A page stops at its end, so it walks even where each entry's row must be read; the
        # whole list then reads the filter's own index and sorts.
        assert pages.order_steer(session, NEEDS_REPLY.with_(sort=Sort.NAME), every=False) \
            is Steer.ORDERED
        assert pages.order_steer(session, NEEDS_REPLY.with_(sort=Sort.NAME), every=True) \
            is Steer.FREE
        # Topic and status have no index in their order: always sorted.
        assert pages.order_steer(session, INBOX.with_(sort=Sort.TOPIC), every=False) is Steer.FREE


@pytest.mark.parametrize("flt", [
    INBOX.with_(sort=Sort.NAME), INBOX.with_(sort=Sort.NAME, descending=False),
    Filter(sort=Sort.NAME), Filter(sort=Sort.NAME, statuses=("spam",)),
    Filter(sort=Sort.NAME, statuses=("new", "open", "waiting"), assignees=(None,)),
    Filter(sort=Sort.NAME, statuses=("new", "open", "waiting"), assignees=("Anja Becker",)),
    Filter(sort=Sort.NAME, include_spam=True, include_non_submissions=True),
    INBOX, Filter(), Filter(statuses=("new", "open", "waiting"), assignees=("Anja Becker",)),
], ids=lambda flt: f"{flt.sort}-{'+'.join(map(str, flt.statuses)) or 'all'}-"
                   f"{'+'.join(map(str, flt.assignees)) or 'anyone'}-{flt.descending}")
def test_a_covered_walk_reads_one_index_in_order(generated_db: Database, flt: Filter) -> None:
    with generated_db.session() as session:
        plan = _plan(generated_db, session, flt, Steer.ORDERED)
    assert "COVERING INDEX" in plan
    assert "TEMP B-TREE" not in plan
    if flt.sort is not Sort.RECEIVED:
        assert WALKED_SORTS[flt.sort] in plan


def test_the_name_index_serves_both_directions_with_its_order(generated_db: Database) -> None:
    with generated_db.session() as session:
        for descending in (True, False):
            flt = Filter(sort=Sort.NAME, descending=descending)
            ids = query.ids(session, flt)
            names = dict(session.execute(select(Submission.id, Submission.visitor_name)).all())
            keys = [((names[i] or ""), i) for i in ids]
            assert keys == sorted(keys, reverse=descending)
            page = query.find(session, flt, limit=20, offset=10, with_total=False)
            assert [row.id for row in page.rows] == ids[10:30]


def test_other_orders_read_a_page_of_ids_before_the_rows(generated_db: Database,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Sorting whole rows (their message text and raw mail) took 2.1 s for the Inbox by topic at
    # a million leads; sorting ids over the facets index 0.1 s. The rows are read by id after.
    asked: list[int] = []
    real = rows.rows_by_ids

    def rows_by_ids(session: Session, ids: list[int]) -> object:
        asked.extend(ids)
        return real(session, ids)
    monkeypatch.setattr(pages, "rows_by_ids", rows_by_ids)
    with generated_db.session() as session:
        flt = INBOX.with_(sort=Sort.TOPIC)
        page = query.find(session, flt, limit=25, offset=5)
        assert [row.id for row in page.rows] == asked == query.ids(session, flt)[5:30]
        assert page.total == query.count(session, flt)
