"""Schema versions: Alembic revisions applied on open and by ``leaddesk db upgrade``.

A database stamped with a revision this release does not know was written by a newer LeadDesk:
it is refused and never altered. A database that holds other tables but no LeadDesk stamp is
someone else's and is refused too.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from leaddesk.db.engine import display_url
from leaddesk.errors import DatabaseError, SchemaTooNewError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def known_revisions() -> set[str]:
    return {rev.revision for rev in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


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
        before = check_schema(connection)
        if before != head_revision():
            command.upgrade(alembic_config(connection), "head")
        return before, head_revision()


def needs_upgrade(engine: Engine) -> bool:
    with engine.connect() as connection:
        return check_schema(connection) != head_revision()
