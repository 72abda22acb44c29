"""Team tests: two "desktops" are two Database handles (two engines, two connection pools) on one
database, exactly as two LeadDesk processes would be; the ingest fixtures give a real Dovecot."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from leaddesk.db import Database
from tests.ingest.conftest import dovecot, imap_account, mailbox  # noqa: F401 (fixtures)
from tests.support.factories import make_member, make_submission
from tests.support.postgres import PostgresServer, find_bindir


@pytest.fixture
def seeded(db: Database) -> int:
    """One lead and the members Ada and Bob; returns the lead's id."""
    with db.session() as s:
        make_member(s, "Ada")
        make_member(s, "Bob")
        return make_submission(s).id


@pytest.fixture
def other(db_url: str, db: Database) -> Iterator[Database]:
    """A second desktop on the same database."""
    second = Database.open(db_url)
    yield second
    second.close()


@pytest.fixture(scope="module")
def restartable_pg() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own, that tests may stop and restart without disturbing the
    session's shared one."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer.create(bindir)
    yield server
    server.destroy()


@pytest.fixture
def restartable_db(restartable_pg: PostgresServer) -> Iterator[Database]:
    database = Database.open(restartable_pg.database(f"leaddesk_{uuid.uuid4().hex[:12]}"))
    yield database
    database.close()
