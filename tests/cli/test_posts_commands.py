"""`leaddesk posts`, `posts refresh`, `sites` and `topics` through the real entry point, against a
real HTTP server on loopback."""

from __future__ import annotations

import json

from leaddesk.db import Database
from tests.posts.helpers import BLOG, demo_post, lead, rest, store
from tests.posts.server import TestSite, site
from tests.support.cli import Runner

__all__ = ["site"]
MICRO = "/blog/focus-on-micro-influencers/"


def _seed(url: str) -> None:
    db = Database.open(url)
    try:
        store(db, lead(1, MICRO), lead(2, MICRO, topic="Market access"),
              lead(3, "https://stranger.example/p/"))
    finally:
        db.close()


def test_sites_posts_refresh_and_list(run: Runner, sqlite_url: str, site: TestSite) -> None:
    _seed(sqlite_url)
    site.routes["/wp-json/wp/v2/posts?slug=focus-on-micro-influencers&_embed=author,wp:term"] = (
        rest(demo_post("focus-on-micro-influencers")))
    r = run("--db", sqlite_url, "posts", "refresh")
    assert r.code == 0
    assert "no sites on the allowlist" in r.err
    assert site.paths == []

    r = run("--db", sqlite_url, "sites", "add", BLOG, "--name", "Blog", "--fetch-base", site.base)
    assert r.code == 0, r.err
    assert f"allowed {BLOG} (fetched from {site.base})" in r.out
    r = run("--db", sqlite_url, "sites", "list", "--json")
    assert json.loads(r.out) | {"added_at": None} == {
        "origin": BLOG, "name": "Blog", "fetch_base": site.base, "added_at": None}

    r = run("--db", sqlite_url, "posts", "refresh", "--json")
    assert r.code == 0, r.err
    outcome = json.loads(r.out)
    assert (outcome["resolved"], outcome["not_allowed"], outcome["topics"]) == (1, 1, 1)
    assert all("stranger" not in path for path in site.paths)

    r = run("--db", sqlite_url, "posts", "--json")
    posts = {p["url"]: p for p in map(json.loads, r.out.splitlines())}
    micro = posts[BLOG + MICRO]
    assert (micro["title"], micro["leads"], micro["state"], micro["author"]) == (
        "Focus on Micro-Influencers", 2, "resolved", "Brian Castle")
    assert posts["https://stranger.example/p/"]["state"] == "not-allowed"
    r = run("--db", sqlite_url, "posts")
    assert "Focus on Micro-Influencers" in r.out
    assert "not on sites list" in r.out

    r = run("--db", sqlite_url, "list", "--json")
    rows = {row["id"]: row for row in map(json.loads, r.out.splitlines())}
    assert (rows[1]["post_title"], rows[1]["post_url"], rows[1]["topic"]) == (
        "Focus on Micro-Influencers", BLOG + MICRO, "Digital")
    assert rows[2]["topic"] == "Market access"
    assert rows[3]["post_title"] is None

    r = run("--db", sqlite_url, "sites", "remove", BLOG)
    assert (r.code, r.out.strip()) == (0, f"removed {BLOG}; its posts stay as they are")
    assert run("--db", sqlite_url, "sites", "remove", BLOG).err.startswith("leaddesk: ")


def test_topics_map_rederive_and_filter(run: Runner, sqlite_url: str, site: TestSite) -> None:
    _seed(sqlite_url)
    site.routes["/wp-json/wp/v2/posts?slug=focus-on-micro-influencers&_embed=author,wp:term"] = (
        rest(demo_post("focus-on-micro-influencers")))
    run("--db", sqlite_url, "sites", "add", BLOG, "--fetch-base", site.base)
    run("--db", sqlite_url, "posts", "refresh")

    r = run("--db", sqlite_url, "topics", "map", "tag", "Micro-influencers", "Micro-influencers")
    assert r.code == 0, r.err
    r = run("--db", sqlite_url, "topics", "rederive")
    assert r.out == "1 lead got a new topic\n"
    r = run("--db", sqlite_url, "topics", "list", "--json")
    mapped = [m for m in map(json.loads, r.out.splitlines()) if m["explicit"]]
    assert mapped == [{"kind": "tag", "term": "Micro-influencers", "topic": "Micro-influencers",
                       "explicit": True, "posts": 1}]
    assert run("--db", sqlite_url, "list", "--topic", "Micro-influencers", "--count").out == "1\n"
    assert run("--db", sqlite_url, "list", "--topic", "none", "--count").out == "1\n"

    assert run("--db", sqlite_url, "topics", "map", "category", "Digital", "--none").code == 0
    assert run("--db", sqlite_url, "topics", "unmap", "tag", "micro-influencers").code == 0
    assert run("--db", sqlite_url, "topics", "rederive").out == "1 lead got a new topic\n"
    assert run("--db", sqlite_url, "list", "--topic", "none", "--count").out == "2\n"

    bad = run("--db", sqlite_url, "topics", "map", "tag", "x")
    assert (bad.code, bad.err) == (1, "leaddesk: give either a TOPIC or --none\n")
    bad = run("--db", sqlite_url, "topics", "unmap", "tag", "never")
    assert bad.code == 1
    assert bad.err.startswith("leaddesk: no mapping for tag 'never'")
    bad = run("--db", sqlite_url, "sites", "add", "ftp://x.example")
    assert (bad.code, bad.err.count("\n")) == (1, 1)
