"""Labels taught per form: which form a message belongs to, which rule wins, what is refused."""

from __future__ import annotations

import pytest

from leaddesk.errors import ValidationError
from leaddesk.ingest import labels
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.parse.synonyms import label_key
from tests.support.correction_mail import SENDER, lead

AREA = label_key("Area of work")


def test_the_form_is_the_notifications_sender() -> None:
    assert labels.sender_of(lead()) == SENDER
    folded = b"From: \"Web site\"\r\n <Forms@Example.ORG>\r\nSubject: x\r\n\r\nFrom: a@b.c\r\n"
    assert labels.sender_of(folded) == "forms@example.org"
    assert labels.sender_of(b"Subject: none\n\nFrom: body@example.org\n") == ""


def test_the_most_specific_rule_wins() -> None:
    book = labels.LabelBook({"": {AREA: "company"}, "www.example-pharma.com": {AREA: "name"},
                             SENDER: {AREA: "topic"}})
    draft = parse_message(lead())
    assert book.for_message(lead(), draft) == {AREA: "topic"}
    other_sender = lead(sender="forms@other.example")
    assert book.for_message(other_sender, parse_message(other_sender)) == {AREA: "name"}
    assert labels.LabelBook({"": {AREA: "company"}}).for_message(other_sender) == {
        AREA: "company"}


def test_parse_reads_with_the_taught_labels_and_without_them_as_before() -> None:
    book = labels.LabelBook({SENDER: {AREA: "topic"}})
    assert labels.parse(lead(), book=book).topic == "Oncology"
    assert labels.parse(lead(), book=labels.LabelBook()).topic is None


def test_a_taught_label_beats_a_built_in_synonym_for_the_same_field() -> None:
    raw = lead().replace(b"Area of work: Oncology", b"Subject: Hello\nArea of work: Oncology")
    book = labels.LabelBook({SENDER: {AREA: "name"}})
    assert labels.parse(raw, book=book).visitor_name == "Oncology"


@pytest.mark.parametrize(("typed", "canonical"), [("page", "page_url"), ("Topic", "topic"),
                                              ("first name", "first_name"), ("e-mail", "email")])
def test_fields_people_type(typed: str, canonical: str) -> None:
    assert labels.clean_field(typed) == canonical


def test_bad_fields_forms_and_labels_are_refused() -> None:
    with pytest.raises(ValidationError, match="unknown field"):
        labels.clean_field("post_title")
    with pytest.raises(ValidationError, match="not a form"):
        labels.clean_form("two words")
    assert labels.clean_form("https://www.Example.com/contact") == "www.example.com"
    with pytest.raises(ValidationError, match="no letters"):
        labels._key("***")
