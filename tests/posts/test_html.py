"""Reading a page's own HTML: meta tags, title, first paragraphs; malformed and hostile markup."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from leaddesk.posts.html import parse_page, text_of

SITE = Path(__file__).resolve().parents[2] / "resources" / "demo" / "site"


def test_the_demo_post_page_reads_like_its_rest_answer() -> None:
    meta = parse_page((SITE / "blog" / "imi-public-private-partnerships" / "index.html").read_bytes())
    assert meta.title == ("Europe’s IMI Sets Pace for Public/Private Partnerships in "
                          "Pharmaceutical Development")
    assert meta.published_at == datetime(2011, 2, 15, 9, 30, tzinfo=UTC)
    assert meta.modified_at == datetime(2019, 6, 3, 12, 12, 41, tzinfo=UTC)
    assert meta.sections == ["Industry News"]
    assert meta.tags == ["IMI", "Public-private partnerships", "EFPIA"]
    assert meta.author == "Editorial Team"
    assert meta.og_type == "article"
    assert meta.excerpt
    assert meta.excerpt.startswith("A recent PharmaTimes article")
    # The first paragraphs come from the article, not the menu, the teasers or the form.
    assert meta.paragraphs[0].startswith("A recent PharmaTimes article")
    assert not any("Your name" in p for p in meta.paragraphs)


def test_without_meta_tags_the_title_and_first_paragraphs_do() -> None:
    page = (b"<html><head><title>Plain post | The Blog</title></head><body>"
            b"<nav><p>Home About Contact and more links here</p></nav>"
            b"<p>Short</p><p>The first real paragraph of the plain post, with &amp; entities.</p>"
            b"<p>The second paragraph goes on with the story of the post.</p></body></html>")
    meta = parse_page(page)
    assert meta.title == "Plain post | The Blog"  # no og:site_name, so nothing is trimmed
    assert meta.description is None
    assert meta.excerpt == ("The first real paragraph of the plain post, with & entities. "
                            "The second paragraph goes on with the story of the post.")


def test_the_site_name_is_trimmed_from_the_title() -> None:
    page = (b'<meta property="og:site_name" content="Agency"><title>A post \xe2\x80\x93 Agency'
            b'</title>')
    assert parse_page(page).title == "A post"


def test_malformed_html_gives_what_it_can() -> None:
    page = (b"<html><head><meta property='og:title' content='Broken &amp; fine'>"
            b"<meta property=article:tag content=One><meta property=article:tag content=one>"
            b"<title>Ignored<body><p>Unclosed paragraph that is long enough to count<div><p "
            b"class='x>never closed")
    meta = parse_page(page)
    assert meta.title == "Broken & fine"
    assert meta.tags == ["One"]  # the same tag twice is one


def test_charsets_from_the_header_or_the_meta_tag() -> None:
    latin = "<meta charset='iso-8859-1'><title>Caf\xe9 cr\xe8me</title>".encode("latin-1")
    assert parse_page(latin).title == "Café crème"
    assert parse_page("<title>Grüße</title>".encode("cp1252"), "windows-1252").title == "Grüße"
    assert parse_page(b"<title>x</title>", "no-such-charset").title == "x"


def test_hostile_markup_becomes_plain_text() -> None:
    page = (b'<meta property="og:title" content="&lt;img src=x onerror=alert(1)&gt;Title">'
            b"<body><p><script>alert('x')</script><b>Bold</b> text "
            b"<img src=x onerror=alert(2)> with enough words to be a paragraph</p></body>")
    meta = parse_page(page)
    # The title is text: the "<img …>" is characters to show, never markup to render.
    assert meta.title == "<img src=x onerror=alert(1)>Title"
    assert meta.paragraphs == ["Bold text with enough words to be a paragraph"]
    assert "alert('x')" not in (meta.excerpt or "")


def test_text_of_a_rendered_fragment() -> None:
    assert text_of("<p>Europe&#8217;s <em>IMI</em></p>\n<p>[&hellip;]</p>") == "Europe’s IMI […]"
    assert text_of("<style>p{}</style><script>x()</script>ok") == "ok"
    assert text_of(None) == ""
