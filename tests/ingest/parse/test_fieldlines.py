"""The structural reader's one-character looks before its line patterns: a line they pass over is one
the pattern would not have matched."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse.fieldlines import (
    _BARE_STARTS,
    _DASHED_LINE,
    _EMPHASIS,
    _LABEL_LINE,
    _LEADER,
    _MARKER,
    _MARKER_STARTS,
    _bare_label,
    _colon_label,
    _Field,
    _input_name,
    _question_label,
    _strip_marker,
    looks_like_label,
    split_label_line,
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
    before = looks_like_label.cache_info().currsize
    padded = " " * looks_like_label.longest + "Name"  # a label once stripped, longer than kept
    assert looks_like_label(padded) is True
    assert looks_like_label("x" * (looks_like_label.longest + 1)) is False
    assert looks_like_label.cache_info().currsize == before


def _colon_split_as_written(line: str) -> tuple[str, str] | None:
    """The "Label: value" branch of split_label_line before its labels were read once each."""
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    label, value = _input_name(match.group("label").strip()), match.group("value")
    if not value.startswith("//") and (looks_like_label(label) or _question_label(label)):
        label = _LEADER.sub("", label)
        return label.rstrip(" *").strip("*_ ").strip(), value.strip().lstrip("*_").strip()
    return None


_LABELS = ["Name", " E-Mail ", "Name.......", "Name ...", "interests[]",
           "When would you like to be contacted?", "*Phone*", "**Email**", "_Company_", "¿Qué?", "Tel.",
           "Str. No.", "See https", "a b c d e f g",
           "Your message (required)", "x" * 61, "Ünïcode", "1st", "Name · ·", "Note…", "Label_ _"]


@settings(max_examples=800, deadline=None)
@given(st.sampled_from(_LABELS), st.sampled_from([":", " :", "\t:", "："]),
       st.sampled_from(["", " Jane", " //x", "  *Jane* ", " a: b", "https://x.example"]))
def test_a_colon_label_is_read_as_before(label: str, colon: str, value: str) -> None:
    line = label + colon + value
    match = _LABEL_LINE.match(line)
    if match is None:
        return
    tidied, value = _colon_label(match.group(1)), match.group(2)
    now = (tidied, value.strip().lstrip("*_").strip()) if tidied is not None and not value.startswith(
        "//") else None
    assert now == _colon_split_as_written(line)
    if now is not None:
        assert split_label_line(line) == now


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "\t", "Jane", "  Jane  ", "\tx\t", "a\u00a0", "\u2003"]),
                max_size=1), st.integers(0, 8))
def test_a_value_of_one_line_is_read_as_the_general_steps_read_it(lines: list[str], column: int) -> None:
    field = _Field("Name", list(lines), column=column)
    general = _Field("Name", [*lines, ""], column=column)  # a blank line more takes the general steps
    assert field.value() == general.value()
