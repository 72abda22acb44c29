"""Form-backend faults a real service (or the proxy before it) produces, against the loopback
server: maintenance (503) asking to wait an hour, JSON nested thousands deep, a compressed
answer damaged or cut short, an empty answer, a token pasted with something around it, half an
emoji (a lone surrogate) in a record, ids as numbers on one page and text on the next,
duplicates within and across pages, a record dated in the future, a cursor going round, a
next-page link with a query of its own (the API key echoed in it), the token revoked in the
middle of a walk, a locked keyring for one account of several, and a bug met by one of them.
Each is one line saying what happened and what to do, never holding the token; the database
holds every record once, and never the token."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring.errors
import pytest
from sqlalchemy import select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Generic, Netlify, Reply, Seen, fixture
from tests.ingest.api.test_presets import GENERIC_CONFIG
from tests.ingest.api.test_robustness import FAST, FORM, Spy, count, page
from tests.ingest.api.test_sync_paging import _page_two_skipped_then_read
from tests.support.keyrings import MemoryKeyring
from tests.support.waiting import finishes_within

from leaddesk import secrets
from leaddesk.db import Database
from leaddesk.db.models import Submission, SyncState
from leaddesk.ingest import api, sync_all
from leaddesk.ingest.api.client import MAX_ATTEMPTS
from leaddesk.ingest.api.sync import load_cursor
from leaddesk.progress import CancelToken


@pytest.fixture
def netlify(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    """A Netlify form read three records a page (seven records: pages 1 to 3)."""
    fake = Netlify(server)
    return fake, api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                             config={"per_page": 3})


@pytest.fixture
def one_a_page(server: FormApiServer, api_account: ApiAccountFactory) -> tuple[Netlify, Any]:
    """A Netlify form read one record a page: every page fault is a whole page."""
    fake = Netlify(server)
    return fake, api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                             config={"per_page": 1})


@pytest.mark.parametrize("retry_after", ["3600", "Wed, 21 Oct 2099 07:28:00 GMT"])
def test_maintenance_asking_to_wait_an_hour_is_reported_not_waited_for(
        db: Database, server: FormApiServer, netlify: tuple[Netlify, Any], retry_after: str) -> None:
    """RFC 9110 lets a 503 carry Retry-After, and a service down for maintenance sends one: the
    same cap as a 429's applies, or the sync would wait an hour, five times over."""
    fake, account = netlify
    server.inject(Reply(503, b"<html><title>Down for maintenance</title></html>",
                        {"Retry-After": retry_after, "Content-Type": "text/html"}),
                  times=MAX_ATTEMPTS, when=page(2))
    finished, outcome, took = finishes_within(
        lambda: api.sync_api_account(db, account, TOKEN, **FAST), 30)
    assert finished, f"the sync still waited after {took:.0f} s"
    assert isinstance(outcome, api.ApiError)
    message = str(outcome)
    host = server.url.removeprefix("http://")
    assert message.startswith(f"the Netlify Forms API ({host}) is unavailable (HTTP 503) and asks "
                              f"to wait ")
    assert message.endswith(" min; everything fetched so far was kept, sync again later")
    assert len(server.seen("/api/v1/forms")) == 2  # page 2 asked once, not waited on
    assert count(db) == 3
    server.faults.clear()
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == len(fake.records) - 3
    assert count(db) == len(fake.records)


def test_a_short_maintenance_is_waited_for(db: Database, server: FormApiServer,
                                          netlify: tuple[Netlify, Any]) -> None:
    fake, account = netlify
    server.inject(Reply(503, {"message": "maintenance"}, {"Retry-After": "0"}), when=page(2))
    result = api.sync_api_account(db, account, TOKEN, **FAST)
    assert (result.added, result.retries) == (len(fake.records), 1)


def _gzip(body: bytes) -> bytes:
    return gzip.compress(body)


PAGE_TWO = json.dumps([{"id": "x", "created_at": "2026-01-01T00:00:00Z"}] * 20).encode()


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply(200, b"[" * 100_000 + b"]" * 100_000),
     "sent a page nested deeper than 100 levels, not read from "),
    (Reply(200, b"[" * 101 + b"]" * 101),  # readable, but not by each reader after it
     "sent a page nested deeper than 100 levels, not read from "),
    (Reply(200, b"\x1f\x8b\x08\x00" + b"\x00" * 60, {"Content-Encoding": "gzip"}),
     "sent a compressed page that cannot be unpacked (gzip) from "),
    (Reply(200, _gzip(PAGE_TWO)[:len(_gzip(PAGE_TWO)) // 2], {"Content-Encoding": "gzip"}),
     "sent a page that is not valid JSON (cut short: it ends in the middle of its JSON, 28 "
     "bytes) from "),
    (Reply(200, PAGE_TWO[:-40]), "sent a page that is not valid JSON (cut short: it ends in the "
                                 f"middle of its JSON, {len(PAGE_TWO) - 40} bytes) from "),
    (Reply(200, b" "), "sent a page that is not valid JSON (an empty answer) from "),
], ids=["nested", "nested-101", "bad-gzip", "gzip-cut", "json-cut", "empty"])
def test_a_page_that_cannot_be_read_is_named_skipped_and_read_next_time(
        db: Database, server: FormApiServer, one_a_page: tuple[Netlify, Any], reply: Reply,
        reason: str) -> None:
    server.inject(reply, when=page(2))
    _page_two_skipped_then_read(db, one_a_page, f"the Netlify Forms API {reason}{server.url}")


@pytest.mark.parametrize(("kind", "token"), [
    *((kind, token) for kind in ("bearer", "header", "query")
      for token in (f"{TOKEN}\nX-Other: 1", f"{TOKEN}…", f"“{TOKEN}”", f"{TOKEN[:8]}\t{TOKEN[8:]}")),
    ("bearer", f"{TOKEN[:8]} {TOKEN[8:]}"),
])
def test_a_token_pasted_with_something_in_it_is_one_line_and_nothing_is_sent(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory, token: str,
        kind: str) -> None:
    """A line break, typographic quotes or an ellipsis copied along (a space too, in a bearer
    token; an API-key header may be "Token abc"): no token holds them, an HTTP header cannot
    carry them, and a line break would start a header of its own."""
    Generic(server)
    config = {**GENERIC_CONFIG, "auth": {"type": kind, "name": "X-API-Key"}}
    account = api_account("generic", base_url=server.url, config=config)
    with pytest.raises(api.ApiAuthError) as caught:
        api.sync_api_account(db, account, token, **FAST)
    assert str(caught.value) == (
        "the token of forms holds a line break, a space or a character beyond ASCII, which no "
        "token has: it was probably copied with something around it; give it again with "
        "`leaddesk accounts edit forms --token-stdin`")
    assert server.requests == []
    assert count(db) == 0


@pytest.mark.parametrize(("kind", "seen"), [
    ("bearer", lambda s: s.headers["authorization"].removeprefix("Bearer ")),
    ("header", lambda s: s.headers["x-api-key"]),
    ("query", lambda s: s.query["X-API-Key"]),
])
def test_a_token_pasted_with_spaces_or_a_line_break_around_it_is_sent_without_them(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory, kind: str,
        seen: Callable[[Seen], str]) -> None:
    fake = Generic(server)
    config = {**GENERIC_CONFIG, "auth": {"type": kind, "name": "X-API-Key"}}
    account = api_account("generic", base_url=server.url, config=config)
    assert api.sync_api_account(db, account, f"  {TOKEN}\r\n", **FAST).added == len(fake.records)
    assert {seen(s) for s in server.requests} == {TOKEN}


def test_half_an_emoji_in_a_record_is_stored_and_its_json_kept(
        db: Database, server: FormApiServer, netlify: tuple[Netlify, Any]) -> None:
    """A form script that cut a message by length can cut an emoji in two; JSON carries the
    lone half as an escape, which UTF-8 cannot hold."""
    fake, account = netlify
    fake.records[0] = {**fake.records[0], "body": "Call me back \ud83d", "name": "Zo\udc00e"}
    fake.records[1] = {**fake.records[1], "body": "No id \ud83d"}
    del fake.records[1]["id"]
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == len(fake.records)
    with db.session() as session:
        rows = {row.body_text: (json.loads(row.raw or b""), row.visitor_name) for row in
                session.execute(select(Submission)).scalars()}
    # The records as sent, escape and all; what is shown has a replacement character.
    assert rows["Call me back \ufffd"] == (fake.records[0], "Zo\ufffde")
    assert rows["No id \ufffd"][0] == fake.records[1]
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 0


GENERIC_RECORDS: list[dict[str, Any]] = fixture("generic_leads.json")


def _lead(number: int | str) -> dict[str, Any]:
    return {"uuid": number, "created": f"2026-11-{10 + int(number) % 10:02d}T08:00:00Z",
            "contact": {"full_name": f"Visitor {number}", "email": f"v{number}@example.net"},
            "text": f"Message {number}"}


def test_ids_as_numbers_then_as_text_and_duplicates_are_one_record_each(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    """Page 1 gives ids as numbers, page 2 as text (a backend upgrade, a cache in between), one
    record twice on a page, and one repeated from the page before: each is stored once."""
    records = [_lead(1), _lead(2), _lead(2), _lead("2"), _lead("3"), _lead("1"), _lead("4")]
    Generic(server, records=records)
    account = api_account("generic", base_url=server.url, config=GENERIC_CONFIG)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert (result.added, result.failed_pages, spy.failed) == (4, 0, [])
    with db.session() as session:
        keys = sorted(session.execute(select(Submission.source_key)).scalars())
    assert keys == [f"api:{account.id}:{n}" for n in (1, 2, 3, 4)]
    records.append(_lead(5))
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 1
    assert count(db) == 5


def test_a_cursor_that_goes_round_stops_and_loses_nothing(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    """Page 2 names page 1's cursor as the next one: the walk stops at the repeat; once the
    service is well, the records after the loop are read, each once."""
    fake = Generic(server)
    account = api_account("generic", base_url=server.url, config=GENERIC_CONFIG)
    looping = {"data": fake.records[3:6], "meta": {"next_cursor": "0"}}
    server.inject(Reply(200, looping), times=100,
                  when=lambda seen: seen.path == "/v1/leads" and seen.query.get("cursor") == "3")
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert result.added == 6
    assert len(server.seen("/v1/leads")) == 3  # pages 1, 2 and the repeat: no loop
    assert "sent again the records of an earlier page" in spy.failed[0][1]
    server.faults.clear()
    api.sync_api_account(db, account, TOKEN, **FAST)
    assert count(db) == len(fake.records)


def test_a_token_revoked_in_the_middle_of_a_walk_keeps_the_pages_read(
        db: Database, server: FormApiServer, netlify: tuple[Netlify, Any]) -> None:
    fake, account = netlify
    server.inject(Reply(401, {"message": "Access Denied"}), when=page(3))
    with pytest.raises(api.ApiAuthError) as caught:
        api.sync_api_account(db, account, TOKEN, **FAST)
    message = str(caught.value)
    assert message.startswith("the Netlify Forms API (")
    assert "rejected the token (HTTP 401" in message
    assert message.endswith("give a new one with `leaddesk accounts edit forms --token-stdin`")
    assert TOKEN not in message
    assert count(db) == 6
    assert load_cursor(db, account.id).walk == {
        "top": load_cursor(db, account.id).walk["top"],  # type: ignore[index]
        "top_ids": [fake.records[0]["id"]], "resume": {"page": 3}}
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 1
    assert count(db) == len(fake.records)


class _LockedFor(MemoryKeyring):
    """A keyring that is locked for one account's secret (a second collection, locked)."""

    def __init__(self, locked: str) -> None:
        super().__init__()
        self.locked = locked

    def get_password(self, service: str, username: str) -> str | None:
        if username == self.locked:
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
        return super().get_password(service, username)


@pytest.fixture
def locked_for_first() -> Iterator[_LockedFor]:
    previous = keyring.get_keyring()
    backend = _LockedFor(secrets.secret_ref("first"))
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_a_locked_keyring_for_one_account_still_syncs_the_others(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory,
        locked_for_first: _LockedFor) -> None:
    fake = Netlify(server)
    for name in ("first", "second"):
        api_account("netlify", name=name, form=FORM, base_url=server.url + "/api/v1")
    locked_for_first.set_password(secrets.SERVICE, secrets.secret_ref("second"), TOKEN)
    outcome = sync_all.sync_every_account(db, Spy(), CancelToken())
    assert outcome.errors == [("first", f"the keyring is locked, cannot read the password; "
                                        f"{secrets.FIX_HINT}")]
    assert outcome.added == len(fake.records)
    assert {s.headers["authorization"] for s in server.requests} == {f"Bearer {TOKEN}"}


def _linked_pages(records: list[dict[str, Any]], key: str = "") -> Callable[[Seen], Reply]:
    """Two records a page, each naming the next by a link with a query of its own (echoing the
    request's API key when ``key`` names its parameter)."""
    def answer(seen: Seen) -> Reply:
        start = int(seen.query.get("start") or 0)
        echo = f"&{key}={seen.query[key]}" if key else ""
        following = f"/v1/leads?start={start + 2}&status=active{echo}"
        return Reply(200, {"data": records[start:start + 2],
                           "links": {"next": following if start + 2 < len(records) else None}})
    return answer


LINKED = {**GENERIC_CONFIG, "url": "{base_url}/v1/leads?status=active",
          "pagination": {"style": "next_link", "next_path": "links.next"}}


def test_a_next_page_link_and_a_configured_url_keep_their_own_query(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> None:
    """Given params, httpx drops the URL's own query: the link's "start=2" was lost, page 1 came
    back as page 2 (a "loop"), and no record after page 1 was ever read."""
    server.route("/v1/leads", _linked_pages(GENERIC_RECORDS[:5]))
    account = api_account("generic", base_url=server.url, config=LINKED)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert (result.added, spy.failed) == (5, [])
    assert [s.query for s in server.seen("/v1/leads")] == [
        {"status": "active"}, {"start": "2", "status": "active"},
        {"start": "4", "status": "active"}]


def test_a_next_page_link_echoing_the_api_key_never_puts_it_in_the_database(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory,
        sqlite_url: str) -> None:
    """Services build their next-page link from the request, API key and all; the link is the
    saved position, written to the database. The key is taken out of it and added again when
    the page is asked for."""
    server.route("/v1/leads", _linked_pages(GENERIC_RECORDS[:5], key="api_key"))
    config = {**LINKED, "auth": {"type": "query", "name": "api_key"}}
    account = api_account("generic", base_url=server.url, config=config)
    server.inject(Reply(cut=True), times=MAX_ATTEMPTS,
                  when=lambda seen: seen.query.get("start") == "4")
    with pytest.raises(api.ApiConnectionError):
        api.sync_api_account(db, account, TOKEN, **FAST)
    assert count(db) == 4
    with db.session() as session:
        (cursor,) = session.execute(select(SyncState.cursor).where(
            SyncState.account_id == account.id)).scalars()
    assert TOKEN not in str(cursor)
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 1
    assert {s.query.get("api_key") for s in server.seen("/v1/leads")} == {TOKEN}
    assert TOKEN.encode() not in Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()


def test_a_bug_met_by_one_account_is_one_line_and_the_others_still_sync(
        db: Database, server: FormApiServer, api_account: ApiAccountFactory,
        memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Whatever the faults above missed: an exception that is no LeadDeskError (a
    RecursionError, a UnicodeEncodeError were) must not end the pass over every account, nor
    put the token in the log through its text."""
    fake = Netlify(server)
    for name in ("first", "second"):
        api_account("netlify", name=name, form=FORM, base_url=server.url + "/api/v1")
        secrets.set_secret(secrets.secret_ref(name), TOKEN)
    real = api.sync_api_account

    def buggy(db: Database, account: Any, token: str, **options: Any) -> Any:
        if account.name == "first":
            raise RuntimeError(f"a reader choked near {token}")
        return real(db, account, token, **options)

    monkeypatch.setattr(api, "sync_api_account", buggy)
    outcome = sync_all.sync_every_account(db, Spy(), CancelToken())
    assert outcome.errors == [("first", "an unexpected error (RuntimeError) stopped this "
                                        "account's sync; what it stored is kept, the other "
                                        "accounts were synced. The details are in the log: "
                                        "please report them")]
    assert outcome.added == len(fake.records)
    assert "a reader choked near •••" in caplog.text
    assert TOKEN not in caplog.text


@pytest.mark.parametrize("future", ["2099-01-01T00:00:00Z", "4102444800000"])
def test_a_record_dated_in_the_future_never_hides_the_leads_after_it(
        db: Database, server: FormApiServer, netlify: tuple[Netlify, Any], future: str) -> None:
    """A service's clock, or a date the visitor's browser sent: taken as the newest mark, it
    put every later lead "below the mark", and no sync read one again."""
    fake, account = netlify
    fake.records.insert(0, {**fake.records[0], "id": "from-the-future", "created_at": future,
                            "email": "future@example.net", "body": "Sent from the future"})
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == len(fake.records)
    newer = {**fake.records[1], "id": "today", "created_at": "2026-11-30T08:00:00.000Z",
             "email": "today@example.net", "body": "A lead of today"}
    fake.records.insert(1, newer)  # below the future one, above the rest: newest first
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 1
    assert count(db) == len(fake.records)
    assert load_cursor(db, account.id).mark == "2026-11-30T08:00:00.000000Z"
