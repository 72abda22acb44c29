"""The label table and map_fields, which the HTTP API ingest reuses for JSON records."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import map_fields
from leaddesk.ingest.parse.synonyms import CANONICAL_KEYS, is_known_label, label_key, role_of, value_role


@pytest.mark.parametrize(("label", "role"), [
    ("your-name", "name"), ("Your Name (required)", "name"), ("Full name *", "name"), ("Naam", "name"),
    ("Nombre", "name"), ("Nome", "name"), ("Nom", "name"),
    ("Vorname", "first_name"), ("Prénom", "first_name"), ("Voornaam", "first_name"),
    ("Nachname", "last_name"), ("Cognome", "last_name"), ("Apellidos", "last_name"), ("Sobrenome",
    "last_name"),
    ("your-email", "email"), ("E-Mail-Adresse", "email"), ("Adresse e-mail", "email"), ("Courriel", "email"),
    ("Correo electrónico", "email"), ("Indirizzo email", "email"), ("E-mailadres", "email"),
    ("Endereço de e-mail", "email"),
    ("Telephone", "phone"), ("Tel.", "phone"), ("Mobile", "phone"), ("Telefon", "phone"),
    ("Téléphone", "phone"), ("Teléfono", "phone"), ("Telefono", "phone"), ("Telefoonnummer", "phone"),
    ("Company name", "company"), ("Organisation", "company"), ("Firma", "company"), ("Unternehmen",
    "company"),
    ("Société", "company"), ("Entreprise", "company"), ("Empresa", "company"), ("Azienda", "company"),
    ("Bedrijf", "company"),
    ("Topic of interest", "topic"), ("Area of interest", "topic"), ("Interest", "topic"), ("Thema", "topic"),
    ("Sujet", "topic"), ("Tema", "topic"), ("What are you interested in?", "topic"),
    ("Subject", "subject"), ("your-subject", "subject"), ("Betreff", "subject"), ("Objet", "subject"),
    ("Asunto", "subject"), ("Oggetto", "subject"), ("Onderwerp", "subject"), ("Assunto", "subject"),
    ("your-message", "message"), ("Comments", "message"), ("Nachricht", "message"), ("Ihre Nachricht",
    "message"),
    ("Votre message", "message"), ("Mensaje", "message"), ("Messaggio", "message"), ("Bericht", "message"),
    ("Mensagem", "message"), ("Comment or Message", "message"), ("Message Body", "message"),
    ("Page URL", "page_url"), ("Source", "page_url"), ("Referrer", "page_url"), ("Seite", "page_url"),
    ("Referring page", "page_url"),
    ("Post", "post_title"), ("Beitrag", "post_title"), ("Page Title", "post_title"),
    ("Date", "date"), ("Datum", "date"), ("Heure", "time"), ("Uhrzeit", "time"),
    ("Remote IP", "meta"), ("User Agent", "meta"), ("I agree to the privacy policy", "meta"),
    ("Favourite colour", None), ("From", None),
])
def test_role_of(label: str, role: str | None) -> None:
    assert role_of(label, "someone@example.com") == role


def test_email_keywords_need_an_address() -> None:
    assert role_of("Email me a copy", "someone@example.com") == "email"
    assert role_of("Email me a copy", "yes") is None
    assert role_of("E-mail", "not an address") == "email"  # an exact label is trusted, and flagged later


def test_label_key() -> None:
    assert label_key("Your E-Mail (required)*") == "e mail"
    assert label_key("  Téléphone : ") == "telephone"


def test_map_fields_on_a_json_record() -> None:
    record = {"your-name": "Zoë Becker", "your-email": "zoe@novagen.example",
              "your-subject": "Patient engagement", "your-message": "Hello", "_wpcf7": "42",
              "_wpcf7_unit_tag": "wpcf7-f42-p7-o1",
              "page_url": "https://www.example-pharma-agency.com/blog/x/", "phone": "", "company": "(empty)"}
    assert map_fields(record) == {"name": "Zoë Becker", "email": "zoe@novagen.example",
                                  "topic_hint": "Patient engagement", "message": "Hello",
                                  "page_url": "https://www.example-pharma-agency.com/blog/x/"}


def test_first_and_last_name_are_combined() -> None:
    assert map_fields({"Vorname": "Jürgen", "Nachname": "Müller", "E-Mail": "j@m.example"}) == {
        "name": "Jürgen Müller", "first_name": "Jürgen", "last_name": "Müller", "email": "j@m.example"}


@pytest.mark.parametrize(("fields", "first", "last"), [
    ({"Prénom": "Anaïs", "Nom": "Lefèvre"}, "Anaïs", "Lefèvre"),  # French: Nom is the family name here
    ({"Nome": "Giulia", "Cognome": "Rossi"}, "Giulia", "Rossi"),  # Italian: Nome is the given name here
    ({"Name": "Jane", "Surname": "Doe"}, "Jane", "Doe"),
])
def test_plain_name_next_to_a_first_or_last_name(fields: dict[str, str], first: str, last: str) -> None:
    mapped = map_fields(fields)
    assert (mapped["first_name"], mapped["last_name"], mapped["name"]) == (first, last, f"{first} {last}")


def test_topic_field_wins_over_subject() -> None:
    assert map_fields({"Subject": "Hello there", "Topic": "Market access"})["topic"] == "Market access"


def test_a_subject_only_hints_at_the_topic() -> None:
    # Only the store, which knows the team's topics, can tell "Market access" from "Hello there".
    assert map_fields({"Subject": "Market access"}) == {"topic_hint": "Market access"}


def test_long_or_multiline_subject_is_not_a_topic() -> None:
    assert map_fields({"Subject": "x" * 81}) == {}
    assert map_fields({"Subject": "line one\nline two"}) == {}


def test_date_and_time_make_submitted_at() -> None:
    mapped = map_fields({"Date": "November 23, 2026", "Time": "4:07 pm"})
    assert mapped["submitted_at"] == "November 23, 2026 4:07 pm"


def test_first_usable_field_of_a_role_wins_and_order_of_keys_is_canonical() -> None:
    mapped = map_fields({"Message": "", "Comments": "second", "Email": "a@b.example", "Name": "A"})
    assert mapped["message"] == "second"
    assert list(mapped) == [key for key in CANONICAL_KEYS if key in mapped]


@pytest.mark.parametrize(("label", "role"), [
    ("¿Qué servicio le interesa?", "topic"), ("Was interessiert Sie?", "topic"),
    ("Quale servizio le interessa?", "topic"), ("Em que serviço está interessado?", "topic"),
    ("URL de référence", "page_url"), ("URL de referencia", "page_url"),
    ("الاسم", "name"), ("البريد الإلكتروني", "email"), ("رقم الهاتف", "phone"), ("الشركة", "company"),
    ("الرسالة", "message"), ("שם מלא", "name"), ('דוא"ל', "email"), ("טלפון", "phone"), ("הודעה", "message"),
])
def test_more_labels(label: str, role: str) -> None:
    assert role_of(label, "someone@example.com" if role == "email" else "x") == role


def test_a_one_line_answer_yields_the_message_to_free_text_after_it() -> None:
    found = map_fields({"What can we help you with?": "Patient recruitment",
                        "Tell us about your project": "A phase III study.\nRecruitment is behind plan."})
    assert found["message"] == "A phase III study.\nRecruitment is behind plan."
    # A message that is more than a short answer keeps its place.
    found = map_fields({"Message": "Please call me about the launch plan next week.",
                        "Comments": "Also: we have a budget of 150k EUR for the whole year."})
    assert found["message"] == "Please call me about the launch plan next week."


@pytest.mark.parametrize(("value", "role"), [
    ("jane@rheinbio.example", "email"), ("+961 1 555 020", "phone"), ("030 1234 5678", "phone"),
    ("(02) 555 0101", "phone"), ("0171 5551234", "phone"), ("555-123-4567", "phone"),
    ("12345678901", None), ("2026-1120-0042", None), ("1234 5678", None),
    ("27.11.2026", None), ("2026-11-27", None), ("192.0.2.77", None), ("1500000", None),
    ("Jane <jane@rheinbio.example>", None), ("write to jane@rheinbio.example", None), ("Rhein Bio", None),
])
def test_value_role(value: str, role: str | None) -> None:
    assert value_role(value) == role


def test_an_unknown_label_with_an_address_or_a_number_is_read_by_its_value() -> None:
    found = map_fields({"Kontaktdaten": "jane@rheinbio.example", "Rückruf": "+49 30 1234 5678",
                        "Geburtsdatum": "01.02.1980"})
    assert found == {"email": "jane@rheinbio.example", "phone": "+49 30 1234 5678"}
    # A labelled field wins over a guess from a value.
    found = map_fields({"Kontaktdaten": "jane@rheinbio.example", "Email": "jane.roe@rheinbio.example"})
    assert found["email"] == "jane.roe@rheinbio.example"


@pytest.mark.parametrize("label", ["Wie können wir helfen?", "Comment pouvons-nous vous aider ?",
                                   "¿Cómo podemos ayudarle?", "Come possiamo aiutarti?",
                                   "Hoe kunnen we u helpen?"])
def test_how_can_we_help_in_other_languages_is_the_message(label: str) -> None:
    assert role_of(label) == "message"


def test_an_email_field_holding_more_than_its_address_gives_the_address() -> None:
    assert map_fields({"Email": "jane@roe.example (work)"})["email"] == "jane@roe.example"
    assert map_fields({"Email": "jane@roe.example\nSubmission details"})["email"] == "jane@roe.example"
    # Two addresses, or none: the value as typed, for the parser to judge.
    assert map_fields({"Email": "a@roe.example, b@roe.example"})["email"] == "a@roe.example, b@roe.example"
    assert map_fields({"Email": "jane at roe"})["email"] == "jane at roe"


def test_a_taught_message_label_keeps_its_short_answer() -> None:
    fields = {"Kurz": "Rückruf bitte", "Tell us about your project": "A phase III study.\nBehind plan."}
    assert map_fields(fields, {"kurz": "message"})["message"] == "Rückruf bitte"


def test_plural_topic_labels_are_topics() -> None:
    assert role_of("Which topics?") == "topic"
    assert role_of("Your interests") == "topic"


def test_free_text_under_an_unknown_label_is_the_message() -> None:
    found = map_fields({"What's your name?": "Tomás Ruiz", "Budget": "50k",
                        "Ihr Projekt in drei Sätzen": "Wir planen eine Kampagne.\nStart im Mai."})
    assert found["message"] == "Wir planen eine Kampagne.\nStart im Mai."
    # A short unknown answer is not a message, and a known message field wins over free text.
    assert "message" not in map_fields({"Name": "Jane", "Budget": "about 50k EUR"})
    assert map_fields({"Message": "Hi", "Notes for us": "Line one\nline two of a note"})["message"] == "Hi"
    # A postal address runs over lines too, but is no message.
    assert "message" not in map_fields({"Name": "Jane", "Postal address": "12 Main St\nLondon SW1"})


@pytest.mark.parametrize(("label", "role"), [
    ("firstName", "first_name"), ("pageUrl", "page_url"), ("emailAddress", "email"),
    ("phoneNumber", "phone"), ("companyName", "company"),
])
def test_camel_case_keys_are_read_word_by_word(label: str, role: str) -> None:
    assert role_of(label, "@") == role


def test_a_french_how_did_you_hear_of_us_is_no_comment() -> None:
    assert role_of("Comment avez-vous entendu parler de nous ?") == "meta"
    assert role_of("Comment pouvons-nous vous aider ?") == "message"


@pytest.mark.parametrize(("label", "role"), [
    # Merge tags and raw input names: Mailchimp's FNAME/LNAME, MetForm's unlabelled inputs.
    ("FNAME", "first_name"), ("LNAME", "last_name"), ("mf-listing-fname", "first_name"),
    ("mf-listing-lname", "last_name"), ("FIRSTNAME", "first_name"), ("LASTNAME", "last_name"),
    # Swedish, Norwegian and Finnish e-mail and page labels.
    ("E-post", "email"), ("E-postadress", "email"), ("Sähköposti", "email"), ("Sida", "page_url"),
    ("Sivu", "page_url"),
])
def test_merge_tags_input_names_and_nordic_labels(label: str, role: str) -> None:
    assert role_of(label, "x@example.com" if role == "email" else "x") == role


@pytest.mark.parametrize("label", ["Company Size", "Company type", "Size of company", "Number of employees",
                                   "Industry of the organisation", "Taille entreprise", "Mitarbeiterzahl"])
def test_facts_about_a_company_are_not_its_name(label: str) -> None:
    # RSForm!Pro's default form asks "Company Size: 51-100" beside no company field at all.
    assert role_of(label, "51-100") != "company"
    assert "company" not in map_fields({"Name": "Luca Bianchi", label: "51-100"})


def test_a_company_named_by_a_keyword_is_still_the_company() -> None:
    assert role_of("Name of your company", "Padova Bio") == "company"
    assert role_of("Company / organisation", "Padova Bio") == "company"


@pytest.mark.parametrize(("label", "role"), [
    ("Ad Soyad", "name"), ("E-posta", "email"), ("Mesaj", "message"), ("Şirket", "company"),
    ("Nume", "name"), ("Prenume", "first_name"), ("Mesajul dumneavoastră", "message"),
    ("Număr de telefon", "phone"), ("Companie", "company"),
])
def test_turkish_and_romanian_labels(label: str, role: str | None) -> None:
    assert role_of(label, "x@example.com" if label == "E-posta" else "x") == role


@pytest.mark.parametrize("value", ["Ahmed Hassan (ahmed@cairo.example)", "Ahmed Hassan <ahmed@cairo.example>",
                                   "Ahmed Hassan [ahmed@cairo.example]"])
def test_a_requester_line_names_the_visitor(value: str) -> None:
    found = map_fields({"Requester": value, "Description": "Hello"})
    assert (found["name"], found["email"]) == ("Ahmed Hassan", "ahmed@cairo.example")


@pytest.mark.parametrize(("label", "role"), [
    ("Име", "name"), ("Имя", "name"), ("Имейл", "email"), ("Электронная почта", "email"),
    ("Телефон", "phone"), ("Компания", "company"), ("Съобщение", "message"), ("Сообщение", "message"),
    ("Повідомлення", "message"), ("Тема", "subject"), ("Project type", "topic"), ("Type de projet", "topic"),
])
def test_cyrillic_labels_and_project_types(label: str, role: str) -> None:
    assert role_of(label, "x@example.com" if role == "email" else "x") == role


def test_a_sender_line_without_brackets_names_the_visitor() -> None:
    found = map_fields({"Sender": "Beatriz Lima beatriz.lima@rio.example", "Phone": "+55 21 5555 0123"})
    assert (found["name"], found["email"]) == ("Beatriz Lima", "beatriz.lima@rio.example")
    # A sentence that ends in an address names nobody.
    assert "name" not in map_fields({"Sender": "please write to me at bea@rio.example or call",
                                     "Phone": "+55 21 5555 0123"})


def test_a_bracketed_part_that_is_a_label_names_the_field() -> None:
    # Contact Form by BestWebSoft: "Sent from (ip address)", "Sent from (referer)", "Using (user agent)".
    assert role_of("Sent from (referer)") == "page_url"
    assert role_of("Sent from (ip address)") == "meta"
    assert role_of("Using (user agent)") == "meta"
    assert is_known_label("Using (user agent)")
    # A marker in brackets says nothing of the field: the words before it do.
    assert role_of("Company (optional)") == "company"


def test_a_referral_link_is_the_page() -> None:
    # HappyForms' owner e-mail closes with "Referral" over the page's link.
    assert map_fields({"Referral": "https://www.example.com/contact/"})["page_url"] == (
        "https://www.example.com/contact/")


def test_a_consent_sentence_in_other_languages_is_no_field_to_map() -> None:
    for label in ("He leído y acepto la Política de privacidad", "J’accepte d’être recontacté(e)",
                  "Ik ga akkoord met het privacybeleid", "Acconsento al trattamento dei dati"):
        assert role_of(label) == "meta", label


def test_a_flag_before_a_phone_number_is_dropped() -> None:
    # Jetpack Forms writes the country's flag before the number.
    assert map_fields({"Téléphone": "\U0001F1EB\U0001F1F7 +33 4 78 55 01 23"})["phone"] == "+33 4 78 55 01 23"
    assert map_fields({"Phone": "☎️ 0161 555 0123"})["phone"] == "0161 555 0123"
    assert map_fields({"Phone": "mobile: 07700 900123"})["phone"] == "mobile: 07700 900123"
