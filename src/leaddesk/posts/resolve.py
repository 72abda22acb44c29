"""A resolution pass: look up the posts that are due, cache them, snapshot them onto their leads.

Runs outside any sync transaction and never on the GUI thread: after a sync (CLI and UI), on the
window's start, and with ``leaddesk posts refresh``. Three phases keep the database free while the
network is slow: read what is due (one short session), fetch in parallel (no session), write the
results, snapshots and derived topics (one short transaction).

For each post: the WordPress REST API first (posts, then pages, by slug), then the page's own HTML.
A failure is recorded on the post (``fetch_error``) and retried later with exponential backoff; a
post that resolved once keeps its data when a refresh fails. Pages on hosts that are not on the
sites allowlist are noted and never requested.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from leaddesk.changes import Change, Kind
from leaddesk.db import Database
from leaddesk.db.models import Post, Submission
from leaddesk.db.types import utcnow
from leaddesk.posts import topics
from leaddesk.posts.fetch import HTML_ACCEPT, JSON_ACCEPT, FetchConfig, Fetcher, FetchError, Response
from leaddesk.posts.html import parse_page
from leaddesk.posts.sites import Allowlist, origin_of
from leaddesk.posts.snapshot import snapshot_of
from leaddesk.posts.wordpress import KINDS, PostData, parse_rest, rest_url, slug_of
from leaddesk.progress import CancelToken, NullReporter, Reporter

log = logging.getLogger(__name__)

REFRESH_AFTER = timedelta(days=1)  # a resolved post is checked again (conditionally) after this
BACKOFF_FIRST = timedelta(minutes=5)  # after a failure that may pass (network, 5xx, timeout)
BACKOFF_FIRST_PERMANENT = timedelta(hours=6)  # after one that will not pass soon (404, not HTML)
BACKOFF_MAX = timedelta(days=1)
WORKERS = 6
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
NOT_ALLOWED = "not looked up: {host} is not one of the team's sites (`leaddesk sites add {origin}`)"


@dataclass(frozen=True)
class Due:
    id: int
    url: str
    source: str | None
    kind: str | None
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class Fetched:
    """What one lookup found, before it is written; built in a worker without a session."""

    post_id: int
    url: str
    data: PostData | None = None
    source: str | None = None
    unchanged: bool = False
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    retry: bool = True
    truncated: bool = False
    seconds: float = 0.0


@dataclass
class ResolveReport:
    resolved: int = 0
    unchanged: int = 0
    failed: int = 0
    not_allowed: int = 0
    snapshots: int = 0
    topics: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.resolved or self.snapshots or self.topics or self.failed)

    @property
    def changes(self) -> list[Change]:
        """What a pass changed: posts, and the rows that show them (titles, derived topics)."""
        if not self.changed:
            return []
        fields = {"post", "topic"} if self.topics else {"post"}
        return [Change(Kind.POST), Change.of(Kind.SUBMISSION, None, fields)]

    def summary(self) -> str:
        parts = [f"{self.resolved} resolved", f"{self.unchanged} unchanged", f"{self.failed} failed"]
        if self.not_allowed:
            parts.append(f"{self.not_allowed} not on the sites list")
        return f"posts: {', '.join(parts)} ({self.seconds:.1f} s)"


def backoff(attempts: int, *, retry: bool) -> timedelta:
    first = BACKOFF_FIRST if retry else BACKOFF_FIRST_PERMANENT
    delay: timedelta = first * (2 ** min(max(attempts - 1, 0), 20))
    return min(delay, BACKOFF_MAX)


def due_posts(session: Session, *, now: datetime, everything: bool = False,
              post_ids: Iterable[int] | None = None) -> list[Due]:
    """Posts to look up: never resolved and past their backoff, or resolved and stale.
    ``everything`` takes every post now (``leaddesk posts refresh``)."""
    stmt = select(Post.id, Post.url, Post.source, Post.kind, Post.etag, Post.last_modified)
    if post_ids is not None:
        stmt = stmt.where(Post.id.in_(list(post_ids)))
    elif not everything:
        stmt = stmt.where(or_(Post.next_fetch_at.is_(None), Post.next_fetch_at <= now),
                          or_(Post.source.is_(None), Post.fetched_at.is_(None),
                              Post.fetched_at <= now - REFRESH_AFTER))
    return [Due(*row) for row in session.execute(stmt.order_by(Post.id))]


# ---------------------------------------------------------------- one lookup (no database)


def fetch_one(fetcher: Fetcher, due: Due) -> Fetched:
    started = time.monotonic()
    try:
        found = _lookup(fetcher, due)
    except FetchError as exc:
        found = Fetched(due.id, due.url, error=str(exc), retry=exc.retry)
    return Fetched(**{**found.__dict__, "seconds": time.monotonic() - started})


def _lookup(fetcher: Fetcher, due: Due) -> Fetched:
    slug = slug_of(due.url)
    if slug:
        kinds = [due.kind] if due.source == "rest" and due.kind in KINDS else list(KINDS)
        for kind in kinds:
            conditional = due.source == "rest"
            r = fetcher.get(rest_url(due.url, kind, slug), accept=JSON_ACCEPT,
                            etag=due.etag if conditional else None,
                            last_modified=due.last_modified if conditional else None)
            if r.status == 304 and conditional:
                return _unchanged(due, r, "rest")
            if r.status != 200 or "json" not in r.content_type or r.truncated:
                break  # no WordPress API here (or a broken one): read the page instead
            try:
                data = parse_rest(r.body, due.url, kind)
            except ValueError:
                break
            if data is not None:
                return Fetched(due.id, due.url, data=data, source="rest", etag=r.etag,
                               last_modified=r.last_modified)
    return _from_html(fetcher, due)


def _from_html(fetcher: Fetcher, due: Due) -> Fetched:
    conditional = due.source == "html"
    r = fetcher.get(due.url, accept=HTML_ACCEPT, etag=due.etag if conditional else None,
                    last_modified=due.last_modified if conditional else None)
    if r.status == 304 and conditional:
        return _unchanged(due, r, "html")
    if r.status in (404, 410):
        raise FetchError(f"the page was not found on the site (HTTP {r.status})", retry=False)
    if r.status >= 500:
        raise FetchError(f"the site had a problem (HTTP {r.status}); trying again later")
    if r.status != 200:
        raise FetchError(f"the site answered HTTP {r.status}", retry=False)
    if r.content_type not in HTML_TYPES:
        raise FetchError(f"the page is not HTML ({r.content_type or 'no content type'}), so there "
                         f"is no post to show", retry=False)
    meta = parse_page(r.body, r.charset)
    if not meta.title and not meta.excerpt:
        raise FetchError("the page has no title or text LeadDesk can read", retry=False)
    data = PostData(title=meta.title, excerpt=meta.excerpt, author=meta.author,
                    published_at=meta.published_at, modified_at=meta.modified_at,
                    categories=meta.sections, tags=meta.tags,
                    kind="post" if (meta.og_type or "").lower() == "article" else "page",
                    slug=slug_of(due.url))
    return Fetched(due.id, due.url, data=data, source="html", etag=r.etag,
                   last_modified=r.last_modified, truncated=r.truncated)


def _unchanged(due: Due, r: Response, source: str) -> Fetched:
    return Fetched(due.id, due.url, unchanged=True, source=source, etag=r.etag or due.etag,
                   last_modified=r.last_modified or due.last_modified)


# ---------------------------------------------------------------- writing the results


def _apply(post: Post, found: Fetched, now: datetime) -> None:
    if found.error is not None:
        post.fetch_error = found.error
        post.attempts = (post.attempts or 0) + 1
        post.next_fetch_at = now + backoff(post.attempts, retry=found.retry)
        return
    post.fetched_at = now
    post.fetch_error = None
    post.attempts = 0
    post.next_fetch_at = None
    post.etag, post.last_modified = found.etag, found.last_modified
    data = found.data
    if data is None:  # 304: the cached post is current
        return
    post.source = found.source
    post.title = data.title or post.title
    post.excerpt = data.excerpt
    post.author = data.author
    post.published_at = data.published_at
    post.modified_at = data.modified_at
    post.categories = list(data.categories)
    post.tags = list(data.tags)
    post.kind = data.kind
    post.wp_id = data.wp_id
    post.slug = data.slug


def fill_snapshots(session: Session, post_ids: Iterable[int]) -> int:
    """Give leads of resolved posts that have no snapshot yet the post as it is now."""
    filled = 0
    for post in session.execute(select(Post).where(Post.id.in_(list(post_ids)),
                                                   Post.source.is_not(None))).scalars():
        result = session.execute(update(Submission).where(
            Submission.post_id == post.id, Submission.post_snapshot.is_(None))
            .values(post_snapshot=snapshot_of(post)))
        filled += int(getattr(result, "rowcount", 0) or 0)
    return filled


def _note_not_allowed(session: Session, post_ids: list[int], allowlist: Allowlist) -> None:
    for post in session.execute(select(Post).where(Post.id.in_(post_ids))).scalars():
        origin = origin_of(post.url)
        if origin is None:
            note = "not looked up: the page address is not a web address"
        else:
            note = NOT_ALLOWED.format(host=origin.split("://", 1)[1], origin=origin)
        if post.fetch_error != note:
            post.fetch_error = note


def resolve_posts(db: Database, *, everything: bool = False, post_ids: Iterable[int] | None = None,
                  config: FetchConfig | None = None, reporter: Reporter | None = None,
                  cancel: CancelToken | None = None) -> ResolveReport:
    """Look up the posts that are due (or all, or the given ones) and store what was found."""
    reporter = reporter or NullReporter()
    cancel = cancel or CancelToken()
    report = ResolveReport()
    started = time.monotonic()
    now = utcnow()
    with db.session() as session:
        allowlist = Allowlist.load(session)
        due = due_posts(session, now=now, everything=everything, post_ids=post_ids)
    allowed = [d for d in due if allowlist.allows(d.url)]
    refused = [d.id for d in due if not allowlist.allows(d.url)]
    report.not_allowed = len(refused)
    results: list[Fetched] = []
    reporter.started("Looking up posts", len(allowed))
    try:
        if allowed:
            results = _fetch_all(allowlist, config, allowed, reporter, cancel)
        db.write(lambda: _store(db, results, refused, allowlist, now, report))
    finally:
        for found in results:
            if found.error is not None:
                report.failed += 1
                report.failures.append((found.url, found.error))
                reporter.item_failed(found.url, found.error)
            elif found.unchanged:
                report.unchanged += 1
            else:
                report.resolved += 1
        report.seconds = time.monotonic() - started
        reporter.finished(report.summary())
    return report


def _store(db: Database, results: list[Fetched], refused: list[int], allowlist: Allowlist,
           now: datetime, report: ResolveReport) -> None:
    """Write what the lookups found, in one transaction (where the database's writer runs it)."""
    with db.session() as session:
        if refused:
            _note_not_allowed(session, refused, allowlist)
        posts = {p.id: p for p in session.execute(select(Post).where(
            Post.id.in_([f.post_id for f in results]))).scalars()}
        for found in results:
            if found.post_id in posts:
                _apply(posts[found.post_id], found, now)
        session.flush()
        ok = [f.post_id for f in results if f.error is None]
        report.snapshots = fill_snapshots(session, ok)
        report.topics = topics.derive_topics(session, post_ids=ok)


def _fetch_all(allowlist: Allowlist, config: FetchConfig | None, due: list[Due],
               reporter: Reporter, cancel: CancelToken) -> list[Fetched]:
    results: list[Fetched] = []
    with Fetcher(allowlist, config) as fetcher, \
            ThreadPoolExecutor(max_workers=min(WORKERS, len(due)),
                               thread_name_prefix="posts") as pool:
        futures = [pool.submit(_unless_cancelled, fetcher, d, cancel) for d in due]
        for future in as_completed(futures):
            found = future.result()
            if found is not None:
                results.append(found)
                reporter.progress(len(results), len(due))
    return results


def _unless_cancelled(fetcher: Fetcher, due: Due, cancel: CancelToken) -> Fetched | None:
    return None if cancel.cancelled else fetch_one(fetcher, due)


def resolve_after_sync(db: Database, *, config: FetchConfig | None = None) -> ResolveReport | None:
    """Best effort after a sync: the due posts; None (and a log line) when it could not run."""
    try:
        return resolve_posts(db, config=config)
    except Exception:  # a lookup problem must never turn a good sync into a failure
        log.warning("post lookup after sync failed", exc_info=True)
        return None
