"""Making an untrusted HTML body safe to show: nh3 (Rust ammonia) with a short allow-list.

Nothing that loads a remote resource survives: no images, style sheets, ``style`` attributes (which can
hold ``url()``), frames, forms or scripts. Basic formatting, tables and links (http, https, mailto, tel,
with ``rel="noopener noreferrer nofollow"``) stay.
"""

from __future__ import annotations

import nh3

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
_CLEANER = nh3.Cleaner(
    tags=_TAGS,
    # Their content is code or metadata, never text for the reader.
    clean_content_tags={"script", "style", "title", "noscript", "template", "object", "iframe", "svg"},
    attributes={"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)


def sanitise(html: str) -> str:
    """The safe version of ``html`` (a fragment: the document wrapper is dropped)."""
    return _CLEANER.clean(html).strip()
