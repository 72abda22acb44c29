"""One sync per account at a time, across processes.

SQLite: an OS file lock beside the database (released by the kernel when the process dies, even
by SIGKILL). PostgreSQL: a session advisory lock on a dedicated connection (released when the
connection closes), so workers on different machines sharing one database exclude each other too.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from leaddesk.db import Database
from leaddesk.db.engine import sqlite_path
from leaddesk.errors import LeadDeskError

# A fixed namespace for LeadDesk's advisory locks, so they do not collide with other applications.
ADVISORY_NAMESPACE = 0x1EAD


class SyncInProgressError(LeadDeskError):
    """Raised when another process is already syncing the same account."""


def _busy(account_name: str) -> SyncInProgressError:
    return SyncInProgressError(f"a sync of {account_name} is already running; it was not started "
                               f"twice (wait for it to finish)")


def _try_flock(handle: IO[str]) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def holder_label() -> str:
    """Who holds a lock, as ``leaddesk team status`` shows it: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class LockHolder:
    """A sync lock someone holds now (for ``leaddesk team status``)."""

    account_id: int
    holder: str  # "host:pid" (PostgreSQL: the holder's application name and address)
    since: datetime | None


class HeldLock:
    """The lock while it is held; :meth:`alive` tells a worker whether it still has it."""

    def __init__(self, conn: Connection | None = None, account_id: int = 0) -> None:
        self._conn = conn
        self._account_id = account_id

    def alive(self) -> bool:
        """False once the database dropped the lock's connection (a restart, a network cut):
        then another worker may take the account over, and this one must stop syncing it."""
        if self._conn is None:
            return True  # an OS file lock lasts as long as this process
        try:
            held = self._conn.execute(text(
                "SELECT 1 FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory' "
                "AND classid = :ns AND objid = :id AND granted"),
                {"ns": ADVISORY_NAMESPACE, "id": self._account_id}).first() is not None
            self._conn.commit()
        except SQLAlchemyError:
            with contextlib.suppress(SQLAlchemyError):
                self._conn.rollback()  # lets the connection be returned to the pool
            return False
        return held


@contextmanager
def _file_lock(path: Path, account_name: str) -> Iterator[None]:
    with path.open("a+") as handle:
        if not _try_flock(handle):
            raise _busy(account_name)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder_label()}\n")
        handle.flush()
        yield


@contextmanager
def account_lock(db: Database, account_id: int, account_name: str) -> Iterator[HeldLock]:
    """Hold the account's sync lock for the block, or raise :class:`SyncInProgressError`."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            # Named after its holder, so `leaddesk team status` can say which worker syncs.
            conn.execute(text("SELECT set_config('application_name', :name, false)"),
                         {"name": f"leaddesk-sync {holder_label()}"[:63]})
            got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :id)"),
                               {"ns": ADVISORY_NAMESPACE, "id": account_id}).scalar()
            conn.commit()
            if not got:
                raise _busy(account_name)
            try:
                yield HeldLock(conn, account_id)
            finally:
                # A dropped connection took the lock with it; there is nothing left to release.
                with contextlib.suppress(SQLAlchemyError):
                    conn.execute(text("SELECT pg_advisory_unlock(:ns, :id), "
                                      "set_config('application_name', 'leaddesk', false)"),
                                 {"ns": ADVISORY_NAMESPACE, "id": account_id})
                    conn.commit()
        return
    path = sqlite_path(db.engine.url)
    if path is None:  # an in-memory database lives in one process only
        yield HeldLock()
        return
    with _file_lock(_lock_path(path, account_id), account_name):
        yield HeldLock()


def _lock_path(database: Path, account_id: int) -> Path:
    return database.with_name(f"{database.name}.sync-{account_id}.lock")


def held_locks(db: Database, account_ids: Iterable[int]) -> list[LockHolder]:
    """The sync locks held right now, among ``account_ids``."""
    wanted = set(account_ids)
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT l.objid, a.application_name, a.client_addr, a.backend_start "
                "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.classid = :ns AND l.granted "
                "ORDER BY l.objid"), {"ns": ADVISORY_NAMESPACE}).all()
        return [LockHolder(int(objid), f"{name or 'unknown'} ({addr or 'local'})", start)
                for objid, name, addr, start in rows if int(objid) in wanted]
    path = sqlite_path(db.engine.url)
    if path is None:
        return []
    found = []
    for account_id in sorted(wanted):
        lock_file = _lock_path(path, account_id)
        if not lock_file.exists():
            continue
        with lock_file.open("r") as handle:
            if _try_flock(handle):  # nobody holds it (ours is released when the file closes)
                continue
            found.append(LockHolder(account_id, handle.read().strip() or "unknown", None))
    return found
