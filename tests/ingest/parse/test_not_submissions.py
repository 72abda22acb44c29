"""Mail in the box that is not a form submission is flagged with the reason, not dropped."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import parse_message
from tests.ingest.parse.eml import parse, raw


@pytest.mark.parametrize(("name", "reason"), [
    ("not_colleague", "no form fields found (an ordinary e-mail)"),
    ("not_bounce", "bounce (delivery status notification)"),
    ("not_newsletter", "newsletter or mailing list (List-Unsubscribe)"),
    ("not_wp_password_changed", "WordPress system notice"),
    ("not_staff_reply", "reply in an e-mail thread"),
    ("not_autoreply", "auto-reply"),
    # Microsoft Forms mails only that a response came in: the answers stay in the service.
    ("msforms_no_answers",
     "a form's notice of a new response without the answers (read them in the form's service)"),
])
def test_not_a_submission(name: str, reason: str) -> None:
    draft = parse(name)
    assert not draft.is_submission
    assert draft.not_submission_reason == reason
    assert draft.plugin is None
    assert draft.fields == {}
    assert draft.visitor_email is None
    assert draft.visitor_name is None
    assert not draft.is_spam
    # What is there is still kept for reading.
    assert draft.subject
    assert draft.message_id
    assert draft.full_text
    assert draft.body_text == draft.full_text


def test_newsletter_fields_do_not_make_it_a_lead() -> None:
    # The newsletter has "Name:" and "Message:" lines; its List-Unsubscribe decides.
    assert "Name: Patient engagement in 2027" in parse("not_newsletter").full_text


def test_a_form_service_with_list_headers_is_still_a_submission() -> None:
    # HubSpot's notification carries List-Unsubscribe and Auto-Submitted: auto-generated.
    assert parse("hubspot").is_submission


def test_visitor_subject_starting_with_re_is_still_a_submission() -> None:
    # CF7 4.x uses the visitor's subject as the mail subject; without threading headers or quoting
    # it is not a reply.
    data = raw("cf7_4x").replace(b"Subject: Question about IMI partnerships\r\n",
                                 b"Subject: Re: your IMI article\r\n", 1)
    draft = parse_message(data)
    assert draft.subject == "Re: your IMI article"
    assert draft.is_submission
    assert draft.plugin == "contact-form-7"


def test_a_fwd_subject_alone_does_not_hide_a_notification() -> None:
    # A "Fwd:" subject on a notification that forwards nothing (a visitor's typed subject in CF7 4.x)
    # no longer hides it: only a forwarded message found inside is read as a forward (test_forwarded).
    data = raw("cf7_current").replace(b'Subject: Example Pharma Agency "Patient engagement"',
                                      b'Subject: Fwd: Example Pharma Agency "Patient engagement"', 1)
    draft = parse_message(data)
    assert draft.is_submission
    assert draft.not_submission_reason is None


def test_staff_reply_quoting_the_notification_has_no_fields_or_visitor() -> None:
    draft = parse("not_staff_reply")
    assert "> Message Body:" in draft.full_text
    assert draft.topic is None
    assert draft.page_url is None


def test_only_a_notice_of_a_response_says_the_answers_are_elsewhere() -> None:
    # The control: an ordinary letter without fields keeps the plain reason.
    data = raw("msforms_no_answers").replace(b'Subject: New response to "Send Us A Message"',
                                             b"Subject: Lunch on Friday?", 1)
    data = data.replace(b"You have a new response to your form", b"Are you free for lunch", 1)
    data = data.replace(b"new response", b"lunch").replace(b"responses", b"menu")
    assert parse_message(data).not_submission_reason == "no form fields found (an ordinary e-mail)"


@pytest.mark.parametrize(("name", "visitor", "email", "phrase"), [
    ("message_alone", "Ioana Peeters", "ioana.peeters@sanaphar.example", "involve cardiologists earlier"),
    ("message_alone_reply_to", "Jonas Weber", "jonas.weber@rheinmed.example", "speakers bureau"),
])
def test_a_form_that_mails_the_message_alone_is_a_lead(name: str, visitor: str, email: str,
                                                       phrase: str) -> None:
    # No label anywhere, but the subject names the form or the website: hiding it as an ordinary
    # e-mail would hide a lead. The reading is said, so a person can check it.
    draft = parse(name, site_addresses=["info@example-pharma-agency.com"])
    assert draft.is_submission
    assert draft.not_submission_reason is None
    assert not draft.is_spam
    assert (draft.visitor_name, draft.visitor_email) == (visitor, email)
    assert phrase in (draft.body_text or "")
    assert draft.fields == {"Message": draft.body_text}
    assert any(p.startswith("no form fields: the whole text") for p in draft.problems)


@pytest.mark.parametrize(("subject", "reason"), [
    ("Lunch on Friday?", "no form fields found (an ordinary e-mail)"),  # no form named
    ('New response to your form "Send Us A Message"',  # a notice: the answers are elsewhere
     "a form's notice of a new response without the answers (read them in the form's service)"),
])
def test_mail_alone_without_a_form_subject_stays_no_submission(subject: str, reason: str) -> None:
    data = raw("message_alone").replace(
        b'Subject: Example Pharma Agency: new "Send Us A Message" submission',
        b"Subject: " + subject.encode())
    draft = parse_message(data, site_addresses=["info@example-pharma-agency.com"])
    assert not draft.is_submission
    assert draft.not_submission_reason == reason


def test_a_newsletter_about_forms_stays_a_newsletter() -> None:
    data = raw("message_alone").replace(
        b"Subject: Example Pharma Agency: new", b"List-Unsubscribe: <mailto:u@list.example>\n"
        b"Subject: Example Pharma Agency: new")
    assert parse_message(data).not_submission_reason == "newsletter or mailing list (List-Unsubscribe)"


def test_the_site_mailing_the_message_alone_without_a_reply_to_is_a_lead_without_its_address() -> None:
    # The message is kept as a lead; the site's own sender is never taken for the visitor.
    data = raw("message_alone_reply_to").replace(
        b'Reply-To: "Jonas Weber" <jonas.weber@rheinmed.example>\n', b"")
    draft = parse_message(data, site_addresses=["info@example-pharma-agency.com"])
    assert draft.is_submission
    assert draft.visitor_email != "wordpress@example-pharma-agency.com"
    assert "speakers bureau" in (draft.body_text or "")


@pytest.mark.parametrize("subject", [
    "New contact form submission", "Neue Nachricht über das Kontaktformular", "Neue Kontaktanfrage",
    "Nouveau message via le formulaire de contact", "Nuevo mensaje del sitio web",
    "Nieuw bericht via het contactformulier", "Message from the website", "Website enquiry",
])
def test_subjects_that_name_a_form_or_the_website(subject: str) -> None:
    data = raw("message_alone").replace(
        b'Subject: Example Pharma Agency: new "Send Us A Message" submission',
        b"Subject: " + subject.encode())
    assert parse_message(data).is_submission


@pytest.mark.parametrize("subject", ["Formulary access in Germany", "Lunch on Friday?",
                                     "Our new oncology brand", "Quick question about your website",
                                     "Website redesign offer", "Anfrage zu Ihren Leistungen"])
def test_subjects_that_do_not(subject: str) -> None:
    data = raw("message_alone").replace(
        b'Subject: Example Pharma Agency: new "Send Us A Message" submission',
        b"Subject: " + subject.encode())
    assert parse_message(data).not_submission_reason == "no form fields found (an ordinary e-mail)"


def test_a_colleague_writing_about_the_website_is_no_lead() -> None:
    data = raw("message_alone").replace(
        b"From: Ioana Peeters <ioana.peeters@sanaphar.example>",
        b"From: Anja Becker <anja.becker@example-pharma-agency.com>").replace(
        b'Subject: Example Pharma Agency: new "Send Us A Message" submission',
        b"Subject: The website's contact form looks broken")
    assert parse_message(data).not_submission_reason == "no form fields found (an ordinary e-mail)"


def _relay(sender: str, subject: str, reply_to: str = "margaret.kelly@galwaybio.example") -> bytes:
    return (f"From: {sender}\nTo: leads@example-pharma-agency.com\nSubject: {subject}\n"
            f"Reply-To: {reply_to}\nContent-Type: text/plain; charset=utf-8\n\n"
            "Hello,\n\nwe would like a proposal for our new allergy range.\n\n"
            "Kind regards,\nMargaret\n").encode()


def test_the_site_relaying_a_message_under_the_visitors_name_is_a_lead() -> None:
    # OpenCart's contact page: the store's own address under the visitor's name, the subject
    # repeating it, the visitor in Reply-To, the enquiry alone as the body.
    draft = parse_message(_relay("Margaret Kelly <shop@example-pharma-agency.com>",
                                 "Enquiry Margaret Kelly"))
    assert draft.is_submission
    assert (draft.visitor_name, draft.visitor_email) == ("Margaret Kelly", "margaret.kelly@galwaybio.example")
    assert draft.body_text.endswith("Kind regards,\nMargaret")


@pytest.mark.parametrize(("sender", "subject"), [
    # The subject does not repeat the name, or names no enquiry, or the sender is not the site's.
    ("Margaret Kelly <shop@example-pharma-agency.com>", "Enquiry"),
    ("Margaret Kelly <shop@example-pharma-agency.com>", "Lunch with Margaret Kelly"),
    ("Margaret Kelly <margaret@galway-mail.example>", "Enquiry Margaret Kelly"),
])
def test_a_mail_that_is_no_relay_stays_an_ordinary_email(sender: str, subject: str) -> None:
    draft = parse_message(_relay(sender, subject))
    assert draft.not_submission_reason == "no form fields found (an ordinary e-mail)"
