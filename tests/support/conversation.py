"""E-mails of a conversation for tests: our reply, the visitor's answer, a colleague's reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from sqlalchemy.orm import Session

from leaddesk.conversations.record import record_reply
from leaddesk.db.models import Reply, Submission

TEAM = "team@example-agency.com"
WHEN = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def mail(*, sender: str, to: str, subject: str, message_id: str | None, body: str,
         in_reply_to: str | None = None, references: str | None = None,
         when: datetime = WHEN) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}", f"Date: {format_datetime(when)}"]
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
    if references:
        lines.append(f"References: {references}")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
              "Content-Transfer-Encoding: 8bit", "", body]
    return "\r\n".join(lines).encode()


def answer(n: int, *, to_message: str | None, visitor: str = "Nadia Benali <nadia@example.net>",
           subject: str = "Re: Patient engagement", when: datetime | None = None,
           body: str = "Yes please, send it to my colleague too.",
           quote: bool = True) -> bytes:
    """The visitor's answer; ``to_message`` None: a mail program that dropped the headers."""
    text = body + ("\r\n\r\nOn Tue, 3 Mar 2026, Ada wrote:\r\n> Thanks for reading!\r\n"
                   if quote else "")
    return mail(sender=visitor, to=TEAM, subject=subject, message_id=f"<answer-{n}@example.net>",
                body=text, in_reply_to=to_message, references=to_message,
                when=when or WHEN + timedelta(hours=n))


def our_reply(session: Session, lead: Submission, *, message_id: str,
              subject: str = "Re: Patient engagement", when: datetime = WHEN,
              body: str = "Thanks for reading! Here is the white paper.") -> Reply:
    """A reply LeadDesk sent on ``lead`` (recorded as the send service records it)."""
    raw = mail(sender=f"Ada <{TEAM}>", to=lead.visitor_email or "", subject=subject,
               message_id=message_id, body=body, in_reply_to=lead.message_id,
               references=lead.message_id, when=when)
    reply = Reply(submission_id=lead.id, author="Ada", message_id=message_id,
                  to_addrs=lead.visitor_email or "", subject=subject, body=body, state="sent",
                  sent_at=when, raw=raw)
    session.add(reply)
    session.flush()
    record_reply(session, lead.id, reply.id, raw, body, "Ada")
    return reply
