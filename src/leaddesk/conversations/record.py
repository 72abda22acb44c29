"""Adding e-mails to a lead's conversation and keeping the lead's attention fields right.

Everything happens in the caller's transaction, beside the sync state that covers the same mail,
so a crash leaves both or neither. One Message-ID is stored once per lead whichever route met it
first (INBOX, a Sent folder, LeadDesk's own send); mail without a Message-ID gets one derived from
its bytes, so re-reading the folder after a UIDVALIDITY reset still finds it.

An answer from the visitor that is newer than our last reply marks the lead unread and, unless
the mailbox says ``on_answer = keep``, moves a waiting or done lead back to open (an audited status
change by "LeadDesk sync"). Every added message writes an audit event, which is how other desktops
on SQLite learn that the lead changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.account_settings import ON_ANSWER_CHOICES
from leaddesk.conversations import headers, threads
from leaddesk.conversations.headers import MailHeaders
from leaddesk.conversations.threads import Known
from leaddesk.db.models import AuditEvent, Message, Status, Submission, TeamMember
from leaddesk.db.types import utcnow

SYNC_ACTOR = "LeadDesk sync"
MESSAGE = "message"  # audit action: an e-mail joined the lead
REOPEN, KEEP = ON_ANSWER_CHOICES  # move a waiting/done lead to open, or keep its status
_REOPENED = (Status.WAITING.value, Status.DONE.value)


@dataclass(frozen=True)
class NewMessage:
    """One e-mail to add to a lead."""

    submission_id: int
    direction: str  # "in" or "out"
    headers: MailHeaders
    text: str
    raw: bytes | None
    account_id: int | None = None
    source_key: str | None = None
    received_at: datetime | None = None  # INTERNALDATE: the fallback when Date is missing
    reply_id: int | None = None
    author: str | None = None


@dataclass(frozen=True)
class Answer:
    """A visitor's answer that needs the team's attention (a tray notification)."""

    submission_id: int
    who: str


@dataclass
class Added:
    added: int = 0
    duplicates: int = 0
    answers: list[Answer] = field(default_factory=list)


def stable_id(message: NewMessage) -> str | None:
    """The Message-ID, or for mail without one an id derived from its bytes."""
    if message.headers.message_id:
        return message.headers.message_id
    if not message.raw:
        return None
    return f"<{hashlib.sha256(message.raw).hexdigest()[:40]}@no-message-id.invalid>"


def add_messages(session: Session, messages: Sequence[NewMessage], known: Known, *,
                 on_answer: str = REOPEN) -> Added:
    """Store ``messages`` on their leads (skipping those stored already) and update the leads."""
    added = Added()
    keys = [m.source_key for m in messages if m.source_key]
    stored_keys = set(session.execute(select(Message.source_key).where(
        Message.source_key.in_(keys))).scalars()) if keys else set()
    for message in messages:
        message_id = stable_id(message)
        if message.source_key in stored_keys or known.holds(message.submission_id, message_id):
            added.duplicates += 1
            continue
        answer = _add(session, message, message_id, on_answer)
        known.remember(message.submission_id, message_id)
        if message.source_key:
            stored_keys.add(message.source_key)
        added.added += 1
        if answer is not None:
            added.answers.append(answer)
    return added


def _add(session: Session, message: NewMessage, message_id: str | None,
         on_answer: str) -> Answer | None:
    mail = message.headers
    when = mail.date or message.received_at or utcnow()
    row = Message(
        submission_id=message.submission_id, direction=message.direction,
        from_name=(mail.from_name or None) and mail.from_name[:255],
        from_addr=mail.from_addr[:320] if mail.from_addr else None,
        to_addrs=", ".join(mail.to) or None, cc_addrs=", ".join(mail.cc) or None, sent_at=when,
        subject=mail.subject or None, body_text=message.text, message_id=message_id,
        in_reply_to=mail.in_reply_to[0] if mail.in_reply_to else None,
        references=" ".join(mail.references) or None, raw=message.raw,
        account_id=message.account_id, source_key=message.source_key,
        reply_id=message.reply_id, author=message.author)
    session.add(row)
    session.flush()
    status, last_in, last_out, first_out = session.execute(
        select(Submission.status, Submission.last_inbound_at, Submission.last_outbound_at,
               Submission.first_answered_at)
        .where(Submission.id == message.submission_id)).one()
    values: dict[str, object] = {"message_count": Submission.message_count + 1}
    answer: Answer | None = None
    if message.direction == "in":
        values["last_inbound_at"] = max(when, last_in) if last_in else when
        newest = last_out is None or when >= last_out
        if newest:
            values["unread"] = True
            answer = Answer(message.submission_id, mail.from_name or mail.from_addr or "The visitor")
    else:
        values["last_outbound_at"] = max(when, last_out) if last_out else when
        # The earliest answer, whichever route met it first: a Sent-folder copy of an older
        # colleague's mail read after our own reply still moves it back (response times).
        values["first_answered_at"] = min(when, first_out) if first_out else when
        if message.reply_id is not None:
            values["unread"] = False  # whoever answered from LeadDesk has read the lead
    session.execute(update(Submission).where(Submission.id == message.submission_id)
                    .values(**values))
    if message.reply_id is None:  # LeadDesk's own send is audited as the "reply" already
        session.add(AuditEvent(actor=SYNC_ACTOR, action=MESSAGE, entity="submission",
                               entity_id=message.submission_id, before=None,
                               after={"direction": message.direction, "message": row.id}))
    if answer is not None and on_answer == REOPEN and status in _REOPENED:
        triage.set_status(session, message.submission_id, Status.OPEN.value, actor=SYNC_ACTOR)
    return answer


def mark_read(session: Session, submission_id: int, *, actor: str) -> bool:
    """The owner (or anyone, while nobody owns the lead) has read the latest answer."""
    owner = session.execute(select(TeamMember.name).join(
        Submission, Submission.assignee_id == TeamMember.id).where(
        Submission.id == submission_id)).scalar()
    if owner is not None and owner.casefold() != actor.strip().casefold():
        return False
    result = session.execute(update(Submission).where(
        Submission.id == submission_id, Submission.unread.is_(True)).values(unread=False))
    return bool(getattr(result, "rowcount", 0))


def record_reply(session: Session, submission_id: int, reply_id: int, raw: bytes, body: str,
                 author: str) -> None:
    """A reply LeadDesk just sent joins the conversation (its copy in Sent is then known)."""
    mail = headers.read(raw)
    known = threads.load(session, [mail])
    add_messages(session, [NewMessage(submission_id=submission_id, direction="out", headers=mail,
                                      text=body, raw=raw, reply_id=reply_id, author=author)],
                 known)
