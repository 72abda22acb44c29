"""The store pipeline: dedup, contacts, posts, tombstones and atomic batches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import contacts
from leaddesk.db import Database
from leaddesk.db.models import Contact, Post, Submission, SyncState, TopicMapping
from leaddesk.ingest.parse import parse_message
from leaddesk.ingest.store import Incoming, fingerprint, store_batch
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
