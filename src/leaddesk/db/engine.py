"""Opening a database: URL checks, engine settings per dialect, schema upgrade on open.

SQLite gets WAL, foreign keys and a busy timeout; PostgreSQL goes through psycopg 3. Every failure
becomes a :class:`~leaddesk.errors.LeadDeskError` whose message names the database without its
password and says what to do.
"""

from __future__ import annotations

import os
import select
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session, sessionmaker

from leaddesk.errors import ConfigError, DatabaseError, DatabaseUnavailableError

SUPPORTED = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DBNAME"
SQLITE_BUSY_TIMEOUT_MS = 10_000

# libpq settings for a team's shared server: a dead peer (a cut cable, a sleeping laptop's Wi-Fi)
# is noticed within ~30 s by TCP keepalives instead of the kernel's two hours, and unacknowledged
# writes give up after 20 s; either way the pool reconnects and the UI shows "reconnecting".
PG_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 10, "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
    "keepalives_count": 3, "tcp_user_timeout": 20_000, "application_name": "leaddesk",
}


def parse_url(url: str) -> URL:
    """Check a database URL and normalise it (``postgresql://`` means psycopg 3 here)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {_scrub(url)!r}; expected {SUPPORTED}") from None
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        if parsed.get_driver_name() not in ("psycopg", "psycopg2"):
            raise ConfigError(f"unsupported PostgreSQL driver {parsed.get_driver_name()!r}; "
                              f"use postgresql+psycopg://")
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        if parsed.get_driver_name() not in ("pysqlite", ""):
            raise ConfigError(f"unsupported SQLite driver {parsed.get_driver_name()!r}; "
                              f"use sqlite:///PATH")
        return parsed
    raise ConfigError(f"unsupported database {backend!r}; LeadDesk works with {SUPPORTED}")


def display_url(url: URL | str) -> str:
    """The URL as it may be shown to a user or a log: password masked."""
    try:
        return (url if isinstance(url, URL) else make_url(url)).render_as_string(
            hide_password=True)
    except ArgumentError:
        return "<malformed URL>"


def _scrub(url: str) -> str:
    # A malformed URL cannot be parsed to mask its password, so drop anything that could be one.
    if "@" in url:
        scheme, _, rest = url.partition("://")
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for an in-memory database."""
    database = url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    return Path(database)


def _check_sqlite_location(path: Path) -> None:
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"cannot create the data directory {directory}: {exc.strerror}; choose another "
            f"location with --db sqlite:///PATH or LEADDESK_DATA_DIR") from None
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path} is a directory, not a database file")
    # WAL needs to create -wal and -shm files beside the database, so the directory must be writable.
    if not os.access(directory, os.W_OK | os.X_OK) or (
            path.exists() and not os.access(path, os.R_OK | os.W_OK)):
        raise DatabaseError(
            f"cannot write to {path}: the file or its directory is read-only; fix the permissions "
            f"or choose another location with --db sqlite:///PATH or LEADDESK_DATA_DIR")


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Only settings that never write: a corrupt or foreign file must stay byte-for-byte untouched.
    # WAL (which writes the header) is switched on after the schema checks pass.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with LeadDesk's settings; does not touch the schema."""
    parsed = parse_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(parsed)
        if path is not None:
            _check_sqlite_location(path)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["connect_args"] = dict(PG_CONNECT_ARGS)
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise ConfigError(f"the database driver for {display_url(parsed)} is not installed: "
                          f"{exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _on_sqlite_connect)
    else:
        event.listen(engine, "connect", _on_postgres_connect)
        event.listen(engine, "checkout", _pg_checker(engine))
    return engine


# The app's statements are short and interactive: starting parallel workers (several ms each on
# a busy 2-core server, more than many whole queries take) or JIT-compiling a plan (tens of ms)
# costs more than either saves; the large counts are read from the trigger-kept tables. With
# the default 4 MB a search word's bitmap over a million rows turns lossy and every row of its
# pages is checked again (1.1 s against 0.46 s for a common word with a topic and a status).
# Measured in bench/README.md (PostgreSQL round of 2026-12-06). Settings of this session only.
PG_SESSION = "SET max_parallel_workers_per_gather = 0; SET jit = off; SET work_mem = '16MB'"


def _on_postgres_connect(dbapi_connection: Any, _record: Any) -> None:
    # Never prepared on the server: psycopg prepares a statement run five times, and after five
    # more PostgreSQL may keep one generic plan for every value. A search's statement is the same
    # text for every word, while its best plan depends on how rare the word is: with the plan
    # made for common words a rare name took 120-160 ms instead of 20 at a million rows (bench/
    # README.md, tenth session). Planning each time costs well under a millisecond.
    dbapi_connection.prepare_threshold = None
    dbapi_connection.autocommit = True  # session settings, outside any transaction
    try:
        dbapi_connection.execute(PG_SESSION)
    finally:
        dbapi_connection.autocommit = False


def _silent(socket: int) -> bool:
    """Has the server sent nothing (no data, no EOF, no error) on this idle socket?"""
    try:  # select() rather than poll(): Windows has no poll() for sockets
        readable, _, broken = select.select([socket], [], [socket], 0)
    except (OSError, ValueError):  # e.g. a descriptor select() cannot watch: ping instead
        return False
    return not readable and not broken


def _pg_checker(engine: Engine) -> Any:
    """A pool checkout check for PostgreSQL: a pooled connection the server has closed (a
    restart, an idle timeout, keepalives that found the peer gone) is replaced before use.

    ``pool_pre_ping`` does it with a round trip at every checkout, which cost about a third of
    the inbox's count on a local server (bench/README.md). An idle pooled connection expects
    nothing from the server, so it pings only when the socket has something to read (a goodbye,
    EOF, an error) or libpq already knows the connection is bad; a healthy idle socket is silent.
    """
    def check(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        pgconn = dbapi_connection.pgconn
        if not dbapi_connection.closed and pgconn.status == 0 and _silent(pgconn.socket):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # any failure: the pool opens a new connection instead
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc
    return check


def enable_wal(engine: Engine) -> None:
    if engine.dialect.name == "sqlite" and sqlite_path(engine.url) is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")


def describe_dbapi_error(exc: DBAPIError, url: URL | str) -> str:
    """A one-line user message for a driver error, without the SQL or any password."""
    where = display_url(url)
    text = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else type(exc).__name__
    lowered = text.lower()
    if "file is not a database" in lowered or "malformed" in lowered:
        return (f"{where} is not a readable LeadDesk database (the file is damaged or not SQLite); "
                f"it was left untouched. Restore it from a backup or point --db elsewhere.")
    if "readonly" in lowered or "read-only" in lowered or "unable to open database" in lowered:
        return (f"cannot open {where} for writing ({text}); fix the permissions or choose another "
                f"location with --db or LEADDESK_DATA_DIR")
    if "disk is full" in lowered or "disk i/o error" in lowered or "no space" in lowered:
        return (f"cannot write to {where}: the disk is full or failing ({text}); free some space "
                f"and try again. The change was not saved; what was saved before is intact")
    if "database is locked" in lowered or "database is busy" in lowered:
        return (f"{where} is locked: another program has been writing to it for "
                f"{SQLITE_BUSY_TIMEOUT_MS / 1000:g} s; close it or wait, then try again. The "
                f"change was not saved")
    if "connection" in lowered or "could not" in lowered or "timeout" in lowered:
        return f"cannot reach the database at {where}: {text}. Check that the server is running."
    return f"database error at {where}: {text}"


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def is_transient(exc: BaseException) -> bool:
    """True for a failure that may pass by itself: a lost or refused connection to the server
    (restart, network cut, failover) or a SQLite database locked by another writer."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError):
        return False
    if exc.orig is not None and type(exc.orig).__module__.startswith("sqlite3"):
        # SQLite's OperationalError also means "no such table" or a damaged file: not transient.
        text = str(exc.orig).lower()
        return "locked" in text or "busy" in text
    return True  # psycopg's OperationalError: connection failures, admin shutdown, starting up


@contextmanager
def translate_errors(url: URL | str) -> Iterator[None]:
    """Turn driver exceptions into :class:`DatabaseError` with a clear message
    (:class:`DatabaseUnavailableError` when retrying may help)."""
    try:
        yield
    except DBAPIError as exc:
        kind = DatabaseUnavailableError if is_transient(exc) else DatabaseError
        raise kind(describe_dbapi_error(exc, url)) from None


def session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: services hand out plain data built before commit, never live rows.
    return sessionmaker(engine, expire_on_commit=False)


class ReadOnlySessionError(RuntimeError):
    """A write in a session opened for reads only: a programming error, never the user's."""


def read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reads only (:meth:`leaddesk.db.Database.reading`).

    On PostgreSQL each statement runs on its own (autocommit): a transaction around reads buys
    nothing at the server's READ COMMITTED level, where every statement of a transaction takes a
    new snapshot anyway, but costs a BEGIN and a COMMIT round trip, as much as the inbox's
    count itself (bench/README.md, sixth round). The pooled connection goes back to transactions
    when it is returned. Not for a server-side cursor (``yield_per``), which needs a transaction.
    On SQLite reads cost no round trip, so its sessions stay as :func:`session_factory`'s.
    Either way a write is refused before it reaches the database: an ORM flush or an INSERT,
    UPDATE or DELETE statement raises :class:`ReadOnlySessionError`.
    """
    bind = (engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql" else engine)
    maker = sessionmaker(bind, expire_on_commit=False)
    event.listen(maker, "before_flush", _refuse_flush)
    event.listen(maker, "do_orm_execute", _refuse_writes)
    return maker


def _refuse_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReadOnlySessionError("a session opened for reads only was asked to write; "
                                   "write in Database.session() instead")


def _refuse_writes(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReadOnlySessionError("a session opened for reads only was asked to write; "
                                   "write in Database.session() instead")
