"""Fixtures for the form-API sync tests: the loopback server and API accounts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from tests.ingest.api.server import FormApiServer

from leaddesk import accounts
from leaddesk.accounts import AccountInfo
from leaddesk.db import Database
from leaddesk.ingest import api

TOKEN = "tok_live_S3cr3t-9f8e7d6c5b4a"  # the token every fake service accepts


@pytest.fixture
def server() -> Iterator[FormApiServer]:
    instance = FormApiServer()
    yield instance
    instance.close()


@pytest.fixture
def db(sqlite_url: str) -> Iterator[Database]:
    # The sync logic is the same on both databases; the store has its own PostgreSQL tests.
    database = Database.open(sqlite_url)
    yield database
    database.close()


ApiAccountFactory = Callable[..., AccountInfo]


@pytest.fixture
def api_account(db: Database, server: FormApiServer) -> ApiAccountFactory:
    def make(preset: str, *, name: str = "forms", form: str | None = None, base_url: str | None = None,
             config: dict[str, Any] | None = None) -> AccountInfo:
        settings = api.check_settings(preset, base_url=base_url or server.url, form=form,
                                      config=config)
        with db.session() as session:
            return accounts.add_account(session, name, "api", settings, actor="tester")
    return make
