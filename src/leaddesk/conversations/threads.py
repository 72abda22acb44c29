"""Which lead an e-mail belongs to: by the Message-IDs it names, else by sender and subject.

A mail joins a lead when its In-Reply-To or References name the lead's notification, a reply the
team sent (from LeadDesk or any mail program), or any earlier message of the conversation. When a
mail program dropped those headers, a "Re:" of one of our replies' subjects from the lead's
visitor within 30 days of that reply still joins it. A mail naming a message of an erased lead is
recognised by the erasure's tombstones and never brings the lead back.

Lookups are batched: one :func:`load` per batch of mail, a few statements whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from leaddesk.conversations.headers import MailHeaders, thread_subject
from leaddesk.db.models import (
    Account,
    Contact,
    ContactAlias,
    Message,
    Status,
    Submission,
    Tombstone,
)
from leaddesk.tombstones import tombstone_digest

FALLBACK_DAYS = 30
_CHUNK = 500


@dataclass
class Known:
    """The conversations a batch of mail may belong to, loaded once for the batch."""

    lead_of: dict[str, int] = field(default_factory=dict)  # Message-ID -> submission id
    in_lead: set[tuple[int, str]] = field(default_factory=set)  # (submission, Message-ID) stored
    erased: set[str] = field(default_factory=set)  # Message-IDs of erased leads' messages
    notifications: set[str] = field(default_factory=set)  # Message-IDs of the leads themselves

    def lead_for(self, mail: MailHeaders) -> int | None:
        """The lead the mail's own id or its ancestors belong to (the nearest ancestor wins)."""
        for message_id in (mail.message_id, *mail.parents):
            if message_id and message_id in self.lead_of:
                return self.lead_of[message_id]
        return None

    def names_erased(self, mail: MailHeaders) -> bool:
        return any(m in self.erased for m in (mail.message_id, *mail.parents) if m)

    def holds(self, submission_id: int, message_id: str | None) -> bool:
        return message_id is not None and (submission_id, message_id) in self.in_lead

    def remember(self, submission_id: int, message_id: str | None) -> None:
        """A message stored a moment ago: later mail of the same batch may name it."""
        if message_id:
            self.lead_of.setdefault(message_id, submission_id)
            self.in_lead.add((submission_id, message_id))


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def load(session: Session, mails: Iterable[MailHeaders]) -> Known:
    """What the database knows about every Message-ID these mails carry or name."""
    ids = sorted({m for mail in mails for m in (mail.message_id, *mail.parents) if m})
    known = Known()
    for chunk in _chunks(ids):
        # A lead's notification first, so a conversation message never outranks it.
        for message_id, submission_id, is_submission in session.execute(
                notifications_named(chunk)):
            if not is_submission:
                continue
            assert message_id is not None  # matched by IN
            known.lead_of.setdefault(message_id, submission_id)
            known.notifications.add(message_id)
        for message_id, submission_id in session.execute(
                select(Message.message_id, Message.submission_id).where(
                    Message.message_id.in_(chunk))):
            assert message_id is not None  # matched by IN
            known.lead_of.setdefault(message_id, submission_id)
            known.in_lead.add((submission_id, message_id))
        digests = {tombstone_digest("message_id", m): m for m in chunk}
        for digest in session.execute(select(Tombstone.digest).where(
                Tombstone.digest.in_(digests))).scalars():
            known.erased.add(digests[digest])
    return known


def notifications_named(message_ids: Sequence[str]) -> Select[str | None, int, bool]:
    """The stored mail with these Message-IDs, each with whether it is a form submission.

    The kind is told apart here rather than in the WHERE: SQLite, given an IN list and
    ``is_submission`` together, walks the facets index (every submission: the whole table) instead
    of looking each id up, which made every batch of an import slower than the one before.
    """
    return select(Submission.message_id, Submission.id, Submission.is_submission).where(
        Submission.message_id.in_(message_ids))


def contacts_by_address(session: Session, addresses: Iterable[str]) -> dict[str, int]:
    """address -> contact id, for the addresses that belong to a contact (directly or merged)."""
    wanted = sorted({a.casefold() for a in addresses if a})
    found: dict[str, int] = {}
    for chunk in _chunks(wanted):
        for statement in (select(Contact.email, Contact.id).where(Contact.email.in_(chunk)),
                          select(ContactAlias.email, ContactAlias.contact_id).where(
                              ContactAlias.email.in_(chunk))):
            found.update((email, contact_id) for email, contact_id in session.execute(statement)
                         if email)
    return found


def by_subject(session: Session, mails: Sequence[MailHeaders], now: datetime
               ) -> dict[int, int]:
    """position -> lead, for "Re:" mails from a lead's visitor that answer one of our replies
    (same subject without the prefixes) sent at most 30 days before."""
    wanted = [(i, m) for i, m in enumerate(mails) if m.is_reply and m.from_addr]
    if not wanted:
        return {}
    contacts = contacts_by_address(session, (m.from_addr or "" for _, m in wanted))
    if not contacts:
        return {}
    earliest = min((m.date or now) for _, m in wanted) - timedelta(days=FALLBACK_DAYS)
    replies: dict[int, list[tuple[int, str, datetime]]] = {}
    for submission_id, contact_id, subject, sent_at in session.execute(
            select(Message.submission_id, Submission.contact_id, Message.subject, Message.sent_at)
            .join(Submission, Submission.id == Message.submission_id)
            .where(Submission.contact_id.in_(set(contacts.values())), Message.direction == "out",
                   Message.sent_at >= earliest)):
        replies.setdefault(contact_id or 0, []).append((submission_id, thread_subject(subject), sent_at))
    found: dict[int, int] = {}
    for position, mail in wanted:
        when = mail.date or now
        subject = thread_subject(mail.subject)
        candidates = [(sent_at, submission_id) for submission_id, theirs, sent_at
                      in replies.get(contacts.get(mail.from_addr or "", -1), [])
                      if theirs == subject and when - timedelta(days=FALLBACK_DAYS) <= sent_at
                      <= when + timedelta(hours=12)]  # clocks of two machines disagree a little
        if candidates:
            found[position] = max(candidates)[1]
    return found


def by_recipient(session: Session, mails: Sequence[MailHeaders]) -> dict[int, int]:
    """position -> lead, for mail we sent to a lead's visitor: their newest lead (not spam) that
    arrived before the mail. Older mail to the same person is not part of any lead."""
    contacts = contacts_by_address(session, (a for m in mails for a in m.recipients))
    if not contacts:
        return {}
    leads: dict[int, list[tuple[datetime, int]]] = {}
    for submission_id, contact_id, received_at, is_submission, status in session.execute(
            leads_of_contacts(set(contacts.values()))):
        if is_submission and status != Status.SPAM.value:
            leads.setdefault(contact_id or 0, []).append((received_at, submission_id))
    found: dict[int, int] = {}
    for position, mail in enumerate(mails):
        for address in mail.recipients:
            theirs = sorted(leads.get(contacts.get(address, -1), []))
            if not theirs:
                continue
            before = [lead for lead in theirs if mail.date is None or lead[0] <= mail.date]
            if before:
                found[position] = before[-1][1]
                break
    return found


def leads_of_contacts(contact_ids: Iterable[int]
                      ) -> Select[int, int | None, datetime, bool, str]:
    """Every stored mail of these contacts with its kind and status (told apart by the caller, as
    in :func:`notifications_named`: a status or kind in the WHERE sends SQLite down the facets
    index, past every submission)."""
    return select(Submission.id, Submission.contact_id, Submission.received_at,
                  Submission.is_submission, Submission.status).where(
        Submission.contact_id.in_(contact_ids))


def own_addresses(session: Session) -> set[str]:
    """The team's own addresses: every SMTP identity's From and every mailbox's login."""
    found: set[str] = set()
    for kind, settings in session.execute(select(Account.kind, Account.settings)):
        for key in ("from_address", "user") if kind in ("smtp", "imap") else ():
            value = str((settings or {}).get(key) or "").strip().casefold()
            if "@" in value:
                found.add(value)
    return found
