"""The managers' view of leads: one row per contact, filtered like the inbox.

A lead is a contact with at least one form submission matching the filter. Its row shows the
first-touch post and topic (from its earliest matching submission), the status and owner of its
latest one, when it last wrote and how many messages it sent. Submissions without a contact (no
valid e-mail) are leads of their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk import query
from leaddesk.db.models import Contact, Post, Submission, TeamMember
from leaddesk.query import Filter


@dataclass(frozen=True)
class LeadRow:
    contact_id: int | None
    name: str | None
    email: str | None
    company: str | None
    phone: str | None
    first_post: str | None
    first_topic: str | None
    status: str
    owner: str | None
    first_at: datetime
    last_at: datetime
    messages: int
    latest_submission_id: int


def lead_rows(session: Session, flt: Filter, *, limit: int | None = None) -> list[LeadRow]:
    """Leads for the filter, most recent contact first."""
    return list(iterate_leads(session, flt, limit=limit))


def iterate_leads(session: Session, flt: Filter, *, limit: int | None = None) -> Iterator[LeadRow]:
    """One pass with window functions: the first and the latest submission of every lead."""
    dialect = session.get_bind().dialect.name
    key = func.coalesce(Submission.contact_id, -Submission.id).label("key")
    oldest_first = (Submission.received_at, Submission.id)
    ranked = (
        select(
            key, Submission.id, Submission.topic, Submission.status, Submission.received_at,
            Submission.visitor_name, Submission.visitor_email, Submission.visitor_company,
            Submission.visitor_phone, Submission.contact_id,
            func.coalesce(Post.title, Submission.page_url).label("post"),
            TeamMember.name.label("owner"),
            func.row_number().over(partition_by=key, order_by=oldest_first).label("rn_first"),
            func.row_number().over(partition_by=key, order_by=[c.desc() for c in oldest_first])
            .label("rn_last"),
            func.count().over(partition_by=key).label("messages"),
            func.min(Submission.received_at).over(partition_by=key).label("first_at"),
        )
        .outerjoin(Post, Post.id == Submission.post_id)
        .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
        .where(*query.conditions(flt, dialect))
        .subquery()
    )
    first = ranked.alias("first")
    last = ranked.alias("last")
    stmt = (
        select(last, first.c.topic.label("first_topic"), first.c.post.label("first_post"),
               Contact.name.label("c_name"), Contact.email.label("c_email"),
               Contact.company.label("c_company"), Contact.phone.label("c_phone"))
        .join(first, (first.c.key == last.c.key) & (first.c.rn_first == 1))
        .outerjoin(Contact, Contact.id == last.c.contact_id)
        .where(last.c.rn_last == 1)
        .order_by(last.c.received_at.desc(), last.c.id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    for r in session.execute(stmt):
        yield LeadRow(
            contact_id=r.contact_id,
            name=r.c_name or r.visitor_name,
            email=r.c_email or r.visitor_email,
            company=r.c_company or r.visitor_company,
            phone=r.c_phone or r.visitor_phone,
            first_post=r.first_post,
            first_topic=r.first_topic,
            status=r.status,
            owner=r.owner,
            first_at=r.first_at,
            last_at=r.received_at,
            messages=int(r.messages),
            latest_submission_id=r.id,
        )


def count_leads(session: Session, flt: Filter) -> tuple[int, int]:
    """(contacts, messages) matching the filter."""
    dialect = session.get_bind().dialect.name
    key = func.coalesce(Submission.contact_id, -Submission.id)
    messages, leads = session.execute(
        select(func.count(), func.count(func.distinct(key)))
        .where(*query.conditions(flt, dialect))).one()
    return int(leads), int(messages)
