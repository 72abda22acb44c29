"""Opening the demo: the one function every way in goes through.

``leaddesk demo`` (and ``bash packaging/dev.sh run``, which runs it) and the welcome screen's
"Open the demo" all call :func:`open_demo`, so the demo is the same database whichever way it is
opened: the demo blog is served and registered first (its topic mappings must exist when the
mail is read, or the leads' topics come out differently), then the bundled mailbox is imported,
the posts are looked up on the demo blog, and the demo team's work is applied
(:mod:`leaddesk.demo_content`). Opening it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from leaddesk import demo_content, demo_site
from leaddesk.config import data_dir, demo_db_url
from leaddesk.db import Database
from leaddesk.ingest import files
from leaddesk.posts.resolve import ResolveReport, resolve_posts
from leaddesk.progress import Reporter
from leaddesk.resources import demo_mailbox

TITLE_SUFFIX = " — demo"  # the demo window's title: "LeadDesk — demo"


@dataclass
class OpenDemo:
    """The demo database, open, with its blog served; :meth:`close` stops both."""

    url: str
    db: Database
    site: demo_site.DemoSite
    new_messages: int
    posts: ResolveReport
    team: demo_content.Seeded

    def summary(self) -> str:
        return (f"demo database: {self.url} ({self.new_messages} new messages)\n"
                f"{self.posts.summary()}\n{self.team.summary()}")

    def close(self) -> None:
        self.site.stop()
        self.db.close()


def reset(url: str) -> None:
    """Delete the default demo database (never a database given with --db)."""
    if url == demo_db_url():
        for suffix in ("", "-wal", "-shm"):
            (data_dir() / f"demo.db{suffix}").unlink(missing_ok=True)


def open_demo(url: str | None = None, *, fresh: bool = False,
              reporter: Reporter | None = None) -> OpenDemo:
    """Fill (or top up) the demo database at ``url`` (default: the demo's own) and serve its
    blog; the caller closes the result."""
    url = url or demo_db_url()
    if fresh:
        reset(url)
    db = Database.open(url)
    try:
        site = demo_site.start_for(db)
    except BaseException:
        db.close()
        raise
    try:
        result = files.import_paths(db, [demo_mailbox()], reporter=reporter)
        posts = resolve_posts(db)
        team = demo_content.seed(db)
    except BaseException:
        site.stop()
        db.close()
        raise
    # Mail that joined a lead's conversation is a new message too, not a new row.
    return OpenDemo(url, db, site, result.added + result.threaded, posts, team)
