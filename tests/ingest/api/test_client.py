"""The HTTP client's retries as a server on loopback sees them: a server that does not answer in
time is asked twice, not five times, and so is one that trickles its answer (its headers too) a
byte at a time; a cut connection and a 5xx keep every attempt; a page beyond the size limit is
not read; a gzipped answer is read. And the token never leaves for another host, by a redirect
or a next-page link, whichever way it travels; nor to a server whose certificate is made out to
another host or expired, which the message names."""

from __future__ import annotations

import gzip
import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.ingest.api.server import FormApiServer, Reply
from tests.ingest.tls_listener import TlsListener, certificate
from tests.support.stalling_http import StallingHttpServer
from tests.support.waiting import finishes_within

from leaddesk.ingest.api import ApiConnectionError, ApiError, PageError
from leaddesk.ingest.api import client as api_client
from leaddesk.ingest.api.client import MAX_ATTEMPTS, TIMEOUT_ATTEMPTS, ApiClient, Auth

TOKEN = "tok-3f9a7c1e5b"


def client(**options: float) -> ApiClient:
    return ApiClient(Auth("bearer", TOKEN), what="the test API", account="forms",
                     backoff_base=0.01, backoff_cap=0.02, **options)  # type: ignore[arg-type]


def test_a_server_that_does_not_answer_in_time_is_asked_twice(server: FormApiServer) -> None:
    server.inject(Reply(200, [], delay=1.0), times=MAX_ATTEMPTS)
    with client(timeout=0.2) as api, pytest.raises(ApiConnectionError) as caught:
        api.get(f"{server.url}/slow")
    assert len(server.seen("/slow")) == TIMEOUT_ATTEMPTS < MAX_ATTEMPTS
    assert str(caught.value) == ("the test API at 127.0.0.1:"
                                 f"{server.url.rsplit(':', 1)[1]} did not answer in time; "
                                 "everything fetched so far was kept, sync again later")
    assert TOKEN not in str(caught.value)


def test_an_answer_trickling_in_a_byte_at_a_time_is_given_up_on_and_asked_twice(
        server: FormApiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each byte comes well within the read timeout: only the whole answer's limit ends it.
    monkeypatch.setattr(api_client, "PAGE_SECONDS", 0.5)
    server.inject(Reply(200, [{"id": n} for n in range(50)], trickle=0.05), times=MAX_ATTEMPTS)
    with client(timeout=5.0) as api, pytest.raises(ApiConnectionError) as caught:
        api.get(f"{server.url}/slow")
    assert len(server.seen("/slow")) == TIMEOUT_ATTEMPTS
    assert "did not answer in time" in str(caught.value)


def test_headers_trickling_in_a_byte_at_a_time_are_given_up_on_and_asked_twice(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The body's own limit starts only once the headers are in: these never end.
    monkeypatch.setattr(api_client, "PAGE_SECONDS", 1.0)
    server = StallingHttpServer(trickle=True)

    def get() -> object:
        with client(timeout=5.0) as api:
            return api.get(f"http://127.0.0.1:{server.port}/slow")

    try:
        finished, outcome, took = finishes_within(get, 30)
    finally:
        server.close()
    assert finished, f"the request still hung after {took:.0f} s"
    assert server.connections == TIMEOUT_ATTEMPTS
    assert isinstance(outcome, ApiConnectionError)
    assert str(outcome) == (f"the test API at 127.0.0.1:{server.port} did not answer in time; "
                            f"everything fetched so far was kept, sync again later")


def test_a_page_beyond_the_size_limit_is_not_read(server: FormApiServer,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api_client, "PAGE_BYTES", 10_000)
    server.route("/huge", lambda seen: Reply(200, [{"id": n, "x": "y" * 100} for n in range(200)]))
    with client() as api, pytest.raises(PageError) as caught:
        api.get(f"{server.url}/huge")
    assert str(caught.value) == (
        f"the test API sent a page larger than 0 MB from {server.url}/huge; it was not read. Ask "
        f"for fewer records a page (per_page, limit or page_size in --config)")
    assert len(server.seen("/huge")) == 1  # not asked again and again


def test_a_gzipped_answer_is_read(server: FormApiServer) -> None:
    body = gzip.compress(json.dumps([{"id": 7}]).encode())
    server.route("/zipped", lambda seen: Reply(200, body, {"Content-Encoding": "gzip"}))
    with client() as api:
        assert api.get_json(f"{server.url}/zipped")[0] == [{"id": 7}]


def test_one_slow_answer_then_a_quick_one_is_fetched(server: FormApiServer) -> None:
    server.inject(Reply(200, [], delay=1.0), times=1)
    server.route("/slow", lambda seen: Reply(200, [{"id": 1}]))
    with client(timeout=0.2) as api:
        assert api.get(f"{server.url}/slow").json() == [{"id": 1}]
    assert len(server.seen("/slow")) == 2


def test_cut_connections_and_server_errors_keep_every_attempt(server: FormApiServer) -> None:
    server.inject(Reply(cut=True), times=MAX_ATTEMPTS, when=lambda seen: seen.path == "/cut")
    server.inject(Reply(503, {"message": "down"}), times=MAX_ATTEMPTS,
                  when=lambda seen: seen.path == "/down")
    with client(timeout=2.0) as api:
        with pytest.raises(ApiConnectionError):
            api.get(f"{server.url}/cut")
        with pytest.raises(ApiError):
            api.get(f"{server.url}/down")
    assert len(server.seen("/cut")) == MAX_ATTEMPTS
    assert len(server.seen("/down")) == MAX_ATTEMPTS


@pytest.fixture
def elsewhere() -> Iterator[FormApiServer]:
    """A second server, on another host name (localhost, where the first is 127.0.0.1)."""
    instance = FormApiServer()
    instance.route("/", lambda seen: Reply(200, [{"id": "stolen"}]))
    yield instance
    instance.close()


def _elsewhere_url(other: FormApiServer, path: str) -> str:
    return other.url.replace("127.0.0.1", "localhost") + path


@pytest.mark.parametrize("kind", ["bearer", "header", "basic", "query"])
def test_the_token_never_follows_a_redirect_or_a_link_to_another_host(
        server: FormApiServer, elsewhere: FormApiServer, kind: str) -> None:
    server.route("/moved", lambda seen: Reply(302, b"", {
        "Location": _elsewhere_url(elsewhere, "/steal")}))
    server.route("/here", lambda seen: Reply(200, [{"id": 1}]))
    auth = Auth(kind, TOKEN, name="X-API-Key")
    with ApiClient(auth, what="the test API", account="forms") as api:
        assert api.get_json(f"{server.url}/here")[0] == [{"id": 1}]
        for url in (f"{server.url}/moved", _elsewhere_url(elsewhere, "/next-page")):
            with pytest.raises(ApiError) as caught:
                api.get(url)
            message = str(caught.value)
            assert message == (
                f"the test API ({server.url.removeprefix('http://')}) sent LeadDesk on to another "
                f"host, {_elsewhere_url(elsewhere, '').removeprefix('http://')} (a redirect or a "
                f"next-page link); the token is only ever sent to the host of the base URL: if "
                f"the service has moved, set its address with `leaddesk accounts edit forms "
                f"--base-url URL`")
    assert elsewhere.requests == []  # nothing at all left for the other host


def test_a_redirect_on_the_same_host_is_followed_with_the_token(server: FormApiServer) -> None:
    server.route("/old", lambda seen: Reply(301, b"", {"Location": "/new"}))
    server.route("/new", lambda seen: Reply(200, [{"id": 2}]))
    auth = Auth("header", TOKEN, name="X-API-Key")
    with ApiClient(auth, what="the test API", account="forms") as api:
        assert api.get_json(f"{server.url}/old")[0] == [{"id": 2}]
    assert server.seen("/new")[0].headers["x-api-key"] == TOKEN


@pytest.mark.parametrize(("names", "expired", "expected"), [
    (("api.other-host.example",), False,
     "is made out to another host (IP address mismatch, certificate is not valid for "
     "'127.0.0.1'.); check the host in the base URL"),
    (("127.0.0.1",), True,
     "has expired (certificate has expired): the server's administrator must renew it; if it "
     "should be valid, check this computer's date and time"),
], ids=["another-host", "expired"])
def test_a_wrong_certificate_says_what_is_wrong_with_it_and_sends_nothing(
        tmp_path: Path, names: tuple[str, ...], expired: bool, expected: str) -> None:
    cert = certificate(tmp_path, names=names, expired=expired)
    server = TlsListener(cert, greeting=b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")
    try:
        with ApiClient(Auth("bearer", TOKEN), what="the test API", account="forms",
                       verify=ssl.create_default_context(cafile=cert)) as api, \
                pytest.raises(ApiConnectionError) as caught:
            api.get(f"https://127.0.0.1:{server.port}/leads")
    finally:
        server.close()
    assert str(caught.value) == f"the certificate of 127.0.0.1:{server.port} {expected}"
    assert server.handshakes == 0  # the token never left
