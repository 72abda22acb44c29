"""Leads (one row per contact) and insights (per topic over time, per post), on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from leaddesk import insights, leads
from leaddesk.db import Database
from leaddesk.query import Filter
from tests.support.factories import (
    make_account,
    make_contact,
    make_member,
    make_post,
    make_submission,
)

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def seeded(db: Database) -> Database:
    with db.session() as s:
        # Tracking began with the account, a month before the first lead.
        make_account(s, "website").created_at = MONDAY - timedelta(days=30)
        ada = make_member(s, "Ada")
        imi = make_post(s, "https://example.org/imi", "IMI", published_at=MONDAY - timedelta(days=2))
        sb = make_post(s, "https://example.org/sb", "Speakers", published_at=MONDAY)
        make_post(s, "https://example.org/quiet", "Quiet post", published_at=MONDAY)
        zoe = make_contact(s, "zoe@example.org", name="Zoë", company="Acme")
        make_submission(s, contact_id=zoe.id, topic="IMI", post_id=imi.id, received_at=MONDAY)
        make_submission(s, contact_id=zoe.id, topic="Speakers", post_id=sb.id, status="open",
                        assignee_id=ada.id, received_at=MONDAY + timedelta(days=8))
        make_submission(s, visitor_name="No address", topic=None, post_id=sb.id,
                        received_at=MONDAY + timedelta(days=1, hours=6))
        make_submission(s, visitor_name="Spam", status="spam", received_at=MONDAY)
    return db


def test_one_row_per_contact_with_first_touch_and_latest_state(seeded: Database) -> None:
    with seeded.session() as s:
        rows = leads.lead_rows(s, Filter())
        assert leads.count_leads(s, Filter()) == (2, 3)
    assert [r.name for r in rows] == ["Zoë", "No address"]
    zoe = rows[0]
    assert (zoe.first_post, zoe.first_topic) == ("IMI", "IMI")
    assert (zoe.status, zoe.owner, zoe.messages) == ("open", "Ada", 2)
    assert zoe.company == "Acme"
    assert zoe.first_at == MONDAY
    assert rows[1].contact_id is None


def test_leads_follow_the_filter(seeded: Database) -> None:
    with seeded.session() as s:
        rows = leads.lead_rows(s, Filter(topics=("Speakers",)))
    assert [(r.name, r.messages, r.first_topic) for r in rows] == [("Zoë", 1, "Speakers")]


def test_leads_per_topic_per_week_and_month(seeded: Database) -> None:
    with seeded.session() as s:
        weekly = insights.leads_per_topic(s, period="week")
        monthly = insights.leads_per_topic(s, period="month")
    assert {(c.period, c.topic, c.leads) for c in weekly} == {
        (date(2026, 3, 2), "IMI", 1), (date(2026, 3, 2), None, 1),
        (date(2026, 3, 9), "Speakers", 1)}
    assert {(c.period, c.topic, c.leads) for c in monthly} == {
        (date(2026, 3, 1), "IMI", 1), (date(2026, 3, 1), None, 1),
        (date(2026, 3, 1), "Speakers", 1)}


def test_leads_per_post_and_time_to_first_lead(seeded: Database) -> None:
    with seeded.session() as s:
        posts = {p.title: p for p in insights.leads_per_post(s)}
        silent = [p.title for p in insights.posts_without_leads(s)]
        median = insights.median_time_to_first_lead(s)
    assert (posts["Speakers"].leads, posts["IMI"].leads, posts["Quiet post"].leads) == (2, 1, 0)
    assert posts["IMI"].time_to_first_lead == timedelta(days=2)
    assert posts["Speakers"].time_to_first_lead == timedelta(days=1, hours=6)
    assert silent == ["Quiet post"]
    assert median == timedelta(days=1, hours=15)


def test_no_time_to_first_lead_for_a_post_older_than_tracking(db: Database) -> None:
    with db.session() as s:
        old = make_post(s, "https://example.org/2011", "Old", published_at=datetime(2011, 2, 15,
                                                                                    tzinfo=UTC))
        new = make_post(s, "https://example.org/new", "New", published_at=MONDAY + timedelta(days=3))
        make_submission(s, post_id=old.id, received_at=MONDAY)  # the first lead stored
        make_submission(s, post_id=new.id, received_at=MONDAY + timedelta(days=4))
        make_submission(s, post_id=old.id, received_at=MONDAY + timedelta(days=9))
    with db.session() as s:
        assert insights.tracking_since(s) == MONDAY
        posts = {p.title: p for p in insights.leads_per_post(s)}
        # Filtered to a later range, the first lead is still the post's first ever.
        later = {p.title: p for p in insights.leads_per_post(
            s, Filter(received_from=MONDAY + timedelta(days=5)))}
        median = insights.median_time_to_first_lead(s)
    assert posts["Old"].first_lead_at == MONDAY
    assert posts["Old"].time_to_first_lead is None  # never "first lead after 5,500 d"
    assert posts["New"].time_to_first_lead == timedelta(days=1)
    assert (later["Old"].leads, later["Old"].first_lead_at) == (1, MONDAY)
    assert median == timedelta(days=1)  # the 2011 post does not count
