"""HTTP for the form-backend sources: httpx with timeouts, retries and errors that never show a token.

429 (with its Retry-After) and 5xx answers, timeouts and cut connections are retried with a capped,
jittered exponential backoff; the waits poll the cancel token, so Cancel and Ctrl-C stop a sync
within a tenth of a second. DNS failures, refused connections and TLS errors are not retried: they
do not heal in seconds, and the user wants the cause at once. Every message is built here from the
host and the path only (httpx's own messages carry the whole URL, query and all, and an API key may
travel in the query) and is scrubbed of the token besides.
"""

from __future__ import annotations

import contextlib
import email.utils
import html
import json
import logging
import random
import re
import socket
import ssl
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from leaddesk import __version__
from leaddesk.ingest.api.errors import (
    ApiAuthError,
    ApiConnectionError,
    ApiError,
    ApiNotFoundError,
    ApiRateLimitError,
    PageError,
)
from leaddesk.net_deadline import Deadline, opened_socket
from leaddesk.net_errors import certificate_failure, server_words
from leaddesk.progress import CancelToken

log = logging.getLogger(__name__)
# httpx logs every request with its whole URL at INFO, query included, and an API key may travel in
# the query: its loggers are held at WARNING, and this module logs the URL without the query itself.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)

USER_AGENT = f"LeadDesk/{__version__} (form submissions sync)"
TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_ATTEMPTS = 5
# A server that let one request run into the read timeout (30 s) is asked once more, not four
# times: five slow attempts kept a sync (and the user watching it) waiting almost three minutes
# for a server that was not going to answer. Cut connections and 5xx keep MAX_ATTEMPTS.
TIMEOUT_ATTEMPTS = 2
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
# A Retry-After longer than this (on a 429 or a 5xx) is reported rather than waited for: a sync
# should not hang for an hour on a quota or a maintenance; the next run picks up where this one
# stopped.
RETRY_AFTER_CAP_SECONDS = 120.0
# One answer, whole, at most: far above any documented page (100 records of a few kB each).
PAGE_BYTES = 64 * 2**20
PAGE_SECONDS = 120.0
AUTH_KINDS = ("bearer", "basic", "header", "query", "none")


@dataclass(frozen=True)
class Auth:
    """How the token travels: ``bearer``, ``basic`` (user name + token as password, or a token
    written ``user:password``), an API-key ``header`` or ``query`` parameter named ``name``, or
    ``none``."""

    kind: str
    token: str
    name: str | None = None
    username: str | None = None

    def basic_pair(self) -> tuple[str, str]:
        if self.username is not None:
            return self.username, self.token
        user, sep, password = self.token.partition(":")
        return (user, password) if sep else ("", self.token)

    def secrets(self) -> list[str]:
        """Every string that must never appear in a message (the token and its basic-auth parts)."""
        parts = [self.token, *self.basic_pair()] if self.kind == "basic" else [self.token]
        return [p for p in parts if len(p) >= 4]


def where(url: str | httpx.URL) -> str:
    """Scheme, host and path of a URL: never its query or user info."""
    parts = urlsplit(str(url))
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


def _host(url: str | httpx.URL) -> str:
    parts = urlsplit(str(url))
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def _is_html(response: httpx.Response) -> bool:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml") or \
        response.content[:200].lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))


def _said(response: httpx.Response) -> str:
    """What an answer says, in a few words: an HTML page's title (its markup is noise), else the
    start of its text; printable, one line, never raw markup or terminal escapes."""
    if not response.content:
        return response.reason_phrase or "no text"
    try:
        text = response.text
    except (LookupError, ValueError):  # an unknown or lying charset
        text = response.content.decode("utf-8", "replace")
    if _is_html(response):
        title = re.search(r"<title[^>]*>(.*?)</title", text[:20_000], re.I | re.S)
        said = server_words(html.unescape(title.group(1)), 120) if title else ""
        return f"a web page titled {said!r}" if said else "a web page"
    return server_words(text[:400], 200)


_NOT_JSON = object()
_NESTED = object()
MAX_DEPTH = 100  # levels of JSON nesting in a page; a form record needs a handful


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether ``data`` nests more than ``limit`` levels (walked level by level, not by
    recursion: the point is a page too deep to recurse into)."""
    level = [data]
    for _ in range(limit):
        level = [v for item in level if isinstance(item, dict | list)
                 for v in (item.values() if isinstance(item, dict) else item)]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


def _cut_short(response: httpx.Response) -> bool:
    """Whether an answer is JSON that stops in the middle (a proxy or a connection that ended
    the body early, compressed data cut short): it fails at its very end, or in a string that
    never closes."""
    try:
        text = response.content.decode("utf-8", "replace")
        json.loads(text)
    except json.JSONDecodeError as exc:
        return exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
    except (ValueError, RecursionError):
        return False
    return False


def _lenient_json(response: httpx.Response) -> Any:
    """(data, encoding) of JSON that is not UTF-8 (JSON must be, RFC 8259, and httpx reads it
    so): in the charset the answer declares, else Windows-1252, what such servers mostly send
    (Latin-1 as the last resort: it reads any bytes). ``_NOT_JSON`` when it is no JSON at all;
    a page skipped for its letters would be skipped at every sync, its leads never read."""
    declared = response.charset_encoding
    for encoding in (declared, "cp1252", "latin-1"):
        if not encoding:
            continue
        try:
            return json.loads(response.content.decode(encoding)), encoding
        except (LookupError, ValueError):
            continue
    return _NOT_JSON


_TOKEN_LETTERS = frozenset(chr(c) for c in range(0x21, 0x7F))  # printable ASCII, no space


class _OtherHost(Exception):
    """A request was about to leave for another host than the client's (see _same_host_only)."""

    def __init__(self, url: httpx.URL) -> None:
        super().__init__(str(url.host))
        self.url = url


class ApiClient:
    """One sync's HTTP session with one service. ``what`` names it in messages ("the Netlify API")."""

    def __init__(self, auth: Auth, *, what: str, account: str, cancel: CancelToken | None = None,
                 timeout: httpx.Timeout | float | None = None, max_attempts: int | None = None,
                 backoff_base: float | None = None, backoff_cap: float | None = None,
                 verify: ssl.SSLContext | str | bool = True) -> None:
        # Defaults are read at call time, so that a test or tool can tune the module's constants.
        self.what = what
        self.account = account
        self.auth = auth = self._checked(auth)
        self.cancel = cancel or CancelToken()
        self.max_attempts = max(1, max_attempts if max_attempts is not None else MAX_ATTEMPTS)
        self.backoff_base: float = backoff_base if backoff_base is not None else BACKOFF_BASE_SECONDS
        self.backoff_cap: float = backoff_cap if backoff_cap is not None else BACKOFF_CAP_SECONDS
        self.retries = 0  # how many requests were repeated (429, 5xx, timeouts, cut connections)
        self.requests = 0
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if auth.kind == "bearer":
            headers["Authorization"] = f"Bearer {auth.token}"
        elif auth.kind == "header":
            headers[auth.name or "X-API-Key"] = auth.token
        basic = httpx.BasicAuth(*auth.basic_pair()) if auth.kind == "basic" else None
        # Every request, a redirect's or a next-page link's too, is checked against the host the
        # client was first sent to before it leaves: the token is never sent to another host.
        self._origin: tuple[str, str, int | None] | None = None
        self._sockets: list[socket.socket] = []  # this client's connections (_cut_after)
        self._watchdog: Deadline | None = None
        self._http = httpx.Client(timeout=timeout if timeout is not None else TIMEOUT,
                                  headers=headers, auth=basic, verify=verify, follow_redirects=True,
                                  event_hooks={"request": [self._same_host_only]})

    def _checked(self, auth: Auth) -> Auth:
        """The token as it may travel: the spaces and line breaks a paste brings around it
        dropped (a header could not carry them), and one that holds a line break, a character
        beyond ASCII (an ellipsis, typographic quotes copied along) or, as a bearer token, a
        space refused before anything is sent: a line break would start a header of its own."""
        if auth.kind not in ("bearer", "header", "query"):
            return auth  # basic: base64-encoded, a password may be any text
        token = auth.token.strip()
        allowed = _TOKEN_LETTERS if auth.kind == "bearer" else _TOKEN_LETTERS | {" "}
        if not set(token) <= allowed:
            raise ApiAuthError(
                f"the token of {self.account} holds a line break, a space or a character beyond "
                f"ASCII, which no token has: it was probably copied with something around it; "
                f"give it again with `leaddesk accounts edit {self.account} --token-stdin`")
        return replace(auth, token=token)

    def without_token(self, url: str) -> str:
        """``url`` without the token in its query: a next-page link may echo the request's API
        key, and such a link is a saved position, written to the database. :meth:`get` adds
        the key again when the page is asked for."""
        parsed = httpx.URL(url)
        for key, value in parsed.params.multi_items():
            if value == self.auth.token:
                parsed = parsed.copy_remove_param(key)
        return str(parsed)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ requests
    def _same_host_only(self, request: httpx.Request) -> None:
        """Refuse a request to any host but the first one asked (a move from http to https on the
        same host is allowed): httpx keeps a custom header such as X-API-Key on a redirect to
        another host, and a next-page link may name any host."""
        url = request.url
        if self._origin is None:
            self._origin = (url.scheme, url.host, url.port)
            return
        scheme, host, port = self._origin
        if url.host == host and ((url.scheme, url.port) == (scheme, port) or url.scheme == "https"):
            return
        raise _OtherHost(url)

    def get(self, url: str, params: Mapping[str, Any] | None = None) -> httpx.Response:
        """GET with retries; a 2xx response, or an :class:`ApiError` with one clear line."""
        query = {k: v for k, v in (params or {}).items() if v is not None}
        if self.auth.kind == "query":
            query[self.auth.name or "api_key"] = self.auth.token
        for attempt in range(1, self.max_attempts + 1):
            self.cancel.raise_if_cancelled()
            self.requests += 1
            try:
                response = self._read(url, query)
            except _OtherHost as other:
                _, host, port = self._origin or ("", "", None)
                raise self._scrub(ApiError(
                    f"{self.what} ({host}{f':{port}' if port else ''}) sent LeadDesk on to "
                    f"another host, "
                    f"{_host(other.url)} (a redirect or a next-page link); the token is only ever "
                    f"sent to the host of the base URL: if the service has moved, set its address "
                    f"with `leaddesk accounts edit {self.account} --base-url URL`")) from None
            except httpx.HTTPError as exc:
                error = self._transport_error(exc, url)
                last = self.max_attempts if not isinstance(exc, httpx.TimeoutException) \
                    else min(self.max_attempts, TIMEOUT_ATTEMPTS)
                if not isinstance(exc, self._RETRYABLE) or attempt >= last:
                    raise error from None
                self._wait(self._backoff(attempt), f"{error}", attempt)
                continue
            log.info("GET %s -> %s", where(response.url), response.status_code)
            status = response.status_code
            if status == 429 or status >= 500:
                delay = retry_after_seconds(response.headers.get("Retry-After"))
                # A 503 for maintenance says how long in Retry-After as a 429 does (RFC 9110).
                if delay is not None and delay > RETRY_AFTER_CAP_SECONDS:
                    why = "limits the request rate" if status == 429 else \
                        f"is unavailable (HTTP {status})"
                    raise self._scrub(ApiRateLimitError(
                        f"{self.what} ({_host(url)}) {why} and asks to wait {delay / 60:.0f} min; "
                        f"everything fetched so far was kept, sync again later"))
                if attempt == self.max_attempts:
                    raise self._scrub(ApiError(
                        f"{self.what} ({_host(url)}) answered HTTP {status} {attempt} times in a row; "
                        f"everything fetched so far was kept, sync again later"))
                self._wait(delay if delay is not None else self._backoff(attempt),
                           f"HTTP {status} from {_host(url)}", attempt)
                continue
            if status >= 400:
                raise self._status_error(response, url)
            return response
        raise AssertionError("unreachable")  # the loop returns or raises

    def _read(self, url: str, query: Mapping[str, Any]) -> httpx.Response:
        """One GET, its body read within PAGE_SECONDS and PAGE_BYTES: a server trickling a byte
        at a time never trips the read timeout (it is per read), and one sending without end
        would fill the memory. Too slow reads as a timeout (retried once), too big as a page
        that cannot be read (reported, asked for again next sync)."""
        deadline = time.monotonic() + PAGE_SECONDS
        # Merged by hand: given params, httpx (0.28 on) drops the URL's own query, a next-page
        # link's or a configured URL's, and asked for the first page again and again.
        target = httpx.URL(url).copy_merge_params(dict(query))
        with self._cut_after(PAGE_SECONDS), \
                self._http.stream("GET", target,
                                  extensions={"trace": self._seen_socket}) as response:
            body = bytearray()
            for chunk in self._unpacked(response, url):
                body += chunk
                if len(body) > PAGE_BYTES:
                    raise self._scrub(PageError(
                        f"{self.what} sent a page larger than {PAGE_BYTES // 2**20} MB from "
                        f"{where(url)}; it was not read. Ask for fewer records a page (per_page, "
                        f"limit or page_size in --config)"))
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout(f"no whole answer within {PAGE_SECONDS:.0f} s",
                                            request=response.request)
        # The body as read (already decompressed), with the headers that describe it.
        headers = [(k, v) for k, v in response.headers.multi_items()
                   if k.lower() not in ("content-encoding", "content-length", "transfer-encoding")]
        return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                              request=response.request, extensions=response.extensions)

    def _unpacked(self, response: httpx.Response, url: str) -> Iterator[bytes]:
        """The body's bytes, uncompressed; compressed data that cannot be unpacked is a page
        that cannot be read (asked for again next sync), not a lost connection."""
        try:
            yield from response.iter_bytes()
        except httpx.DecodingError:
            packing = response.headers.get("Content-Encoding", "unknown")
            raise self._scrub(PageError(
                f"{self.what} sent a compressed page that cannot be unpacked "
                f"({server_words(packing, 40)}) from {where(url)}")) from None

    def _seen_socket(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace: each connection's socket, for :meth:`_cut_after`."""
        sock = opened_socket(event, info)
        if sock is not None:
            self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]
            if self._watchdog is not None:
                self._watchdog.add(sock)

    @contextlib.contextmanager
    def _cut_after(self, seconds: float) -> Iterator[None]:
        """The block's request under an overall deadline, past which this client's connections
        are shut down: a server trickling its headers a byte at a time trips no read timeout (the
        body has its own check), and the request would wait for good. Raised as a timeout."""
        self._watchdog = watchdog = Deadline(seconds)
        for sock in self._sockets:  # a kept-alive connection announces no new socket
            watchdog.add(sock)
        try:
            with watchdog:
                yield
        except httpx.TransportError:
            if not watchdog.passed:
                raise
            raise httpx.ReadTimeout(f"no whole answer within {seconds:.0f} s") from None
        finally:
            self._watchdog = None

    def get_json(self, url: str, params: Mapping[str, Any] | None = None) -> tuple[Any, httpx.Response]:
        """The decoded JSON body and the response; a body that is not JSON raises PageError."""
        response = self.get(url, params)
        try:
            data = self._decoded(response, url)
        except RecursionError:  # json gives up on deep nesting this way, not with a ValueError
            data = _NESTED
        if data is _NESTED or _deeper_than(data, MAX_DEPTH):
            # Hostile or broken: the readers after this (and json.dumps of the raw record) recurse.
            raise self._scrub(PageError(f"{self.what} sent a page nested deeper than {MAX_DEPTH} "
                                        f"levels, not read from {where(url)}"))
        return data, response

    def _decoded(self, response: httpx.Response, url: str) -> Any:
        try:
            return response.json()
        except ValueError:
            lenient = _lenient_json(response)
            if lenient is not _NOT_JSON:
                log.warning("%s: the page from %s is not UTF-8; read as %s", self.account,
                            where(url), lenient[1])
                return lenient[0]
            if _is_html(response):
                raise self._scrub(PageError(
                    f"{self.what} sent {_said(response)}, not valid JSON, from {where(url)}: a "
                    f"sign-in or proxy page, or the wrong base URL")) from None
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            size = len(response.content)
            what = "an empty answer" if not response.content.strip() else \
                f"cut short: it ends in the middle of its JSON, {size} bytes" \
                if _cut_short(response) else f"{kind}, {size} bytes"
            raise self._scrub(PageError(f"{self.what} sent a page that is not valid JSON ({what}) "
                                        f"from {where(url)}")) from None

    # ------------------------------------------------------------------ retries
    _RETRYABLE = (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError,
                  httpx.WriteError, httpx.CloseError)

    def _backoff(self, attempt: int) -> float:
        # Full jitter between half and the whole step: clients that failed together spread out.
        step = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return float(step * random.uniform(0.5, 1.0))

    def _wait(self, seconds: float, why: str, attempt: int) -> None:
        self.retries += 1
        log.warning("%s: %s; retrying in %.1f s (attempt %d of %d)", self.account, why, seconds,
                    attempt + 1, self.max_attempts)
        deadline = time.monotonic() + seconds
        while True:
            self.cancel.raise_if_cancelled()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(0.1, left))

    # ------------------------------------------------------------------ messages
    def _scrub(self, error: ApiError) -> ApiError:
        text = str(error)
        for secret in self.auth.secrets():
            text = text.replace(secret, "•••")
        error.args = (text,)
        return error

    def _transport_error(self, exc: httpx.HTTPError, url: str) -> ApiError:
        host = _host(url)
        chain = _chain(exc)
        text = " ".join(str(e) for e in chain).lower()
        if any(isinstance(e, socket.gaierror) for e in chain) or "name or service not known" in text \
                or "nodename nor servname" in text or "getaddrinfo" in text:
            message = (f"cannot find the host {urlsplit(url).hostname} of {self.what} (DNS lookup "
                       f"failed); check the base URL and the network")
        elif any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in text:
            message = (f"{self.what} at {host} refused the connection; check the base URL and that "
                       f"the server is running")
        elif cert := next((e for e in chain if isinstance(e, ssl.SSLCertVerificationError)), None):
            message = certificate_failure(cert, host, other_host="check the host in the base URL",
                                          untrusted="check the base URL")
        elif any(isinstance(e, ssl.SSLError) for e in chain) or "ssl" in text:
            message = f"TLS with {host} failed; check that the base URL's scheme (https/http) is right"
        elif isinstance(exc, httpx.TooManyRedirects):
            message = (f"{self.what} at {host} sent redirect after redirect (a loop); check the base "
                       f"URL, and that the service is not sending its sign-in page")
        elif isinstance(exc, httpx.TimeoutException):
            message = (f"{self.what} at {host} did not answer in time; everything fetched so far was "
                       f"kept, sync again later")
        else:
            message = (f"the connection to {self.what} at {host} was lost ({type(exc).__name__}); "
                       f"everything fetched so far was kept, sync again")
        return self._scrub(ApiConnectionError(message))

    def _status_error(self, response: httpx.Response, url: str) -> ApiError:
        status = response.status_code
        host = _host(url)
        if status in (401, 403):
            return self._scrub(ApiAuthError(
                f"{self.what} ({host}) rejected the token (HTTP {status} {response.reason_phrase}); "
                f"it may be wrong, expired or lack read access: give a new one with "
                f"`leaddesk accounts edit {self.account} --token-stdin`"))
        if status == 404:
            return self._scrub(ApiNotFoundError(
                f"{self.what} ({host}) has nothing at {urlsplit(url).path} (HTTP 404): check the form "
                f"or site id and the base URL"))
        return self._scrub(ApiError(f"{self.what} ({host}) refused the request (HTTP {status}: "
                                    f"{_said(response)})"))
