"""PostgreSQL's compiled counts: compiled once per filter, and never one filter's statement
answering for another (the key names every value the statement holds)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from sqlalchemy import Select, select

from leaddesk import query
from leaddesk.db import Database
from leaddesk.query import Filter, pg_sql
from tests.query.test_counts import _by_hand
from tests.support.factories import make_member, make_submission

pytestmark = pytest.mark.postgres

BASE = Filter(statuses=("new", "open"), topics=("Speakers bureaus",), assignees=("Ada",))
# Each differs from BASE in one value that the kept total's statement holds.
NEIGHBOURS = [
    replace(BASE, statuses=("new",)), replace(BASE, statuses=()),
    replace(BASE, statuses=(), include_spam=True),
    replace(BASE, include_non_submissions=True),
    replace(BASE, topics=("Patient engagement",)), replace(BASE, topics=(None,)),
    replace(BASE, assignees=("Bo",)), replace(BASE, assignees=(None,)),
]


def test_filters_that_differ_in_one_value_get_their_own_counts(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            owners = (None, make_member(s, "Ada").id, make_member(s, "Bo").id)
            # 1-6 rows per (status, topic, owner, is a submission) group, so that each
            # neighbour's count differs from BASE's.
            for (a, status), (b, topic), (c, owner), (d, is_submission) in itertools.product(
                    enumerate(("new", "open", "done", "spam")),
                    enumerate(("Speakers bureaus", "Patient engagement", None)),
                    enumerate(owners), enumerate((True, False))):
                for _ in range(1 + a + b + c + d):
                    make_submission(s, status=status, topic=topic, assignee_id=owner,
                                    is_submission=is_submission)
        expected = {flt: _by_hand(db, flt) for flt in (BASE, *NEIGHBOURS)}
        # The data tells each neighbour from BASE, so a statement answering for the wrong one fails.
        assert all(expected[flt] != expected[BASE] for flt in NEIGHBOURS), expected
        with db.reading() as s:  # one session: every statement compiled and cached in turn
            got = {flt: query.count(s, flt) for flt in (BASE, *NEIGHBOURS, BASE)}
        assert got == expected
    finally:
        db.close()


def test_a_statement_is_compiled_once(postgres_url: str) -> None:
    built: list[int] = []

    def build() -> Select[tuple[int]]:
        built.append(1)
        return select(1)
    db = Database.open(postgres_url)
    try:
        with db.reading() as s:
            assert [pg_sql.scalar(s, ("test", "once"), build) for _ in range(3)] == [1, 1, 1]
        assert len(built) == 1
    finally:
        db.close()
