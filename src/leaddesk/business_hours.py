"""The team's business hours and business-time arithmetic: how much working time lies between two
instants, across nights, weekends, holidays and daylight-saving changes.

Working hours are written in the team's local time (``Europe/Stockholm``, Mon-Fri 09:00-17:00);
each working day becomes a span of real instants through :mod:`zoneinfo`, so a 09:00-17:00 day is
8 hours whichever offset applies, and a span that covers a clock change (00:00-24:00 on the last
Sunday of March) counts the hours that really passed. Holidays are local dates with no hours.

Plain data and arithmetic: no database, no Qt. :mod:`leaddesk.response_times` stores it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from leaddesk.errors import ValidationError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_MINUTES = 24 * 60
# A span in minutes after local midnight, end excluded; (540, 1020) is 09:00-17:00.
Span = tuple[int, int]
_OFFICE: tuple[Span, ...] = ((9 * 60, 17 * 60),)
DEFAULT_WEEK: tuple[tuple[Span, ...], ...] = (_OFFICE,) * 5 + ((), ())
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DAY_RANGE = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?$")


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``, or a one-line error saying how to name one."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"unknown time zone {name!r}; use an IANA name such as "
                              f"Europe/Stockholm, America/New_York or UTC") from None


def _minutes(text: str) -> int:
    match = _TIME.match(text.strip())
    if not match or int(match[2]) > 59 or int(match[1]) * 60 + int(match[2]) > DAY_MINUTES:
        raise ValidationError(f"not a time of day: {text!r} (use HH:MM, 00:00 to 24:00)")
    return int(match[1]) * 60 + int(match[2])


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _spans(items: Iterable[Span]) -> tuple[Span, ...]:
    """Sorted, non-empty, non-overlapping spans; overlaps are a mistake worth naming."""
    spans = sorted(items)
    for position, (start, end) in enumerate(spans):
        if not 0 <= start < end <= DAY_MINUTES:
            raise ValidationError(f"working hours {format_minutes(start)}-{format_minutes(end)} "
                                  f"must start before they end, within one day")
        if position and spans[position - 1][1] > start:
            raise ValidationError("working hours of one day overlap; write each hour once")
    return tuple(spans)


def parse_week(text: str) -> tuple[tuple[Span, ...], ...]:
    """``"mon-fri 09:00-17:00; sat 10:00-12:00"`` (days not named have no hours).

    Several spans of one day are comma-separated: ``"mon-fri 08:00-12:00,13:00-17:00"``.
    """
    week: list[list[Span]] = [[] for _ in WEEKDAYS]
    for part in (p.strip().lower() for p in text.split(";")):
        if not part:
            continue
        days, _, hours = part.partition(" ")
        match = _DAY_RANGE.match(days)
        if not match or match[1] not in WEEKDAYS or (match[2] or match[1]) not in WEEKDAYS:
            raise ValidationError(f"not a day or day range: {days!r} (use mon, tue … sun, "
                                  f"e.g. \"mon-fri 09:00-17:00\")")
        first, last = WEEKDAYS.index(match[1]), WEEKDAYS.index(match[2] or match[1])
        if last < first:
            raise ValidationError(f"day range {days!r} runs backwards; write it as mon-fri")
        spans: list[Span] = []
        for span in hours.replace(" ", "").split(","):
            start, dash, end = span.partition("-")
            if not dash:
                raise ValidationError(f"not working hours: {span!r} (use HH:MM-HH:MM)")
            spans.append((_minutes(start), _minutes(end)))
        for day in range(first, last + 1):
            week[day].extend(spans)
    return tuple(_spans(day) for day in week)


def format_week(week: tuple[tuple[Span, ...], ...]) -> str:
    """The inverse of :func:`parse_week`, folding equal neighbouring days into ranges."""
    parts: list[str] = []
    day = 0
    while day < len(WEEKDAYS):
        last = day
        while last + 1 < len(WEEKDAYS) and week[last + 1] == week[day]:
            last += 1
        if week[day]:
            days = WEEKDAYS[day] if last == day else f"{WEEKDAYS[day]}-{WEEKDAYS[last]}"
            hours = ",".join(f"{format_minutes(s)}-{format_minutes(e)}" for s, e in week[day])
            parts.append(f"{days} {hours}")
        day = last + 1
    return "; ".join(parts)


def parse_holidays(text: str) -> frozenset[date]:
    """Dates separated by commas, spaces or new lines (YYYY-MM-DD)."""
    days: set[date] = set()
    for word in re.split(r"[\s,;]+", text.strip()):
        if not word:
            continue
        try:
            days.add(date.fromisoformat(word))
        except ValueError:
            raise ValidationError(f"not a date: {word!r} (use YYYY-MM-DD)") from None
    return frozenset(days)


@dataclass(frozen=True)
class BusinessHours:
    """When the team works, in its own time zone."""

    time_zone: str = "UTC"
    week: tuple[tuple[Span, ...], ...] = DEFAULT_WEEK  # Monday first, seven entries
    holidays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        zone(self.time_zone)
        if len(self.week) != len(WEEKDAYS):
            raise ValidationError("working hours need one entry per weekday, Monday first")
        object.__setattr__(self, "week", tuple(_spans(day) for day in self.week))
        if not any(self.week):
            raise ValidationError("the week has no working hours; give at least one day, "
                                  "e.g. \"mon-fri 09:00-17:00\"")

    # ------------------------------------------------------------- stored form
    def as_json(self) -> dict[str, Any]:
        return {"time_zone": self.time_zone, "week": format_week(self.week),
                "holidays": sorted(d.isoformat() for d in self.holidays)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BusinessHours:
        return cls(time_zone=str(data.get("time_zone") or "UTC"),
                   week=parse_week(str(data.get("week") or format_week(DEFAULT_WEEK))),
                   holidays=parse_holidays(" ".join(str(d) for d in data.get("holidays") or ())))

    # ------------------------------------------------------------- arithmetic
    def day_spans(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The working spans of local date ``day`` as UTC instants (none on a holiday)."""
        return _day_spans(self, day)

    def seconds_between(self, start: datetime, end: datetime) -> float:
        """Working seconds from ``start`` to ``end`` (0 when ``end`` is not after ``start``)."""
        start, end = _utc(start), _utc(end)
        if end <= start:
            return 0.0
        prefix = _prefix(self)
        return (prefix.position(end) - prefix.position(start)).total_seconds()

    def earliest_over(self, end: datetime, seconds: float) -> datetime:
        """The instant before which a start has *more* than ``seconds`` of work until ``end``.

        ``seconds_between(t, end) > seconds`` exactly when ``t < earliest_over(end, seconds)``, so
        a query can ask "received before this instant" instead of computing hours per row.
        """
        end = _utc(end)
        remaining = max(float(seconds), 0.0)
        tz = zone(self.time_zone)
        day = end.astimezone(tz).date() + timedelta(days=1)
        # Walk back day by day; at least one working span a week is guaranteed, so this ends.
        while True:
            for low, high in reversed(self.day_spans(day)):
                high = min(high, end)
                if high <= low:
                    continue
                length = (high - low).total_seconds()
                if length > remaining:
                    return high - timedelta(seconds=remaining)
                remaining -= length
            day -= timedelta(days=1)


@lru_cache(maxsize=4096)
def _day_spans(hours: BusinessHours, day: date) -> tuple[tuple[datetime, datetime], ...]:
    if day in hours.holidays:
        return ()
    tz = zone(hours.time_zone)

    def instant(minutes: int) -> datetime:
        local = datetime.combine(day, time(), tzinfo=tz) + timedelta(minutes=minutes)
        # Wall-clock arithmetic: 09:00 local, whatever the offset is that day. A time that does
        # not exist (inside a spring-forward gap) resolves like the clock on the wall does.
        return datetime(local.year, local.month, local.day, local.hour, local.minute,
                        tzinfo=tz).astimezone(UTC)

    spans = []
    for start, end in hours.week[day.weekday()]:
        low, high = instant(start), instant(end)
        if high > low:
            spans.append((low, high))
    return tuple(spans)


class _Prefix:
    """Working time before each local day since an anchor day, filled as far as asked.

    A lead's business time is then two look-ups and a day's spans, however long it waited (the
    insights measure every lead). Sums are timedeltas: exact microseconds, so a wait of exactly
    the target compares equal, never a rounding error above it.
    """

    def __init__(self, hours: BusinessHours) -> None:
        self.hours = hours
        self.anchor: date | None = None
        self.sums: list[timedelta] = [timedelta(0)]  # sums[i]: work in the i days from anchor
        self.lock = threading.Lock()  # the database worker and the window's thread both ask

    def _before(self, day: date) -> timedelta:
        if self.anchor is None or day < self.anchor:
            self.anchor, self.sums = day - timedelta(days=366), [timedelta(0)]
        index = (day - self.anchor).days
        while len(self.sums) <= index:
            filled = self.anchor + timedelta(days=len(self.sums) - 1)
            self.sums.append(self.sums[-1] + sum(
                ((high - low) for low, high in self.hours.day_spans(filled)), timedelta(0)))
        return self.sums[index]

    def position(self, moment: datetime) -> timedelta:
        """Work from the anchor to ``moment``: the days before its local day, then that day's
        spans up to it (a day's spans lie within the day, so no other day counts)."""
        day = moment.astimezone(zone(self.hours.time_zone)).date()
        with self.lock:
            done = self._before(day)
        for low, high in self.hours.day_spans(day):
            if moment > low:
                done += min(moment, high) - low
        return done


@lru_cache(maxsize=32)
def _prefix(hours: BusinessHours) -> _Prefix:
    return _Prefix(hours)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("business-time arithmetic needs aware datetimes")
    return moment.astimezone(UTC)
