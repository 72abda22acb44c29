"""The Date header's shortcut for the usual RFC 5322 shape gives what the stdlib's general date
parser gives (through ``date_value``), on the usual shape and on every edge around it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.ingest.parse import headers

EDGES = [
    "Mon, 30 Nov 2026 10:00:00 +0000",
    "30 Nov 2026 10:00:00 +0000",  # no day name
    "Mon, 30 Nov 2026 10:00:00 -0000",  # "no zone": taken as UTC
    "Tue, 1 Dec 2026 23:59:59 -0530",
    "Wed, 01 Dec 2026 00:00:00 +1400",
    "Thu, 31 Dec 9999 23:59:59 -0100",  # past the largest datetime in UTC
    "Sat, 1 Jan 0001 00:00:00 +0100",  # before the smallest
    "Sun, 1 Jan 0099 00:00:00 +0000",  # a four-digit year below 100: read as 1999
    "Sun, 1 Jan 0000 00:00:00 +0000",
    "Sun, 1 Jan 0100 00:00:00 +0000",
    "Fri, 30 Feb 2026 10:00:00 +0000",  # no such day
    "Fri, 00 Feb 2026 10:00:00 +0000",
    "Fri, 10 Feb 2026 24:00:00 +0000",
    "Fri, 10 Feb 2026 23:60:00 +0000",
    "Fri, 10 Feb 2026 23:59:60 +0000",  # a leap second
    "Fri, 10 Feb 2026 10:00:00 +0099",  # minutes of a zone past 59
    "Fri, 10 Feb 2026 10:00:00 +2400",  # a zone of a day
    "Fri, 10 Feb 2026 10:00:00 -9999",
    "Mon, 30 Nov 2026 10:00:00 +0000 (UTC)",  # a comment
    "Mon, 30 Nov 2026 10:00:00 GMT",  # a zone name
    "Mon, 30 Nov 2026 10:00 +0000",  # no seconds
    "Mon, 30 Nov 26 10:00:00 +0000",  # a two-digit year
    "Mon,30 Nov 2026 10:00:00 +0000",  # no blank after the comma
    "Mon, 30  Nov 2026 10:00:00 +0000",  # two blanks
    "Mon, 30 nov 2026 10:00:00 +0000",  # month in lower case
    "Mon, 30 November 2026 10:00:00 +0000",
    "Xyz, 30 Nov 2026 10:00:00 +0000",  # a day name that is none
    "Mon, 30 Nov 2026 10:00:00 +000",
    "Mon, 30 Nov 2026 10:00:00",  # no zone at all
    "  Mon, 30 Nov 2026 10:00:00 +0200  ",
    "Mon, 3\u0663 Nov 2026 10:00:00 +0000",  # a digit int() reads but the shortcut does not
    "",
    "garbage",
]


def _general(value: str, monkeypatch: pytest.MonkeyPatch) -> datetime | None:
    with monkeypatch.context() as patch:
        patch.setattr(headers, "_usual_date", lambda _text: None)
        return headers.date_value(value)


def _same(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, general = headers.date_value(value), _general(value, monkeypatch)
    assert fast == general
    if fast is not None and general is not None:
        assert fast.tzinfo is general.tzinfo is UTC


@pytest.mark.parametrize("value", EDGES)
def test_the_usual_date_agrees_with_the_general_parser_on_edges(
        value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _same(value, monkeypatch)


def test_the_usual_shape_takes_the_shortcut() -> None:
    assert headers._usual_date("Tue, 1 Dec 2026 23:59:59 -0530") == datetime(2026, 12, 2, 5, 29, 59,
                                                                            tzinfo=UTC)


@settings(max_examples=400, deadline=None)
@given(day_name=st.sampled_from(["", "Mon, ", "Sun, "]), day=st.integers(0, 32),
       month=st.sampled_from(["Jan", "Feb", "Jun", "Dec", "Xyz"]), year=st.integers(0, 9999),
       hour=st.integers(0, 25), minute=st.integers(0, 61), second=st.integers(0, 61),
       sign=st.sampled_from("+-"), zone=st.integers(0, 9999), pad_day=st.booleans())
def test_the_usual_date_agrees_with_the_general_parser(
        day_name: str, day: int, month: str, year: int, hour: int, minute: int, second: int, sign: str,
        zone: int, pad_day: bool) -> None:
    value = (f"{day_name}{day:02d}" if pad_day else f"{day_name}{day}") + (
        f" {month} {year:04d} {hour:02d}:{minute:02d}:{second:02d} {sign}{zone:04d}")
    with pytest.MonkeyPatch.context() as patch:
        _same(value, patch)


def test_address_headers_read_once_are_handed_out_fresh_and_long_ones_are_not_kept() -> None:
    first = headers.addresses("Site <wordpress@site.example>")
    first.append(("x", "y"))  # a caller's list is its own
    assert headers.addresses("Site <wordpress@site.example>") == [("Site", "wordpress@site.example")]
    before = headers._addresses.cache_info().currsize
    many = ", ".join(f"p{n}@site.example" for n in range(100))
    assert len(many) > headers._addresses.longest
    assert len(headers.addresses(many)) == 100
    assert headers._addresses.cache_info().currsize == before
    assert headers.addresses("=?utf-8?q?Jos=C3=A9?= <jose@x.example>") == [("José", "jose@x.example")]
