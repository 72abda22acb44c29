"""A post as it was when a lead arrived, kept with the lead (``submissions.post_snapshot``).

A later edit of the post changes the cached post, never the snapshot; comparing the two tells the
UI to say "the post changed since this lead arrived".
"""

from __future__ import annotations

from typing import Any

from leaddesk.db.models import Post
from leaddesk.db.types import utcnow

# What a reader would notice when it changes; dates and fetch bookkeeping are not compared.
COMPARED = ("title", "excerpt", "author", "categories", "tags")


def is_resolved(post: Post) -> bool:
    return post.source is not None


def snapshot_of(post: Post) -> dict[str, Any]:
    return {
        "url": post.url,
        "title": post.title,
        "excerpt": post.excerpt,
        "author": post.author,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "modified_at": post.modified_at.isoformat() if post.modified_at else None,
        "categories": list(post.categories or []),
        "tags": list(post.tags or []),
        "taken_at": utcnow().isoformat(),
    }


def changed_fields(snapshot: dict[str, Any] | None, post: Post) -> list[str]:
    """The compared fields that differ between a lead's snapshot and the post as cached now."""
    if not snapshot:
        return []
    return [key for key in COMPARED if key in snapshot
            and (snapshot.get(key) or None) != (_current(post, key) or None)]


def _current(post: Post, key: str) -> Any:
    value = getattr(post, key)
    return list(value) if isinstance(value, list | tuple) else value


def state_of(post: Post, *, allowed: bool) -> str:
    """``resolved``, ``pending`` (not looked up yet), ``failed`` or ``not-allowed`` (never looked
    up: its host is not on the sites list). A resolved post whose refresh failed stays resolved."""
    if is_resolved(post):
        return "resolved"
    if not allowed:
        return "not-allowed"
    return "failed" if post.fetch_error else "pending"
