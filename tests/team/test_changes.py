"""Change feeds against real databases: a change committed by one desktop reaches another."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from leaddesk import response_times, triage
from leaddesk.business_hours import BusinessHours
from leaddesk.changes import CREATED, EVERYTHING, Change, Kind
from leaddesk.db import Database
from leaddesk.team import presence
from leaddesk.team.changes import (
    ChangeFeed,
    FeedLost,
    FeedState,
    open_feed,
    parse_notification,
)
from tests.support.factories import make_submission


class Collected:
    def __init__(self) -> None:
        self.changes: queue.Queue[Change] = queue.Queue()
        self.states: list[FeedState] = []
        self.connected = threading.Event()

    def on_changes(self, changes: list[Change]) -> None:
        for change in changes:
            self.changes.put(change)

    def on_state(self, state: FeedState, reason: str) -> None:
        self.states.append(state)
        if state is FeedState.CONNECTED:
            self.connected.set()

    def next_matching(self, kind: str, timeout: float = 10.0) -> Change:
        while True:
            change = self.changes.get(timeout=timeout)
            if change.kind == kind:
                return change


@contextmanager
def feed_of(desktop: Database) -> Iterator[Collected]:
    """The change feed of ``desktop``, running in a thread as the UI runs it."""
    feed = open_feed(desktop)
    assert feed is not None
    feed.poll_seconds = 0.2
    collected = Collected()
    stop = threading.Event()
    thread = threading.Thread(target=feed.run, args=(collected.on_changes, collected.on_state,
                                                     stop), daemon=True)
    thread.start()
    try:
        assert collected.connected.wait(10)
        yield collected
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


@pytest.fixture
def listening(other: Database) -> Iterator[Collected]:
    """A feed on the second desktop."""
    with feed_of(other) as collected:
        yield collected


def test_a_status_change_reaches_the_other_desktop_with_its_id(
        db: Database, seeded: int, listening: Collected) -> None:
    with db.session() as s:
        triage.set_status(s, seeded, "done", actor="Ada")
    change = listening.next_matching(Kind.SUBMISSION)
    assert change.ids == frozenset({seeded})


def test_new_mail_and_tags_are_announced(db: Database, seeded: int,
                                         listening: Collected) -> None:
    with db.session() as s:
        new_id = make_submission(s).id
    assert new_id in (listening.next_matching(Kind.SUBMISSION).ids or set())
    with db.session() as s:
        triage.add_tag(s, seeded, "hot", actor="Ada")
    change = listening.next_matching(Kind.SUBMISSION)
    assert change.ids == frozenset({seeded})


def test_a_rolled_back_change_is_not_announced(db: Database, seeded: int,
                                               listening: Collected) -> None:
    def change_then_fail() -> None:
        with db.session() as s:
            triage.set_status(s, seeded, "done", actor="Ada")
            raise RuntimeError("changed my mind")

    with pytest.raises(RuntimeError):
        change_then_fail()
    with db.session() as s:
        triage.assign(s, seeded, "Bob", actor="Ada")
    change = listening.next_matching(Kind.SUBMISSION)
    assert change.ids == frozenset({seeded})
    with db.session() as s:  # and the rolled-back status really is not there
        assert triage.read_current(s, seeded).status == "new"
    assert listening.changes.empty() or listening.changes.get().kind != Kind.SUBMISSION


def test_presence_is_announced_when_someone_opens_a_message_not_on_renewal(
        db: Database, seeded: int, listening: Collected) -> None:
    with db.session() as s:
        presence.renew(s, seeded, "desk-a", "Ada")
    assert listening.next_matching(Kind.PRESENCE).kind == Kind.PRESENCE
    with db.session() as s:
        presence.renew(s, seeded, "desk-a", "Ada")
    with db.session() as s:
        triage.set_status(s, seeded, "waiting", actor="Ada")
    # the renewal stayed silent: the next thing heard is the status change
    assert listening.changes.get(timeout=10).kind == Kind.SUBMISSION


@pytest.mark.postgres
def test_more_than_a_hundred_ids_mean_everything(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    writer = Database.open(postgres_url)  # another desktop: this one's own writes are not heard
    try:
        feed = open_feed(db)
        assert feed is not None
        feed.open()
        try:
            with writer.session() as s:
                ids = [make_submission(s).id for _ in range(120)]
                triage.bulk_set_status(s, ids, "done", actor="Ada")
            changes = feed.poll(5)
            assert any(c.kind == Kind.SUBMISSION and c.ids is None for c in changes)
        finally:
            feed.close()
    finally:
        writer.close()
        db.close()


def test_parse_notification_treats_garbage_as_everything() -> None:
    assert parse_notification("not json") == EVERYTHING
    assert parse_notification('{"table": "tags", "op": "DELETE", "ids": [3]}') == Change.of(
        Kind.TAG, [3])
    assert parse_notification('{"table": "submissions", "op": "INSERT", "ids": [4]}') == \
        Change.of(Kind.SUBMISSION, [4], {CREATED})
    assert parse_notification('{"table": "submission_tags", "op": "INSERT", "ids": [5]}') == \
        Change.of(Kind.SUBMISSION, [5], {"tags"})


class _Flaky(ChangeFeed):
    """Fails to connect twice, then delivers one change and drops the connection once."""

    backoff_seconds = (0.01,)

    def __init__(self) -> None:
        self.opens = 0
        self.polls = 0

    def open(self) -> None:
        self.opens += 1
        if self.opens <= 2:
            raise FeedLost("refused")

    def poll(self, timeout: float) -> list[Change]:
        self.polls += 1
        if self.polls == 1:
            return [Change.of(Kind.SUBMISSION, [1])]
        if self.polls == 2:
            raise FeedLost("server closed the connection")
        return []

    def close(self) -> None:
        pass


def test_run_reconnects_and_asks_for_a_full_refresh_after_a_gap() -> None:
    feed = _Flaky()
    collected = Collected()
    stop = threading.Event()
    original = collected.on_changes

    def on_changes(changes: list[Change]) -> None:
        original(changes)
        if EVERYTHING in changes:
            stop.set()

    feed.run(on_changes, collected.on_state, stop)
    assert collected.states == [FeedState.RECONNECTING, FeedState.RECONNECTING,
                                FeedState.CONNECTED, FeedState.RECONNECTING, FeedState.CONNECTED]
    got = [collected.changes.get_nowait() for _ in range(2)]
    assert got == [Change.of(Kind.SUBMISSION, [1]), EVERYTHING]


def test_this_process_own_writes_are_not_announced_back_to_it(
        db: Database, other: Database, seeded: int) -> None:
    """The feed recognises the initiator of a write: this process's own commits were published
    by the operation that made them, so only the other desktop's reach the bus."""
    with feed_of(db) as collected:  # the feed of the desktop that writes
        with db.session() as s:  # this desktop: status and a new lead
            triage.set_status(s, seeded, "done", actor="Ada")
            mine = make_submission(s).id
        with other.session() as s:  # another desktop, afterwards
            theirs = make_submission(s).id
            triage.add_tag(s, seeded, "hot", actor="Bob")
        heard: set[int] = set()
        while theirs not in heard or seeded not in heard:
            change = collected.next_matching(Kind.SUBMISSION)
            assert change.ids is not None
            assert mine not in change.ids
            assert change.touches({"tags", CREATED}), change  # never this desktop's status change
            heard |= change.ids


def test_the_team_business_hours_reach_the_other_desktop(
        db: Database, listening: Collected) -> None:
    """On PostgreSQL no trigger watches team_settings: the writer's NOTIFY is all there is."""
    with db.session() as s:
        response_times.save_policy(
            s, response_times.ResponsePolicy(BusinessHours("Europe/Oslo"), 4.0), actor="Ada")
    change = listening.next_matching(Kind.SETTING if db.dialect == "postgresql" else Kind.ANY)
    assert change.touches([response_times.SETTING_KEY])
