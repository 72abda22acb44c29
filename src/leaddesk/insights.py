"""Insights for managers, headless: leads per topic over time, leads per post, and how fast a
post brings its first lead. The UI draws them; the CLI prints them.

A post's time to its first lead is known only when the post came out after tracking began (the
first stored lead, or the first account if that is older): a post from 2011 whose first stored
lead arrived in 2026 did not wait fifteen years for it; nobody was counting before.

Counting happens in the database (grouped by a dialect-specific week or month bucket), so the cost
does not depend on Python walking every row.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, cast, func, select
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.db.models import Account, Post, Submission
from leaddesk.query import Filter

Period = Literal["week", "month"]


@dataclass(frozen=True)
class TopicCount:
    period: date  # the Monday of the week, or the first of the month (UTC)
    topic: str | None
    leads: int


@dataclass(frozen=True)
class PostStats:
    post_id: int
    title: str | None
    url: str
    published_at: datetime | None
    leads: int
    first_lead_at: datetime | None  # the post's first lead ever, whatever the filter
    tracking_since: datetime | None = None  # when the database began to hold leads

    @property
    def time_to_first_lead(self) -> timedelta | None:
        """From publication to the first lead; None when either is unknown, or when the post
        came out before tracking began (its real first lead may never have been stored)."""
        if self.published_at is None or self.first_lead_at is None:
            return None
        if self.tracking_since is not None and self.published_at < self.tracking_since:
            return None
        return max(self.first_lead_at - self.published_at, timedelta(0))


def _bucket(dialect: str, period: Period) -> ColumnElement[Any]:
    column = Submission.received_at
    if dialect == "postgresql":
        return cast(func.date_trunc(period, column), Date)
    if period == "week":
        # 'weekday 0' moves forward to Sunday; six days back is that week's Monday.
        return func.date(column, "weekday 0", "-6 days")
    return func.strftime("%Y-%m-01", column)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def leads_per_topic(session: Session, flt: Filter = Filter(), *,  # noqa: B008 - frozen
                    period: Period = "week") -> list[TopicCount]:
    dialect = session.get_bind().dialect.name
    bucket = _bucket(dialect, period).label("bucket")
    rows = session.execute(
        select(bucket, Submission.topic, func.count())
        .where(*query.conditions(flt, dialect))
        .group_by(bucket, Submission.topic)
        .order_by(bucket, Submission.topic))
    return [TopicCount(_as_date(b), topic, int(n)) for b, topic, n in rows]


def tracking_since(session: Session) -> datetime | None:
    """When tracking began: the first stored lead, or the first account when that is older."""
    first_lead = session.scalar(select(func.min(Submission.received_at)))
    first_account = session.scalar(select(func.min(Account.created_at)))
    known = [_aware(m) for m in (first_lead, first_account) if m is not None]
    return min(known) if known else None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive UTC; PostgreSQL aware datetimes.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def leads_per_post(session: Session, flt: Filter = Filter()) -> list[PostStats]:  # noqa: B008
    """Every known post with its leads under the filter (posts with none included), busiest
    first; the first lead is the post's first ever (a date filter does not move it)."""
    dialect = session.get_bind().dialect.name
    counted = (
        select(Submission.post_id, func.count().label("leads"))
        .where(*query.conditions(flt, dialect), Submission.post_id.is_not(None))
        .group_by(Submission.post_id)
        .subquery()
    )
    firsts = (
        select(Submission.post_id, func.min(Submission.received_at).label("first_at"))
        .where(*query.conditions(Filter(), dialect), Submission.post_id.is_not(None))
        .group_by(Submission.post_id)
        .subquery()
    )
    since = tracking_since(session)
    rows = session.execute(
        select(Post.id, Post.title, Post.url, Post.published_at,
               func.coalesce(counted.c.leads, 0), firsts.c.first_at)
        .outerjoin(counted, counted.c.post_id == Post.id)
        .outerjoin(firsts, firsts.c.post_id == Post.id)
        .order_by(func.coalesce(counted.c.leads, 0).desc(), Post.published_at.desc()))
    return [PostStats(pid, title, url, _aware(published) if published else None, int(leads),
                      _aware(first) if first else None, since)
            for pid, title, url, published, leads, first in rows]


def posts_without_leads(session: Session) -> list[PostStats]:
    """Published posts that brought no lead since they were published."""
    return [p for p in leads_per_post(session) if p.leads == 0 and p.published_at is not None]


def median_time_to_first_lead(session: Session) -> timedelta | None:
    delays = [p.time_to_first_lead for p in leads_per_post(session)]
    known = [d.total_seconds() for d in delays if d is not None]
    return timedelta(seconds=statistics.median(known)) if known else None
