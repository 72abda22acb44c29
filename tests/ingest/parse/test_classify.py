"""Each not-a-submission rule on its own: a real form notification with one thing changed.

Every case starts from a notification that is a lead and changes a single header or the subject,
so each condition of a rule is the only reason for the verdict (a bounce recognised by its sender
alone, an auto-reply by one header alone, …). The tests go through ``parse_message``, the public
entry point, so they hold whatever the parser's inside looks like.
"""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import parse_message
from tests.ingest.parse.eml import raw

CF7_SUBJECT = b'Subject: Example Pharma Agency "Patient engagement"'


def cf7(*headers: str, subject: str | None = None, sender: str | None = None,
        quote: bool = False) -> bytes:
    """The current Contact Form 7 notification with extra headers, another subject or sender."""
    data = raw("cf7_current")
    if subject is not None:
        data = data.replace(CF7_SUBJECT, b"Subject: " + subject.encode(), 1)
    if sender is not None:
        data = data.replace(b"From: Example Pharma Agency <wordpress@example-pharma-agency.com>",
                            b"From: " + sender.encode(), 1)
    if quote:
        head, _, body = data.partition(b"\n\n")
        data = head + b"\n\nOn Fri, 20 Nov 2026 at 14:05, Zoe Becker wrote:\n> Hello\n\n" + body
    extra = "".join(f"{h}\n" for h in headers).encode()
    return extra + data


def generic(*headers: str, form: bool = True) -> bytes:
    """A notification of no known layout: list headers are judged for these only. Without ``form`` it
    no longer speaks of a form ("A visitor used the contact form:" becomes a digest's greeting), as a
    newsletter would not: list headers set aside only such mail (see ``test_list_headers_...``)."""
    data = raw("generic")
    if not form:
        data = data.replace(b"A visitor used the contact form:", b"Our November digest:", 1)
    return "".join(f"{h}\r\n" for h in headers).encode() + data


def verdict(data: bytes) -> str | None:
    draft = parse_message(data)
    assert draft.is_submission is (draft.not_submission_reason is None)
    return draft.not_submission_reason


def test_the_unchanged_notifications_are_leads() -> None:
    assert verdict(cf7()) is None
    assert verdict(generic()) is None


@pytest.mark.parametrize(("data", "reason"), [
    (cf7(sender="MAILER-DAEMON@mail.example-pharma-agency.com"), "bounce (delivery status notification)"),
    (cf7(sender="postmaster@mail.example.org"), "bounce (delivery status notification)"),
    (cf7(subject="Undelivered Mail Returned to Sender"), "bounce (delivery status notification)"),
    (cf7(subject="Unzustellbar: Ihre Nachricht"), "bounce (delivery status notification)"),
    (cf7("Auto-Submitted: auto-replied"), "auto-reply"),
    (cf7("X-Autoreply: yes"), "auto-reply"),
    (cf7("X-Autorespond: yes"), "auto-reply"),
    (cf7("Precedence: auto_reply"), "auto-reply"),
    (cf7(subject="Out of Office: back on Monday"), "auto-reply"),
    (cf7(subject="Automatische Antwort: Urlaub"), "auto-reply"),
    (cf7("In-Reply-To: <a@b.example>", subject="Re: Patient engagement"), "reply in an e-mail thread"),
    (cf7("References: <a@b.example>", subject="AW: Patient engagement"), "reply in an e-mail thread"),
    (cf7(subject="Re: Patient engagement", quote=True), "reply in an e-mail thread"),
    (cf7("In-Reply-To: <a@b.example>", quote=True), "reply in an e-mail thread"),
    (cf7(subject="[Example Pharma Agency] Password Changed"), "WordPress system notice"),
    (cf7(subject="[Example Pharma Agency] Please moderate: \"Post\""), "WordPress system notice"),
    (generic("List-Unsubscribe: <mailto:leave@news.example>", form=False),
     "newsletter or mailing list (List-Unsubscribe)"),
    (generic("List-Id: <news.example>", form=False), "newsletter or mailing list (List-Unsubscribe)"),
    (generic("List-Post: <mailto:all@news.example>", form=False),
     "newsletter or mailing list (List-Unsubscribe)"),
    (generic("Precedence: bulk", form=False), "bulk mail (Precedence: bulk)"),
    (generic("Precedence: list", form=False), "bulk mail (Precedence: bulk)"),
    (generic("Precedence: junk", form=False), "bulk mail (Precedence: bulk)"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_one_signal_alone_makes_it_not_a_submission(data: bytes, reason: str) -> None:
    assert verdict(data) == reason


@pytest.mark.parametrize("data", [
    cf7("Auto-Submitted: auto-generated"),  # form services send notifications this way
    cf7("Auto-Submitted: no"),
    cf7("Precedence: first-class"),
    cf7(subject="Re: your article"),  # a visitor's own subject: no thread, no quote
    cf7(subject="Fwd: Example Pharma Agency"),  # a forward prefix, and no forwarded message inside
    cf7(subject="WG: Example Pharma Agency"),
    cf7("In-Reply-To: <a@b.example>"),  # threaded but quoting nothing
    cf7(subject="[Example Pharma Agency] Question about your post"),
    cf7(subject="Reply needed: out of office hours support"),
    cf7("List-Unsubscribe: <mailto:leave@form.example>"),  # a known layout wins over list headers
    generic("Precedence: first-class"),
])
def test_a_near_miss_is_still_a_lead(data: bytes) -> None:
    assert verdict(data) is None


@pytest.mark.parametrize("header", ["List-Unsubscribe: <https://forms.example/unsubscribe/1>",
                                    "List-Id: <notifications.forms.example>", "Precedence: bulk"])
def test_list_headers_do_not_hide_a_notification_that_reads_as_a_lead(header: str) -> None:
    # Hosted form services send through bulk mail providers that add list headers; the mail speaks of
    # a form and its fields give a visitor's address and name: a lead.
    assert verdict(generic(header)) is None
    assert verdict(generic(header, form=False)) is not None


@pytest.mark.parametrize(("subject", "reason"), [
    ("Out of office cover for our field team", "auto-reply"),
    ("Absence du bureau en août, besoin d'un relais", "auto-reply"),
    ("Undeliverable samples: can you help?", "bounce (delivery status notification)"),
    ("Delivery failure of cold-chain vaccines", "bounce (delivery status notification)"),
])
def test_a_visitors_subject_that_reads_like_an_auto_reply_does_not_hide_the_lead(subject: str,
                                                                                  reason: str) -> None:
    data = raw("generic").replace(b"Subject: Website enquiry", b"Subject: " + subject.encode(), 1)
    assert verdict(data) is None
    # The same subject on a mail without a visitor's fields keeps its verdict.
    letter = (f"From: Jane Roe <jane.roe@novagen.example>\r\nTo: leads@example-pharma-agency.com\r\n"
              f"Subject: {subject}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
              "I am away until Monday and will answer then.\r\n").encode()
    assert verdict(letter) == reason


def multipart(kind: str, extra_type: str) -> bytes:
    """The notification's text as the first part of a ``multipart/<kind>`` with one more part."""
    data = raw("cf7_current").replace(b"\r\n", b"\n")
    head, _, body = data.partition(b"\n\n")
    head = b"\n".join(line for line in head.split(b"\n")
                      if not line.lower().startswith((b"content-type", b"content-transfer-encoding")))
    return (head + f"\nContent-Type: multipart/{kind}; boundary=\"b1\"\n\n--b1\n"
            "Content-Type: text/plain; charset=utf-8\n\n".encode() + body
            + f"\n--b1\nContent-Type: {extra_type}\n\nReporting-MTA: dns; mail.example\n\n--b1--\n"
            .encode())


@pytest.mark.parametrize(("data", "reason"), [
    (multipart("mixed", "text/plain"), None),  # the control: a lead in a multipart mail
    (multipart("report", "text/plain"), "bounce (delivery status notification)"),
    (multipart("mixed", "message/delivery-status"), "bounce (delivery status notification)"),
], ids=["control", "report", "delivery-status"])
def test_a_delivery_report_part_alone_makes_a_bounce(data: bytes, reason: str | None) -> None:
    assert verdict(data) == reason


SIGNUP = ("From: Mailchimp <no-reply@mailchimp.com>\r\nTo: leads@example-pharma-agency.com\r\n"
          "Subject: {subject}\r\nList-Unsubscribe: <https://list.example/u?id=1>\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n\r\n{intro}\n\nEmail Address: sanne@polder.example\n"
          "First Name: Sanne\nLast Name: de Vries\n")


@pytest.mark.parametrize(("subject", "intro"), [
    ("New Subscriber to Example News", "Your audience grew."),
    ("Example News", "A new subscriber has joined your audience Example News."),
    ("Nouvelle inscription", "Un nouveau contact s'est inscrit."),
])
def test_a_sign_up_notice_with_list_headers_is_a_lead(subject: str, intro: str) -> None:
    draft = parse_message(SIGNUP.format(subject=subject, intro=intro).encode())
    assert draft.is_submission, draft.not_submission_reason
    assert (draft.visitor_name, draft.visitor_email) == ("Sanne de Vries", "sanne@polder.example")


def test_a_newsletter_with_person_lines_but_no_sign_up_stays_a_newsletter() -> None:
    newsletter = SIGNUP.format(subject="Our November news", intro="Meet our new team member.")
    draft = parse_message(newsletter.encode())
    assert not draft.is_submission
    assert draft.not_submission_reason == "newsletter or mailing list (List-Unsubscribe)"


# The reply prefixes are the conversations' (leaddesk.conversations.headers.has_reply_prefix), wider
# than English and German: each is a reply only with a thread header or a quote, never by itself.
_PREFIXES = ["Re:", "AW:", "SV:", "Odp:", "RES:", "YNT:", "Vá:", "Atb:", "Отв:", "回复：", "RE[2]:"]


@pytest.mark.parametrize("prefix", _PREFIXES)
def test_a_reply_prefix_with_a_thread_or_a_quote_is_a_reply(prefix: str) -> None:
    subject = f"{prefix} Patient engagement"
    assert verdict(cf7("In-Reply-To: <a@b.example>", subject=subject)) == "reply in an e-mail thread"
    assert verdict(cf7(subject=subject, quote=True)) == "reply in an e-mail thread"


@pytest.mark.parametrize("prefix", _PREFIXES)
def test_a_visitor_subject_with_a_reply_prefix_alone_is_a_lead(prefix: str) -> None:
    # CF7 4.x puts the visitor's typed subject in the notification's: no thread, no quote.
    assert verdict(cf7(subject=f"{prefix} your white paper")) is None


@pytest.mark.parametrize("subject", ["Resolution of our launch plan", "Res. 12 rooms", "Rebate question",
                                     "Odpowiedź na ofertę", "AWS campaign", "Response time"])
def test_words_that_begin_like_a_prefix_are_not_one(subject: str) -> None:
    assert verdict(cf7("In-Reply-To: <a@b.example>", subject=subject)) is None
