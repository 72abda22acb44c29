"""Who the visitor is: fields first, then Reply-To, then the From display name, never the site."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import normalise_email, normalise_url, parse_message
from leaddesk.ingest.parse.visitor import display_person
from tests.ingest.parse.eml import parse, raw


def test_fields_come_first() -> None:
    # CF7 sets Reply-To to the same address; the field's (mixed-case) value is the one normalised.
    draft = parse("cf7_current")
    assert draft.visitor_email == "zoe.becker@novagen-therapeutics.example"


def test_fields_win_over_a_different_reply_to() -> None:
    data = raw("generic").replace(b"To: leads@",
                                  b"Reply-To: Someone Else <else@other.example>\r\nTo: leads@", 1)
    draft = parse_message(data)
    assert draft.visitor_email == "marco.bianchi@azienda-salus.example"
    assert draft.visitor_name == "Marco Bianchi"


def test_reply_to_when_the_form_has_no_email_field() -> None:
    draft = parse("visitor_reply_to")
    assert draft.visitor_email == "ingrid.strom@haugen-pharma.example"
    assert draft.visitor_name == "Ingrid Strøm"


def test_from_display_name_when_nothing_else_names_the_visitor() -> None:
    # CF7 4.x sends as "[your-name] <wordpress@site>": the display name is the visitor.
    draft = parse("visitor_from_name")
    assert draft.visitor_name == "Rui Gonçalves"
    assert draft.visitor_email is None


def test_reply_to_equal_to_from_and_site_title_are_not_the_visitor() -> None:
    draft = parse("visitor_site_sender")
    assert draft.visitor_email is None
    assert draft.visitor_name is None
    assert draft.is_submission


def test_known_site_addresses_are_never_the_visitor() -> None:
    without = parse("visitor_known_site_address")
    assert without.visitor_email == "team@example-pharma-agency.com"
    draft = parse("visitor_known_site_address", site_addresses={"Team@Example-Pharma-Agency.com"})
    assert draft.visitor_email is None
    # "Forms <forms@...>" names the mailbox, not a person.
    assert draft.visitor_name is None


def test_the_site_sender_is_never_the_visitor_even_in_a_field() -> None:
    data = raw("generic").replace(b"marco.bianchi@azienda-salus.example",
                                  b"website@example-pharma-agency.com")
    draft = parse_message(data)
    assert draft.visitor_email is None
    assert "the form's e-mail address website@example-pharma-agency.com is the site's own; not used" \
        in draft.problems


@pytest.mark.parametrize("mailbox", [b"no-reply", b"notify", b"submissions", b"mailer", b"alerts"])
def test_automated_reply_to_is_not_the_visitor(mailbox: bytes) -> None:
    data = raw("visitor_reply_to").replace(b"Ingrid.Strom@Haugen-Pharma.example",
                                           mailbox + b"@haugen-pharma.example")
    draft = parse_message(data)
    assert draft.visitor_email is None


def test_invalid_email_is_kept_as_typed_and_flagged() -> None:
    draft = parse("invalid_email")
    assert draft.visitor_email == "jane.doe@@novagen"
    assert draft.problems == ("invalid email address 'jane.doe@@novagen' (kept as typed)",)
    assert draft.visitor_phone == "+44 20 7946 0958"
    assert draft.is_submission


@pytest.mark.parametrize(("typed", "expected"), [
    ("Jane.Doe@Example-Pharma.com", ("jane.doe@example-pharma.com", True)),
    ("  <jane@novagen.example>  ", ("jane@novagen.example", True)),
    ("mailto:jane@novagen.example", ("jane@novagen.example", True)),
    ("jürgen@müller.example", ("jürgen@müller.example", True)),
    ("jane.doe@@novagen", ("jane.doe@@novagen", False)),
    ("jane..doe@novagen.example", ("jane..doe@novagen.example", False)),
    ("jane@localhost", ("jane@localhost", False)),
    ("", ("", False)),
    ("not an address", ("not an address", False)),
    # Zero-width characters pasted into an address break it without being seen.
    ("jane.r\u200boe@nova\u200dgen.example\ufeff", ("jane.roe@novagen.example", True)),
])
def test_normalise_email(typed: str, expected: tuple[str, bool]) -> None:
    assert normalise_email(typed) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("https://www.example-pharma-agency.com/blog/imi-public-private-partnerships/?utm_source=linkedin"
     "&utm_medium=social&utm_campaign=x&gclid=abc&fbclid=def&msclkid=1&_hsenc=p2&mc_cid=9#comments",
     "https://www.example-pharma-agency.com/blog/imi-public-private-partnerships/"),
    ("https://www.example-pharma-agency.com/blog/?p=42&utm_source=x&lang=de",
     "https://www.example-pharma-agency.com/blog/?p=42&lang=de"),
    ("www.example-pharma-agency.com/blog/focus-on-micro-influencers/",
     "https://www.example-pharma-agency.com/blog/focus-on-micro-influencers/"),
    ("example-pharma-agency.com", "https://example-pharma-agency.com/"),
    ("//www.example-pharma-agency.com/a", "https://www.example-pharma-agency.com/a"),
    ("HTTP://WWW.Example-Pharma-Agency.com:80/Blog/Post", "http://www.example-pharma-agency.com/Blog/Post"),
    ("https://www.example-pharma-agency.com:8443/x", "https://www.example-pharma-agency.com:8443/x"),
    # the query is kept as written, not re-encoded
    ("https://example.com/search?q=a%20b&x=%2F", "https://example.com/search?q=a%20b&x=%2F"),
    ("https://user:secret@example.com/a", "https://example.com/a"),
    ("javascript:alert(1)", None),
    ("mailto:jane@example.com", None),
    ("ftp://files.example.com/a", None),
    ("New White Paper on Patient Engagement", None),
    ("", None),
    ("https://", None),
])
def test_normalise_url(value: str, expected: str | None) -> None:
    assert normalise_url(value) == expected


def _via(sender: str, body: bytes = b"Email: anna.weber@rheinbio.example\r\nCompany: Rhein Bio\r\n"
         b"Message: We need a speakers bureau.\r\n") -> bytes:
    return (f"From: {sender}\r\nTo: leads@example-pharma-agency.com\r\nSubject: New response: Contact\r\n"
            "Date: Wed, 25 Nov 2026 08:00:00 +0000\r\nMessage-ID: <v1@forms.example>\r\n\r\n").encode() + body


def test_a_sender_in_the_visitors_name_via_a_service_names_the_visitor() -> None:
    draft = parse_message(_via("Anna Weber via Example Forms <noreply@forms.example>"))
    assert draft.visitor_name == "Anna Weber"
    assert draft.visitor_email == "anna.weber@rheinbio.example"
    # The service's own name, with or without "via", is never a visitor's.
    assert parse_message(_via("Example Forms <noreply@forms.example>")).visitor_name is None
    assert parse_message(_via("Example Forms via Mailer <noreply@forms.example>")).visitor_name is None


def test_display_person() -> None:
    assert display_person("Anna Weber via Jotform") == "Anna Weber"
    assert display_person('"Anna Weber" über Formulare') == "Anna Weber"
    assert display_person("Anna Weber") == "Anna Weber"
    assert display_person("'Anna Weber' via Leads") == "Anna Weber"  # a Google Group
    assert display_person("Anna Weber (via Example Forms)") == "Anna Weber"


def test_a_service_sending_in_the_sites_name_gives_no_visitor_name() -> None:
    # Web3Forms and the like send as "<site name> <notify@service>": the name spells the site's host.
    draft = parse_message(_via("Example Pharma Agency <notify@web3forms.com>"))
    assert draft.visitor_name is None
    assert draft.visitor_email == "anna.weber@rheinbio.example"
    assert parse_message(_via("Anna Weber <notify@web3forms.com>")).visitor_name == "Anna Weber"


def test_a_reply_to_naming_a_recipient_is_never_the_visitor() -> None:
    # Spectra sets Reply-To to the recipient under the site's name; without an e-mail field the
    # visitor stays unknown rather than becoming the site's own mailbox.
    data = (b"From: WordPress <wordpress@example-pharma-agency.com>\r\n"
            b"To: leads@example-pharma-agency.com\r\n"
            b"Reply-To: Example Pharma Agency <leads@example-pharma-agency.com>\r\n"
            b"Subject: Form Submission\r\n"
            b"Content-Type: text/html; charset=UTF-8\r\n\r\n"
            b"<p><strong>Name</strong> - Lars Eriksen</p><p><strong>Message</strong> - Hello there</p>")
    draft = parse_message(data)
    assert draft.visitor_name == "Lars Eriksen"
    assert draft.visitor_email is None
    assert draft.is_submission


def _mail(sender: str, body: str, reply_to: str | None = None, subject: str = "Contact") -> bytes:
    head = f"From: {sender}\r\nTo: leads@example-pharma-agency.com\r\nSubject: {subject}\r\n"
    if reply_to:
        head += f"Reply-To: {reply_to}\r\n"
    return (head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body).encode()


def test_from_carrying_the_typed_name_is_the_visitors_address() -> None:
    # Odoo's website form mails in the visitor's name from the visitor's address; no e-mail field.
    body = ("Hello, we need a campaign.\n\nOther Information:\nYour Name : Ana Silva\n"
            "Phone Number : +351 21 555\n")
    draft = parse_message(_mail('"Ana Silva" <ana.silva@tejo.example>', body))
    assert (draft.visitor_name, draft.visitor_email) == ("Ana Silva", "ana.silva@tejo.example")
    # Said on the lead: a site mailing through its owner's mailbox under the visitor's name looks alike.
    assert any("is the sender's (From)" in problem for problem in draft.problems)
    # The site's own sender with a typed name is not the visitor's address.
    site = parse_message(_mail("Example Pharma Agency <wordpress@example-pharma-agency.com>", body))
    assert (site.visitor_name, site.visitor_email) == ("Ana Silva", None)
    # Nor is a From whose name differs from the typed one.
    other = parse_message(_mail('"Dana Fischer" <dana@example-pharma-agency.com>', body))
    assert other.visitor_email is None


def test_a_tagged_reply_address_of_the_senders_mailbox_is_never_the_visitor() -> None:
    # A help desk replies into the ticket: "support+id123@" is its own mailbox, not the requester.
    body = "Name: Kofi Mensah\nPhone: +233 30 555 0101\nMessage: Hello,\nwe need help.\n"
    draft = parse_message(_mail("Example Pharma <support@examplepharma.desk.example>", body,
                                reply_to="Example Pharma <support+id123@examplepharma.desk.example>"))
    assert draft.visitor_email is None
    assert draft.visitor_name == "Kofi Mensah"
    # A visitor's own tagged address (not the From mailbox's) is theirs.
    visitor = parse_message(_mail("Example Pharma <support@examplepharma.desk.example>", body,
                                  reply_to="Kofi Mensah <kofi+leads@ghanabio.example>"))
    assert visitor.visitor_email == "kofi+leads@ghanabio.example"


def test_a_senders_name_spelled_by_its_subdomain_is_the_sites() -> None:
    body = "Phone: +233 30 555 0101\nMessage: Hello,\nwe need help.\n"
    draft = parse_message(_mail("Example Pharma <support@examplepharma.desk.example>", body))
    assert draft.visitor_name is None


def test_the_site_sending_in_the_visitors_name_does_not_give_its_address() -> None:
    # CF7 4.x: "[your-name] <wordpress@site>"; here a form with no e-mail field and the site's info@.
    body = "Your Name : Ana Silva\nPhone Number : +351 21 555 0100\nMessage : Hello,\nwe need a campaign.\n"
    draft = parse_message(_mail('"Ana Silva" <info@example-pharma-agency.com>', body))
    assert (draft.visitor_name, draft.visitor_email) == ("Ana Silva", None)

