"""The readable view of a message: a text/plain body written with HTML line breaks."""

from __future__ import annotations

from leaddesk.ingest.parse import mime, parse_message
from leaddesk.ingest.parse.readable import Readable


def _plain(body: str) -> bytes:
    return ("From: Site <wordpress@site.example>\r\nTo: leads@site.example\r\nSubject: Contact\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def test_br_tags_in_a_text_plain_body_are_line_breaks() -> None:
    # A CF7 body written with "<br>" while "Use HTML content type" is unticked.
    raw = _plain("Name: Erik<br>\nE-mail: erik@uppsala.example<br>\nMessage: Hej,\nvi vill<br>\n")
    assert Readable.of(mime.read(raw)).text == (
        "Name: Erik\nE-mail: erik@uppsala.example\nMessage: Hej,\nvi vill")
    draft = parse_message(raw)
    assert (draft.visitor_name, draft.visitor_email) == ("Erik", "erik@uppsala.example")


def test_one_br_typed_by_a_visitor_stays_as_typed() -> None:
    raw = _plain("Name: Erik\nMessage: how do I add a <br> to my page?\n")
    assert "<br>" in Readable.of(mime.read(raw)).text


def _from(address: str) -> Readable:
    return Readable.of(mime.read(f"From: Site <{address}>\r\nTo: leads@site.example\r\nSubject: x\r\n"
                                 "Content-Type: text/plain\r\n\r\nHello\r\n".encode()))


def test_sent_by_takes_the_domain_and_its_subdomains_only() -> None:
    # What the general form (domain == d or domain.endswith("." + d)) says, for each edge.
    cases = {"forms@hubspot.com": True, "x@mail.hubspot.com": True, "x@HubSpot.COM": True,
             "x@nothubspot.com": False, "x@hubspot.com.evil.example": False, "x@hubspot.co": False,
             "x@.hubspot.com": True, "hubspot.com": True, "": False}
    for address, expected in cases.items():
        mail = _from(address)
        domain = mail.sender_domain
        general = any(domain == d or domain.endswith("." + d) for d in ("hubspot.com", "hs-inbox.com"))
        assert mail.sent_by("hubspot.com", "hs-inbox.com") is general is expected, address
    assert not _from("a@example.com").sent_by()
