"""Change feeds: learn within a second that another desktop, the CLI or the sync worker wrote.

PostgreSQL: :class:`PgListener` holds a dedicated psycopg connection that LISTENs on the channel
the triggers of revision 0003 NOTIFY, so every committed statement arrives with its table and ids.
SQLite: :class:`SqliteDataVersionPoller` asks ``PRAGMA data_version`` a few times a second on a
dedicated connection (a change by any other connection bumps it), then reads what is new from the
audit log, so two processes on one machine see each other's work.

Both announce :class:`leaddesk.changes.Change` records (kind, ids, fields), the same record the
window's own operations publish, and both leave out this process's own commits, recognised by the
connection that made them (:mod:`leaddesk.team.own_writes`): the operation already published those.

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

from leaddesk.changes import CREATED, DELETED, EVERYTHING, Change, Kind, merge
from leaddesk.db import Database
from leaddesk.db.announce import CHANNEL
from leaddesk.db.engine import PG_CONNECT_ARGS, display_url, sqlite_path
from leaddesk.team.own_writes import OwnWrites
from leaddesk.triage.results import FIELDS

log = logging.getLogger(__name__)

MAX_IDS = 100  # the triggers send null beyond this: "many, refresh everything"


# How a table's announcement reads as a change record (leaddesk.changes): the kind, and the
# submission field a write to it touches (None: any field of that kind).
TABLE_CHANGES: dict[str, tuple[Kind, str | None]] = {
    "submissions": (Kind.SUBMISSION, None),
    "submission_tags": (Kind.SUBMISSION, "tags"),
    "notes": (Kind.SUBMISSION, "notes"),
    "replies": (Kind.SUBMISSION, "replies"),
    "tags": (Kind.TAG, None),
    "team_members": (Kind.MEMBER, None),
    "presence": (Kind.PRESENCE, None),
    "team_settings": (Kind.SETTING, None),  # announced by its writers (leaddesk.db.announce)
}
_ROW_OPS = {"INSERT": CREATED, "DELETE": DELETED}


def table_change(table: str, ids: Iterable[int] | None, op: str = "") -> Change:
    """The change record for a write to ``table`` (unknown tables: :data:`EVERYTHING`)."""
    if table not in TABLE_CHANGES:
        return EVERYTHING
    kind, field = TABLE_CHANGES[table]
    if table == "submissions" and op in _ROW_OPS:
        field = _ROW_OPS[op]  # stored or deleted rows: membership changes, not a field
    return Change.of(kind, ids, None if field is None else {field})


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
        return table_change(str(data["table"]), [int(i) for i in ids] if ids else None,
                            str(data.get("op", "")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return EVERYTHING


class PgListener(ChangeFeed):
    """LISTEN on a dedicated autocommit connection, outside the engine's pool."""

    heartbeat_seconds = 15.0  # a silent, cut connection is found by a query, not by waiting

    def __init__(self, engine: Engine, own: OwnWrites | None = None) -> None:
        self.own = own
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
            notes = list(self._conn.notifies(timeout=timeout, stop_after=1))
            if notes:  # drain what came with it, so one burst makes one refresh
                notes += list(self._conn.notifies(timeout=0.05))
                self._last_activity = time.monotonic()
            elif time.monotonic() - self._last_activity > self.heartbeat_seconds:
                self._conn.execute("SELECT 1")
                self._last_activity = time.monotonic()
        except psycopg.Error as exc:
            raise FeedLost(f"the connection to {self._where} was lost "
                           f"({exc.__class__.__name__})") from None
        # This process's own commits were published by the operation that made them.
        return [parse_notification(n.payload) for n in notes
                if self.own is None or not self.own.is_own_backend(n.pid)]

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


_ENTITY_KINDS = {"submission": Kind.SUBMISSION, "tag": Kind.TAG, "member": Kind.MEMBER,
                 "contact": Kind.CONTACT, "account": Kind.ACCOUNT}
_MAX_EVENTS = 1000  # audit events read per poll; beyond that, "many" of each kind


class SqliteDataVersionPoller(ChangeFeed):
    """``PRAGMA data_version`` several times a second; on a change, what is new in the audit log,
    the submissions (new mail), the presence leases and the replies."""

    interval_seconds = 0.2

    def __init__(self, path: Path, own: OwnWrites | None = None) -> None:
        self.path = path
        self.own = own
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
            changes += self._audited(old.audit)
        if new.submissions > old.submissions:
            added = [int(r[0]) for r in self._conn.execute(
                "SELECT id FROM submissions WHERE id > ? ORDER BY id LIMIT ?",
                (old.submissions, MAX_IDS + 1)) if not self._is_own("submissions", int(r[0]))]
            if added:
                changes.append(Change.of(Kind.SUBMISSION, added if len(added) <= MAX_IDS else None,
                                         {CREATED}))
        if new.presence != old.presence:
            changes.append(Change(Kind.PRESENCE))
        if new.replies != old.replies:
            changes.append(Change.of(Kind.SUBMISSION, None, {"replies"}))
        return merge(changes)

    def _is_own(self, table: str, row_id: int) -> bool:
        return self.own is not None and self.own.take_own(table, row_id)

    def _audited(self, after: int) -> list[Change]:
        """What the audit events since ``after`` changed, other than this process's own."""
        assert self._conn is not None
        rows = self._conn.execute(
            "SELECT id, entity, entity_id, action FROM audit_events WHERE id > ? ORDER BY id "
            "LIMIT ?", (after, _MAX_EVENTS + 1)).fetchall()
        changes: list[Change] = []
        for event_id, entity, entity_id, action in rows[:_MAX_EVENTS]:
            if self._is_own("audit_events", int(event_id)):
                continue
            kind = _ENTITY_KINDS.get(str(entity), Kind.ANY)
            field = FIELDS.get(str(action)) if kind is Kind.SUBMISSION else None
            changes.append(Change.of(kind, None if entity_id is None else [int(entity_id)],
                                     None if field is None else [field]))
        if len(rows) > _MAX_EVENTS:  # a big burst: many of each kind
            changes = [Change(c.kind) for c in changes]
        changes = merge(changes)
        return [c if c.count <= MAX_IDS else Change(c.kind, None, c.fields) for c in changes]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def open_feed(db: Database) -> ChangeFeed | None:
    """The feed that suits ``db``, or None for an in-memory database (one process only)."""
    if db.dialect == "postgresql":
        return PgListener(db.engine, OwnWrites(db.engine))
    path = sqlite_path(db.engine.url)
    return SqliteDataVersionPoller(path, OwnWrites(db.engine)) if path is not None else None
