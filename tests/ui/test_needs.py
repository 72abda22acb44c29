"""What a list row says needs doing: the status badge, the unread dot, "waiting 3 d" and its amber."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from leaddesk.query import SubmissionRow

from leaddesk.ui.needs import row_needs, waiting_since

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
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
    assert (early.badge, early.waiting_text, early.overdue) == ("New", "waiting 5 h", False)
    late = row_needs(row(), now=RECEIVED + 3 * DAY, amber_after=DAY)
    assert (late.waiting_text, late.overdue) == ("waiting 3 d", True)
    assert late.describe() == "New · waiting 3 d"
    # Exactly at the limit counts as past it; a minute before does not.
    assert row_needs(row(), now=RECEIVED + DAY, amber_after=DAY).overdue
    assert not row_needs(row(), now=RECEIVED + DAY - timedelta(minutes=1), amber_after=DAY).overdue


def test_answered_done_spam_and_hidden_leads_do_not_wait() -> None:
    now = RECEIVED + 5 * DAY
    answered = row(status="waiting", last_outbound_at=RECEIVED + DAY)
    for quiet in (answered, row(status="done"), row(status="spam"), row(is_submission=False)):
        needs = row_needs(quiet, now=now, amber_after=DAY)
        assert (needs.waiting, needs.waiting_text, needs.overdue) == (None, "", False)
    assert row_needs(answered, now=now, amber_after=DAY).badge == "Waiting"
    assert row_needs(row(status="spam"), now=now, amber_after=DAY).badge == "Spam"
    assert row_needs(row(is_submission=False), now=now, amber_after=DAY).badge == "Not a lead"


def test_an_answer_to_our_reply_waits_from_the_visitors_latest_mail() -> None:
    again = row(status="open", last_outbound_at=RECEIVED + DAY,
                last_inbound_at=RECEIVED + 2 * DAY, unread=True)
    assert waiting_since(again) == RECEIVED + 2 * DAY
    needs = row_needs(again, now=RECEIVED + 3 * DAY, amber_after=2 * DAY)
    assert (needs.waiting_text, needs.overdue, needs.unread) == ("waiting 1 d", False, True)
    assert needs.describe() == "Open · unread · waiting 1 d"
