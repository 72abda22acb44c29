"""A new SQLite database's schema from one script instead of replaying every Alembic revision.

Creating a database through the revisions imports Alembic and runs each revision's steps: about
0.3 s of CPU, paid by every first start, every ``leaddesk import --db NEW`` and every demo. The
script ``migrations/sqlite_head.sql`` holds what those revisions leave in ``sqlite_master`` (and
the stamp), written by ``python -m leaddesk.db.snapshot`` from a database the revisions built.

It is used only for a SQLite database with no tables at all, and only when its revision is
``HEAD_REVISION``: a script left behind by a new revision is ignored (the revisions run as before)
and ``tests/db/test_snapshot.py`` fails until it is written again. The same test builds one
database each way and compares every schema object and every row.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from sqlalchemy import Connection

SCRIPT = Path(__file__).parent / "migrations" / "sqlite_head.sql"
_REVISION_LINE = "-- revision: "
# Rows of these kinds come from the statements that create their owners (a table's implicit
# indexes, the sequence table, a full-text table's shadow tables), never from the script.
_OWN_KINDS = ("table", "index", "trigger", "view")


def statements(revision: str, script: Path = SCRIPT) -> list[str] | None:
    """The script's statements when it was written for ``revision``, else None."""
    try:
        text = script.read_text(encoding="utf-8")
    except OSError:
        return None
    first, _, body = text.partition("\n")
    if first != _REVISION_LINE + revision:
        return None
    found: list[str] = []
    pending = ""
    for line in body.splitlines(keepends=True):
        if not pending and (not line.strip() or line.startswith("--")):
            continue
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    return found if not pending.strip() else None


def create(connection: Connection, revision: str) -> bool:
    """Create the schema of ``revision`` on an empty SQLite database; False when no script fits."""
    found = statements(revision)
    if found is None:
        return False
    # In one transaction, committed with the caller's: the driver begins one only before an
    # INSERT or UPDATE, so each CREATE was a transaction of its own (~200 fsyncs, 0.2-0.3 s of
    # waiting on a new database here; whole, the script commits with 2-3).
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")
    for statement in found:
        connection.exec_driver_sql(statement)
    return True


def dump(connection: sqlite3.Connection) -> str:
    """The script for the database on ``connection``: every table, then indexes, views and triggers,
    each kind in the order it was created, then the rows of the ordinary tables."""
    objects = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    virtual = [name for kind, name, sql in objects
               if kind == "table" and sql.upper().startswith("CREATE VIRTUAL TABLE")]

    def is_shadow(kind: str, name: str) -> bool:
        return kind == "table" and any(name.startswith(table + "_") for table in virtual)

    kept = [(kind, name, sql) for kind, name, sql in objects
            if kind in _OWN_KINDS and not is_shadow(kind, name) and not name.startswith("sqlite_")]
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    lines = [_REVISION_LINE + revision,
             "-- Written by `python -m leaddesk.db.snapshot` from the Alembic revisions; do not edit.",
             ""]
    for wanted in _OWN_KINDS:
        lines += [f"{sql};" for kind, _, sql in kept if kind == wanted]
    for kind, name, _ in kept:
        if kind != "table" or name in virtual:
            continue
        for (values,) in connection.execute(
                # The names come from sqlite_master, not from a user.
                f"SELECT 'INSERT INTO \"{name}\" VALUES (' || "
                + " || ', ' || ".join(f'quote("{column}")' for column in _columns(connection, name))
                + f" || ');' FROM \"{name}\" ORDER BY rowid"):
            lines.append(values)
    return "\n".join(lines) + "\n"


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]


def build_with_revisions(path: Path) -> None:
    """A database at ``path`` built the long way, by Alembic's revisions."""
    from alembic import command
    from sqlalchemy import create_engine

    from leaddesk.db.migrate import alembic_config

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Write the script again from the revisions (after adding one)."""
    import tempfile

    target = Path(argv[0]) if argv else SCRIPT
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "head.db"
        build_with_revisions(path)
        connection = sqlite3.connect(path)
        try:
            target.write_text(dump(connection), encoding="utf-8")
        finally:
            connection.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
