"""Spam and not-a-submission verdicts a person overrides: one status brings a lead back, the
override is remembered, undo hides it again; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import Submission
from tests.support.factories import make_submission


def row(db: Database, sid: int) -> Any:
    with db.session() as s:
        return s.execute(select(Submission).where(Submission.id == sid)).scalar_one()


def hidden(db: Database) -> int:
    with db.session() as s:
        return make_submission(s, is_submission=False,
                               not_submission_reason="no form fields found").id


def test_status_new_brings_back_a_message_called_not_a_submission(db: Database) -> None:
    sid = hidden(db)
    with db.session() as s:
        change = triage.set_status(s, sid, "new", actor="Ada")
    assert change.changed
    assert change.after["is_submission"] is True
    assert "brought back" in triage.describe_change(change.action, change.before, change.after)
    stored = row(db, sid)
    assert stored.is_submission
    assert (stored.verdict_by, stored.status_set_by) == ("Ada", "Ada")


def test_undo_hides_it_again(db: Database) -> None:
    sid = hidden(db)
    with db.session() as s:
        change = triage.set_status(s, sid, "new", actor="Ada")
    with db.session() as s:
        triage.undo(s, change, actor="Ada")
    stored = row(db, sid)
    assert not stored.is_submission
    assert stored.verdict_by is None


def test_marking_spam_and_back_is_a_verdict(db: Database) -> None:
    with db.session() as s:
        sid = make_submission(s).id
        triage.set_status(s, sid, "spam", actor="Ada")
    assert row(db, sid).verdict_by == "Ada"
    with db.session() as s:
        triage.set_status(s, sid, "new", actor="Bob")
    assert (row(db, sid).status, row(db, sid).verdict_by) == ("new", "Bob")


def test_an_ordinary_status_is_remembered_but_is_no_verdict(db: Database) -> None:
    with db.session() as s:
        sid = make_submission(s).id
        triage.set_status(s, sid, "done", actor="Ada")
    assert (row(db, sid).status_set_by, row(db, sid).verdict_by) == ("Ada", None)


def test_bulk_status_brings_back_hidden_messages_too(db: Database) -> None:
    ids = [hidden(db), hidden(db)]
    with db.session() as s:
        ids.append(make_submission(s).id)
        assert triage.bulk_set_status(s, ids, "open", actor="Ada").count == 3
    assert all(row(db, i).is_submission and row(db, i).status == "open" for i in ids)
    assert [row(db, i).verdict_by for i in ids] == ["Ada", "Ada", None]
