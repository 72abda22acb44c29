"""A real HTTP server on 127.0.0.1 for the post-resolution tests: scripted answers, and a log of
every request it saw (path, headers) and of how many body bytes it managed to send."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"  # None: no Content-Type header
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    filler: int = 0  # send this many bytes of body (after ``body``), as fast as the client reads


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


Route = Answer | Callable[[Seen], Answer]


class TestSite:
    """Routes by full path (with query) first, then by path alone; anything else is a 404."""

    __test__ = False

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.sent: dict[str, int] = {}
        self.done = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                seen = Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
                site.seen.append(seen)
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?")[0])
                answer = (route(seen) if callable(route) else route) if route else Answer(
                    404, b"<title>Not found</title>")
                site.answer(self, seen, answer)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def paths(self) -> list[str]:
        return [s.path for s in self.seen]

    def answer(self, handler: BaseHTTPRequestHandler, seen: Seen, a: Answer) -> None:
        time.sleep(a.delay)
        sent = 0
        try:
            handler.send_response(a.status)
            if a.content_type is not None:
                handler.send_header("Content-Type", a.content_type)
            handler.send_header("Content-Length", str(len(a.body) + a.filler))
            for key, value in a.headers.items():
                handler.send_header(key, value)
            handler.end_headers()
            handler.wfile.write(a.body)
            sent = len(a.body)
            chunk = b"<p>" + b"x" * 65_529 + b"</p>"
            while sent < len(a.body) + a.filler:
                piece = chunk[: len(a.body) + a.filler - sent]
                handler.wfile.write(piece)
                sent += len(piece)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        finally:
            self.sent[seen.path] = sent
            self.done.set()


@pytest.fixture
def site() -> Iterator[TestSite]:
    server = TestSite()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
