"""Schema migrations on SQLite and PostgreSQL: the model and revisions agree, upgrades are safe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from leaddesk.db import Database, migrate
from leaddesk.db.models import Base
from leaddesk.errors import DatabaseError, SchemaTooNewError

SEARCH_OBJECTS = ("submissions_fts", "submission_search")


def _not_search(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    # The full-text index tables live outside the ORM metadata on purpose.
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_OBJECTS))


def test_fresh_database_is_migrated_to_head(empty_url: str) -> None:
    db = Database.open(empty_url)
    with db.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        tables = set(inspect(conn).get_table_names())
    db.close()
    assert {"submissions", "contacts", "posts", "tags", "submission_tags", "team_members",
            "notes", "replies", "audit_events", "accounts", "sync_states",
            "tombstones"} <= tables


def test_models_and_migrations_agree(empty_url: str) -> None:
    db = Database.open(empty_url)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": _not_search,
                                                         "compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    db.close()
    assert diff == []


def test_downgrade_to_base_and_upgrade_again(empty_url: str) -> None:
    db = Database.open(empty_url)
    with db.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    with db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    db.close()
    reopened = Database.open(empty_url)
    with reopened.engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
    reopened.close()


def test_open_without_upgrade_asks_for_db_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="leaddesk db upgrade"):
        Database.open(f"sqlite:///{path}", upgrade=False)


def test_database_from_a_newer_release_is_refused_and_untouched(sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    engine = create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode = DELETE"))  # a single file to compare
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer LeadDesk") as excinfo:
        Database.open(sqlite_url)
    assert "left unchanged" in str(excinfo.value)
    assert path.read_bytes() == before


@pytest.mark.postgres
def test_newer_schema_refused_on_postgresql(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(SchemaTooNewError):
        Database.open(postgres_url)
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == \
            "9999_future"
    engine.dispose()


def test_someone_elses_database_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)"))
    engine.dispose()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="not LeadDesk's"):
        Database.open(f"sqlite:///{path}")
    assert path.read_bytes() == before
