"""A database restart during a write: the action is retried and saved once, or reported as not
saved; the change feed reconnects. Against a real PostgreSQL server that the test restarts."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.changes import EVERYTHING, Change
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Note
from leaddesk.errors import ConflictError, DatabaseUnavailableError
from leaddesk.team.changes import FeedState, open_feed
from leaddesk.team.resilience import run_with_retry
from tests.support.factories import make_member, make_submission
from tests.support.postgres import PostgresServer

pytestmark = pytest.mark.postgres


@pytest.fixture
def lead(restartable_db: Database) -> int:
    with restartable_db.session() as s:
        make_member(s, "Ada")
        return make_submission(s).id


def _audit_count(db: Database, submission_id: int) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.entity_id == submission_id)) or 0)


def test_server_restarted_during_a_write_retries_and_saves_once(
        restartable_pg: PostgresServer, restartable_db: Database, lead: int) -> None:
    db = restartable_db
    first = threading.Event()
    retries: list[str] = []

    def work(session: Session) -> triage.Edit:
        change = triage.set_status(session, lead, "done", actor="Ada", expected_version=1)
        if not first.is_set():
            first.set()
            restartable_pg.restart()  # the UPDATE is sent, not committed: the server goes away
        return change

    change = run_with_retry(db, work, what="status → done",
                            verify=lambda s, c: triage.was_saved(s, c, actor="Ada"),
                            on_retry=lambda n, reason: retries.append(reason))
    assert retries, "the restart was noticed and retried"
    assert change.version == 2
    with db.session() as s:
        assert triage.read_current(s, lead).status == "done"
    assert _audit_count(db, lead) == 1  # saved exactly once


def test_a_note_whose_commit_answer_was_lost_is_not_added_twice(
        restartable_db: Database, lead: int) -> None:
    """The commit went through but the answer was lost: verify finds it, nothing runs again."""
    db = restartable_db
    calls: list[int] = []

    def work(session: Session) -> triage.Edit:
        calls.append(1)
        return triage.add_note(session, lead, "Called back, wants a quote", actor="Ada")

    real_attempt = run_with_retry.__globals__["_attempt"]
    lost = run_with_retry.__globals__["_Lost"]

    def committed_then_cut(database: Database, fn: object) -> triage.Edit:
        result = real_attempt(database, fn)
        if len(calls) == 1:
            raise lost("server closed the connection unexpectedly", True, result)
        return result  # type: ignore[no-any-return]

    run_with_retry.__globals__["_attempt"] = committed_then_cut
    try:
        change = run_with_retry(db, work, verify=lambda s, c: triage.was_saved(s, c, actor="Ada"))
    finally:
        run_with_retry.__globals__["_attempt"] = real_attempt
    assert len(calls) == 1
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Note)) == 1
    assert change.after["note_id"] is not None


def test_a_write_while_the_server_stays_down_is_reported_as_not_saved(
        restartable_pg: PostgresServer, restartable_db: Database, lead: int) -> None:
    db = restartable_db
    restartable_pg.stop("fast")
    try:
        with pytest.raises(DatabaseUnavailableError, match="NOT saved"):
            run_with_retry(db, lambda s: triage.set_status(s, lead, "done", actor="Ada"),
                           what="status → done", retry_seconds=2)
    finally:
        restartable_pg.start()
    with db.session() as s:  # and it really was not saved
        assert triage.read_current(s, lead).status == "new"


def test_conflicts_are_not_retried(restartable_db: Database, lead: int) -> None:
    with restartable_db.session() as s:
        triage.set_status(s, lead, "waiting", actor="Bob")
    with pytest.raises(ConflictError, match="changed by Bob"):
        run_with_retry(restartable_db, lambda s: triage.set_status(
            s, lead, "done", actor="Ada", expected_version=1))


@pytest.fixture
def feed_states(restartable_db: Database) -> Iterator[tuple[list[FeedState], list[Change],
                                                           threading.Event]]:
    feed = open_feed(restartable_db)
    assert feed is not None
    feed.poll_seconds = 0.2
    feed.backoff_seconds = (0.2,)
    states: list[FeedState] = []
    changes: list[Change] = []
    back = threading.Event()
    first = threading.Event()

    def on_state(state: FeedState, reason: str) -> None:
        states.append(state)
        first.set()

    def on_changes(batch: list[Change]) -> None:
        changes.extend(batch)
        if EVERYTHING in batch:
            back.set()

    stop = threading.Event()
    thread = threading.Thread(target=feed.run, args=(on_changes, on_state, stop), daemon=True)
    thread.start()
    assert first.wait(10)
    assert states == [FeedState.CONNECTED]
    yield states, changes, back
    stop.set()
    thread.join(10)


def test_the_change_feed_reconnects_after_a_restart(
        restartable_pg: PostgresServer, restartable_db: Database, lead: int,
        feed_states: tuple[list[FeedState], list[Change], threading.Event]) -> None:
    states, _changes, back = feed_states
    restartable_pg.restart()
    assert back.wait(30), states  # the UI refreshes everything after the gap
    assert states[:2] == [FeedState.CONNECTED, FeedState.RECONNECTING]
    assert states[-1] is FeedState.CONNECTED
