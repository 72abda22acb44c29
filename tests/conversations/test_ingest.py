"""Threading at ingest: answers join their lead (headers, else sender + subject), never a new row;
status, unread and counts follow; erased leads stay erased."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from leaddesk import contacts
from leaddesk.conversations import headers, threads
from leaddesk.db import Database
from leaddesk.db.models import Account, Message, Submission
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import BatchResult, Incoming, store_batch
from tests.support.conversation import WHEN, answer, our_reply
from tests.support.factories import make_submission
from tests.support.mail import notification

NOTIFICATION = "<notification-1@example-pharma-agency.com>"
REPLY = "<reply-1@example-agency.com>"


def put(db: Database, raw: bytes, key: str, account_id: int | None = None) -> BatchResult:
    return store_batch(db, [Incoming(key, raw, parse_message(raw))], account_id=account_id)


def lead_with_reply(db: Database, *, status: str = "waiting") -> int:
    put(db, notification(1, name="Nadia Benali", email="nadia@example.net"), "imap:1:INBOX:1:1")
    with db.session() as s:
        lead = s.execute(select(Submission)).scalar_one()
        our_reply(s, lead, message_id=REPLY)
        lead.status = status
        return lead.id


def rows(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Submission)).scalar_one())


def state(db: Database, lead_id: int) -> tuple[str, bool, int]:
    with db.session() as s:
        lead = s.get(Submission, lead_id)
        assert lead is not None
        return lead.status, lead.unread, lead.message_count


def test_an_answer_to_our_reply_joins_the_lead_and_reopens_it(db: Database) -> None:
    lead = lead_with_reply(db)
    result = put(db, answer(1, to_message=REPLY), "imap:1:INBOX:1:2")
    assert (result.added, result.threaded) == (0, 1)
    assert [a.who for a in result.answers] == ["Nadia Benali"]
    assert rows(db) == 1
    assert state(db, lead) == ("open", True, 3)
    with db.session() as s:
        got = s.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert (got.from_addr, got.subject) == ("nadia@example.net", "Re: Patient engagement")
        assert got.body_text.startswith("Yes please")
        lead_row = s.get(Submission, lead)
        assert lead_row is not None
        assert lead_row.last_inbound_at == got.sent_at


def test_naming_the_notification_or_an_earlier_answer_also_joins(db: Database) -> None:
    lead = lead_with_reply(db)
    put(db, answer(1, to_message=NOTIFICATION), "k:2")
    # The second answer names only the first answer: any message of the conversation counts.
    put(db, answer(2, to_message="<answer-1@example.net>"), "k:3")
    assert rows(db) == 1
    assert state(db, lead)[2] == 4


def test_without_headers_the_subject_and_sender_match_within_30_days(db: Database) -> None:
    lead = lead_with_reply(db)
    result = put(db, answer(1, to_message=None, quote=False), "k:2")
    assert result.threaded == 1
    assert state(db, lead)[2] == 3
    late = put(db, answer(2, to_message=None, when=WHEN + timedelta(days=31)), "k:3")
    assert late.threaded == 0
    other = put(db, answer(3, to_message=None, subject="Re: something else"), "k:4")
    assert other.threaded == 0
    stranger = put(db, answer(4, to_message=None, visitor="Eve <eve@example.org>"), "k:5")
    assert stranger.threaded == 0
    assert state(db, lead)[2] == 3


def test_the_same_answer_twice_is_stored_once(db: Database) -> None:
    lead = lead_with_reply(db)
    put(db, answer(1, to_message=REPLY), "imap:1:INBOX:1:2")
    again = put(db, answer(1, to_message=REPLY), "imap:1:INBOX:1:2")
    moved = put(db, answer(1, to_message=REPLY), "imap:1:INBOX:2:7")  # after a UIDVALIDITY reset
    assert (again.threaded, again.duplicates) == (0, 1)
    assert (moved.threaded, moved.duplicates) == (0, 1)
    assert state(db, lead)[2] == 3


def test_the_mailbox_may_keep_the_status(db: Database) -> None:
    with db.session() as s:
        account = Account(name="site", kind="imap", settings={"on_answer": "keep"})
        s.add(account)
        s.flush()
        account_id = account.id
    lead = lead_with_reply(db, status="done")
    put(db, answer(1, to_message=REPLY), "k:2", account_id)
    assert state(db, lead) == ("done", True, 3)


def test_an_answer_to_an_erased_lead_is_not_resurrected(db: Database) -> None:
    lead_with_reply(db)
    with db.session() as s:
        contacts.erase_contact(s, "nadia@example.net", actor="Ada")
    result = put(db, answer(1, to_message=REPLY), "k:2")
    assert (result.added, result.threaded, result.erased) == (0, 0, 1)
    assert rows(db) == 0


def test_an_api_lead_gets_answers_through_the_mailbox(db: Database) -> None:
    with db.session() as s:
        lead = make_submission(s, message_id=None, source_key="api:1:77",
                               visitor_email="nadia@example.net", status="waiting")
        our_reply(s, lead, message_id=REPLY)
        lead_id = lead.id
    result = put(db, answer(1, to_message=REPLY), "imap:1:INBOX:1:1")
    assert result.threaded == 1
    assert state(db, lead_id) == ("open", True, 3)


def test_a_new_submission_is_never_taken_for_an_answer(db: Database) -> None:
    lead_with_reply(db)
    result = put(db, notification(2, name="Nadia Benali", email="nadia@example.net"), "k:9")
    assert (result.added, result.threaded) == (1, 0)


def test_an_answer_older_than_our_last_reply_changes_nothing(db: Database) -> None:
    lead = lead_with_reply(db)
    result = put(db, answer(1, to_message=REPLY, when=WHEN - timedelta(hours=1)), "k:2")
    assert (result.threaded, result.answers) == (1, [])
    assert state(db, lead) == ("waiting", False, 3)


def test_mail_from_our_own_address_joins_as_outbound(db: Database) -> None:
    lead = lead_with_reply(db)
    with db.session() as s:
        s.add(Account(name="me", kind="smtp", settings={"from_address": "bob@example-agency.com"}))
    result = put(db, answer(1, to_message=REPLY, visitor="Bob <bob@example-agency.com>"), "k:2")
    assert (result.threaded, result.answers) == (1, [])
    assert state(db, lead) == ("waiting", False, 3)
    with db.session() as s:
        assert s.execute(select(Message.direction).where(
            Message.from_addr == "bob@example-agency.com")).scalar_one() == "out"


def test_the_notification_met_again_is_a_duplicate_not_a_message(db: Database) -> None:
    lead = lead_with_reply(db)
    raw = notification(1, name="Nadia Benali", email="nadia@example.net")
    # The same notification in another folder, now carrying a thread header.
    raw = raw.replace(b"MIME-Version", f"In-Reply-To: {REPLY}\r\nMIME-Version".encode(), 1)
    result = put(db, raw, "imap:1:Archive:1:1")
    assert (result.added, result.threaded, result.duplicates) == (0, 0, 1)
    assert state(db, lead)[2] == 2


def test_an_answer_reopens_a_done_lead_too(db: Database) -> None:
    lead = lead_with_reply(db, status="done")
    put(db, answer(1, to_message=REPLY), "k:2")
    assert state(db, lead) == ("open", True, 3)


def test_mail_to_a_visitor_before_their_lead_arrived_is_not_theirs(db: Database) -> None:
    lead_with_reply(db)  # the lead arrived on 2 March
    earlier = headers.read(b"To: nadia@example.net\r\nDate: Sun, 1 Mar 2026 10:00:00 +0000\r\n\r\n")
    later = headers.read(b"To: Nadia <NADIA@example.net>\r\nDate: Wed, 4 Mar 2026 10:00:00 +0000"
                         b"\r\n\r\n")
    stranger = headers.read(b"To: eve@example.org\r\nDate: Wed, 4 Mar 2026 10:00:00 +0000\r\n\r\n")
    with db.session() as s:
        found = threads.by_recipient(s, [earlier, later, stranger])
    assert list(found) == [1]


def test_an_auto_reply_is_no_answer(db: Database) -> None:
    lead = lead_with_reply(db)
    raw = answer(1, to_message=REPLY).replace(b"MIME-Version", b"Auto-Submitted: auto-replied\r\n"
                                              b"MIME-Version", 1)
    result = put(db, raw, "k:2")
    assert (result.threaded, result.added) == (0, 1)  # kept as a hidden mail, with its reason
    assert state(db, lead) == ("waiting", False, 2)


def test_a_colleague_writing_to_the_visitor_from_elsewhere_is_outbound(db: Database) -> None:
    lead = lead_with_reply(db)
    raw = answer(1, to_message=REPLY, visitor="Lea <lea@example-agency.com>").replace(
        b"To: team@example-agency.com", b"To: nadia@example.net", 1)
    result = put(db, raw, "k:2")
    assert (result.threaded, result.answers) == (1, [])
    assert state(db, lead) == ("waiting", False, 3)


def test_an_answer_in_the_same_batch_as_its_notification_joins_it(db: Database) -> None:
    raws = [answer(1, to_message=NOTIFICATION),  # first in the batch, as an import may order it
            notification(1, name="Nadia Benali", email="nadia@example.net")]
    result = store_batch(db, [Incoming(f"k:{n}", raw, parse_message(raw))
                              for n, raw in enumerate(raws)], account_id=None)
    assert (result.added, result.threaded) == (1, 1)
    assert rows(db) == 1
