"""Which lead a mail belongs to: the look-ups' answers, and their plans at scale on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Select

from leaddesk.conversations import headers, threads
from leaddesk.db import Database
from tests.conversations.test_ingest import lead_with_reply, put
from tests.support.conversation import answer


def test_mail_naming_a_hidden_mail_does_not_join_it(db: Database) -> None:
    auto_reply = answer(1, to_message=None).replace(
        b"MIME-Version", b"Auto-Submitted: auto-replied\r\nMIME-Version", 1)
    assert put(db, auto_reply, "k:1").added == 1   # kept, hidden: not a form submission
    result = put(db, answer(2, to_message="<answer-1@example.net>"), "k:2")
    assert (result.added, result.threaded) == (1, 0)


def test_mail_to_a_visitor_whose_only_lead_is_spam_is_not_theirs(db: Database) -> None:
    lead_with_reply(db, status="spam")
    later = headers.read(b"To: nadia@example.net\r\nDate: Wed, 4 Mar 2026 10:00:00 +0000\r\n\r\n")
    with db.session() as s:
        assert threads.by_recipient(s, [later]) == {}


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = Database.open(sqlite_url)
    yield database
    database.close()


def _plan(db: Database, statement: Select[object]) -> str:
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        return " ".join(row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))


@pytest.mark.parametrize(("statement", "index"), [
    (threads.notifications_named(["<a@example.net>", "<b@example.net>"]),
     "ix_submissions_message_id"),
    (threads.leads_of_contacts([1, 2, 3]), "ix_submissions_contact_received"),
])
def test_each_batch_looks_its_ids_up_instead_of_walking_every_submission(
        sqlite_db: Database, statement: Select[object], index: str) -> None:
    # With the kind or status in the WHERE, SQLite took the facets index (every submission) for
    # each batch: an import's batches grew slower with every one before them.
    plan = _plan(sqlite_db, statement)
    assert index in plan
    assert "ix_submissions_facets" not in plan
