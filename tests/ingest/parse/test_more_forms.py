"""Notifications of form systems the layouts do not name, each modelled on the system's real template
(see fixtures/README.md), read by the general rules: who the visitor is, the whole message, the fields
and the page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from leaddesk.ingest.parse import parse_message
from tests.ingest.parse.eml import assert_reads_as, parse

SITE = "https://www.example-pharma-agency.com"

EXPECTED: dict[str, dict[str, object]] = {
    "everest_forms": {
        "plugin": "generic", "visitor_name": "Giulia Ferraro",
        "visitor_email": "giulia.ferraro@venetapharma.example", "visitor_phone": "+39 041 522 8890",
        "visitor_company": "Veneta Pharma S.r.l.", "topic": "Speakers bureaus", "page_url": None,
        "fields": ["First Name", "Last Name", "Email", "Phone", "Company", "Services of interest", "Message"],
        "message_starts": "Buongiorno,\nwe are planning a speakers bureau", "message_ends": "Grazie, Giulia"},
    "fluent_forms": {
        "plugin": "fluent-forms", "visitor_name": "Jonas Lindqvist",
        "visitor_email": "jonas.lindqvist@hanseatic-bio.example", "visitor_phone": "+49 40 3861 2040",
        "visitor_company": "Hanseatic Bio GmbH", "topic": "Patientenbeteiligung",
        "page_url": SITE + "/kontakt/",
        "message_starts": "Guten Tag,\nwir planen ein Patientenforum",
        "message_ends": "Viele Grüße\nJonas Lindqvist"},
    "formidable": {
        "plugin": "generic", "visitor_name": "Tomasz Zielinski",
        "visitor_email": "t.zielinski@wislamed.example",
        "visitor_phone": "+48 22 555 0142", "visitor_company": "Wisła Med Sp. z o.o.",
        "topic": "Market access",
        "page_url": SITE + "/services/market-access/",
        "message_starts": "Dear team,\nwe need support with HTA dossiers",
        "message_ends": "Best regards\nTomasz"},
    "drupal_webform": {
        "plugin": "generic", "visitor_name": "Ana Sousa", "visitor_email": "ana.sousa@lusomed.example",
        "visitor_phone": "+351 21 340 5566", "visitor_company": "Lusomed, S.A.", "topic": "Educação médica",
        "fields": ["Submitted by", "Nome", "E-mail", "Telefone", "Empresa", "Área de interesse", "Mensagem"],
        "message_starts": "Olá,\ngostaríamos de organizar", "message_ends": "Obrigada,\nAna"},
    "drupal_webform_html": {
        "plugin": "generic", "visitor_name": "Pieter van Dijk",
        "visitor_email": "p.vandijk@polderpharma.example",
        "topic_hint": "Medical education",
        "fields": ["Submitted by", "Your Name", "Your Email", "Subject", "Message"],
        "message_starts": "Hello,\n\nwe would like to run three CME webinars",
        "message_ends": "Kind regards,\nPieter"},
    "jotform": {
        "plugin": "generic", "visitor_name": "Lucía Martín Ortega",
        "visitor_email": "lucia.martin@iberofarma.example", "visitor_phone": "+34 91 555 72 10",
        "visitor_company": "Iberofarma S.L.", "topic": "Acceso al mercado", "page_url": None,
        "message_starts": "Hola:\nestamos preparando el lanzamiento", "message_ends": "Un saludo,\nLucía"},
    "web3forms": {
        "plugin": "generic", "visitor_name": "Kwame Mensah",
        "visitor_email": "kwame.mensah@accrahealth.example",
        "visitor_phone": "+233 30 276 5500", "visitor_company": "Accra Health Partners",
        "page_url": SITE + "/contact/",
        "message_starts": "Hello,\nwe are looking for an agency",
        "message_ends": "Could we schedule a call?\n\nKwame"},
    "shopify_contact": {
        "plugin": "generic", "visitor_name": "Élodie Garnier",
        "visitor_email": "elodie.garnier@provencesante.example", "visitor_phone": "+33 4 91 55 20 30",
        "message_starts": "Bonjour,\nnous cherchons une agence", "message_ends": "Merci,\nÉlodie"},
    "typeform": {
        "plugin": "generic", "visitor_name": "Sarah O'Connell",
        "visitor_email": "sarah.oconnell@emeraldtrials.example", "visitor_company": "Emerald Trials Ltd",
        "page_url": None,
        "message_starts": "We run a phase III study in atopic dermatitis",
        "message_ends": "patient outreach campaign from February."},
    "formsubmit": {
        "plugin": "generic", "visitor_name": "Ingrid Solberg",
        "visitor_email": "ingrid.solberg@fjordbio.example",
        "visitor_phone": "+47 22 55 88 10", "visitor_company": "Fjord Bio AS", "topic": "Digital campaigns",
        "page_url": SITE + "/contact/", "fields": ["name", "email", "phone", "company", "topic", "message"],
        "message_starts": "Hei!\nWe want a disease-awareness campaign",
        "message_ends": "budget around 150k EUR."},
    "zoho_forms": {
        "plugin": "generic", "visitor_name": "Camille Bernard",
        "visitor_email": "camille.bernard@santeouest.example", "visitor_phone": "+33 2 99 55 41 20",
        "visitor_company": "Santé Ouest SAS", "topic": "Formation médicale",
        "page_url": SITE + "/fr/formation/",
        "message_starts": "Bonjour,\nnous souhaitons former 60 pharmaciens",
        "message_ends": "Pourriez-vous nous proposer un programme et un budget ?"},
    "caldera_forms": {
        "plugin": "generic", "visitor_name": "Sanne de Vries",
        "visitor_email": "sanne.devries@deltazorg.example",
        "visitor_phone": "+31 10 555 4477", "visitor_company": "Delta Zorg B.V.",
        "topic_hint": "Digitale campagnes",
        "message_starts": "Goedemiddag,\nwij zoeken een bureau",
        "message_ends": "bellen?\n\nMet vriendelijke groet,\nSanne de Vries"},
    "google_forms_addon": {
        "plugin": "generic", "visitor_name": "Matteo Rinaldi",
        "visitor_email": "matteo.rinaldi@tirrenofarma.example", "visitor_phone": "+39 055 555 3120",
        "visitor_company": "Tirreno Farma S.p.A.", "topic": "Market access", "page_url": None,
        "submitted_at": datetime(2026, 11, 20, 14, 32, 10, tzinfo=UTC),
        "message_starts": "Good afternoon,\nwe are preparing the pricing dossier",
        "message_ends": "next week?\n\nMatteo"},
    "squarespace": {
        "plugin": "generic", "visitor_name": "Hélène Dubois",
        "visitor_email": "helene.dubois@alpesante.example",
        "visitor_phone": "+41 22 555 01 77", "visitor_company": "Alpes Santé SA", "page_url": None,
        "fields": ["Name", "Email Address", "Phone", "Company", "Message"],
        "message_starts": "Bonjour,\nnous préparons le lancement", "message_ends": "marché ?\n\nHélène"},
    "wix_forms": {
        "plugin": "generic", "visitor_name": "Nina Hoffmann",
        "visitor_email": "nina.hoffmann@isarpharma.example", "visitor_phone": "+49 89 5550 2211",
        "visitor_company": "Isar Pharma GmbH", "topic": "Medical education",
        "page_url": None,
        "message_starts": "Hello,\nwe want to run a CME-accredited webinar series",
        "message_ends": "Best regards,\nNina Hoffmann"},
    "django_contact": {
        "plugin": "generic", "subject": "Nowa wiadomość ze strony", "visitor_name": "Małgorzata Zielińska",
        "visitor_email": "m.zielinska@wislapharma.example", "visitor_phone": None,
        "visitor_company": "Wisła Pharma Sp. z o.o.", "topic": "Edukacja medyczna, Zaangażowanie pacjentów",
        "page_url": SITE + "/blog/white-paper-patient-engagement/",
        "fields": ["Imię i nazwisko", "E-mail", "Firma", "Telefon", "Tematy", "Wiadomość", "Strona"],
        "message_starts": "Dzień dobry,\nplanujemy cykl webinarów",
        "message_ends": "Pozdrawiam,\nMałgorzata"},
    "rails_contact": {
        "plugin": "generic", "subject": "New contact request from Dr. Jörg Bäcker",
        "visitor_name": "Dr. Jörg Bäcker", "visitor_email": "joerg.baecker@rheinmed.example",
        "visitor_company": "RheinMed GmbH", "topic": "Speakers bureaus",
        # Only the HTML part names the page: the parts of an alternative may differ.
        "page_url": SITE + "/blog/white-paper-speakers-bureaus/",
        "fields": ["Name", "Email", "Organisation", "Interested in", "Message", "Page"],
        "message_starts": "Sehr geehrte Damen und Herren,\n\nwir suchen",
        "message_ends": "Grüßen\nJörg Bäcker"},
    "strapi_webhook_json": {
        # A headless CMS mails its webhook's payload: the entry inside the event envelope, camelCase keys.
        "plugin": "generic", "visitor_name": "Sanna Virtanen",
        "visitor_email": "sanna.virtanen@aurabio.example", "visitor_phone": None,
        "visitor_company": "Aura Bio Oy", "topic": "Market access, Medical education",
        "page_url": SITE + "/blog/focus-on-micro-influencers/",
        "fields": ["id", "fullName", "email", "companyName", "topics", "message", "pageUrl", "createdAt",
                   "updatedAt"],
        "message_starts": "Hei,\nwe need a launch plan", "message_ends": "Kiitos, Sanna"},
    "joomla_contact": {
        # Joomla's core contact component: the sender on a line after "... from:", then the message.
        "plugin": "generic", "visitor_name": "Giovanni Esposito",
        "visitor_email": "giovanni.esposito@vesuviofarma.example", "topic_hint": None, "page_url": None,
        "fields": ["Name", "Email", "Message"],
        "message_starts": "Buongiorno,\nstiamo preparando il lancio",
        "message_ends": "saluti\nGiovanni Esposito"},
    "hostinger_cp1252": {
        "plugin": "generic", "subject": "Nouveau message reçu depuis votre site",
        "visitor_name": "Amélie Lefèvre", "visitor_email": "amelie.lefevre@normandie-sante.example",
        "visitor_phone": "+33 2 35 55 01 02", "topic": "Campagnes digitales", "page_url": None,
        "message_starts": "Bonjour,\nnous lançons une campagne « santé du cœur » en 2027 – budget ~ 40 k€.",
        "message_ends": "rappeler ?\nAmélie"},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_form_system_is_read(name: str) -> None:
    draft = assert_reads_as(name, EXPECTED[name])
    assert draft.subject
    assert draft.sent_at is not None
    assert draft.sent_at.tzinfo is UTC
    assert draft.message_id is not None
    assert draft.message_id.startswith("<")
    # The site's or the service's own sender is never the visitor.
    assert draft.visitor_email is not None
    assert not draft.visitor_email.startswith(("noreply@", "notify@", "notification@", "submissions@",
                                               "mailer@", "wordpress@", "admin@", "notifications@"))


def test_service_links_and_credits_stay_out_of_the_message() -> None:
    typeform = parse("typeform")
    assert "See all responses" not in typeform.body_text
    assert "Made with Typeform" not in typeform.body_text
    assert "See all responses" in typeform.full_text
    fluent = parse("fluent_forms")
    assert not any("FluentForm" in value for value in fluent.fields.values())
    zoho = parse("zoho_forms")
    assert "forms.zoho.eu" not in zoho.body_text
    assert zoho.page_url is not None
    assert "zoho" not in zoho.page_url


def test_a_short_answer_does_not_displace_the_message_of_a_questionnaire() -> None:
    draft = parse("typeform")
    assert draft.fields["What can we help you with?"] == "Patient recruitment"
    assert draft.body_text.startswith("We run a phase III study")


def test_formidable_reply_to_is_the_site_and_is_not_the_visitor() -> None:
    # Formidable's default Reply-To is the From address: the visitor's address comes from the fields.
    draft = parse("formidable")
    assert draft.visitor_email == "t.zielinski@wislamed.example"
    assert draft.fields["IP Address"] == "198.51.100.23"


def test_a_colleague_sending_the_notification_is_not_the_visitor() -> None:
    # The Google Forms add-on sends from the form owner's own account; the respondent is Reply-To.
    draft = parse("google_forms_addon")
    assert draft.visitor_name == "Matteo Rinaldi"
    assert "petra" not in (draft.visitor_email or "")


def test_drupal_webform_introduction_is_not_a_field() -> None:
    for name in ("drupal_webform", "drupal_webform_html"):
        assert "Submitted values are" not in parse(name).fields


def test_a_json_body_is_read_as_fields() -> None:
    # A webhook or script that mails the submission as it received it.
    body = ('{"name": "Jane Roe", "email": "jane@roe.example", "interests": ["Market access", "HTA"], '
            '"consent": true, "message": "Please call me.\\nThanks", '
            '"page": "https://www.example-pharma-agency.com/contact/"}')
    raw = ("From: Site <noreply@site.example>\r\nTo: leads@example-pharma-agency.com\r\nSubject: Lead\r\n"
           "Date: Wed, 25 Nov 2026 08:00:00 +0000\r\nMessage-ID: <j1@site.example>\r\n\r\n" + body).encode()
    draft = parse_message(raw)
    assert draft.is_submission
    assert draft.visitor_name == "Jane Roe"
    assert draft.visitor_email == "jane@roe.example"
    assert draft.topic == "Market access, HTA"
    assert draft.body_text == "Please call me.\nThanks"
    assert draft.page_url == "https://www.example-pharma-agency.com/contact/"
    assert "consent" not in draft.fields


def test_a_php_print_r_dump_is_read_field_by_field() -> None:
    # A hand-made PHP form mails print_r($_POST, true), in Latin-1 without a charset: the keys are the
    # labels, a checkbox group is a nested Array, the message goes on over its lines.
    draft = parse("php_print_r")
    assert draft.is_submission
    assert not draft.is_spam
    assert draft.problems == ("no charset declared; text read as cp1252",)
    assert (draft.visitor_name, draft.visitor_email) == ("Jürgen Weiß", "juergen.weiss@alpenpharm.example")
    assert draft.visitor_company == "Alpenpharm AG"
    assert draft.topic == "Marktzugang, Medizinische Fortbildung"
    assert draft.page_url == SITE + "/blog/imi-public-private-partnerships/"
    assert draft.body_text == ("Grüß Gott,\nwir möchten eine Fortbildungsreihe für Apotheker planen.\n"
                               "Können Sie uns ein Angebot schicken?\nViele Grüße\nJürgen Weiß")
    assert "telefon" not in draft.fields  # left empty


def _thanked(sender: str, last: str) -> bytes:
    return (f"From: {sender}\nTo: leads@example-pharma-agency.com\nSubject: Contact Form\n"
            "Reply-To: liam@dublinbio.example\nContent-Type: text/html; charset=utf-8\n\n"
            "<table><tr><th>Name</th><td>Liam Byrne</td></tr>"
            "<tr><th>Email</th><td>liam@dublinbio.example</td></tr></table>"
            "<p><strong>Message</strong></p><p>Hello, we need a proposal.</p>"
            f"<table><tr><td><p>{last}</p></td></tr></table>").encode()


def test_the_sites_own_thanks_under_the_message_is_no_part_of_it() -> None:
    # Magento's e-mail footer: "Thank you, %store_name!", the name the site sends under.
    draft = parse_message(_thanked("Example Pharma Agency <owner@example-pharma-agency.com>",
                                   "Thank you, Example Pharma Agency!"))
    assert draft.body_text == "Hello, we need a proposal."
    # A visitor's thanks to a person stay, and so do thanks under another name than the sender's.
    for sender, last in [("Example Pharma Agency <owner@example-pharma-agency.com>", "Thank you, Anna!"),
                         ("Liam Byrne <owner@example-pharma-agency.com>", "Thanks, Liam Byrne")]:
        assert parse_message(_thanked(sender, last)).body_text.endswith(last)
