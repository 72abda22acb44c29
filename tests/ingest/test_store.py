"""The store pipeline: dedup, contacts, posts, tombstones and atomic batches."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import contacts
from leaddesk.db import Database
from leaddesk.db.models import Contact, Post, Submission, SyncState, TopicMapping
from leaddesk.ingest.parse import PARSER_VERSION, parse_message
from leaddesk.ingest.store import Incoming, fingerprint, merge_batches, store_all, store_batch
from leaddesk.progress import Cancelled, CancelToken
from tests.ingest.parse.eml import raw as raw_fixture
from tests.support.factories import make_account
from tests.support.mail import notification


def item(n: int, key: str | None = None, **kwargs: object) -> Incoming:
    raw = notification(n, **kwargs)  # type: ignore[arg-type]
    return Incoming(key or f"test:{n}", raw, parse_message(raw))


def count(db: Database) -> int:
    with db.session() as s:
        return int(s.execute(select(func.count()).select_from(Submission)).scalar_one())


def test_same_source_key_twice_is_one_submission(db: Database) -> None:
    assert store_batch(db, [item(1)], account_id=None).added == 1
    again = store_batch(db, [item(1)], account_id=None)
    assert (again.added, again.duplicates) == (0, 1)
    assert count(db) == 1


def test_same_message_id_from_another_source_is_one_submission(db: Database) -> None:
    store_batch(db, [item(1, "imap:1:INBOX:1:1")], account_id=None)
    result = store_batch(db, [item(1, "file:abc")], account_id=None)
    assert result.duplicates == 1
    assert count(db) == 1


def test_same_content_under_another_message_id_is_one_submission(db: Database) -> None:
    first = item(1)
    twin = replace(first, source_key="api:formspree:99",
                   draft=replace(first.draft, message_id="<other@example.net>"))
    assert fingerprint(first.draft) == fingerprint(twin.draft)
    store_batch(db, [first, twin], account_id=None)
    assert count(db) == 1


def test_contacts_are_upserted_by_normalised_email(db: Database) -> None:
    store_batch(db, [item(1, email="Zoe@Pharma.Example", name="Zoë"),
                     item(2, email="zoe@pharma.example", name="Zoë Müller")], account_id=None)
    with db.session() as s:
        people = s.execute(select(Contact)).scalars().all()
        assert len(people) == 1
        assert people[0].email == "zoe@pharma.example"
        assert people[0].name == "Zoë Müller"  # the newest message wins
        linked = s.execute(select(func.count()).select_from(Submission).where(
            Submission.contact_id == people[0].id)).scalar_one()
    assert linked == 2


def test_page_url_links_a_post(db: Database) -> None:
    raw = (b"From: site <wordpress@example-pharma-agency.com>\r\nSubject: New message\r\n"
           b"Message-ID: <p1@x>\r\n\r\nName: Ada\r\nEmail: ada@example.net\r\n"
           b"Page URL: https://www.example-pharma-agency.com/blog/imi/?utm_source=x#form\r\n"
           b"Message: Hello there, tell me more\r\n")
    store_batch(db, [Incoming("test:p", raw, parse_message(raw))], account_id=None)
    with db.session() as s:
        post = s.execute(select(Post)).scalar_one()
        sub = s.execute(select(Submission)).scalar_one()
    assert post.url == "https://www.example-pharma-agency.com/blog/imi/"
    assert sub.post_id == post.id


def test_erased_messages_do_not_come_back(db: Database) -> None:
    store_batch(db, [item(1)], account_id=None)
    with db.session() as s:
        contacts.erase_contact(s, "visitor1@example.net", actor="dpo")
    result = store_batch(db, [item(1), item(1, "imap:1:INBOX:9:1")], account_id=None)
    assert (result.added, result.erased) == (0, 2)
    assert count(db) == 0


def test_a_failing_batch_stores_nothing_and_keeps_the_old_state(db: Database) -> None:
    with db.session() as s:
        account_id = make_account(s, "site").id

    def advance(session: Session) -> None:
        session.add(SyncState(account_id=account_id, folder="INBOX", last_uid=2))
        session.flush()
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        store_batch(db, [item(1), item(2)], account_id=account_id, advance=advance)
    assert count(db) == 0
    with db.session() as s:
        assert s.execute(select(SyncState)).first() is None


def test_unparseable_mail_is_stored_with_its_reason(db: Database) -> None:
    raw = b"\x00\xff\xfe garbage without headers \x00"
    result = store_batch(db, [Incoming("test:g", raw, parse_message(raw),
                                       datetime(2026, 1, 1, tzinfo=UTC))], account_id=None)
    assert result.added == 1
    with db.session() as s:
        sub = s.execute(select(Submission)).scalar_one()
        assert sub.raw == raw
        assert sub.problems


def test_the_same_message_twice_in_one_batch_is_one_submission(db: Database) -> None:
    result = store_batch(db, [item(1, "a"), item(1, "b")], account_id=None)
    assert (result.added, result.duplicates) == (1, 1)


def test_mail_from_a_merged_address_finds_the_kept_contact(db: Database) -> None:
    store_batch(db, [item(1, email="zoe@work.example"), item(2, email="zoe@home.example")],
                account_id=None)
    with db.session() as s:
        keep, drop = (s.execute(select(Contact.id).where(Contact.email == e)).scalar_one()
                      for e in ("zoe@work.example", "zoe@home.example"))
        contacts.merge_contacts(s, keep, drop, actor="tester")
    store_batch(db, [item(3, email="zoe@home.example")], account_id=None)
    with db.session() as s:
        owners = set(s.execute(select(Submission.contact_id)).scalars())
        assert owners == {keep}
        assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == 1


def test_a_topic_field_is_marked_as_such_and_an_unresolved_post_waits(db: Database) -> None:
    def raw(n: int, topic: str | None) -> Incoming:
        data = (f"From: site <wordpress@example-pharma-agency.com>\r\nSubject: New message\r\n"
                f"Message-ID: <t{n}@x>\r\n\r\nName: Ada {n}\r\nEmail: ada{n}@example.net\r\n"
                + (f"Topic of interest: {topic}\r\n" if topic else "")
                + "Page URL: https://www.example-pharma-agency.com/blog/imi/\r\n"
                f"Message: Hello there, tell me more ({n})\r\n").encode()
        return Incoming(f"test:t{n}", data, parse_message(data))

    store_batch(db, [raw(1, "Market access"), raw(2, None)], account_id=None)
    with db.session() as s:
        subs = {sub.visitor_name: sub for sub in s.execute(select(Submission)).scalars()}
        post = s.execute(select(Post)).scalar_one()
    assert (subs["Ada 1"].topic, subs["Ada 1"].topic_source) == ("Market access", "field")
    # The post is not looked up yet (that happens after the sync): no topic, no snapshot yet.
    assert (subs["Ada 2"].topic, subs["Ada 2"].topic_source, subs["Ada 2"].post_snapshot) == (
        None, None, None)
    assert post.source is None
    assert post.fetched_at is None


def test_a_subject_becomes_the_topic_only_when_it_names_a_team_topic(db: Database) -> None:
    def raw(n: int, subject: str) -> Incoming:
        data = (f"From: site <wordpress@example-pharma-agency.com>\r\nSubject: New message\r\n"
                f"Message-ID: <s{n}@x>\r\n\r\nName: Bea {n}\r\nEmail: bea{n}@example.net\r\n"
                f"Subject: {subject}\r\nMessage: Hello there, tell me more ({n})\r\n").encode()
        return Incoming(f"test:s{n}", data, parse_message(data))

    with db.session() as s:
        s.add(TopicMapping(kind="tag", term="KOL", topic="Speakers bureaus"))
        s.add(Post(url="https://www.example-pharma-agency.com/blog/a/", categories=["Market Access"]))
    store_batch(db, [raw(1, "speakers bureaus"), raw(2, "Market access"),
                     raw(3, "Question on your article")], account_id=None)
    with db.session() as s:
        got = {sub.visitor_name: (sub.topic, sub.topic_source)
               for sub in s.execute(select(Submission)).scalars()}
    assert got == {"Bea 1": ("Speakers bureaus", "field"),  # a mapping's topic, as the team spells it
                   "Bea 2": ("Market Access", "field"),  # a category's default topic
                   "Bea 3": (None, None)}  # free text stays out of the topic filter


def test_a_batch_raced_by_another_writer_is_stored_again_not_failed(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process commits the same message between our dedup read and our insert: the unique
    key refuses the copy, and the batch is read again and counted as a duplicate, not an error."""
    from leaddesk.ingest import store

    store_batch(db, [item(1, email="ana@example.net")], account_id=None)  # "the other writer"
    real_known = store._known
    reads: list[int] = []

    def stale_first_read(session: Session, prepared: list[tuple[Incoming, str | None]]) -> store._Known:
        reads.append(1)
        # The first read happened before the other writer's commit: it saw nothing.
        return store._Known() if len(reads) == 1 else real_known(session, prepared)

    monkeypatch.setattr(store, "_known", stale_first_read)
    result = store_batch(db, [item(1, email="ana@example.net"), item(2, email="ana@example.net")],
                         account_id=None)
    assert len(reads) == 2
    assert (result.added, result.duplicates) == (1, 1)
    assert count(db) == 2
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == 1


def test_a_batch_and_its_state_go_to_the_databases_writer_in_one_transaction(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's writer runs each transaction in its database worker: the batch, its sync state
    and a race's retry all go through it, and the refused key comes back to be retried."""
    from leaddesk.ingest import store

    store_batch(db, [item(1, email="ana@example.net")], account_id=None)  # "the other writer"
    real_known = store._known
    reads: list[int] = []

    def stale_first_read(session: Session, prepared: list[tuple[Incoming, str | None]]) -> store._Known:
        reads.append(threading.get_ident())
        return store._Known() if len(reads) == 1 else real_known(session, prepared)

    monkeypatch.setattr(store, "_known", stale_first_read)
    with db.session() as s:
        account_id = make_account(s, "site").id
    advanced: list[int] = []

    def advance(session: Session) -> None:
        advanced.append(threading.get_ident())
        session.add(SyncState(account_id=account_id, folder="INBOX", last_uid=2))

    with ThreadPoolExecutor(1) as worker:
        writer = replace(db, writer=lambda work: worker.submit(work).result())
        result = store_batch(writer, [item(1, email="ana@example.net"),
                                      item(2, email="ana@example.net")],
                             account_id=account_id, advance=advance)
        (worker_thread,) = set(reads) | set(advanced)
    assert worker_thread != threading.get_ident()
    assert len(reads) == 2  # the refused first attempt, then the retry
    assert (result.added, result.duplicates) == (1, 1)
    with db.session() as s:
        assert s.execute(select(SyncState.last_uid)).scalar_one() == 2


# ------------------------------------------------------------------ one key at a time
# Each dedup key and each tombstone kind on its own: the second message shares exactly one key
# with the first, so losing that key's rule fails here even while the other two still work.
KEYS = ["source_key", "message_id", "content"]
SAME_TEXT = "Hello, could you send us the white paper on patient engagement?"


def twins(key: str) -> tuple[Incoming, Incoming]:
    """Two messages that share ``key`` and nothing else."""
    first = Incoming("imap:1:INBOX:7:1", notification(1, message=SAME_TEXT),
                     parse_message(notification(1, message=SAME_TEXT)))
    if key == "source_key":
        second = item(2, first.source_key)
    elif key == "message_id":
        other = item(2, "api:formspree:2")
        second = replace(other, draft=replace(other.draft, message_id=first.draft.message_id))
    else:
        raw = notification(2, email="visitor1@example.net", message=SAME_TEXT)
        second = Incoming("api:formspree:2", raw, parse_message(raw))
    shared = {"source_key": first.source_key == second.source_key,
              "message_id": first.draft.message_id == second.draft.message_id,
              "content": fingerprint(first.draft) == fingerprint(second.draft)}
    assert fingerprint(first.draft) is not None
    assert shared == {k: k == key for k in KEYS}
    return first, second


@pytest.mark.parametrize("key", KEYS)
def test_one_shared_key_makes_a_duplicate(db: Database, key: str) -> None:
    first, second = twins(key)
    store_batch(db, [first], account_id=None)
    again = store_batch(db, [second], account_id=None)
    assert (again.added, again.duplicates, again.erased) == (0, 1, 0)
    assert count(db) == 1


@pytest.mark.parametrize("key", KEYS)
def test_one_shared_key_within_a_batch_makes_a_duplicate(db: Database, key: str) -> None:
    first, second = twins(key)
    result = store_batch(db, [first, second], account_id=None)
    assert (result.added, result.duplicates, result.erased) == (1, 1, 0)
    assert count(db) == 1


@pytest.mark.parametrize("key", KEYS)
def test_one_shared_key_with_an_erased_message_keeps_it_erased(db: Database, key: str) -> None:
    first, second = twins(key)
    store_batch(db, [first], account_id=None)
    with db.session() as s:
        contacts.erase_contact(s, "visitor1@example.net", actor="dpo")
    result = store_batch(db, [second], account_id=None)
    assert (result.added, result.duplicates, result.erased) == (0, 0, 1)
    assert count(db) == 0


def test_messages_sharing_no_key_are_two_leads(db: Database) -> None:
    store_batch(db, [item(1)], account_id=None)
    with db.session() as s:
        contacts.erase_contact(s, "visitor1@example.net", actor="dpo")
    result = store_batch(db, [item(2), item(3)], account_id=None)
    assert (result.added, result.duplicates, result.erased) == (2, 0, 0)
    assert count(db) == 2


def test_messages_without_a_message_id_or_fingerprint_are_not_merged(db: Database) -> None:
    # No Message-ID and no fingerprint on either: only the source key may decide.
    bare = [replace(i, draft=replace(i.draft, message_id=None, body_text=""))
            for i in (item(1), item(2))]
    assert all(fingerprint(i.draft) is None for i in bare)
    assert store_batch(db, bare, account_id=None).added == 2


def without_thread_headers(data: bytes) -> bytes:
    return b"".join(line for line in data.splitlines(keepends=True)
                    if not line.lower().startswith((b"references:", b"in-reply-to:")))


@pytest.mark.parametrize("forward", ["forwarded_gmail", "forwarded_attachment"])
def test_a_forwarded_copy_of_a_stored_notification_is_the_same_lead(db: Database, forward: str) -> None:
    # The site mailed the owner and the leads mailbox; the owner forwards her copy to the mailbox as
    # well. Another Message-ID, another sender, no thread header: the visitor's address and message
    # (the fingerprint) make it one lead.
    original, copy = raw_fixture("cf7_current"), without_thread_headers(raw_fixture(forward))
    assert fingerprint(parse_message(copy)) == fingerprint(parse_message(original)) is not None
    assert store_batch(db, [Incoming("file:original", original, parse_message(original))],
                       account_id=None).added == 1
    again = store_batch(db, [Incoming("file:forward", copy, parse_message(copy))], account_id=None)
    assert (again.added, again.duplicates) == (0, 1)
    assert count(db) == 1


def test_a_forward_naming_the_notification_in_its_thread_headers_joins_the_lead(db: Database) -> None:
    # Gmail's forward names the forwarded message in References: it joins the lead's conversation
    # (the colleague's note shows there), and is no second lead either.
    original, copy = raw_fixture("cf7_current"), raw_fixture("forwarded_gmail")
    store_batch(db, [Incoming("file:original", original, parse_message(original))], account_id=None)
    again = store_batch(db, [Incoming("file:forward", copy, parse_message(copy))], account_id=None)
    assert (again.added, again.duplicates, again.threaded) == (0, 0, 1)
    assert count(db) == 1


# ------------------------------------------------------------------ what a fingerprint covers
def test_the_fingerprint_ignores_spacing_and_case_only() -> None:
    base = item(1).draft
    spaced = replace(base, body_text="  " + base.body_text.replace(" ", " \n\t ").upper() + " ",
                     visitor_email=(base.visitor_email or "").upper())
    assert fingerprint(spaced) == fingerprint(base)
    assert fingerprint(replace(base, body_text=base.body_text + ".")) != fingerprint(base)
    assert fingerprint(replace(base, visitor_email="other@example.net")) != fingerprint(base)


@pytest.mark.parametrize("change", [{"is_submission": False}, {"visitor_email": None},
                                    {"visitor_email": ""}, {"body_text": " \n "}])
def test_no_fingerprint_without_a_submission_an_email_and_a_message(change: dict[str, object]) -> None:
    # Without all three, two different messages could look alike and one would be lost.
    assert fingerprint(replace(item(1).draft, **change)) is None  # type: ignore[arg-type]


def test_a_mail_that_is_not_a_submission_makes_no_contact(db: Database) -> None:
    bounce = item(1)
    bounce = replace(bounce, draft=replace(bounce.draft, is_submission=False,
                                           not_submission_reason="auto-reply"))
    assert store_batch(db, [bounce], account_id=None).added == 1
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == 0
        sub = s.execute(select(Submission)).scalar_one()
        assert sub.contact_id is None
        assert "not a form submission: auto-reply" in sub.problems
        assert sub.not_submission_reason == "auto-reply"


def visitor(n: int, email: str, name: str, day: int, phone: str | None = None,
            company: str | None = None) -> Incoming:
    """Message ``n`` from one person, sent on March ``day``."""
    incoming = item(n, email=email, name=name, when=datetime(2026, 3, day, 9, 0, tzinfo=UTC))
    return replace(incoming, draft=replace(incoming.draft, visitor_phone=phone,
                                           visitor_company=company))


def the_contact(db: Database) -> Contact:
    with db.session() as s:
        return s.execute(select(Contact)).scalar_one()


def test_an_older_message_fills_gaps_but_never_overwrites_newer_details(db: Database) -> None:
    store_batch(db, [visitor(2, "zoe@pharma.example", "Zoë Müller", 5)], account_id=None)
    store_batch(db, [visitor(1, "zoe@pharma.example", "Z. M.", 1, "+46 31 555 21 80", "Pharma AB")],
                account_id=None)
    person = the_contact(db)
    assert (person.name, person.phone, person.company) == ("Zoë Müller", "+46 31 555 21 80",
                                                          "Pharma AB")
    assert person.first_seen_at is not None
    assert person.last_seen_at is not None
    assert (person.first_seen_at.date().isoformat(), person.last_seen_at.date().isoformat()) == (
        "2026-03-01", "2026-03-05")
    # A message as new as the last one still counts as the newest.
    same_time = item(3, email="zoe@pharma.example", name="Zoë M.",
                     when=datetime(2026, 3, 5, 9, 0, tzinfo=UTC))
    store_batch(db, [replace(same_time, received_at=person.last_seen_at)], account_id=None)
    with db.session() as s:
        assert s.execute(select(Contact.name)).scalar_one() == "Zoë M."


# ------------------------------------------------------------------ batches with a reporter
class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[object, ...]] = []

    def started(self, what: str, total: int | None) -> None:
        self.events.append(("started", what, total))

    def progress(self, done: int, total: int | None) -> None:
        self.events.append(("progress", done, total))

    def item_failed(self, item: str, reason: str) -> None:
        self.events.append(("failed", item, reason))

    def finished(self, summary: str) -> None:
        self.events.append(("finished", summary))


def test_store_all_adds_up_the_batches_and_reports_each(db: Database) -> None:
    store_batch(db, [item(9)], account_id=None)
    with db.session() as s:
        contacts.erase_contact(s, "visitor9@example.net", actor="dpo")
    store_batch(db, [item(1)], account_id=None)
    reporter = Recorder()
    batches = [([item(1), item(2)], None), ([item(3), item(9)], None), ([item(4)], None)]
    result = store_all(db, batches, account_id=None, what="sync site", total=5, reporter=reporter)
    assert (result.added, result.duplicates, result.erased) == (3, 1, 1)
    assert len(result.added_ids) == 3
    assert reporter.events == [
        ("started", "sync site", 5), ("progress", 2, 5), ("progress", 4, 5), ("progress", 5, 5),
        ("finished", "sync site: 3 added, 1 already there, 1 erased earlier")]


def test_store_all_without_erasures_says_nothing_about_them(db: Database) -> None:
    reporter = Recorder()
    store_all(db, [([item(1)], None)], account_id=None, what="import", reporter=reporter)
    assert reporter.events[-1] == ("finished", "import: 1 added, 0 already there")


def test_store_all_stops_between_batches_when_cancelled(db: Database) -> None:
    cancel = CancelToken()
    reporter = Recorder()

    def batches() -> Iterator[tuple[list[Incoming], None]]:
        try:
            yield [item(1)], None
            cancel.cancel()
            yield [item(2)], None
        finally:
            reporter.events.append(("source closed",))

    with pytest.raises(Cancelled):
        store_all(db, batches(), account_id=None, what="sync", reporter=reporter, cancel=cancel)
    assert count(db) == 1  # the first batch is kept, the second never stored
    # The source is closed by store_all itself, in this thread, before the summary.
    assert reporter.events[-2:] == [("source closed",),
                                    ("finished", "sync: 1 added, 0 already there")]


def test_store_all_advances_the_state_with_each_batch(db: Database) -> None:
    with db.session() as s:
        account_id = make_account(s, "site").id

    def advance_to(uid: int) -> Callable[[Session], None]:
        def advance(session: Session) -> None:
            state = session.execute(select(SyncState)).scalar()
            if state is None:
                state = SyncState(account_id=account_id, folder="INBOX")
                session.add(state)
            state.last_uid = uid
        return advance

    store_all(db, [([item(1)], advance_to(1)), ([item(2)], advance_to(2))], account_id=account_id,
              what="sync")
    with db.session() as s:
        assert [st.last_uid for st in s.execute(select(SyncState)).scalars()] == [2]
        assert set(s.execute(select(Submission.account_id)).scalars()) == {account_id}


# ------------------------------------------------------------------ contacts and posts in one batch
def with_post(n: int, url: str | None, title: str | None = None) -> Incoming:
    """Message ``n`` from ``url``, with no topic of its own: only the post can give it one."""
    incoming = item(n)
    return replace(incoming, draft=replace(incoming.draft, page_url=url, post_title=title,
                                           topic=None, topic_hint=None))


def test_a_newer_message_moves_last_seen_and_keeps_first_seen(db: Database) -> None:
    store_batch(db, [visitor(1, "ana@example.net", "Ana", 1, "+34 91 555 0101")], account_id=None)
    store_batch(db, [visitor(2, "ana@example.net", "Ana Ruiz", 7)], account_id=None)
    person = the_contact(db)
    assert (person.name, person.phone) == ("Ana Ruiz", "+34 91 555 0101")
    assert (person.first_seen_at, person.last_seen_at) == (datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
                                                          datetime(2026, 3, 7, 9, 0, tzinfo=UTC))
    store_batch(db, [visitor(3, "ana@example.net", "Ana R.", 4)], account_id=None)  # in between
    person = the_contact(db)
    assert (person.name, person.first_seen_at, person.last_seen_at) == (
        "Ana Ruiz", datetime(2026, 3, 1, 9, 0, tzinfo=UTC), datetime(2026, 3, 7, 9, 0, tzinfo=UTC))


def test_a_new_contact_keeps_every_detail_of_its_first_message(db: Database) -> None:
    store_batch(db, [visitor(1, "ana@example.net", "Ana Ruiz", 1, "+34 91 555 0101", "Farma SL")],
                account_id=None)
    person = the_contact(db)
    assert (person.email, person.name, person.phone, person.company) == (
        "ana@example.net", "Ana Ruiz", "+34 91 555 0101", "Farma SL")
    assert person.first_seen_at == person.last_seen_at == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    assert person.created_at is not None


def test_an_item_without_a_contact_or_post_does_not_stop_the_rest_of_the_batch(db: Database) -> None:
    notice = replace(item(1), draft=replace(item(1).draft, is_submission=False, page_url=None))
    url = "https://www.example-pharma-agency.com/blog/imi/"
    result = store_batch(db, [notice, with_post(2, url, "IMI"), with_post(3, url)], account_id=None)
    assert result.added == 3
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == 2
        post = s.execute(select(Post)).scalar_one()
        linked = s.execute(select(Submission.post_id).order_by(Submission.id)).scalars().all()
    assert (post.url, post.title) == (url, "IMI")
    assert linked == [None, post.id, post.id]


def test_a_known_post_is_reused_and_gets_a_title_it_lacked(db: Database) -> None:
    url = "https://www.example-pharma-agency.com/blog/imi/"
    store_batch(db, [with_post(1, url)], account_id=None)
    store_batch(db, [with_post(2, url, "Europe's IMI")], account_id=None)
    store_batch(db, [with_post(3, url, "A later title")], account_id=None)  # a title is kept
    with db.session() as s:
        post = s.execute(select(Post)).scalar_one()
        assert set(s.execute(select(Submission.post_id)).scalars()) == {post.id}
    assert post.title == "Europe's IMI"


def test_a_known_contact_is_found_in_a_later_batch(db: Database) -> None:
    store_batch(db, [item(1, email="ana@example.net")], account_id=None)
    store_batch(db, [item(2, email="ANA@example.net")], account_id=None)
    with db.session() as s:
        people = s.execute(select(Contact.id)).scalars().all()
        assert len(people) == 1
        assert set(s.execute(select(Submission.contact_id)).scalars()) == set(people)


# ------------------------------------------------------------------ a post resolved before the lead
RESOLVED = "https://www.example-pharma-agency.com/blog/kol/"


@pytest.mark.parametrize(("categories", "tags", "topic"), [
    (["Market Access"], ["KOL"], "Speakers bureaus"),  # a tag's mapping comes first
    (["Market Access"], ["unmapped"], "Market Access"),  # else a category's default topic
    ([], [], None),
])
def test_a_lead_on_a_resolved_post_gets_its_topic_and_snapshot_at_once(
        db: Database, categories: list[str], tags: list[str], topic: str | None) -> None:
    with db.session() as s:
        s.add(TopicMapping(kind="tag", term="KOL", topic="Speakers bureaus"))
        s.add(Post(url=RESOLVED, title="KOL engagement", source="rest", categories=categories,
                   tags=tags))
    store_batch(db, [with_post(1, RESOLVED), with_post(2, None)], account_id=None)
    with db.session() as s:
        on_post, elsewhere = s.execute(select(Submission).order_by(Submission.id)).scalars().all()
    assert (on_post.topic, on_post.topic_source) == (topic, "mapping" if topic else None)
    assert on_post.post_snapshot is not None
    assert on_post.post_snapshot["title"] == "KOL engagement"
    assert elsewhere.post_snapshot is None


def test_an_invalid_address_is_kept_as_typed_but_makes_no_contact(db: Database) -> None:
    typed = replace(item(1), draft=replace(item(1).draft, visitor_email="ana(at)example.net"))
    store_batch(db, [typed], account_id=None)
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(Contact)).scalar_one() == 0
        assert s.execute(select(Submission.visitor_email)).scalar_one() == "ana(at)example.net"


def test_leads_on_two_resolved_posts_each_keep_their_own_post(db: Database) -> None:
    other = "https://www.example-pharma-agency.com/blog/imi/"
    with db.session() as s:
        s.add_all([Post(url=RESOLVED, title="KOL engagement", source="rest"),
                   Post(url=other, title="IMI", source="html")])
    store_batch(db, [with_post(1, RESOLVED), with_post(2, other), with_post(3, RESOLVED)],
                account_id=None)
    with db.session() as s:
        titles = [sub.post_snapshot["title"] for sub in  # type: ignore[index]
                  s.execute(select(Submission).order_by(Submission.id)).scalars()]
    assert titles == ["KOL engagement", "IMI", "KOL engagement"]


def test_the_stored_row_holds_what_the_message_said(db: Database) -> None:
    sent = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    received = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)
    first = replace(item(1), received_at=received)
    first = replace(first, draft=replace(first.draft, submitted_at=None, sent_at=sent,
                                         body_html="<p>Hello</p>", subject="Hello there",
                                         visitor_phone="+46 31 555 21 80", visitor_company="AB",
                                         page_url="https://www.example-pharma-agency.com/blog/x/"))
    second = item(2)
    second = replace(second, draft=replace(second.draft, body_text="", full_text="the whole mail",
                                           submitted_at=datetime(2026, 3, 1, 8, 0, tzinfo=UTC)))
    # Left-overs on a lead that is not spam and is a submission: neither reason is stored.
    second = replace(second, draft=replace(second.draft, spam_reason="left over",
                                           not_submission_reason="left over"))
    quiet = item(3)  # not a submission, with no reason given: no made-up problem either
    quiet = replace(quiet, draft=replace(quiet.draft, is_submission=False, not_submission_reason=None))
    spam = item(4)
    spam = replace(spam, draft=replace(spam.draft, is_spam=True, spam_reason="5 links in the message"))
    store_batch(db, [first, second, quiet, spam], account_id=None)
    with db.session() as s:
        rows = s.execute(select(Submission).order_by(Submission.id)).scalars().all()
        assert (rows[0].received_at, rows[0].submitted_at, rows[0].subject, rows[0].body_html) == (
            received, sent, "Hello there", "<p>Hello</p>")
        assert rows[0].body_text == first.draft.body_text
        assert (rows[1].submitted_at, rows[1].body_text) == (
            datetime(2026, 3, 1, 8, 0, tzinfo=UTC), "the whole mail")
        assert not any("not a form submission" in p for p in rows[2].problems)
        d = first.draft
        assert (rows[0].fields, rows[0].visitor_name, rows[0].visitor_email, rows[0].visitor_phone,
                rows[0].visitor_company, rows[0].page_url) == (
            d.fields, d.visitor_name, d.visitor_email, d.visitor_phone, d.visitor_company,
            d.page_url)
        assert rows[0].fields
        assert (rows[0].page_url, rows[0].visitor_phone, rows[0].visitor_company) == (
            "https://www.example-pharma-agency.com/blog/x/", "+46 31 555 21 80", "AB")
        assert all(r.version == 1 and r.created_at == r.updated_at for r in rows)
        assert {r.parser_version for r in rows} == {PARSER_VERSION}
        assert [r.not_submission_reason for r in rows] == [None] * 4  # leads, or no reason given
        assert [(r.status, r.spam_reason, r.is_submission) for r in rows] == [
            ("new", None, True), ("new", None, True), ("new", None, False),
            ("spam", "5 links in the message", True)]


def test_every_duplicate_in_a_batch_is_counted(db: Database) -> None:
    store_batch(db, [item(1), item(2), item(3)], account_id=None)
    again = store_batch(db, [item(1), item(2), item(3), item(4)], account_id=None)
    assert (again.added, again.duplicates) == (1, 3)


def test_a_lasting_unique_key_clash_is_retried_then_reported(db: Database,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from leaddesk.errors import DatabaseError
    from leaddesk.ingest import store

    calls: list[int] = []

    def clashing(session: Session, items: object, account_id: object) -> None:
        calls.append(1)
        raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed: submissions.source_key"))

    monkeypatch.setattr(store, "store_items", clashing)
    with pytest.raises(DatabaseError, match="UNIQUE constraint failed") as info:
        store_batch(db, [item(1)], account_id=None)
    assert len(calls) == store.RACE_ATTEMPTS
    assert str(db.engine.url.database) in str(info.value)  # names the database it failed on


def test_a_clash_that_clears_on_the_last_attempt_is_stored(db: Database,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from leaddesk.ingest import store

    real = store.store_items
    calls: list[int] = []

    def clashing_until_the_last(session: Session, items: list[Incoming], account_id: int | None
                                ) -> store.BatchResult:
        calls.append(1)
        if len(calls) < store.RACE_ATTEMPTS:
            raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed"))
        return real(session, items, account_id)

    monkeypatch.setattr(store, "store_items", clashing_until_the_last)
    assert store_batch(db, [item(1)], account_id=None).added == 1
    assert len(calls) == store.RACE_ATTEMPTS


def test_the_store_pauses_cycle_collection_for_its_transaction_only(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The collector is off while a batch is stored (its objects are freed by reference
    counting) and on again afterwards, also when the transaction fails."""
    import gc

    from leaddesk.ingest import store

    real = store.store_items
    seen: list[bool] = []

    def watching(session: Session, items: list[Incoming], account_id: int | None
                 ) -> store.BatchResult:
        seen.append(gc.isenabled())
        return real(session, items, account_id)

    def failing(session: Session, items: object, account_id: object) -> None:
        raise RuntimeError("the disk is full")

    assert gc.isenabled()
    monkeypatch.setattr(store, "store_items", watching)
    assert store_batch(db, [item(1)], account_id=None).added == 1
    assert seen == [False]
    assert gc.isenabled()
    monkeypatch.setattr(store, "store_items", failing)
    with pytest.raises(RuntimeError, match="disk is full"):
        store_batch(db, [item(2)], account_id=None)
    assert gc.isenabled()


def test_derive_topics_gives_what_the_store_gives(db: Database) -> None:
    from leaddesk.ingest.store import derive_topics

    with db.session() as s:
        s.add(TopicMapping(kind="tag", term="KOL", topic="Speakers bureaus"))
        post = Post(url=RESOLVED, title="KOL engagement", source="rest", tags=["KOL"])
        s.add(post)
        s.flush()
        own = replace(item(1).draft, topic="Market access")
        bare = with_post(2, RESOLVED).draft
        assert derive_topics(s, [own, bare, bare], [None, post, None]) == [
            ("Market access", "field"), ("Speakers bureaus", "mapping"), (None, None)]


def _stored_row(db: Database, key: str) -> tuple[object, ...]:
    """Every column of the stored row (as SQLite holds it, with its type), but the key, the id and
    the clocks."""
    with db.engine.connect() as conn:
        names = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(submissions)")
                 if r[1] not in ("id", "source_key", "created_at", "updated_at")]
        row = conn.exec_driver_sql(
            f"SELECT {', '.join(f'typeof({n}), {n}' for n in names)} FROM submissions "
            f"WHERE source_key = ?", (key,)).one()
    return tuple(row)


def test_the_sqlite_multi_row_insert_stores_what_a_core_insert_stores(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """insert_rows writes multi-row INSERT … VALUES statements on SQLite; each value must arrive
    exactly as the Core executemany it replaces would write it (types, JSON, dates, JSON null)."""
    from sqlalchemy import insert

    from leaddesk.db import bulk
    from leaddesk.ingest import store
    if db.dialect != "sqlite":
        pytest.skip("the multi-row path is SQLite's; elsewhere insert_rows is the Core insert")
    store_batch(db, [item(1, name="Zoë")], account_id=None)
    with db.session() as s:  # the same row again, under another key, the way the store built it
        rows = [dict(r._mapping) for r in s.execute(select(store.SUBMISSIONS)).all()]
    fresh = [{k: v for k, v in r.items() if k not in ("id", "post_snapshot", "edited_fields")}
             for r in rows]
    multi = [{**r, "source_key": "multi", "message_id": None, "content_hash": None} for r in fresh]
    core = [{**r, "source_key": "core", "message_id": None, "content_hash": None} for r in fresh]
    multi[0]["fields"] = core[0]["fields"] = {"Name": "Zoë", "n": 1}
    with db.sessions.begin() as s:
        bulk.insert_rows(s, store.SUBMISSIONS, multi)
        s.execute(insert(store.SUBMISSIONS), core)
    assert _stored_row(db, "multi") == _stored_row(db, "core")
    with db.engine.connect() as conn:  # the FTS trigger fired for that row too
        hits = conn.exec_driver_sql("SELECT rowid FROM submissions_fts WHERE submissions_fts "
                                    "MATCH 'Zoë'").all()
    assert len(hits) == 3


def test_a_refused_multi_row_insert_stores_nothing_and_large_batches_go_in_parts(
        db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import IntegrityError

    from leaddesk.db import bulk
    from leaddesk.ingest import store
    if db.dialect != "sqlite":
        pytest.skip("SQLite's multi-row path")
    store_batch(db, [item(1)], account_id=None)
    with db.session() as s:
        row = {k: v for k, v in s.execute(select(store.SUBMISSIONS)).one()._mapping.items()
               if k != "id"}
    with pytest.raises(IntegrityError), db.sessions.begin() as s:
        bulk.insert_rows(s, store.SUBMISSIONS, [{**row, "source_key": "new"}, row])
    assert count(db) == 1
    monkeypatch.setattr(bulk, "SQLITE_VALUES_PARAMETERS", 2 * len(row))  # two rows a statement
    result = store_batch(db, [item(n) for n in range(2, 7)], account_id=None)
    assert result.added == 5
    with db.session() as s:
        keys = s.execute(select(Submission.source_key).order_by(Submission.id)).scalars().all()
    assert keys == [f"test:{n}" for n in range(1, 7)]


def _plain(key: str, size: int) -> Incoming:
    raw = b"x" * size
    return Incoming(key, raw, parse_message(raw))


def _step(name: str) -> Callable[[Session], None]:
    def advance(session: Session) -> None:
        raise AssertionError("never run here")
    advance.__name__ = name
    return advance


def test_merged_batches_hold_at_most_so_many_messages_and_bytes_and_keep_the_last_advance() -> None:
    first, second, third, fourth = (_step(n) for n in ("first", "second", "third", "fourth"))
    batches = [([_plain("a", 10), _plain("b", 10)], first), ([_plain("c", 10)], second),
               ([_plain("d", 10), _plain("e", 10)], third),  # 5 messages: too many with c's
               ([_plain("f", 500)], fourth)]                  # too many bytes with d and e
    merged = list(merge_batches(batches, most=4, most_bytes=100))
    assert [([i.source_key for i in items], advance) for items, advance in merged] == [
        (["a", "b", "c"], second), (["d", "e"], third), (["f"], fourth)]


def test_a_batch_larger_than_the_limit_goes_alone_and_an_empty_one_keeps_its_advance() -> None:
    step = _step("reset")
    assert [len(items) for items, _ in merge_batches([([_plain("big", 500)], None)],
                                                       most_bytes=100)] == [1]
    assert list(merge_batches([([], step)])) == [([], step)]  # the UIDVALIDITY of an empty folder
    assert list(merge_batches([])) == []


def test_merged_batches_hand_on_what_was_read_before_the_source_failed() -> None:
    step = _step("before")
    closed: list[bool] = []

    def source() -> Iterator[tuple[list[Incoming], Callable[[Session], None]]]:
        try:
            yield [_plain("a", 10)], step
            raise OSError("connection lost")
        finally:
            closed.append(True)

    merged = merge_batches(source())
    assert next(merged) == ([_plain("a", 10)], step)  # stored (with its state) before the error
    with pytest.raises(OSError, match="connection lost"):
        next(merged)
    assert closed == [True]


def test_closing_merged_batches_closes_their_source() -> None:
    closed: list[bool] = []

    def source() -> Iterator[tuple[list[Incoming], None]]:
        try:
            while True:
                yield [_plain("a", 10)], None
        finally:
            closed.append(True)

    merged = merge_batches(source(), most=2)
    next(merged)
    merged.close()
    assert closed == [True]


def test_the_store_imports_neither_contacts_nor_the_rule_engine() -> None:
    """Every import and sync loads the store: the erasure code (with triage and the suggestion
    model) and the rule engine are loaded only when a database has tombstones or rules."""
    import subprocess
    import sys

    code = ("import sys, leaddesk.ingest.store; "
            "print(sorted(m for m in sys.modules if m in ('leaddesk.contacts', 'leaddesk.suggest', "
            "'leaddesk.rules.service', 'leaddesk.rules.acknowledge')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("name", ["hostile_hidden_text", "hostile_header_injection", "hostile_zero_width",
                                  "hostile_bad_boundary", "hostile_data_url", "php_print_r",
                                  "msforms_no_answers"])
def test_hostile_and_odd_mail_is_stored_with_its_raw_bytes(db: Database, name: str) -> None:
    from tests.ingest.parse.eml import raw as fixture
    data = fixture(name)
    draft = parse_message(data)
    assert store_batch(db, [Incoming(f"test:{name}", data, draft, datetime(2026, 11, 28, tzinfo=UTC))],
                       account_id=None).added == 1
    with db.session() as s:
        sub = s.execute(select(Submission)).scalar_one()
        assert sub.raw == data
        assert sub.is_submission == draft.is_submission
        assert set(draft.problems) <= set(sub.problems)  # what the parser said is kept with it
