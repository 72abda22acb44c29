"""Response-time insights on a known dataset: medians and 90th percentiles of time to first answer
per week (the team's calendar), per owner and per topic, with leads waiting and overdue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from leaddesk import response_stats, response_times
from leaddesk.business_hours import BusinessHours
from leaddesk.db import Database
from leaddesk.db.models import TeamMember
from leaddesk.response_stats import LeadResponse, percentile, summarise
from leaddesk.response_times import ResponsePolicy
from tests.support.factories import make_submission

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POLICY = ResponsePolicy(BusinessHours("Europe/Stockholm"), 8.0)
MONDAY_9 = datetime(2026, 3, 2, 9, tzinfo=STOCKHOLM)
NOW = datetime(2026, 3, 20, 12, tzinfo=UTC)
H = 3600.0


@pytest.fixture(autouse=True)
def _default_policy() -> Iterator[None]:
    yield
    response_times.activate(ResponsePolicy())


def lead(hours: float | None, *, owner: str | None = "Ada", topic: str | None = "KOL",
         received: datetime = MONDAY_9) -> LeadResponse:
    """A lead answered ``hours`` business hours after a Monday 09:00 arrival (None: unanswered)."""
    answered = None if hours is None else received + timedelta(hours=hours)
    return LeadResponse(received, answered, owner, topic, "open")


def test_percentile_interpolates_between_the_nearest_answers() -> None:
    assert percentile([], 0.9) is None
    assert percentile([5.0], 0.9) == 5.0
    assert percentile([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)  # 4 + 0.6 * (10 - 4)
    assert percentile([10, 1, 4, 3, 2], 0.5) == 3


def test_per_owner_and_per_topic() -> None:
    leads = [lead(1), lead(2), lead(3), lead(4, topic="Market access"), lead(7.5),  # all Monday
             lead(1, owner="Ben", topic=None), lead(3, owner="Ben", topic=None),
             lead(None, owner="Ben"), lead(None, owner=None, topic=None)]
    owners = {s.key: s for s in summarise(leads, POLICY, NOW, by="owner")}
    assert list(owners) == ["Ada", "Ben", None]  # busiest first, nobody last
    ada, ben, nobody = owners["Ada"], owners["Ben"], owners[None]
    assert (ada.answered, ada.median_s) == (5, 3 * H)
    assert ada.p90_s == pytest.approx(6.1 * H)
    assert (ben.answered, ben.waiting, ben.overdue, ben.median_s) == (2, 1, 1, 2 * H)
    assert (nobody.answered, nobody.waiting, nobody.median_s, nobody.p90_s) == (0, 1, None, None)
    topics = {s.key: s for s in summarise(leads, POLICY, NOW, by="topic")}
    assert (topics["KOL"].answered, topics["KOL"].median_s) == (4, 2.5 * H)
    assert topics["Market access"].median_s == 4 * H
    assert topics[None].as_json() == {"by": "topic", "group": None, "answered": 2, "waiting": 1,
                                      "overdue": 1, "median_s": 7200, "p90_s": 10080}


def test_answers_are_measured_in_business_hours() -> None:
    # Friday 16:00 to Monday 10:00 is two business hours, not 66.
    friday = datetime(2026, 3, 6, 16, tzinfo=STOCKHOLM)
    found = summarise([LeadResponse(friday, datetime(2026, 3, 9, 10, tzinfo=STOCKHOLM), "Ada",
                                    None, "done")], POLICY, NOW, by="owner")
    assert found[0].median_s == 2 * H


def test_weeks_follow_the_teams_calendar() -> None:
    # Sunday 23:30 UTC is Monday 00:30 in Stockholm: the next week there.
    sunday_night = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)
    leads = [lead(1), lead(5), lead(2, received=sunday_night + timedelta(hours=9, minutes=30))]
    late = LeadResponse(sunday_night, None, "Ada", None, "new")
    weeks = summarise([*leads, late], POLICY, NOW, by="week")
    assert [(w.key, w.answered, w.waiting, w.median_s) for w in weeks] == [
        (date(2026, 3, 2), 2, 0, 3 * H), (date(2026, 3, 9), 1, 1, 2 * H)]
    utc = ResponsePolicy(BusinessHours("UTC"), 8.0)
    assert [w.key for w in summarise([late], utc, NOW, by="week")] == [date(2026, 3, 2)]


def test_report_reads_the_database_under_the_stored_policy(db: Database) -> None:
    with db.session() as s:
        response_times.save_policy(s, POLICY, actor="Ada")
        ada = TeamMember(name="Ada")
        s.add(ada)
        s.flush()
        for hours in (1, 2, 6):
            make_submission(s, received_at=MONDAY_9, assignee_id=ada.id, topic="KOL",
                            first_answered_at=MONDAY_9 + timedelta(hours=hours))
        make_submission(s, received_at=MONDAY_9, topic="KOL")  # waiting, overdue by NOW
        make_submission(s, received_at=MONDAY_9, status="spam")  # never counted
    with db.session() as s:
        found = response_stats.report(s, now=NOW)
    assert found.policy == POLICY
    assert [(x.key, x.answered, x.waiting, x.overdue, x.median_s)
            for x in found.groups["owner"]] == [("Ada", 3, 0, 0, 2 * H), (None, 0, 1, 1, None)]
    assert (found.overall.answered, found.overall.waiting, found.overall.median_s) == (3, 1, 2 * H)
    assert found.overall.p90_s == pytest.approx(5.2 * H)
    assert [x.key for x in found.groups["topic"]] == ["KOL"]
    assert [x.key for x in found.groups["week"]] == [date(2026, 3, 2)]
