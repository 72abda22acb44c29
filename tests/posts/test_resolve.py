"""Resolution passes against a real HTTP server on loopback, on SQLite and PostgreSQL.

The blog's real origin is on the allowlist with the test server as its fetch base (as in the demo),
so the leads keep their real page URLs and the server's log shows every request made.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from leaddesk import detail, query
from leaddesk.db import Database
from leaddesk.db.models import Post
from leaddesk.db.types import utcnow
from leaddesk.posts.fetch import FetchConfig
from leaddesk.posts.resolve import resolve_posts
from tests.posts.helpers import (
    BLOG,
    REST_PAGES,
    REST_POSTS,
    allow,
    demo_post,
    lead,
    post_of,
    rest,
    store,
    submission,
)
from tests.posts.server import Answer, Seen, TestSite

MICRO = "/blog/focus-on-micro-influencers/"
MICRO_REST = f"{REST_POSTS}?slug=focus-on-micro-influencers&_embed=author,wp:term"
CONTACT_HTML = (b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Contact - Agency</title>'
                b'<meta property="og:type" content="website"><meta property="og:title" '
                b'content="Contact us"><meta name="description" content="Write to the team.">'
                b"</head><body><p>We answer within two working days, promised.</p></body></html>")


def test_the_rest_api_resolves_a_post_snapshots_it_and_derives_the_topic(
        db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes[MICRO_REST] = rest(demo_post("focus-on-micro-influencers"))
    [sid] = store(db, lead(1, MICRO))
    assert site.paths == []  # storing never fetches: resolution is a separate pass
    report = resolve_posts(db)
    assert (report.resolved, report.failed, report.snapshots, report.topics) == (1, 0, 1, 1)
    assert site.paths == [MICRO_REST]
    assert site.seen[0].headers["accept"] == "application/json"
    post = post_of(db, BLOG + MICRO)
    assert (post.title, post.author, post.source, post.kind) == (
        "Focus on Micro-Influencers", "Brian Castle", "rest", "post")
    assert (post.categories, post.tags) == (["Digital"], ["Micro-influencers", "Social media",
                                                          "Patient engagement"])
    sub = submission(db, sid)
    assert sub.post_snapshot is not None
    assert sub.post_snapshot["title"] == "Focus on Micro-Influencers"
    assert (sub.topic, sub.topic_source) == ("Digital", "mapping")  # one topic per category
    with db.session() as s:
        # The resolved title is searchable, and list rows carry it.
        [row] = query.find(s, query.Filter(text="micro influencers")).rows
        assert (row.id, row.post_title, row.post_url) == (sid, post.title, BLOG + MICRO)
        assert row.as_json()["post_url"] == BLOG + MICRO
    assert resolve_posts(db).resolved == 0  # nothing is due any more
    assert site.paths == [MICRO_REST]


def test_a_page_without_the_api_is_read_from_its_html(db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/contact/"] = Answer(body=CONTACT_HTML)
    [sid] = store(db, lead(1, "/contact/", topic="Market access"))
    report = resolve_posts(db)
    assert report.resolved == 1
    # REST first (posts, 404: no API), then the page itself.
    assert site.paths == [f"{REST_POSTS}?slug=contact&_embed=author,wp:term", "/contact/"]
    post = post_of(db, BLOG + "/contact/")
    assert (post.title, post.excerpt, post.source, post.kind) == (
        "Contact us", "Write to the team.", "html", "page")
    assert (submission(db, sid).topic, submission(db, sid).topic_source) == ("Market access",
                                                                             "field")


def test_a_wordpress_page_is_found_after_the_posts(db: Database, site: TestSite) -> None:
    allow(db, site)
    page = demo_post("focus-on-micro-influencers") | {
        "type": "page", "link": f"{BLOG}/about/", "slug": "about",
        "title": {"rendered": "About us"}, "categories": [], "tags": []}
    del page["_embedded"]["wp:term"]
    site.routes[f"{REST_POSTS}?slug=about&_embed=author,wp:term"] = rest()
    site.routes[f"{REST_PAGES}?slug=about&_embed=author,wp:term"] = rest(page)
    store(db, lead(1, "/about/"))
    assert resolve_posts(db).resolved == 1
    post = post_of(db, BLOG + "/about/")
    assert (post.title, post.kind, post.categories) == ("About us", "page", [])
    assert len(site.paths) == 2


def test_not_found_and_server_errors_are_noted_and_retried_with_backoff(
        db: Database, site: TestSite) -> None:
    allow(db, site)
    [sid] = store(db, lead(1, "/blog/gone/"))
    report = resolve_posts(db)
    assert (report.resolved, report.failed) == (0, 1)
    post = post_of(db, BLOG + "/blog/gone/")
    assert post.fetch_error == "the page was not found on the site (HTTP 404)"
    assert post.attempts == 1
    assert post.next_fetch_at is not None
    assert post.next_fetch_at > utcnow() + timedelta(hours=5)
    with db.session() as s:
        shown = detail.load(s, sid)
    assert shown.row.page_url == BLOG + "/blog/gone/"  # the lead still shows its URL, with a note
    assert shown.post is not None
    assert shown.post.state == "failed"
    requests = len(site.paths)
    resolve_posts(db)
    assert len(site.paths) == requests  # backing off: not asked again yet

    site.routes["/blog/gone/"] = Answer(500, b"<h1>Error establishing a database connection</h1>")
    _make_due(db)
    resolve_posts(db)
    post = post_of(db, BLOG + "/blog/gone/")
    assert (post.attempts, post.fetch_error) == (2, "the site had a problem (HTTP 500); trying "
                                                    "again later")
    assert post.next_fetch_at is not None
    assert post.next_fetch_at < utcnow() + timedelta(minutes=11)

    site.routes["/blog/gone/"] = Answer(body=CONTACT_HTML)
    _make_due(db)
    assert resolve_posts(db).resolved == 1
    post = post_of(db, BLOG + "/blog/gone/")
    assert (post.attempts, post.fetch_error, post.next_fetch_at) == (0, None, None)


def _make_due(db: Database) -> None:
    with db.session() as s:
        s.execute(update(Post).values(next_fetch_at=utcnow() - timedelta(seconds=1)))


def test_a_body_that_is_not_html_is_no_post(db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/files/brochure.pdf"] = Answer(body=b"%PDF-1.7\n", content_type="application/pdf")
    store(db, lead(1, "/files/brochure.pdf"))
    report = resolve_posts(db)
    assert report.failed == 1
    assert site.paths == ["/files/brochure.pdf"]  # a file name is no slug: no REST query
    assert "not HTML (application/pdf)" in (post_of(db, BLOG + "/files/brochure.pdf").fetch_error
                                            or "")


def test_a_huge_page_is_cut_off_and_still_read(db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/blog/huge/"] = Answer(body=CONTACT_HTML[:-14], filler=50 * 1024 * 1024)
    store(db, lead(1, "/blog/huge/"))
    report = resolve_posts(db, config=FetchConfig(max_bytes=512 * 1024))
    assert report.resolved == 1
    assert post_of(db, BLOG + "/blog/huge/").title == "Contact us"
    assert site.done.wait(10)
    assert site.sent["/blog/huge/"] < 50 * 1024 * 1024


def test_a_slow_site_times_out_without_holding_up_the_pass(db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/blog/slow/"] = Answer(body=CONTACT_HTML, delay=3.0)
    site.routes["/contact/"] = Answer(body=CONTACT_HTML)
    store(db, lead(1, "/blog/slow/"), lead(2, "/contact/"))
    report = resolve_posts(db, config=FetchConfig(read_timeout=0.3))
    assert (report.resolved, report.failed) == (1, 1)
    assert report.seconds < 2.5
    assert "did not answer in time" in (post_of(db, BLOG + "/blog/slow/").fetch_error or "")


def test_hostile_html_in_the_excerpt_is_stored_as_text(db: Database, site: TestSite) -> None:
    allow(db, site)
    post = demo_post("focus-on-micro-influencers")
    post["title"] = {"rendered": "Micro &lt;b&gt;influencers&lt;/b&gt;<script>alert(1)</script>"}
    post["excerpt"] = {"rendered": '<p><img src=x onerror="alert(2)">Hello <script>steal()'
                                   '</script><a href="javascript:alert(3)">world</a></p>'}
    site.routes[MICRO_REST] = rest(post)
    store(db, lead(1, MICRO))
    resolve_posts(db)
    stored = post_of(db, BLOG + MICRO)
    assert stored.excerpt == "Hello world"
    assert stored.title == "Micro <b>influencers</b>"  # characters to show, never markup


def test_a_page_on_a_host_off_the_allowlist_is_never_requested(
        db: Database, site: TestSite) -> None:
    allow(db, site)
    # The same server by another name: a host that is not on the team's list of sites. (Not an
    # admin path: the reader never takes an admin link as the visitor's page.)
    stranger = site.base.replace("127.0.0.1", "localhost") + "/blog/elsewhere/"
    site.routes["/blog/elsewhere/"] = Answer(body=CONTACT_HTML)
    [sid] = store(db, lead(1, stranger))
    report = resolve_posts(db, everything=True)
    assert (report.not_allowed, report.resolved, report.failed) == (1, 0, 0)
    assert site.paths == []
    with db.session() as s:
        shown = detail.load(s, sid).post
    assert shown is not None
    assert shown.state == "not-allowed"
    assert shown.fetch_error
    assert "is not one of the team's sites" in shown.fetch_error


def test_redirects_within_the_site_are_followed_and_leaving_it_is_not(
        db: Database, site: TestSite) -> None:
    allow(db, site)
    site.routes["/blog/old-name/"] = Answer(301, headers={"Location": f"{BLOG}/blog/new-name/"})
    site.routes["/blog/new-name/"] = Answer(body=CONTACT_HTML)
    site.routes["/blog/away/"] = Answer(302, headers={"Location": "http://10.0.0.1/admin"})
    store(db, lead(1, "/blog/old-name/"), lead(2, "/blog/away/"))
    report = resolve_posts(db)
    assert (report.resolved, report.failed) == (1, 1)
    assert post_of(db, BLOG + "/blog/old-name/").title == "Contact us"
    assert "not followed" in (post_of(db, BLOG + "/blog/away/").fetch_error or "")
    assert "/admin" not in site.paths


def test_refresh_is_conditional_and_an_edit_does_not_rewrite_history(
        db: Database, site: TestSite) -> None:
    allow(db, site)
    current = {"post": demo_post("focus-on-micro-influencers"), "etag": '"v1"'}

    def answer(seen: Seen) -> Answer:
        if seen.headers.get("if-none-match") == current["etag"]:
            return Answer(304, headers={"ETag": str(current["etag"])})
        return rest(current["post"], etag=str(current["etag"]))  # type: ignore[arg-type]

    site.routes[MICRO_REST] = answer
    [first] = store(db, lead(1, MICRO))
    resolve_posts(db)
    report = resolve_posts(db, everything=True)
    assert (report.unchanged, report.resolved) == (1, 0)
    assert site.seen[-1].headers["if-none-match"] == '"v1"'

    edited = demo_post("focus-on-micro-influencers")
    edited["title"] = {"rendered": "Micro-Influencers, Revisited"}
    current.update(post=edited, etag='"v2"')
    assert resolve_posts(db, everything=True).resolved == 1
    [second] = store(db, lead(2, MICRO))
    with db.session() as s:
        old, new = detail.load(s, first).post, detail.load(s, second).post
    assert old is not None
    assert new is not None
    assert old.title == "Micro-Influencers, Revisited"
    assert old.snapshot is not None
    assert old.snapshot["title"] == "Focus on Micro-Influencers"
    assert (old.changed_since, old.changed_fields) == (True, ("title",))
    assert new.changed_since is False  # it arrived after the edit: its snapshot is the new post


def test_a_cancelled_pass_requests_nothing(db: Database, site: TestSite) -> None:
    from leaddesk.progress import CancelToken
    allow(db, site)
    store(db, lead(1, MICRO))
    token = CancelToken()
    token.cancel()
    assert resolve_posts(db, cancel=token).resolved == 0
    assert site.paths == []
