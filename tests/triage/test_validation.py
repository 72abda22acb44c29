"""Names people type (tags, team members) and corrected fields are stored as one line: a line break
or a bidi override would break the sidebar's and the chips' one-line layout, or show the text
after it reversed."""

from __future__ import annotations

import pytest

from leaddesk.errors import ValidationError
from leaddesk.triage.edits import clean_value
from leaddesk.triage.validation import clean_name


@pytest.mark.parametrize(("typed", "stored"), [
    ("two\nlines", "two lines"),
    ("  x\u202ey \r\n", "xy"),
    ("<b>hot</b>\u2066 &amp;", "<b>hot</b> &amp;"),
    ("hot  lead ", "hot  lead"),  # a plain name keeps its spacing as typed
])
@pytest.mark.parametrize("what", ["tag", "team member"])
def test_names_are_one_line_without_bidi_overrides(typed: str, stored: str, what: str) -> None:
    assert clean_name(typed, what) == stored


def test_a_name_of_only_controls_is_empty() -> None:
    with pytest.raises(ValidationError, match="the tag name is empty"):
        clean_name("\u202e\n\u202c", "tag")


@pytest.mark.parametrize("field", ["name", "company", "topic"])
def test_a_corrected_field_is_one_line_without_bidi_overrides(field: str) -> None:
    assert clean_value(field, "Zed\u202e live\nsecond line") == "Zed live second line"
