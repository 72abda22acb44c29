"""A SQLite database that cannot take a write: the disk full, another program holding the write
lock. Each is one line saying what happened and what to do, what was saved stays saved, and the
same write succeeds once the cause is gone."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from leaddesk.db import Database, engine
from leaddesk.db.models import Submission
from leaddesk.errors import DatabaseError, DatabaseUnavailableError
from tests.support.factories import make_submission


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count(Submission.id))).scalar_one())


def test_a_full_disk_is_one_line_and_keeps_what_was_saved(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'leaddesk.db'}")
    with db.session() as session:
        make_submission(session)
    full = {"on": True}

    def no_room(connection: sqlite3.Connection, _record: object) -> None:
        # SQLite's own "disk full": the file may not grow past the pages it has.
        if full["on"]:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(db.engine, "connect", no_room)
    db.engine.dispose()

    def store_many() -> None:
        with db.session() as session:
            for _ in range(50):
                make_submission(session, body_text="a long message " * 500)

    with pytest.raises(DatabaseError) as caught:
        store_many()
    message = str(caught.value)
    assert message.startswith(f"cannot write to sqlite:///{tmp_path / 'leaddesk.db'}: the disk is "
                              f"full or failing (database or disk is full); free some space")
    assert "The change was not saved; what was saved before is intact" in message
    full["on"] = False
    db.engine.dispose()
    assert count(db) == 1
    with db.session() as session:
        make_submission(session, body_text="a long message " * 500)
    assert count(db) == 2
    db.close()


@pytest.mark.parametrize("said", ["disk I/O error", "database or disk is full"])
def test_what_sqlite_says_of_a_full_disk_reads_as_a_full_disk(said: str) -> None:
    error = OperationalError("INSERT …", {}, sqlite3.OperationalError(said))
    message = engine.describe_dbapi_error(error, "sqlite:////data/leaddesk.db")
    assert message.startswith(f"cannot write to sqlite:////data/leaddesk.db: the disk is full or "
                              f"failing ({said}); free some space and try again")


def test_a_database_locked_by_another_writer_is_one_line_and_the_write_goes_later(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "SQLITE_BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "leaddesk.db"
    db = Database.open(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseUnavailableError) as caught, db.session() as session:
            make_submission(session)
        assert str(caught.value) == (
            f"sqlite:///{path} is locked: another program has been writing to it for 0.2 s; "
            f"close it or wait, then try again. The change was not saved")
    finally:
        other.execute("ROLLBACK")
        other.close()
    with db.session() as session:
        make_submission(session)
    assert count(db) == 1
    db.close()
