"""Form-API sync throughput: a generic JSON API on loopback serving N records, synced into SQLite.

    .venv/bin/python -m bench.bench_api --records 10000 --page-size 100

The server is the tests' loopback fake (:mod:`tests.ingest.api.server`), answering newest first
with page-number pagination. Three runs: a first sync of every record, a re-sync with nothing new
(one page asked for), and a first sync into a fresh database with a 429 (Retry-After: 0) and a 500
injected every ``--fault-every`` pages, to count the retries and their cost.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.ingest.api.server import FormApiServer, Generic, Reply, Seen

from leaddesk import accounts
from leaddesk.db import Database
from leaddesk.ingest import api

CONFIG: dict[str, Any] = {
    "url": "{base_url}/v1/leads", "records": "data",
    "pagination": {"style": "page", "param": "page", "size_param": "limit", "size": 100},
    "order": "newest_first",
    "fields": {"id": "uuid", "name": "contact.full_name", "email": "contact.email",
               "phone": "contact.phone", "company": "contact.organisation", "topic": "subject",
               "message": "text", "page_url": "origin.page", "submitted_at": "created"},
    "extra_fields": "answers",
}


def records(count: int) -> list[dict[str, Any]]:
    """``count`` distinct leads, newest first (ids and times fall with the position)."""
    base = 1_790_000_000
    return [{"uuid": f"lead_{count - i}", "created": base + (count - i) * 60,
             "contact": {"full_name": f"Visitor {count - i}", "email": f"visitor{count - i}@example.com",
                         "phone": "+49 30 1234567", "organisation": f"Company {(count - i) % 997}"},
             "subject": ("Digital campaigns", "Medical education", "Market access")[i % 3],
             "text": f"Request number {count - i}: we would like a proposal for a campaign in "
                     f"spring, with a budget to be agreed. Could you call us next week?",
             "origin": {"page": f"https://www.example-pharma-agency.com/blog/post-{i % 50}/"},
             "answers": [{"label": "How did you hear about us?", "value": "Conference"}]}
            for i in range(count)]


class PagedGeneric(Generic):
    """The generic fake with page/limit paging (the tests' one pages by cursor)."""

    def handle(self, seen: Seen) -> Reply:
        limit = int(seen.query.get("limit") or 100)
        page = int(seen.query.get("page") or 1)
        return Reply(200, {"data": self.records[(page - 1) * limit:page * limit]})


def on_page(number: int) -> Callable[[Seen], bool]:
    return lambda seen: seen.query.get("page") == str(number)


def run(count: int, page_size: int, fault_every: int) -> None:
    server = FormApiServer()
    PagedGeneric(server, records(count))
    config = {**CONFIG, "pagination": {**CONFIG["pagination"], "size": page_size}}
    with tempfile.TemporaryDirectory() as folder:
        for label, faults in (("first sync", False), ("with faults", True)):
            db = Database.open(f"sqlite:///{Path(folder) / (label.replace(' ', '_') + '.db')}")
            with db.session() as session:
                account = accounts.add_account(session, "bench", "api", api.check_settings(
                    "generic", base_url=server.url, config=config), actor="bench")
            if faults:
                pages = count // page_size
                for n in range(2, pages + 1, fault_every):
                    server.inject(Reply(429, {}, {"Retry-After": "0"}), when=on_page(n))
                    server.inject(Reply(500, {}), when=on_page(n + 1))
            started = time.perf_counter()
            result = api.sync_api_account(db, account, "bench-token", backoff_base=0.05)
            seconds = time.perf_counter() - started
            print(f"{label:12} {result.added:>7,} records in {seconds:6.2f} s = "
                  f"{result.added / seconds:>7,.0f} records/s; {result.requests} requests, "
                  f"{result.retries} retried")
            if not faults:
                started = time.perf_counter()
                again = api.sync_api_account(db, account, "bench-token")
                print(f"{'re-sync':12} {again.added:>7,} new in {time.perf_counter() - started:6.3f} s; "
                      f"{again.requests} request(s)")
            db.close()
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--fault-every", type=int, default=10, metavar="PAGES")
    args = parser.parse_args()
    run(args.records, args.page_size, args.fault_every)


if __name__ == "__main__":
    main()
