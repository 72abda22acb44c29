"""What a list row says needs doing: the status badge, the unread dot, "waiting 3 d" and its amber,
and the "Overdue" badge from the team's business-hours policy."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from leaddesk.business_hours import BusinessHours
from leaddesk.query import SubmissionRow
from leaddesk.response_times import ResponsePolicy

from leaddesk.ui.needs import OVERDUE_BADGE, row_needs, waiting_since

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday, at the start of the working day
POLICY = ResponsePolicy(BusinessHours("UTC"), 8.0)  # mon-fri 09:00-17:00, one business day
TUESDAY_9 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def row(**changes: object) -> SubmissionRow:
    base = SubmissionRow(
        id=1, version=1, message_id=None, account=None, received_at=RECEIVED, submitted_at=None,
        name="Zoë", email="zoe@example.org", phone=None, company=None, topic=None, page_url=None,
        post_title=None, status="new", is_submission=True, assignee=None, subject=None,
        message=None, problems=(), contact_id=None, last_inbound_at=RECEIVED)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_a_new_lead_with_no_answer_waits_and_turns_amber_past_the_limit() -> None:
    early = row_needs(row(), now=RECEIVED + timedelta(hours=5), amber_after=24 * timedelta(hours=1))
    assert (early.badge, early.waiting_text, early.amber) == ("New", "waiting 5 h", False)
    late = row_needs(row(), now=RECEIVED + 3 * DAY, amber_after=DAY)
    assert (late.waiting_text, late.amber) == ("waiting 3 d", True)
    assert late.describe() == "New · Overdue · waiting 3 d"  # 3 days: past the team's target too
    # Exactly at the limit counts as past it; a minute before does not.
    assert row_needs(row(), now=RECEIVED + DAY, amber_after=DAY).amber
    assert not row_needs(row(), now=RECEIVED + DAY - timedelta(minutes=1), amber_after=DAY).amber


def test_answered_done_spam_and_hidden_leads_do_not_wait() -> None:
    now = RECEIVED + 5 * DAY
    answered = row(status="waiting", last_outbound_at=RECEIVED + DAY)
    for quiet in (answered, row(status="done"), row(status="spam"), row(is_submission=False)):
        needs = row_needs(quiet, now=now, amber_after=DAY)
        assert (needs.waiting, needs.waiting_text, needs.amber) == (None, "", False)
    assert row_needs(answered, now=now, amber_after=DAY).badge == "Waiting"
    assert row_needs(row(status="spam"), now=now, amber_after=DAY).badge == "Spam"
    assert row_needs(row(is_submission=False), now=now, amber_after=DAY).badge == "Not a lead"


def test_an_answer_to_our_reply_waits_from_the_visitors_latest_mail() -> None:
    again = row(status="open", last_outbound_at=RECEIVED + DAY, first_answered_at=RECEIVED + DAY,
                last_inbound_at=RECEIVED + 2 * DAY, unread=True)
    assert waiting_since(again) == RECEIVED + 2 * DAY
    needs = row_needs(again, now=RECEIVED + 3 * DAY, amber_after=2 * DAY)
    assert (needs.waiting_text, needs.amber, needs.unread) == ("waiting 1 d", False, True)
    assert needs.describe() == "Open · unread · waiting 1 d"


def test_overdue_follows_the_teams_business_hours_not_the_amber_setting() -> None:
    # Tuesday 09:00 is exactly one business day (Monday 09:00-17:00) after arrival: not more.
    on_time = row_needs(row(), now=TUESDAY_9, amber_after=DAY, policy=POLICY)
    late = row_needs(row(), now=TUESDAY_9 + timedelta(minutes=1), amber_after=DAY, policy=POLICY)
    assert (on_time.overdue, late.overdue) == (False, True)
    assert late.waiting_text == "waiting 1 d"  # the time shown is still the wall-clock wait
    assert late.describe() == f"New · {OVERDUE_BADGE[0]} · waiting 1 d"
    assert on_time.describe() == "New · waiting 1 d"
    # Monday 17:00 + a whole night: 16 wall-clock hours but no business time; amber is separate.
    night = row_needs(row(), now=TUESDAY_9 - timedelta(minutes=1), amber_after=timedelta(hours=1),
                      policy=POLICY)
    assert (night.amber, night.overdue) == (True, False)
    # Answered, done, spam and not-a-lead are never overdue however long ago they came.
    much_later = TUESDAY_9 + 30 * DAY
    for quiet in (row(first_answered_at=RECEIVED + timedelta(hours=1)), row(status="done"),
                  row(status="spam"), row(is_submission=False)):
        assert not row_needs(quiet, now=much_later, amber_after=DAY, policy=POLICY).overdue
