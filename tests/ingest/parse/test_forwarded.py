"""A form notification forwarded by a colleague is the lead it forwards; a forwarded mail that is no
notification is still not a submission, and says what was forwarded. One fixture per mail program's
way of forwarding (see fixtures/README.md)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leaddesk.ingest.parse import forwarded, parse_message
from tests.ingest.parse.eml import parse, raw

FORWARDED_BY = "read from a form notification forwarded by "


@pytest.mark.parametrize(("name", "plugin", "visitor", "message", "submitted_at", "forwarder", "note"), [
    # Gmail, text and HTML (<div class="gmail_quote">); the Date line has no zone: the forwarder's.
    ("forwarded_gmail", "contact-form-7", ("Zoë Becker", "zoe.becker@novagen-therapeutics.example"),
     "discuss a programme\nfor our rare-disease portfolio", datetime(2026, 11, 20, 14, 5, tzinfo=UTC),
     "petra.vogel@example-pharma-agency.com", "Can someone call her back"),
    # Outlook desktop in German ("Von:/Gesendet:/An:/Betreff:" after a rule), the Gravity table in HTML.
    ("forwarded_outlook_de", "gravity-forms", ("Dr. Małgorzata Wiśniewska", "m.wisniewska@baltivita.example"),
     "patient advisory board in Poland", datetime(2026, 11, 22, 19, 30, tzinfo=UTC),
     "markus.brandt@example-pharma-agency.com", "bitte übernehmen"),
    # Outlook on the web, HTML only (<div id="divRplyFwdMsg">), "Sent: Thursday, November 26, 2026 5:02 PM".
    ("forwarded_outlook_web", "wpforms", ("Kenji Watanabe", "k.watanabe@sakura-bio.example"),
     "medical writing support", datetime(2026, 11, 26, 22, 2, tzinfo=UTC),
     "sam.carter@example-pharma-agency.com", "Kenji asked for a quote"),
    # Apple Mail, quoted by ">", "Date: 26 November 2026 at 17:02:11 CET"; its Reply-To line is kept.
    ("forwarded_apple", "formspree", ("Alessandra Rossi", "a.rossi@lagunafarma.example"),
     "advisory board in Milan", datetime(2026, 11, 26, 16, 2, tzinfo=UTC),
     "lena.hoffmann@example-pharma-agency.com", "this one came to my address"),
    # Thunderbird's header table; the form's own Date and Time fields win over the Date line.
    ("forwarded_thunderbird", "elementor", ("Hanna Virtanen", "hanna.virtanen@nordlab.example"),
     "KOL mapping project in the Nordics", datetime(2026, 11, 26, 17, 2, tzinfo=UTC),
     "jonas.berg@example-pharma-agency.com", "I am travelling"),
    # Forwarded as an attachment (message/rfc822): the attached message's own Date header.
    ("forwarded_attachment", "contact-form-7", ("Zoë Becker", "zoe.becker@novagen-therapeutics.example"),
     "rare-disease portfolio", datetime(2026, 11, 20, 14, 5, 31, tzinfo=UTC),
     "petra.vogel@example-pharma-agency.com", "Forwarding as attachment"),
    # French Outlook headers ("De :/Envoyé :/À :/Objet :"), all quoted by ">", no marker line.
    ("forwarded_quoted_fr", "generic", ("Julien Lefèvre", "j.lefevre@rhonepharma.example"),
     "lancement d'un produit en oncologie", datetime(2026, 11, 26, 16, 2, tzinfo=UTC),
     "claire.martin@example-pharma-agency.com", "Pour info"),
    # The fixture of the hostile round: Gmail's plain text forward of a CF7 notification.
    ("hostile_forwarded", "contact-form-7", ("Dimitris Papadakis", "d.papadakis@aegeanpharma.example"),
     "speakers bureau for our diabetes launch", datetime(2026, 11, 26, 16, 2, tzinfo=UTC),
     "petra.vogel@example-pharma-agency.com", "FYI, this one came"),
])
def test_a_forwarded_notification_is_read_as_the_lead(
        name: str, plugin: str, visitor: tuple[str, str], message: str, submitted_at: datetime,
        forwarder: str, note: str) -> None:
    draft = parse(name)
    assert draft.is_submission, draft.not_submission_reason
    assert not draft.is_spam, draft.spam_reason
    assert draft.plugin == plugin
    assert (draft.visitor_name, draft.visitor_email) == visitor
    assert message in draft.body_text
    # The colleague's own note is kept with the mail, never as the visitor's message.
    assert note not in draft.body_text
    assert note in draft.full_text
    assert forwarder not in (draft.visitor_email or "")
    assert draft.submitted_at == submitted_at
    # The forwarding mail is the one received: its identity and date are kept.
    assert draft.subject is not None
    assert forwarded.NO_FORWARD_FOUND not in draft.problems
    assert draft.sent_at is not None
    assert draft.sent_at > submitted_at
    said = [problem for problem in draft.problems if problem.startswith(FORWARDED_BY)]
    assert len(said) == 1, draft.problems
    assert forwarder in said[0]


def test_the_forwarded_reading_is_the_direct_one() -> None:
    # Forwarded by Gmail or as an attachment, the CF7 notification reads as it does when it comes in
    # directly: same fields, same message (the store's fingerprint makes them one lead).
    direct = parse("cf7_current")
    for name in ("forwarded_gmail", "forwarded_attachment"):
        draft = parse(name)
        assert draft.fields == direct.fields
        assert draft.body_text == direct.body_text
        assert draft.message_id != direct.message_id


def test_html_forward_keeps_the_notifications_page_and_company() -> None:
    draft = parse("forwarded_outlook_de")
    assert draft.visitor_company == "Baltivita Pharma"
    assert draft.page_url == "https://www.example-pharma-agency.com/blog/white-paper-patient-engagement/"
    assert "Markus" not in draft.body_text


@pytest.mark.parametrize(("name", "sender", "why"), [
    ("forwarded_newsletter", "newsletter@pharmacomms-weekly.example", "newsletter (an unsubscribe link"),
    # A client's own e-mail forwarded by a colleague is no form's notification: kept conservative.
    ("forwarded_ordinary", "zoe.becker@novagen-therapeutics.example", "no form fields found"),
])
def test_a_forwarded_mail_that_is_no_notification_is_not_a_submission(name: str, sender: str,
                                                                       why: str) -> None:
    draft = parse(name)
    assert not draft.is_submission
    reason = draft.not_submission_reason or ""
    assert reason.startswith(f"forwarded e-mail: the forwarded message from {sender} is not a form "
                             "notification (")
    assert why in reason
    assert (draft.visitor_name, draft.visitor_email, draft.fields) == (None, None, {})
    assert draft.body_text == draft.full_text
    assert draft.submitted_at is None


def test_the_newsletter_footer_decides_only_without_a_form() -> None:
    # A notification's footer may offer to unsubscribe too (HubSpot's does): it still speaks of a form.
    data = raw("hostile_forwarded") + b"\nUnsubscribe from these notifications: https://notify.example/u\n"
    assert parse_message(data).is_submission
    assert not parse_message(data.replace(b"contact form", b"website")).is_submission


def test_a_fwd_subject_on_a_mail_that_forwards_nothing_is_read_as_it_is() -> None:
    # CF7 4.x puts the visitor's own subject in the mail's: "Fwd: ..." may be typed into a form. The
    # notification's own "From:"/"Subject:" lines are no forward's header block (no date follows From).
    data = raw("cf7_current").replace(b'Subject: Example Pharma Agency "Patient engagement"',
                                      b'Subject: Fwd: Example Pharma Agency "Patient engagement"', 1)
    draft = parse_message(data)
    assert draft.is_submission
    assert list(draft.fields) == ["From", "Subject", "Message Body"]
    assert draft.visitor_email == "zoe.becker@novagen-therapeutics.example"
    assert forwarded.NO_FORWARD_FOUND in draft.problems


def forward_of(inner: str, *, subject: str, sender: str = "Petra Vogel <petra@owner-mail.example>",
               depth: int = 1) -> bytes:
    """``inner`` (headers and body of a message) forwarded ``depth`` times, Gmail's way, as text."""
    text = inner
    for _ in range(depth):
        text = ("FYI\n\n---------- Forwarded message ---------\nFrom: " + sender
                + f"\nDate: Thu, 26 Nov 2026 at 17:02\nSubject: {subject}\n"
                + "To: <petra@owner-mail.example>\n\n\n" + text)
        subject = f"Fwd: {subject}"
    head = (f"Date: Fri, 27 Nov 2026 11:20:00 +0100\nFrom: {sender}\nTo: leads@example-pharma-agency.com\n"
            f"Subject: {subject}\nMessage-ID: <fwd-{depth}@owner-mail.example>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\n\n")
    return (head + text).encode()


def test_the_forwarder_is_never_the_visitor() -> None:
    # A site builder mails the form's message alone from the owner's own address, to an agency; the
    # owner forwards it. The From of the forwarded message is then the forwarder: not the visitor.
    inner = "Hello, we would like a quote for a patient leaflet.\n"
    data = forward_of(inner, subject="New contact form message").replace(
        b"To: <petra@owner-mail.example>", b"To: <web@agency.example>", 1)
    draft = parse_message(data)
    assert draft.is_submission
    assert "patient leaflet" in draft.body_text
    assert draft.visitor_email is None
    assert any("petra@owner-mail.example is the site's own" in problem for problem in draft.problems)


def test_the_sites_automated_sender_says_notification_whatever_the_subject() -> None:
    # Forwarded from wordpress@ at the site the mailbox belongs to, a message without labels is the
    # form's: read as the message alone. From another domain's no-reply sender it is not.
    inner = "Hello, we would like a quote for a patient leaflet.\n"
    site = forward_of(inner, subject="Example Pharma Agency",
                      sender="Example Pharma Agency <wordpress@example-pharma-agency.com>")
    site = site.replace(b"From: Example Pharma Agency <wordpress@example-pharma-agency.com>\nTo: leads",
                        b"From: Petra Vogel <petra@owner-mail.example>\nTo: leads", 1)
    draft = parse_message(site)
    assert draft.is_submission, draft.not_submission_reason
    assert "patient leaflet" in draft.body_text
    assert draft.visitor_email is None
    other = site.replace(b"wordpress@example-pharma-agency.com>\nDate", b"no-reply@shop.example>\nDate", 1)
    assert not parse_message(other).is_submission


def test_a_forward_of_a_forward_is_read() -> None:
    data = forward_of(raw("cf7_current").decode().replace("\r\n", "\n").partition("\n\n")[2],
                      subject='Example Pharma Agency "Patient engagement"',
                      sender="Example Pharma Agency <wordpress@example-pharma-agency.com>", depth=2)
    draft = parse_message(data)
    assert draft.is_submission
    assert draft.visitor_email == "zoe.becker@novagen-therapeutics.example"


def test_forwards_nested_past_reason_end_without_a_parser_error() -> None:
    data = forward_of("Hello\n", subject="Lunch", depth=600)
    draft = parse_message(data)
    assert not any(problem.startswith("parser error") for problem in draft.problems), draft.problems[:1]


def test_the_header_block_ends_where_a_header_comes_again() -> None:
    # No blank line between the forward's header lines and the notification's own "From:" line:
    # a second From starts the forwarded text.
    block_end = b"To: <petra.vogel@example-pharma-agency.com>\r\n"
    data = raw("hostile_forwarded").replace(block_end + b"\r\n\r\n", block_end, 1)
    assert data != raw("hostile_forwarded")
    draft = parse_message(data)
    assert list(draft.fields) == ["From", "Subject", "Message Body"]
    assert draft.visitor_email == "d.papadakis@aegeanpharma.example"


_TABLE = ("<table><tr><td><b>Name</b></td><td>Ana Silva</td></tr><tr><td><b>Email</b></td>"
          "<td>ana.silva@lisboafarma.example</td></tr><tr><td><b>Message</b></td>"
          "<td>We need a launch plan.</td></tr></table>")
_SENDER = ('Site &lt;<a href="mailto:noreply@example-pharma-agency.com">noreply@example-pharma-agency.com'
           '</a>&gt;')
THUNDERBIRD_HTML = (
    '<html><head><style>.preheader { display: none; }</style></head><body><p>See below</p>'
    '<div class="moz-forward-container"><br><br>-------- Forwarded Message --------'
    '<table class="moz-email-headers-table" cellpadding="0" cellspacing="0" border="0"><tbody>'
    '<tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">Subject: </th><td>New form submission</td></tr>'
    '<tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">Date: </th><td>Thu, 26 Nov 2026 17:02:11 +0100'
    '</td></tr><tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">From: </th><td>' + _SENDER
    + '</td></tr><tr><th valign="BASELINE" nowrap="nowrap" align="RIGHT">To: </th>'
    '<td>jonas@owner-mail.example</td></tr>'
    '</tbody></table><br><br><span class="preheader">Preview: Hidden Harry</span>' + _TABLE
    + '</div></body></html>')
APPLE_HTML = (
    '<html><body><div>FYI, Lena</div><div><br><blockquote type="cite"><div>Begin forwarded message:</div>'
    '<br class="Apple-interchange-newline"><div style="margin-top: 0px;"><span><b>From: </b></span><span>'
    + _SENDER + '<br></span></div><div style="margin-top: 0px;"><span><b>Subject: </b></span><span><b>New '
    'form submission</b><br></span></div><div style="margin-top: 0px;"><span><b>Date: </b></span><span>26 '
    'November 2026 at 17:02:11 CET<br></span></div><div style="margin-top: 0px;"><span><b>To: </b></span>'
    '<span>lena@owner-mail.example<br></span></div><br><div>' + _TABLE
    + '</div></blockquote></div></body></html>')


@pytest.mark.parametrize("html", [THUNDERBIRD_HTML, APPLE_HTML], ids=["thunderbird", "apple_mail"])
def test_an_html_only_forward_is_cut_after_its_header_lines(html: str) -> None:
    # Header lines in a table (Thunderbird) or one <div> each (Apple Mail): the forwarded HTML starts
    # after them, with the forwarding mail's style sheet (it hides a preheader).
    data = ("From: Jonas Berg <jonas@owner-mail.example>\nTo: leads@example-pharma-agency.com\n"
            "Subject: Fwd: New form submission\nDate: Mon, 30 Nov 2026 11:45:09 +0100\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n" + html).encode()
    draft = parse_message(data)
    assert draft.is_submission
    assert list(draft.fields) == ["Name", "Email", "Message"]
    assert (draft.visitor_name, draft.visitor_email) == ("Ana Silva", "ana.silva@lisboafarma.example")
    assert draft.body_text == "We need a launch plan."
    assert draft.submitted_at == datetime(2026, 11, 26, 16, 2, 11, tzinfo=UTC)
