"""The text helpers: storable text and one-line values."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse.text import (
    _BLANK_RUNS,
    _CONTROLS,
    _TRAILING_SPACE,
    _UNSTORABLE,
    _controls_in,
    _without_trailing_blanks,
    one_line,
    storable,
    tidy_block,
    unstorable_in,
)


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


# Characters around every edge of the byte check: the controls, the bytes next to them, DEL, the C1
# controls (which a database holds), surrogates (lone, paired and at the ends), a private-use
# character, characters of two, three and four UTF-8 bytes.
_EDGES = ("\x00\x08\t\n\x0b\r\x1f \x7e\x7f\x80\x9f\xa0\xff\u0100\u2028\ud7ff\ud800\udbff\udc00"
          "\udfff\ue000\uffff\U00010000\U0010ffff")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(_EDGES) | st.characters(), max_size=40))
def test_the_byte_checks_find_what_the_patterns_find(text: str) -> None:
    assert unstorable_in(text) == (_UNSTORABLE.search(text) is not None)
    assert _controls_in(text) == (_CONTROLS.search(text) is not None)


def test_the_byte_checks_on_each_edge_character() -> None:
    for char in _EDGES:
        for text in (char, f"a{char}", f"{char}b", f"Grüße {char} 日本"):
            assert unstorable_in(text) == (_UNSTORABLE.search(text) is not None), repr(text)
            assert _controls_in(text) == (_CONTROLS.search(text) is not None), repr(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=" \t\na\u00a0\r", max_size=40))
def test_trailing_blanks_go_as_the_pattern_takes_them(text: str) -> None:
    assert _without_trailing_blanks(text) == _TRAILING_SPACE.sub("\n", text)
    general = _BLANK_RUNS.sub("\n\n", _TRAILING_SPACE.sub("\n", storable(text))).strip()
    assert tidy_block(text) == general


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_one_line_on_ascii_is_the_general_join(text: str) -> None:
    # Printable ASCII is joined without storable(), which would leave it as it is.
    assert one_line(text) == " ".join(storable(text).split())
