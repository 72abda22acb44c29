"""The demo blog served on loopback: the demo mailbox's posts resolve for real, and the insights
count leads per topic and per post with the resolved posts."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime

from leaddesk import demo_site, insights, query
from leaddesk.db import Database
from leaddesk.db.models import Post
from leaddesk.ingest import files
from leaddesk.posts import catalog
from leaddesk.posts.resolve import resolve_posts
from leaddesk.resources import demo_mailbox
from tests.posts.helpers import BLOG


def test_the_demo_site_answers_like_wordpress() -> None:
    with demo_site.DemoSite() as site:
        def get(path: str, **headers: str) -> tuple[int, bytes, str]:
            request = urllib.request.Request(site.base + path, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=5) as r:
                    return r.status, r.read(), r.headers.get("ETag", "")
            except urllib.error.HTTPError as e:
                return e.code, e.read(), e.headers.get("ETag", "")

        status, body, etag = get("/wp-json/wp/v2/posts?slug=focus-on-micro-influencers&_embed")
        assert status == 200
        assert [p["slug"] for p in json.loads(body)] == ["focus-on-micro-influencers"]
        assert get("/wp-json/wp/v2/posts?slug=focus-on-micro-influencers",
                   **{"If-None-Match": etag})[0] == 304
        assert json.loads(get("/wp-json/wp/v2/posts?slug=nope")[1]) == []
        assert len(json.loads(get("/wp-json/wp/v2/posts")[1])) == 4
        assert get("/wp-json/wp/v2/users")[0] == 404
        assert b'og:title' in get("/blog/imi-public-private-partnerships/")[1]
        assert get("/contact")[0] == 200  # redirected to /contact/, as WordPress does
        assert get("/../../etc/passwd")[0] == 404


def test_the_demo_mailbox_resolves_against_the_demo_site(db: Database) -> None:
    with demo_site.serving(db):
        files.import_paths(db, [demo_mailbox()])
        report = resolve_posts(db)
    assert (report.resolved, report.failed, report.not_allowed) == (6, 0, 0)
    with db.session() as s:
        posts = {p.url: p for p in catalog.list_posts(s)}
        assert set(posts) == {f"{BLOG}/", f"{BLOG}/contact/"} | {
            f"{BLOG}/blog/{slug}/" for slug in (
                "imi-public-private-partnerships", "white-paper-patient-engagement",
                "white-paper-speakers-bureaus", "focus-on-micro-influencers")}
        imi = posts[f"{BLOG}/blog/imi-public-private-partnerships/"]
        assert imi.title == ("Europe’s IMI Sets Pace for Public/Private Partnerships in "
                             "Pharmaceutical Development")
        assert (imi.source, imi.author, imi.leads) == ("rest", "Editorial Team", 3)
        assert posts[f"{BLOG}/contact/"].source == "html"
        assert all(p.state == "resolved" for p in posts.values())

        # Insights with resolved posts: every post brought a lead. The four dated posts all
        # came out before the demo's first lead, when nothing was tracked yet: no time to a
        # first lead is claimed for them (the home and contact pages have no date at all).
        assert insights.posts_without_leads(s) == []
        assert insights.median_time_to_first_lead(s) is None
        per_topic = insights.leads_per_topic(s, period="month")
        without_page = sum(1 for r in query.iterate(s, query.Filter()) if r.page_url is None)
        assert sum(c.leads for c in per_topic) == sum(p.leads for p in posts.values()) + without_page
        assert any(c.topic is None for c in per_topic)
        # A post published later that brought nothing yet is listed as such.
        s.add(Post(url=f"{BLOG}/blog/new/", title="New", source="rest",
                   published_at=datetime(2026, 11, 1, tzinfo=UTC)))
        s.flush()
        assert [p.title for p in insights.posts_without_leads(s)] == ["New"]
