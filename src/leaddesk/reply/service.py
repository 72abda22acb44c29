"""Replying to a lead: keep the draft, send it over SMTP, record it in the thread, copy it to Sent.

The draft is stored before anything goes on the wire, so a refused login, a timeout or a crash
loses nothing: the reply stays unsent ("failed", with the error) and a retry picks it up again.
Only a message the SMTP server accepted is marked sent; then the lead's status moves on (to
"waiting" unless the SMTP account says otherwise) and an audit event records the reply. The copy
to the IMAP Sent folder comes last: if it fails the reply is still sent, and the result says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import accounts, secrets, triage
from leaddesk.accounts import AccountInfo
from leaddesk.conversations.record import record_reply
from leaddesk.db import Database
from leaddesk.db.models import AuditEvent, Reply, Submission
from leaddesk.db.types import utcnow
from leaddesk.errors import (
    DatabaseError,
    DatabaseUnavailableError,
    LeadDeskError,
    NotFoundError,
    ValidationError,
)
from leaddesk.reply import compose, sent_copy, smtp
from leaddesk.reply.compose import Draft, Lead

log = logging.getLogger(__name__)

REPLY = "reply"  # audit action on the submission
UNSENT = ("draft", "failed")
# Waits before trying again to record a sent reply while the database is away: 7.5 s in all.
RECORD_RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0)
wait_before_retry: Callable[[float], None] = time.sleep  # a test makes the database come back


class SentNotRecordedError(LeadDeskError):
    """Raised when the SMTP server accepted the reply but the database could not record it (it
    stayed away through every retry): the message says it was sent, so nobody sends it twice."""

SecretReader = Callable[[str], str]


@dataclass(frozen=True)
class SendResult:
    reply_id: int
    message_id: str
    recipients: tuple[str, ...]
    status: str | None  # the lead's new status, or None when it did not change
    copied_to: str | None  # the Sent folder that received the copy
    copy_error: str | None
    refused: tuple[str, ...] = ()  # recipients the server refused while accepting others

    def as_json(self) -> dict[str, object]:
        return {"reply_id": self.reply_id, "message_id": self.message_id,
                "to": list(self.recipients), "status": self.status, "copied_to": self.copied_to,
                "copy_error": self.copy_error, "refused": list(self.refused)}


@dataclass(frozen=True)
class StoredDraft:
    reply_id: int
    account_id: int | None
    draft: Draft
    error: str | None


def smtp_account(session: Session, name: str | None) -> AccountInfo:
    """The named SMTP identity, or the only one there is."""
    if name:
        info = accounts.get_account(session, name)
        if info.kind != "smtp":
            raise ValidationError(f"{name!r} is an {info.kind} account; replies go out through an "
                                  f"SMTP account")
        return info
    found = [a for a in accounts.list_accounts(session, "smtp") if a.enabled]
    if not found:
        raise NotFoundError("no SMTP account to send from; add one with `leaddesk accounts add "
                            "smtp NAME --host H --user U --from ADDRESS --password-stdin`")
    if len(found) > 1:
        raise ValidationError("several SMTP accounts exist; choose one with --account "
                              f"({', '.join(a.name for a in found)})")
    return found[0]


def my_name(account: AccountInfo | None, actor: str) -> str:
    """What ``{my_name}`` says: the identity's display name, else who is acting."""
    if account is not None and account.smtp.from_name:
        return account.smtp.from_name
    return actor


def unsent_draft(session: Session, submission_id: int, author: str) -> StoredDraft | None:
    """The newest reply this author started on this lead and did not send (a saved or failed one)."""
    row = session.execute(
        select(Reply).where(Reply.submission_id == submission_id, Reply.author == author,
                            Reply.state.in_(UNSENT))
        .order_by(Reply.id.desc()).limit(1)).scalar()
    if row is None:
        return None
    return StoredDraft(row.id, row.account_id, Draft(
        to=_split(row.to_addrs), cc=_split(row.cc_addrs), subject=row.subject, body=row.body),
        row.error)


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(a.strip() for a in (value or "").split(",") if a.strip())


def _store(session: Session, submission_id: int, draft: Draft, *, account_id: int | None,
           author: str, reply_id: int | None) -> Reply:
    row = session.get(Reply, reply_id) if reply_id is not None else None
    if row is None:
        existing = unsent_draft(session, submission_id, author)
        row = session.get(Reply, existing.reply_id) if existing else None
    if row is not None and (row.submission_id != submission_id or row.state not in UNSENT):
        raise ValidationError(f"reply {row.id} was sent already or belongs to another lead")
    if row is None:
        row = Reply(submission_id=submission_id, author=author, state="draft")
        session.add(row)
    row.account_id = account_id
    row.to_addrs = ", ".join(draft.to)
    row.cc_addrs = ", ".join(draft.cc) or None
    row.subject = draft.subject
    row.body = draft.body
    row.updated_at = utcnow()
    session.flush()
    return row


def save_draft(db: Database, submission_id: int, draft: Draft, *, actor: str,
               account_id: int | None = None, reply_id: int | None = None) -> int:
    """Keep an unfinished reply (no checks beyond the lead existing); returns its id."""
    return db.transaction(lambda session: store_draft(
        session, submission_id, draft, actor=actor, account_id=account_id, reply_id=reply_id))


def store_draft(session: Session, submission_id: int, draft: Draft, *, actor: str,
                account_id: int | None = None, reply_id: int | None = None) -> int:
    """:func:`save_draft` in the caller's transaction (the window's database worker)."""
    author = triage.clean_actor(actor)
    if session.get(Submission, submission_id) is None:
        raise NotFoundError(f"no submission {submission_id}")
    return _store(session, submission_id, draft, account_id=account_id, author=author,
                  reply_id=reply_id).id


def _fail(db: Database, reply_id: int, error: LeadDeskError) -> None:
    def mark(session: Session) -> None:
        row = session.get(Reply, reply_id)
        if row is not None:
            row.state = "failed"
            row.error = str(error)
            row.updated_at = utcnow()
    db.transaction(mark)


def _recipients(message: EmailMessage) -> list[str]:
    return [a for header in ("To", "Cc") for a in compose.parse_addresses(
        message.get_all(header) or [], header)]


def send_reply(db: Database, submission_id: int, draft: Draft, account: AccountInfo, *,
               actor: str, reply_id: int | None = None, status_after: str | None = "account",
               read_secret: SecretReader = secrets.get_secret) -> SendResult:
    """Send ``draft`` as a reply to the lead through the SMTP ``account``.

    ``status_after`` is the lead's status once sent: ``"account"`` uses the account's setting
    (``waiting`` by default), ``None`` or ``"keep"`` leaves it. Raises a LeadDeskError when nothing
    was sent; the draft is then kept, marked failed with the error.
    """
    author = triage.clean_actor(actor)
    if account.kind != "smtp":
        raise ValidationError(f"{account.name!r} is not an SMTP account")
    settings = account.smtp

    def store(session: Session) -> tuple[EmailMessage, int]:
        lead: Lead = compose.load_lead(session, submission_id)
        message = compose.build_message(draft, from_address=settings.from_address,
                                        from_name=settings.from_name, lead=lead)
        row = _store(session, submission_id, draft, account_id=account.id, author=author,
                     reply_id=reply_id)
        if row.message_id:
            # A retry of a failed attempt: one that may have arrived (the connection broke after
            # the message was handed over) and this one are then the same message to the
            # recipient's mail program, not two.
            message.replace_header("Message-ID", row.message_id)
        row.message_id = str(message["Message-ID"])
        row.in_reply_to = message.get("In-Reply-To")
        row.references = message.get("References")
        return message, row.id

    message, reply_id = db.transaction(store)
    raw = message.as_bytes(policy=SMTP)
    recipients = _recipients(message)
    try:
        password = read_secret(account.secret_ref or secrets.secret_ref(account.name))
        refused = smtp.send(settings, password, message, recipients)
    except LeadDeskError as exc:
        _fail(db, reply_id, exc)
        raise
    sent_at = utcnow()
    try:
        status = _record_sent(db, submission_id, reply_id, raw, sent_at, recipients, author,
                              _status_after(account, status_after))
    except DatabaseError as exc:
        raise SentNotRecordedError(
            f"the reply was sent to {', '.join(recipients)} (Message-ID "
            f"{message['Message-ID']}), but the database could not record it: {exc} Do not send "
            f"it again: here it still shows as not sent") from None
    copied_to, copy_error = _copy_to_sent(db, account, reply_id, raw, sent_at, read_secret)
    return SendResult(reply_id, str(message["Message-ID"]), tuple(recipients), status, copied_to,
                      copy_error, tuple(refused))


def _status_after(account: AccountInfo, choice: str | None) -> str | None:
    if choice == "account":
        choice = account.smtp.after_send
    return None if choice in (None, "keep") else choice


def _record_sent(db: Database, submission_id: int, reply_id: int, raw: bytes, sent_at: datetime,
                 recipients: list[str], author: str, status: str | None) -> str | None:
    """:func:`_mark_sent`, waited for while the database is away (a restart, a failover): the
    server has the reply, and a reply not recorded as sent invites sending it twice."""
    for wait in (*RECORD_RETRY_SECONDS, None):
        try:
            return _mark_sent(db, submission_id, reply_id, raw, sent_at, recipients, author,
                              status)
        except DatabaseUnavailableError as exc:
            if wait is None:
                raise
            log.warning("reply %s sent; recording it failed (%s), trying again in %.1f s",
                        reply_id, exc, wait)
            wait_before_retry(wait)
    raise AssertionError("unreachable")  # the loop returns or raises


def _mark_sent(db: Database, submission_id: int, reply_id: int, raw: bytes, sent_at: datetime,
               recipients: list[str], author: str, status: str | None) -> str | None:
    def mark(session: Session) -> None:
        row = session.get(Reply, reply_id)
        assert row is not None  # stored above, and nobody deletes an unsent reply meanwhile
        row.state = "sent"
        row.error = None
        row.raw = raw
        row.sent_at = sent_at
        row.updated_at = sent_at
        # The audit log records that a reply went out, not to whom or what it said.
        session.add(AuditEvent(actor=author, action=REPLY, entity="submission",
                               entity_id=submission_id, before=None,
                               after={"reply_id": reply_id, "recipients": len(recipients)}))
        record_reply(session, submission_id, reply_id, raw, row.body, author)
    db.transaction(mark)
    if status is None:
        return None
    # A separate transaction: the reply is sent and recorded whatever happens to the status.
    try:
        change = db.transaction(
            lambda session: triage.set_status(session, submission_id, status, actor=author))
    except LeadDeskError as exc:
        log.warning("reply %s sent; status not changed: %s", reply_id, exc)
        return None
    return status if change.changed else None


def _copy_to_sent(db: Database, account: AccountInfo, reply_id: int, raw: bytes, sent_at: datetime,
                  read_secret: SecretReader) -> tuple[str | None, str | None]:
    name = account.smtp.sent_account
    if not name:
        return None, None
    try:
        mailbox = db.transaction(lambda session: accounts.get_account(session, name))
        password = read_secret(mailbox.secret_ref or secrets.secret_ref(mailbox.name))
        folder = sent_copy.append_copy(mailbox, password, raw, sent_at,
                                       account.smtp.sent_folder)
    except LeadDeskError as exc:
        log.warning("reply %s sent; copy to Sent failed: %s", reply_id, exc)
        return None, str(exc)
    def mark(session: Session) -> None:
        row = session.get(Reply, reply_id)
        if row is not None:
            row.copied_to_sent_at = utcnow()
    db.transaction(mark)
    return folder, None
