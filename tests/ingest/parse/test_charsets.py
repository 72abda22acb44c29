"""Bodies and headers in any charset and transfer encoding, labelled right, wrong or not at all."""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse import charsets, headers
from tests.ingest.parse.eml import parse


@pytest.mark.parametrize(("name", "expected_name", "expected_text"), [
    ("charset_latin1", "Jürgen Groß", "Grüße aus München! Wir hätten gern ein Angebot für Ärzte-Schulungen"),
    ("charset_cp1252_as_utf8", "Renée Dubois", "We budgeted €25,000 for the “patient voice” programme – is"),
    ("charset_unknown_label", "Søren Jørgensen", "micro-influencers in Denmark – kind regards, Søren"),
    ("charset_missing", "José Núñez", "Buenos días, ¿podemos hablar de educación médica?"),
    ("charset_missing_latin1", "José Núñez", "Buenos días, ¿podemos hablar de educación médica?"),
    ("charset_qp", "Åsa Lindqvist", "has to use soft line breaks = like this one here."),
    ("charset_base64", "Łukasz Dvořák", "Buenos días"),
])
def test_body_is_decoded(name: str, expected_name: str, expected_text: str) -> None:
    draft = parse(name)
    assert draft.visitor_name == expected_name
    assert expected_text in draft.body_text
    assert "\ufffd" not in draft.full_text


def test_latin1_label_is_read_as_latin1_without_a_problem() -> None:
    draft = parse("charset_latin1")
    assert draft.visitor_company == "Société Médicale Grüne Wiese"
    assert draft.problems == ()


def test_wrong_and_unknown_labels_are_reported() -> None:
    assert parse("charset_cp1252_as_utf8").problems == ("text is not valid UTF-8; read as cp1252",)
    assert parse("charset_unknown_label").problems == ("unknown charset 'x-unknown'; text read as utf-8",)
    # Unlabelled UTF-8 is the common, harmless case; unlabelled Latin-1 is worth a note.
    assert parse("charset_missing").problems == ()
    assert parse("charset_missing_latin1").problems == ("no charset declared; text read as cp1252",)


def test_qp_soft_line_breaks_are_joined() -> None:
    message = parse("charset_qp").body_text
    assert message.startswith("Hej! This line is deliberately long so that quoted-printable has to use")
    assert "\n" not in message


def test_rfc2047_subject_and_names() -> None:
    draft = parse("rfc2047_names")
    # Three encoded words, Q and B, split over a folded line: the blanks between them are not text.
    assert draft.subject == "Anfrage zu „Patient Engagement“ – Jürgen"
    # An ISO-8859-1 encoded name with a comma in it, from Reply-To.
    assert draft.visitor_name == "Müller, Jürgen"
    assert draft.visitor_email == "juergen.mueller@rhenagen.example"


@pytest.mark.parametrize(("data", "declared", "text", "note"), [
    ("Grüße".encode(), "utf-8", "Grüße", None),
    ("Grüße".encode("latin-1"), "utf-8", "Grüße", "text is not valid utf-8; read as cp1252"),
    (b"\x93quoted\x94 \x80", "iso-8859-1", "“quoted” €", None),
    ("Grüße".encode(), "x-unknown", "Grüße", "unknown charset 'x-unknown'; text read as utf-8"),
    ("Grüße".encode(), "no-such-charset", "Grüße", "unknown charset 'no-such-charset'; text read as utf-8"),
    (b"plain ascii", None, "plain ascii", None),
    (b"\x81\x8d", None, "\x81\x8d", "no charset declared; text read as latin-1"),
    ("Grüße".encode("utf-16"), "utf-16", "Grüße", None),
])
def test_decode_falls_back_but_never_fails(data: bytes, declared: str | None, text: str,
                                           note: str | None) -> None:
    assert charsets.decode(data, declared) == (text, note)


@pytest.mark.parametrize(("value", "expected"), [
    ("=?utf-8?q?J=C3=BCrgen?= =?utf-8?q?_M=C3=BCller?=", "Jürgen Müller"),
    ("=?ISO-8859-1?B?U/hyZW4=?= Jørgensen", "Søren Jørgensen"),
    ("Re: =?utf-8?b?w4RyenRldGVhbQ==?=", "Re: Ärzteteam"),
    ("=?utf-8*de?q?Gr=C3=BC=C3=9Fe?=", "Grüße"),
    ("=?x-broken?q?Caf=E9?=", "Café"),
    ("=?utf-8?b?!!!not base64?=", "=?utf-8?b?!!!not base64?="),
    ("no encoded words = ? here", "no encoded words = ? here"),
])
def test_encoded_words(value: str, expected: str) -> None:
    assert headers.decode_words(value) == expected


def test_raw_8bit_headers_are_decoded() -> None:
    # compat32 hands out undeclared 8-bit header bytes as surrogate escapes.
    raw = "Grüße aus Köln".encode().decode("ascii", "surrogateescape")
    assert headers.text_value(raw) == "Grüße aus Köln"


def test_addresses_are_split_before_names_are_decoded() -> None:
    assert headers.addresses('"=?utf-8?q?Doe=2C_Jane?=" <jane@x.example>, b@y.example') == [
        ("Doe, Jane", "jane@x.example"), ("", "b@y.example")]
