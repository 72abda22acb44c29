"""Change feeds: learn within a second that another desktop, the CLI or the sync worker wrote.

PostgreSQL: :class:`PgListener` holds a dedicated psycopg connection that LISTENs on the channel
the triggers of revision 0003 NOTIFY, so every committed statement arrives with its table and ids.
SQLite: :class:`SqliteDataVersionPoller` asks ``PRAGMA data_version`` a few times a second on a
dedicated connection (a change by any other connection bumps it), then reads what is new from the
audit log, so two processes on one machine see each other's work.

Both are headless and blocking; :meth:`ChangeFeed.run` loops until stopped, reconnects with
backoff after the database drops, reports "reconnecting" and "connected" to a callback, and after
a reconnect sends :data:`EVERYTHING` because changes made meanwhile were never announced.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from leaddesk.db import Database
from leaddesk.db.engine import PG_CONNECT_ARGS, display_url, sqlite_path

log = logging.getLogger(__name__)

CHANNEL = "leaddesk_changes"
ANY_TABLE = "*"
MAX_IDS = 100  # the triggers send null beyond this: "many, refresh everything"


@dataclass(frozen=True)
class Change:
    """One announced write: which table, and which ids (submission ids where the table has
    them), or ``None`` when unknown or too many."""

    table: str
    ids: frozenset[int] | None = None
    op: str = ""

    @property
    def is_presence_only(self) -> bool:
        return self.table == "presence"


EVERYTHING = Change(ANY_TABLE)

# The tables a triage action of this desktop writes (the audit log reaches SQLite's poller as
# "submissions"): their announcement comes back a moment after the window already refreshed.
OWN_WRITE_TABLES = frozenset({"submissions", "submission_tags", "notes"})


class EchoFilter:
    """Drops the echo of this desktop's own triage writes from the feed.

    The window refreshes the rows it changed as soon as an action succeeds; without this, the
    feed's announcement of the same write would reload the list, the counts and the open message a
    second time after every key press. Each action is expected once, for a few seconds: its first
    batch of matching changes is dropped, anything else (other ids, other tables, unknown ids, a
    later change to the same lead) still refreshes.
    """

    def __init__(self, seconds: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._expected: list[tuple[frozenset[int], float]] = []

    def expect(self, ids: Iterable[int]) -> None:
        """This desktop just wrote ``ids`` and has refreshed them already."""
        wanted = frozenset(ids)
        if wanted:
            self._expected.append((wanted, self.clock() + self.seconds))

    def drop(self, changes: Sequence[Change]) -> list[Change]:
        """The changes that are not the echo of an expected write."""
        now = self.clock()
        self._expected = [(ids, until) for ids, until in self._expected if until > now]
        kept: list[Change] = []
        matched: set[int] = set()
        for change in changes:
            index = self._match(change)
            if index is None:
                kept.append(change)
            else:
                matched.add(index)
        self._expected = [e for i, e in enumerate(self._expected) if i not in matched]
        return kept

    def _match(self, change: Change) -> int | None:
        if change.table not in OWN_WRITE_TABLES or not change.ids:
            return None
        return next((i for i, (ids, _) in enumerate(self._expected) if change.ids <= ids), None)


class FeedState(StrEnum):
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


class FeedLost(Exception):
    """The feed's connection failed; :meth:`ChangeFeed.run` reconnects."""


OnChanges = Callable[[list[Change]], None]
OnState = Callable[[FeedState, str], None]


class ChangeFeed(ABC):
    """A blocking source of :class:`Change` batches; one per desktop, in its own thread."""

    poll_seconds = 1.0
    backoff_seconds: Sequence[float] = (0.5, 1.0, 2.0, 5.0)

    @abstractmethod
    def open(self) -> None:
        """Connect; raise :class:`FeedLost` when the database cannot be reached."""

    @abstractmethod
    def poll(self, timeout: float) -> list[Change]:
        """Changes committed since the last call, waiting up to ``timeout`` for the first."""

    @abstractmethod
    def close(self) -> None:
        """Drop the connection (safe to call twice or after a failure)."""

    def run(self, on_changes: OnChanges, on_state: OnState, stop: threading.Event) -> None:
        """Deliver changes until ``stop`` is set, reconnecting whenever the database drops."""
        attempt = 0
        ever_connected = False
        while not stop.is_set():
            try:
                self.open()
            except FeedLost as exc:
                on_state(FeedState.RECONNECTING, str(exc))
                stop.wait(self.backoff_seconds[min(attempt, len(self.backoff_seconds) - 1)])
                attempt += 1
                continue
            attempt = 0
            on_state(FeedState.CONNECTED, "")
            if ever_connected:
                on_changes([EVERYTHING])  # whatever happened while we were away was not announced
            ever_connected = True
            try:
                while not stop.is_set():
                    changes = self.poll(self.poll_seconds)
                    if changes:
                        on_changes(changes)
            except FeedLost as exc:
                log.warning("change feed lost: %s", exc)
                on_state(FeedState.RECONNECTING, str(exc))
            finally:
                self.close()


# ------------------------------------------------------------------ PostgreSQL


def parse_notification(payload: str) -> Change:
    """A trigger's JSON payload as a :class:`Change`; anything unreadable means "everything"."""
    try:
        data = json.loads(payload)
        ids = data.get("ids")
        return Change(str(data["table"]), frozenset(int(i) for i in ids) if ids else None,
                      str(data.get("op", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return EVERYTHING


class PgListener(ChangeFeed):
    """LISTEN on a dedicated autocommit connection, outside the engine's pool."""

    heartbeat_seconds = 15.0  # a silent, cut connection is found by a query, not by waiting

    def __init__(self, engine: Engine) -> None:
        _args, params = engine.dialect.create_connect_args(engine.url)
        self._params: dict[str, Any] = {**params, **PG_CONNECT_ARGS,
                                        "application_name": "leaddesk-listen"}
        self._where = display_url(engine.url)
        self._conn: Any = None
        self._last_activity = 0.0

    def open(self) -> None:
        import psycopg
        try:
            self._conn = psycopg.connect(autocommit=True, **self._params)
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            self.close()
            raise FeedLost(f"cannot reach the database at {self._where}: "
                           f"{str(exc).strip().splitlines()[0] if str(exc).strip() else exc}"
                           ) from None
        self._last_activity = time.monotonic()

    def poll(self, timeout: float) -> list[Change]:
        import psycopg
        if self._conn is None:
            raise FeedLost("not connected")
        try:
            changes = [parse_notification(n.payload)
                       for n in self._conn.notifies(timeout=timeout, stop_after=1)]
            if changes:  # drain what came with it, so one burst makes one refresh
                changes += [parse_notification(n.payload)
                            for n in self._conn.notifies(timeout=0.05)]
                self._last_activity = time.monotonic()
            elif time.monotonic() - self._last_activity > self.heartbeat_seconds:
                self._conn.execute("SELECT 1")
                self._last_activity = time.monotonic()
        except psycopg.Error as exc:
            raise FeedLost(f"the connection to {self._where} was lost "
                           f"({exc.__class__.__name__})") from None
        return changes

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # a dead connection may fail to close; it is gone anyway
                log.debug("closing the listener connection failed", exc_info=True)
            self._conn = None


# ------------------------------------------------------------------ SQLite


@dataclass(frozen=True)
class _Marks:
    audit: int
    submissions: int
    presence: tuple[int, int]
    replies: tuple[int, str]


_ENTITY_TABLES = {"submission": "submissions", "tag": "tags", "member": "team_members",
                  "contact": "submissions", "account": "accounts"}


class SqliteDataVersionPoller(ChangeFeed):
    """``PRAGMA data_version`` several times a second; on a change, what is new in the audit log,
    the submissions (new mail), the presence leases and the replies."""

    interval_seconds = 0.2

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._version = -1
        self._marks = _Marks(0, 0, (0, 0), (0, ""))

    def open(self) -> None:
        try:
            # Autocommit, and only ever reads: it never holds a lock another desktop waits for.
            self._conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                         check_same_thread=False)
            self._version = self._data_version()
            self._marks = self._read_marks()
        except sqlite3.Error as exc:
            self.close()
            raise FeedLost(f"cannot read {self.path}: {exc}") from None

    def _data_version(self) -> int:
        assert self._conn is not None
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _read_marks(self) -> _Marks:
        assert self._conn is not None
        row = self._conn.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM audit_events),"
            " (SELECT coalesce(max(id), 0) FROM submissions),"
            " (SELECT count(*) FROM presence), (SELECT coalesce(sum(submission_id), 0) FROM presence),"
            " (SELECT count(*) FROM replies), (SELECT coalesce(max(updated_at), '') FROM replies)"
        ).fetchone()
        return _Marks(int(row[0]), int(row[1]), (int(row[2]), int(row[3])),
                      (int(row[4]), str(row[5])))

    def poll(self, timeout: float) -> list[Change]:
        deadline = time.monotonic() + timeout
        try:
            while True:
                version = self._data_version()
                if version != self._version:
                    self._version = version
                    changes = self._what_changed()
                    if changes:
                        return changes
                if time.monotonic() >= deadline:
                    return []
                time.sleep(self.interval_seconds)
        except sqlite3.Error as exc:
            raise FeedLost(f"cannot read {self.path}: {exc}") from None

    def _what_changed(self) -> list[Change]:
        assert self._conn is not None
        old, new = self._marks, self._read_marks()
        self._marks = new
        changes: list[Change] = []
        if new.audit > old.audit:
            by_table: dict[str, set[int] | None] = {}
            for entity, entity_id in self._conn.execute(
                    "SELECT DISTINCT entity, entity_id FROM audit_events WHERE id > ? LIMIT ?",
                    (old.audit, MAX_IDS + 1)):
                table = _ENTITY_TABLES.get(str(entity), ANY_TABLE)
                ids = by_table.setdefault(table, set())
                if ids is not None and entity_id is not None and entity == "submission":
                    ids.add(int(entity_id))
                elif entity != "submission":
                    by_table[table] = None
            changes += [Change(t, frozenset(ids) if ids and len(ids) <= MAX_IDS else None)
                        for t, ids in by_table.items()]
        if new.submissions > old.submissions:
            added = [int(r[0]) for r in self._conn.execute(
                "SELECT id FROM submissions WHERE id > ? ORDER BY id LIMIT ?",
                (old.submissions, MAX_IDS + 1))]
            changes.append(Change("submissions", frozenset(added) if len(added) <= MAX_IDS
                                  else None, "INSERT"))
        if new.presence != old.presence:
            changes.append(Change("presence"))
        if new.replies != old.replies:
            changes.append(Change("replies"))
        return changes

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_feed(db: Database) -> ChangeFeed | None:
    """The feed that suits ``db``, or None for an in-memory database (one process only)."""
    if db.dialect == "postgresql":
        return PgListener(db.engine)
    path = sqlite_path(db.engine.url)
    return SqliteDataVersionPoller(path) if path is not None else None
