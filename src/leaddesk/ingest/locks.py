"""One sync per account at a time, across processes.

SQLite: an OS file lock beside the database (released by the kernel when the process dies, even
by SIGKILL). PostgreSQL: a session advisory lock on a dedicated connection (released when the
connection closes), so workers on different machines sharing one database exclude each other too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy import text

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


@contextmanager
def _file_lock(path: Path, account_name: str) -> Iterator[None]:
    with path.open("a+") as handle:
        if not _try_flock(handle):
            raise _busy(account_name)
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        yield


@contextmanager
def account_lock(db: Database, account_id: int, account_name: str) -> Iterator[None]:
    """Hold the account's sync lock for the block, or raise :class:`SyncInProgressError`."""
    if db.dialect == "postgresql":
        with db.engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:ns, :id)"),
                               {"ns": ADVISORY_NAMESPACE, "id": account_id}).scalar()
            conn.commit()
            if not got:
                raise _busy(account_name)
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, :id)"),
                             {"ns": ADVISORY_NAMESPACE, "id": account_id})
                conn.commit()
        return
    path = sqlite_path(db.engine.url)
    if path is None:  # an in-memory database lives in one process only
        yield
        return
    with _file_lock(path.with_name(f"{path.name}.sync-{account_id}.lock"), account_name):
        yield
