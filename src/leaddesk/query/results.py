"""What the query API hands out, without SQL: :class:`SubmissionRow` (with its stable ``--json``
shape) and a :class:`Page` of them with the :class:`Cursor` to the next one.

Rows are frozen dataclasses, safe to hand to another thread after the session is gone. They live
apart from :mod:`leaddesk.query.rows` (which loads them through SQLAlchemy) so that the quick read
of :mod:`leaddesk.query.quick` builds the very same rows without importing SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from leaddesk.statuses import Status

DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class SubmissionRow:
    """One submission as lists, JSON output and export see it."""

    id: int
    version: int
    message_id: str | None
    account: str | None
    received_at: datetime
    submitted_at: datetime | None
    name: str | None
    email: str | None
    phone: str | None
    company: str | None
    topic: str | None
    page_url: str | None
    post_title: str | None
    status: str
    is_submission: bool
    assignee: str | None
    subject: str | None
    message: str | None
    problems: tuple[str, ...]
    contact_id: int | None
    tags: tuple[str, ...] = ()
    tag_colours: tuple[str, ...] = ()
    post_url: str | None = None  # the resolved post's address (None: no post linked)
    spam_reason: str | None = None
    not_submission_reason: str | None = None
    # Fields a person corrected: {"name": {"by": "Ada", "at": "…"}}; who overrode the verdict.
    edited_fields: Mapping[str, Any] = field(default_factory=dict)
    verdict_by: str | None = None
    # The conversation (leaddesk.conversations): unread answer, e-mails in it, newest each way.
    unread: bool = False
    message_count: int = 1
    last_inbound_at: datetime | None = None
    last_outbound_at: datetime | None = None
    first_answered_at: datetime | None = None  # the earliest outbound e-mail (response times)

    @property
    def needs_reply(self) -> bool:
        """The visitor wrote last (or nobody answered yet) and the lead is not done."""
        if self.status == Status.DONE.value:
            return False
        if self.last_outbound_at is None:
            return True
        return self.last_inbound_at is not None and self.last_inbound_at > self.last_outbound_at

    @property
    def last_contact(self) -> datetime | None:
        """The newest e-mail of the conversation, either way."""
        moments = [m for m in (self.last_inbound_at, self.last_outbound_at) if m is not None]
        return max(moments) if moments else None

    @property
    def is_spam(self) -> bool:
        return self.status == Status.SPAM.value

    @property
    def hidden_reason(self) -> str | None:
        """Why the inbox hides this message (spam or not a submission), in one line, or None."""
        if self.is_spam:
            return f"Marked spam: {self.spam_reason or 'by a person'}"
        if not self.is_submission:
            return f"Not a form submission: {self.not_submission_reason or 'no reason kept'}"
        return None

    def as_json(self) -> dict[str, Any]:
        """The stable ``--json`` shape: scripts depend on these keys; add, never rename."""
        return {
            "id": self.id,
            "message_id": self.message_id,
            "account": self.account,
            "received_at": self.received_at.isoformat(),
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "name": self.name,
            "email": self.email,
            "phone": self.phone,
            "company": self.company,
            "topic": self.topic,
            "page_url": self.page_url,
            "post_title": self.post_title,
            "post_url": self.post_url,
            "status": self.status,
            "is_spam": self.is_spam,
            "is_submission": self.is_submission,
            "tags": list(self.tags),
            "assignee": self.assignee,
            "subject": self.subject,
            "message": self.message,
            "problems": list(self.problems),
            "version": self.version,
            "contact_id": self.contact_id,
            "spam_reason": self.spam_reason if self.is_spam else None,
            "not_submission_reason": None if self.is_submission else self.not_submission_reason,
            "edited_fields": dict(self.edited_fields),
            "verdict_by": self.verdict_by,
            "unread": self.unread,
            "message_count": self.message_count,
            "needs_reply": self.needs_reply,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "first_answered_at": (self.first_answered_at.isoformat()
                                  if self.first_answered_at else None),
        }


@dataclass(frozen=True)
class Cursor:
    """Where the next keyset page starts (only for the default received-date order)."""

    received_at: datetime
    id: int


@dataclass(frozen=True)
class Page:
    rows: tuple[SubmissionRow, ...]
    total: int
    next_cursor: Cursor | None


_NOT_SUBMISSION = "not a form submission: "


def reason_in(problems: Sequence[str] | None) -> str | None:
    # Rows stored before revision 0004 kept the reason only among their problems.
    for problem in problems or ():
        if str(problem).startswith(_NOT_SUBMISSION):
            return str(problem)[len(_NOT_SUBMISSION):]
    return None


@dataclass(frozen=True)
class Estimate:
    """A count to show at once: exact, or "about ``value``" while
    :func:`~leaddesk.query.count` runs elsewhere."""

    value: int
    exact: bool
