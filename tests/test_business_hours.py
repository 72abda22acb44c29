"""Business-time arithmetic: nights, weekends, holidays, clock changes, other time zones, and the
"received before" deadline that must agree with the per-lead sum at every boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaddesk.business_hours import (
    DEFAULT_WEEK,
    BusinessHours,
    format_week,
    parse_holidays,
    parse_week,
)
from leaddesk.errors import ValidationError

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = 3600.0
OFFICE = BusinessHours("Europe/Stockholm")  # Mon-Fri 09:00-17:00
ALWAYS = BusinessHours("Europe/Stockholm", parse_week("mon-sun 00:00-24:00"))


def local(tz: ZoneInfo, year: int, month: int, day: int, hour: int = 0,
          minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def test_a_working_day_and_a_night() -> None:
    monday_4pm = local(STOCKHOLM, 2026, 3, 2, 16)
    assert OFFICE.seconds_between(monday_4pm, local(STOCKHOLM, 2026, 3, 2, 16, 45)) == 45 * 60
    # 16:00-17:00 Monday, then 09:00-10:00 Tuesday: the night does not count.
    assert OFFICE.seconds_between(monday_4pm, local(STOCKHOLM, 2026, 3, 3, 10)) == 2 * HOUR
    assert OFFICE.seconds_between(local(STOCKHOLM, 2026, 3, 2, 20),
                                  local(STOCKHOLM, 2026, 3, 3, 8, 59)) == 0


def test_a_lead_at_23_50_utc_on_friday_waits_until_monday() -> None:
    # 23:50 UTC Friday is 00:50 Saturday in Stockholm: nothing counts until Monday 09:00.
    friday = datetime(2026, 3, 6, 23, 50, tzinfo=UTC)
    monday = local(STOCKHOLM, 2026, 3, 9, 9, 30)
    assert OFFICE.seconds_between(friday, monday) == 30 * 60
    # The same instant for a team in New York (18:50 Friday) counts nothing either: after hours.
    new_york = BusinessHours("America/New_York")
    assert new_york.seconds_between(friday, local(NEW_YORK, 2026, 3, 9, 9, 30)) == 30 * 60
    # But 15:00 UTC on Friday is 16:00 in Stockholm (one hour left) and 10:00 in New York (seven).
    afternoon = datetime(2026, 3, 6, 15, 0, tzinfo=UTC)
    end = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    assert OFFICE.seconds_between(afternoon, end) == 1 * HOUR
    assert new_york.seconds_between(afternoon, end) == 7 * HOUR


def test_a_weekend_and_a_holiday() -> None:
    hours = BusinessHours("Europe/Stockholm", DEFAULT_WEEK, parse_holidays("2026-12-24, 2026-12-25"))
    # Wednesday 23 Dec 16:00 to Monday 28 Dec 10:00: 1 h + (Thu, Fri holidays, weekend) + 1 h.
    assert hours.seconds_between(local(STOCKHOLM, 2026, 12, 23, 16),
                                 local(STOCKHOLM, 2026, 12, 28, 10)) == 2 * HOUR
    assert OFFICE.seconds_between(local(STOCKHOLM, 2026, 12, 23, 16),
                                  local(STOCKHOLM, 2026, 12, 28, 10)) == 18 * HOUR


def test_daylight_saving_changes_count_the_hours_that_passed() -> None:
    # Spring forward (29 March 2026, 02:00 -> 03:00): Sunday has 23 hours, Saturday noon to
    # Sunday noon is 23 hours of work for a team that always works.
    assert ALWAYS.seconds_between(local(STOCKHOLM, 2026, 3, 28, 12),
                                  local(STOCKHOLM, 2026, 3, 29, 12)) == 23 * HOUR
    # Fall back (25 October 2026, 03:00 -> 02:00): 25 hours.
    assert ALWAYS.seconds_between(local(STOCKHOLM, 2026, 10, 24, 12),
                                  local(STOCKHOLM, 2026, 10, 25, 12)) == 25 * HOUR
    # Office hours are still 8 hours a day on either side of the change; Friday 16:00 (UTC+1) to
    # Monday 10:00 (UTC+2) is two working hours although 65 real hours passed.
    start, end = local(STOCKHOLM, 2026, 3, 27, 16), local(STOCKHOLM, 2026, 3, 30, 10)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=65)
    assert OFFICE.seconds_between(start, end) == 2 * HOUR
    assert [(b - a) for a, b in OFFICE.day_spans(date(2026, 3, 30))] == [timedelta(hours=8)]
    # The team's hours move with its clock: 09:00 is 08:00 UTC in winter, 07:00 UTC in summer.
    assert OFFICE.day_spans(date(2026, 3, 27))[0][0] == datetime(2026, 3, 27, 8, tzinfo=UTC)
    assert OFFICE.day_spans(date(2026, 3, 30))[0][0] == datetime(2026, 3, 30, 7, tzinfo=UTC)


def test_hours_inside_the_spring_forward_gap() -> None:
    # 02:00-04:00 on the night the clock jumps from 02:00 to 03:00: one real hour of work.
    night = BusinessHours("Europe/Stockholm", parse_week("sun 02:00-04:00"))
    (span,) = night.day_spans(date(2026, 3, 29))
    assert span[1] - span[0] == timedelta(hours=1)
    assert night.seconds_between(local(STOCKHOLM, 2026, 3, 29, 0),
                                 local(STOCKHOLM, 2026, 3, 29, 23)) == HOUR


def test_an_end_before_the_start_counts_nothing() -> None:
    a, b = local(STOCKHOLM, 2026, 3, 2, 10), local(STOCKHOLM, 2026, 3, 2, 12)
    assert OFFICE.seconds_between(b, a) == 0
    assert OFFICE.seconds_between(a, a) == 0
    with pytest.raises(ValueError, match="aware"):
        OFFICE.seconds_between(datetime(2026, 3, 2), b)


def test_earliest_over_at_the_boundary() -> None:
    # Tuesday 09:00 with an 8-hour target: a lead received Monday 09:00 has waited exactly 8 h.
    now = local(STOCKHOLM, 2026, 3, 3, 9)
    assert OFFICE.seconds_between(local(STOCKHOLM, 2026, 3, 2, 9), now) == 8 * HOUR  # not over
    # So has everything received over the weekend; only Friday before 17:00 has waited more.
    deadline = OFFICE.earliest_over(now, 8 * HOUR)
    assert deadline == local(STOCKHOLM, 2026, 2, 27, 17)
    assert OFFICE.seconds_between(deadline, now) == 8 * HOUR
    just_before = deadline - timedelta(microseconds=1)
    assert OFFICE.seconds_between(just_before, now) > 8 * HOUR
    # Tuesday 09:30: 8 h before is Monday 09:30.
    later = local(STOCKHOLM, 2026, 3, 3, 9, 30)
    assert OFFICE.earliest_over(later, 8 * HOUR) == local(STOCKHOLM, 2026, 3, 2, 9, 30)


def test_earliest_over_skips_the_quiet_time_before_a_working_day() -> None:
    # Monday 17:00, target 8 h: everything from Friday 17:00 to Monday 09:00 has waited exactly
    # 8 h (the weekend does not count), so the deadline is the end of Friday's work.
    now = local(STOCKHOLM, 2026, 3, 9, 17)
    deadline = OFFICE.earliest_over(now, 8 * HOUR)
    assert deadline == local(STOCKHOLM, 2026, 3, 6, 17)
    assert OFFICE.seconds_between(local(STOCKHOLM, 2026, 3, 7, 12), now) == 8 * HOUR
    assert OFFICE.seconds_between(deadline - timedelta(seconds=1), now) == 8 * HOUR + 1


@settings(max_examples=200, deadline=None)
@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31)),
       st.integers(min_value=0, max_value=20 * 24 * 3600),
       st.integers(min_value=0, max_value=40 * 3600),
       st.sampled_from(["Europe/Stockholm", "America/New_York", "Asia/Kolkata", "UTC"]))
def test_earliest_over_agrees_with_the_sum(now: datetime, back: int, target: int, tz: str) -> None:
    hours = BusinessHours(tz, parse_week("mon-fri 08:00-12:00,13:00-17:30; sat 10:00-12:00"))
    end = now.replace(tzinfo=UTC)
    start = end - timedelta(seconds=back)
    deadline = hours.earliest_over(end, target)
    assert (hours.seconds_between(start, end) > target) == (start < deadline)


def test_week_text_round_trips_and_refuses_mistakes() -> None:
    week = parse_week("Mon-Fri 08:00-12:00, 13:00-17:00; sat 10:00-12:00")
    assert week[0] == ((480, 720), (780, 1020))
    assert week[5] == ((600, 720),)
    assert week[6] == ()
    assert format_week(week) == "mon-fri 08:00-12:00,13:00-17:00; sat 10:00-12:00"
    assert parse_week(format_week(DEFAULT_WEEK)) == DEFAULT_WEEK
    assert parse_week("mon-sun 00:00-24:00")[6] == ((0, 1440),)
    for bad, says in (("fri-mon 09:00-17:00", "backwards"), ("xyz 09:00-17:00", "day"),
                      ("mon 17:00-09:00", "start before"), ("mon 09:00", "HH:MM-HH:MM"),
                      ("mon 9:75-10:00", "time of day"), ("mon 09:00-12:00,11:00-13:00", "overlap")):
        with pytest.raises(ValidationError, match=says):
            parse_week(bad)
    with pytest.raises(ValidationError, match="no working hours"):
        BusinessHours("UTC", parse_week(""))
    with pytest.raises(ValidationError, match="unknown time zone"):
        BusinessHours("Mars/Olympus")
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        parse_holidays("24/12/2026")


def test_stored_form_round_trips() -> None:
    hours = BusinessHours("America/New_York", parse_week("mon-thu 09:00-17:00; fri 09:00-13:00"),
                          parse_holidays("2026-07-03 2026-11-26"))
    assert BusinessHours.from_json(hours.as_json()) == hours
    assert hours.as_json()["holidays"] == ["2026-07-03", "2026-11-26"]
