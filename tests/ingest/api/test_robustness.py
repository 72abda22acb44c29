"""Faults on the wire and in the data: 429 and 500 retried, a malformed page skipped and asked for
again, a bad record stored with its problems, a cut connection, an expired token, connection checks."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.ingest.api.conftest import TOKEN, ApiAccountFactory
from tests.ingest.api.server import FormApiServer, Generic, HubSpot, Netlify, Reply, Seen

from leaddesk.db import Database
from leaddesk.db.models import Submission
from leaddesk.errors import ValidationError
from leaddesk.ingest import api
from leaddesk.ingest.api.client import retry_after_seconds
from leaddesk.ingest.api.sync import load_cursor
from leaddesk.progress import Cancelled, CancelToken

FORM = "5f1e2d3c4b5a697887766554"
# Short backoff: the behaviour is the same, the tests are quicker.
FAST: dict[str, Any] = {"backoff_base": 0.01, "backoff_cap": 0.05}


class Spy:
    """A Reporter that remembers what failed."""

    def __init__(self) -> None:
        self.failed: list[tuple[str, str]] = []
        self.summary = ""

    def started(self, what: str, total: int | None) -> None:
        pass

    def progress(self, done: int, total: int | None) -> None:
        pass

    def item_failed(self, item: str, reason: str) -> None:
        self.failed.append((item, reason))

    def finished(self, summary: str) -> None:
        self.summary = summary


def page(n: int) -> Any:
    return lambda seen: seen.path.endswith("/submissions") and seen.query.get("page") == str(n)


def count(db: Database) -> int:
    with db.session() as session:
        return int(session.execute(select(func.count(Submission.id))).scalar_one())


@pytest.fixture
def netlify(db: Database, server: FormApiServer, api_account: ApiAccountFactory) -> Any:
    fake = Netlify(server)
    account = api_account("netlify", form=FORM, base_url=server.url + "/api/v1",
                          config={"per_page": 3})
    return fake, account


def test_429_with_retry_after_and_500_are_retried(db: Database, server: FormApiServer,
                                                  netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(429, {"message": "slow down"}, {"Retry-After": "1"}), when=page(2))
    server.inject(Reply(500, {"message": "oops"}), times=2, when=page(3))
    started = time.monotonic()
    result = api.sync_api_account(db, account, TOKEN, **FAST)
    assert (result.added, result.retries) == (7, 3)
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert [s.query["page"] for s in server.seen("/api/v1/forms")] == ["1", "2", "2", "3", "3", "3"]


def test_retry_after_forms() -> None:
    assert retry_after_seconds("0") == 0
    assert retry_after_seconds("7") == 7
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0  # in the past
    assert retry_after_seconds("soon") is None


def test_a_long_rate_limit_is_reported_not_waited_for(db: Database, server: FormApiServer,
                                                     netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(429, {}, {"Retry-After": "3600"}), when=page(2))
    with pytest.raises(api.ApiRateLimitError, match="wait 60 min"):
        api.sync_api_account(db, account, TOKEN, **FAST)
    assert count(db) == 3  # page 1 kept


def test_malformed_page_is_skipped_and_asked_for_again(db: Database, server: FormApiServer,
                                                       netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(200, b"<html>Bad gateway</html>"), when=page(2))
    spy = Spy()
    first = api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert (first.added, first.failed_pages) == (4, 1)  # pages 1 and 3
    assert len(spy.failed) == 1
    item, reason = spy.failed[0]
    assert item == "forms page 2"
    assert "not valid JSON" in reason
    assert "asked for again" in reason
    cursor = load_cursor(db, account.id)
    assert cursor.walk is not None
    assert cursor.walk["resume"] == {"page": 2}
    assert cursor.mark is None

    before = len(server.requests)
    second = api.sync_api_account(db, account, TOKEN, reporter=Spy(), **FAST)
    assert (second.added, second.duplicates) == (3, 1)  # page 3 again, its one record known
    asked = [s.query["page"] for s in server.requests[before:]]
    assert asked == ["2", "3", "1"]  # the resumed walk, then a fresh look at the newest page
    cursor = load_cursor(db, account.id)
    assert cursor.walk is None
    assert cursor.mark is not None
    assert count(db) == 7


def test_bad_records_are_stored_with_problems_or_reported(db: Database, server: FormApiServer,
                                                          netlify: Any) -> None:
    fake, account = netlify
    fake.records[1] = {**fake.records[1], "email": "not-an-email", "name": {"first": "Amé"},
                       "created_at": fake.records[1]["created_at"], "ordered_human_fields": "junk",
                       "human_fields": None, "data": ["x"]}
    fake.records.insert(3, "just a string")
    del fake.records[4]["id"]
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert (result.added, result.skipped) == (7, 1)
    assert len(spy.failed) == 1
    assert "not a JSON object" in spy.failed[0][1]
    with db.session() as session:
        rows = {r.visitor_email: r for r in session.execute(select(Submission)).scalars()}
    bad = rows["not-an-email"]
    assert "invalid email address 'not-an-email' (kept as typed)" in bad.problems
    assert bad.visitor_name == '{"first": "Amé"}'
    assert bad.contact_id is None
    anonymous = next(r for r in rows.values() if any("no id" in p for p in r.problems))
    assert anonymous.source_key.startswith(f"api:{account.id}:sha256-")
    # The next sync does not store the id-less record again.
    again = api.sync_api_account(db, account, TOKEN, **FAST)
    assert again.added == 0


HTML_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Sign in &ndash; Acme\x1b[2J SSO</title></head>"
             b"<body><form>" + b"<input>" * 200 + b"</form></body></html>")


def test_a_web_page_instead_of_json_is_named_by_its_title(db: Database, server: FormApiServer,
                                                           netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(200, HTML_PAGE, {"Content-Type": "text/html; charset=utf-8"}),
                  when=page(2))
    spy = Spy()
    api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    ((_, reason),) = spy.failed
    assert reason.startswith("the Netlify Forms API sent a web page titled 'Sign in – Acme [2J "
                             "SSO', not valid JSON, from http://127.0.0.1:")
    assert ": a sign-in or proxy page, or the wrong base URL" in reason
    assert "<" not in reason
    assert "\x1b" not in reason


@pytest.mark.parametrize(("body", "said"), [
    (HTML_PAGE, "(HTTP 400: a web page titled 'Sign in – Acme [2J SSO')"),
    (b'{"error": "bad\\nrequest\\u001b[31m"}', '(HTTP 400: {"error": "bad\\nrequest\\u001b[31m"})'),
    (b"caf\xe9 \x1b[31mclosed\r\nfor maintenance", "(HTTP 400: caf\ufffd [31mclosed for maintenance)"),
    (b"", "(HTTP 400: Bad Request)"),
])
def test_a_refusal_quotes_the_server_in_one_printable_line(
        db: Database, server: FormApiServer, netlify: Any, body: bytes, said: str) -> None:
    _, account = netlify
    server.inject(Reply(400, body, {"Content-Type": "text/plain; charset=utf-8"}), when=page(1))
    with pytest.raises(api.ApiError) as caught:
        api.sync_api_account(db, account, TOKEN, **FAST)
    assert str(caught.value).endswith(f"refused the request {said}")
    assert str(caught.value).isprintable()


@pytest.mark.parametrize("charset", ["", "; charset=windows-1252"])
def test_a_page_in_windows_1252_is_read_not_skipped_at_every_sync(
        db: Database, server: FormApiServer, netlify: Any, charset: str) -> None:
    fake, account = netlify
    fake.records[3]["body"] = fake.records[3]["data"]["message"] = "Müller — café, s’il vous plaît"
    page_two = fake.handle(Seen(fake.path, {"page": "2", "per_page": "3"}, {}))
    body = json.dumps(page_two.body, ensure_ascii=False).encode("cp1252")
    server.inject(Reply(200, body, {**page_two.headers,
                                    "Content-Type": f"application/json{charset}"}), when=page(2))
    spy = Spy()
    api.sync_api_account(db, account, TOKEN, reporter=spy, **FAST)
    assert spy.failed == []
    assert count(db) == len(fake.records)
    with db.session() as session:
        bodies = set(session.execute(select(Submission.body_text)).scalars())
    assert any("Müller — café, s’il vous plaît" in (b or "") for b in bodies)


def test_a_bad_date_is_a_problem_not_a_failure(db: Database, server: FormApiServer,
                                               api_account: ApiAccountFactory) -> None:
    Generic(server, records=[{"uuid": "1", "created": "yesterday-ish", "text": "hi",
                              "contact": {"email": "a@b.example"}}])
    account = api_account("generic", config={
        "url": "{base_url}/v1/leads", "records": "data", "order": "oldest_first",
        "fields": {"id": "uuid", "email": "contact.email", "message": "text",
                   "submitted_at": "created"}})
    assert api.sync_api_account(db, account, TOKEN).added == 1
    with db.session() as session:
        row = session.execute(select(Submission)).scalar_one()
    assert row.problems == ["submission date 'yesterday-ish' is not a date"]


def test_a_cut_connection_is_retried(db: Database, server: FormApiServer, netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(cut=True), when=page(2))
    result = api.sync_api_account(db, account, TOKEN, **FAST)
    assert (result.added, result.retries) == (7, 1)


def test_a_connection_that_stays_cut_keeps_what_was_fetched(db: Database, server: FormApiServer,
                                                            netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(cut=True), times=3, when=page(3))
    with pytest.raises(api.ApiConnectionError) as error:
        api.sync_api_account(db, account, TOKEN, max_attempts=3, **FAST)
    message = str(error.value)
    assert "connection" in message
    assert "kept" in message
    assert "\n" not in message
    assert count(db) == 6
    cursor = load_cursor(db, account.id)
    assert cursor.walk is not None
    assert cursor.walk["resume"] == {"page": 3}
    # The next sync starts at page 3, then looks at the newest page once more.
    before = len(server.requests)
    assert api.sync_api_account(db, account, TOKEN, **FAST).added == 1
    assert [s.query["page"] for s in server.requests[before:]] == ["3", "1"]


def test_an_expired_token_is_one_clear_line(db: Database, server: FormApiServer,
                                            netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(401, {"code": 401, "message": "Access Denied: your token expired"}), times=99)
    with pytest.raises(api.ApiAuthError) as error:
        api.sync_api_account(db, account, TOKEN, **FAST)
    message = str(error.value)
    assert message == (f"the Netlify Forms API (127.0.0.1:{server.httpd.server_address[1]}) "
                       f"rejected the token (HTTP 401 Unauthorized); it may be wrong, expired or "
                       f"lack read access: give a new one with "
                       f"`leaddesk accounts edit forms --token-stdin`")
    assert TOKEN not in message
    assert len(server.requests) == 1  # a rejected token is not retried


def test_a_key_in_the_query_never_shows(db: Database, server: FormApiServer,
                                        api_account: ApiAccountFactory) -> None:
    server.inject(Reply(400, {"error": f"bad key {TOKEN}"}), times=99)
    account = api_account("generic", config={
        "url": "{base_url}/v1/leads", "records": "data", "auth": {"type": "query", "name": "key"},
        "fields": {"id": "uuid"}})
    with pytest.raises(api.ApiError) as error:
        api.sync_api_account(db, account, TOKEN)
    assert server.requests[0].query["key"] == TOKEN
    assert TOKEN not in str(error.value)
    assert "bad key •••" in str(error.value)


def test_cancel_during_a_retry_wait(db: Database, server: FormApiServer, netlify: Any) -> None:
    _, account = netlify
    server.inject(Reply(503, {}, {"Retry-After": "30"}), times=99, when=page(2))
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        api.sync_api_account(db, account, TOKEN, cancel=cancel)
    assert time.monotonic() - started < 5
    assert count(db) == 3


def test_a_cursor_api_stops_at_an_unreadable_page(db: Database, server: FormApiServer,
                                                  api_account: ApiAccountFactory) -> None:
    HubSpot(server)
    account = api_account("hubspot", form="a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", config={"limit": 3})
    server.inject(Reply(200, {"results": "nope"}), when=lambda seen: "after" in seen.query)
    spy = Spy()
    result = api.sync_api_account(db, account, TOKEN, reporter=spy)
    # Without the page the next cursor is unknown: the walk stops there and resumes next time.
    assert (result.added, result.failed_pages) == (3, 1)
    assert "without its list of results" in spy.failed[0][1]
    assert api.sync_api_account(db, account, TOKEN).added == 4


# ---------------------------------------------------------------------- check_connection
def test_check_connection_passes_and_names_failures(server: FormApiServer,
                                                    api_account: ApiAccountFactory) -> None:
    Netlify(server)
    good = api_account("netlify", form=FORM, base_url=server.url + "/api/v1")
    api.check_connection(good, TOKEN)
    assert len(server.requests) == 1

    missing = api_account("netlify", name="missing", form="nope", base_url=server.url + "/api/v1")
    with pytest.raises(api.ApiNotFoundError, match=r"/forms/nope/submissions \(HTTP 404\)"):
        api.check_connection(missing, TOKEN)

    server.inject(Reply(403, {}), times=1)
    with pytest.raises(api.ApiAuthError, match="rejected the token"):
        api.check_connection(good, TOKEN)


def test_check_connection_refused_and_dns(api_account: ApiAccountFactory) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused = api_account("hubspot", form="g", base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(api.ApiConnectionError, match="refused the connection"):
        api.check_connection(refused, TOKEN)
    nowhere = api_account("hubspot", name="nowhere", form="g",
                          base_url="https://leaddesk-test.invalid")
    with pytest.raises(api.ApiConnectionError, match="DNS lookup failed"):
        api.check_connection(nowhere, TOKEN)


def test_check_connection_tls(api_account: ApiAccountFactory, server: FormApiServer) -> None:
    # An https client speaking to a plain-http server: the handshake fails.
    account = api_account("hubspot", form="g", base_url=server.url.replace("http://", "https://"))
    with pytest.raises(api.ApiConnectionError, match="TLS"):
        api.check_connection(account, TOKEN)


def test_raw_is_the_record_json(db: Database, server: FormApiServer, netlify: Any) -> None:
    fake, account = netlify
    api.sync_api_account(db, account, TOKEN)
    with db.session() as session:
        raws = [json.loads(r or b"") for r in session.execute(select(Submission.raw)).scalars()]
    assert sorted(r["id"] for r in raws) == sorted(r["id"] for r in fake.records)
    assert all(isinstance(s, Seen) for s in server.requests)


@pytest.mark.parametrize(("config", "message"), [
    ({"url": "http://api.example.com/leads", "fields": {"id": "id"}}, "must use https://"),
    ({"url": "ftp://x/leads", "fields": {"id": "id"}}, "must start with https://"),
    ({"url": "{base_url}/x", "fields": {}}, "needs fields.id"),
    ({"url": "{base_url}/x", "fields": {"id": "id", "mail": "e"}}, "unknown field keys mail"),
    ({"url": "{base_url}/x", "fields": {"id": "id"}, "pagination": {"style": "cursor"}},
     "needs cursor_path"),
    ({"url": "{base_url}/x", "fields": {"id": "a[b"}}, "cannot read the JSON path"),
    ({"url": "{base_url}/x", "fields": {"id": "id"}, "auth": {"type": "oauth"}}, "auth.type"),
    # Secrets written into the configuration would be stored in the database with it.
    ({"url": "{base_url}/x", "fields": {"id": "id"},
      "auth": {"type": "header", "name": "X-API-Key", "value": "k-1"}},
     "auth takes only type, name and username, not value; LeadDesk keeps secrets only in the "
     "keyring"),
    ({"url": "{base_url}/x", "fields": {"id": "id"}, "params": {"API_KEY": "k-1", "page_token": 1}},
     r"params must not carry a key \(API_KEY\)"),
    ({"url": "https://api.example.com/leads?status=new&token=k-1", "fields": {"id": "id"}},
     r"must not carry a key in its query \(token\)"),
    ({"url": "https://ada:k-1@api.example.com/leads", "fields": {"id": "id"}},
     "must not hold a user name or password"),
])
def test_generic_configuration_is_checked(config: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        api.check_settings("generic", base_url="https://api.example.com", config=config)


def test_a_query_key_stays_out_of_the_log(db: Database, server: FormApiServer,
                                          api_account: ApiAccountFactory,
                                          caplog: pytest.LogCaptureFixture) -> None:
    Generic(server)
    account = api_account("generic", config={
        "url": "{base_url}/v1/leads", "records": "data", "auth": {"type": "query", "name": "key"},
        "fields": {"id": "uuid"}, "order": "oldest_first"})
    server.inject(Reply(500, {}))
    with caplog.at_level("DEBUG"):
        assert api.sync_api_account(db, account, TOKEN, **FAST).added == 7
    assert server.requests[0].query["key"] == TOKEN
    assert "/v1/leads" in caplog.text
    assert TOKEN not in caplog.text
