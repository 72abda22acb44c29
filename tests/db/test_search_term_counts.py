"""PostgreSQL's trigger-kept documents per search word (revision 0010) equal a count from the
documents themselves after every kind of write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from leaddesk import contacts, reparse, triage
from leaddesk.db import Database
from leaddesk.db.migrations.versions.r0010_search_term_counts import FILL
from leaddesk.db.models import Post, Submission
from leaddesk.triage import edits
from tests.support.correction_mail import spam
from tests.support.factories import make_contact, make_submission

pytestmark = pytest.mark.postgres

ACTOR = "tester"
KEPT = """SELECT term, is_submission, is_spam, sum(n) FROM submission_search_terms
          GROUP BY term, is_submission, is_spam HAVING sum(n) <> 0"""
PLAIN = FILL.split("INSERT INTO submission_search_terms (term, is_submission, is_spam, n)")[1]


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Database]:
    db = Database.open(postgres_url)
    yield db
    db.close()


def _rows(db: Database, sql: str) -> set[tuple[Any, ...]]:
    with db.session() as s:
        return {tuple(r) for r in s.execute(text(sql))}


def assert_exact(db: Database) -> None:
    kept = _rows(db, KEPT)
    assert kept == _rows(db, PLAIN)
    assert kept  # the documents hold words at all


def test_word_counts_follow_insert_triage_edit_merge_reparse_and_erase(pg: Database) -> None:
    with pg.session() as s:
        post = Post(url="https://blog.example/imi", title="Patient engagement at IMI")
        s.add(post)
        s.flush()
        zoe = make_contact(s, "zoe@pharma.example")
        other = make_contact(s, "zoe.m@home.example")
        ids = [make_submission(s, body_text=body, contact_id=zoe.id, post_id=post.id).id
               for body in ("Patient engagement in oncology", "Engagement budget", "Hello")]
        ids.append(make_submission(s, is_submission=False, status="done",
                                   contact_id=other.id).id)
        misread = make_submission(s, raw=spam(), parser_version=0, topic=None).id
    assert_exact(pg)  # insert
    with pg.session() as s:
        triage.set_status(s, ids[0], "open", actor=ACTOR)  # same kind: nothing moves
        triage.bulk_set_status(s, ids[1:3], "spam", actor=ACTOR)
        triage.set_status(s, ids[2], "new", actor=ACTOR)  # and back
    assert_exact(pg)  # status
    with pg.session() as s:
        edits.edit_submission(s, ids[0], {"name": "Zoë Müller", "company": "Novagen"},
                              actor=ACTOR)
        s.execute(text("UPDATE submissions SET is_submission = false, status = 'spam', "
                       "body_text = 'Cheap engagement pills' WHERE id = :i"), {"i": ids[1]})
    assert_exact(pg)  # edit, and kind and text changed in one statement
    with pg.session() as s:
        s.get(Post, post.id).title = "Speakers bureaus"  # type: ignore[union-attr]
    assert_exact(pg)  # a post's title is in its submissions' documents
    with pg.session() as s:
        contacts.merge_contacts(s, zoe.id, other.id, actor=ACTOR)
    assert_exact(pg)  # merge
    reparse.reparse(pg, ids=[misread])
    assert_exact(pg)  # reparse (the old reading was not spam)
    with pg.session() as s:
        s.delete(s.get(Submission, ids[3]))
        contacts.erase_contact(s, zoe.id, actor=ACTOR)
    assert_exact(pg)  # delete and erase


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
