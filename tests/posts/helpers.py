"""Leads and WordPress REST answers for the post-resolution tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Post, Submission
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, store_batch
from leaddesk.posts import sites
from tests.posts.server import Answer, TestSite

BLOG = "https://www.example-pharma-agency.com"
SITE_DIR = Path(__file__).resolve().parents[2] / "resources" / "demo" / "site"
REST_POSTS = "/wp-json/wp/v2/posts"
REST_PAGES = "/wp-json/wp/v2/pages"


def lead(n: int, page: str, *, topic: str | None = None) -> Incoming:
    """A generic form notification from ``page`` (a path on the blog, or a full URL)."""
    url = page if "://" in page else BLOG + page
    raw = (f"From: site <wordpress@example-pharma-agency.com>\r\nSubject: New message {n}\r\n"
           f"Message-ID: <lead-{n}@example-pharma-agency.com>\r\n\r\n"
           f"Name: Visitor {n}\r\nEmail: visitor{n}@example.net\r\n"
           + (f"Topic of interest: {topic}\r\n" if topic else "")
           + f"Page URL: {url}?utm_source=newsletter\r\n"
           f"Message: Hello, this is message {n}; please tell me more.\r\n").encode()
    return Incoming(f"test:{n}", raw, parse_message(raw))


def store(db: Database, *items: Incoming) -> list[int]:
    return store_batch(db, list(items), account_id=None).added_ids


def allow(db: Database, site: TestSite, origin: str = BLOG) -> None:
    with db.session() as s:
        sites.add_site(s, origin, fetch_base=None if origin == site.base else site.base)


def demo_post(slug: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SITE_DIR / "posts" / f"{slug}.json").read_text("utf-8"))
    return copy.deepcopy(data)


def rest(*items: dict[str, Any], etag: str | None = None) -> Answer:
    return Answer(body=json.dumps(list(items)).encode(),
                  content_type="application/json; charset=UTF-8",
                  headers={"ETag": etag} if etag else {})


def post_of(db: Database, url: str) -> Post:
    with db.session() as s:
        post = s.execute(select(Post).where(Post.url == url)).scalar_one()
        s.expunge(post)
        return post


def submission(db: Database, sid: int) -> Submission:
    with db.session() as s:
        found = s.get(Submission, sid)
        assert found is not None
        s.expunge(found)
        return found
