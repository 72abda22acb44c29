"""Revision 0005 on a database with history: sent replies become their leads' outbound
messages, and counts, last contact and "needs reply" are right from the first start."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, select, text

from leaddesk import query
from leaddesk.db import Database, migrate
from leaddesk.db.models import Message
from tests.support.migrations import revision_before


def test_sent_replies_join_the_conversation(empty_url: str) -> None:
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), revision_before("0005"))
        for n in (1, 2):
            conn.execute(text(
                "INSERT INTO submissions (id, source_key, received_at, fields, status, version, "
                "problems, is_submission, created_at, updated_at) VALUES (:n, :key, "
                "'2026-03-02 09:00:00', '{}', 'waiting', 1, '[]', :t, '2026-03-02 09:00:00', "
                "'2026-03-02 09:00:00')"), {"n": n, "key": f"k:{n}", "t": True})
        conn.execute(text(
            "INSERT INTO replies (submission_id, author, message_id, to_addrs, subject, body, "
            "state, sent_at, created_at) VALUES (1, 'Ada', '<r1@x>', 'v@example.net', 'Re: hi', "
            "'Thanks', 'sent', '2026-03-03 10:00:00', '2026-03-03 10:00:00'), (1, 'Ada', NULL, "
            "'v@example.net', 'Re: hi', 'draft text', 'draft', NULL, '2026-03-04 10:00:00')"))
    engine.dispose()
    db = Database.open(empty_url)
    try:
        with db.session() as s:
            (message,) = s.execute(select(Message)).scalars()
            assert (message.submission_id, message.direction, message.message_id,
                    message.body_text, message.author) == (1, "out", "<r1@x>", "Thanks", "Ada")
            rows = {r.id: r for r in query.rows_by_ids(s, [1, 2])}
            assert (rows[1].message_count, rows[1].needs_reply) == (2, False)
            assert rows[1].last_contact == message.sent_at
            assert (rows[2].message_count, rows[2].needs_reply, rows[2].unread) == (1, True, False)
            assert rows[2].last_contact == rows[2].received_at
    finally:
        db.close()
