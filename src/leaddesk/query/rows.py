"""How rows are loaded through SQLAlchemy: the row select, :func:`to_rows` and :func:`rows_by_ids`.

The row types themselves (:class:`SubmissionRow`, :class:`Page`, :class:`Cursor`) live in
:mod:`leaddesk.query.results`, without SQLAlchemy, and are re-exported here (``__all__``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from leaddesk.db.models import Account, Post, Submission, Tag, TeamMember, submission_tags
from leaddesk.query.results import DEFAULT_PAGE_SIZE, Cursor, Page, SubmissionRow, reason_in

__all__ = ["DEFAULT_PAGE_SIZE", "TAGS_COLUMN", "TOTAL_COLUMN", "AnySelect", "Cursor", "Page",
           "SubmissionRow", "row_select", "rows_by_ids", "to_rows"]

AnySelect = Select[*tuple[Any, ...]]

# Columns a page's statement may carry besides row_select's (leaddesk.query.pg_page): each row's
# tags as [[name, colour], ...] in name order, and the page's total.
TAGS_COLUMN = "tag_pairs"
TOTAL_COLUMN = "page_total"


def row_select() -> AnySelect:
    return (
        select(
            Submission.id, Submission.version, Submission.message_id,
            Account.name.label("account"), Submission.received_at, Submission.submitted_at,
            Submission.visitor_name, Submission.visitor_email, Submission.visitor_phone,
            Submission.visitor_company, Submission.topic, Submission.page_url,
            Post.title.label("post_title"), Post.url.label("post_url"), Submission.status,
            Submission.is_submission,
            TeamMember.name.label("assignee"), Submission.subject, Submission.body_text,
            Submission.problems, Submission.contact_id, Submission.spam_reason,
            Submission.not_submission_reason, Submission.edited_fields, Submission.verdict_by,
            Submission.unread, Submission.message_count, Submission.last_inbound_at,
            Submission.last_outbound_at, Submission.first_answered_at,
        )
        .select_from(Submission)
        .outerjoin(Account, Account.id == Submission.account_id)
        .outerjoin(Post, Post.id == Submission.post_id)
        .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
    )


def _tags_for(session: Session, submission_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    if not submission_ids:
        return found
    stmt = (select(submission_tags.c.submission_id, Tag.name, Tag.colour)
            .join(Tag, Tag.id == submission_tags.c.tag_id)
            .where(submission_tags.c.submission_id.in_(submission_ids))
            .order_by(Tag.name))
    for submission_id, name, colour in session.execute(stmt):
        found.setdefault(submission_id, []).append((name, colour))
    return found


def to_rows(session: Session, records: Sequence[Any]) -> list[SubmissionRow]:
    tags: Mapping[int, Sequence[Sequence[str]]]
    if records and TAGS_COLUMN in records[0]._fields:  # the statement brought them
        tags = {r.id: getattr(r, TAGS_COLUMN) or () for r in records}
    else:
        tags = _tags_for(session, [r.id for r in records])
    return [
        SubmissionRow(
            id=r.id, version=r.version, message_id=r.message_id, account=r.account,
            received_at=r.received_at, submitted_at=r.submitted_at, name=r.visitor_name,
            email=r.visitor_email, phone=r.visitor_phone, company=r.visitor_company,
            topic=r.topic, page_url=r.page_url, post_title=r.post_title, status=r.status,
            is_submission=r.is_submission, assignee=r.assignee, subject=r.subject,
            message=r.body_text, problems=tuple(r.problems or ()), contact_id=r.contact_id,
            tags=tuple(name for name, _ in tags.get(r.id, ())),
            tag_colours=tuple(colour for _, colour in tags.get(r.id, ())),
            post_url=r.post_url, spam_reason=r.spam_reason,
            not_submission_reason=r.not_submission_reason or reason_in(r.problems),
            edited_fields=dict(r.edited_fields or {}), verdict_by=r.verdict_by,
            unread=bool(r.unread), message_count=r.message_count or 1,
            last_inbound_at=r.last_inbound_at, last_outbound_at=r.last_outbound_at,
            first_answered_at=r.first_answered_at,
        )
        for r in records
    ]


def rows_by_ids(session: Session, submission_ids: Sequence[int]) -> list[SubmissionRow]:
    """Rows for the given ids, in the order given (missing ids are left out)."""
    if not submission_ids:
        return []
    records = session.execute(row_select().where(Submission.id.in_(submission_ids))).all()
    by_id = {row.id: row for row in to_rows(session, records)}
    return [by_id[i] for i in submission_ids if i in by_id]
