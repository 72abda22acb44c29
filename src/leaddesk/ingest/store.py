"""The store pipeline every source uses: dedup, contact upsert, post link, sync state, one
transaction per batch.

A source hands over batches of :class:`Incoming` items (raw bytes, a per-source key, and a parsed
draft) plus a callback that advances its sync state. The batch and the state are written in one
transaction: a crash or a cut connection leaves either both or neither, so the next run resumes
with no gap and no duplicate.

A lead whose post is already resolved gets the post's snapshot and, without a topic field, the
topic its categories and tags map to at once; the others get both from the next resolution pass
(``leaddesk.posts.resolve``), which runs after the sync, never inside its transaction.

Dedup order: the per-source key, then the Message-ID, then a content fingerprint (visitor e-mail +
message text), so the same submission arriving twice (by mail and by API, or from two folders) is
one lead. Messages erased on a GDPR request (tombstones) are skipped. Before all that, mail that
continues a lead's conversation (an answer to our reply) joins the lead as a message
(:mod:`leaddesk.conversations.ingest`), in the same transaction.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import groupby
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk.collector import paused
from leaddesk.conversations.headers import may_thread
from leaddesk.conversations.ingest import ThreadedMail, thread_batch
from leaddesk.conversations.record import Answer
from leaddesk.db import Database
from leaddesk.db.bulk import insert_rows, rows_among
from leaddesk.db.engine import translate_errors
from leaddesk.db.models import Contact, ContactAlias, Post, Status, Submission, Tombstone
from leaddesk.db.types import utcnow
from leaddesk.ingest.parse import PARSER_VERSION, SubmissionDraft, normalise_email
from leaddesk.posts.snapshot import is_resolved, snapshot_of
from leaddesk.posts.topics import FIELD, MAPPING, Mappings, known_topics
from leaddesk.progress import CancelToken, NullReporter, Reporter
from leaddesk.rules import arrival
from leaddesk.tombstones import tombstone_digest

if TYPE_CHECKING:  # a type only: the rule engine loads when a rule is enabled (rules.arrival)
    from leaddesk.rules.facts import LaterMail

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")
# Another process (a cron import beside the window's sync) may store some of the same messages
# between our dedup read and our insert; the unique keys refuse the second copy and the batch is
# read again. Each retry sees the other writer's commit, so a few always suffice.
RACE_ATTEMPTS = 5
# Core tables for executemany inserts (see store_items for why not the ORM).
CONTACTS = cast(Table, Contact.__table__)
ALIASES = cast(Table, ContactAlias.__table__)
SUBMISSIONS = cast(Table, Submission.__table__)
TOMBSTONES = cast(Table, Tombstone.__table__)
# A transaction of merged batches (merge_batches) holds at most this many messages and about this
# many bytes of mail: each transaction has a fixed cost (a dozen statements, the commit), which
# at 200 messages was about a fifth of the store's time.
MERGED_ITEMS = 1000
MERGED_BYTES = 8 * 1024 * 1024
# SQLite's page cache while storing (KiB). A transaction of a thousand messages touches more
# pages (the raw mail, 11 indexes, the full-text segments) than the default 2 MB hold: they were
# spilled to the WAL and read back within the transaction (a 5k import: 37,000 page writes and
# 19,000 reads instead of 51,000 and 40,000). The cache fills only as far as it is used.
STORE_CACHE_KIB = 32 * 1024


@dataclass(frozen=True)
class Incoming:
    """One message from a source, parsed, ready to store."""

    source_key: str
    raw: bytes
    draft: SubmissionDraft
    received_at: datetime | None = None  # when the source received it (IMAP INTERNALDATE, mtime)


@dataclass
class BatchResult:
    added: int = 0
    duplicates: int = 0
    erased: int = 0  # skipped: matches a tombstone
    added_ids: list[int] = field(default_factory=list)
    threaded: int = 0  # e-mails that joined a lead's conversation
    answers: list[Answer] = field(default_factory=list)  # visitors' answers among them
    acknowledgements: int = 0  # queued by rules, sent once the batch committed
    rules_later: list[int] = field(default_factory=list)  # leads the rules run on once stored

    def merge(self, other: BatchResult) -> None:
        self.added += other.added
        self.duplicates += other.duplicates
        self.erased += other.erased
        self.added_ids.extend(other.added_ids)
        self.threaded += other.threaded
        self.answers.extend(other.answers)
        self.acknowledgements += other.acknowledgements
        self.rules_later.extend(other.rules_later)


def fingerprint(draft: SubmissionDraft) -> str | None:
    """A content hash that finds the same submission delivered twice by different routes.

    Only form submissions with an e-mail and a message get one: without both, two different
    messages could look alike.
    """
    if not draft.is_submission or not draft.visitor_email or not draft.body_text.strip():
        return None
    text = _SPACES.sub(" ", draft.body_text).strip().casefold()
    key = f"{draft.visitor_email.casefold()}\n{text}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass
class _Known:
    """Keys already stored (or met earlier in the same batch)."""

    source_keys: set[str] = field(default_factory=set)
    message_ids: set[str] = field(default_factory=set)
    hashes: set[str] = field(default_factory=set)

    def holds(self, item: Incoming, content_hash: str | None) -> bool:
        return (item.source_key in self.source_keys
                or (item.draft.message_id or "") in self.message_ids
                or (content_hash or "") in self.hashes)

    def add(self, item: Incoming, content_hash: str | None) -> None:
        self.source_keys.add(item.source_key)
        if item.draft.message_id:
            self.message_ids.add(item.draft.message_id)
        if content_hash:
            self.hashes.add(content_hash)


def _known(session: Session, prepared: Sequence[tuple[Incoming, str | None]]) -> _Known:
    source_keys = [item.source_key for item, _ in prepared]
    message_ids = [item.draft.message_id for item, _ in prepared if item.draft.message_id]
    hashes = [h for _, h in prepared if h]
    known = _Known()
    keys = (SUBMISSIONS.c.source_key, SUBMISSIONS.c.message_id, SUBMISSIONS.c.content_hash)
    rows = rows_among(session, keys, list(zip(keys, (source_keys, message_ids, hashes),
                                              strict=True)))
    for source_key, message_id, content_hash in rows:
        known.source_keys.add(source_key)
        if message_id:
            known.message_ids.add(message_id)
        if content_hash:
            known.hashes.add(content_hash)
    return known


def _erased(session: Session, prepared: Sequence[tuple[Incoming, str | None]]) -> set[int]:
    """Positions of the items that belong to messages erased on request."""
    # Most databases have no erasure at all: one indexed probe spares hashing every key three times.
    if session.execute(select(Tombstone.digest).limit(1)).first() is None:
        return set()
    digests: dict[str, set[int]] = {}
    for position, (item, content_hash) in enumerate(prepared):
        for kind, value in (("source_key", item.source_key),
                            ("message_id", item.draft.message_id),
                            ("content_hash", content_hash)):
            if value:
                digests.setdefault(tombstone_digest(kind, value), set()).add(position)
    found = rows_among(session, [TOMBSTONES.c.digest], [(TOMBSTONES.c.digest, digests)])
    return {position for (digest,) in found for position in digests[digest]}


def _contact_email(draft: SubmissionDraft) -> str | None:
    if not draft.is_submission or not draft.visitor_email:
        return None
    return _contact_key(draft.visitor_email)


# Most visitors write more than once (a 10k import: 5,630 contacts), and reading an address costs
# ~9 µs: each address is read once while it is among the recent ones.
@lru_cache(maxsize=4096)
def _contact_key(address: str) -> str | None:
    email, valid = normalise_email(address)
    # An invalid address stays on the submission as typed, but no contact is keyed on it.
    return email.casefold() if valid else None


@dataclass
class _Person:
    """A contact as the store reads and updates it: plain values, no ORM object per person."""

    id: int | None
    email: str
    name: str | None = None
    phone: str | None = None
    company: str | None = None
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None

    def details(self) -> tuple[object, ...]:
        return self.name, self.phone, self.company, self.first_seen_at, self.last_seen_at


# Core columns: a select of ORM attributes pays for the ORM's compile state and row loading.
_PERSON = tuple(CONTACTS.c[name] for name in ("id", "email", "name", "phone", "company",
                                               "first_seen_at", "last_seen_at"))
_UPDATE_PERSON = (update(CONTACTS).where(CONTACTS.c.id == bindparam("person_id"))
                  .values(name=bindparam("name"), phone=bindparam("phone"),
                          company=bindparam("company"), first_seen_at=bindparam("first_seen_at"),
                          last_seen_at=bindparam("last_seen_at")))


def _person(row: Any) -> _Person:
    return _Person(row.id, row.email or "", row.name, row.phone, row.company, row.first_seen_at,
                   row.last_seen_at)


def _upsert_contacts(session: Session, fresh: Sequence[tuple[Incoming, datetime]]
                     ) -> list[int | None]:
    """The contact of each item (created or updated), by normalised e-mail or alias.

    Read, inserted and updated with a few Core statements per batch: flushing ORM objects would
    cost an INSERT … RETURNING per new person on SQLite and an object per row.
    """
    emails = [_contact_email(item.draft) for item, _ in fresh]
    wanted = {e for e in emails if e}
    if not wanted:
        return [None] * len(fresh)
    people: dict[int, _Person] = {}  # one record per contact, however many addresses lead to it
    by_email: dict[str, _Person] = {}
    for row in session.execute(select(*_PERSON).where(CONTACTS.c.email.in_(wanted))):
        person = people[row.id] = _person(row)
        by_email[person.email] = person
    aliased = dict(rows_among(session, (ALIASES.c.email, ALIASES.c.contact_id),
                              [(ALIASES.c.email, wanted - set(by_email))]))
    missing = set(aliased.values()) - set(people)
    if missing:
        for row in session.execute(select(*_PERSON).where(CONTACTS.c.id.in_(missing))):
            people[row.id] = _person(row)
    by_email.update({alias: people[contact_id] for alias, contact_id in aliased.items()})
    before = {person_id: person.details() for person_id, person in people.items()}
    new: dict[str, _Person] = {}
    for (item, seen), email in zip(fresh, emails, strict=True):
        if email is None:
            continue
        found = by_email.get(email)
        if found is None:
            found = by_email[email] = new[email] = _Person(None, email, first_seen_at=seen,
                                                           last_seen_at=seen)
        _refresh_contact(found, item.draft, seen)
    if new:
        now = utcnow()
        insert_rows(session, CONTACTS, [
            {"email": p.email, "name": p.name, "phone": p.phone, "company": p.company,
             "first_seen_at": p.first_seen_at, "last_seen_at": p.last_seen_at, "created_at": now}
            for p in new.values()])
        for email, person_id in rows_among(session, (CONTACTS.c.email, CONTACTS.c.id),
                                           [(CONTACTS.c.email, new)]):
            new[email or ""].id = person_id
    changed = [{"person_id": person_id, "name": p.name, "phone": p.phone, "company": p.company,
                "first_seen_at": p.first_seen_at, "last_seen_at": p.last_seen_at}
               for person_id, p in people.items() if p.details() != before[person_id]]
    if changed:
        session.execute(_UPDATE_PERSON, changed)
    return [by_email[e].id if e else None for e in emails]


def _refresh_contact(contact: _Person, draft: SubmissionDraft, seen: datetime) -> None:
    # The newest message knows the freshest details; keep older ones where it says nothing.
    newest = contact.last_seen_at is None or seen >= contact.last_seen_at
    for attr, value in (("name", draft.visitor_name), ("phone", draft.visitor_phone),
                        ("company", draft.visitor_company)):
        if value and (newest or not getattr(contact, attr)):
            setattr(contact, attr, value)
    if contact.first_seen_at is None or seen < contact.first_seen_at:
        contact.first_seen_at = seen
    if contact.last_seen_at is None or seen > contact.last_seen_at:
        contact.last_seen_at = seen


def _upsert_posts(session: Session, fresh: Sequence[tuple[Incoming, datetime]]
                  ) -> list[Post | None]:
    urls = {item.draft.page_url for item, _ in fresh if item.draft.page_url}
    if not urls:
        return [None] * len(fresh)
    by_url = {p.url: p for p in session.execute(select(Post).where(Post.url.in_(urls))).scalars()}
    for item, _ in fresh:
        url, title = item.draft.page_url, item.draft.post_title
        if not url:
            continue
        post = by_url.get(url)
        if post is None:
            by_url[url] = post = Post(url=url, title=title)
            session.add(post)
        elif title and not post.title:
            post.title = title
    session.flush()
    return [by_url[item.draft.page_url] if item.draft.page_url else None for item, _ in fresh]


def _topics(session: Session, fresh: Sequence[tuple[Incoming, datetime]],
            posts: Sequence[Post | None]) -> list[tuple[str | None, str | None]]:
    """(topic, topic_source) of each item: the form's topic field, else a subject naming one of
    the team's topics, else the resolved post's mapping."""
    mappings: Mappings | None = None
    known: dict[str, str] | None = None
    found: list[tuple[str | None, str | None]] = []
    for (item, _), post in zip(fresh, posts, strict=True):
        if item.draft.topic:
            found.append((item.draft.topic, FIELD))
            continue
        if item.draft.topic_hint:
            mappings = mappings or Mappings.load(session)
            known = known if known is not None else known_topics(session, mappings)
            named = known.get(item.draft.topic_hint.strip().casefold())
            if named:
                found.append((named, FIELD))
                continue
        topic = None
        if post is not None and is_resolved(post):
            mappings = mappings or Mappings.load(session)
            topic = mappings.topic_for([str(c) for c in post.categories or []],
                                       [str(t) for t in post.tags or []])
        found.append((topic, MAPPING if topic else None))
    return found


def derive_topics(session: Session, drafts: Sequence[SubmissionDraft],
                  posts: Sequence[Post | None]) -> list[tuple[str | None, str | None]]:
    """(topic, topic_source) of a lead with each draft and post, as the store gives it (re-read)."""
    now = utcnow()
    return _topics(session, [(Incoming("", b"", draft), now) for draft in drafts], posts)


def _snapshot(session: Session, posts: Sequence[Post | None], keys: Sequence[str]) -> None:
    """Keep the resolved posts as they are now with the leads that just arrived from them."""
    by_post: dict[int, tuple[Post, list[str]]] = {}
    for post, key in zip(posts, keys, strict=True):
        if post is not None and is_resolved(post):
            by_post.setdefault(post.id, (post, []))[1].append(key)
    for post, post_keys in by_post.values():
        session.execute(update(SUBMISSIONS).where(SUBMISSIONS.c.source_key.in_(post_keys))
                        .values(post_snapshot=snapshot_of(post)))


def _row(item: Incoming, account_id: int | None, content_hash: str | None,
         contact_id: int | None, post: Post | None, topic: tuple[str | None, str | None],
         received: datetime, now: datetime) -> dict[str, Any]:
    d = item.draft
    problems = list(d.problems)
    if not d.is_submission and d.not_submission_reason:
        problems.append(f"not a form submission: {d.not_submission_reason}")
    return {
        "account_id": account_id, "source_key": item.source_key, "message_id": d.message_id,
        "content_hash": content_hash, "raw": item.raw, "received_at": received,
        "submitted_at": d.submitted_at or d.sent_at, "subject": d.subject,
        "body_text": d.body_text or d.full_text, "body_html": d.body_html,
        "fields": dict(d.fields), "visitor_name": d.visitor_name,
        "visitor_email": d.visitor_email, "visitor_phone": d.visitor_phone,
        "visitor_company": d.visitor_company, "contact_id": contact_id, "topic": topic[0],
        "topic_source": topic[1], "page_url": d.page_url, "post_id": post.id if post else None,
        "status": Status.SPAM.value if d.is_spam else Status.NEW.value,
        "spam_reason": d.spam_reason if d.is_spam else None, "problems": problems,
        "is_submission": d.is_submission, "version": 1, "created_at": now, "updated_at": now,
        "not_submission_reason": None if d.is_submission else d.not_submission_reason,
        "parser_version": PARSER_VERSION,
        # The submission is the conversation's first inbound message.
        "unread": False, "message_count": 1, "last_inbound_at": received, "last_outbound_at": None,
    }


def store_items(session: Session, items: Sequence[Incoming], account_id: int | None) -> BatchResult:
    """Store a batch in the caller's transaction, a few statements for the whole batch.

    Mail that may continue a conversation (it names earlier mail, or says "Re:") is looked at
    after the rest of the batch is stored, so an answer finds its lead even when the lead's
    notification came in the same batch (an import, a first sync).
    """
    result = BatchResult()
    threads = [may_thread(item.raw, item.draft.subject) for item in items]
    maybe = [item for item, may in zip(items, threads, strict=True) if may]
    if len(maybe) < len(items):
        _store_new(session, [item for item, may in zip(items, threads, strict=True) if not may],
                   account_id, result,
                   later_mail=(lambda: _contact_mail(maybe)) if maybe else None)
    if maybe:
        # Rules run on stored leads in id order: when the first half's wait for the whole
        # batch, so do these (a round-robin hands them out after the first half's).
        _store_new(session, _thread(session, maybe, account_id, result), account_id, result,
                   rules_later=bool(result.rules_later))
    return result


def _contact_mail(items: Sequence[Incoming]) -> list[tuple[str, datetime]]:
    """(contact e-mail, arrival) of the items that may become leads. An item without a time
    gets the time of this call: the store dates it later still, so it is never earlier."""
    now = utcnow()
    found = [(_contact_email(item.draft), item.received_at or item.draft.sent_at or now)
             for item in items]
    return [(email, at) for email, at in found if email]


def _store_new(session: Session, items: Sequence[Incoming], account_id: int | None,
               result: BatchResult, *, later_mail: LaterMail | None = None,
               rules_later: bool = False) -> None:
    """Store the items as submissions (or other mail), skipping duplicates and erased ones.

    ``later_mail``: gives (contact e-mail, arrival) of mail the batch stores after these items
    (an earlier lead among it makes a contact here returning), asked only when a rule needs it;
    ``rules_later``: the rules run on these leads once the batch is stored, not before their
    insert.
    """
    if not items:
        return
    prepared = [(item, fingerprint(item.draft)) for item in items]
    erased = _erased(session, prepared)
    known = _known(session, prepared)
    fresh: list[tuple[Incoming, datetime]] = []
    hashes: list[str | None] = []
    for position, (item, content_hash) in enumerate(prepared):
        if position in erased:
            result.erased += 1
        elif known.holds(item, content_hash):
            result.duplicates += 1
        else:
            known.add(item, content_hash)  # the same message twice in one batch is one lead
            fresh.append((item, item.received_at or item.draft.sent_at or utcnow()))
            hashes.append(content_hash)
    if not fresh:
        return
    contacts = _upsert_contacts(session, fresh)
    posts = _upsert_posts(session, fresh)
    topics = _topics(session, fresh, posts)
    now = utcnow()  # the rows' created and updated times: one object, converted once (bulk)
    rows = [_row(item, account_id, content_hash, contact_id, post, topic, received, now)
            for (item, received), content_hash, contact_id, post, topic
            in zip(fresh, hashes, contacts, posts, topics, strict=True)]
    # Rules on arrival decide each lead's status, owner and topic before it is inserted.
    decided = "later" if rules_later else arrival.decide_new(
        session, rows, [post.title if post else None for post in posts], later_mail)
    _insert_submissions(session, rows)
    keys = [row["source_key"] for row in rows]
    # Snapshots after the insert: a per-row JSON None in the executemany would store JSON null.
    _snapshot(session, posts, keys)
    id_of: dict[str, int] = dict(rows_among(session, (SUBMISSIONS.c.source_key, SUBMISSIONS.c.id),
                                            [(SUBMISSIONS.c.source_key, keys)]))
    added = sorted(id_of.values())
    if decided == "later":
        result.rules_later = sorted([*result.rules_later, *added])
    elif decided is not None:
        result.acknowledgements += arrival.finish_new(session, decided,
                                                      [id_of[key] for key in keys])
    result.added_ids = sorted([*result.added_ids, *added])
    result.added += len(added)


# Columns rules may set on a new lead; None is what leaving them out stores.
_RULE_COLUMNS = ("assignee_id", "status_set_by", "verdict_by")


def _insert_submissions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the rows in their order (so ids follow it, as the rules' round-robin expects).
    Rows the rules changed carry more columns: the plain ones are added to every row as None;
    ``edited_fields`` (a JSON column, where None would be stored as JSON null, not NULL) only
    where a rule set it, so consecutive rows of one shape go in one statement."""
    if any(column in row for row in rows for column in _RULE_COLUMNS):
        for row in rows:
            for column in _RULE_COLUMNS:
                row.setdefault(column, None)
    for _, run in groupby(rows, key=lambda row: "edited_fields" in row):
        insert_rows(session, SUBMISSIONS, list(run))


def _thread(session: Session, items: Sequence[Incoming], account_id: int | None,
            result: BatchResult) -> Sequence[Incoming]:
    """Let mail that continues a lead's conversation join it; the rest goes on as before."""
    threaded = thread_batch(session, [
        ThreadedMail(item.raw, item.draft.subject, item.draft.full_text or item.draft.body_text,
             item.source_key, item.received_at) for item in items], account_id)
    if not threaded.taken and not threaded.erased:
        return items
    result.threaded += threaded.added.added
    result.duplicates += threaded.added.duplicates
    result.erased += len(threaded.erased)
    result.answers.extend(threaded.added.answers)
    skip = threaded.taken | threaded.erased
    return [item for position, item in enumerate(items) if position not in skip]


def _store_in_one_transaction(db: Database, items: Sequence[Incoming], account_id: int | None,
                              advance: Callable[[Session], Any] | None) -> BatchResult:
    # Without cycle collections: the batch's rows and values are freed by reference counting, and
    # the full collections they set off found nothing to free (leaddesk.collector).
    with paused(), db.sessions.begin() as session:
        if db.dialect == "sqlite":
            session.connection().exec_driver_sql(f"PRAGMA cache_size = -{STORE_CACHE_KIB}")
        result = store_items(session, items, account_id)
        # Rules the store could not decide before inserting run on the stored leads.
        result.acknowledgements += arrival.apply_new(session, result.rules_later)
        if advance is not None:
            advance(session)
    return result


def store_batch(db: Database, items: Sequence[Incoming], *, account_id: int | None,
                advance: Callable[[Session], Any] | None = None) -> BatchResult:
    """Store a batch and advance the source's sync state in one transaction.

    A unique key refused because a concurrent writer committed the same message (or contact)
    first is not a failure: the transaction is rolled back and the batch stored again, now
    finding the other writer's rows as duplicates.
    """
    with translate_errors(db.engine.url):
        for attempt in range(1, RACE_ATTEMPTS + 1):
            try:
                # The transaction runs where the database's writer puts it (the window's
                # database worker); its IntegrityError comes back here unchanged.
                result = db.write(lambda: _store_in_one_transaction(db, items, account_id, advance))
                arrival.after_commit(db, result.acknowledgements)
                return result
            except IntegrityError:
                if attempt == RACE_ATTEMPTS:
                    raise
                log.info("another writer stored part of this batch first; storing it again "
                         "(attempt %d of %d)", attempt + 1, RACE_ATTEMPTS)
    raise AssertionError("unreachable")  # the loop returns or raises


Batch = tuple[Sequence[Incoming], Callable[[Session], Any] | None]


def merge_batches(batches: Iterable[Batch], *, most: int = MERGED_ITEMS,
                  most_bytes: int = MERGED_BYTES) -> Generator[Batch, None, None]:
    """Consecutive batches joined into one per transaction, up to ``most`` messages and about
    ``most_bytes`` bytes of mail (a batch larger than that goes alone).

    Only for sources whose state update (``advance``) of a later batch includes the earlier ones'
    (a file import has none; an IMAP folder's is its last UID): the joined batch takes the last
    one's. An error from the source is raised after the batches joined so far were handed on, so
    what was read before it is still stored. Closing the result closes the source.
    """
    source = iter(batches)
    held: list[Incoming] = []
    held_bytes = 0
    advance: Callable[[Session], Any] | None = None
    try:
        while True:
            try:
                items, step = next(source)
            except StopIteration:
                break
            except BaseException:
                if held or advance is not None:
                    yield held, advance
                raise
            size = sum(len(item.raw) for item in items)
            if held and (len(held) + len(items) > most or held_bytes + size > most_bytes):
                yield held, advance
                held, held_bytes = [], 0
            held.extend(items)
            held_bytes += size
            advance = step
        if held or advance is not None:
            yield held, advance
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()  # the source's parse pool is shut down here, in the caller's thread


def store_all(db: Database, batches: Iterable[tuple[Sequence[Incoming], Callable[[Session], Any] | None]],
              *, account_id: int | None, what: str, total: int | None = None,
              reporter: Reporter | None = None, cancel: CancelToken | None = None) -> BatchResult:
    """Store batches as a source produces them, reporting progress; cancellable between batches."""
    reporter = reporter or NullReporter()
    cancel = cancel or CancelToken()
    result = BatchResult()
    done = 0
    reporter.started(what, total)
    try:
        for items, advance in batches:
            cancel.raise_if_cancelled()
            result.merge(store_batch(db, items, account_id=account_id, advance=advance))
            done += len(items)
            reporter.progress(done, total)
    finally:
        # Close the source now, in this thread: a parse pool left to the garbage collector would
        # be shut down from its own manager thread ("cannot join current thread").
        close = getattr(batches, "close", None)
        if close is not None:
            close()
        reporter.finished(f"{what}: {result.added} added, {result.duplicates} already there"
                          + (f", {result.threaded} joined conversations" if result.threaded else "")
                          + (f", {result.erased} erased earlier" if result.erased else ""))
    return result
