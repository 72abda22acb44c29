"""Versions and conflicts on their own: how long ago the last writer wrote, and what a conflict
says when the row or its history is gone. The triage actions that use them are in test_triage.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Submission
from leaddesk.errors import ConflictError, NotFoundError
from leaddesk.triage import versions
from tests.support.factories import make_submission

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "said"), [
    (0, "a moment ago"),
    (-30, "a moment ago"),  # a desktop whose clock runs ahead
    (89, "a moment ago"),
    (90, "2 minutes ago"),
    (150, "2 minutes ago"),
    (3599, "60 minutes ago"),
    (3600, "an hour ago"),
    (7199, "an hour ago"),
    (7200, "2 hours ago"),
    (86399, "23 hours ago"),
    (86400, "on 2026-03-01 at 12:00 UTC"),
])
def test_how_long_ago_on_both_sides_of_each_boundary(seconds: int, said: str) -> None:
    assert versions._ago(NOW - timedelta(seconds=seconds), NOW) == said


@pytest.fixture
def sid(db: Database) -> int:
    with db.session() as s:
        return make_submission(s).id


def test_a_conflict_without_history_still_says_what_to_do(db: Database, sid: int) -> None:
    with db.session() as s:
        s.execute(delete(AuditEvent))
        s.get(Submission, sid).version = 2  # type: ignore[union-attr]
    with pytest.raises(ConflictError) as info, db.session() as s:
        triage.set_status(s, sid, "done", actor="Bob", expected_version=1)
    assert str(info.value) == (f"submission {sid} was changed by someone else meanwhile; "
                               f"reload and try again")


def test_a_conflict_names_the_newest_writer(db: Database, sid: int) -> None:
    with db.session() as s:
        triage.set_status(s, sid, "open", actor="Ada")
    with db.session() as s:
        triage.set_status(s, sid, "waiting", actor="Cleo")
    with pytest.raises(ConflictError, match=r"changed by Cleo a moment ago \(status → waiting\)"), \
            db.session() as s:
        triage.set_status(s, sid, "done", actor="Bob", expected_version=2)


def test_a_row_deleted_meanwhile_is_not_found(db: Database, sid: int) -> None:
    with db.session() as s:
        s.execute(delete(Submission).where(Submission.id == sid))
    with pytest.raises(NotFoundError), db.session() as s:
        versions.bump_versions(s, [versions.VersionedWrite(sid, 1, {}, {})], {"status": "done"}, NOW)
    with db.session() as s:
        assert str(versions.conflict(s, sid)) == f"no submission {sid}; it was deleted meanwhile"


def test_a_bulk_conflict_names_the_stale_row_and_writes_nothing(db: Database) -> None:
    with db.session() as s:
        ids = [make_submission(s).id for _ in range(3)]
    with db.session() as s:
        triage.set_status(s, ids[1], "open", actor="Ada")
    planned = [versions.VersionedWrite(i, 1, {"status": "new"}, {"status": "done"}) for i in ids]
    with pytest.raises(ConflictError, match=f"submission {ids[1]} was changed by Ada"), \
            db.session() as s:
        versions.bump_versions(s, planned, {"status": "done"}, NOW)
    with db.session() as s:
        assert [s.get(Submission, i).version for i in ids] == [1, 2, 1]  # type: ignore[union-attr]


def test_bump_returns_each_rows_new_version(db: Database) -> None:
    with db.session() as s:
        ids = [make_submission(s).id for _ in range(2)]
    with db.session() as s:
        triage.set_status(s, ids[0], "open", actor="Ada")
    with db.session() as s:
        got = versions.bump_versions(s, [versions.VersionedWrite(ids[0], 2, {}, {}),
                                 versions.VersionedWrite(ids[1], 1, {}, {})], {"status": "done"}, NOW)
    assert got == {ids[0]: 3, ids[1]: 2}
    with db.session() as s:
        assert [s.get(Submission, i).status for i in ids] == ["done", "done"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("ids", "said"), [
    ([7], "no submission 7; "),
    ([1, 2, 3, 4, 5], "no submissions 1, 2, 3, 4, 5; "),
    ([1, 2, 3, 4, 5, 6], "no submissions 1, 2, 3, 4, 5, …; "),
])
def test_missing_ids_are_named_up_to_five(ids: list[int], said: str) -> None:
    assert str(versions._no_submission(ids)) == said + "`leaddesk list --all` shows the ids"


def test_a_conflict_names_this_rows_last_writer_only(db: Database, sid: int) -> None:
    with db.session() as s:
        other = make_submission(s).id
    with db.session() as s:
        triage.set_status(s, sid, "open", actor="Ada")
    with db.session() as s:
        triage.set_status(s, other, "done", actor="Cleo")  # another lead, later
        s.add(AuditEvent(actor="Zed", action="tag.create", entity="tag", entity_id=sid))
    with pytest.raises(ConflictError, match=r"changed by Ada a moment ago \(status → open\)"), \
            db.session() as s:
        triage.set_status(s, sid, "done", actor="Bob", expected_version=1)


def test_a_no_op_reports_what_it_found(db: Database, sid: int) -> None:
    with db.session() as s:
        change = triage.set_status(s, sid, "new", actor="Bob")
    assert (change.submission_id, change.action, change.before, change.after, change.version,
            change.changed) == (sid, "status", {"status": "new"}, {"status": "new"}, 1, False)


def test_a_bulk_change_records_its_events_at_the_rows_time(db: Database) -> None:
    with db.session() as s:
        ids = [make_submission(s).id for _ in range(2)]
    with db.session() as s:
        triage.bulk_set_status(s, ids, "done", actor="Ada")
    with db.session() as s:
        times = {s.get(Submission, i).updated_at for i in ids}  # type: ignore[union-attr]
        at = set(s.scalars(select(AuditEvent.at)))
    assert at == times
    assert len(at) == 1
