"""Test-wide fixtures: isolated paths, a fresh database per test on SQLite and PostgreSQL.

Every test runs with LEADDESK_DATA_DIR and LEADDESK_CONFIG_DIR in its own temporary folder, so
nothing touches the developer's real data. The ``db`` fixture runs each test on SQLite and, where a
PostgreSQL server is available (the test setup starts one), on PostgreSQL too.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from leaddesk.db import Database
from tests.support.postgres import PostgresServer, find_bindir

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LEADDESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("LEADDESK_DB_URL", raising=False)
    monkeypatch.setenv("LEADDESK_USER", "tester")


# ------------------------------------------------------------------ SQLite: template, copied
@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file built once; each test gets a copy (migrations take ~0.3 s)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database.open(f"sqlite:///{path}")
    db.close()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    target = tmp_path / "leaddesk.db"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target}"


# ------------------------------------------------------------------ PostgreSQL: one server
@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """URL of the maintenance database of a PostgreSQL server for this test session."""
    given = os.environ.get("LEADDESK_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("LEADDESK_REQUIRE_PG"):
            pytest.fail("LEADDESK_REQUIRE_PG is set but no PostgreSQL binaries were found")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer.create(bindir)
    try:
        yield server.url()
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def postgres_template(postgres_admin_url: str) -> str:
    """Name of a migrated template database; each test clones it (CREATE DATABASE … TEMPLATE)."""
    name = "leaddesk_template"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    db = Database.open(postgres_admin_url.rsplit("/", 1)[0] + f"/{name}")
    db.close()
    return name


@pytest.fixture
def postgres_url(postgres_admin_url: str, postgres_template: str) -> Iterator[str]:
    name = f"leaddesk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {postgres_template}"))
    yield postgres_admin_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def empty_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A new, empty PostgreSQL database (no schema), for migration tests."""
    name = f"leaddesk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield postgres_admin_url.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


# ------------------------------------------------------------------ the database under test
@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database URL: once on SQLite, once on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


pytest_plugins = ["tests.support.cli", "tests.support.keyrings", "tests.support.smtp"]
