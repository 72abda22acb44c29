"""The sanitiser's refusals: markup whose parse would cost seconds to minutes is never parsed, the
message keeps its text and says why; ordinary markup, however large, is sanitised as before."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import parse_message, sanitise
from leaddesk.ingest.parse.sanitise import (
    MAX_DEPTH,
    MAX_REFERENCES,
    TooComplex,
    nesting_depth,
)


def notification(html: str) -> bytes:
    head = ("From: WordPress <wordpress@example-pharma-agency.com>\r\n"
            "To: leads@example-pharma-agency.com\r\nSubject: New submission from Contact\r\n"
            "Message-ID: <hostile-1@example-pharma-agency.com>\r\n"
            "Date: Mon, 30 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
            "Content-Type: text/html; charset=utf-8\r\n\r\n")
    return (head + html).encode()


FIELDS = ("<table><tr><td>Name</td><td>Ada Brandt</td></tr>"
          "<tr><td>Email</td><td>ada@example.net</td></tr>"
          "<tr><td>Message</td><td>Please call me about a patient forum.</td></tr></table>")


@pytest.mark.parametrize(("markup", "why"), [
    ("<div>" * (MAX_DEPTH + 1) + FIELDS, f"nests its elements more than {MAX_DEPTH} deep"),
    ("<rb><rt>" * MAX_DEPTH + FIELDS, f"nests its elements more than {MAX_DEPTH} deep"),
    (FIELDS + "<p>" + "&" * (MAX_REFERENCES + 1) + "</p>", "character references"),
])
def test_markup_past_a_limit_is_not_sanitised_and_the_message_keeps_its_text(
        markup: str, why: str) -> None:
    draft = parse_message(notification(markup))
    assert draft.body_html is None
    assert any(why in problem and "only its text is kept" in problem for problem in draft.problems)
    assert draft.visitor_name == "Ada Brandt"
    assert draft.visitor_email == "ada@example.net"
    assert "patient forum" in draft.body_text


@pytest.mark.parametrize("markup", [
    "<div>" * (MAX_DEPTH - 1) + FIELDS + "</div>" * (MAX_DEPTH - 1),   # the table: one more
    # Elements closed by the next of their kind never nest, however many.
    "<ul>" + "<li>item" * 5_000 + "</ul>" + "<p>para" * 5_000 + FIELDS,
    "<p>" + "&amp;" * (MAX_REFERENCES - 10) + "</p>" + FIELDS,
    # Many attributes cost the parser nothing much (1 MB of them: 0.07 s).
    FIELDS + "<p " + " ".join(f"a{n}=x" for n in range(5_000)) + ">" + "<a " * 10_000,
    # A long quoted value (an inline image, a style) is one attribute, spaces and ">" included.
    '<a title="' + "x > y " * 5_000 + '" href="https://example.org/">link</a>' + FIELDS,
])
def test_large_ordinary_markup_is_still_sanitised(markup: str) -> None:
    assert sanitise.sanitise(markup)
    draft = parse_message(notification(markup))
    assert draft.body_html is not None
    assert not any("only its text is kept" in problem for problem in draft.problems)


def test_the_depth_counts_what_nests() -> None:
    assert nesting_depth("<div><span><b>x</b></span></div><div></div>") == 3
    assert nesting_depth("<div><br><img src=x><hr><p>a<p>b<li>c<td>d</div>") == 1
    assert nesting_depth("</div></div><div>") == 1   # a stray close never goes below the top
    assert nesting_depth("<rb><rt><rb>") == 3        # outside a ruby element nothing closes them


def test_end_tags_that_close_nothing_do_not_hide_the_depth() -> None:
    # Each </x> closes nothing the parser has open; only as many </div> as <div> count.
    assert nesting_depth("<div></x>" * 600) == 600
    assert nesting_depth("<div>" + "<div></div></div></div>" * 300) == 2
    with pytest.raises(TooComplex):
        sanitise.sanitise("<div></x>" * 600)


def test_tags_are_read_as_the_html_parser_reads_them() -> None:
    assert nesting_depth('<div title="a<b>c"><div>') == 2   # a quoted ">" ends no tag
    assert nesting_depth("<div x\"><div><div>") == 3        # a stray quote opens no value
    assert nesting_depth('<div x="><div><div>">') == 1      # a quoted value holds them
    assert nesting_depth("<div <x><div>") == 2             # "<" inside a tag is a name
    assert nesting_depth("<div>" * 600 + "<div") == 600     # a tag cut by the end is no tag


def test_the_refusal_is_an_error_of_its_own() -> None:
    with pytest.raises(TooComplex, match="deep"):
        sanitise.sanitise("<div>" * (MAX_DEPTH + 1) + "<b>" * MAX_DEPTH)
