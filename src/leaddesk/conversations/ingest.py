"""The threading step of the store pipeline: mail that continues a lead's conversation joins it.

It runs before the usual dedup and storage, on every batch from every mailbox source, so an
answer to our reply becomes a message of the lead (never a new row in the list, and never a
hidden "reply in an e-mail thread"). Mail from the team's own addresses joins as outbound; a mail
naming a message of an erased lead is skipped, like the erased messages themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.conversations import headers, threads
from leaddesk.conversations.record import REOPEN, Added, NewMessage, add_messages
from leaddesk.db.models import Account, Submission
from leaddesk.db.types import utcnow


@dataclass(frozen=True)
class ThreadedMail:
    """What the pipeline knows of one incoming message."""

    raw: bytes
    subject: str | None
    text: str
    source_key: str
    received_at: datetime | None = None


@dataclass
class Threaded:
    taken: set[int] = field(default_factory=set)  # positions handled here (joined or duplicate)
    erased: set[int] = field(default_factory=set)  # positions naming an erased lead's message
    added: Added = field(default_factory=Added)


def on_answer(session: Session, account_id: int | None) -> str:
    """What an answer does to the lead's status, as the mailbox's settings say."""
    if account_id is None:
        return REOPEN
    settings = session.execute(select(Account.settings).where(Account.id == account_id)).scalar()
    return str((settings or {}).get("on_answer") or REOPEN)


def direction(mail: headers.MailHeaders, own: set[str], visitor: str | None) -> str:
    """"out" for the team's mail: from one of our addresses, or written to the lead's visitor by
    someone else (a colleague who copied the shared mailbox); "in" for everything else."""
    if mail.from_addr in own:
        return "out"
    who = (visitor or "").casefold()
    if who and mail.from_addr != who and who in mail.recipients:
        return "out"
    return "in"


def thread_batch(session: Session, mails: Sequence[ThreadedMail], account_id: int | None) -> Threaded:
    """Join the mails of a batch that continue a conversation to their leads."""
    result = Threaded()
    read = {i: mail for i, mail in ((i, headers.read(m.raw)) for i, m in enumerate(mails)
                                    if headers.may_thread(m.raw, m.subject))
            # An auto-reply or a bounce is no answer: it stays a hidden mail with its reason.
            if not mail.automatic}
    if not read:
        return result
    known = threads.load(session, read.values())
    own = threads.own_addresses(session)
    leads: dict[int, int] = {}
    unmatched: list[int] = []
    for position, mail in read.items():
        if mail.message_id in known.notifications:
            continue  # the lead's own notification, met again: the usual dedup handles it
        lead = known.lead_for(mail)
        if lead is not None:
            leads[position] = lead
        elif known.names_erased(mail):
            result.erased.add(position)
        elif mail.from_addr not in own:
            unmatched.append(position)
    found = threads.by_subject(session, [read[i] for i in unmatched], utcnow())
    leads.update({unmatched[i]: lead for i, lead in found.items()})
    if not leads:
        return result
    visitors = dict(session.execute(select(Submission.id, Submission.visitor_email).where(
        Submission.id.in_(set(leads.values())))).all())
    new = [NewMessage(submission_id=lead, direction=direction(read[p], own, visitors.get(lead)),
                      headers=read[p], text=mails[p].text, raw=mails[p].raw,
                      account_id=account_id, source_key=mails[p].source_key,
                      received_at=mails[p].received_at)
           for p, lead in sorted(leads.items())]
    result.added = add_messages(session, new, known, on_answer=on_answer(session, account_id))
    result.taken = set(leads)
    return result
