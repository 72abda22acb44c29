"""insert_rows with ``shared``: value objects many rows hold are converted once, and every row
stores what a Core insert stores (the multi-row path itself is tested with the store, in
tests/ingest/test_store.py); insert_tag_links: the counts stay exact, the trigger's pause never
outlives the call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.db import Database
from leaddesk.db.bulk import insert_rows, insert_tag_links
from leaddesk.db.models import AuditEvent, Submission, submission_tags, tag_facet_counts_paused
from tests.support.factories import make_submission
from tests.support.kept_counts import assert_exact

EVENTS = cast(Table, AuditEvent.__table__)


def _events(entity: str) -> list[dict[str, Any]]:
    at, same_time = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)
    before: dict[str, list[str]] = {"tags": []}
    after = {"tags": ["hot"]}
    rows = [
        (at, before, after),  # then the same objects again
        (at, before, after),
        (same_time, {"tags": []}, {"tags": ["hot"]}),  # equal, not the same objects
        (at + timedelta(hours=1), after, {"tags": ["hot", "weekend"]}),  # swapped places
        (at, None, {"assignee": "Anna"}),
        (at, before, after),
    ]
    return [{"at": when, "actor": "rule: x", "action": "tag.add", "entity": entity,
             "entity_id": n, "before": b, "after": a} for n, (when, b, a) in enumerate(rows)]


def _stored(db: Database, entity: str) -> list[tuple[Any, ...]]:
    with db.session() as s:
        return [tuple(r) for r in s.execute(
            select(EVENTS.c.entity_id, EVENTS.c.at, EVENTS.c.before, EVENTS.c.after)
            .where(EVENTS.c.entity == entity).order_by(EVENTS.c.entity_id))]


def test_shared_values_store_what_a_core_insert_stores(db: Database) -> None:
    with db.sessions.begin() as s:
        insert_rows(s, EVENTS, _events("shared"), shared=True)
        insert_rows(s, EVENTS, _events("each"))
        s.execute(insert(EVENTS), _events("core"))
    core = _stored(db, "core")
    assert _stored(db, "shared") == core == _stored(db, "each")
    assert [r[3] for r in core][3:5] == [{"tags": ["hot", "weekend"]}, {"assignee": "Anna"}]
    assert [r[2] for r in core][3:5] == [{"tags": ["hot"]}, None]


# ------------------------------------------------------------------ tag links with their counts

def _paused(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(tag_facet_counts_paused)) or 0)


def _links(s: Session, wanted: list[tuple[int, int]]) -> list[tuple[int, int, bool, str]]:
    state = {sid: (bool(shown), status) for sid, shown, status in s.execute(
        select(Submission.id, Submission.is_submission, Submission.status))}
    return [(sid, tag, *state[sid]) for sid, tag in wanted]


def test_tag_links_in_bulk_leave_the_counts_the_trigger_would(db: Database) -> None:
    with db.session() as s:
        new, spam, hidden, done = (make_submission(s).id, make_submission(s, status="spam").id,
                                   make_submission(s, is_submission=False).id,
                                   make_submission(s, status="done").id)
        hot, cold = triage.create_tag(s, "hot", actor="t").id, triage.create_tag(
            s, "cold", actor="t").id
        triage.add_tag(s, done, "cold", actor="t")  # a group that has a counts row already
    assert_exact(db)
    with db.session() as s:
        insert_tag_links(s, _links(s, [(new, hot), (spam, hot), (hidden, hot), (new, cold),
                                       (hidden, cold), (spam, cold)]), writer="test")
    assert_exact(db)
    assert _paused(db) == 0
    with db.session() as s:  # links anyone else adds are counted by the trigger again
        triage.add_tag(s, done, "hot", actor="t")
        triage.remove_tag(s, new, "cold", actor="t")
    assert_exact(db)


def test_a_refused_bulk_of_links_takes_its_pause_back_with_it(db: Database) -> None:
    with db.session() as s:
        first, second, third = (make_submission(s).id for _ in range(3))
        hot = triage.create_tag(s, "hot", actor="t").id
        triage.add_tag(s, first, "hot", actor="t")
    with db.session() as s:
        with pytest.raises(IntegrityError):  # the first lead has the tag already
            insert_tag_links(s, _links(s, [(second, hot), (first, hot)]), writer="test")
        # The same transaction goes on: a link added now is counted by the trigger.
        triage.add_tag(s, third, "hot", actor="t")
    assert_exact(db)
    assert _paused(db) == 0
    with db.session() as s:
        assert sorted(s.scalars(select(submission_tags.c.submission_id))) == [first, third]


# ------------------------------------------------------------------ datetimes converted fast

def test_fast_datetimes_store_the_text_sqlalchemy_would(db: Database) -> None:
    """insert_rows converts UTC datetimes on SQLite without SQLAlchemy's processor: the text must
    be the processor's for every kind of value, a naive one is refused the same way, and a value
    met again (by identity) is not mistaken for another."""
    from sqlalchemy.dialects import sqlite

    from leaddesk.db.bulk import _sqlite_processor
    dialect = sqlite.dialect()
    column = EVENTS.c.at
    slow = column.type._cached_bind_processor(dialect)
    fast = _sqlite_processor(column, dialect, {})
    assert slow is not None
    assert fast is not None
    assert fast is not slow
    plus_two = timezone(timedelta(hours=2))
    minus = timezone(-timedelta(hours=9, minutes=30))
    values = [None, datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 9, 0, 0, 1, UTC),
              datetime(2026, 12, 31, 23, 59, 59, 999_999, UTC),
              datetime(2026, 3, 2, 1, 30, tzinfo=plus_two),  # the day before in UTC
              datetime(2026, 12, 31, 20, 0, 0, 123_400, minus),  # the year after in UTC
              datetime(1, 1, 1, 12, tzinfo=UTC), datetime(999, 5, 6, 7, 8, 9, 10, UTC),
              datetime(9999, 12, 31, 23, 59, 59, 999_999, UTC), datetime.now(UTC)]
    for value in [*values, *values]:  # each a second time: from the conversions kept
        assert fast(value) == slow(value)
    naive = datetime(2026, 3, 2, 9)
    with pytest.raises(ValueError, match="naive datetime"):
        slow(naive)
    with pytest.raises(ValueError, match="naive datetime"):
        fast(naive)


def test_fast_datetimes_go_in_with_their_rows(db: Database) -> None:
    """The same datetime object in many rows and columns, and equal ones that are not the same
    object, are stored as a Core insert stores them."""
    if db.dialect != "sqlite":
        pytest.skip("the fast conversion is SQLite's; elsewhere insert_rows is the Core insert")
    at, now = datetime(2026, 3, 2, 9, 15, tzinfo=timezone(timedelta(hours=1))), datetime.now(UTC)
    rows = [{"at": value, "actor": "t", "action": "x", "entity": entity, "entity_id": n,
             "before": None, "after": None}
            for entity in ("bulk", "core")
            for n, value in enumerate([at, at, at + timedelta(0), now, at, now])]
    with db.sessions.begin() as s:
        insert_rows(s, EVENTS, [r for r in rows if r["entity"] == "bulk"])
        s.execute(insert(EVENTS), [r for r in rows if r["entity"] == "core"])
    with db.engine.connect() as conn:
        stored = {entity: conn.exec_driver_sql(
            "SELECT entity_id, typeof(at), at FROM audit_events WHERE entity = ? "
            "ORDER BY entity_id", (entity,)).all() for entity in ("bulk", "core")}
    assert stored["bulk"] == stored["core"]
    assert stored["bulk"][0][1:] == ("text", "2026-03-02 08:15:00.000000")


# ------------------------------------------------------------------ rows by many keys

SUBMISSIONS = cast(Table, Submission.__table__)
KEYS = (SUBMISSIONS.c.source_key, SUBMISSIONS.c.message_id, SUBMISSIONS.c.content_hash)


def _core(s: Session, among: list[tuple[Any, list[Any]]]) -> set[tuple[Any, ...]]:
    from sqlalchemy import or_
    return {tuple(r) for r in s.execute(select(*KEYS, SUBMISSIONS.c.id).where(
        or_(*(column.in_(values) for column, values in among))))}


def test_rows_among_finds_what_the_core_select_finds(db: Database,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Every row holding any of the keys, each once (a row found by two of its keys too), the
    same as SQLAlchemy's select; also when the keys are more than one statement may bind."""
    from leaddesk.db import bulk
    from leaddesk.db.bulk import rows_among
    with db.session() as s:
        made = [make_submission(s, source_key=f"file:{n}", message_id=f"<{n}@zoë.example>",
                                content_hash=f"{n:064x}" if n % 2 else None) for n in range(12)]
        keys = [f"file:{n}" for n in (0, 1, 2, 99)]
        mids = ["<2@zoë.example>", "<5@zoë.example>", "<5@zoë.example>", "<nowhere>"]
        hashes = [f"{n:064x}" for n in (1, 7, 9, 4)]
        among = [(KEYS[0], keys), (KEYS[1], mids), (KEYS[2], hashes)]
        expected = _core(s, among)
        assert {m.id for m in made if m.source_key in ("file:0", "file:1", "file:2", "file:5",
                                                       "file:7", "file:9")} == {
            row[3] for row in expected}
        found = rows_among(s, (*KEYS, SUBMISSIONS.c.id), among)
        assert len(found) == len(set(found))
        assert set(found) == expected
        monkeypatch.setattr(bulk, "SQLITE_VALUES_PARAMETERS", 3)  # a statement per slice
        found = rows_among(s, (*KEYS, SUBMISSIONS.c.id), among)
        assert len(found) == len(set(found))
        assert set(found) == expected
        assert rows_among(s, KEYS, [(KEYS[0], []), (KEYS[1], [])]) == []
        assert rows_among(s, KEYS, [(KEYS[0], ["file:none"])]) == []


def test_rows_among_converts_what_needs_converting(db: Database) -> None:
    """A column whose values SQLAlchemy converts (a UTC datetime) comes back converted."""
    from leaddesk.db.bulk import rows_among
    with db.session() as s:
        made = make_submission(s, source_key="file:dated")
        [(key, received)] = rows_among(s, (SUBMISSIONS.c.source_key, SUBMISSIONS.c.received_at),
                                       [(SUBMISSIONS.c.source_key, ["file:dated"])])
    assert key == "file:dated"
    assert isinstance(received, datetime)
    assert received == made.received_at
