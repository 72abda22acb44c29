"""One real-shaped notification per form plugin or service, read end to end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.parse.layouts import elementor
from tests.ingest.parse.eml import assert_reads_as, parse, raw

SITE = "https://www.example-pharma-agency.com"
IMI = (SITE + "/blog/imi-public-private-partnerships/",
       "Europe's IMI Sets Pace for Public/Private Partnerships in Pharmaceutical Development")
PATIENT = (SITE + "/blog/white-paper-patient-engagement/", "New White Paper on Patient Engagement")
SPEAKERS = (SITE + "/blog/white-paper-speakers-bureaus/", "New White Paper on Building Speakers Bureaus")
MICRO = (SITE + "/blog/focus-on-micro-influencers/", "Focus on Micro-Influencers")

# fixture -> what the draft must say (only the keys given are checked)
EXPECTED: dict[str, dict[str, object]] = {
    "cf7_current": {
        "plugin": "contact-form-7", "visitor_name": "Zoë Becker",
        "visitor_email": "zoe.becker@novagen-therapeutics.example",
        "topic": None, "topic_hint": "Patient engagement",
        "fields": ["From", "Subject", "Message Body"], "page_url": None,
        "message_starts": "Hello,\n\nI read your new white paper on patient engagement"},
    "cf7_notification_56": {
        "plugin": "contact-form-7", "visitor_name": "Lars Holm",
        "visitor_email": "lars.holm@nordivance.example",
        "topic": None, "topic_hint": "Speakers bureaus",
        "message_starts": "We are building a speakers bureau"},
    "cf7_4x": {
        "plugin": "contact-form-7", "visitor_name": "Jürgen Müller",
        "visitor_email": "juergen.mueller@rhenagen.example",
        "topic": None, "topic_hint": "Question about IMI partnerships",
        "message_starts": "Dear team,\nyour article on IMI"},
    "cf7_custom": {
        "plugin": "contact-form-7", "visitor_name": "Sofia Conti",
        "visitor_email": "sofia.conti@adriapharma.example",
        "visitor_phone": "+39 02 4455 6677", "visitor_company": "Adriapharma S.p.A.",
        "topic": "Public/private partnerships (IMI)", "page_url": IMI[0], "post_title": IMI[1],
        "submitted_at": datetime(2026, 11, 18, 12, 20, tzinfo=UTC),
        "fields": ["Name", "Email", "Phone", "Company", "Topic of interest", "Message", "Post", "Post URL",
                "Page", "Date", "Time", "IP", "Browser"],
        "message_starts": "We are preparing an IMI2 call proposal"},
    "wpforms_text": {
        "plugin": "wpforms", "visitor_name": "Anna Rossi", "visitor_email": "anna.rossi@curavita.example",
        "visitor_company": "Curavita Health", "topic": "Micro-influencers", "page_url": MICRO[0],
        "fields": ["Name", "Email", "Company", "Topic of interest", "Comment or Message", "Page URL"],
        "message_starts": "We liked your post on micro-influencers.\nDo you run campaigns in Italy"},
    "wpforms_html": {
        "plugin": "wpforms", "visitor_name": "Pavel Novák", "visitor_email": "pavel.novak@medivax.example",
        "visitor_phone": "+420 224 555 010", "visitor_company": "Medivax s.r.o.", "topic": "Speakers bureaus",
        "page_url": SPEAKERS[0],
        "fields": ["Name", "Email", "Phone", "Organisation", "Area of interest", "Your message",
                "Referring page"],
        "message_starts": 'Hello,\n\nafter reading "New White Paper on Building Speakers Bureaus"'},
    "gravity_html": {
        "plugin": "gravity-forms", "visitor_name": "Dr. Małgorzata Wiśniewska",
        "visitor_email": "m.wisniewska@baltivita.example", "visitor_company": "Baltivita Pharma",
        "topic": "Patient engagement", "page_url": PATIENT[0],
        "fields": ["Name", "Email", "Company", "I'm interested in", "Message", "Source page"],
        "message_starts": "Dear team,\n\nwe are planning a patient advisory board in Poland.\nCould you"},
    "gravity_text": {
        "plugin": "gravity-forms", "visitor_name": "Ewa Kowalski",
        "visitor_email": "ewa.kowalski@vistula-bio.example",
        "visitor_company": "Vistula Bio", "topic": "Medical education", "page_url": PATIENT[0],
        "message_starts": "We would like to run an accredited webinar series for GPs.\nTwo sessions"},
    "elementor": {
        "plugin": "elementor", "visitor_name": "Chloé Moreau",
        "visitor_email": "chloe.moreau@lumitherapeutics.example",
        "visitor_phone": "+33 1 42 55 66 77", "visitor_company": "Lumi Therapeutics SAS",
        "topic": "Micro-influencers", "page_url": MICRO[0] + "?ref=home",
        "submitted_at": datetime(2026, 11, 23, 16, 7, tzinfo=UTC),
        "fields": ["Name", "Email", "Phone", "Company", "Topic", "Message", "Date", "Time", "Page URL",
                "User Agent", "Remote IP"],
        "message_starts": "Bonjour, we would like to test a micro-influencer campaign\nwith patient"},
    "ninja": {
        "plugin": "ninja-forms", "visitor_name": "Niels de Jong",
        "visitor_email": "niels.dejong@danugen.example",
        "visitor_company": "Danugen B.V.", "topic": "Market access",
        "fields": ["Name", "Email", "Organization", "What are you interested in?", "Message"],
        "message_starts": "Hi,\nwe are launching an oncology product in the Benelux."},
    "hubspot": {
        "plugin": "hubspot", "visitor_name": "Lucía Fernández",
        "visitor_email": "lucia.fernandez@iberigen.example",
        "visitor_company": "Iberigen S.A.", "topic": "Speakers bureaus", "page_url": SPEAKERS[0],
        "post_title": SPEAKERS[1], "message_starts": "Hola, we need a speakers bureau"},
    "netlify": {
        "plugin": "netlify", "visitor_name": "Henrik Nielsen",
        "visitor_email": "henrik.nielsen@nordicure.example",
        "visitor_company": "Nordicure A/S", "topic": "Digital campaigns",
        "fields": ["name", "email", "company", "topic", "message"],
        "message_starts": "We saw your micro-influencer article."},
    "formspree": {
        "plugin": "formspree", "visitor_name": "Siobhán O'Brien",
        "visitor_email": "siobhan.obrien@celtigen.example",
        "visitor_company": "Celtigen Ltd", "page_url": SPEAKERS[0],
        "submitted_at": datetime(2026, 11, 25, 9, 42, tzinfo=UTC),
        "fields": ["name", "email", "company", "message"],
        "message_starts": "Hi,\n\nwe are looking for an agency for a speakers bureau in Ireland and the UK."
                       "\n\nThanks, Siobhán"},
    "webflow": {
        "plugin": "webflow", "visitor_name": "Miklós Horváth",
        "visitor_email": "miklos.horvath@danubepharma.example",
        "visitor_company": "Danube Pharma Kft.", "topic": "Market access", "page_url": IMI[0],
        "message_starts": "Dear team, we are interested in market access"},
    "generic": {
        "plugin": "generic", "visitor_name": "Marco Bianchi",
        "visitor_email": "marco.bianchi@azienda-salus.example",
        "visitor_phone": "+39 06 1234 5678", "visitor_company": "Salus Farmaceutici",
        "topic": "Medical education",
        "fields": ["Full name", "E-mail", "Telephone", "Organisation", "Area of interest", "Comments"],
        "message_starts": "Good morning,\nwe would like to discuss a CME programme"},
    "german_form": {
        "plugin": "contact-form-7", "visitor_name": "Katharina Schäfer",
        "visitor_email": "k.schaefer@helionova.example",
        "visitor_phone": "+49 30 1234 5678", "visitor_company": "Helionova Pharma GmbH",
        "topic": "Patientenbeteiligung", "page_url": PATIENT[0], "post_title": PATIENT[1],
        "submitted_at": datetime(2026, 11, 26, 14, 29, tzinfo=UTC),
        "message_starts": "Guten Tag,\nwir möchten ein Patientenforum"},
    "french_form": {
        "plugin": "elementor", "visitor_name": "Anaïs Lefèvre",
        "visitor_email": "anais.lefevre@sanaphar.example",
        "visitor_phone": "+33 4 78 12 34 56", "visitor_company": "Sanaphar SA",
        "topic": "Engagement des patients",
        "page_url": PATIENT[0], "submitted_at": datetime(2026, 11, 23, 17, 32, tzinfo=UTC),
        "message_starts": "Bonjour,\nnous aimerions organiser un atelier"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_is_read(name: str) -> None:
    assert_reads_as(name, EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_layout_keeps_headers_and_whole_text(name: str) -> None:
    draft = parse(name)
    assert draft.message_id is not None
    assert draft.message_id.startswith("<")
    assert draft.message_id.endswith(">")
    assert draft.sent_at is not None
    assert draft.sent_at.tzinfo is UTC
    assert draft.subject
    assert draft.body_text in draft.full_text or draft.body_text.replace("\n", " ") in draft.full_text


def test_cf7_footer_and_signature_stay_out_of_the_message() -> None:
    draft = parse("cf7_current")
    assert "This e-mail was sent" not in draft.body_text
    assert "This e-mail was sent from a contact form" in draft.full_text
    assert draft.body_text.endswith("Best regards,\nZoë")
    assert draft.fields["From"] == "Zoë Becker <Zoe.Becker@Novagen-Therapeutics.example>"


def test_cf7_message_keeps_lines_that_look_like_labels() -> None:
    # "Note: the deadline ..." is part of the visitor's message, not a field.
    draft = parse("cf7_custom")
    assert "Note" not in draft.fields
    assert "Note: the deadline is in March" in draft.body_text
    assert draft.body_text.endswith("Could you send us references of similar projects?")
    assert draft.fields["IP"] == "203.0.113.45"


def test_cf7_custom_page_keeps_the_original_value_in_fields() -> None:
    draft = parse("cf7_custom")
    assert "utm_source=linkedin" in draft.fields["Page"]
    assert draft.page_url is not None
    assert "utm_" not in draft.page_url
    assert "#" not in draft.page_url


def test_german_message_keeps_its_hinweis_line() -> None:
    draft = parse("german_form")
    assert "Hinweis: Start wäre im zweiten Quartal." in draft.body_text
    assert list(draft.fields)[:7] == ["Vorname", "Nachname", "E-Mail-Adresse", "Telefonnummer",
                                      "Unternehmen", "Thema", "Ihre Nachricht"]


def test_elementor_credit_line_is_not_a_field() -> None:
    draft = parse("elementor")
    assert "Powered by" not in draft.fields
    assert draft.fields["Remote IP"] == "192.0.2.77"


def test_wpforms_html_leaves_footer_and_script_out() -> None:
    draft = parse("wpforms_html")
    assert not any("Sent from" in value for value in draft.fields.values())
    assert "document.write" not in draft.full_text
    assert draft.body_html is not None
    assert "<script" not in draft.body_html
    assert "<img" not in draft.body_html
    assert "<strong>Name</strong>" in draft.body_html


def test_gravity_forms_base64_html_has_a_text_rendering() -> None:
    draft = parse("gravity_html")
    assert "Name: Dr. Małgorzata Wiśniewska" in draft.full_text
    assert "Email: m.wisniewska@baltivita.example" in draft.full_text


def test_hubspot_fields_leave_out_the_view_link() -> None:
    draft = parse("hubspot")
    assert not any(label.startswith("View") for label in draft.fields)
    assert draft.fields["First name"] == "Lucía"
    assert draft.subject == "New form submission on Send Us A Message from Lucía Fernández"


def test_formspree_and_netlify_leave_service_fields_out() -> None:
    assert "form-name" not in parse("netlify").fields
    assert all(not label.startswith("_") for label in parse("formspree").fields)


def test_elementor_without_metadata_is_known_by_its_default_subject() -> None:
    data = raw("elementor")
    data = data[:data.index(b"<br><br>---")] + b"<br>"
    draft = parse_message(data)
    assert draft.plugin == "elementor"
    assert draft.visitor_email == "chloe.moreau@lumitherapeutics.example"
    assert draft.page_url is None


def test_other_mail_from_a_form_service_is_not_a_form_notification() -> None:
    draft = parse_message(b"From: Netlify <team@netlify.com>\r\nSubject: Deploy failed for example-pharma\r\n"
                          b"Date: Wed, 25 Nov 2026 08:00:00 +0000\r\nMessage-ID: <d1@netlify.com>\r\n\r\n"
                          b"Site: example-pharma\r\nBranch: main\r\n"
                          b"Error: build script returned non-zero\r\n")
    assert draft.plugin != "netlify"


def test_a_sender_introduced_on_its_own_line_is_the_visitor() -> None:
    # Joomla's "This is an enquiry email via <site> from:" / "Name <address>" / the message; an
    # ordinary letter that happens to hold "Name <address>" without the introduction is not read so.
    body = ("This is an enquiry email via https://www.example-pharma-agency.com/ from:\r\n"
            "Ana Pop <ana.pop@carpati.example>\r\n\r\nBuna ziua,\r\nwe need a campaign.\r\n")
    head = (b"From: Site <admin@example-pharma-agency.com>\r\nTo: leads@example-pharma-agency.com\r\n"
            b"Subject: Site: Campaign\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n")
    draft = parse_message(head + body.encode())
    assert (draft.visitor_name, draft.visitor_email) == ("Ana Pop", "ana.pop@carpati.example")
    assert draft.body_text == "Buna ziua,\nwe need a campaign."
    letter = parse_message(head + body.replace(" from:", " from", 1).encode())
    assert letter.not_submission_reason == "no form fields found (an ordinary e-mail)"


@pytest.mark.parametrize("subject", [
    "New Message From Example - Contact", "Nuevo mensaje de Example - Contacto",
    "Neue Nachricht von Example - Kontakt", "Nouveau message de Example - Contact"])
def test_divi_is_read_under_its_translated_subjects(subject: str) -> None:
    data = ("From: \"Lucas Ortega\" <mail@example-pharma-agency.com>\r\n"
            f"To: leads@example-pharma-agency.com\r\nSubject: {subject}\r\n"
            "Reply-To: \"Lucas Ortega\" <lucas@sevillarx.example>\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\nHola,\r\nqueremos una campaña.\r\n\r\n"
            "Teléfono: +34 95 555 0123\r\n").encode()
    draft = parse_message(data)
    assert draft.plugin == "divi"
    assert (draft.visitor_name, draft.visitor_email) == ("Lucas Ortega", "lucas@sevillarx.example")
    assert draft.body_text == "Hola,\nqueremos una campaña."


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="-\n \tab:", max_size=40))
def test_elementor_looks_for_its_separator_only_where_the_pattern_can_match(text: str) -> None:
    # Without "---" the multi-line pattern finds nothing: skipping it changes nothing.
    if "---" not in text:
        assert list(elementor._SEPARATOR.finditer(text)) == []
