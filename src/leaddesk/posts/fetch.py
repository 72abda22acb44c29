"""The HTTP client for the team's own sites: allowlist, timeouts, byte cap, per-host limit.

Every request goes through :meth:`Fetcher.get`, which

- requests only URLs whose origin is on the :class:`~leaddesk.posts.sites.Allowlist` (through the
  site's fetch base when it has one);
- follows redirects itself, and only while they stay within the allowlist;
- sends an honest User-Agent and, when asked, ``If-None-Match`` / ``If-Modified-Since``;
- gives up after a connect, read or total timeout, and stops reading after ``max_bytes`` (the rest
  of a huge page is never downloaded; meta tags live at the top anyway); the total covers the
  headers too: a server creeping through them a byte at a time trips no read timeout, so a
  watchdog (:class:`~leaddesk.net_deadline.Deadline`) shuts the request's own connection down
  when the total has passed (each request has a connection of its own, never a kept-alive one,
  so that the watchdog knows which socket is the request's);
- runs at most ``per_host`` requests at a time against one host.

Failures raise :class:`FetchError` with a sentence for the user and whether a retry may help.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from leaddesk import __version__
from leaddesk.net_deadline import Deadline, opened_socket
from leaddesk.posts.sites import Allowlist

log = logging.getLogger(__name__)

USER_AGENT = (f"LeadDesk/{__version__} (desktop lead inbox; reads the team's own blog posts "
              f"to show them beside contact-form messages; python-httpx/{httpx.__version__})")
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
JSON_ACCEPT = "application/json"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchConfig:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0  # between two bytes
    total_timeout: float = 20.0  # for the whole response, however slowly it trickles
    max_bytes: int = 2 * 1024 * 1024
    per_host: int = 2
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Response:
    url: str  # the site URL finally answered (after redirects), not the mirror's
    status: int
    content_type: str  # media type only, lower case ("text/html")
    charset: str | None
    etag: str | None
    last_modified: str | None
    body: bytes
    truncated: bool = False  # the body was cut at max_bytes


class FetchError(Exception):
    """A request that gave no usable answer; ``retry`` says whether trying later may help."""

    def __init__(self, message: str, *, retry: bool = True) -> None:
        super().__init__(message)
        self.retry = retry


@dataclass
class _HostLimits:
    per_host: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: dict[str, threading.BoundedSemaphore] = field(default_factory=dict)

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self.lock:
            semaphore = self.slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with semaphore:
            yield


class Fetcher:
    """One HTTP client for a resolution pass; safe to share between worker threads."""

    def __init__(self, allowlist: Allowlist, config: FetchConfig | None = None) -> None:
        self.allowlist = allowlist
        self.config = config or FetchConfig()
        c = self.config
        self.client = httpx.Client(
            timeout=httpx.Timeout(c.read_timeout, connect=c.connect_timeout, pool=c.total_timeout),
            follow_redirects=False,  # each hop is checked against the allowlist below
            headers={"User-Agent": c.user_agent},
            # No connection is kept alive: each request's socket is announced to its watchdog.
            limits=httpx.Limits(max_connections=8, max_keepalive_connections=0),
            # A mirror on loopback (the demo) is never sent through a proxy from the environment.
            mounts={"all://127.0.0.1": httpx.HTTPTransport(), "all://localhost": httpx.HTTPTransport()},
        )
        self.limits = _HostLimits(c.per_host)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, *, accept: str, etag: str | None = None,
            last_modified: str | None = None) -> Response:
        """GET a site URL, following redirects within the allowlist."""
        current = url
        for _hop in range(self.config.max_redirects + 1):
            target = self.allowlist.fetch_url(current)
            if target is None:
                host = urlsplit(current).hostname or current
                raise FetchError(f"{host} is not one of the team's sites, so it is not requested "
                                 f"(add it with `leaddesk sites add`)", retry=False)
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            response, location = self._request(target, headers)
            if location is None:
                return Response(current, *response)
            following = self.allowlist.logical_url(urljoin(target, location))
            if following is None:
                host = urlsplit(urljoin(target, location)).hostname or location
                raise FetchError(f"the page redirects to {host}, which is not one of the team's "
                                 f"sites; the redirect was not followed", retry=False)
            log.info("redirect %s -> %s", current, following)
            current = following
        raise FetchError(f"more than {self.config.max_redirects} redirects", retry=False)

    def _request(self, target: str, headers: dict[str, str]
                 ) -> tuple[tuple[int, str, str | None, str | None, str | None, bytes, bool], str | None]:
        c = self.config
        host = urlsplit(target).netloc
        watchdog = Deadline(c.total_timeout)
        try:
            with self.limits.slot(host):
                deadline = time.monotonic() + c.total_timeout
                with watchdog, self.client.stream("GET", target, headers=headers,
                                                  extensions={"trace": _announce(watchdog)}) as r:
                    if r.status_code in _REDIRECTS and r.headers.get("location"):
                        return (r.status_code, "", None, None, None, b"", False), r.headers["location"]
                    body, truncated = _read_capped(r, c.max_bytes, deadline)
                    media, _, params = r.headers.get("content-type", "").partition(";")
                    return (r.status_code, media.strip().lower(), _charset(params),
                            r.headers.get("etag"), r.headers.get("last-modified"), body,
                            truncated), None
        except httpx.TimeoutException as exc:
            raise FetchError(f"the site did not answer in time ({_kind(exc)})") from exc
        except httpx.TransportError as exc:
            if watchdog.passed:
                raise FetchError("the site did not answer in time (its answer crept in too "
                                 "slowly)") from exc
            raise FetchError(f"could not reach {host}: {_reason(exc)}") from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"not a usable address: {exc}", retry=False) from exc


def _announce(watchdog: Deadline) -> Callable[[str, dict[str, Any]], None]:
    """httpcore's trace for one request: its connection's socket (plain, then TLS) goes to the
    request's watchdog."""
    def seen(event: str, info: dict[str, Any]) -> None:
        sock = opened_socket(event, info)
        if sock is not None:
            watchdog.add(sock)
    return seen


def _read_capped(r: httpx.Response, max_bytes: int, deadline: float) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    for chunk in r.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= max_bytes:
            # Closing the stream here drops the connection: the rest is never downloaded.
            return b"".join(chunks)[:max_bytes], True
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the whole response took too long")
    return b"".join(chunks), False


def _charset(params: str) -> str | None:
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"').lower()
    return None


def _kind(exc: httpx.TimeoutException) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting"
    return "waiting for the page" if isinstance(exc, httpx.ReadTimeout) else "timeout"


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc) or type(exc).__name__
    # httpx wraps OS errors as "[Errno 111] Connection refused"; the number says nothing to a user.
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text
