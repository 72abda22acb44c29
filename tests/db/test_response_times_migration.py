"""Revision 0008 on a database with history: every lead's first answer is filled from the
outbound messages already stored (the earliest one), answers from the visitor never count, and
the team's settings table starts empty."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, select, text

from leaddesk.db import Database, migrate
from leaddesk.db.models import Submission, TeamSetting
from tests.support.migrations import revision_before


def test_first_answers_are_backfilled(empty_url: str) -> None:
    engine = create_engine(empty_url)
    with engine.begin() as conn:
        command.upgrade(migrate.alembic_config(conn), revision_before("0008"))
        for n in (1, 2, 3):
            conn.execute(text(
                "INSERT INTO submissions (id, source_key, received_at, fields, status, version, "
                "problems, is_submission, created_at, updated_at) VALUES (:n, :key, "
                "'2026-03-02 09:00:00', '{}', 'open', 1, '[]', :t, '2026-03-02 09:00:00', "
                "'2026-03-02 09:00:00')"), {"n": n, "key": f"k:{n}", "t": True})
        # Lead 1: two replies, stored newest first; lead 2: only the visitor's answer; 3: none.
        for lead, direction, sent, mid in ((1, "out", "2026-03-03 15:00:00", "<b@x>"),
                                           (1, "out", "2026-03-02 11:30:00", "<a@x>"),
                                           (1, "in", "2026-03-02 10:00:00", "<v@x>"),
                                           (2, "in", "2026-03-02 10:00:00", "<w@x>")):
            conn.execute(text(
                "INSERT INTO messages (submission_id, direction, sent_at, body_text, message_id, "
                "created_at) VALUES (:lead, :direction, :sent, '', :mid, :sent)"),
                {"lead": lead, "direction": direction, "sent": sent, "mid": mid})
    engine.dispose()
    db = Database.open(empty_url)
    try:
        with db.session() as s:
            found = dict(s.execute(select(Submission.id, Submission.first_answered_at)).all())
            assert found == {1: datetime(2026, 3, 2, 11, 30, tzinfo=UTC), 2: None, 3: None}
            assert s.execute(select(TeamSetting)).first() is None
    finally:
        db.close()
