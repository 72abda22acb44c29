"""The HTTP client against a real server on loopback: allowlist, redirects, timeouts, byte cap."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import pytest

from leaddesk.posts import fetch
from leaddesk.posts.fetch import HTML_ACCEPT, USER_AGENT, FetchConfig, Fetcher, FetchError
from leaddesk.posts.sites import Allowlist
from tests.posts.server import Answer, TestSite
from tests.support.stalling_http import StallingHttpServer
from tests.support.waiting import finishes_within

PAGE = b"<!DOCTYPE html><title>Hello</title><p>Some text of the post, long enough.</p>"


def fetcher(site: TestSite, **config: float) -> Fetcher:
    return Fetcher(Allowlist({site.base: None}), FetchConfig(**config))  # type: ignore[arg-type]


def test_get_sends_an_honest_user_agent_and_reads_the_page(site: TestSite) -> None:
    site.routes["/blog/a/"] = Answer(body=PAGE, headers={"ETag": '"v1"'})
    with fetcher(site) as f:
        r = f.get(f"{site.base}/blog/a/", accept=HTML_ACCEPT)
    assert (r.status, r.content_type, r.charset, r.etag, r.body) == (
        200, "text/html", "utf-8", '"v1"', PAGE)
    assert site.seen[0].headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("LeadDesk/")


def test_a_host_not_on_the_allowlist_is_never_requested(site: TestSite) -> None:
    site.routes["/internal/admin"] = Answer(body=PAGE)
    # The same server under another name: a different origin, so not allowed.
    stranger = site.base.replace("127.0.0.1", "localhost") + "/internal/admin"
    with fetcher(site) as f, pytest.raises(FetchError, match="not one of the team's sites") as e:
        f.get(stranger, accept=HTML_ACCEPT)
    assert e.value.retry is False
    assert site.paths == []


def test_a_redirect_within_the_site_is_followed(site: TestSite) -> None:
    site.routes["/blog/old"] = Answer(301, headers={"Location": "/blog/new/"})
    site.routes["/blog/new/"] = Answer(body=PAGE)
    with fetcher(site) as f:
        r = f.get(f"{site.base}/blog/old", accept=HTML_ACCEPT)
    assert r.url == f"{site.base}/blog/new/"
    assert site.paths == ["/blog/old", "/blog/new/"]


def test_a_redirect_leaving_the_allowlist_is_not_followed(site: TestSite) -> None:
    elsewhere = site.base.replace("127.0.0.1", "localhost") + "/steal"
    site.routes["/blog/a/"] = Answer(302, headers={"Location": elsewhere})
    site.routes["/steal"] = Answer(body=PAGE)
    with fetcher(site) as f, pytest.raises(FetchError, match="redirects to localhost"):
        f.get(f"{site.base}/blog/a/", accept=HTML_ACCEPT)
    assert site.paths == ["/blog/a/"]


def test_a_redirect_loop_ends(site: TestSite) -> None:
    site.routes["/loop"] = Answer(302, headers={"Location": "/loop"})
    with fetcher(site, max_redirects=3) as f, pytest.raises(FetchError, match="redirects"):
        f.get(f"{site.base}/loop", accept=HTML_ACCEPT)
    assert site.paths == ["/loop"] * 4


def test_a_response_slower_than_the_timeout_gives_up(site: TestSite) -> None:
    site.routes["/slow/"] = Answer(body=PAGE, delay=3.0)
    started = time.monotonic()
    with fetcher(site, read_timeout=0.3) as f, pytest.raises(FetchError, match="in time") as e:
        f.get(f"{site.base}/slow/", accept=HTML_ACCEPT)
    assert time.monotonic() - started < 2.0
    assert e.value.retry


def test_a_trickling_response_hits_the_total_timeout(site: TestSite) -> None:
    def trickle(seen: object) -> Answer:
        return Answer(body=PAGE, filler=50_000_000)
    site.routes["/big/"] = trickle
    # The body streams fast here; a total budget of zero seconds stops it after the first chunk.
    with fetcher(site, total_timeout=0.0) as f, pytest.raises(FetchError, match="in time"):
        f.get(f"{site.base}/big/", accept=HTML_ACCEPT)


def test_a_50_mb_body_is_cut_off_at_the_cap(site: TestSite) -> None:
    site.routes["/huge/"] = Answer(body=PAGE, filler=50 * 1024 * 1024)
    cap = 256 * 1024
    with fetcher(site, max_bytes=cap) as f:
        r = f.get(f"{site.base}/huge/", accept=HTML_ACCEPT)
    assert r.truncated
    assert len(r.body) == cap
    assert r.body.startswith(PAGE)
    assert site.done.wait(10)
    # The client hung up: the server could not send the 50 MB (only what the socket buffers held).
    assert site.sent["/huge/"] < 50 * 1024 * 1024


def test_a_refused_connection_is_a_retryable_failure() -> None:
    allowlist = Allowlist({"http://127.0.0.1:9": None})  # the discard port: nothing listens
    with Fetcher(allowlist, FetchConfig(connect_timeout=1.0)) as f, \
            pytest.raises(FetchError, match="could not reach") as e:
        f.get("http://127.0.0.1:9/blog/a/", accept=HTML_ACCEPT)
    assert e.value.retry


def test_conditional_headers_are_sent(site: TestSite) -> None:
    site.routes["/blog/a/"] = Answer(304, headers={"ETag": '"v1"'})
    with fetcher(site) as f:
        r = f.get(f"{site.base}/blog/a/", accept=HTML_ACCEPT, etag='"v1"',
                  last_modified="Tue, 01 Sep 2026 07:00:00 GMT")
    assert r.status == 304
    assert site.seen[0].headers["if-none-match"] == '"v1"'
    assert site.seen[0].headers["if-modified-since"] == "Tue, 01 Sep 2026 07:00:00 GMT"


def test_a_mirrored_site_is_fetched_from_its_fetch_base(site: TestSite) -> None:
    site.routes["/blog/a/"] = Answer(301, headers={
        "Location": "https://www.example-pharma-agency.com/blog/b/"})
    site.routes["/blog/b/"] = Answer(body=PAGE)
    allowlist = Allowlist({"https://www.example-pharma-agency.com": site.base})
    with Fetcher(allowlist) as f:
        r = f.get("https://www.example-pharma-agency.com/blog/a/?utm=x", accept=HTML_ACCEPT)
    # A redirect naming the real origin goes through the mirror again; the URL stays the site's.
    assert r.url == "https://www.example-pharma-agency.com/blog/b/"
    assert site.paths == ["/blog/a/?utm=x", "/blog/b/"]


# ------------------------------------------------------------------ the allowlist at every hop
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_checked_and_followed(site: TestSite, status: int) -> None:
    site.routes["/a"] = Answer(status, headers={"Location": "/b"})
    site.routes["/b"] = Answer(body=PAGE)
    with fetcher(site) as f:
        r = f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert (r.url, r.status, r.body) == (f"{site.base}/b", 200, PAGE)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_every_redirect_status_leaving_the_sites_is_refused(site: TestSite, status: int) -> None:
    site.routes["/a"] = Answer(status, headers={"Location": "http://localhost:1/admin"})
    with fetcher(site) as f, pytest.raises(FetchError) as e:
        f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert str(e.value) == ("the page redirects to localhost, which is not one of the team's sites; "
                            "the redirect was not followed")
    assert e.value.retry is False


def test_a_later_hop_leaving_the_sites_is_refused_too(site: TestSite) -> None:
    site.routes["/a"] = Answer(302, headers={"Location": "/b"})
    site.routes["/b"] = Answer(302, headers={"Location": site.base.replace("127.0.0.1", "localhost")
                                            + "/c"})
    site.routes["/c"] = Answer(body=PAGE)
    with fetcher(site) as f, pytest.raises(FetchError, match="redirects to localhost"):
        f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert site.paths == ["/a", "/b"]


def test_another_port_on_the_same_host_is_another_site(site: TestSite) -> None:
    other_port = site.base.rsplit(":", 1)[0] + ":1"
    site.routes["/a"] = Answer(302, headers={"Location": other_port + "/admin"})
    with fetcher(site) as f, pytest.raises(FetchError, match=r"redirects to 127\.0\.0\.1"):
        f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    with fetcher(site) as f, pytest.raises(FetchError) as e:
        f.get(other_port + "/admin", accept=HTML_ACCEPT)
    assert str(e.value) == ("127.0.0.1 is not one of the team's sites, so it is not requested "
                            "(add it with `leaddesk sites add`)")
    assert site.paths == ["/a"]


def test_exactly_max_redirects_are_followed(site: TestSite) -> None:
    for n in range(3):
        site.routes[f"/hop{n}"] = Answer(302, headers={"Location": f"/hop{n + 1}"})
    site.routes["/hop3"] = Answer(body=PAGE)
    with fetcher(site, max_redirects=3) as f:
        assert f.get(f"{site.base}/hop0", accept=HTML_ACCEPT).body == PAGE
    with fetcher(site, max_redirects=2) as f, pytest.raises(FetchError) as e:
        f.get(f"{site.base}/hop0", accept=HTML_ACCEPT)
    assert str(e.value) == "more than 2 redirects"
    assert e.value.retry is False


def test_a_redirect_status_without_a_location_is_the_answer(site: TestSite) -> None:
    site.routes["/a"] = Answer(302, body=PAGE)
    with fetcher(site) as f:
        r = f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert (r.status, r.body) == (302, PAGE)
    assert site.paths == ["/a"]


def test_no_conditional_headers_unless_asked(site: TestSite) -> None:
    site.routes["/blog/a/"] = Answer(body=PAGE, content_type='text/HTML; Charset="ISO-8859-1"')
    with fetcher(site) as f:
        r = f.get(f"{site.base}/blog/a/", accept="application/json")
    assert (r.content_type, r.charset, r.etag, r.last_modified, r.truncated) == (
        "text/html", "iso-8859-1", None, None, False)
    headers = site.seen[0].headers
    assert "if-none-match" not in headers
    assert "if-modified-since" not in headers
    assert headers["accept"] == "application/json"


def test_a_refused_connection_names_the_host_without_the_errno() -> None:
    allowlist = Allowlist({"http://127.0.0.1:9": None})
    with Fetcher(allowlist, FetchConfig(connect_timeout=1.0)) as f, pytest.raises(FetchError) as e:
        f.get("http://127.0.0.1:9/blog/a/", accept=HTML_ACCEPT)
    assert str(e.value).startswith("could not reach 127.0.0.1:9: ")
    assert "Errno" not in str(e.value)


# ------------------------------------------------------------------ what a response says
@pytest.mark.parametrize(("params", "charset"), [
    (' charset="UTF-8"', "utf-8"), (" format=flowed; CharSet=latin1", "latin1"),
    (" charset=", None), (" charset", None), ("", None), (" name=a=b; charset=koi8-r", "koi8-r"),
])
def test_the_charset_parameter(params: str, charset: str | None) -> None:
    assert fetch._charset(params) == charset


@pytest.mark.parametrize(("content_type", "media", "charset"), [
    ("text/html; charset=utf-8; format=flowed", "text/html", "utf-8"),
    (None, "", None),
])
def test_the_media_type_without_its_parameters(site: TestSite, content_type: str | None,
                                                media: str, charset: str | None) -> None:
    site.routes["/a"] = Answer(body=PAGE, content_type=content_type)
    with fetcher(site) as f:
        r = f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert (r.content_type, r.charset) == (media, charset)


def test_the_kind_of_timeout_is_named() -> None:
    assert fetch._kind(httpx.ConnectTimeout("x")) == "connecting"
    assert fetch._kind(httpx.ReadTimeout("x")) == "waiting for the page"
    assert fetch._kind(httpx.PoolTimeout("x")) == "timeout"


@pytest.mark.parametrize(("error", "reason"), [
    (httpx.ConnectError("[Errno 111] Connection refused"), "Connection refused"),
    (httpx.ConnectError("[Errno -2] Name or service not known] really"),
     "Name or service not known] really"),
    (httpx.ConnectError("TLS handshake failed"), "TLS handshake failed"),
    (httpx.ConnectError(""), "ConnectError"),
])
def test_the_reason_drops_the_errno_only(error: httpx.TransportError, reason: str) -> None:
    assert fetch._reason(error) == reason


def test_a_slow_page_names_what_it_waited_for(site: TestSite) -> None:
    site.routes["/slow/"] = Answer(body=PAGE, delay=3.0)
    with fetcher(site, read_timeout=0.3) as f, pytest.raises(FetchError) as e:
        f.get(f"{site.base}/slow/", accept=HTML_ACCEPT)
    assert str(e.value) == "the site did not answer in time (waiting for the page)"


def test_a_refused_connection_says_so_in_words() -> None:
    allowlist = Allowlist({"http://127.0.0.1:9": None})
    with Fetcher(allowlist, FetchConfig(connect_timeout=1.0)) as f, pytest.raises(FetchError) as e:
        f.get("http://127.0.0.1:9/blog/a/", accept=HTML_ACCEPT)
    assert str(e.value) == "could not reach 127.0.0.1:9: Connection refused"


@pytest.mark.parametrize("size", [100_000 - 1, 100_000, 300_000])
def test_the_body_is_read_whole_up_to_the_cap(site: TestSite, size: int) -> None:
    body = bytes(i % 251 for i in range(size))  # no two chunks alike: a lost or extra byte shows
    site.routes["/a"] = Answer(body=body, content_type="application/octet-stream")
    with fetcher(site, max_bytes=100_000) as f:
        r = f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert r.body == body[:100_000]
    assert r.truncated is (size >= 100_000)


def test_a_small_page_is_read_whole(site: TestSite) -> None:
    body = bytes(i % 251 for i in range(300_000))
    site.routes["/a"] = Answer(body=body)
    with fetcher(site) as f:
        r = f.get(f"{site.base}/a", accept=HTML_ACCEPT)
    assert (r.body, r.truncated) == (body, False)


def test_the_own_sites_on_loopback_never_go_through_a_proxy(site: TestSite,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    site.routes["/a"] = Answer(body=PAGE)
    with fetcher(site) as f:
        assert f.get(f"{site.base}/a", accept=HTML_ACCEPT).body == PAGE
    by_name = site.base.replace("127.0.0.1", "localhost")
    with Fetcher(Allowlist({by_name: None})) as f:
        assert f.get(f"{by_name}/a", accept=HTML_ACCEPT).body == PAGE


def test_a_busy_host_does_not_hold_up_another(site: TestSite) -> None:
    release = threading.Event()

    def held(seen: object) -> Answer:
        release.wait(10)
        return Answer(body=PAGE)
    site.routes["/held"] = held
    site.routes["/free"] = Answer(body=PAGE)
    other = site.base.replace("127.0.0.1", "localhost")
    allowlist = Allowlist({site.base: None, other: None})
    with Fetcher(allowlist, FetchConfig(per_host=1)) as f:
        busy = threading.Thread(target=f.get, args=(f"{other}/held",), kwargs={"accept": HTML_ACCEPT})
        busy.start()
        deadline = time.monotonic() + 10
        while "/held" not in site.paths and time.monotonic() < deadline:
            time.sleep(0.01)
        try:
            # localhost's only slot is taken; 127.0.0.1 has a slot of its own.
            assert f.get(f"{site.base}/free", accept=HTML_ACCEPT).body == PAGE
            assert busy.is_alive()
        finally:
            release.set()
            busy.join(10)


def test_the_last_modified_date_is_kept(site: TestSite) -> None:
    site.routes["/a"] = Answer(body=PAGE, headers={"Last-Modified": "Tue, 01 Sep 2026 07:00:00 GMT"})
    with fetcher(site) as f:
        assert f.get(f"{site.base}/a", accept=HTML_ACCEPT).last_modified == (
            "Tue, 01 Sep 2026 07:00:00 GMT")


@pytest.mark.parametrize(("params", "charset"), [
    (" charset=x=y", "x=y"), (' charset="X-MAC-ROMAN"', "x-mac-roman"),
])
def test_the_charset_value_is_everything_after_the_first_equals_sign(params: str,
                                                                     charset: str) -> None:
    assert fetch._charset(params) == charset


@pytest.mark.parametrize(("error", "reason"), [
    (httpx.ConnectError("handshake] failed"), "handshake] failed"),
    (httpx.ConnectError("[Errno"), "[Errno"),
])
def test_a_reason_without_an_errno_prefix_is_kept_whole(error: httpx.TransportError,
                                                        reason: str) -> None:
    assert fetch._reason(error) == reason


def test_an_unusable_address_is_not_worth_a_retry(site: TestSite) -> None:
    with fetcher(site) as f, pytest.raises(FetchError) as e:
        f.get(f"{site.base}/a\x00b", accept=HTML_ACCEPT)
    assert str(e.value).startswith("not a usable address: Invalid non-printable ASCII character")
    assert e.value.retry is False
    assert site.paths == []


def test_a_site_that_never_accepts_the_connection_gives_up_at_the_connect_timeout() -> None:
    # A listening socket that never accepts, its queue filled: Linux drops further SYNs, so a new
    # connection hangs in connect() as a far host that does not answer would (all on loopback).
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = [socket.socket() for _ in range(3)]
        try:
            for filler in fillers:
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
            base = f"http://127.0.0.1:{port}"
            started = time.monotonic()
            with Fetcher(Allowlist({base: None}), FetchConfig(connect_timeout=0.3, read_timeout=30,
                                                              total_timeout=30)) as f, \
                    pytest.raises(FetchError) as e:
                f.get(f"{base}/a", accept=HTML_ACCEPT)
            assert str(e.value) == "the site did not answer in time (connecting)"
            assert time.monotonic() - started < 10
        finally:
            for filler in fillers:
                filler.close()


def test_headers_creeping_in_a_byte_at_a_time_are_given_up_on() -> None:
    # Each byte restarts the read timeout; only the total, watched from outside, ends the wait.
    server = StallingHttpServer(trickle=True)
    base = f"http://127.0.0.1:{server.port}"

    def get() -> object:
        with Fetcher(Allowlist({base: None}), FetchConfig(read_timeout=5.0, total_timeout=1.0)) as f:
            return f.get(f"{base}/blog/a/", accept=HTML_ACCEPT)

    try:
        finished, outcome, took = finishes_within(get, 30)
    finally:
        server.close()
    assert finished, f"the request still hung after {took:.0f} s"
    assert isinstance(outcome, FetchError)
    assert str(outcome) == "the site did not answer in time (its answer crept in too slowly)"
    assert outcome.retry
