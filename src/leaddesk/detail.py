"""Everything about one submission for a detail view: the row, its form fields, notes, replies,
history and conversation. Plain frozen dataclasses, built inside the session and safe to pass anywhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from leaddesk import query, response_times
from leaddesk.conversations.timeline import MessageView, TimelineEntry, timeline
from leaddesk.conversations.timeline import messages as conversation
from leaddesk.db.models import AuditEvent, Contact, Note, Post, Reply, Submission
from leaddesk.errors import NotFoundError
from leaddesk.posts.sites import Allowlist
from leaddesk.posts.snapshot import changed_fields, state_of
from leaddesk.response_times import LeadTimes
from leaddesk.triage.results import STATUS


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
    cc: str | None = None
    body: str = ""
    error: str | None = None  # why the last attempt failed (state "failed")


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass(frozen=True)
class PostView:
    """The post the visitor came from, as cached, and as it was when the lead arrived."""

    id: int
    url: str
    title: str | None
    excerpt: str | None
    author: str | None
    published_at: datetime | None
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    leads: int
    changed_since: bool  # the cached post differs from the snapshot kept with the lead
    # Post resolution (leaddesk.posts): resolved / pending / failed / not-allowed, and why not.
    state: str = "pending"
    fetch_error: str | None = None
    fetched_at: datetime | None = None
    modified_at: datetime | None = None
    snapshot: dict[str, Any] | None = None  # the post as it was when the lead arrived
    changed_fields: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "excerpt": self.excerpt,
                "author": self.author, "categories": list(self.categories),
                "tags": list(self.tags), "state": self.state, "fetch_error": self.fetch_error,
                "published_at": self.published_at.isoformat() if self.published_at else None,
                "changed_since": self.changed_since, "changed_fields": list(self.changed_fields),
                "snapshot": self.snapshot, "leads": self.leads}


@dataclass(frozen=True)
class ContactView:
    id: int
    first_seen_at: datetime | None
    other_submissions: int


@dataclass(frozen=True)
class SubmissionDetail:
    row: query.SubmissionRow
    fields: dict[str, Any]
    spam_reason: str | None
    raw_size: int
    notes: tuple[NoteView, ...]
    replies: tuple[ReplyView, ...]
    history: tuple[HistoryEntry, ...]
    body_html: str | None = None
    post: PostView | None = None
    contact: ContactView | None = None
    # The conversation's e-mails in time order, the submission first (leaddesk.conversations).
    messages: tuple[MessageView, ...] = ()
    response: LeadTimes | None = None  # time to first answer and to done (leaddesk.response_times)

    def timeline(self) -> tuple[TimelineEntry, ...]:
        """The e-mails, notes and status changes in time order."""
        statuses = [(h.at, h.actor, (h.before or {}).get("status"), (h.after or {}).get("status"))
                    for h in self.history if h.action == STATUS]
        return timeline(self.messages, [(n.created_at, n.author, n.body) for n in self.notes],
                        statuses)

    def as_json(self) -> dict[str, Any]:
        data = self.row.as_json()
        data.update(
            fields=self.fields,
            spam_reason=self.spam_reason,
            not_submission_reason=self.row.not_submission_reason,
            raw_size=self.raw_size,
            notes=[{"author": n.author, "body": n.body, "created_at": n.created_at.isoformat()}
                   for n in self.notes],
            replies=[{"author": r.author, "to": r.to, "subject": r.subject, "state": r.state,
                      "sent_at": r.sent_at.isoformat() if r.sent_at else None, "id": r.id,
                      "cc": r.cc, "body": r.body, "error": r.error}
                     for r in self.replies],
            post=self.post.as_json() if self.post else None,
            history=[{"at": h.at.isoformat(), "actor": h.actor, "action": h.action,
                      "before": h.before, "after": h.after} for h in self.history],
            messages=[m.as_json() for m in self.messages],
        )
        if self.response is not None:
            data.update(self.response.as_json())
        return data


def load(session: Session, submission_id: int) -> SubmissionDetail:
    rows = query.rows_by_ids(session, [submission_id])
    if not rows:
        raise NotFoundError(f"no submission {submission_id}; `leaddesk list --all` shows the ids")
    fields, spam_reason, raw_size, body_html, post_id, snapshot = session.execute(
        select(Submission.fields, Submission.spam_reason,
               func.coalesce(func.length(Submission.raw), 0), Submission.body_html,
               Submission.post_id, Submission.post_snapshot)
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
        replies=tuple(ReplyView(r.id, r.author, r.to_addrs, r.subject, r.state, r.sent_at,
                                r.cc_addrs, r.body, r.error)
                      for r in replies),
        history=tuple(HistoryEntry(e.at, e.actor, e.action, e.before, e.after) for e in history),
        body_html=body_html,
        post=_post(session, post_id, snapshot),
        contact=_contact(session, rows[0].contact_id, submission_id),
        messages=conversation(session, submission_id),
        response=response_times.for_lead(session, rows[0], submission_id),
    )


def post_leads(post_id: int) -> Select[int]:
    """How many leads a post brought: read from ``ix_submissions_post_leads`` alone (a post may
    have brought a tenth of all leads; their rows are never read for it)."""
    return select(func.count()).select_from(Submission).where(
        Submission.post_id == post_id, Submission.is_submission.is_(True))


def _post(session: Session, post_id: int | None, snapshot: dict[str, Any] | None) -> PostView | None:
    if post_id is None:
        return None
    post = session.get(Post, post_id)
    if post is None:
        return None
    leads = session.execute(post_leads(post_id)).scalar_one()
    changed = tuple(changed_fields(snapshot, post))
    return PostView(id=post.id, url=post.url, title=post.title, excerpt=post.excerpt,
                    author=post.author, published_at=post.published_at,
                    categories=tuple(str(c) for c in post.categories or ()),
                    tags=tuple(str(t) for t in post.tags or ()), leads=int(leads),
                    changed_since=bool(changed),
                    state=state_of(post, allowed=Allowlist.load(session).allows(post.url)),
                    fetch_error=post.fetch_error, fetched_at=post.fetched_at,
                    modified_at=post.modified_at, snapshot=snapshot, changed_fields=changed)


def _contact(session: Session, contact_id: int | None, submission_id: int) -> ContactView | None:
    if contact_id is None:
        return None
    contact = session.get(Contact, contact_id)
    if contact is None:
        return None
    others = session.execute(select(func.count()).select_from(Submission).where(
        Submission.contact_id == contact_id, Submission.id != submission_id)).scalar_one()
    return ContactView(contact.id, contact.first_seen_at, int(others))


def raw_bytes(session: Session, submission_id: int) -> bytes:
    """The message exactly as it arrived (empty when the source kept none)."""
    raw = session.execute(select(Submission.raw).where(Submission.id == submission_id)).scalar()
    return raw or b""
