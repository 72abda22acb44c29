"""The text helpers: storable text and one-line values."""

from __future__ import annotations

from leaddesk.ingest.parse.text import one_line, tidy_block


def test_one_line_values_drop_bidirectional_controls() -> None:
    # An override would make a list show "moc.elpmaxe@enaj" reversed into something else.
    assert one_line("\u202ejane@example.com\u202c") == "jane@example.com"
    assert one_line("\u200fليلى حداد\u200e") == "ليلى حداد"
    assert one_line("Anna\u2066 Weber\u2069") == "Anna Weber"


def test_a_message_keeps_its_right_to_left_marks() -> None:
    assert tidy_block("مرحباً\u200f\nشكراً") == "مرحباً\u200f\nشكراً"


def test_one_line_values_drop_zero_width_characters_but_not_a_scripts_joiners() -> None:
    assert one_line("J\u200bane\u2060 R\u200coe\ufeff") == "Jane Roe"
    # Persian spells with the zero-width non-joiner; an emoji sequence with the joiner.
    assert one_line("فرهاد\u200cی") == "فرهاد\u200cی"
    assert one_line("\U0001f469\u200d\U0001f4bb Ana") == "\U0001f469\u200d\U0001f4bb Ana"
