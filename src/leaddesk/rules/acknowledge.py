"""Acknowledgements a rule sends from a template: queued with the lead, sent after the commit.

Off unless the rules option ``acknowledgements`` is on and an SMTP account exists. Never to a lead
that is spam or not a form submission (checked when queued and again when sent, since a rule below
may have marked it spam), never for old mail an import brings in (only leads that arrived in the
last day), and at most once per visitor address per day in the rules' time zone: the unique
(contact, day) row is written in the same transaction as the lead. The message goes through the
reply service, so it is threaded (In-Reply-To, References), recorded in the conversation and
audited as sent by ``rule: NAME``; the lead's status is left as it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta, tzinfo
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.db.models import RuleAcknowledgement, Status, Submission
from leaddesk.db.types import utcnow
from leaddesk.errors import LeadDeskError
from leaddesk.rules.facts import Facts

if TYPE_CHECKING:  # only a type here: the accounts (and the keyring) load when a rule sends
    from leaddesk.accounts import AccountInfo

log = logging.getLogger(__name__)

MAX_AGE = timedelta(days=1)  # older leads (an import of last year's mail) are never acknowledged
SEND_BATCH = 50


def queue(session: Session, f: Facts, *, rule: str, template: str, zone: tzinfo) -> bool:
    """Queue an acknowledgement of ``f`` unless it must not get one; True when queued."""
    now = utcnow()
    if f.status == Status.SPAM.value or not f.is_submission or not f.email or "@" not in f.email:
        return False
    if now - f.received_at > MAX_AGE:
        return False
    contact, day = f.email.strip().casefold(), now.astimezone(zone).date().isoformat()
    exists = session.scalar(select(RuleAcknowledgement.id).where(
        RuleAcknowledgement.contact == contact, RuleAcknowledgement.day == day))
    if exists is not None:
        return False
    try:
        # A savepoint: another process queueing the same contact at this moment must not roll
        # back the batch of leads this runs in.
        with session.begin_nested():
            session.add(RuleAcknowledgement(contact=contact, day=day, submission_id=f.id,
                                            rule=rule, template=template, state="pending",
                                            created_at=now))
    except IntegrityError:
        return False
    return True


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0


def _pending(db: Database) -> list[tuple[int, int | None, str, str]]:
    return db.transaction(lambda s: [(a, b, c, d) for a, b, c, d in s.execute(
        select(RuleAcknowledgement.id, RuleAcknowledgement.submission_id,
               RuleAcknowledgement.rule, RuleAcknowledgement.template)
        .where(RuleAcknowledgement.state == "pending")
        .order_by(RuleAcknowledgement.id).limit(SEND_BATCH))])


def _mark(db: Database, ack_id: int, state: str, *, error: str | None = None,
          reply_id: int | None = None, claim: bool = False) -> bool:
    """Move an acknowledgement to ``state``; with ``claim``, only from pending (one sender wins)."""
    def write(session: Session) -> bool:
        query = update(RuleAcknowledgement).where(RuleAcknowledgement.id == ack_id)
        if claim:
            query = query.where(RuleAcknowledgement.state == "pending")
        values: dict[str, object] = {"state": state, "error": error}
        if state == "sent":
            values.update(reply_id=reply_id, sent_at=utcnow())
        return bool(session.execute(query.values(**values)).rowcount)  # type: ignore[attr-defined]
    return db.transaction(write)


def _send_one(db: Database, account: AccountInfo, lead: int, rule: str, template_name: str
              ) -> int | None:
    """Send one acknowledgement; its reply id, or None when the lead must not get one now."""
    from leaddesk.reply import compose, service, templates

    actor = f"rule: {rule}"
    state = db.transaction(lambda s: s.execute(
        select(Submission.status, Submission.is_submission)
        .where(Submission.id == lead)).first())
    if state is None or state[0] == Status.SPAM.value or not state[1]:
        return None

    def draft_of(session: Session) -> compose.Draft:
        found = compose.load_lead(session, lead)
        template = templates.get_template(session, template_name)
        return compose.default_draft(found, my_name=service.my_name(account, actor),
                                     template=template)

    result = service.send_reply(db, lead, db.transaction(draft_of), account, actor=actor,
                                status_after=None)
    return result.reply_id


def send_pending(db: Database) -> SendReport:
    """Send the queued acknowledgements; a failure is recorded on the row and logged, never raised."""
    # Imported here: the reply service (SMTP, keyring) is only needed when something is queued.
    from leaddesk.reply import service
    from leaddesk.rules import catalog

    report = SendReport()
    pending = _pending(db)
    if not pending:
        return report
    options = db.transaction(catalog.get_options)
    try:
        if options[catalog.ACKNOWLEDGEMENTS] != "on":
            raise LeadDeskError("acknowledgements are off (`leaddesk rules options "
                                "--acknowledgements on`)")
        account = db.transaction(lambda s: service.smtp_account(
            s, options[catalog.ACK_ACCOUNT] or None))
    except LeadDeskError as exc:
        for ack_id, *_ in pending:
            _mark(db, ack_id, "skipped", error=str(exc))
        report.skipped += len(pending)
        log.warning("acknowledgements not sent: %s", exc)
        return report
    for ack_id, lead, rule, template_name in pending:
        if not _mark(db, ack_id, "sending", claim=True):
            continue  # another process took it
        try:
            reply_id = None if lead is None else _send_one(db, account, lead, rule,
                                                           template_name)
        except LeadDeskError as exc:
            _mark(db, ack_id, "failed", error=str(exc))
            report.failed += 1
            log.warning("acknowledgement of submission %s by rule %s failed: %s", lead, rule,
                        exc)
            continue
        if reply_id is None:
            _mark(db, ack_id, "skipped", error="the lead is spam, not a submission, or gone")
            report.skipped += 1
        else:
            _mark(db, ack_id, "sent", reply_id=reply_id)
            report.sent += 1
    return report
