"""Each spam threshold on both sides of its boundary, through the named constants.

The rules stay conservative (a lead wrongly hidden costs more than a spam shown), so a threshold
moved by one in either direction must fail a test here. Thresholds are read from their constants,
not written out, so these tests follow a deliberate change of a threshold and catch an accidental
one (an off-by-one, ``>`` for ``>=``, a lost condition).
"""

from __future__ import annotations

import pytest

from leaddesk.ingest.parse.classify import (
    FOREIGN_SCRIPT_MIN_LETTERS,
    FOREIGN_SCRIPT_SHARE,
    MANY_LINKS,
    spam_reason,
)

FORM = {"Name": "Jane Doe", "Message": "see below"}  # Latin-script labels
SCRIPTS = {"Cyrillic": "д", "CJK": "中"}


def links(n: int) -> str:
    return "Papers we discussed: " + " ".join(f"https://journal{i}.example/article" for i in range(n))


def latin_at_share_boundary(foreign: int) -> int:
    """The most Latin letters next to ``foreign`` ones that still reach FOREIGN_SCRIPT_SHARE."""
    latin = 0
    while foreign >= FOREIGN_SCRIPT_SHARE * (foreign + latin + 1):
        latin += 1
    return latin


def test_links_below_the_threshold_are_a_lead() -> None:
    assert spam_reason(FORM, "Jane Doe", links(MANY_LINKS - 1)) is None


def test_links_at_the_threshold_are_spam() -> None:
    assert spam_reason(FORM, "Jane Doe", links(MANY_LINKS)) == f"{MANY_LINKS} links in the message"


def test_bbcode_links_count_like_urls() -> None:
    bbcode = " ".join(["[url=a]x[/url]"] * (MANY_LINKS - 1))
    assert spam_reason(FORM, "Jane", bbcode) is None
    assert spam_reason(FORM, "Jane", bbcode + " [URL=b]y[/url]") == f"{MANY_LINKS} links in the message"


def test_without_a_message_the_fields_are_counted() -> None:
    fields = {"Website": links(MANY_LINKS)}
    assert spam_reason(fields, "Jane", None) == f"{MANY_LINKS} links in the message"
    # A form's URL fields hold one link each by design: with a message, only the message counts.
    assert spam_reason(fields, "Jane", "Hello, please call me.") is None


# A link of the visitor's: with it, a message in another script is spam; its letters are Latin.
LINK = " https://x.example/"
LINK_LETTERS = sum(c.isascii() and c.isalpha() for c in LINK)


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_too_few_foreign_letters_to_judge(script: str) -> None:
    text = SCRIPTS[script] * (FOREIGN_SCRIPT_MIN_LETTERS - 1) + LINK
    assert spam_reason(FORM, "Jane", text) is None


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_enough_foreign_letters_with_a_link_are_spam(script: str) -> None:
    text = SCRIPTS[script] * (4 * FOREIGN_SCRIPT_MIN_LETTERS) + LINK
    assert spam_reason(FORM, "Jane", text) == (
        f"message in {script} script on a Latin-script form, with a link")


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_another_script_without_a_link_is_a_lead(script: str) -> None:
    # The guard between a whole enquiry in the visitor's own language and the spam folder.
    text = SCRIPTS[script] * (10 * FOREIGN_SCRIPT_MIN_LETTERS)
    assert spam_reason(FORM, "Jane", text) is None


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_the_foreign_share_boundary(script: str) -> None:
    foreign = 4 * FOREIGN_SCRIPT_MIN_LETTERS
    latin = latin_at_share_boundary(foreign)
    assert latin > LINK_LETTERS
    at = SCRIPTS[script] * foreign + LINK + " " + "a" * (latin - LINK_LETTERS)
    assert spam_reason(FORM, "Jane", at) == (
        f"message in {script} script on a Latin-script form, with a link")
    below = at + "a"
    assert spam_reason(FORM, "Jane", below) is None


def test_a_bilingual_lead_is_not_spam() -> None:
    # A Russian greeting and signature around an English request: most letters are Latin.
    message = ("Здравствуйте! We are launching a vaccine campaign in Kazakhstan and would like "
               "to discuss KOL engagement with your team next week. С уважением, Анна")
    assert spam_reason(FORM, "Анна Иванова", message) is None


def test_a_form_with_foreign_labels_expects_that_script() -> None:
    text = SCRIPTS["Cyrillic"] * (4 * FOREIGN_SCRIPT_MIN_LETTERS) + LINK
    assert spam_reason({"Имя": "Анна", "Message": "x"}, "Анна", text) is None
    # A blank label says nothing about the form's script.
    assert spam_reason({"  ": "", "Message": "x"}, "Анна", text) is not None


@pytest.mark.parametrize(("value", "spam"), [("", False), ("   ", False), ("x", True)])
def test_a_honeypot_is_spam_only_when_filled(value: str, spam: bool) -> None:
    reason = spam_reason({"Leave this field empty": value, "Message": "Hello"}, "Jane", "Hello")
    assert (reason == "honeypot field 'Leave this field empty' filled in") is spam
    assert (reason is not None) is spam


@pytest.mark.parametrize(("name", "message", "spam"), [
    ("www.pills.example", "", True),
    ("https://pills.example", "  \n", True),
    ("www.pills.example", None, True),
    ("www.pills.example", "A question about your post.", False),
    ("Jane Doe", "", False),
    (None, "", False),
])
def test_an_empty_message_from_a_url_name(name: str | None, message: str | None, spam: bool) -> None:
    reason = spam_reason({}, name, message)
    assert (reason == "empty message, and the name is a URL") is spam
    assert (reason is not None) is spam


def test_a_phrase_at_the_end_of_a_field_counts() -> None:
    assert spam_reason({"Company": "Cheap backlinks", "Message": "x"}, "Jane", "Hello") == (
        "spam phrase 'backlinks'")


def test_without_a_message_links_in_every_field_count() -> None:
    fields = {"Name": "Jane"} | {f"Link {n}": f"www.site{n}.example" for n in range(MANY_LINKS)}
    assert spam_reason(fields, "Jane", None) == f"{MANY_LINKS} links in the message"
