"""Opening databases: URLs, SQLite settings, and clear errors that leave files untouched."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.db.engine import ReadOnlySessionError, display_url
from leaddesk.db.models import Submission
from leaddesk.errors import ConfigError, DatabaseError
from tests.support.factories import make_submission


def test_default_location_is_the_data_dir(tmp_path: Path) -> None:
    db = Database.open()
    db.close()
    assert (tmp_path / "data" / "leaddesk.db").exists()


def test_leaddesk_db_url_overrides_the_data_dir(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADDESK_DB_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    Database.open().close()
    assert (tmp_path / "elsewhere.db").exists()
    assert not (tmp_path / "data" / "leaddesk.db").exists()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(sqlite_url: str) -> None:
    db = Database.open(sqlite_url)
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar_one() >= 5000
    db.close()


def test_datetimes_come_back_aware_in_utc(db: Database) -> None:
    paris = timezone(timedelta(hours=1))
    with db.session() as s:
        sid = make_submission(s, received_at=datetime(2026, 1, 5, 10, 30, tzinfo=paris)).id
    with db.session() as s:
        received = s.get(Submission, sid).received_at  # type: ignore[union-attr]
    assert received == datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    assert received.tzinfo is not None


@pytest.mark.parametrize(("url", "message"), [
    ("not a url", "not a database URL"),
    ("mysql://u@h/db", "unsupported database 'mysql'"),
    ("postgresql+asyncpg://u@h/db", "unsupported PostgreSQL driver"),
    ("oracle+cx://u@h/db", "unsupported database 'oracle'"),
])
def test_bad_urls_are_refused_clearly(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Database.open(url)


def test_passwords_never_appear_in_messages() -> None:
    with pytest.raises(ConfigError) as excinfo:
        Database.open("mysql://ada:hunter2@db.example/leads")
    assert "hunter2" not in str(excinfo.value)
    assert "hunter2" not in display_url("postgresql+psycopg://ada:hunter2@db/leads")


def test_unreachable_postgresql_is_one_clear_error() -> None:
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(DatabaseError, match="cannot reach the database") as excinfo:
        Database.open("postgresql+psycopg://ada:hunter2@127.0.0.1:1/leads")
    assert "hunter2" not in str(excinfo.value)


def test_corrupt_sqlite_file_is_left_byte_for_byte_untouched(tmp_path: Path) -> None:
    path = tmp_path / "leaddesk.db"
    garbage = b"this is not SQLite\x00" * 300
    path.write_bytes(garbage)
    with pytest.raises(DatabaseError, match="damaged"):
        Database.open(f"sqlite:///{path}")
    assert path.read_bytes() == garbage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaddesk.db"]


def test_truncated_sqlite_file_is_refused(sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    damaged = path.read_bytes()[:1500]
    path.write_bytes(damaged)
    with pytest.raises(DatabaseError):
        Database.open(sqlite_url)
    assert path.read_bytes() == damaged


def test_read_only_location_is_a_clear_error() -> None:
    # /proc refuses new files even to root, so this holds on CI as for a normal user.
    with pytest.raises(DatabaseError, match="LEADDESK_DATA_DIR"):
        Database.open("sqlite:////proc/leaddesk-test/leaddesk.db")


@contextmanager
def read_only_directory(path: Path) -> Iterator[Path]:
    """A directory nobody may write to, root included.

    Root ignores permission bits, so as root (CI) the directory is made immutable with
    ``chattr +i`` instead, which the kernel enforces for root too. No skip: a machine where
    neither works fails here, naming what is missing.
    """
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.fail("chattr is missing (apt-get install e2fsprogs): needed to lock a directory as root")
    made = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.fail(f"chattr +i {path} failed: {made.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run([chattr, "-i", str(path)], check=True)


def test_read_only_directory_is_a_clear_error(tmp_path: Path) -> None:
    with read_only_directory(tmp_path / "locked") as locked:
        with pytest.raises(DatabaseError, match="read-only"):
            Database.open(f"sqlite:///{locked / 'leaddesk.db'}")
        assert list(locked.iterdir()) == []  # nothing was created in it


def test_a_directory_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="is a directory"):
        Database.open(f"sqlite:///{tmp_path}")


@pytest.fixture
def pinged(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Database, list[int]]]:
    """A PostgreSQL database whose pool checks are counted."""
    db = Database.open(postgres_url)
    pings: list[int] = []
    ping = db.engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(1)
        return ping(dbapi_connection)
    monkeypatch.setattr(db.engine.dialect, "do_ping", counted)
    yield db, pings
    db.close()


def _backend(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(text("SELECT pg_backend_pid()")).scalar_one())


@pytest.mark.postgres
def test_a_healthy_pooled_connection_is_used_without_a_ping(
        pinged: tuple[Database, list[int]]) -> None:
    db, pings = pinged
    first = _backend(db)
    assert _backend(db) == first  # the same pooled connection ...
    assert not pings  # ... taken without a round trip


@pytest.mark.postgres
def test_a_pooled_connection_the_server_closed_is_replaced_before_use(
        pinged: tuple[Database, list[int]], postgres_admin_url: str) -> None:
    db, pings = pinged
    first = _backend(db)
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:  # as a restart or an idle timeout would
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and conn.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                    {"pid": first}).scalar_one():
                pass
    finally:
        admin.dispose()
    assert _backend(db) != first  # no error: the pool noticed and connected again
    assert pings


# ------------------------------------------------------------------ sessions for reads only
def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Submission)).scalar_one())


def test_a_read_session_sees_what_was_committed_meanwhile(db: Database) -> None:
    with db.reading() as reader:
        before = _count(reader)
        with db.session() as writer:  # another connection commits between two reads
            make_submission(writer)
        assert _count(reader) == before + 1


def test_a_read_session_refuses_to_write_and_writes_nothing(db: Database) -> None:
    with db.session() as s:
        sid = make_submission(s, status="new").id
    with pytest.raises(ReadOnlySessionError), db.reading() as reader:
        make_submission(reader)  # an ORM flush
    with pytest.raises(ReadOnlySessionError), db.reading() as reader:
        reader.execute(update(Submission).values(status="done"))
    with pytest.raises(ReadOnlySessionError), db.reading() as reader:
        reader.get(Submission, sid).status = "done"  # type: ignore[union-attr]
    with db.session() as s:
        assert _count(s) == 1
        assert s.get(Submission, sid).status == "new"  # type: ignore[union-attr]


@pytest.mark.postgres
def test_a_read_session_leaves_no_transaction_open_at_the_server(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with db.reading() as reader:
            pid = int(reader.execute(text("SELECT pg_backend_pid()")).scalar_one())
            _count(reader)
            with admin.connect() as conn:
                state = conn.execute(text("SELECT state FROM pg_stat_activity WHERE pid = :p"),
                                     {"p": pid}).scalar_one()
        assert state == "idle"  # not "idle in transaction": no BEGIN was sent
    finally:
        admin.dispose()
        db.close()


@pytest.mark.postgres
def test_a_connection_used_for_reads_writes_in_a_transaction_again(postgres_url: str) -> None:
    db = Database.open(postgres_url)
    try:
        with db.reading() as reader:
            reader_pid = int(reader.execute(text("SELECT pg_backend_pid()")).scalar_one())
        session = db.sessions()
        try:  # the same pooled connection, back to transactions: a rollback undoes the write
            assert int(session.execute(text("SELECT pg_backend_pid()")).scalar_one()) == reader_pid
            make_submission(session)
            session.rollback()
        finally:
            session.close()
        with db.session() as s:
            assert _count(s) == 0
    finally:
        db.close()


@pytest.mark.postgres
def test_postgresql_plans_every_statement_for_its_own_values(postgres_url: str) -> None:
    """No statement is prepared on the server: a prepared one may get one generic plan for every
    value, and a search's best plan depends on how rare its word is."""
    db = Database.open(postgres_url)
    try:
        with db.session() as s:
            for n in range(12):  # psycopg prepares a statement on its fifth run by default
                s.execute(select(Submission.id).where(Submission.topic == f"topic {n}")).all()
            assert s.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar_one() == 0
    finally:
        db.close()
