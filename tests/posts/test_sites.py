"""The sites allowlist: origins, fetch bases, and where a redirect may lead."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from leaddesk.db import Database
from leaddesk.db.models import Post
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.posts import sites
from leaddesk.posts.sites import Allowlist, origin_of

BLOG = "https://www.example-pharma-agency.com"


@pytest.mark.parametrize(("url", "origin"), [
    ("https://WWW.Example-Pharma-Agency.com/blog/x/?a=1", BLOG),
    ("https://www.example-pharma-agency.com:443/", BLOG),
    ("http://127.0.0.1:8080/x", "http://127.0.0.1:8080"),
    ("http://[::1]:81/", "http://[::1]:81"),
    ("ftp://example.com/", None),
    ("javascript:alert(1)", None),
    ("https://user:pw@example.com/", None),
    ("https://example.com:99999/", None),
    ("not a url", None),
])
def test_origin_of(url: str, origin: str | None) -> None:
    assert origin_of(url) == origin


def test_only_allowed_origins_have_a_fetch_url() -> None:
    allow = Allowlist({BLOG: None, "https://shop.example": "http://127.0.0.1:9000/mirror"})
    assert allow.fetch_url(f"{BLOG}/blog/a/?x=1") == f"{BLOG}/blog/a/?x=1"
    assert allow.fetch_url("https://shop.example/p/1?x=1") == "http://127.0.0.1:9000/mirror/p/1?x=1"
    assert allow.fetch_url("http://www.example-pharma-agency.com/blog/a/") is None  # other scheme
    assert allow.fetch_url("https://evil.example/") is None
    assert allow.fetch_url("http://169.254.169.254/latest/meta-data/") is None


def test_redirect_targets_map_back_to_the_site_or_are_refused() -> None:
    allow = Allowlist({BLOG: None, "https://shop.example": "http://127.0.0.1:9000/mirror"})
    assert allow.logical_url("http://127.0.0.1:9000/mirror/p/2") == "https://shop.example/p/2"
    assert allow.logical_url("https://shop.example/p/3") == "https://shop.example/p/3"
    assert allow.logical_url(f"{BLOG}/x") == f"{BLOG}/x"
    assert allow.logical_url("http://127.0.0.1:9000/other") is None  # outside the mirror's prefix
    assert allow.logical_url("http://127.0.0.1:90001/mirror/x") is None
    assert allow.logical_url("http://10.0.0.1/") is None


def test_add_list_and_remove_sites(db: Database) -> None:
    with db.session() as s:
        added = sites.add_site(s, "www.example-pharma-agency.com/blog/", name="Blog")
        sites.add_site(s, "https://shop.example", fetch_base="http://127.0.0.1:9000/mirror/")
    assert added.origin == BLOG
    with db.session() as s:
        found = {x.origin: x for x in sites.list_sites(s)}
        assert found["https://shop.example"].fetch_base == "http://127.0.0.1:9000/mirror"
        sites.remove_site(s, "https://shop.example/")
        assert [x.origin for x in sites.list_sites(s)] == [BLOG]
        with pytest.raises(NotFoundError):
            sites.remove_site(s, "https://shop.example")
        with pytest.raises(ValidationError, match="not a web address"):
            sites.add_site(s, "ftp://files.example")


def test_adding_a_site_makes_its_waiting_posts_due(db: Database) -> None:
    from datetime import timedelta

    from leaddesk.db.types import utcnow
    with db.session() as s:
        s.add(Post(url=f"{BLOG}/blog/a/", attempts=3, next_fetch_at=utcnow() + timedelta(days=1)))
        s.add(Post(url="https://other.example/a/", attempts=2,
                   next_fetch_at=utcnow() + timedelta(days=1)))
    with db.session() as s:
        sites.add_site(s, BLOG)
    with db.session() as s:
        posts = {p.url: p for p in s.execute(select(Post)).scalars()}
    assert (posts[f"{BLOG}/blog/a/"].attempts, posts[f"{BLOG}/blog/a/"].next_fetch_at) == (0, None)
    assert posts["https://other.example/a/"].attempts == 2
