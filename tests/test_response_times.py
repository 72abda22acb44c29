"""Response times per lead: first answer from a LeadDesk reply, a Sent-folder copy and a
colleague's mail met at ingest; time to done from the audit log; overdue on both sides of the
target, in Python (the list's badge) and in SQL (the filter), which must agree; the team-wide
policy stored in the database; erasure and contact merges."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from leaddesk import contacts, query, response_times, triage
from leaddesk.business_hours import BusinessHours
from leaddesk.conversations import headers, threads
from leaddesk.conversations.record import NewMessage, add_messages
from leaddesk.db import Database
from leaddesk.db.models import Contact, Submission
from leaddesk.errors import ValidationError
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, store_batch
from leaddesk.response_times import ResponsePolicy
from tests.support.conversation import answer, mail, our_reply
from tests.support.factories import make_submission
from tests.support.mail import notification

STOCKHOLM = ZoneInfo("Europe/Stockholm")
POLICY = ResponsePolicy(BusinessHours("Europe/Stockholm"), 8.0)  # Mon-Fri 09:00-17:00
MONDAY_9 = datetime(2026, 3, 2, 9, tzinfo=STOCKHOLM)  # 08:00 UTC
NOTIFICATION = "<notification-1@example-pharma-agency.com>"


@pytest.fixture(autouse=True)
def _default_policy() -> Iterator[None]:
    """The active policy is per process: each test starts from the defaults."""
    response_times.activate(ResponsePolicy())
    yield
    response_times.activate(ResponsePolicy())


def first_answered(db: Database, lead_id: int) -> datetime | None:
    with db.session() as s:
        return s.execute(select(Submission.first_answered_at).where(
            Submission.id == lead_id)).scalar_one()


def sent_copy(lead_id: int, *, when: datetime, n: int = 1) -> NewMessage:
    """The team's mail to the visitor, as the Sent-folder sync adds it."""
    raw = mail(sender="Bob <bob@example-agency.com>", to="visitor@example.net",
               subject="Re: hello", message_id=f"<sent-{n}@example-agency.com>", body="On it.",
               when=when)
    return NewMessage(submission_id=lead_id, direction="out", headers=headers.read(raw),
                      text="On it.", raw=raw, source_key=f"imap:1:Sent:1:{n}")


def test_a_leaddesk_reply_is_the_first_answer_and_later_ones_do_not_move_it(db: Database) -> None:
    with db.session() as s:
        lead = make_submission(s, received_at=MONDAY_9)
        lead_id = lead.id
        assert lead.first_answered_at is None
        our_reply(s, lead, message_id="<r1@example-agency.com>",
                  when=MONDAY_9 + timedelta(hours=2))
        our_reply(s, lead, message_id="<r2@example-agency.com>",
                  when=MONDAY_9 + timedelta(hours=5))
    assert first_answered(db, lead_id) == MONDAY_9 + timedelta(hours=2)
    with db.session() as s:
        (row,) = query.rows_by_ids(s, [lead_id])
        times = response_times.lead_times(row, None, MONDAY_9 + timedelta(days=3), POLICY)
    assert times.time_to_first_answer_s == 2 * 3600
    assert (times.overdue, times.waiting_s) == (False, None)


def test_a_sent_folder_copy_older_than_our_reply_becomes_the_first_answer(db: Database) -> None:
    with db.session() as s:
        lead = make_submission(s, received_at=MONDAY_9)
        lead_id = lead.id
        our_reply(s, lead, message_id="<r1@example-agency.com>",
                  when=MONDAY_9 + timedelta(hours=3))
    # A colleague answered from Thunderbird an hour earlier; the Sent folder is read afterwards.
    with db.session() as s:
        new = [sent_copy(lead_id, when=MONDAY_9 + timedelta(hours=1))]
        add_messages(s, new, threads.load(s, [m.headers for m in new]))
    assert first_answered(db, lead_id) == MONDAY_9 + timedelta(hours=1)
    # A later copy, and the visitor's answer, leave it alone.
    with db.session() as s:
        new = [sent_copy(lead_id, when=MONDAY_9 + timedelta(hours=6), n=2)]
        add_messages(s, new, threads.load(s, [m.headers for m in new]))
    assert first_answered(db, lead_id) == MONDAY_9 + timedelta(hours=1)


def test_the_visitors_answer_is_not_an_answer_but_a_colleagues_mail_at_ingest_is(
        db: Database) -> None:
    raw = notification(1, name="Nadia Benali", email="nadia@example.net", when=MONDAY_9)
    store_batch(db, [Incoming("imap:1:INBOX:1:1", raw, parse_message(raw))], account_id=None)
    with db.session() as s:
        lead_id = s.execute(select(Submission.id)).scalar_one()
    visitor = answer(1, to_message=NOTIFICATION, when=MONDAY_9 + timedelta(hours=1))
    store_batch(db, [Incoming("k:2", visitor, parse_message(visitor))], account_id=None)
    assert first_answered(db, lead_id) is None
    colleague = answer(2, to_message=NOTIFICATION, visitor="Lea <lea@example-agency.com>",
                       when=MONDAY_9 + timedelta(hours=4)).replace(
        b"To: team@example-agency.com", b"To: nadia@example.net", 1)
    result = store_batch(db, [Incoming("k:3", colleague, parse_message(colleague))],
                         account_id=None)
    assert result.threaded == 1
    assert first_answered(db, lead_id) == MONDAY_9 + timedelta(hours=4)


def test_time_to_done_is_the_last_move_to_done_while_done(db: Database) -> None:
    with db.session() as s:
        lead_id = make_submission(s, received_at=datetime.now(UTC) - timedelta(days=10)).id
    with db.session() as s:
        assert response_times.done_times(s, [lead_id]) == {}
        triage.set_status(s, lead_id, "done", actor="Ada")
    with db.session() as s:
        first_done = response_times.done_times(s, [lead_id])[lead_id]
        triage.set_status(s, lead_id, "open", actor="LeadDesk sync")
    with db.session() as s:
        assert response_times.done_times(s, [lead_id]) == {}  # reopened: not done
        triage.set_status(s, lead_id, "done", actor="Ada")
    with db.session() as s:
        again = response_times.done_times(s, [lead_id])[lead_id]
        assert again >= first_done
        (row,) = query.rows_by_ids(s, [lead_id])
        times = response_times.for_lead(s, row, lead_id)
    assert times.done_at == again
    # The stored policy (none saved: the defaults) measured it.
    assert times.time_to_done_s == response_times.active().business_seconds(row.received_at, again)
    assert times.overdue is False  # done is never overdue


def test_time_to_done_in_business_hours(db: Database) -> None:
    with db.session() as s:
        lead = make_submission(s, received_at=MONDAY_9, status="done")
        row = query.rows_by_ids(s, [lead.id])[0]
    done_at = datetime(2026, 3, 3, 11, tzinfo=STOCKHOLM)  # Tuesday 11:00: 8 h + 2 h
    times = response_times.lead_times(row, done_at, done_at, POLICY)
    assert (times.time_to_done_s, times.as_json()["time_to_done_s"]) == (10 * 3600, 36000)


def overdue_ids(db: Database, now: datetime, policy: ResponsePolicy = POLICY) -> list[int]:
    with db.session() as s:
        return sorted(query.ids(s, query.Filter(overdue=True,
                                                overdue_before=policy.overdue_before(now))))


@pytest.mark.parametrize(("now", "late"), [
    (datetime(2026, 3, 3, 9, tzinfo=STOCKHOLM), False),  # exactly 8 business hours: not over
    (datetime(2026, 3, 3, 9, 0, 1, tzinfo=STOCKHOLM), True),  # one second more
    (datetime(2026, 3, 2, 23, tzinfo=STOCKHOLM), False),  # the evening does not count
])
def test_overdue_on_both_sides_of_the_target(db: Database, now: datetime, late: bool) -> None:
    with db.session() as s:
        lead = make_submission(s, received_at=MONDAY_9)
        row = query.rows_by_ids(s, [lead.id])[0]
        lead_id = lead.id
    assert response_times.overdue(row, now, POLICY) is late
    assert overdue_ids(db, now) == ([lead_id] if late else [])
    with db.session() as s:  # the opposite filter holds exactly the others
        assert list(query.ids(s, query.Filter(overdue=False, overdue_before=POLICY.overdue_before(
            now)))) == ([] if late else [lead_id])


def test_answered_done_spam_and_hidden_leads_are_never_overdue(db: Database) -> None:
    now = datetime(2026, 3, 20, 12, tzinfo=UTC)
    with db.session() as s:
        waiting = make_submission(s, received_at=MONDAY_9, status="waiting").id
        make_submission(s, received_at=MONDAY_9, status="done")
        make_submission(s, received_at=MONDAY_9, status="spam")
        make_submission(s, received_at=MONDAY_9, is_submission=False)
        answered = make_submission(s, received_at=MONDAY_9)
        our_reply(s, answered, message_id="<late@example-agency.com>", when=now)
        rows = query.rows_by_ids(s, [waiting, answered.id])
    assert overdue_ids(db, now) == [waiting]
    assert [response_times.overdue(r, now, POLICY) for r in rows] == [True, False]
    with db.session() as s:  # a count agrees with the list (no shortcut through facet counts)
        assert query.count(s, query.Filter(overdue=True,
                                           overdue_before=POLICY.overdue_before(now))) == 1


def test_a_filter_without_a_deadline_uses_the_active_policy(db: Database) -> None:
    # 15 hours ago for a team that always works: overdue after 8 hours, not after 20.
    received = datetime.now(UTC) - timedelta(hours=15)
    always = BusinessHours("UTC", (((0, 1440),),) * 7)
    with db.session() as s:
        lead_id = make_submission(s, received_at=received).id
    response_times.activate(ResponsePolicy(always, 8))
    with db.session() as s:
        assert list(query.ids(s, query.Filter(overdue=True))) == [lead_id]
    response_times.activate(ResponsePolicy(always, 20))
    with db.session() as s:
        assert list(query.ids(s, query.Filter(overdue=True))) == []


def test_the_policy_is_stored_for_the_whole_team(db_url: str) -> None:
    mine, theirs = Database.open(db_url), Database.open(db_url)
    try:
        with mine.session() as s:
            assert response_times.load_policy(s) == ResponsePolicy()  # nothing saved: defaults
            change = response_times.save_policy(s, POLICY, actor="Ada")
        assert change.kind == "setting"
        response_times.activate(ResponsePolicy())
        with theirs.session() as s:  # another desktop on the same database
            assert response_times.load_policy(s) == POLICY
        assert response_times.active() == POLICY
        tighter = ResponsePolicy(POLICY.hours, 4)
        with theirs.session() as s:
            response_times.save_policy(s, tighter, actor="Bob")
        with mine.session() as s:
            assert response_times.load_policy(s).target_hours == 4
            flt = response_times.resolve(s, query.Filter(overdue=True),
                                         datetime(2026, 3, 3, 9, tzinfo=STOCKHOLM))
        assert flt.overdue_before == datetime(2026, 3, 2, 13, tzinfo=STOCKHOLM)
    finally:
        mine.close()
        theirs.close()


def test_a_target_out_of_range_is_refused() -> None:
    for hours in (0, -1, 24 * 366):
        with pytest.raises(ValidationError, match="response target"):
            ResponsePolicy(POLICY.hours, hours)
    with pytest.raises(ValidationError, match="not a number"):
        ResponsePolicy.from_json({"target_hours": "soon"})
    assert ResponsePolicy.from_json(POLICY.as_json()) == POLICY


def test_erasure_and_contact_merge(db: Database) -> None:
    with db.session() as s:
        keep = Contact(email="nadia@example.net")
        drop = Contact(email="nadia@work.example")
        gone = Contact(email="erase@example.net")
        s.add_all([keep, drop, gone])
        s.flush()
        kept = make_submission(s, received_at=MONDAY_9, contact_id=keep.id)
        moved = make_submission(s, received_at=MONDAY_9, contact_id=drop.id)
        erased = make_submission(s, received_at=MONDAY_9, contact_id=gone.id)
        our_reply(s, moved, message_id="<m@example-agency.com>", when=MONDAY_9 + timedelta(hours=1))
        ids = (keep.id, drop.id, kept.id, moved.id, erased.id)
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    assert overdue_ids(db, now) == sorted([ids[2], ids[4]])
    with db.session() as s:
        contacts.merge_contacts(s, ids[0], ids[1], actor="Ada")
        contacts.erase_contact(s, "erase@example.net", actor="Ada")
    assert first_answered(db, ids[3]) == MONDAY_9 + timedelta(hours=1)  # moved with its lead
    assert overdue_ids(db, now) == [ids[2]]  # the erased lead is gone, nothing else changed
