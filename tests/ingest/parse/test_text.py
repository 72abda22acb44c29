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
