"""Making an untrusted HTML body safe to show: nh3 (Rust ammonia) with a short allow-list.

Nothing that loads a remote resource survives: no images, style sheets, ``style`` attributes (which can
hold ``url()``), frames, forms or scripts. Basic formatting, tables and links (http, https, mailto, tel,
with ``rel="noopener noreferrer nofollow"``) stay.

Two shapes of hostile markup cost nh3's HTML parser time growing faster than their size, so the
body is refused (:class:`TooComplex`; the message keeps its text) before the parser sees them:

* **Deep nesting.** At every block-level start tag the parser looks through the stack of open
  elements: 100,000 nested ``<div>`` took 18 s of CPU, 20,000 took 0.7 s. Browsers cap their trees
  at a few hundred levels as well: past :data:`MAX_DEPTH` the body is refused.
* **Character references by the hundred thousand.** Each ``&`` starts one, and their cost grows
  with their number: 2 MB of bare ampersands took 28 s, of ``&#`` 14 s, of ``&amp;`` 1.2 s. A body
  with more than :data:`MAX_REFERENCES` is refused (a long newsletter holds a few thousand).
"""

from __future__ import annotations

import re

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


MAX_DEPTH = 512
MAX_REFERENCES = 50_000

# Elements that never hold others, and those whose end tag may be left out (the next one closes
# them): neither makes the tree deeper however many there are.
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
                   "meta", "param", "source", "track", "wbr"})
# (Not rb, rt, rp: outside a ruby element nothing closes them, and they nest.)
_OPTIONAL_END = frozenset({"p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup",
                           "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head",
                           "body"})
# A tag's name, then the rest of the tag as the HTML parser reads it: to the first ">" that is
# not inside a value quoted after "=" ("<" and a stray quote are part of an attribute's name).
# Possessive throughout: each tag is read once, never again from a later "<".
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_REST = re.compile(r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+)|["'=])*+>""")


class TooComplex(ValueError):
    """Markup past what is sanitised (see the module); the message says what, as a phrase that
    follows "the HTML body"."""


def nesting_depth(html: str) -> int:
    """How deep the elements of ``html`` nest, read from its tags in one pass: an end tag takes
    back one start tag of its name (never more than came: stray end tags cannot hide depth),
    elements that never nest or whose end tag may be left out are not counted. So the parser's
    tree is no more than about four times as deep (a table's tbody, tr and td count nothing
    here), which costs it little (2,000 levels under 200,000 paragraphs: 0.16 s)."""
    depth = deepest = 0
    opened: dict[str, int] = {}
    position = html.find("<")
    while position >= 0:
        closing = html.startswith("/", position + 1)
        name = _NAME.match(html, position + (2 if closing else 1))
        if name is None:
            position = html.find("<", position + 1)
            continue
        end = _REST.match(html, name.end())
        if end is None:  # the tag runs to the end of the text: nothing after it is a tag
            break
        tag = name.group().lower()
        if tag not in _VOID and tag not in _OPTIONAL_END:
            if not closing:
                depth += 1
                opened[tag] = opened.get(tag, 0) + 1
                deepest = max(deepest, depth)
            elif opened.get(tag):
                opened[tag] -= 1
                depth -= 1
        position = html.find("<", end.end())
    return deepest


def sanitise(html: str) -> str:
    """The safe version of ``html`` (a fragment: the document wrapper is dropped); raises
    :class:`TooComplex` for markup nesting past :data:`MAX_DEPTH` or holding more than
    :data:`MAX_REFERENCES` character references."""
    if html.count("&") > MAX_REFERENCES:
        raise TooComplex(f"holds more than {MAX_REFERENCES:,} character references (& signs)")
    # Fewer tags than MAX_DEPTH cannot nest deeper: most mail is never scanned.
    if html.count("<") > MAX_DEPTH and nesting_depth(html) > MAX_DEPTH:
        raise TooComplex(f"nests its elements more than {MAX_DEPTH} deep")
    return _CLEANER.clean(html).strip()
