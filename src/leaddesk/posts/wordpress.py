"""The WordPress REST API: which query finds a page URL's post, and what the answer says.

``GET /wp-json/wp/v2/posts?slug=<slug>&_embed=author,wp:term`` returns a JSON array of post
objects; ``_embedded.author[0].name`` is the author and ``_embedded["wp:term"]`` holds the
category and tag term lists. Pages live at ``/wp-json/wp/v2/pages`` (no terms). Rendered fields are
HTML; they are turned into plain text here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from leaddesk.posts.html import parse_date, shorten, text_of
from leaddesk.posts.sites import origin_of

KINDS = ("post", "page")
_COLLECTION = {"post": "posts", "page": "pages"}


@dataclass(frozen=True)
class PostData:
    """A post as resolved, from either the REST API or the page's HTML."""

    title: str | None
    excerpt: str | None
    author: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    kind: str | None = None
    wp_id: int | None = None
    slug: str | None = None


def slug_of(page_url: str) -> str | None:
    """The last path segment of a page URL (WordPress' permalink slug); None for the home page."""
    segments = [s for s in urlsplit(page_url).path.split("/") if s]
    if not segments or "." in segments[-1]:  # "/" or a file such as /index.php
        return None
    return unquote(segments[-1]).lower()


def rest_url(page_url: str, kind: str, slug: str) -> str:
    origin = origin_of(page_url) or ""
    return (f"{origin}/wp-json/wp/v2/{_COLLECTION[kind]}?slug={quote(slug, safe='')}"
            f"&_embed=author,wp:term")


def parse_rest(body: bytes, page_url: str, kind: str) -> PostData | None:
    """The post in a REST answer that matches ``page_url``; None when there is none.

    Raises ValueError when the body is not the JSON array the API returns.
    """
    try:
        items = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError("the answer is not JSON") from exc
    if not isinstance(items, list):
        raise ValueError("the answer is not a list of posts")
    candidates = [item for item in items if isinstance(item, dict)]
    wanted = _path(page_url)
    # Two post types may share a slug; the one whose permalink is this page wins.
    matching = [item for item in candidates if _path(str(item.get("link") or "")) == wanted]
    chosen = matching[0] if matching else (candidates[0] if len(candidates) == 1 else None)
    return _post(chosen, kind) if chosen is not None else None


def _path(url: str) -> str:
    return urlsplit(url).path.rstrip("/").lower()


def _rendered(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if isinstance(value, dict):
        if value.get("protected"):
            return ""  # a password-protected post's text stays on the site
        return str(value.get("rendered") or "")
    return str(value or "")


def _post(item: dict[str, Any], kind: str) -> PostData:
    embedded = item.get("_embedded")
    if not isinstance(embedded, dict):
        embedded = {}
    excerpt = text_of(_rendered(item, "excerpt")) or text_of(_rendered(item, "content"))
    categories, tags = _terms(embedded.get("wp:term"))
    wp_id = item.get("id")
    return PostData(
        title=text_of(_rendered(item, "title")) or None,
        excerpt=shorten(excerpt) or None,
        author=_author(embedded.get("author")),
        published_at=parse_date(str(item.get("date_gmt") or "")) or parse_date(
            str(item.get("date") or "")),
        modified_at=parse_date(str(item.get("modified_gmt") or "")),
        categories=categories,
        tags=tags,
        kind=str(item.get("type") or kind),
        wp_id=wp_id if isinstance(wp_id, int) else None,
        slug=str(item.get("slug") or "") or None,
    )


def _author(authors: Any) -> str | None:
    # A site that hides its users answers with an error object here instead of a user.
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return text_of(str(authors[0].get("name") or "")) or None
    return None


def _terms(groups: Any) -> tuple[list[str], list[str]]:
    categories: list[str] = []
    tags: list[str] = []
    for group in groups if isinstance(groups, list) else []:
        for term in group if isinstance(group, list) else []:
            if not isinstance(term, dict):
                continue
            name = text_of(str(term.get("name") or ""))
            taxonomy = term.get("taxonomy")
            if name and taxonomy == "category":
                categories.append(name)
            elif name and taxonomy == "post_tag":
                tags.append(name)
    return categories, tags
