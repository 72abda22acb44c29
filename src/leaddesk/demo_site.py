"""The demo's blog, served for real on loopback so that post resolution runs as it would live.

``resources/demo/site`` holds the blog's pages as HTML and the WordPress REST answers as JSON. A
small stdlib HTTP server on 127.0.0.1 (a free port) answers what the real site would:

- ``/wp-json/wp/v2/posts?slug=S`` → ``[posts/S.json]`` or ``[]``; ``/wp-json/wp/v2/posts`` → ``posts.json``;
  ``/wp-json/wp/v2/pages?slug=S`` → ``[]`` (the bundled pages are read from their HTML);
- ``/``, ``/contact/``, ``/blog/<slug>/`` → the page's ``index.html``; a path without its trailing
  slash is redirected to it, as WordPress does;
- an ``ETag`` on every answer, and ``304 Not Modified`` for ``If-None-Match``.

The demo database lists the site's real origin (``https://www.example-pharma-agency.com``) on the
allowlist with this server as its ``fetch_base``, so the leads keep their real page URLs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.posts import sites, topics
from leaddesk.resources import resources_dir

log = logging.getLogger(__name__)

ORIGIN = "https://www.example-pharma-agency.com"
NAME = "Example Pharma Agency (demo)"
# The demo team's topics are the form's choices; these tags name them.
TOPIC_MAPPINGS = (
    ("tag", "Patient engagement", "Patient engagement"),
    ("tag", "Speakers bureaus", "Speakers bureaus"),
    ("tag", "Micro-influencers", "Micro-influencers"),
    ("tag", "IMI", "Public/private partnerships (IMI)"),
    ("tag", "Public-private partnerships", "Public/private partnerships (IMI)"),
    ("tag", "HCP education", "Medical education"),
)


def is_demo_mirror(origin: str, fetch_base: str | None) -> bool:
    """Whether a site row is the demo blog served by this program on loopback (a new port every
    run), which lists should label as the demo's, not show as a mirror the user set up."""
    if origin != ORIGIN or not fetch_base:
        return False
    parts = urlsplit(fetch_base)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


def site_dir() -> Path:
    return resources_dir() / "demo" / "site"


class _Handler(BaseHTTPRequestHandler):
    server_version = "LeadDeskDemoSite/1"
    root: Path

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("demo site: " + format, *args)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/wp-json/wp/v2/"):
            self._rest(path.removeprefix("/wp-json/wp/v2/").strip("/"), parse_qs(parts.query))
            return
        if ".." in path.split("/"):
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            return
        if not path.endswith("/") and (self.root / path.lstrip("/") / "index.html").is_file():
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        page = self.root / path.lstrip("/") / "index.html"
        if page.is_file():
            self._send(HTTPStatus.OK, page.read_bytes(), "text/html; charset=UTF-8")
        else:
            self._send(HTTPStatus.NOT_FOUND, b"<!DOCTYPE html><title>Page not found</title>",
                       "text/html; charset=UTF-8")

    def _rest(self, route: str, query: dict[str, list[str]]) -> None:
        slug = (query.get("slug") or [""])[0]
        body: Any
        if route == "posts" and slug:
            post = self.root / "posts" / f"{Path(slug).name}.json"
            body = [json.loads(post.read_text(encoding="utf-8"))] if post.is_file() else []
        elif route == "posts":
            body = json.loads((self.root / "posts.json").read_text(encoding="utf-8"))
        elif route == "pages":
            body = []
        else:
            self._send(HTTPStatus.NOT_FOUND, json.dumps(
                {"code": "rest_no_route", "message": "No route was found matching the URL and "
                 "request method.", "data": {"status": 404}}).encode(), "application/json")
            return
        self._send(HTTPStatus.OK, json.dumps(body, ensure_ascii=False).encode("utf-8"),
                   "application/json; charset=UTF-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
        if status == HTTPStatus.OK and self.headers.get("If-None-Match") == etag:
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


class DemoSite:
    """The demo blog on ``http://127.0.0.1:PORT`` in a daemon thread; a context manager."""

    def __init__(self, root: Path | None = None) -> None:
        handler = type("DemoHandler", (_Handler,), {"root": root or site_dir()})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="demo-site",
                                       daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> DemoSite:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def register(session: Session, base: str) -> None:
    """Put the demo site on the demo database's allowlist (fetched from ``base``) and give the
    demo team its topic mappings, unless someone changed them."""
    sites.add_site(session, ORIGIN, name=NAME, fetch_base=base)
    existing = {(m.kind, m.term.casefold()) for m in topics.list_mappings(session) if m.explicit}
    for kind, term, topic in TOPIC_MAPPINGS:
        if (kind, term.casefold()) not in existing:
            topics.set_mapping(session, kind, term, topic)


def start_for(db: Database) -> DemoSite:
    """Start the demo site and register it in ``db``; the caller stops it."""
    site = DemoSite().start()
    try:
        with db.session() as session:
            register(session, site.base)
    except BaseException:
        site.stop()
        raise
    return site


@contextmanager
def serving(db: Database) -> Iterator[DemoSite]:
    """The demo site running and registered in ``db`` for as long as the block lasts."""
    site = start_for(db)
    try:
        yield site
    finally:
        site.stop()
