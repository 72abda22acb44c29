"""The structural reader's one-character looks before its line patterns: a line they pass over is one
the pattern would not have matched."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse.fieldlines import (
    _BARE_STARTS,
    _CACHED_LABEL,
    _DASHED_LINE,
    _EMPHASIS,
    _MARKER,
    _MARKER_STARTS,
    _bare_label,
    _label_like,
    _strip_marker,
    looks_like_label,
)

# What opens a line around the edges of the looks: blanks, markers, digits of other scripts, emphasis.
_OPENINGS = [" ", "\t", "-", "--- ", "*", "**", "_", "__", "•", "·", "▪", "◦", "‣", "–", "—", "1.", "12)",
             "\u0663.", "\uff11.", "²", "a", "", "\u00a0", "\u2003", "(", "#"]


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(_OPENINGS), st.sampled_from(_OPENINGS), st.text(max_size=30))
def test_a_line_passed_over_is_one_the_patterns_do_not_match(first: str, second: str, rest: str) -> None:
    line = first + second + rest
    if line[:1] not in _MARKER_STARTS and not line[:1].isdigit():
        assert _MARKER.match(line) is None
        assert _strip_marker(line) == line
    if line[:1] not in _BARE_STARTS:
        assert _EMPHASIS.match(line) is None
        assert _DASHED_LINE.match(line) is None


def test_lines_the_patterns_match_still_get_there() -> None:
    assert _strip_marker("1. Name: Jane") == "Name: Jane"
    assert _strip_marker("\u0663) Name: Jane") == "Name: Jane"  # an Arabic-Indic digit
    assert _strip_marker("  • Name: Jane") == "Name: Jane"
    assert _bare_label("**Email**") == ("Email", True)
    assert _bare_label("  *Email*") == ("Email", True)
    assert _bare_label("--- Your message ---") == ("Your message", True)


def test_a_long_text_is_judged_without_the_cache() -> None:
    before = _label_like.cache_info().currsize
    padded = " " * _CACHED_LABEL + "Name"  # a label once stripped, longer than what is kept
    assert looks_like_label(padded) is True
    assert looks_like_label("x" * (_CACHED_LABEL + 1)) is False
    assert _label_like.cache_info().currsize == before
