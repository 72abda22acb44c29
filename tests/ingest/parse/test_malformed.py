"""Broken mail is read as far as it goes, with the damage named in problems; nothing raises."""

from __future__ import annotations

import time

from leaddesk.ingest.parse import parse_message
from tests.ingest.parse.eml import parse, raw


def test_no_headers_reads_the_whole_thing_as_body() -> None:
    draft = parse("malformed_no_headers")
    assert draft.problems == ("no mail headers found",)
    assert draft.is_submission
    assert draft.plugin == "generic"
    assert draft.visitor_email == "laura.rossi@example-clinic.example"
    assert draft.message_id is None
    assert draft.subject is None
    assert draft.sent_at is None


def test_truncated_multipart_keeps_what_arrived() -> None:
    draft = parse("malformed_truncated_multipart")
    assert "multipart body ends without its closing boundary (truncated?)" in draft.problems
    assert draft.visitor_name == "Peter Hughes"
    assert draft.visitor_email == "peter.hughes@celtivance.example"
    assert draft.body_text == "Please send the white pap"


def test_binary_garbage_is_not_a_submission() -> None:
    draft = parse("malformed_binary")
    assert not draft.is_submission
    assert "the body looks like binary data, not text" in draft.problems
    assert "\x00" not in draft.full_text


def test_multipart_without_boundary_is_read_as_text() -> None:
    draft = parse("malformed_missing_boundary")
    assert draft.problems == ("multipart message without a boundary; the body was read as plain text",)
    assert draft.visitor_name == "Elif Arslan"
    assert draft.body_text == "Merhaba, do you work in Turkey?"


def test_empty_input() -> None:
    draft = parse_message(b"")
    assert not draft.is_submission
    assert draft.full_text == ""
    assert draft.problems == ("the message is empty",)


def test_damaged_base64_is_reported() -> None:
    draft = parse_message(b"From: a@b.example\nSubject: x\nContent-Transfer-Encoding: base64\n\n"
                          b"TmFtZTogSmFuZQpFbWFpbDogamFuZUB4LmV4YW1wbGUK!!!\n")
    assert "damaged base64 body" in draft.problems
    assert draft.visitor_email == "jane@x.example"


def test_nul_bytes_and_surrogates_never_reach_the_draft() -> None:
    draft = parse_message(b"From: a@b.example\nSubject: x\x00y \xed\xa0\x80\n\n"
                          b"Name: Ja\x00ne\nEmail: jane@x.example\nMessage: hi\x00 there\n")
    for text in (draft.subject or "", draft.full_text, draft.body_text, *draft.fields.values()):
        text.encode("utf-8")  # no lone surrogate
        assert "\x00" not in text
    assert draft.visitor_name == "Jane"


def test_a_bad_date_is_no_date() -> None:
    draft = parse_message(b"From: a@b.example\nDate: the day after tomorrow\nSubject: x\n\nhello\n")
    assert draft.sent_at is None


def test_date_without_zone_is_utc() -> None:
    draft = parse_message(b"From: a@b.example\nDate: Fri, 27 Nov 2026 10:00:00 -0000\n\nhello\n")
    assert draft.sent_at is not None
    assert draft.sent_at.isoformat() == "2026-11-27T10:00:00+00:00"


def test_message_id_without_brackets_gets_them() -> None:
    draft = parse_message(b"From: a@b.example\nMessage-ID:   abc@host.example  \n\nhello\n")
    assert draft.message_id == "<abc@host.example>"


def test_overlong_values_are_cut_to_the_column_size() -> None:
    draft = parse_message(b"From: a@b.example\nSubject: x\n\nName: " + b"A" * 400 +
                          b"\nEmail: jane@x.example\nMessage: hi\n")
    assert draft.visitor_name == "A" * 255
    assert "visitor name longer than 255 characters; cut" in draft.problems
    assert draft.fields["Name"] == "A" * 400


def test_a_long_line_does_not_make_the_parser_crawl() -> None:
    # A single "anything, then an address" pattern once took minutes on this line.
    data = raw("cf7_current").replace("Zoë Becker <Zoe.Becker@Novagen-Therapeutics.example>".encode(),
                                      b"a" * 200_000 + b" " + b"a <b " * 20_000)
    started = time.perf_counter()
    draft = parse_message(data)
    assert time.perf_counter() - started < 5
    assert draft.plugin == "contact-form-7"
