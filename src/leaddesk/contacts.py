"""Contacts: merging two records of one person on request, and erasing a person for good (GDPR).

This module owns :func:`merge_contacts` (never automatic: only a person can tell that two
addresses are one visitor), :func:`erase_contact`, the tombstones that keep a later sync from
bringing erased messages back (:func:`tombstone_digest`, :func:`is_tombstoned`) and read-only
:func:`contact_summary`.

Like :mod:`leaddesk.triage`, functions work in the caller's transaction, never commit, write an
audit event for every change and hand back plain frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    Delete,
    and_,
    delete,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from leaddesk.changes import DELETED, Change, Kind
from leaddesk.db.models import (
    AuditEvent,
    Contact,
    ContactAlias,
    Message,
    Note,
    Reply,
    Submission,
    Tombstone,
)
from leaddesk.db.types import utcnow
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.suggest import store as suggest_store
from leaddesk.tombstones import tombstone_digest
from leaddesk.triage import CONTACT, clean_actor

# Keeps IN lists under the databases' bind-parameter limits for people with many messages.
_CHUNK = 500


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class ContactSummary:
    id: int
    email: str | None
    name: str | None
    phone: str | None
    company: str | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    aliases: tuple[str, ...]
    submissions: int


@dataclass(frozen=True)
class MergeResult:
    kept: ContactSummary  # the surviving contact, after the merge
    dropped_id: int
    submissions_moved: int

    @property
    def changes(self) -> list[Change]:
        """Both contacts, and the moved messages (whose contact changed)."""
        return [Change.of(Kind.CONTACT, [self.kept.id, self.dropped_id]),
                Change.of(Kind.SUBMISSION, None, ["contact"])]


@dataclass(frozen=True)
class ErasureSummary:
    """What an erasure removed. Counts only: nothing here identifies the person."""

    contact_id: int | None
    submissions_erased: int
    notes_erased: int
    replies_erased: int
    aliases_erased: int
    tombstones_written: int

    @property
    def changes(self) -> list[Change]:
        """The contact, and its messages gone (no ids: nothing identifies the person)."""
        return [Change.of(Kind.CONTACT, None if self.contact_id is None else [self.contact_id]),
                Change.of(Kind.SUBMISSION, None, [DELETED])]
    audit_events_erased: int


# ------------------------------------------------------------------ helpers

def _normal_email(value: str) -> str:
    return value.strip().lower()


def _chunks(items: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _find(session: Session, contact_id_or_email: int | str) -> Contact | None:
    """The contact with this id, primary e-mail or alias; current data, not a cached copy."""
    key = contact_id_or_email
    if isinstance(key, str) and key.strip().isdigit():
        key = int(key)
    query = select(Contact).execution_options(populate_existing=True)
    if isinstance(key, int):
        return session.scalars(query.where(Contact.id == key)).one_or_none()
    email = _normal_email(key)
    alias_owner = select(ContactAlias.contact_id).where(ContactAlias.email == email)
    return session.scalars(query.where(or_(Contact.email == email,
                                           Contact.id.in_(alias_owner)))).first()


def _not_found(contact_id_or_email: int | str) -> NotFoundError:
    if isinstance(contact_id_or_email, int):
        return NotFoundError(f"no contact {contact_id_or_email}")
    return NotFoundError(f"no contact with the e-mail address {contact_id_or_email.strip()!r}")


def _get(session: Session, contact_id_or_email: int | str) -> Contact:
    contact = _find(session, contact_id_or_email)
    if contact is None:
        raise _not_found(contact_id_or_email)
    return contact


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _snapshot(contact: Contact) -> dict[str, Any]:
    return {"id": contact.id, "email": contact.email, "name": contact.name,
            "phone": contact.phone, "company": contact.company,
            "first_seen_at": _iso(contact.first_seen_at),
            "last_seen_at": _iso(contact.last_seen_at),
            "aliases": sorted(a.email for a in contact.aliases)}


def _summary(session: Session, contact: Contact) -> ContactSummary:
    count = session.scalar(select(func.count()).select_from(Submission)
                           .where(Submission.contact_id == contact.id)) or 0
    return ContactSummary(contact.id, contact.email, contact.name, contact.phone,
                          contact.company, contact.first_seen_at, contact.last_seen_at,
                          tuple(sorted(a.email for a in contact.aliases)), count)


def _cached_submissions(session: Session, ids: set[int]) -> list[Submission]:
    # ``inspect(obj).dict`` holds the loaded attributes only: reading it never hits the database.
    return [obj for obj in session.identity_map.values()
            if isinstance(obj, Submission) and inspect(obj).dict.get("id") in ids]


def _expunge_deleted(session: Session, submission_ids: set[int]) -> None:
    # Rows went away through SQL (and ON DELETE CASCADE), so cached objects for them would raise
    # ObjectDeletedError on first touch; detach them.
    for obj in list(session.identity_map.values()):
        loaded = inspect(obj).dict
        if isinstance(obj, Submission):
            gone = loaded.get("id") in submission_ids
        elif isinstance(obj, Note | Reply):
            gone = loaded.get("submission_id") in submission_ids
        else:
            continue
        if gone and obj in session:  # expunging a submission already took its notes along
            session.expunge(obj)


def contact_summary(session: Session, contact_id_or_email: int | str) -> ContactSummary:
    """One contact by id, e-mail or alias, with how many submissions it has."""
    return _summary(session, _get(session, contact_id_or_email))


# ------------------------------------------------------------------ merge

def merge_contacts(session: Session, keep_id: int, drop_id: int, *, actor: str) -> MergeResult:
    """Fold contact ``drop_id`` into ``keep_id``: one person known under two addresses.

    ``keep`` gets drop's submissions, drop's e-mail and aliases as its own aliases (so later mail
    from either address finds it), drop's name, phone and company where its own are empty, and
    the wider first/last-seen span. ``drop`` is deleted. The audit event keeps both contacts as
    they were, so a mistaken merge can be repaired by hand; an erasure removes it with the rest.
    """
    actor = clean_actor(actor)
    if keep_id == drop_id:
        raise ValidationError(f"cannot merge contact {keep_id} with itself; pick two contacts")
    keep = _get(session, keep_id)
    drop = _get(session, drop_id)
    before = {"keep": _snapshot(keep), "drop": _snapshot(drop)}
    now = utcnow()

    moved = list(session.scalars(select(Submission.id).where(Submission.contact_id == drop.id)
                                 .order_by(Submission.id)))
    for chunk in _chunks(moved):
        # A plain bump, not compare-and-swap: nobody edits contact_id by hand, so there is no
        # concurrent edit to lose, but other desktops must see that the rows changed.
        session.execute(update(Submission).where(Submission.id.in_(chunk))
                        .values(contact_id=keep.id, version=Submission.version + 1,
                                updated_at=now)
                        .execution_options(synchronize_session=False))
    if moved:
        session.execute(insert(AuditEvent), [
            {"at": now, "actor": actor, "action": CONTACT, "entity": "submission",
             "entity_id": sid, "before": {"contact_id": drop.id},
             "after": {"contact_id": keep.id}} for sid in moved])
    for cached in _cached_submissions(session, set(moved)):
        session.expire(cached)  # its contact_id changed through SQL

    for attribute in ("name", "phone", "company"):
        if not (getattr(keep, attribute) or "").strip() and getattr(drop, attribute):
            setattr(keep, attribute, getattr(drop, attribute))
    keep.first_seen_at = _extreme(min, keep.first_seen_at, drop.first_seen_at)
    keep.last_seen_at = _extreme(max, keep.last_seen_at, drop.last_seen_at)

    for alias in list(drop.aliases):
        alias.contact = keep  # back_populates takes it out of drop's list, so drop's delete spares it
    keep_addresses = {keep.email, *(a.email for a in keep.aliases)}
    if drop.email is not None and drop.email not in keep_addresses:
        keep.aliases.append(ContactAlias(email=drop.email))
    session.delete(drop)
    session.flush()

    session.add(AuditEvent(actor=actor, action="contact.merge", entity="contact",
                           entity_id=keep.id, before=before,
                           after={"keep": _snapshot(keep), "submission_ids": moved}, at=now))
    session.flush()
    return MergeResult(_summary(session, keep), drop_id, len(moved))


def _extreme(pick: Any, a: datetime | None, b: datetime | None) -> datetime | None:
    present = [v for v in (a, b) if v is not None]
    return pick(present) if present else None


# ------------------------------------------------------------------ tombstones

# tombstone_digest lives in leaddesk.tombstones (the store and the conversation reader use it too).


def _digests(source_key: str | None, message_id: str | None,
             content_hash: str | None) -> dict[str, str]:
    """digest → kind for the keys that are present."""
    keys = {"source_key": source_key, "message_id": message_id, "content_hash": content_hash}
    return {tombstone_digest(kind, value): kind for kind, value in keys.items()
            if value is not None and value.strip()}


def is_tombstoned(session: Session, *, source_key: str | None = None,
                  message_id: str | None = None, content_hash: str | None = None) -> bool:
    """True when any given key belongs to an erased message, which a sync must then skip."""
    digests = _digests(source_key, message_id, content_hash)
    if not digests:
        return False
    return session.execute(select(Tombstone.digest).where(Tombstone.digest.in_(digests))
                           .limit(1)).first() is not None


def _write_tombstones(session: Session, keys: Iterable[tuple[str | None, str | None, str | None]],
                      now: datetime) -> int:
    wanted: dict[str, str] = {}
    for source_key, message_id, content_hash in keys:
        wanted.update(_digests(source_key, message_id, content_hash))
    digests = list(wanted)
    existing: set[str] = set()
    for start in range(0, len(digests), _CHUNK):
        existing.update(session.scalars(select(Tombstone.digest).where(
            Tombstone.digest.in_(digests[start:start + _CHUNK]))))
    new = [{"digest": d, "kind": kind, "erased_at": now} for d, kind in wanted.items()
           if d not in existing]
    if new:
        session.execute(insert(Tombstone), new)
    return len(new)


# ------------------------------------------------------------------ erasure

def erase_contact(session: Session, contact_id_or_email: int | str, *,
                  actor: str) -> ErasureSummary:
    """Erase a person on request: contact, aliases, submissions with their notes, replies and
    tags, and the audit history of all of these.

    What remains is one tombstone digest per erased message key, so a later sync does not import
    the messages again, and an audit event with counts and the contact id only. Submissions are
    found by contact and, if a sync has not linked them yet, by the person's addresses. Given an
    address that belongs to no contact, the unlinked submissions from it are still erased.
    """
    actor = clean_actor(actor)
    contact = _find(session, contact_id_or_email)
    if contact is not None:
        emails = {_normal_email(e) for e in (contact.email, *(a.email for a in contact.aliases))
                  if e}
        owner: ColumnElement[bool] = or_(
            Submission.contact_id == contact.id,
            and_(Submission.contact_id.is_(None),
                 func.lower(Submission.visitor_email).in_(sorted(emails))))
    elif isinstance(contact_id_or_email, str) and "@" in contact_id_or_email:
        owner = and_(Submission.contact_id.is_(None),
                     func.lower(Submission.visitor_email) == _normal_email(contact_id_or_email))
    else:
        raise _not_found(contact_id_or_email)

    rows = session.execute(select(Submission.id, Submission.source_key, Submission.message_id,
                                  Submission.content_hash).where(owner)).all()
    if contact is None and not rows:
        raise _not_found(contact_id_or_email)
    ids = [row.id for row in rows]
    now = utcnow()

    notes = replies = audits = 0
    for chunk in _chunks(ids):
        notes += session.scalar(select(func.count()).select_from(Note)
                                .where(Note.submission_id.in_(chunk))) or 0
        replies += session.scalar(select(func.count()).select_from(Reply)
                                  .where(Reply.submission_id.in_(chunk))) or 0
    # The conversation's e-mails too: an answer naming any of them must not bring the lead back.
    conversation: list[tuple[str | None, str | None, str | None]] = []
    for chunk in _chunks(ids):
        conversation.extend((key, message_id, None) for key, message_id in session.execute(
            select(Message.source_key, Message.message_id).where(Message.submission_id.in_(chunk))))
    tombstones = _write_tombstones(
        session, [*((r.source_key, r.message_id, r.content_hash) for r in rows), *conversation],
        now)

    # The suggestion model counted their words, domain and post: take them back while the
    # examples that say what was counted still exist (they go with the leads by cascade).
    suggest_store.forget(session, ids)

    # The audit log holds personal data too (a merge keeps both contacts' details), so the
    # history of everything erased goes with it.
    for chunk in _chunks(ids):
        audits += _delete_count(session, delete(AuditEvent).where(
            AuditEvent.entity == "submission", AuditEvent.entity_id.in_(chunk)))
        # Notes, replies and tag links go by ON DELETE CASCADE, in the same statement.
        session.execute(delete(Submission).where(Submission.id.in_(chunk))
                        .execution_options(synchronize_session=False))
    _expunge_deleted(session, set(ids))

    contact_id = contact.id if contact is not None else None
    aliases = 0
    if contact is not None:
        audits += _delete_count(session, delete(AuditEvent).where(
            AuditEvent.entity == "contact", AuditEvent.entity_id == contact.id))
        aliases = len(contact.aliases)
        session.delete(contact)
        session.flush()

    summary = ErasureSummary(contact_id, len(ids), notes, replies, aliases, tombstones, audits)
    session.add(AuditEvent(actor=actor, action="contact.erase", entity="contact",
                           entity_id=contact_id, before=None, after={
                               "contact_id": contact_id,
                               "submissions": summary.submissions_erased,
                               "notes": summary.notes_erased,
                               "replies": summary.replies_erased,
                               "aliases": summary.aliases_erased,
                               "tombstones": summary.tombstones_written}, at=now))
    session.flush()
    return summary


def _delete_count(session: Session, statement: Delete) -> int:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return cast(CursorResult[Any], result).rowcount
