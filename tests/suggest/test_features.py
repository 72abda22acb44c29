"""What the model reads of a lead: words, short form fields, the post and the e-mail domain."""

from __future__ import annotations

from leaddesk.suggest.features import LeadText, describe, features, page_key, words


def test_words_are_lower_cased_without_stop_words_each_once() -> None:
    assert words("Hello, we would like a KEYNOTE speaker. Keynote in 2026!") == [
        "keynote", "speaker"]


def test_features_of_a_lead() -> None:
    found = features(LeadText(
        subject="Invoice", message="The invoice amount is wrong",
        fields={"Budget": "5-20k", "Your Name": "Zoë Müller", "Message": "The invoice…",
                "Comments": "a long free text that goes on and on about many different things"},
        page_url="https://www.Example.org/pricing/?utm=x", email="Zoe@ACME.com"))
    assert found == ["w:invoice", "w:amount", "w:wrong", "f:budget=5-20k",
                     "p:example.org/pricing", "d:acme.com"]
    assert describe("p:example.org/pricing") == ("post", "example.org/pricing")


def test_missing_parts_give_no_features() -> None:
    assert features(LeadText()) == []
    assert page_key("") is None
