"""The default draft and the message: visitor as recipient, "Re:", the quote, threading headers."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import pytest

from leaddesk.conversations.timeline import MAIL, SUBMISSION, MessageView
from leaddesk.db import Database
from leaddesk.db.models import Post, Reply
from leaddesk.errors import NotFoundError, ValidationError
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
    # The visitor's own mail program's prefix is kept, in their language; a forward is answered.
    assert compose.reply_subject("Odp: oferta") == "Odp: oferta"
    assert compose.reply_subject("Fwd: brochure") == "Re: Fwd: brochure"
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


# ------------------------------------------------------------------ what the reply answers
def view(direction: str, message_id: str | None, text: str = "", *, minute: int = 0,
         kind: str = MAIL, from_name: str | None = None,
         from_addr: str | None = None) -> MessageView:
    return MessageView(direction=direction, from_name=from_name, from_addr=from_addr, to=None,
                       date=datetime(2026, 3, 3, 10, minute, tzinfo=UTC), subject=None,
                       text=text, message_id=message_id, kind=kind)


SUBMITTED = view("in", "<n1@site.example>", "Line one", kind=SUBMISSION)


def test_a_lead_without_a_conversation_is_answered_as_submitted() -> None:
    assert compose.answering_latest(LEAD, []) == LEAD
    assert compose.answering_latest(LEAD, [SUBMITTED]) == LEAD


def test_a_team_reply_alone_threads_the_reply_but_quotes_the_submission() -> None:
    ours = view("out", "<r1@agency.example>", "Thanks!", minute=5)
    lead = compose.answering_latest(LEAD, [SUBMITTED, ours, view("out", None, minute=6)])
    assert lead == Lead(**{**LEAD.__dict__, "thread": ("<n1@site.example>", "<r1@agency.example>")})


def test_the_visitors_newest_answer_is_what_the_reply_answers() -> None:
    ours = view("out", "<r1@agency.example>", "Thanks!", minute=5)
    answer = view("in", "<a1@example.net>", "Yes please.\n\nOn Mon, Ada wrote:\n> Thanks!",
                  minute=9, from_name="Zoë M.", from_addr="zoe@example.net")
    lead = compose.answering_latest(LEAD, [SUBMITTED, ours, answer, view("in", "<r1@agency.example>")])
    assert lead.thread == ("<n1@site.example>", "<r1@agency.example>", "<a1@example.net>")
    assert lead.message_id == "<r1@agency.example>"  # the newest inbound one
    lead = compose.answering_latest(LEAD, [SUBMITTED, ours, answer])
    assert (lead.message_id, lead.message, lead.received_at, lead.quoted_name) == (
        "<a1@example.net>", "Yes please.", answer.date, "Zoë M.")
    assert (lead.id, lead.name, lead.email, lead.subject) == (1, "Zoë Müller", "zoe@example.net",
                                                              "Website enquiry")


def test_an_answer_without_a_message_id_or_name_keeps_the_leads_and_names_the_address() -> None:
    answer = view("in", None, "Yes please.", minute=9, from_addr="zoe@example.net")
    lead = compose.answering_latest(LEAD, [SUBMITTED, answer])
    assert (lead.message_id, lead.quoted_name, lead.thread) == (
        "<n1@site.example>", "zoe@example.net", ("<n1@site.example>",))


def test_a_lead_is_loaded_with_its_post_and_earlier_replies(db: Database) -> None:
    sent_at = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    with db.session() as session:
        post = Post(url="https://site.example/blog/imi/", title="IMI")
        session.add(post)
        session.flush()
        sub = make_submission(session, post_id=post.id, topic="Market access",
                              page_url="https://site.example/contact/", submitted_at=sent_at,
                              body_text="Hello there")
        for state, mid in (("sent", "<r1@agency.example>"), ("draft", "<d@agency.example>"),
                           ("sent", None), ("sent", "<r2@agency.example>")):
            session.add(Reply(submission_id=sub.id, author="Ada", to_addrs="x@y.org",
                              subject="Re", body="b", state=state, message_id=mid))
        other = make_submission(session, post_snapshot={"title": "Old title"}, post_id=None,
                                page_url="https://site.example/contact/", topic=None)
        session.add(Reply(submission_id=other.id, author="Ada", to_addrs="x@y.org",
                          subject="Re", body="b", state="sent", message_id="<o@agency.example>"))
        expected = Lead(id=sub.id, name=sub.visitor_name, email=sub.visitor_email,
                        subject="Market access", message="Hello there", topic="Market access",
                        post_title="IMI", post_url="https://site.example/blog/imi/",
                        message_id=sub.message_id, received_at=sent_at,
                        earlier=("<r1@agency.example>", "<r2@agency.example>"))
        ids = (sub.id, other.id)
    with db.session() as session:
        lead = compose.load_lead(session, ids[0])
        assert lead == Lead(**{**expected.__dict__, "received_at": lead.received_at})
        assert lead.received_at.replace(tzinfo=UTC) == sent_at
        mirrored = compose.load_lead(session, ids[1])
        assert (mirrored.post_title, mirrored.post_url, mirrored.subject, mirrored.earlier) == (
            "Old title", "https://site.example/contact/", "Old title", ("<o@agency.example>",))
        with pytest.raises(NotFoundError, match="no submission 999999"):
            compose.load_lead(session, 999_999)


def test_a_blank_subject_field_falls_back_to_the_topic_and_mail_keeps_its_subject(
        db: Database) -> None:
    with db.session() as session:
        blank = make_submission(session, fields={"Subject": "  \n "}, topic="Market access")
        spaced = make_submission(session, fields={"Subject": " Brochure \n request "})
        mail = make_submission(session, is_submission=False, subject="Invoice 12",
                               fields={"Subject": "x"}, topic="Market access")
        assert compose.visitor_subject(blank, None) == "Market access"
        assert compose.visitor_subject(spaced, None) == "Brochure request"
        assert compose.visitor_subject(mail, "IMI") == "Invoice 12"


# ------------------------------------------------------------------ the draft's text
def test_the_quote_names_the_time_and_whoever_is_known() -> None:
    when = format_datetime(LEAD.received_at.astimezone())
    assert compose.quote(LEAD).startswith(f"On {when}, Zoë Müller wrote:\n")
    by_address = Lead(**{**LEAD.__dict__, "name": None})
    assert compose.quote(by_address).startswith(f"On {when}, zoe@example.net wrote:\n")
    nobody = Lead(**{**LEAD.__dict__, "name": None, "email": None, "message": None})
    assert compose.quote(nobody) == f"On {when}, the visitor wrote:\n>\n"


def test_a_template_can_use_every_value() -> None:
    lead = Lead(**{**LEAD.__dict__, "topic": "Market access", "post_url": "https://s.example/p"})
    template = TemplateInfo(1, "t", None, "  {topic} {post_url} {post_title} {my_name}  ")
    assert compose.default_draft(lead, my_name="Ada", template=template).body.startswith(
        "  Market access https://s.example/p IMI Ada\n\nOn ")


# ------------------------------------------------------------------ addresses
def test_addresses_from_one_field_or_several() -> None:
    assert compose.parse_addresses("a@x.org, Bea <b@y.org>", "To") == ("a@x.org", "b@y.org")
    assert compose.parse_addresses(("", "c@x.org"), "Cc") == ("c@x.org",)
    assert compose.parse_addresses(("zoë@example.net",), "To") == ("zoë@example.net",)


def test_a_bad_address_is_named_in_the_error() -> None:
    with pytest.raises(ValidationError, match=r"^invalid Cc address 'nope': "):
        compose.parse_addresses(("nope",), "Cc")


def test_the_message_id_domain_is_the_senders() -> None:
    assert compose.domain_of('"a@b"@agency.example') == "agency.example"
    assert compose.domain_of("team@") == "localhost"
    msg = build(from_address='"a@b"@agency.example')
    assert msg["From"].addresses[0].domain == "agency.example"  # split at the last @
    assert msg["Message-ID"].endswith("@agency.example>")


def test_without_a_date_the_message_is_dated_now_in_local_time() -> None:
    # formatdate(localtime=False) writes "-0000", "no time zone information".
    assert not build()["Date"].endswith("-0000")
