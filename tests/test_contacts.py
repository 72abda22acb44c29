"""Contact services: merge on request, GDPR erasure with tombstones, summaries; on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import ColumnElement, func, select, text, update

from leaddesk import contacts, triage
from leaddesk.contacts import ErasureSummary, is_tombstoned
from leaddesk.db import Database
from leaddesk.db.models import (
    AuditEvent,
    Contact,
    ContactAlias,
    Note,
    Reply,
    Submission,
    Tag,
    Tombstone,
    submission_tags,
)
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from tests.support.factories import BASE_TIME, make_contact, make_submission


def count(db: Database, model: Any, *where: ColumnElement[bool]) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def contact_of(db: Database, submission_id: int) -> int | None:
    with db.session() as s:
        return s.scalar(select(Submission.contact_id).where(Submission.id == submission_id))


# ------------------------------------------------------------------ merge

@dataclass
class Pair:
    keep: int
    drop: int
    keep_subs: list[int]
    drop_subs: list[int]


@pytest.fixture
def pair(db: Database) -> Pair:
    """Ada known twice: her main address (name, no phone) and a work address with more details."""
    with db.session() as s:
        keep = make_contact(s, "ada@example.org", name="Ada Lovelace", phone=None, company="  ",
                            first_seen_at=BASE_TIME + timedelta(days=2),
                            last_seen_at=BASE_TIME + timedelta(days=3))
        drop = make_contact(s, "ada.l@work.example", name="A. Lovelace", phone="+44 20 7946 0000",
                            company="Analytical Engines", first_seen_at=BASE_TIME,
                            last_seen_at=BASE_TIME + timedelta(days=5))
        s.add(ContactAlias(email="countess@old.example", contact_id=drop.id))
        keep_subs = [make_submission(s, contact_id=keep.id).id]
        drop_subs = [make_submission(s, contact_id=drop.id).id for _ in range(2)]
        return Pair(keep.id, drop.id, keep_subs, drop_subs)


def test_merge_moves_submissions_keeps_the_address_and_fills_the_gaps(db: Database,
                                                                      pair: Pair) -> None:
    with db.session() as s:
        result = contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
    assert result.dropped_id == pair.drop
    assert result.submissions_moved == 2
    kept = result.kept
    assert (kept.id, kept.email, kept.name, kept.phone, kept.company) == (
        pair.keep, "ada@example.org", "Ada Lovelace", "+44 20 7946 0000", "Analytical Engines")
    assert (kept.first_seen_at, kept.last_seen_at) == (BASE_TIME, BASE_TIME + timedelta(days=5))
    assert kept.aliases == ("ada.l@work.example", "countess@old.example")
    assert kept.submissions == 3
    assert {contact_of(db, i) for i in pair.keep_subs + pair.drop_subs} == {pair.keep}
    assert count(db, Contact, Contact.id == pair.drop) == 0
    with db.session() as s:
        aliases = dict(s.execute(select(ContactAlias.email, ContactAlias.contact_id)).all())
    assert aliases == {"ada.l@work.example": pair.keep, "countess@old.example": pair.keep}
    # Both old addresses now find the kept contact.
    with db.session() as s:
        assert contacts.contact_summary(s, "ADA.L@work.example").id == pair.keep
        assert contacts.contact_summary(s, "countess@old.example").id == pair.keep


def test_merge_audits_both_contacts_as_they_were_and_each_moved_submission(
        db: Database, pair: Pair) -> None:
    with db.session() as s:
        contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
        merge = s.scalars(select(AuditEvent).where(AuditEvent.action == "contact.merge")).one()
        moves = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "submission")))
        versions = dict(s.execute(select(Submission.id, Submission.version)).all())
    assert (merge.actor, merge.entity, merge.entity_id) == ("Bob", "contact", pair.keep)
    assert merge.before is not None
    assert merge.after is not None
    drop, keep = merge.before["drop"], merge.before["keep"]
    assert (drop["id"], drop["email"], drop["phone"], drop["aliases"]) == (
        pair.drop, "ada.l@work.example", "+44 20 7946 0000", ["countess@old.example"])
    assert (keep["id"], keep["phone"], keep["aliases"]) == (pair.keep, None, [])
    assert keep["first_seen_at"] == (BASE_TIME + timedelta(days=2)).isoformat()
    assert merge.after["submission_ids"] == pair.drop_subs
    assert merge.after["keep"]["phone"] == "+44 20 7946 0000"
    assert sorted((e.entity_id, e.action, e.before, e.after) for e in moves) == [
        (i, "contact", {"contact_id": pair.drop}, {"contact_id": pair.keep})
        for i in pair.drop_subs]
    # Moved submissions changed, so their versions moved on; the kept one's did not.
    assert [versions[i] for i in pair.drop_subs] == [2, 2]
    assert versions[pair.keep_subs[0]] == 1


def test_merge_records_each_contact_whole(db: Database, pair: Pair) -> None:
    with db.session() as s:
        contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
        merge = s.scalars(select(AuditEvent).where(AuditEvent.action == "contact.merge")).one()
    assert merge.before is not None
    assert merge.before["drop"] == {
        "id": pair.drop, "email": "ada.l@work.example", "name": "A. Lovelace",
        "phone": "+44 20 7946 0000", "company": "Analytical Engines",
        "first_seen_at": BASE_TIME.isoformat(),
        "last_seen_at": (BASE_TIME + timedelta(days=5)).isoformat(),
        "aliases": ["countess@old.example"]}
    assert merge.before["keep"]["last_seen_at"] == (BASE_TIME + timedelta(days=3)).isoformat()


def test_merge_marks_moved_submissions_as_changed_now(db: Database, pair: Pair) -> None:
    with db.session() as s:
        before = {i: s.get(Submission, i).updated_at for i in pair.drop_subs}  # type: ignore[union-attr]
        cached = s.get(Submission, pair.drop_subs[0])  # what a window has loaded
        assert cached is not None
        assert cached.contact_id == pair.drop
        contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
        # The caller's loaded copy is refreshed, not left pointing at the deleted contact.
        assert cached.contact_id == pair.keep
        after = {i: s.get(Submission, i).updated_at for i in pair.drop_subs}  # type: ignore[union-attr]
    assert all(after[i] > before[i] for i in pair.drop_subs)


def test_merge_keeps_the_wider_seen_span_from_either_side(db: Database) -> None:
    with db.session() as s:
        keep = make_contact(s, "a@example.org", first_seen_at=BASE_TIME,
                            last_seen_at=BASE_TIME + timedelta(days=9))
        drop = make_contact(s, "b@example.org", first_seen_at=BASE_TIME + timedelta(days=1),
                            last_seen_at=BASE_TIME + timedelta(days=2))
        kept = contacts.merge_contacts(s, keep.id, drop.id, actor="Bob").kept
    assert (kept.first_seen_at, kept.last_seen_at) == (BASE_TIME, BASE_TIME + timedelta(days=9))


def test_the_merge_event_and_the_moves_share_one_time(db: Database, pair: Pair) -> None:
    with db.session() as s:
        contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
        times = set(s.scalars(select(AuditEvent.at)))
    assert len(times) == 1
    assert None not in times


def test_a_conflict_after_a_merge_names_it(db: Database, pair: Pair) -> None:
    with db.session() as s:
        contacts.merge_contacts(s, pair.keep, pair.drop, actor="Bob")
    with pytest.raises(ConflictError, match=f"by Bob a moment ago \\(moved to contact "
                                            f"{pair.keep}\\)"), db.session() as s:
        triage.set_status(s, pair.drop_subs[0], "done", actor="Ada", expected_version=1)


def test_merge_keeps_the_kept_contacts_own_details(db: Database) -> None:
    with db.session() as s:
        keep = make_contact(s, "a@example.org", name="Ada", phone="1", company="Mine")
        drop = make_contact(s, "b@example.org", name="Other", phone="2", company="Theirs",
                            first_seen_at=BASE_TIME)
        result = contacts.merge_contacts(s, keep.id, drop.id, actor="Bob")
    assert (result.kept.name, result.kept.phone, result.kept.company) == ("Ada", "1", "Mine")
    assert (result.kept.first_seen_at, result.kept.last_seen_at) == (BASE_TIME, None)
    assert result.submissions_moved == 0


def test_merging_a_phone_only_contact_adds_no_alias(db: Database) -> None:
    with db.session() as s:
        keep = make_contact(s, "a@example.org")
        drop = Contact(email=None, phone="+1 555 0100")
        s.add(drop)
        s.flush()
        result = contacts.merge_contacts(s, keep.id, drop.id, actor="Bob")
    assert result.kept.aliases == ()
    assert result.kept.phone == "+1 555 0100"


def test_merging_a_contact_with_itself_or_an_unknown_one_is_refused(db: Database,
                                                                    pair: Pair) -> None:
    with pytest.raises(ValidationError, match=f"cannot merge contact {pair.keep} with itself"), \
            db.session() as s:
        contacts.merge_contacts(s, pair.keep, pair.keep, actor="Bob")
    with pytest.raises(NotFoundError, match=r"^no contact 999999$"), db.session() as s:
        contacts.merge_contacts(s, pair.keep, 999_999, actor="Bob")
    with pytest.raises(NotFoundError, match=r"^no contact 999999$"), db.session() as s:
        contacts.merge_contacts(s, 999_999, pair.drop, actor="Bob")
    assert count(db, Contact) == 2
    assert count(db, AuditEvent) == 0


# ------------------------------------------------------------------ erasure

PERSONAL = ("zoe@pharma.example", "zoe.m@home.example", "Zoë Müller", "+49 30 1234567",
            "Acme Pharma", "white paper", "zoe-secret-subject")


@dataclass
class Person:
    contact: int
    linked: list[int]      # submissions linked to her contact
    unlinked: int          # from her alias address, not linked to any contact yet
    other: int             # someone else's submission
    keys: list[tuple[str, str | None, str | None]]  # her submissions' source key, id, hash


@pytest.fixture
def person(db: Database) -> Person:
    with db.session() as s:
        zoe = make_contact(s, "zoe@pharma.example", name="Zoë Müller", phone="+49 30 1234567",
                           company="Acme Pharma")
        s.add(ContactAlias(email="zoe.m@home.example", contact_id=zoe.id))
        tag = Tag(name="hot")
        s.add(tag)
        first = make_submission(s, contact_id=zoe.id, visitor_name="Zoë Müller",
                                visitor_email="zoe@pharma.example", subject="zoe-secret-subject",
                                body_text="Could you share the white paper?",
                                content_hash="A" * 64)
        second = make_submission(s, contact_id=zoe.id, visitor_email="zoe@pharma.example",
                                 content_hash="b" * 64)
        unlinked = make_submission(s, contact_id=None, visitor_email="Zoe.M@home.example",
                                   message_id=None, content_hash="c" * 64)
        other = make_submission(s, visitor_email="bob@example.org", content_hash="d" * 64)
        first.tags.append(tag)
        other.tags.append(tag)
        s.add(Note(submission_id=first.id, author="Ada", body="Zoë wants a call"))
        s.add(Reply(submission_id=first.id, author="Ada", to_addrs="zoe@pharma.example",
                    subject="Re: white paper", body="Here it is", state="sent"))
        s.flush()
        mine = [first, second, unlinked]
        keys = [(m.source_key, m.message_id, m.content_hash) for m in mine]
        person = Person(zoe.id, [first.id, second.id], unlinked.id, other.id, keys)
    with db.session() as s:  # some history: a merge (personal data!) and triage
        twin = make_contact(s, "z.mueller@pharma.example", name="Z. Müller")
        contacts.merge_contacts(s, person.contact, twin.id, actor="Ada")
        triage.set_status(s, person.linked[0], "open", actor="Ada")
        triage.add_note(s, person.linked[0], "second note", actor="Ada")
        triage.set_status(s, person.other, "open", actor="Ada")
    return person


def all_audit_text(db: Database) -> str:
    with db.session() as s:
        return json.dumps([[e.actor, e.action, e.entity, e.entity_id, e.before, e.after]
                           for e in s.scalars(select(AuditEvent))], ensure_ascii=False)


def search_rows(db: Database, ids: list[int]) -> int:
    listed = ", ".join(str(i) for i in ids)
    sql = (f"SELECT count(*) FROM submissions_fts WHERE rowid IN ({listed})"
           if db.dialect == "sqlite" else
           f"SELECT count(*) FROM submission_search WHERE submission_id IN ({listed})")
    with db.session() as s:
        return int(s.execute(text(sql)).scalar_one())


@pytest.mark.parametrize("key", ["id", "email", "alias"])
def test_erase_removes_the_person_and_everything_about_them(db: Database, person: Person,
                                                            key: str) -> None:
    targets: dict[str, int | str] = {"id": person.contact, "email": " ZOE@pharma.example ",
                                     "alias": "zoe.m@home.example"}
    target = targets[key]
    erased = [*person.linked, person.unlinked]
    assert search_rows(db, erased) == 3
    with db.session() as s:
        summary = contacts.erase_contact(s, target, actor="Bob")
    assert summary == ErasureSummary(
        contact_id=person.contact, submissions_erased=3, notes_erased=2, replies_erased=1,
        aliases_erased=2, tombstones_written=8, audit_events_erased=3)
    assert count(db, Contact, Contact.id == person.contact) == 0
    assert count(db, ContactAlias) == 0
    assert count(db, Submission, Submission.id.in_(erased)) == 0
    assert count(db, Note) == count(db, Reply) == 0
    assert count(db, submission_tags, submission_tags.c.submission_id.in_(erased)) == 0
    assert search_rows(db, erased) == 0
    # Someone else's message, and the tag, stay.
    assert count(db, Submission, Submission.id == person.other) == 1
    assert count(db, Tag) == 1
    assert count(db, submission_tags) == 1


def test_erase_leaves_tombstones_for_every_key(db: Database, person: Person) -> None:
    with db.session() as s:
        contacts.erase_contact(s, person.contact, actor="Bob")
    with db.session() as s:
        for source_key, message_id, content_hash in person.keys:
            assert is_tombstoned(s, source_key=source_key)
            assert content_hash is not None
            assert is_tombstoned(s, content_hash=content_hash)
            assert is_tombstoned(s, content_hash=content_hash.lower())
            if message_id is not None:
                assert is_tombstoned(s, message_id=message_id)
                assert is_tombstoned(s, message_id=message_id.strip("<>"))
        other = s.get(Submission, person.other)
        assert other is not None
        assert not is_tombstoned(s, source_key=other.source_key, message_id=other.message_id,
                                 content_hash=other.content_hash)
        assert not is_tombstoned(s)
        stones = list(s.scalars(select(Tombstone)))
    assert sorted(t.kind for t in stones) == sorted(
        ["source_key"] * 3 + ["message_id"] * 2 + ["content_hash"] * 3)
    assert all(re.fullmatch(r"[0-9a-f]{64}", t.digest) for t in stones)
    plain = {v for keys in person.keys for v in keys if v}
    assert not plain & {t.digest for t in stones}


def test_the_erasure_audit_event_holds_counts_and_the_contact_id_only(db: Database,
                                                                      person: Person) -> None:
    assert "zoe@pharma.example" in all_audit_text(db)  # the merge recorded her details
    with db.session() as s:
        contacts.erase_contact(s, person.contact, actor="Bob")
        erasure = s.scalars(select(AuditEvent).where(AuditEvent.action == "contact.erase")).one()
    assert (erasure.actor, erasure.entity, erasure.entity_id, erasure.before) == (
        "Bob", "contact", person.contact, None)
    assert erasure.after == {"contact_id": person.contact, "submissions": 3, "notes": 2,
                             "replies": 1, "aliases": 2, "tombstones": 8}
    # Nothing left anywhere in the audit log identifies her or her messages.
    remaining = all_audit_text(db)
    for value in (*PERSONAL, "z.mueller@pharma.example", "Z. Müller",
                  *(k for keys in person.keys for k in keys if k)):
        assert value not in remaining
    # History of other submissions is kept.
    with db.session() as s:
        assert s.scalars(select(AuditEvent.entity_id).where(
            AuditEvent.entity == "submission")).all() == [person.other]


def test_erase_detaches_cached_rows_of_the_session(db: Database, person: Person) -> None:
    with db.session() as s:
        cached = s.get(Submission, person.linked[0])
        assert cached is not None
        assert len(cached.notes) == 2
        contacts.erase_contact(s, person.contact, actor="Bob")
        assert s.get(Submission, person.linked[0]) is None
        assert s.scalars(select(Note)).all() == []


def test_erase_detaches_notes_and_replies_loaded_on_their_own(db: Database,
                                                              person: Person) -> None:
    with db.session() as s:
        tag = s.scalars(select(Tag)).one()  # loaded first, and held: not a submission's row
        note = s.scalars(select(Note).where(Note.submission_id == person.linked[0])).first()
        reply = s.scalars(select(Reply).where(Reply.submission_id == person.linked[0])).one()
        other = s.get(Submission, person.other)
        assert note is not None
        assert other is not None
        contacts.erase_contact(s, person.contact, actor="Bob")
        assert note not in s
        assert reply not in s
        assert other in s  # someone else's row stays where it was
        assert tag in s
        s.flush()


def test_a_key_tombstoned_before_is_not_written_twice(db: Database) -> None:
    with db.session() as s:
        first = make_submission(s, visitor_email="a@example.org", message_id=None)
        key = first.source_key
        contacts.erase_contact(s, "a@example.org", actor="Bob")
    with db.session() as s:  # the same source key stored again by hand, then erased again
        make_submission(s, visitor_email="a@example.org", source_key=key, message_id=None)
        summary = contacts.erase_contact(s, "a@example.org", actor="Bob")
    assert summary.tombstones_written == 0
    assert count(db, Tombstone) == 1


def test_erase_by_an_address_without_a_contact_erases_its_unlinked_submissions(
        db: Database) -> None:
    with db.session() as s:
        lone = make_submission(s, visitor_email="lone@example.org", content_hash="e" * 64)
        kept = make_submission(s, visitor_email="kept@example.org")
        keys = (lone.source_key, lone.message_id)
        summary = contacts.erase_contact(s, "Lone@Example.org", actor="Bob")
    assert summary == ErasureSummary(None, 1, 0, 0, 0, 3, 0)
    assert count(db, Submission) == 1
    with db.session() as s:
        assert s.get(Submission, kept.id) is not None
        assert is_tombstoned(s, source_key=keys[0])
        assert is_tombstoned(s, message_id=keys[1])
        erasure = s.scalars(select(AuditEvent)).one()
    assert erasure.after is not None
    assert "lone@example.org" not in json.dumps(erasure.after)


def test_tombstones_are_written_once_per_key(db: Database) -> None:
    with db.session() as s:
        a = make_contact(s, "a@example.org")
        b = make_contact(s, "b@example.org")
        # The same message fetched twice (two folders), and a duplicate body from someone else.
        make_submission(s, contact_id=a.id, message_id="<same@x>", content_hash="f" * 64)
        make_submission(s, contact_id=a.id, message_id="<same@x>", content_hash="f" * 64)
        make_submission(s, contact_id=b.id, content_hash="F" * 64)
        first = contacts.erase_contact(s, a.id, actor="Bob")
        second = contacts.erase_contact(s, "b@example.org", actor="Bob")
    assert first.tombstones_written == 2 + 1 + 1  # two source keys, one id, one hash
    assert second.tombstones_written == 2  # its source key and message id; the hash exists
    assert count(db, Tombstone) == 6


def test_erasing_an_unknown_contact_is_not_found(db: Database) -> None:
    with pytest.raises(NotFoundError, match=r"^no contact 424242$"), db.session() as s:
        contacts.erase_contact(s, 424242, actor="Bob")
    with pytest.raises(NotFoundError, match=re.escape(
            "no contact with the e-mail address 'ghost@example.org'")), db.session() as s:
        contacts.erase_contact(s, "ghost@example.org", actor="Bob")
    assert count(db, AuditEvent) == count(db, Tombstone) == 0


# ------------------------------------------------------------------ summaries

def test_contact_summary_by_id_email_or_alias(db: Database, pair: Pair) -> None:
    with db.session() as s:
        by_id = contacts.contact_summary(s, pair.drop)
        by_text_id = contacts.contact_summary(s, str(pair.drop))
        by_email = contacts.contact_summary(s, "ADA.L@work.example")
        by_alias = contacts.contact_summary(s, "countess@old.example")
    assert by_id == by_text_id == by_email == by_alias
    assert (by_id.email, by_id.name, by_id.aliases, by_id.submissions) == (
        "ada.l@work.example", "A. Lovelace", ("countess@old.example",), 2)
    with pytest.raises(NotFoundError, match=re.escape(
            "no contact with the e-mail address 'x@y.z'")), db.session() as s:
        contacts.contact_summary(s, "x@y.z")


# ------------------------------------------------------------------ erasure: only hers, all of hers
def test_erase_spares_her_address_on_someone_elses_contact(db: Database, person: Person) -> None:
    # A colleague's contact once sent a form with her alias address typed in: linked to him,
    # it is his submission, and erasing her leaves it.
    with db.session() as s:
        bob = make_contact(s, "bob@example.org")
        his = make_submission(s, contact_id=bob.id, visitor_email="zoe.m@home.example").id
    with db.session() as s:
        contacts.erase_contact(s, person.contact, actor="Bob")
    assert count(db, Submission, Submission.id == his) == 1


def test_erase_by_address_spares_linked_submissions(db: Database) -> None:
    with db.session() as s:
        bob = make_contact(s, "bob@example.org")
        linked = make_submission(s, contact_id=bob.id, visitor_email="shared@example.org").id
        make_submission(s, contact_id=None, visitor_email="shared@example.org")
        summary = contacts.erase_contact(s, "shared@example.org", actor="Bob")
    assert summary.submissions_erased == 1
    assert count(db, Submission, Submission.id == linked) == 1


def test_erase_keeps_other_entities_history_with_the_same_ids(db: Database, person: Person) -> None:
    with db.session() as s:
        other_contact = make_contact(s, "someone@example.org")
        s.add_all([
            AuditEvent(actor="Ada", action="tag.create", entity="tag", entity_id=person.linked[0]),
            AuditEvent(actor="Ada", action="tag.create", entity="tag", entity_id=person.contact),
            AuditEvent(actor="Ada", action="contact.merge", entity="contact",
                       entity_id=other_contact.id)])
    with db.session() as s:
        contacts.erase_contact(s, person.contact, actor="Bob")
    assert count(db, AuditEvent, AuditEvent.entity == "tag") == 2
    assert count(db, AuditEvent, AuditEvent.entity == "contact",
                 AuditEvent.action == "contact.merge") == 1


def test_erase_counts_across_chunks(db: Database, person: Person,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts, "_CHUNK", 1)  # every submission in a chunk of its own
    with db.session() as s:
        s.add(Note(submission_id=person.linked[1], author="Ada", body="also this"))
        s.add(Reply(submission_id=person.unlinked, author="Ada", to_addrs="zoe.m@home.example",
                    subject="Re", body="Hi", state="sent"))
    with db.session() as s:
        summary = contacts.erase_contact(s, person.contact, actor="Bob")
    assert (summary.submissions_erased, summary.notes_erased, summary.replies_erased) == (3, 3, 2)
    # Her history from the fixture: the merge, a status change and a note on her first message.
    assert summary.audit_events_erased == 3
    assert count(db, Submission) == 1


def test_the_erasure_and_its_tombstones_share_one_time(db: Database, person: Person) -> None:
    with db.session() as s:
        contacts.erase_contact(s, person.contact, actor="Bob")
    with db.session() as s:
        erased_at = set(s.scalars(select(Tombstone.erased_at)))
        event_at = s.scalars(select(AuditEvent.at).where(AuditEvent.action == "contact.erase")).one()
    assert erased_at == {event_at}


def test_a_contact_is_read_fresh_not_from_the_session_cache(db: Database, pair: Pair) -> None:
    with db.session() as s:
        assert contacts.contact_summary(s, pair.keep).name == "Ada Lovelace"  # now cached
        s.execute(update(Contact).where(Contact.id == pair.keep).values(name="Ada King")
                  .execution_options(synchronize_session=False))
        assert contacts.contact_summary(s, pair.keep).name == "Ada King"
