"""A loopback HTTP server that plays the form backends for the API sync tests.

It serves each preset's documented answers over several pages from the JSON files in fixtures/,
records every request (path, query, headers) so tests assert on what the server saw, and takes
injected faults: an HTTP status with headers (429 + Retry-After, 500), a body that is not JSON, a
connection cut before the answer, or a body sent a byte at a time.
"""

from __future__ import annotations

import base64
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # JSON-able, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    cut: bool = False  # close the connection without answering
    delay: float = 0.0  # seconds to wait before answering (a slow server)
    trickle: float = 0.0  # seconds between the body's bytes (a server that never quite finishes)


Handler = Callable[[Seen], Reply]


@dataclass
class Fault:
    reply: Reply
    times: int
    when: Callable[[Seen], bool]


class FormApiServer:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.routes: list[tuple[str, Handler]] = []  # (path prefix, handler), longest first
        self.faults: list[Fault] = []
        self.lock = threading.Lock()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                seen = Seen(parts.path, {k: v[-1] for k, v in parse_qs(parts.query).items()},
                            {k.lower(): v for k, v in self.headers.items()})
                reply = server.answer(seen)
                if reply.delay:
                    time.sleep(reply.delay)  # the server's own slowness, not a test's wait
                if reply.cut:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                body = reply.body if isinstance(reply.body, bytes) else \
                    json.dumps(reply.body).encode("utf-8")
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not reply.trickle:
                    self.wfile.write(body)
                    return
                for position in range(len(body)):
                    try:
                        self.wfile.write(body[position:position + 1])
                        self.wfile.flush()
                    except OSError:  # the client gave up: as it should
                        return
                    time.sleep(reply.trickle)  # the server's own slowness, not a test's wait

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet tests

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, prefix: str, handler: Handler) -> None:
        self.routes.append((prefix, handler))
        self.routes.sort(key=lambda r: -len(r[0]))

    def inject(self, reply: Reply, *, times: int = 1,
               when: Callable[[Seen], bool] = lambda seen: True) -> None:
        """The next ``times`` requests that match ``when`` get ``reply`` instead of the real answer."""
        with self.lock:
            self.faults.append(Fault(reply, times, when))

    def answer(self, seen: Seen) -> Reply:
        with self.lock:
            self.requests.append(seen)
            for fault in self.faults:
                if fault.times > 0 and fault.when(seen):
                    fault.times -= 1
                    return fault.reply
        for prefix, handler in self.routes:
            if seen.path.startswith(prefix):
                return handler(seen)
        return Reply(404, {"message": "Not Found"})

    def seen(self, prefix: str = "") -> list[Seen]:
        with self.lock:
            return [s for s in self.requests if s.path.startswith(prefix)]


# ---------------------------------------------------------------------- the fake services
def _int(query: dict[str, str], key: str, default: int) -> int:
    return int(query.get(key) or default)


class Netlify:
    """/api/v1/forms/{id}/submissions: array, newest first, page/per_page, Link header."""

    def __init__(self, server: FormApiServer, form: str = "5f1e2d3c4b5a697887766554") -> None:
        self.records: list[dict[str, Any]] = fixture("netlify_submissions.json")
        self.form = form
        self.path = f"/api/v1/forms/{form}/submissions"
        server.route(self.path, self.handle)
        server.route("/api/v1/sites/", self.handle)

    def handle(self, seen: Seen) -> Reply:
        page, per_page = _int(seen.query, "page", 1), _int(seen.query, "per_page", 100)
        records = self.records  # kept newest first, as given (a test may slip in a broken record)
        chunk = records[(page - 1) * per_page:page * per_page]
        last = max(1, math.ceil(len(records) / per_page))
        links = [f'<{seen.path}?page={last}&per_page={per_page}>; rel="last"']
        if page < last:
            links.insert(0, f'<{seen.path}?page={page + 1}&per_page={per_page}>; rel="next"')
        return Reply(200, chunk, {"Link": ", ".join(links)})


class Formspree:
    """/api/0/forms/{hashid}/submissions: {"fields", "submissions"}, since/limit/offset/order."""

    def __init__(self, server: FormApiServer, form: str = "xyzzyabc") -> None:
        document = fixture("formspree_submissions.json")
        self.fields: list[str] = document["fields"]
        self.records: list[dict[str, Any]] = document["submissions"]
        server.route(f"/api/0/forms/{form}/submissions", self.handle)

    def handle(self, seen: Seen) -> Reply:
        q = seen.query
        records = sorted(self.records, key=lambda r: r["_date"], reverse=q.get("order") != "asc")
        if q.get("since"):
            records = [r for r in records if r["_date"] >= q["since"]]
        offset, limit = _int(q, "offset", 0), _int(q, "limit", 1000)
        return Reply(200, {"fields": self.fields, "submissions": records[offset:offset + limit]})


class GravityForms:
    """/wp-json/gf/v2/forms/{id} and …/entries: {"total_count", "entries"}, paging[…], sorting[…]."""

    def __init__(self, server: FormApiServer, form: str = "3") -> None:
        self.form: dict[str, Any] = fixture("gravityforms_form.json")
        self.records: list[dict[str, Any]] = fixture("gravityforms_entries.json")
        root = f"/wp-json/gf/v2/forms/{form}"
        server.route(root, lambda seen: Reply(200, self.form) if seen.path == root
                     else self.entries(seen) if seen.path == f"{root}/entries" else Reply(404, {}))

    def entries(self, seen: Seen) -> Reply:
        q = seen.query
        size, page = _int(q, "paging[page_size]", 20), _int(q, "paging[current_page]", 1)
        desc = q.get("sorting[direction]", "DESC") == "DESC"
        records = sorted(self.records, key=lambda r: int(r["id"]), reverse=desc)
        # total_count is a string on some versions, as the documented v1 sample shows
        return Reply(200, {"total_count": str(len(records)),
                           "entries": records[(page - 1) * size:page * size]})


class HubSpot:
    """/form-integrations/v1/submissions/forms/{guid}: results newest first, limit, after cursor."""

    def __init__(self, server: FormApiServer, form: str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d") -> None:
        self.records: list[dict[str, Any]] = fixture("hubspot_submissions.json")
        server.route(f"/form-integrations/v1/submissions/forms/{form}", self.handle)

    def handle(self, seen: Seen) -> Reply:
        limit = _int(seen.query, "limit", 20)
        after = seen.query.get("after")
        start = int(base64.b64decode(after)) if after else 0
        records = sorted(self.records, key=lambda r: r["submittedAt"], reverse=True)
        chunk = records[start:start + limit]
        body: dict[str, Any] = {"results": chunk}
        if start + limit < len(records):
            token = base64.b64encode(str(start + limit).encode()).decode()
            body["paging"] = {"next": {"after": token, "link": f"?after={token}"}}
        return Reply(200, body)


class Typeform:
    """/forms/{id} and /forms/{id}/responses: items newest first, page_size, before/since."""

    def __init__(self, server: FormApiServer, form: str = "u6nXL7") -> None:
        self.form: dict[str, Any] = fixture("typeform_form.json")
        self.records: list[dict[str, Any]] = fixture("typeform_responses.json")
        root = f"/forms/{form}"
        server.route(root, lambda seen: Reply(200, self.form) if seen.path == root
                     else self.responses(seen) if seen.path == f"{root}/responses" else Reply(404, {}))

    def responses(self, seen: Seen) -> Reply:
        q = seen.query
        size = _int(q, "page_size", 25)
        records = sorted(self.records, key=lambda r: r["submitted_at"], reverse=True)
        if q.get("since"):
            records = [r for r in records if r["submitted_at"][:19] >= q["since"][:19]]
        if q.get("before"):
            position = next(i for i, r in enumerate(records) if r["token"] == q["before"])
            records = records[position + 1:]
        return Reply(200, {"total_items": len(records), "page_count": max(1, math.ceil(len(records) / size)),
                           "items": records[:size]})


class Generic:
    """/v1/leads: {"data": [...], "meta": {"next_cursor"}}, oldest first, cursor + limit."""

    def __init__(self, server: FormApiServer, records: list[dict[str, Any]] | None = None,
                 path: str = "/v1/leads") -> None:
        self.records = records if records is not None else fixture("generic_leads.json")
        server.route(path, self.handle)

    def handle(self, seen: Seen) -> Reply:
        limit = _int(seen.query, "limit", 50)
        start = int(seen.query.get("cursor") or 0)
        chunk = self.records[start:start + limit]
        following = start + len(chunk)
        return Reply(200, {"data": chunk, "meta": {
            "next_cursor": str(following) if following < len(self.records) else None}})
