"""PostgreSQL's trigger-kept documents per search word (revision 0010): a writer never waits for
another's counts row, a transaction's changes are applied once, at commit, and the upgrade counts
the documents already stored. That they equal a count from the documents after every kind of
write is checked in test_facet_counts.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.db import Database, migrate
from tests.support.factories import make_submission
from tests.support.kept_counts import assert_exact
from tests.support.migrations import revision_before

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


def test_no_topic_and_an_empty_topic_are_kept_apart(pg: Database) -> None:
    # Revision 0013 finds a group's row through COALESCE(topic, ''): an empty topic and no topic
    # share an index key, and only the exact comparison tells their rows apart.
    for topic in (None, "", None, ""):
        with pg.session() as s:
            make_submission(s, body_text="Patient engagement", topic=topic)
    assert_exact(pg)
    with pg.session() as s:
        kept = s.execute(text("SELECT topic, sum(n) FROM submission_search_terms "
                              "WHERE term = 'engagement' GROUP BY topic ORDER BY topic")).all()
    assert [tuple(r) for r in kept] == [("", 2), (None, 2)]

def test_the_upgrade_counts_the_documents_already_stored(empty_postgres_url: str) -> None:
    engine = create_engine(empty_postgres_url)
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), revision_before("0010"))
        for n, (body, status) in enumerate((("Patient engagement", "new"), ("Engaged", "spam"),
                                            ("Engagement budget", "done"))):
            conn.execute(text(
                "INSERT INTO submissions (id, source_key, received_at, fields, status, version, "
                "problems, is_submission, created_at, updated_at, body_text) VALUES (:n, :key, "
                "'2026-03-02 09:00:00', '{}', :status, 1, '[]', true, '2026-03-02 09:00:00', "
                "'2026-03-02 09:00:00', :body)"), {"n": n, "key": f"k:{n}", "status": status,
                                                    "body": body})
    engine.dispose()
    db = Database.open(empty_postgres_url)
    try:
        assert_exact(db)
        with db.session() as s:
            assert query.count(s, query.Filter(text="engagement")) == 2
            assert query.count(s, query.Filter(text="engagement", statuses=("done",))) == 1
            assert query.count(s, query.Filter(text="engaged", include_spam=True)) == 1
    finally:
        db.close()
