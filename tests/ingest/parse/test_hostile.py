"""Hostile and odd notifications: read safely, nothing lost, nothing run, every value plain text."""

from __future__ import annotations

from tests.ingest.parse.eml import parse


def test_scripts_handlers_and_html_labels_stay_out_of_the_text() -> None:
    draft = parse("hostile_script_html")
    assert draft.is_submission
    assert not draft.is_spam
    # The label of the name row is bold markup with an event handler and an image: read as "Name".
    assert list(draft.fields) == ["Name", "E-Mail", "Company", "Message", "Page URL"]
    assert draft.visitor_name == "Hannah Schmidt"
    assert draft.visitor_email == "hannah.schmidt@elbepharma.example"
    for text in (draft.full_text, *draft.fields, *draft.fields.values()):
        assert "alert(" not in text
        assert "document.cookie" not in text
        assert "steal" not in text
    # What the visitor typed as markup is kept, as text.
    assert draft.visitor_company == "Elbe Pharma <GmbH> & Co. KG"
    assert "an offer for a <b>patient forum</b>." in draft.body_text
    assert draft.body_text.endswith("Thanks, Hannah")
    assert draft.page_url == "https://www.example-pharma-agency.com/contact/"
    assert draft.body_html is not None
    html = draft.body_html.lower()
    for dangerous in ("<script", "onerror", "onclick", "onmouseover", "onload", "javascript:", "<iframe",
                      "<form", "<input", "evil.example"):
        assert dangerous not in html, dangerous


def test_a_20000_character_value_is_kept_whole() -> None:
    draft = parse("hostile_long_value")
    assert draft.is_submission
    assert not draft.is_spam
    assert draft.problems == ()
    assert len(draft.body_text) == 20000
    assert draft.fields["Message"] == draft.body_text
    assert draft.body_text.startswith("0001 We attach")
    assert draft.body_text.endswith("0179 We attach the full list of our product portfolio and the la")
    assert draft.visitor_email == "oskar.nilsson@gotamed.example"


def test_a_right_to_left_form_is_a_submission_with_its_visitor() -> None:
    draft = parse("hostile_rtl")
    assert draft.is_submission, draft.not_submission_reason
    assert not draft.is_spam, draft.spam_reason
    assert draft.visitor_name == "ليلى حداد"  # the right-to-left mark typed before it is not kept
    assert draft.visitor_email == "layla.haddad@levantmed.example"
    assert draft.visitor_phone == "+961 1 555 020"
    assert draft.visitor_company == "ليفانت ميد"
    assert draft.body_text.startswith("مرحباً،\nنود تنظيم برنامج")
    assert draft.body_text.endswith("شكراً، ليلى")
    assert draft.subject == "رسالة جديدة"


def test_an_address_typed_as_the_name_is_not_a_name() -> None:
    draft = parse("hostile_email_as_name")
    assert draft.is_submission
    assert draft.visitor_name is None
    assert draft.visitor_email == "marek.dvorak@vltavabio.example"
    assert draft.fields["Name"] == "marek@vltavabio.example"  # nothing lost
    assert draft.body_text == ("Dear team,\ncould you call me about market access in Czechia and "
                               "Slovakia?\nMarek")


def test_a_forwarded_notification_is_kept_but_is_not_a_new_lead() -> None:
    draft = parse("hostile_forwarded")
    assert not draft.is_submission
    assert draft.not_submission_reason == "forwarded e-mail"
    # The colleague who forwarded it is never taken for a visitor, and the text is all there.
    assert draft.visitor_name is None
    assert draft.visitor_email is None
    assert "d.papadakis@aegeanpharma.example" in draft.full_text
    assert "diabetes launch in Greece and Cyprus" in draft.full_text
