"""This process's own writes, recognised in the change feed by the connection that made them.

The window publishes the changes of its own actions on its change bus the moment they succeed;
when the feed announces the same commit a moment later it must not be taken for a colleague's
and refresh everything a second time. The feed knows who initiated each write:

- PostgreSQL: a notification carries the backend pid of the session that committed it, and
  :class:`OwnWrites` notes the backend pid of every connection this process checks out.
- SQLite: every connection of this process gets a temporary trigger that notes the audit events
  and submissions it inserts; they count as this process's once the transaction commits (a
  rolled-back row id may be reused by another process, so it is forgotten).

Installed only by a feed (:func:`leaddesk.team.changes.open_feed`), so the CLI and the worker pay
nothing for it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import Any

from sqlalchemy import Connection, Engine, event

log = logging.getLogger(__name__)

# The tables whose inserted ids the SQLite feed reads (see SqliteDataVersionPoller).
TRACKED = ("audit_events", "submissions")
_FUNCTION = "leaddesk_own_row"
_FLAG = "leaddesk_own_writes"


class OwnWrites:
    """Remembers which backend pids (PostgreSQL) or row ids (SQLite) are this process's."""

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._pids: set[int] = set()
        self._rows: dict[str, set[int]] = {table: set() for table in TRACKED}
        self._pending: dict[int, list[tuple[str, int]]] = {}
        self.dialect = engine.dialect.name
        # Checkout, not connect: connections pooled before the feed started count too.
        event.listen(engine, "checkout", self._checkout)
        if self.dialect == "sqlite":
            event.listen(engine, "commit", self._commit)
            event.listen(engine, "rollback", self._forget)

    # ------------------------------------------------------------ the connections of this process
    def _checkout(self, dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(_FLAG):
            return
        if self.dialect == "postgresql":
            self._pids.add(int(dbapi_connection.info.backend_pid))
            record.info[_FLAG] = True
        elif self.dialect == "sqlite" and self._install(dbapi_connection):
            record.info[_FLAG] = True

    def _install(self, conn: sqlite3.Connection) -> bool:
        key = id(conn)

        def note(table: str, row_id: int) -> None:
            with self._lock:
                self._pending.setdefault(key, []).append((table, int(row_id)))

        try:
            conn.create_function(_FUNCTION, 2, note, deterministic=False)
            for table in TRACKED:
                conn.execute(f"CREATE TEMP TRIGGER IF NOT EXISTS leaddesk_own_{table} AFTER INSERT "
                             f"ON main.{table} BEGIN SELECT {_FUNCTION}('{table}', NEW.id); END")
        except sqlite3.Error as exc:  # tables not created yet (a fresh database): next checkout
            log.debug("own-write triggers not installed yet: %s", exc)
            return False
        return True

    def _commit(self, conn: Connection) -> None:
        key = id(conn.connection.dbapi_connection)
        with self._lock:
            for table, row_id in self._pending.pop(key, []):
                self._rows[table].add(row_id)

    def _forget(self, conn: Connection) -> None:
        with self._lock:
            self._pending.pop(id(conn.connection.dbapi_connection), None)

    # ------------------------------------------------------------ asked by the feed
    def is_own_backend(self, pid: int) -> bool:
        return pid in self._pids

    def take_own(self, table: str, row_id: int) -> bool:
        """Whether ``row_id`` of ``table`` was inserted by this process (asked once per row)."""
        with self._lock:
            rows = self._rows[table]
            if row_id in rows:
                rows.discard(row_id)
                return True
            return False
