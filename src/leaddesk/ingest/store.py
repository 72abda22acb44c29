"""The store pipeline every source uses: dedup, contact upsert, post link, sync state, one
transaction per batch.

A source hands over batches of :class:`Incoming` items (raw bytes, a per-source key, and a parsed
draft) plus a callback that advances its sync state. The batch and the state are written in one
transaction: a crash or a cut connection leaves either both or neither, so the next run resumes
with no gap and no duplicate.

Dedup order: the per-source key, then the Message-ID, then a content fingerprint (visitor e-mail +
message text), so the same submission arriving twice (by mail and by API, or from two folders) is
one lead. Messages erased on a GDPR request (tombstones) are skipped.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from leaddesk.contacts import is_tombstoned
from leaddesk.db import Database
from leaddesk.db.models import Contact, ContactAlias, Post, Status, Submission
from leaddesk.db.types import utcnow
from leaddesk.ingest.parse import SubmissionDraft, normalise_email
from leaddesk.progress import CancelToken, NullReporter, Reporter

log = logging.getLogger(__name__)

_SPACES = re.compile(r"\s+")


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

    def merge(self, other: BatchResult) -> None:
        self.added += other.added
        self.duplicates += other.duplicates
        self.erased += other.erased
        self.added_ids.extend(other.added_ids)


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


def _existing(session: Session, item: Incoming, content_hash: str | None) -> int | None:
    keys = [Submission.source_key == item.source_key]
    if item.draft.message_id:
        keys.append(Submission.message_id == item.draft.message_id)
    if content_hash:
        keys.append(Submission.content_hash == content_hash)
    return session.execute(select(Submission.id).where(or_(*keys)).limit(1)).scalar()


def _contact(session: Session, draft: SubmissionDraft, seen: datetime) -> int | None:
    if not draft.is_submission or not draft.visitor_email:
        return None
    email, valid = normalise_email(draft.visitor_email)
    if not valid:
        return None  # kept on the submission as typed, but no contact is keyed on a bad address
    email = email.casefold()
    contact = session.execute(select(Contact).where(Contact.email == email)).scalar()
    if contact is None:
        alias = session.get(ContactAlias, email)
        contact = session.get(Contact, alias.contact_id) if alias else None
    if contact is None:
        contact = Contact(email=email, first_seen_at=seen, last_seen_at=seen)
        session.add(contact)
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
    session.flush()
    return contact.id


def _post(session: Session, draft: SubmissionDraft) -> int | None:
    if not draft.page_url:
        return None
    post = session.execute(select(Post).where(Post.url == draft.page_url)).scalar()
    if post is None:
        post = Post(url=draft.page_url, title=draft.post_title)
        session.add(post)
        session.flush()
    elif draft.post_title and not post.title:
        post.title = draft.post_title
    return post.id


def _submission(item: Incoming, account_id: int | None, content_hash: str | None,
                contact_id: int | None, post_id: int | None) -> Submission:
    d = item.draft
    received = item.received_at or d.sent_at or utcnow()
    problems = list(d.problems)
    if not d.is_submission and d.not_submission_reason:
        problems.append(f"not a form submission: {d.not_submission_reason}")
    return Submission(
        account_id=account_id,
        source_key=item.source_key,
        message_id=d.message_id,
        content_hash=content_hash,
        raw=item.raw,
        received_at=received,
        submitted_at=d.submitted_at or d.sent_at,
        subject=d.subject,
        body_text=d.body_text or d.full_text,
        body_html=d.body_html,
        fields=dict(d.fields),
        visitor_name=d.visitor_name,
        visitor_email=d.visitor_email,
        visitor_phone=d.visitor_phone,
        visitor_company=d.visitor_company,
        contact_id=contact_id,
        topic=d.topic,
        page_url=d.page_url,
        post_id=post_id,
        status=Status.SPAM.value if d.is_spam else Status.NEW.value,
        spam_reason=d.spam_reason if d.is_spam else None,
        problems=problems,
        is_submission=d.is_submission,
    )


def store_one(session: Session, item: Incoming, account_id: int | None) -> BatchResult:
    """Store one item in the caller's transaction (dedup first); report what happened."""
    result = BatchResult()
    content_hash = fingerprint(item.draft)
    if is_tombstoned(session, source_key=item.source_key, message_id=item.draft.message_id,
                     content_hash=content_hash):
        result.erased += 1
        return result
    if _existing(session, item, content_hash) is not None:
        result.duplicates += 1
        return result
    seen = item.received_at or item.draft.sent_at or utcnow()
    submission = _submission(item, account_id, content_hash, _contact(session, item.draft, seen),
                             _post(session, item.draft))
    session.add(submission)
    session.flush()
    result.added += 1
    result.added_ids.append(submission.id)
    return result


def store_batch(db: Database, items: Sequence[Incoming], *, account_id: int | None,
                advance: Callable[[Session], Any] | None = None) -> BatchResult:
    """Store a batch and advance the source's sync state in one transaction."""
    result = BatchResult()
    with db.session() as session:
        for item in items:
            result.merge(store_one(session, item, account_id))
        if advance is not None:
            advance(session)
    return result


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
        reporter.finished(f"{what}: {result.added} added, {result.duplicates} already there"
                          + (f", {result.erased} erased earlier" if result.erased else ""))
    return result
