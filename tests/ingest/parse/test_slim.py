"""A giant message is read cut down: its structure and the start of its text, never its attachments."""

from __future__ import annotations

import base64
import os
from email.message import Message

import pytest

from leaddesk.ingest.parse import mime, parse_message, slim

HEAD = (b"From: WordPress <wordpress@example.com>\r\nTo: info@example.com\r\n"
        b"Subject: New contact form submission\r\nMessage-ID: <big@example.com>\r\n"
        b"MIME-Version: 1.0\r\n")
FIELDS = b"Name: Jane Roe\r\nEmail: jane@example.org\r\nMessage: Please call me.\r\n"
TEXT_PART = b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + FIELDS


def attachment(size: int, disposition: bytes = b"Content-Disposition: attachment; filename=cv.pdf\r\n"
               ) -> bytes:
    payload = base64.encodebytes(os.urandom(size * 3 // 4)).replace(b"\n", b"\r\n")
    return (b"Content-Type: application/pdf; name=cv.pdf\r\nContent-Transfer-Encoding: base64\r\n"
            + disposition + b"\r\n" + payload)


def mixed(*parts: bytes) -> bytes:
    body = b"".join(b"--b1\r\n" + part + b"\r\n" for part in parts)
    return HEAD + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n' + body + b"--b1--\r\n"


@pytest.fixture
def fed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the messages the feed parser is given."""
    sizes: list[int] = []
    real = mime.message_from_bytes  # type: ignore[attr-defined]

    def recording(raw: bytes) -> Message:
        sizes.append(len(raw))
        return real(raw)

    monkeypatch.setattr(mime, "message_from_bytes", recording)
    return sizes


def test_an_attachment_body_is_never_given_to_the_feed_parser(fed: list[int]) -> None:
    raw = mixed(TEXT_PART, attachment(3 * slim.READ_LIMIT))
    draft = parse_message(raw)
    assert fed
    assert max(fed) < 10_000
    assert (draft.visitor_email, draft.visitor_name, draft.problems) == (
        "jane@example.org", "Jane Roe", ())


def test_an_inline_part_the_parser_never_reads_is_dropped_too(fed: list[int]) -> None:
    raw = mixed(TEXT_PART, attachment(2 * slim.READ_LIMIT, disposition=b""))
    assert parse_message(raw).visitor_email == "jane@example.org"
    assert max(fed) < 10_000


def test_the_text_after_a_giant_attachment_is_still_read() -> None:
    raw = mixed(attachment(2 * slim.READ_LIMIT), TEXT_PART)
    mail = mime.read(raw)
    assert mail.text == FIELDS.decode().replace("\r\n", "\n")
    assert mail.part_types == ("multipart/mixed", "application/pdf", "text/plain")


def test_the_cut_copy_reads_as_the_whole_message(monkeypatch: pytest.MonkeyPatch) -> None:
    html = b"Content-Type: text/html\r\n\r\n<p>Name: Jane Roe<br>Email: jane@example.org</p>"
    alternative = (b'Content-Type: multipart/alternative; boundary="b2"\r\n\r\n--b2\r\n' + TEXT_PART
                   + b"\r\n--b2\r\n" + html + b"\r\n--b2--\r\n")
    raw = mixed(alternative, attachment(200_000), attachment(100_000, disposition=b""))
    whole = mime.read(raw)
    monkeypatch.setattr(slim, "READ_LIMIT", 50_000)
    assert slim.slim(raw)[0] != raw
    assert mime.read(raw) == whole


def test_a_giant_text_body_is_cut_and_said_to_be() -> None:
    line = b"The quick brown fox jumps over the lazy dog.\r\n"
    raw = HEAD + b"Content-Type: text/plain\r\n\r\n" + FIELDS + line * (3 * slim.READ_LIMIT // len(line))
    draft = parse_message(raw)
    assert slim.TEXT_CUT in draft.problems
    assert 0.9 * slim.READ_LIMIT < len(draft.full_text) <= slim.READ_LIMIT
    assert draft.full_text.endswith("lazy dog.")  # cut at a line end
    assert draft.visitor_email == "jane@example.org"


def test_a_giant_html_part_in_a_multipart_is_cut() -> None:
    row = b"<tr><td>Note</td><td>The quick brown fox.</td></tr>\r\n"
    html = (b"Content-Type: text/html\r\n\r\n<table><tr><td>Email</td><td>jane@example.org</td></tr>"
            + row * (2 * slim.READ_LIMIT // len(row)))
    mail = mime.read(mixed(html))
    assert slim.TEXT_CUT in mail.problems
    assert mail.html is not None
    assert len(mail.html) <= slim.READ_LIMIT


def test_a_giant_preamble_is_cut() -> None:
    raw = (HEAD + b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
           + b"x" * 2 * slim.READ_LIMIT + b"\r\n--b1\r\n" + TEXT_PART + b"\r\n--b1--\r\n")
    cut, problems = slim.slim(raw)
    assert len(cut) < slim.READ_LIMIT + 1000
    assert problems == (slim.TEXT_CUT,)
    assert mime.read(raw).text == FIELDS.decode().replace("\r\n", "\n")


def test_a_giant_epilogue_is_cut() -> None:
    raw = mixed(TEXT_PART) + b"y" * 2 * slim.READ_LIMIT
    cut, problems = slim.slim(raw)
    assert len(cut) < slim.READ_LIMIT + 1000
    assert problems == (slim.TEXT_CUT,)


def test_only_the_first_parts_of_a_mail_bomb_are_read() -> None:
    part = b"Content-Type: application/octet-stream\r\n\r\n" + b"z" * 2500
    raw = mixed(TEXT_PART, *[part] * (slim.MAX_PARTS + 100))
    _cut, problems = slim.slim(raw)
    assert slim.PARTS_CUT in problems
    assert mime.read(raw).part_types.count("application/octet-stream") < slim.MAX_PARTS


def test_mail_up_to_the_limit_is_read_as_it_is() -> None:
    raw = mixed(TEXT_PART, attachment(slim.READ_LIMIT // 2))
    assert slim.slim(raw) == (raw, ())


def test_one_giant_line_is_cut_between_characters() -> None:
    raw = HEAD + b"Content-Type: text/plain; charset=utf-8\r\n\r\nx" + "é".encode() * slim.READ_LIMIT
    mail = mime.read(raw)
    assert mail.problems == (slim.TEXT_CUT,)  # and no "not valid utf-8": no character was split
    assert mail.text is not None
    assert set(mail.text) == {"x", "é"}
