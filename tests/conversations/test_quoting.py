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
