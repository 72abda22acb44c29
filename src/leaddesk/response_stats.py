"""Response-time insights for managers: the median and 90th percentile of time to first answer
(business hours) per week, per owner and per topic, with how many leads still wait and how many
of those are overdue. The UI draws them (ui/response_chart.py); the CLI prints them.

The database picks the leads (the same filter as the list); business time is worked out here,
per lead, because working hours, holidays and clock changes are no SQL. A week is the Monday of
the team's local calendar. The 90th percentile interpolates between the two nearest answers, like
a spreadsheet's PERCENTILE.INC; with a single answer both figures are that answer.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.business_hours import zone
from leaddesk.db.models import Submission, TeamMember
from leaddesk.export.cells import as_datetime
from leaddesk.query import Filter
from leaddesk.query.filters import dialect_of
from leaddesk.response_times import ResponsePolicy, load_policy, overdue

Grouping = Literal["week", "owner", "topic", "all"]
GROUPINGS: tuple[Grouping, ...] = ("week", "owner", "topic")


@dataclass(frozen=True)
class LeadResponse:
    """What the insights read of one lead."""

    received_at: datetime
    first_answered_at: datetime | None
    owner: str | None
    topic: str | None
    status: str
    is_submission: bool = True


@dataclass(frozen=True)
class ResponseStat:
    """One group: ``key`` is the week's Monday, the owner's name or the topic (None: none)."""

    by: Grouping
    key: date | str | None
    answered: int
    waiting: int  # not answered yet
    overdue: int  # of those, past the target
    median_s: float | None
    p90_s: float | None

    def as_json(self) -> dict[str, Any]:
        return {"by": self.by, "group": self.key.isoformat() if isinstance(self.key, date)
                else self.key, "answered": self.answered, "waiting": self.waiting,
                "overdue": self.overdue, "median_s": _rounded(self.median_s),
                "p90_s": _rounded(self.p90_s)}


def _rounded(seconds: float | None) -> int | None:
    return None if seconds is None else round(seconds)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` quantile by linear interpolation between closest ranks (None if empty)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_leads(session: Session, flt: Filter = Filter()) -> list[LeadResponse]:  # noqa: B008
    """The leads under ``flt`` (spam and non-submissions left out unless it asks for them)."""
    dialect = dialect_of(session)
    # Times as the database hands them over, parsed here: SQLAlchemy's SQLite datetime reader
    # is a regular expression per value, half the report's time at 100k leads.
    rows = session.connection().execute(
        select(type_coerce(Submission.received_at, String),
               type_coerce(Submission.first_answered_at, String), TeamMember.name,
               Submission.topic, Submission.status, Submission.is_submission)
        .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
        .where(*query.conditions(flt, dialect)))
    return [LeadResponse(as_datetime(received), as_datetime(answered) if answered else None,
                         owner, topic, status, is_submission)
            for received, answered, owner, topic, status, is_submission in rows]


@dataclass(frozen=True)
class Measured:
    """One lead with its time to first answer (business seconds; None: not answered yet) and
    whether it is overdue: worked out once, whatever the groupings."""

    lead: LeadResponse
    seconds: float | None
    late: bool


def measure(leads: Sequence[LeadResponse], policy: ResponsePolicy,
            now: datetime) -> list[Measured]:
    return [Measured(lead, policy.business_seconds(lead.received_at, lead.first_answered_at)
                     if lead.first_answered_at is not None else None,
                     lead.first_answered_at is None and overdue(lead, now, policy))
            for lead in leads]


def group(measured: Sequence[Measured], policy: ResponsePolicy, *,
          by: Grouping) -> list[ResponseStat]:
    """Per group of ``by``: answers' median and p90 (business seconds), waiting and overdue."""
    tz = zone(policy.hours.time_zone)

    def week(lead: LeadResponse) -> date:
        day = lead.received_at.astimezone(tz).date()
        return day - timedelta(days=day.weekday())

    keys: dict[Grouping, Callable[[LeadResponse], date | str | None]] = {
        "week": week, "owner": lambda lead: lead.owner, "topic": lambda lead: lead.topic,
        "all": lambda lead: None}
    key_of = keys[by]
    answers: dict[date | str | None, list[float]] = {}
    waiting: dict[date | str | None, int] = {}
    late: dict[date | str | None, int] = {}
    for one in measured:
        key = key_of(one.lead)
        found = answers.setdefault(key, [])
        if one.seconds is not None:
            found.append(one.seconds)
        else:
            waiting[key] = waiting.get(key, 0) + 1
            late[key] = late.get(key, 0) + one.late
    return [ResponseStat(by, key, len(found), waiting.get(key, 0), late.get(key, 0),
                         statistics.median(found) if found else None, percentile(found, 0.9))
            for key, found in sorted(answers.items(), key=lambda item: _order(by, item))]


def summarise(leads: Sequence[LeadResponse], policy: ResponsePolicy, now: datetime, *,
              by: Grouping) -> list[ResponseStat]:
    """:func:`group` of ``leads`` measured at ``now``."""
    return group(measure(leads, policy, now), policy, by=by)


def _order(by: Grouping, item: tuple[date | str | None, list[float]]) -> tuple[Any, ...]:
    key, found = item
    if by == "week":  # oldest week first, like the other charts
        return (0, key)
    # Owners and topics: the busiest first, "none" last, then by name.
    return (key is None, -len(found), str(key or "").casefold())


@dataclass(frozen=True)
class ResponseReport:
    """Every grouping at once, and the policy they were measured with."""

    policy: ResponsePolicy
    groups: dict[Grouping, list[ResponseStat]]
    overall: ResponseStat


@dataclass(frozen=True)
class Collected:
    """What the database gives a report: the stored policy and the leads. Plain data, so the
    arithmetic can run away from the database worker (the window does)."""

    policy: ResponsePolicy
    leads: list[LeadResponse]


def collect(session: Session, flt: Filter = Filter()) -> Collected:  # noqa: B008 - frozen
    return Collected(load_policy(session), load_leads(session, flt))


def build(collected: Collected, now: datetime) -> ResponseReport:
    """Every grouping of the collected leads, measured at ``now``."""
    policy = collected.policy
    measured = measure(collected.leads, policy, now)
    groups = {by: group(measured, policy, by=by) for by in GROUPINGS}
    overall = group(measured, policy, by="all")
    return ResponseReport(policy, groups, overall[0] if overall else
                          ResponseStat("all", None, 0, 0, 0, None, None))


def report(session: Session, flt: Filter = Filter(),  # noqa: B008 - frozen
           now: datetime | None = None) -> ResponseReport:
    """Response times under the team's stored policy, grouped every way."""
    return build(collect(session, flt), now or datetime.now(UTC))


def duration_text(seconds: float | None) -> str:
    """Business time for people: "45 min", "3.5 h" (working hours, never calendar days)."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
