"""Reading a blog page's own HTML: Open Graph and article meta tags, ``<title>``, first paragraphs.

Built on the stdlib's forgiving ``html.parser``: malformed markup yields what can be read, never an
exception. Everything returned is plain text (tags dropped, entities decoded); the UI shows it as
text, so markup a page carries can never render in LeadDesk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import unescape
from html.parser import HTMLParser

_SPACES = re.compile(r"\s+")
_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object", "head",
                      "nav", "header", "footer", "aside", "form", "button", "select", "textarea"})
# In a fragment (a REST field) only these hide their content; page chrome is not expected there.
_FRAGMENT_SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "iframe", "object"})
_BLOCKS = frozenset({"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
                     "section", "article", "tr", "td", "th"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
EXCERPT_CHARS = 600


def clean(text: str | None) -> str:
    return _SPACES.sub(" ", text or "").strip()


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FRAGMENT_SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _FRAGMENT_SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def text_of(fragment: str | None) -> str:
    """An HTML fragment (a REST ``rendered`` field) as one line of plain text."""
    if not fragment:
        return ""
    parser = _TextOf()
    parser.feed(fragment)
    parser.close()
    # Entities written twice (``&amp;#8217;``) survive one decoding pass in some feeds.
    return clean(unescape("".join(parser.parts)))


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + " …"


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date as an aware UTC datetime (naive means UTC, as WordPress' ``date_gmt``)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


@dataclass
class PageMeta:
    title: str | None = None
    description: str | None = None
    published_at: datetime | None = None
    modified_at: datetime | None = None
    author: str | None = None
    sections: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    og_type: str | None = None
    site_name: str | None = None
    paragraphs: list[str] = field(default_factory=list)

    @property
    def excerpt(self) -> str | None:
        text = self.description or " ".join(self.paragraphs)
        return shorten(clean(text)) or None


class _PageParser(HTMLParser):
    """Collects meta tags, the document title and the first paragraphs of the body."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title_parts: list[str] | None = None
        self.title = ""
        self.skipping: list[str] = []
        self.paragraph: list[str] | None = None
        self.paragraphs: list[str] = []

    def enough(self) -> bool:
        return sum(len(p) for p in self.paragraphs) >= EXCERPT_CHARS

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or "").strip().lower()
            if key and "content" in values:
                self.meta.setdefault(key, []).append(clean(values["content"]))
        elif tag == "title" and not self.title:
            self.title_parts = []
        elif tag in _SKIPPED and tag != "head":
            self.skipping.append(tag)
        elif tag == "p" and not self.skipping and not self.enough():
            self.paragraph = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.title_parts is not None:
            self.title = clean("".join(self.title_parts))
            self.title_parts = None
        elif self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()
        elif tag == "p" and self.paragraph is not None:
            text = clean("".join(self.paragraph))
            if len(text) >= 20:  # skip bylines, "Share:", empty spacers
                self.paragraphs.append(text)
            self.paragraph = None

    def handle_data(self, data: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(data)
        elif self.paragraph is not None and not self.skipping:
            self.paragraph.append(data)


def decode(body: bytes, charset: str | None) -> str:
    if not charset:
        found = _META_CHARSET.search(body[:2048])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def parse_page(body: bytes, charset: str | None = None) -> PageMeta:
    parser = _PageParser()
    parser.feed(decode(body, charset))
    parser.close()
    meta = parser.meta

    def first(*keys: str) -> str | None:
        for key in keys:
            for value in meta.get(key, []):
                if value:
                    return value
        return None

    site_name = first("og:site_name")
    title = first("og:title", "twitter:title") or _without_site_name(parser.title, site_name) or None
    author = first("author", "article:author")
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name
    return PageMeta(
        title=title,
        description=first("og:description", "description", "twitter:description"),
        published_at=parse_date(first("article:published_time", "date")),
        modified_at=parse_date(first("article:modified_time", "og:updated_time")),
        author=author,
        sections=_unique(meta.get("article:section", [])),
        tags=_unique(meta.get("article:tag", [])),
        og_type=first("og:type"),
        site_name=site_name,
        paragraphs=parser.paragraphs,
    )


def _without_site_name(title: str, site_name: str | None) -> str:
    if site_name:
        for separator in (" | ", " – ", " — ", " - ", " · "):
            if title.endswith(separator + site_name):
                return title[: -len(separator + site_name)]
    return title


def _unique(values: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())
