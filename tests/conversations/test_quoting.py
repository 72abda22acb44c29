"""Folding the quoted history of a reply."""

from __future__ import annotations

from leaddesk.conversations.quoting import fold


def test_an_attribution_line_starts_the_quote() -> None:
    folded = fold("Yes please.\n\nOn Tue, 3 Mar 2026, Ada wrote:\n> Thanks!\n> Ada\n")
    assert folded.fresh == "Yes please."
    assert folded.quoted.startswith("On Tue, 3 Mar 2026, Ada wrote:")
    assert folded.has_quote


def test_outlook_and_german_clients() -> None:
    assert fold("Ja.\r\n\r\nAm 3. März 2026 schrieb Ada <a@b.c>:\r\n> Danke").fresh == "Ja."
    outlook = fold("Sure.\n\n-----Original Message-----\nFrom: Ada\nSent: Tuesday\n")
    assert outlook.fresh == "Sure."


def test_a_trailing_block_of_quoted_lines() -> None:
    folded = fold("Fine by me.\n\n> earlier text\n>\n> more\n\n")
    assert (folded.fresh, folded.quoted) == ("Fine by me.", "> earlier text\n>\n> more")


def test_nothing_new_means_nothing_folded() -> None:
    # A message that is only a quote (or quotes inline) is shown whole: never an empty entry.
    assert fold("> only a quote\n> here").fresh == "> only a quote\n> here"
    assert fold("Plain text, no quote.").quoted == ""


def test_a_wrapped_gmail_attribution_is_one_attribution() -> None:
    # Gmail wraps a long attribution line; the address must not stay in what the visitor wrote.
    text = ("Thursday works.\n\nOn Mon, 2 Mar 2026 at 10:00, Ada Lovelace-Byron <\n"
            "ada.lovelace@analytical-engines.example> wrote:\n> Can we talk this week?\n")
    folded = fold(text)
    assert folded.fresh == "Thursday works."
    assert folded.quoted.startswith("On Mon, 2 Mar 2026 at 10:00")


def test_a_blank_line_ends_an_attribution() -> None:
    # A paragraph that starts with "On" and a later one that ends in "wrote:" are not one line.
    text = "On Monday we met.\n\nAnd then she wrote:\nsomething new"
    assert fold(text).quoted == ""


def test_clients_in_more_languages() -> None:
    cases = {
        "Den 3 mars 2026 kl. 10:00 skrev Ada <a@b.c>:": "Tack.",
        "W dniu 3.03.2026 o 10:00 Ada <a@b.c> napisał(a):": "Dziękuję.",
        "3 марта 2026 г., в 10:00, Ада <a@b.c> написал(а):": "Спасибо.",
        "Ada <a@b.c> kirjoitti 3.3.2026 klo 10.00:": "Kiitos.",
        "________________________________\nVon: Ada <a@b.c>\nGesendet: Dienstag": "Danke.",
        "De : Ada <a@b.c>\nEnvoyé : mardi 3 mars 2026 10:00": "Merci.",
        "---------- Forwarded message ---------\nFrom: Ada <a@b.c>": "FYI.",
    }
    for attribution, fresh in cases.items():
        folded = fold(f"{fresh}\n\n{attribution}\n> earlier\n")
        assert folded.fresh == fresh, attribution
        assert folded.quoted.startswith(attribution.split("\n")[0]), attribution
