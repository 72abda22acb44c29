"""Form date/time fields as WordPress sites and form services write them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from leaddesk.ingest.parse.dates import parse_form_datetime

CET = timezone(timedelta(hours=1))


@pytest.mark.parametrize(("text", "expected"), [
    ("November 20, 2026 3:45 pm", datetime(2026, 11, 20, 15, 45, tzinfo=UTC)),
    ("Nov 5th, 2026 12:30 am", datetime(2026, 11, 5, 0, 30, tzinfo=UTC)),
    ("20. November 2026 15:45", datetime(2026, 11, 20, 15, 45, tzinfo=UTC)),
    ("20 novembre 2026 17 h 32 min", datetime(2026, 11, 20, 17, 32, tzinfo=UTC)),
    ("20 de noviembre de 2026 09:05", datetime(2026, 11, 20, 9, 5, tzinfo=UTC)),
    ("3 mei 2026 8.30", datetime(2026, 5, 3, 8, 30, tzinfo=UTC)),
    ("20 décembre 2026", datetime(2026, 12, 20, tzinfo=UTC)),
    ("2026-11-20 15:45:00", datetime(2026, 11, 20, 15, 45, tzinfo=UTC)),
    ("2026-11-20T15:45:00+01:00", datetime(2026, 11, 20, 15, 45, tzinfo=CET)),
    ("20.11.2026 15:45 CET", datetime(2026, 11, 20, 15, 45, tzinfo=CET)),
    ("20/11/2026", datetime(2026, 11, 20, tzinfo=UTC)),
    ("11/20/2026 10:00", datetime(2026, 11, 20, 10, 0, tzinfo=UTC)),
    ("03/04/2026", datetime(2026, 4, 3, tzinfo=UTC)),  # ambiguous: day first
    ("10:42 AM UTC - 20 November 2026", datetime(2026, 11, 20, 10, 42, tzinfo=UTC)),
    ("31/02/2026", None),
    ("yesterday", None),
    ("15:45", None),
    ("", None),
])
def test_parse_form_datetime(text: str, expected: datetime | None) -> None:
    assert parse_form_datetime(text) == expected
    if expected is not None:
        assert parse_form_datetime(text).tzinfo is not None  # type: ignore[union-attr]
