"""PostgreSQL's trigger-kept documents per search word (revision 0010): a writer never waits for
another's counts row, and a transaction's changes are applied once, at commit. That they equal
a count from the documents after every kind of write is checked in test_facet_counts.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from leaddesk.db import Database
from tests.support.factories import make_submission
from tests.support.kept_counts import assert_exact

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    db = Database.open(postgres_url)
    yield db
    db.close()


def test_a_writer_never_waits_for_another_writers_counts_row(pg: Database) -> None:
    with pg.session() as s:
        make_submission(s, body_text="Patient engagement")
    with pg.engine.connect() as other, Session(pg.engine) as writer:
        # Another transaction holds the row of "engagement" (as while applying its own changes
        # at commit). Without SKIP LOCKED the writer's commit waits for it; the timeout turns a
        # wait into a failure.
        other.execute(text("SELECT id FROM submission_search_terms "
                           "WHERE term = 'engagement' FOR UPDATE"))
        writer.execute(text("SET lock_timeout = '3s'"))
        make_submission(writer, body_text="More engagement")
        writer.commit()
        other.rollback()
    assert_exact(pg)
    with pg.session() as s:
        rows = s.execute(text("SELECT count(*), sum(n) FROM submission_search_terms "
                              "WHERE term = 'engagement'")).one()
    assert tuple(rows) == (2, 2)  # a second row for the second writer, summed by readers


def test_a_transaction_applies_its_changes_once_at_commit(pg: Database) -> None:
    with pg.session() as s:
        for _ in range(3):
            make_submission(s, body_text="Patient engagement")
        noted = s.execute(text("SELECT count(*) FROM submission_search_term_changes "
                               "WHERE term = 'engagement'")).scalar_one()
        assert noted == 3  # noted, not yet applied
    assert_exact(pg)
    with pg.session() as s:
        left = s.execute(text("SELECT (SELECT count(*) FROM submission_search_term_changes) + "
                              "(SELECT count(*) FROM submission_search_term_marks)")).scalar_one()
        rows = s.execute(text("SELECT count(*), sum(n) FROM submission_search_terms "
                              "WHERE term = 'engagement'")).one()
    assert left == 0
    assert tuple(rows) == (1, 3)  # one row, updated once
