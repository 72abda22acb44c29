"""A new SQLite database from the schema script: the same database as the revisions build."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from leaddesk.db import Database, migrate, snapshot
from leaddesk.errors import DatabaseError

REGENERATE = "run `python -m leaddesk.db.snapshot` to write the script again"


def _contents(path: Path) -> tuple[list[tuple[str, ...]], dict[str, list[tuple[object, ...]]], int]:
    """Every schema object, every table's rows (shadow tables included) and the user version."""
    connection = sqlite3.connect(path)
    try:
        objects = sorted(connection.execute(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master").fetchall())
        rows = {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
                for type_, name, _, _ in objects if type_ == "table"}
        return objects, rows, connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.close()


def test_the_script_is_written_for_the_head() -> None:
    assert snapshot.statements(migrate.HEAD_REVISION) is not None, REGENERATE


def test_the_script_is_what_the_revisions_leave(tmp_path: Path) -> None:
    snapshot.build_with_revisions(tmp_path / "revisions.db")
    connection = sqlite3.connect(tmp_path / "revisions.db")
    try:
        assert snapshot.dump(connection) == snapshot.SCRIPT.read_text(encoding="utf-8"), REGENERATE
    finally:
        connection.close()


def test_a_new_database_from_the_script_equals_one_from_the_revisions(tmp_path: Path) -> None:
    snapshot.build_with_revisions(tmp_path / "revisions.db")
    Database.open(f"sqlite:///{tmp_path / 'script.db'}").close()
    built, scripted = _contents(tmp_path / "revisions.db"), _contents(tmp_path / "script.db")
    assert scripted[0] == built[0]
    assert scripted[1] == built[1]
    assert scripted[2] == built[2]
    assert len(built[0]) > 50   # the whole schema, not two empty lists


def test_a_new_database_is_made_without_alembic(tmp_path: Path) -> None:
    # The point of the script: a first start does not import Alembic or replay the revisions.
    url = f"sqlite:///{tmp_path / 'new.db'}"
    code = ("import sys; from leaddesk.db import Database; "
            f"Database.open({url!r}).close(); "
            "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_script_for_another_revision_is_ignored(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stale = tmp_path / "stale.sql"
    stale.write_text("-- revision: 0001\nCREATE TABLE wrong (x INTEGER);\n", encoding="utf-8")
    monkeypatch.setattr(snapshot, "SCRIPT", stale)
    path = tmp_path / "new.db"
    Database.open(f"sqlite:///{path}").close()
    objects, rows, _ = _contents(path)
    assert "wrong" not in {name for _, name, _, _ in objects}
    assert rows["alembic_version"] == [(migrate.HEAD_REVISION,)]
    assert "submissions" in rows


def test_a_database_with_tables_is_never_given_the_script(tmp_path: Path) -> None:
    path = tmp_path / "theirs.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.commit()
    connection.close()
    # An empty stamp table: not a new database, so the revisions decide (and build the rest).
    Database.open(f"sqlite:///{path}").close()
    _, rows, _ = _contents(path)
    assert rows["alembic_version"] == [(migrate.HEAD_REVISION,)]


def test_statements_are_split_whole(tmp_path: Path) -> None:
    script = tmp_path / "s.sql"
    script.write_text("-- revision: 9\n-- a note\n\nCREATE TABLE t (x TEXT);\n"
                      "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;\n"
                      "INSERT INTO \"t\" VALUES ('a;b');\n", encoding="utf-8")
    assert snapshot.statements("9", script) == [
        "CREATE TABLE t (x TEXT);",
        "CREATE TRIGGER t_ai AFTER INSERT ON t BEGIN\n  SELECT 1;\n  SELECT 2;\nEND;",
        "INSERT INTO \"t\" VALUES ('a;b');"]
    assert snapshot.statements("8", script) is None
    script.write_text("-- revision: 9\nCREATE TABLE t (x TEXT\n", encoding="utf-8")
    assert snapshot.statements("9", script) is None   # cut short: never half a schema


def test_a_script_that_fails_half_way_leaves_no_tables(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The script runs in one transaction: a failure part-way (a full disk, a bad statement)
    leaves the new file without tables, so the next start creates it whole, never half a
    schema that would then be refused as not LeadDesk's."""
    real = snapshot.statements(migrate.HEAD_REVISION)
    assert real is not None
    half = len(real) // 2
    monkeypatch.setattr(snapshot, "statements",
                        lambda revision, script=snapshot.SCRIPT: [*real[:half], "NOT SQL"])
    with pytest.raises(DatabaseError, match="syntax error"):
        Database.open(f"sqlite:///{tmp_path / 'new.db'}")
    connection = sqlite3.connect(tmp_path / "new.db")
    try:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)
    finally:
        connection.close()
    monkeypatch.undo()
    Database.open(f"sqlite:///{tmp_path / 'new.db'}").close()  # and the next start makes it
