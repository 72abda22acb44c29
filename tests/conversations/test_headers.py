"""Reading the headers that thread a mail, from raw bytes, without ever raising."""

from __future__ import annotations

from leaddesk.conversations import headers

RAW = (b"From: =?utf-8?q?Nadia_Ben=C3=A1li?= <Nadia@Example.NET>\r\n"
       b"To: team@example-agency.com, Bob <bob@example-agency.com>\r\n"
       b"Cc: boss@example.net\r\n"
       b"Subject: =?utf-8?q?RE=3A_Re=3A_Patient_engagement?=\r\n"
       b"Date: Tue, 3 Mar 2026 11:00:00 +0100\r\n"
       b"Message-ID: <answer-1@example.net>\r\n"
       b"In-Reply-To: <reply-1@example-agency.com> (Ada's reply)\r\n"
       b"References: <n-1@site.example>\r\n <reply-1@example-agency.com>\r\n"
       b"\r\nBody: In-Reply-To: <not-a-header@x>\r\n")


def test_the_threading_headers_are_read() -> None:
    mail = headers.read(RAW)
    assert mail.message_id == "<answer-1@example.net>"
    assert mail.in_reply_to == ("<reply-1@example-agency.com>",)
    assert mail.references == ("<n-1@site.example>", "<reply-1@example-agency.com>")
    assert mail.parents == ("<reply-1@example-agency.com>", "<n-1@site.example>")
    assert (mail.from_name, mail.from_addr) == ("Nadia Benáli", "nadia@example.net")
    assert mail.recipients == ("team@example-agency.com", "bob@example-agency.com",
                               "boss@example.net")
    assert mail.subject == "RE: Re: Patient engagement"
    assert mail.is_reply
    assert mail.date is not None
    assert mail.date.isoformat() == "2026-03-03T10:00:00+00:00"


def test_only_the_header_block_counts() -> None:
    body_only = b"From: a@b.example\r\nSubject: Hello\r\n\r\nIn-Reply-To: <x@y>\r\n"
    assert headers.read(body_only).parents == ()
    assert not headers.may_thread(body_only, "Hello")
    assert headers.may_thread(RAW, "whatever")
    assert headers.may_thread(b"Subject: x\r\n\r\n", "AW: Ihre Anfrage")


def test_the_thread_subject_drops_every_reply_prefix() -> None:
    assert headers.thread_subject("RE: Re:  AW: Patient   Engagement") == "patient engagement"
    assert headers.thread_subject("Re[2]: Offer") == "offer"
    assert headers.thread_subject(None) == ""
    for prefix in ("Odp:", "RES:", "YNT:", "Vá:", "Отв:", "回复：", "SV: Odp:"):
        assert headers.thread_subject(f"{prefix} Offer") == "offer", prefix
    # A word that merely starts like a prefix is part of the subject.
    assert headers.thread_subject("Response times") == "response times"


def test_broken_headers_count_as_absent() -> None:
    mail = headers.read(b"From: <<<\r\nDate: yesterday-ish\r\nSubject: =?bogus?x?zz?=\r\n"
                        b"Message-ID: no brackets\r\n\r\n")
    assert (mail.from_addr, mail.date, mail.message_id) == (None, None, None)
    assert mail.subject == "=?bogus?x?zz?="
