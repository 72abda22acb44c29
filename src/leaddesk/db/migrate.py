"""Schema versions: Alembic revisions applied on open and by ``leaddesk db upgrade``.

A database stamped with a revision this release does not know was written by a newer LeadDesk:
it is refused and never altered. A database that holds other tables but no LeadDesk stamp is
someone else's and is refused too.

Alembic is imported only when a migration has to be read or run: opening an up-to-date database
(every command-line call, every app start) compares the stamp with ``HEAD_REVISION`` in one plain
query, which keeps `leaddesk list` fast. A test keeps ``HEAD_REVISION`` equal to Alembic's head.
A new SQLite database gets the head's schema from one script (:mod:`leaddesk.db.snapshot`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from leaddesk.db.engine import display_url
from leaddesk.errors import DatabaseError, SchemaTooNewError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
# The newest revision in migrations/versions/; tests/db/test_migrate.py fails when they differ.
HEAD_REVISION = "0016"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def stamped_revision(connection: Connection) -> str | None:
    """The stamp read with one plain query, or None when it is missing or not a single row."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all()
    return str(rows[0][0]) if len(rows) == 1 else None


def check_schema(connection: Connection) -> str | None:
    """Raise unless this release can open the database; return its current revision."""
    revision = current_revision(connection)
    if revision is not None and revision not in known_revisions():
        raise SchemaTooNewError(
            f"{display_url(connection.engine.url)} was written by a newer LeadDesk "
            f"(schema {revision}); it was left unchanged. Install the newer LeadDesk to open it.")
    if revision is None:
        tables = set(connection.dialect.get_table_names(connection))
        if tables - {VERSION_TABLE}:
            raise DatabaseError(
                f"{display_url(connection.engine.url)} already holds tables that are not "
                f"LeadDesk's ({', '.join(sorted(tables)[:3])}…); it was left unchanged. "
                f"Point --db at an empty or LeadDesk database.")
    return revision


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; return (revision before, revision after)."""
    with engine.begin() as connection:
        stamp = stamped_revision(connection)
        if stamp == HEAD_REVISION:
            return HEAD_REVISION, HEAD_REVISION
        if stamp is None and _create_from_snapshot(connection):
            return None, HEAD_REVISION
        before = check_schema(connection)
        if before != head_revision():
            from alembic import command

            command.upgrade(alembic_config(connection), "head")
        return before, head_revision()


def _create_from_snapshot(connection: Connection) -> bool:
    """A new SQLite database (no tables at all) gets the head's schema from one script."""
    if connection.dialect.name != "sqlite" or connection.dialect.get_table_names(connection):
        return False
    from leaddesk.db import snapshot

    return snapshot.create(connection, HEAD_REVISION)


def needs_upgrade(engine: Engine) -> bool:
    with engine.connect() as connection:
        if stamped_revision(connection) == HEAD_REVISION:
            return False
        return check_schema(connection) != head_revision()
