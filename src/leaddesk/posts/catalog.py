"""The posts LeadDesk knows, with their lead counts and lookup state: ``leaddesk posts``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.db.models import Post
from leaddesk.insights import leads_per_post
from leaddesk.posts.sites import Allowlist
from leaddesk.posts.snapshot import state_of


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class PostInfo:
    id: int
    url: str
    title: str | None
    excerpt: str | None
    author: str | None
    published_at: datetime | None
    modified_at: datetime | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str | None
    source: str | None
    state: str
    fetched_at: datetime | None
    fetch_error: str | None
    next_fetch_at: datetime | None
    leads: int
    first_lead_at: datetime | None

    def as_json(self) -> dict[str, Any]:
        """The stable ``leaddesk posts --json`` shape: add keys, never rename."""
        return {
            "id": self.id, "url": self.url, "title": self.title, "excerpt": self.excerpt,
            "author": self.author, "published_at": _iso(self.published_at),
            "modified_at": _iso(self.modified_at), "categories": list(self.categories),
            "tags": list(self.tags), "kind": self.kind, "source": self.source,
            "state": self.state, "fetched_at": _iso(self.fetched_at),
            "fetch_error": self.fetch_error, "next_fetch_at": _iso(self.next_fetch_at),
            "leads": self.leads, "first_lead_at": _iso(self.first_lead_at),
        }


def list_posts(session: Session) -> list[PostInfo]:
    """Every known post, busiest first (leads as the inbox counts them: no spam)."""
    allowlist = Allowlist.load(session)
    stats = leads_per_post(session)
    posts = {p.id: p for p in session.execute(select(Post)).scalars()}
    found = []
    for s in stats:
        p = posts[s.post_id]
        found.append(PostInfo(
            id=p.id, url=p.url, title=p.title, excerpt=p.excerpt, author=p.author,
            published_at=p.published_at, modified_at=p.modified_at,
            categories=tuple(str(c) for c in p.categories or ()),
            tags=tuple(str(t) for t in p.tags or ()), kind=p.kind, source=p.source,
            state=state_of(p, allowed=allowlist.allows(p.url)), fetched_at=p.fetched_at,
            fetch_error=p.fetch_error, next_fetch_at=p.next_fetch_at, leads=s.leads,
            first_lead_at=s.first_lead_at))
    return found
