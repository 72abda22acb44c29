"""One lead's conversation for display: its e-mails in time order (the submission first), and
the timeline that interleaves them with notes and status changes.

Plain frozen dataclasses built inside the session, safe to hand to another thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.conversations.quoting import Folded, fold
from leaddesk.db.models import Message, Submission

SUBMISSION = "submission"  # MessageView.kind: the form submission itself
SENT_HERE = "reply"  # a reply sent from LeadDesk
MAIL = "mail"  # an e-mail met in a mailbox (an answer, a colleague's reply)


@dataclass(frozen=True)
class MessageView:
    """One e-mail of the conversation, either way."""

    direction: str  # "in" (the visitor) or "out" (the team)
    from_name: str | None
    from_addr: str | None
    to: str | None
    date: datetime
    subject: str | None
    text: str
    message_id: str | None
    kind: str = MAIL
    author: str | None = None  # the LeadDesk user who sent it
    id: int | None = None  # the messages row (None for the submission)

    @property
    def sender(self) -> str:
        """"Name <address>", or whichever of the two is known."""
        if self.from_name and self.from_addr:
            return f"{self.from_name} <{self.from_addr}>"
        return self.from_name or self.from_addr or ("the visitor" if self.direction == "in"
                                                    else "the team")

    @property
    def folded(self) -> Folded:
        return fold(self.text)

    def as_json(self) -> dict[str, Any]:
        """The stable shape of ``show --json``'s ``messages`` items: add keys, never rename."""
        return {"direction": self.direction, "from": self.sender, "from_name": self.from_name,
                "from_address": self.from_addr, "to": self.to, "date": self.date.isoformat(),
                "subject": self.subject, "text": self.text, "message_id": self.message_id,
                "kind": self.kind, "author": self.author}


@dataclass(frozen=True)
class TimelineEntry:
    """A message, a note or a status change, at its moment."""

    at: datetime
    kind: str  # "message", "note" or "status"
    actor: str | None = None
    text: str = ""  # the note, or "waiting → open"
    message: MessageView | None = None


def messages(session: Session, submission_id: int) -> tuple[MessageView, ...]:
    """The conversation's e-mails in time order, the submission first."""
    sub = session.get(Submission, submission_id)
    if sub is None:
        return ()
    first = MessageView(direction="in", from_name=sub.visitor_name, from_addr=sub.visitor_email,
                        to=None, date=sub.received_at, subject=sub.subject,
                        text=sub.body_text or "", message_id=sub.message_id, kind=SUBMISSION)
    rows = session.execute(select(Message).where(Message.submission_id == submission_id)
                           .order_by(Message.sent_at, Message.id)).scalars()
    return (first, *(MessageView(
        direction=m.direction, from_name=m.from_name, from_addr=m.from_addr, to=m.to_addrs,
        date=m.sent_at, subject=m.subject, text=m.body_text, message_id=m.message_id,
        kind=SENT_HERE if m.reply_id is not None else MAIL, author=m.author, id=m.id)
        for m in rows))


def latest_inbound(views: Iterable[MessageView]) -> MessageView | None:
    """What a new reply answers: the visitor's newest e-mail (the submission if nothing newer)."""
    inbound = [v for v in views if v.direction == "in"]
    return inbound[-1] if inbound else None


def timeline(views: Iterable[MessageView], notes: Iterable[tuple[datetime, str, str]],
             statuses: Iterable[tuple[datetime, str, str | None, str | None]]
             ) -> tuple[TimelineEntry, ...]:
    """Messages, notes (at, author, body) and status changes (at, actor, before, after), in
    time order; at the same moment a message comes before what was done about it."""
    entries = [TimelineEntry(v.date, "message", v.author or v.sender, message=v) for v in views]
    entries += [TimelineEntry(at, "note", author, body) for at, author, body in notes]
    entries += [TimelineEntry(at, "status", actor, f"{before or '–'} → {after or '–'}")
                for at, actor, before, after in statuses]
    order = {"message": 0, "status": 1, "note": 2}
    return tuple(sorted(entries, key=lambda e: (e.at, order[e.kind])))
