"""What to show and how it becomes SQL: :class:`Filter` and its :class:`Sort`, and the WHERE
conditions a filter becomes, steered for SQLite's planner (:class:`Steer`).

Every read model builds its WHERE clause here (the pages, counts and id lists of this package, and
leads, insights and export), so they cannot drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from leaddesk.changes import CREATED, DELETED
from leaddesk.db import search
from leaddesk.db.models import Account, Reply, Status, Submission, Tag, TeamMember, submission_tags
from leaddesk.errors import ValidationError

if TYPE_CHECKING:
    from leaddesk.query.text_plan import TextPlan

NO_TOPIC = None  # in Filter.topics, matches submissions without a topic
UNASSIGNED = None  # in Filter.assignees, matches submissions nobody owns


class Sort(enum.StrEnum):
    RECEIVED = "received"
    SUBMITTED = "submitted"
    NAME = "name"
    EMAIL = "email"
    TOPIC = "topic"
    STATUS = "status"
    ACTIVITY = "activity"  # the visitor's latest mail first: an answer brings its lead to the top


SORT_COLUMNS = {
    Sort.RECEIVED: Submission.received_at,
    Sort.SUBMITTED: Submission.submitted_at,
    Sort.NAME: Submission.visitor_name,
    Sort.EMAIL: Submission.visitor_email,
    Sort.TOPIC: Submission.topic,
    Sort.STATUS: Submission.status,
    Sort.ACTIVITY: Submission.last_inbound_at,
}

# The change-record field (leaddesk.changes) each sort key reads.
SORT_FIELDS = {Sort.RECEIVED: "received_at", Sort.SUBMITTED: "submitted_at",
               Sort.NAME: "visitor", Sort.EMAIL: "visitor", Sort.TOPIC: "topic",
               Sort.STATUS: "status"}


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
    needs_reply: bool | None = None  # the last message of the conversation is the visitor's
    unread: bool | None = None  # an answer the owner has not read yet
    # Not answered and waiting longer than the team's target in business hours
    # (leaddesk.response_times). ``overdue_before`` is that deadline resolved for one moment
    # (received before it = overdue); without it the active policy and the current time decide.
    overdue: bool | None = None
    overdue_before: datetime | None = None
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

    def depends_on(self) -> frozenset[str]:
        """The submission fields (as named in :mod:`leaddesk.changes`) that decide whether a row
        belongs to this filter or where it sorts: a change to one of them re-queries the list,
        a change to any other field only repaints the rows it names."""
        fields = {CREATED, DELETED, "status", "is_spam", "is_submission", SORT_FIELDS[self.sort]}
        for wanted, names in ((self.text, ("visitor", "message", "subject")),
                              (self.topics, ("topic",)), (self.tags, ("tags",)),
                              (self.assignees, ("assignee",)), (self.accounts, ("account",)),
                              (self.replied is not None, ("replies",)),
                              (self.needs_reply is not None, ("replies", "answers")),
                              (self.unread is not None, ("unread", "answers")),
                              (self.overdue is not None, ("replies", "answers", "received_at")),
                              (self.contact_id is not None, ("contact",))):
            if wanted:
                fields.update(names)
        return frozenset(fields)


# ----------------------------------------------------------------- building the WHERE clause
#
# SQLite plans without statistics and takes any index that an equality touches, so a page of
# "status IN ('new', 'open')" newest first would read every such row through the status index and
# sort them all. Conditions therefore come in three shapes (:class:`Steer`); a column hidden from
# the planner is written ``+column``, which has the same value and type but no index.
# PostgreSQL plans from statistics and always gets the plain conditions.


class Steer(enum.Enum):
    FREE = "free"          # counts and facets: any index, above all the covering facet index
    ORDERED = "ordered"    # a page in received order: walk an index in that order, never sort
    BY_ID = "by_id"        # the rows come from a short id list: look them up by id only


def without_index(attribute: Any) -> Any:
    """``+column``: the same value for SQLite, but no index of the column may serve it."""
    return search.unindexed(attribute.expression)


def _in_or_null(column: Any, values: Sequence[str | None]) -> ColumnElement[bool]:
    present = [v for v in values if v is not None]
    clauses: list[ColumnElement[bool]] = []
    if present:
        clauses.append(column.in_(present))
    if len(present) < len(values):
        clauses.append(column.is_(None))
    return or_(*clauses)


def conditions(flt: Filter, dialect: str, *, skip: Collection[str] = (),
               steer: Steer = Steer.FREE, with_text: bool = True,
               plan: TextPlan | None = None) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``flt``; ``skip`` leaves out facet dimensions, ``with_text`` the search.

    With a ``plan`` that holds the matching ids, the search reads those instead of the index.
    Other read models (leads, insights, export) call it with ``flt`` and ``dialect`` alone, or
    with a ``steer`` of their own.
    """
    steered = dialect == "sqlite" and steer is not Steer.FREE
    sqlite = dialect == "sqlite"

    def col(attribute: Any, *, ranges: int) -> Any:
        # ``ranges``: how many index ranges the condition reads; only one keeps a walk in order.
        hide = steered and (steer is Steer.BY_ID or ranges != 1)
        return without_index(attribute) if hide else attribute

    where: list[ColumnElement[bool]] = []
    if "statuses" not in skip:
        if flt.statuses:
            where.append(col(Submission.status, ranges=len(flt.statuses)).in_(flt.statuses))
        elif not flt.include_spam:
            where.append(Submission.status != Status.SPAM.value)
    if not flt.include_non_submissions:
        where.append(col(Submission.is_submission, ranges=0).is_(True))
    if with_text and flt.text:
        # On SQLite the matches drive the statement only for BY_ID; otherwise they filter what
        # the other conditions' indexes yield (statistics or not).
        match = search.matches(dialect, flt.text, lookup=not sqlite or steer is Steer.BY_ID,
                               ids=plan.ids if plan is not None else None)
        if match is not None:
            where.append(match)
    if flt.topics and "topics" not in skip:
        where.append(_in_or_null(col(Submission.topic, ranges=len(flt.topics)), flt.topics))
    if flt.assignees and "assignees" not in skip:
        where.append(_assignee_condition(col(Submission.assignee_id,
                                             ranges=len(flt.assignees)), flt.assignees))
    if flt.tags and "tags" not in skip:
        for name in flt.tags:
            where.append(exists().where(
                submission_tags.c.submission_id == Submission.id,
                submission_tags.c.tag_id == select(Tag.id).where(Tag.name == name)
                .scalar_subquery()))
    if flt.accounts:
        where.append(col(Submission.account_id, ranges=0).in_(
            select(Account.id).where(Account.name.in_(flt.accounts))))
    received = col(Submission.received_at, ranges=1)
    if flt.received_from is not None:
        where.append(received >= flt.received_from)
    if flt.received_to is not None:
        where.append(received < flt.received_to)
    if flt.replied is not None:
        replied = exists().where(Reply.submission_id == Submission.id, Reply.state == "sent")
        where.append(replied if flt.replied else ~replied)
    if flt.needs_reply is not None:
        where.append(needs_reply_condition() if flt.needs_reply else ~needs_reply_condition())
    if flt.unread is not None:
        where.append(col(Submission.unread, ranges=0).is_(flt.unread))
    if flt.overdue is not None:
        late = overdue_condition(flt.overdue_before, col)
        where.append(late if flt.overdue else ~late)
    if flt.contact_id is not None:
        where.append(Submission.contact_id == flt.contact_id)
    if flt.ids:
        where.append(Submission.id.in_(flt.ids))
    return where


def needs_reply_condition() -> ColumnElement[bool]:
    """The visitor wrote last (or nobody answered yet) and the lead is not done."""
    return and_(or_(Submission.last_outbound_at.is_(None),
                    Submission.last_inbound_at > Submission.last_outbound_at),
                Submission.status != Status.DONE.value)


def _plain(attribute: Any, *, ranges: int) -> Any:
    return attribute


def overdue_condition(before: datetime | None = None,
                      column: Callable[..., Any] = _plain) -> ColumnElement[bool]:
    """A lead nobody answered, not done or spam, received before the deadline ``before`` (by
    default the active response policy's, now): see :mod:`leaddesk.response_times`.

    ``column`` steers SQLite as :func:`conditions` does: a page walks the received-date index
    instead of reading every shown lead through the facets index and sorting them (5x faster
    at 100k leads, bench/README.md).
    """
    if before is None:
        from leaddesk import response_times  # it reads rows of this package

        before = response_times.active().overdue_before(datetime.now().astimezone())
    return and_(Submission.first_answered_at.is_(None),
                column(Submission.is_submission, ranges=0).is_(True),
                column(Submission.status, ranges=0).not_in((Status.DONE.value,
                                                            Status.SPAM.value)),
                column(Submission.received_at, ranges=1) < before)


def _assignee_condition(column: Any, assignees: Sequence[str | None]) -> ColumnElement[bool]:
    names = [a for a in assignees if a is not None]
    clauses: list[ColumnElement[bool]] = []
    if len(names) == 1:  # an equality, so one owner's inbox walks its index in date order
        clauses.append(column == select(TeamMember.id).where(TeamMember.name == names[0])
                       .scalar_subquery())
    elif names:
        clauses.append(column.in_(select(TeamMember.id).where(TeamMember.name.in_(names))))
    if len(names) < len(assignees):
        clauses.append(column.is_(None))
    return or_(*clauses)


def dialect_of(session: Session) -> str:
    """The SQL dialect the session talks to ("sqlite", "postgresql"): what :func:`conditions` asks."""
    return session.get_bind().dialect.name
