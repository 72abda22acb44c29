"""The API sync's own guards, each alone: a record the reader chokes on is stored with its reason
(never dropped), a run of unreadable pages stops the walk without losing its place, and the
keyring is where the token comes from."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Netlify, Reply
from tests.ingest.api.test_robustness import FORM, Spy, count, page
from tests.support.keyrings import MemoryKeyring

from leaddesk import secrets
from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.ingest import api
from leaddesk.ingest.api import sync as api_sync
from leaddesk.ingest.api.sync import MAX_FAILED_PAGES


@pytest.fixture
def one_per_page(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    fake = Netlify(server)
    account = api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                          config={"per_page": 1})
    return fake, account


def _asked_pages(server: FormApiServer) -> list[str]:
    return [s.query["page"] for s in server.seen("/api/v1/forms")]


def test_a_record_the_reader_chokes_on_is_stored_with_its_reason(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fake, account = one_per_page
    broken = fake.records[2]  # newest first, one a page: the third record read
    real = api_sync.build_draft
    calls = iter(range(1, 1000))

    def choke(fields: Any, *, plugin: str) -> Any:
        if next(calls) == 3:
            raise KeyError("surprise")
        return real(fields, plugin=plugin)

    monkeypatch.setattr(api_sync, "build_draft", choke)
    result = api.sync_api_account(db, account, TOKEN)
    assert result.added == len(fake.records) == count(db)
    with db.session() as session:
        rows = session.execute(select(Submission).where(Submission.problems != [])).scalars().all()
        assert len(rows) == 1
        kept = rows[0]
        assert kept.problems == ["the record could not be read (KeyError: 'surprise'); its JSON is kept"]
        assert json.loads(kept.raw or b"") == broken
        assert kept.source_key == f"api:{account.id}:{broken['id']}"
        # Visible in the inbox as a lead, never filed away as spam or "not a submission".
        assert (kept.is_submission, kept.status, kept.spam_reason) == (True, "new", None)
        assert kept.body_text == ""


def _broken_pages(server: FormApiServer, *numbers: int) -> None:
    for number in numbers:
        server.inject(Reply(200, {"not": "a list"}), when=page(number))


def test_unreadable_pages_in_a_row_stop_the_walk_and_the_next_sync_asks_again(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any]) -> None:
    fake, account = one_per_page
    assert MAX_FAILED_PAGES == 3
    _broken_pages(server, 2, 3, 4)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert (result.added, result.failed_pages) == (1, 3)
    assert _asked_pages(server) == ["1", "2", "3", "4"]  # page 5 is never asked for
    assert spy.failed[-1] == (account.name, "3 unreadable pages in a row; stopped here, "
                                            "the next sync asks for them again")
    again = api.sync_api_account(db, account, TOKEN)
    assert (again.added, again.failed_pages) == (len(fake.records) - 1, 0)
    assert count(db) == len(fake.records)


def test_a_readable_page_between_failures_starts_the_count_again(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any]) -> None:
    fake, account = one_per_page
    _broken_pages(server, 2, 3, 5, 6)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    assert result.failed_pages == 4
    assert result.added == len(fake.records) - 4
    assert _asked_pages(server) == [str(n) for n in range(1, len(fake.records) + 1)]
    assert not any("in a row" in reason for _, reason in spy.failed)
    # The gaps are asked for again: nothing is lost, nothing doubled.
    api.sync_api_account(db, account, TOKEN)
    assert count(db) == len(fake.records)


def test_the_token_comes_from_the_keyring(db: Database, server: FormApiServer,
                                          one_per_page: tuple[Netlify, Any],
                                          memory_keyring: MemoryKeyring) -> None:
    fake, account = one_per_page
    assert account.secret_ref == secrets.secret_ref(account.name)
    secrets.set_secret(account.secret_ref, TOKEN)
    result = api.sync_with_keyring(db, account)
    assert result.added == len(fake.records)
    assert {s.headers.get("authorization") for s in server.requests} == {f"Bearer {TOKEN}"}


def test_without_a_stored_reference_the_account_name_finds_the_token(
        db: Database, server: FormApiServer, one_per_page: tuple[Netlify, Any],
        memory_keyring: MemoryKeyring) -> None:
    fake, account = one_per_page
    secrets.set_secret(secrets.secret_ref(account.name), TOKEN)
    memory_keyring.store[("LeadDesk", "elsewhere")] = "wrong-token"
    assert api.sync_with_keyring(db, replace(account, secret_ref=None)).added == len(fake.records)
    assert {s.headers.get("authorization") for s in server.requests} == {f"Bearer {TOKEN}"}
    server.requests.clear()
    api.sync_with_keyring(db, replace(account, secret_ref="elsewhere"))
    assert {s.headers.get("authorization") for s in server.requests} == {"Bearer wrong-token"}
