"""One query API for the UI, the CLI and export: a Filter in, plain rows, counts and facets out.

Everything filters in the database (never in Python), so it scales to a million submissions.
Rows are frozen dataclasses, safe to hand to another thread after the session is gone.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, tuple_
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import (
    Account,
    Post,
    Reply,
    Status,
    Submission,
    Tag,
    TeamMember,
    submission_tags,
)
from leaddesk.errors import ValidationError

DEFAULT_PAGE_SIZE = 50
AnySelect = Select[*tuple[Any, ...]]
NO_TOPIC = None  # in Filter.topics, matches submissions without a topic
UNASSIGNED = None  # in Filter.assignees, matches submissions nobody owns


class Sort(enum.StrEnum):
    RECEIVED = "received"
    SUBMITTED = "submitted"
    NAME = "name"
    EMAIL = "email"
    TOPIC = "topic"
    STATUS = "status"


_SORT_COLUMNS = {
    Sort.RECEIVED: Submission.received_at,
    Sort.SUBMITTED: Submission.submitted_at,
    Sort.NAME: Submission.visitor_name,
    Sort.EMAIL: Submission.visitor_email,
    Sort.TOPIC: Submission.topic,
    Sort.STATUS: Submission.status,
}


@dataclass(frozen=True)
class Filter:
    """What to show. Empty tuples mean "any"; several values in one tuple mean "any of these".

    Spam and messages that are not form submissions are hidden unless asked for (or unless the
    statuses name ``spam`` explicitly). Tags must all be present.
    """

    text: str = ""
    statuses: tuple[str, ...] = ()
    topics: tuple[str | None, ...] = ()
    tags: tuple[str, ...] = ()
    assignees: tuple[str | None, ...] = ()
    accounts: tuple[str, ...] = ()
    received_from: datetime | None = None
    received_to: datetime | None = None
    replied: bool | None = None
    contact_id: int | None = None
    ids: tuple[int, ...] = ()
    include_spam: bool = False
    include_non_submissions: bool = False
    sort: Sort = Sort.RECEIVED
    descending: bool = True

    def __post_init__(self) -> None:
        unknown = [s for s in self.statuses if s not in Status._value2member_map_]
        if unknown:
            raise ValidationError(f"unknown status {unknown[0]!r}; use one of "
                                  f"{', '.join(s.value for s in Status)}")
        sort: object = self.sort  # callers may pass a plain string (CLI, saved views)
        if not isinstance(sort, Sort):
            try:
                object.__setattr__(self, "sort", Sort(str(sort)))
            except ValueError:
                raise ValidationError(f"cannot sort by {sort!r}; use one of "
                                      f"{', '.join(s.value for s in Sort)}") from None

    def with_(self, **changes: Any) -> Filter:
        return replace(self, **changes)


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

    @property
    def is_spam(self) -> bool:
        return self.status == Status.SPAM.value

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


@dataclass(frozen=True)
class Facets:
    """Counts per value. Each facet ignores its own dimension of the filter, so the sidebar keeps
    showing the other topics while one is selected. ``None`` keys are "no topic" / "unassigned"."""

    statuses: dict[str, int] = field(default_factory=dict)
    topics: dict[str | None, int] = field(default_factory=dict)
    tags: dict[str, int] = field(default_factory=dict)
    assignees: dict[str | None, int] = field(default_factory=dict)


# ----------------------------------------------------------------- building the WHERE clause

def _in_or_null(column: Any, values: Sequence[str | None]) -> ColumnElement[bool]:
    present = [v for v in values if v is not None]
    clauses: list[ColumnElement[bool]] = []
    if present:
        clauses.append(column.in_(present))
    if len(present) < len(values):
        clauses.append(column.is_(None))
    return or_(*clauses)


def _conditions(flt: Filter, dialect: str, *, skip: str = "") -> list[ColumnElement[bool]]:
    """WHERE conditions for ``flt``; ``skip`` leaves out one facet dimension."""
    where: list[ColumnElement[bool]] = []
    if skip != "statuses":
        if flt.statuses:
            where.append(Submission.status.in_(flt.statuses))
        elif not flt.include_spam:
            where.append(Submission.status != Status.SPAM.value)
    if not flt.include_non_submissions:
        where.append(Submission.is_submission.is_(True))
    if flt.text:
        match = search.matches(dialect, flt.text)
        if match is not None:
            where.append(match)
    if flt.topics and skip != "topics":
        where.append(_in_or_null(Submission.topic, flt.topics))
    if flt.assignees and skip != "assignees":
        names = [a for a in flt.assignees if a is not None]
        member_ids = select(TeamMember.id).where(TeamMember.name.in_(names))
        clauses: list[ColumnElement[bool]] = [Submission.assignee_id.in_(member_ids)]
        if len(names) < len(flt.assignees):
            clauses.append(Submission.assignee_id.is_(None))
        where.append(or_(*clauses))
    if flt.tags and skip != "tags":
        for name in flt.tags:
            where.append(exists().where(
                submission_tags.c.submission_id == Submission.id,
                submission_tags.c.tag_id == select(Tag.id).where(Tag.name == name)
                .scalar_subquery()))
    if flt.accounts:
        where.append(Submission.account_id.in_(
            select(Account.id).where(Account.name.in_(flt.accounts))))
    if flt.received_from is not None:
        where.append(Submission.received_at >= flt.received_from)
    if flt.received_to is not None:
        where.append(Submission.received_at < flt.received_to)
    if flt.replied is not None:
        replied = exists().where(Reply.submission_id == Submission.id, Reply.state == "sent")
        where.append(replied if flt.replied else ~replied)
    if flt.contact_id is not None:
        where.append(Submission.contact_id == flt.contact_id)
    if flt.ids:
        where.append(Submission.id.in_(flt.ids))
    return where


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _ordered(stmt: AnySelect, flt: Filter) -> AnySelect:
    column = _SORT_COLUMNS[flt.sort]
    if flt.descending:
        return stmt.order_by(column.desc(), Submission.id.desc())
    return stmt.order_by(column.asc(), Submission.id.asc())


# ----------------------------------------------------------------- public queries

def count(session: Session, flt: Filter) -> int:
    stmt = select(func.count()).select_from(Submission).where(
        *_conditions(flt, _dialect(session)))
    return int(session.execute(stmt).scalar_one())


def ids(session: Session, flt: Filter) -> list[int]:
    """Every matching id in display order: what a lazy list model holds."""
    stmt = _ordered(select(Submission.id).where(*_conditions(flt, _dialect(session))), flt)
    return list(session.execute(stmt).scalars())


def _row_select() -> AnySelect:
    return (
        select(
            Submission.id, Submission.version, Submission.message_id,
            Account.name.label("account"), Submission.received_at, Submission.submitted_at,
            Submission.visitor_name, Submission.visitor_email, Submission.visitor_phone,
            Submission.visitor_company, Submission.topic, Submission.page_url,
            Post.title.label("post_title"), Submission.status, Submission.is_submission,
            TeamMember.name.label("assignee"), Submission.subject, Submission.body_text,
            Submission.problems, Submission.contact_id,
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


def _to_rows(session: Session, records: Sequence[Any]) -> list[SubmissionRow]:
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
        )
        for r in records
    ]


def rows_by_ids(session: Session, submission_ids: Sequence[int]) -> list[SubmissionRow]:
    """Rows for the given ids, in the order given (missing ids are left out)."""
    if not submission_ids:
        return []
    records = session.execute(_row_select().where(Submission.id.in_(submission_ids))).all()
    by_id = {row.id: row for row in _to_rows(session, records)}
    return [by_id[i] for i in submission_ids if i in by_id]


def find(session: Session, flt: Filter, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0,
         after: Cursor | None = None, with_total: bool = True) -> Page:
    """One ordered page of rows, the total count, and a cursor for the next page.

    ``after`` pages by keyset (constant cost at any depth) and works with the received-date sort;
    ``offset`` works with every sort.
    """
    where = _conditions(flt, _dialect(session))
    stmt = _ordered(_row_select().where(*where), flt)
    if after is not None:
        if flt.sort is not Sort.RECEIVED:
            raise ValidationError("keyset paging works with the received-date sort only")
        key = tuple_(Submission.received_at, Submission.id)
        edge = tuple_(after.received_at, after.id)
        stmt = stmt.where(key < edge if flt.descending else key > edge)
    records = session.execute(stmt.limit(limit).offset(offset)).all()
    rows = _to_rows(session, records)
    next_cursor = None
    if len(rows) == limit and flt.sort is Sort.RECEIVED:
        next_cursor = Cursor(rows[-1].received_at, rows[-1].id)
    total = count(session, flt) if with_total else -1
    return Page(rows=tuple(rows), total=total, next_cursor=next_cursor)


def iterate(session: Session, flt: Filter, *, batch: int = 1000) -> Iterator[SubmissionRow]:
    """Every matching row in order, fetched in keyset batches: constant memory at any size."""
    flt = flt.with_(sort=Sort.RECEIVED) if flt.sort is not Sort.RECEIVED else flt
    cursor: Cursor | None = None
    while True:
        page = find(session, flt, limit=batch, after=cursor, with_total=False)
        yield from page.rows
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def facets(session: Session, flt: Filter) -> Facets:
    """Counts per status, topic, tag and assignee under the rest of the filter."""
    dialect = _dialect(session)
    status_flt = flt.with_(include_spam=True)
    statuses = session.execute(
        select(Submission.status, func.count()).where(
            *_conditions(status_flt, dialect, skip="statuses")).group_by(Submission.status))
    topics = session.execute(
        select(Submission.topic, func.count()).where(
            *_conditions(flt, dialect, skip="topics")).group_by(Submission.topic))
    assignees = session.execute(
        select(TeamMember.name, func.count())
        .select_from(Submission)
        .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
        .where(*_conditions(flt, dialect, skip="assignees"))
        .group_by(TeamMember.name))
    tags = session.execute(
        select(Tag.name, func.count())
        .select_from(submission_tags)
        .join(Tag, Tag.id == submission_tags.c.tag_id)
        .join(Submission, Submission.id == submission_tags.c.submission_id)
        .where(*_conditions(flt, dialect, skip="tags"))
        .group_by(Tag.name))
    return Facets(
        statuses={s: int(n) for s, n in statuses},
        topics={t: int(n) for t, n in topics},
        tags={t: int(n) for t, n in tags},
        assignees={a: int(n) for a, n in assignees},
    )


__all__ = [
    "NO_TOPIC", "UNASSIGNED", "Cursor", "Facets", "Filter", "Page", "Sort", "SubmissionRow",
    "count", "facets", "find", "ids", "iterate", "rows_by_ids",
]
