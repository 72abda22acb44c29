"""Hostile and odd notifications: read safely, nothing lost, nothing run, every value plain text."""

from __future__ import annotations

from leaddesk.ingest.parse import parse_message
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


def test_a_forwarded_notification_is_the_lead_it_forwards() -> None:
    # The site's form mailed a colleague's own address and she forwarded it: the visitor inside is
    # the lead (parser 8; parser 7 filed it as "forwarded e-mail"). The colleague is never taken for
    # the visitor, her note is not the message, and the whole text is still there.
    draft = parse("hostile_forwarded")
    assert draft.is_submission, draft.not_submission_reason
    assert draft.visitor_name == "Dimitris Papadakis"
    assert draft.visitor_email == "d.papadakis@aegeanpharma.example"
    assert draft.body_text == ("Hello,\nwe need a speakers bureau for our diabetes launch in Greece and "
                               "Cyprus.")
    assert "petra" not in (draft.visitor_email or "")
    assert "FYI, this one came to my own address." in draft.full_text
    assert any("forwarded by Petra Vogel" in problem for problem in draft.problems)


def test_css_hidden_text_never_becomes_a_field() -> None:
    # A preheader, a honeypot block hidden by a class, hidden rows, zero-size and invisible text: none
    # of it is shown by a mail client, so none of it is read (nor counted as the visitor's links).
    draft = parse("hostile_hidden_text")
    assert draft.is_submission
    assert not draft.is_spam, draft.spam_reason
    assert list(draft.fields) == ["Name", "Email", "Company", "Message"]
    assert (draft.visitor_name, draft.visitor_email) == ("Ines Duarte", "ines.duarte@algarvemed.example")
    # A rule inside @media hides on small screens only: the desktop text is read.
    assert draft.visitor_company == "Algarve Med, Lda."
    assert draft.visitor_phone is None
    assert draft.topic is None
    assert draft.body_text == "Olá,\nprecisamos de apoio para um congresso.\nObrigada"
    assert draft.body_html is not None
    for hidden in ("Preview Bot", "attacker@evil.example", "Hidden Harry", "Hidden Corp", "backlinks", "SEO"):
        assert hidden not in draft.full_text
        assert hidden not in draft.body_html  # the sanitised view shows what a mail client shows
    assert "Algarve Med, Lda." in draft.body_html


def test_header_injection_through_the_name_gives_a_clear_result() -> None:
    # A PHP form wrote the visitor's name, CR LF and all, into From: extra Bcc and Content-Type headers.
    draft = parse("hostile_header_injection")
    assert draft.is_submission
    assert draft.visitor_name == "Eve Example"
    assert draft.visitor_email == "eve.example@inject.example"
    assert "multipart boundary never appears in the body" in draft.problems
    assert all("\n" not in (value or "")
               for value in (draft.visitor_name, draft.visitor_email, draft.subject))


def test_zero_width_characters_do_not_disguise_the_visitor() -> None:
    draft = parse("hostile_zero_width")
    assert draft.problems == ()
    assert draft.visitor_name == "Jane Roe"
    assert draft.visitor_email == "jane.roe@novagen.example"
    assert draft.visitor_company == "amrahP gninnaR"  # the override is gone; the letters are as typed
    assert list(draft.fields) == ["Name", "Email", "Company", "Message"]


def test_a_boundary_other_than_the_declared_one_is_found() -> None:
    draft = parse("hostile_bad_boundary")
    assert draft.problems[0].startswith("the multipart boundary named in the headers is not the one")
    assert list(draft.fields) == ["Name", "Email", "Message"]
    assert draft.body_text == "Hello, we need help with a patient campaign."


def test_data_urls_are_never_the_page_nor_a_link_in_the_view() -> None:
    draft = parse("hostile_data_url")
    assert draft.page_url == "https://www.example-pharma-agency.com/blog/focus-on-micro-influencers/"
    assert draft.body_html is not None
    assert 'href="data:' not in draft.body_html
    assert 'src="data:' not in draft.body_html


def _text_mail(body: bytes) -> bytes:
    return (b"From: Example Pharma Agency <wordpress@example-pharma-agency.com>\r\n"
            b"To: leads@example-pharma-agency.com\r\nSubject: Website enquiry\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body)


def test_a_one_megabyte_line_is_kept_whole() -> None:
    line = b"Hello " * 175_000  # over 1 MB without a line break
    draft = parse_message(_text_mail(b"Name: Jane Roe\r\nEmail: jane.roe@novagen.example\r\nMessage: "
                                     + line))
    assert draft.is_submission
    assert draft.visitor_email == "jane.roe@novagen.example"
    assert len(draft.body_text) == len(line.strip())


def test_absurd_sizes_give_a_clear_result() -> None:
    # Five thousand fields, a 10,000-character label and a 300-character name.
    fields = b"".join(b"Field %d: value %d\r\n" % (n, n) for n in range(5000))
    data = _text_mail(b"Name: " + b"N" * 300 + b"\r\nEmail: jane.roe@novagen.example\r\n" + fields
                      + b"Message: Hello\r\n" + b"L" * 10_000 + b": x\r\n")
    draft = parse_message(data)
    assert draft.is_submission
    assert draft.visitor_name is not None
    assert len(draft.visitor_name) == 255
    assert "visitor name longer than 255 characters; cut" in draft.problems
    assert len(draft.fields) == 5003
    assert draft.body_text.startswith("Hello\nLLLL")  # a "label" that long is the message's text


def test_a_deeply_nested_multipart_gives_a_clear_result() -> None:
    depth = 1200
    head = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (n, n)
                    for n in range(1, depth))
    tail = b"".join(b"\r\n--b%d--\r\n" % n for n in range(depth - 1, 0, -1))
    data = (b"From: Example Pharma Agency <wordpress@example-pharma-agency.com>\r\n"
            b"To: leads@example-pharma-agency.com\r\nSubject: Website enquiry\r\nMIME-Version: 1.0\r\n"
            + head + b"Content-Type: text/plain\r\n\r\nName: Jane Roe\r\nEmail: jane.roe@novagen.example\r\n"
            b"Message: Hello" + tail)
    draft = parse_message(data)
    # The structure cannot be read; what can be is kept and said.
    assert draft.problems[:1] == ("the MIME structure is too deeply nested to read",)
    assert draft.subject == "Website enquiry"
    assert "Name: Jane Roe" in draft.full_text
