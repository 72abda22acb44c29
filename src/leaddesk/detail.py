"""Everything about one submission for a detail view: the row, its form fields, notes, replies
and history. Plain frozen dataclasses, built inside the session and safe to pass anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.db.models import AuditEvent, Note, Reply, Submission
from leaddesk.errors import NotFoundError


@dataclass(frozen=True)
class NoteView:
    id: int
    author: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class ReplyView:
    id: int
    author: str
    to: str
    subject: str
    state: str
    sent_at: datetime | None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class SubmissionDetail:
    row: query.SubmissionRow
    fields: dict[str, Any]
    spam_reason: str | None
    raw_size: int
    notes: tuple[NoteView, ...]
    replies: tuple[ReplyView, ...]
    history: tuple[HistoryEntry, ...]

    def as_json(self) -> dict[str, Any]:
        data = self.row.as_json()
        data.update(
            fields=self.fields,
            spam_reason=self.spam_reason,
            raw_size=self.raw_size,
            notes=[{"author": n.author, "body": n.body, "created_at": n.created_at.isoformat()}
                   for n in self.notes],
            replies=[{"author": r.author, "to": r.to, "subject": r.subject, "state": r.state,
                      "sent_at": r.sent_at.isoformat() if r.sent_at else None}
                     for r in self.replies],
            history=[{"at": h.at.isoformat(), "actor": h.actor, "action": h.action,
                      "before": h.before, "after": h.after} for h in self.history],
        )
        return data


def load(session: Session, submission_id: int) -> SubmissionDetail:
    rows = query.rows_by_ids(session, [submission_id])
    if not rows:
        raise NotFoundError(f"no submission {submission_id}; `leaddesk list --all` shows the ids")
    fields, spam_reason, raw_size = session.execute(
        select(Submission.fields, Submission.spam_reason, func.coalesce(func.length(Submission.raw), 0))
        .where(Submission.id == submission_id)).one()
    notes = session.execute(select(Note).where(Note.submission_id == submission_id)
                            .order_by(Note.id)).scalars()
    replies = session.execute(select(Reply).where(Reply.submission_id == submission_id)
                              .order_by(Reply.id)).scalars()
    history = session.execute(
        select(AuditEvent).where(AuditEvent.entity == "submission",
                                 AuditEvent.entity_id == submission_id)
        .order_by(AuditEvent.id)).scalars()
    return SubmissionDetail(
        row=rows[0],
        fields=dict(fields or {}),
        spam_reason=spam_reason,
        raw_size=int(raw_size),
        notes=tuple(NoteView(n.id, n.author, n.body, n.created_at) for n in notes),
        replies=tuple(ReplyView(r.id, r.author, r.to_addrs, r.subject, r.state, r.sent_at)
                      for r in replies),
        history=tuple(HistoryEntry(e.at, e.actor, e.action, e.before, e.after) for e in history),
    )


def raw_bytes(session: Session, submission_id: int) -> bytes:
    """The message exactly as it arrived (empty when the source kept none)."""
    raw = session.execute(select(Submission.raw).where(Submission.id == submission_id)).scalar()
    return raw or b""
