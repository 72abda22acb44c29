"""The default draft and the message: visitor as recipient, "Re:", the quote, threading headers."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import pytest

from leaddesk.db import Database
from leaddesk.errors import ValidationError
from leaddesk.reply import compose
from leaddesk.reply.compose import Draft, Lead
from leaddesk.reply.templates import TemplateInfo
from tests.support.factories import make_submission

LEAD = Lead(id=1, name="Zoë Müller", email="zoe@example.net", subject="Website enquiry",
            message="Line one\n\nLine three", topic=None, post_title="IMI", post_url=None,
            message_id="<n1@site.example>", received_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))


def test_default_draft_answers_the_visitor_and_quotes_them() -> None:
    draft = compose.default_draft(LEAD, my_name="Ada")
    assert draft.to == ("zoe@example.net",)
    assert draft.subject == "Re: Website enquiry"
    assert draft.body.startswith("\n\nOn ")
    assert draft.body.endswith("Zoë Müller wrote:\n> Line one\n>\n> Line three\n")


@pytest.mark.parametrize("sender", ["noreply@site.example", "no-reply@site.example",
                                    "WordPress@site.example", "do_not_reply+x@site.example"])
def test_a_no_reply_sender_is_never_the_default_recipient(sender: str) -> None:
    lead = Lead(**{**LEAD.__dict__, "email": sender})
    assert compose.default_draft(lead, my_name="Ada").to == ()


def test_re_is_not_doubled_and_a_template_subject_wins() -> None:
    assert compose.reply_subject("RE: hello") == "RE: hello"
    assert compose.reply_subject("  ") == "Re: your message"
    template = TemplateInfo(1, "t", "About {post_title}", "Hi {first_name}")
    draft = compose.default_draft(LEAD, my_name="Ada", template=template)
    assert draft.subject == "About IMI"
    assert draft.body.startswith("Hi Zoë\n\nOn ")


def test_applying_a_template_keeps_the_recipients() -> None:
    draft = Draft(to=("a@b.org",), cc=("c@d.org",), subject="Mine", body="old")
    applied = compose.apply_template(draft, LEAD, TemplateInfo(1, "t", None, "Hello {name}"),
                                     my_name="Ada")
    assert (applied.to, applied.cc, applied.subject) == (("a@b.org",), ("c@d.org",), "Mine")
    assert applied.body.startswith("Hello Zoë Müller\n\n")


def test_message_headers() -> None:
    lead = Lead(**{**LEAD.__dict__, "earlier": ("<r1@agency.example>",)})
    msg = compose.build_message(Draft(to=("Zoë <zoe@example.net>", "zoe@EXAMPLE.net"),
                                      subject="Re: x", body="Hi"),
                                from_address="team@agency.example", from_name="Ada", lead=lead)
    assert msg["To"] == "zoe@example.net"  # duplicates dropped
    assert msg["In-Reply-To"] == "<n1@site.example>"
    assert msg["References"] == "<n1@site.example> <r1@agency.example>"
    assert msg["Message-ID"].endswith("@agency.example>")


@pytest.mark.parametrize(("field", "value"), [("subject", "a\nb"), ("to", ("x@y.org\r",)),
                                              ("to", ("not an address",)), ("to", ()),
                                              ("body", "  ")])
def test_bad_drafts_are_refused(field: str, value: object) -> None:
    values = {"to": ("zoe@example.net",), "subject": "Hi", "body": "text", field: value}
    with pytest.raises(ValidationError):
        compose.build_message(Draft(**values),  # type: ignore[arg-type]
                              from_address="team@agency.example", from_name=None, lead=LEAD)


def test_a_line_break_in_the_from_name_is_refused() -> None:
    with pytest.raises(ValidationError, match="From name"):
        compose.build_message(Draft(to=("zoe@example.net",), subject="Hi", body="x"),
                              from_address="team@agency.example", from_name="Ada\r\nBcc: x@y",
                              lead=LEAD)


def test_the_subject_is_the_visitors_not_the_notifications(db: Database) -> None:
    with db.session() as session:
        asked = make_submission(session, fields={"Your Subject": "Brochure request"},
                                subject="New Entry: Send Us A Message", topic="Market access")
        topical = make_submission(session, fields={}, topic="Market access")
        bare = make_submission(session, fields={}, topic=None, page_url=None)
        ids = (asked.id, topical.id, bare.id)
    with db.session() as session:
        subjects = [compose.reply_subject(compose.load_lead(session, i).subject) for i in ids]
    assert subjects == ["Re: Brochure request", "Re: Market access", "Re: your message"]


# ------------------------------------------------------------------ every header field on its own
def build(**changes: object) -> EmailMessage:
    """build_message with one field changed from a good reply; the rest stays valid."""
    draft: dict[str, Any] = {"to": ("zoe@example.net",), "cc": (), "subject": "Hi", "body": "text"}
    sender: dict[str, Any] = {"from_address": "team@agency.example", "from_name": "Ada"}
    lead: dict[str, Any] = dict(LEAD.__dict__, earlier=("<r1@agency.example>",))
    for key, value in changes.items():
        target = draft if key in draft else sender if key in sender else lead
        target[key] = value
    return compose.build_message(Draft(**draft), lead=Lead(**lead), **sender)


@pytest.mark.parametrize(("field", "value", "what"), [
    ("to", ("zoe@example.net{br}Bcc: victim@example.org",), "To"),
    ("cc", ("c@example.org{br}Bcc: victim@example.org",), "Cc"),
    ("subject", "Hi{br}Bcc: victim@example.org", "subject"),
    ("from_name", "Ada{br}Bcc: victim@example.org", "From name"),
    ("from_address", "team@agency.example{br}Bcc: victim@example.org", "From address"),
    ("message_id", "<n1@site.example>{br}Bcc: victim@example.org", "Message-ID of the lead"),
    ("earlier", ("<r1@agency.example>{br}Bcc: victim@example.org",), "References"),
])
@pytest.mark.parametrize("br", ["\n", "\r", "\x85", "\u2028"])
def test_each_header_field_refuses_a_line_break(field: str, value: object, what: str,
                                                br: str) -> None:
    given = (tuple(v.format(br=br) for v in value) if isinstance(value, tuple)
             else str(value).format(br=br))
    with pytest.raises(ValidationError, match=f"^the {what} contains a line break"):
        build(**{field: given})


def test_every_field_at_once_without_line_breaks_is_accepted() -> None:
    msg = build(cc=("Cleo <c@example.org>", "c@EXAMPLE.org", ""), from_name="Ada Lovelace")
    assert msg["Cc"] == "c@example.org"
    assert msg["From"] == "Ada Lovelace <team@agency.example>"
    assert msg["Subject"] == "Hi"


def test_a_lead_without_a_message_id_is_answered_without_threading_headers() -> None:
    msg = build(message_id=None, earlier=())
    assert msg["In-Reply-To"] is None
    assert msg["References"] is None
    assert msg["Cc"] is None


def test_the_message_as_sent() -> None:
    when = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    msg = compose.build_message(Draft(to=("a@x.org", "b@y.org"), cc=("c@z.org", "d@z.org"),
                                      subject="Re: Hi", body="line one\r\nline two"),
                                from_address="team@agency.example", from_name=None,
                                lead=LEAD, date=when)
    text = msg.as_string()
    for header in ("From: team@agency.example", "To: a@x.org, b@y.org", "Cc: c@z.org, d@z.org",
                   "Subject: Re: Hi", "Date: Mon, 02 Mar 2026 09:00:00 +0000",
                   "In-Reply-To: <n1@site.example>", "References: <n1@site.example>"):
        assert f"\n{header}\n" in "\n" + text, header
    assert "\nMessage-ID: <" in text
    assert msg.get_content() == "line one\nline two\n"
    assert "Date: " in build().as_string()  # without a date: now


@pytest.mark.parametrize(("field", "value", "message"), [
    ("to", (), "the reply has no recipient; fill in To"),
    ("subject", "   ", "the reply has no subject"),
    ("body", " \n ", "the reply is empty; write something first"),
])
def test_an_incomplete_reply_says_what_is_missing(field: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as info:
        build(**{field: value})
    assert str(info.value) == message


def test_a_template_gives_its_subject_and_my_name() -> None:
    draft = Draft(to=("a@b.org",), subject="Mine", body="old")
    applied = compose.apply_template(draft, LEAD, TemplateInfo(1, "t", "About {post_title}",
                                                               "Best, {my_name}"), my_name="Ada")
    assert applied.subject == "About IMI"
    assert applied.body.startswith("Best, Ada\n\n")
