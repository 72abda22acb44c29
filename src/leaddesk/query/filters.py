"""How a filter becomes SQL: the WHERE conditions a :class:`Filter` becomes, steered for
SQLite's planner (:class:`Steer`). The filter itself lives in :mod:`leaddesk.query.spec`, without
SQLAlchemy; it is re-exported here (``__all__``) for the callers that import it from this module.

Every read model builds its WHERE clause here (the pages, counts and id lists of this package, and
leads, insights and export), so they cannot drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Account, Reply, Status, Submission, Tag, TeamMember, submission_tags
from leaddesk.query.spec import NO_TOPIC, SORT_FIELDS, UNASSIGNED, Filter, Sort

if TYPE_CHECKING:
    from leaddesk.query.text_plan import TextPlan


__all__ = [
    "NO_TOPIC", "SORT_COLUMNS", "SORT_FIELDS", "UNASSIGNED", "WALKED_SORTS", "Filter", "Sort",
    "Steer", "assignee_condition", "conditions", "dialect_of", "in_or_null", "needs_reply_condition",
    "walk_covers", "without_index",
]

SORT_COLUMNS = {
    Sort.RECEIVED: Submission.received_at,
    Sort.SUBMITTED: Submission.submitted_at,
    Sort.NAME: Submission.visitor_name,
    Sort.EMAIL: Submission.visitor_email,
    Sort.TOPIC: Submission.topic,
    Sort.STATUS: Submission.status,
    Sort.ACTIVITY: Submission.last_inbound_at,
}


# ----------------------------------------------------------------- building the WHERE clause
#
# SQLite plans without statistics and takes any index that an equality touches, so a page of
# "status IN ('new', 'open')" newest first would read every such row through the status index and
# sort them all. Conditions therefore come in three shapes (:class:`Steer`); a column hidden from
# the planner is written ``+column``, which has the same value and type but no index.
# PostgreSQL plans from statistics and always gets the plain conditions.


class Steer(enum.Enum):
    FREE = "free"          # counts and facets: any index, above all the covering facet index
    ORDERED = "ordered"    # walk the sort's index in order, never sort (see WALKED_SORTS)
    BY_ID = "by_id"        # the rows come from a short id list: look them up by id only


# The sorts an index can be walked in, each with the covering index that holds its order and
# every column the usual filters test. Received order has an index per filter column, all
# ordered by date after their own column, so a filter on one value keeps the walk in order; a
# walk in any other order reads its own index alone, every other condition hidden from it.
WALKED_SORTS = {Sort.RECEIVED: "ix_submissions_received", Sort.NAME: "ix_submissions_name"}


def walk_covers(flt: Filter) -> bool:
    """Does a walk in ``flt``'s order test every condition of ``flt`` in the index it walks?

    Otherwise the walk reads each entry's row, in the index's order rather than the table's:
    for every id of the "Needs reply" view of a million leads in name order, 28 s against the
    2 s of reading its partial index and sorting. A search is held: on SQLite its condition
    tests the entry's id against the word's matches.
    """
    if flt.sort not in WALKED_SORTS:
        return False
    by_date = flt.sort is Sort.RECEIVED
    tested = Filter(text=flt.text, statuses=flt.statuses, topics=flt.topics, assignees=flt.assignees,
                    include_spam=flt.include_spam,
                    include_non_submissions=flt.include_non_submissions,
                    received_from=flt.received_from if by_date else None,
                    received_to=flt.received_to if by_date else None,
                    sort=flt.sort, descending=flt.descending)
    # The received-date index lacks the owner: one owner walks that owner's own index instead.
    return flt == tested and (not by_date or len(flt.assignees) <= 1)


def without_index(attribute: Any) -> Any:
    """``+column``: the same value for SQLite, but no index of the column may serve it."""
    return search.unindexed(attribute.expression)


def in_or_null(column: Any, values: Sequence[str | None]) -> ColumnElement[bool]:
    present = [v for v in values if v is not None]
    clauses: list[ColumnElement[bool]] = []
    if present:
        clauses.append(column.in_(present))
    if len(present) < len(values):
        clauses.append(column.is_(None))
    return or_(*clauses)


def conditions(flt: Filter, dialect: str, *, skip: Collection[str] = (),
               steer: Steer = Steer.FREE, with_text: bool = True,
               plan: TextPlan | None = None, exact: str | None = None) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``flt``; ``skip`` leaves out facet dimensions, ``with_text`` the search.

    With a ``plan`` that holds the matching ids, the search reads those instead of the index;
    on PostgreSQL ``exact`` is the search with its prefixes written out (:mod:`~leaddesk.query.pg_text`).
    Other read models (leads, insights, export) call it with ``flt`` and ``dialect`` alone, or
    with a ``steer`` of their own.
    """
    steered = dialect == "sqlite" and steer is not Steer.FREE
    sqlite = dialect == "sqlite"
    by_date = flt.sort is Sort.RECEIVED

    def col(attribute: Any, *, ranges: int) -> Any:
        # ``ranges``: how many index ranges the condition reads; only one keeps a walk in
        # received order, and none keeps a walk in another.
        hide = steered and (steer is Steer.BY_ID or ranges != 1 or not by_date)
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
                               ids=plan.ids if plan is not None else None, exact=exact)
        if match is not None:
            where.append(match)
    if flt.topics and "topics" not in skip:
        where.append(in_or_null(col(Submission.topic, ranges=len(flt.topics)), flt.topics))
    if flt.assignees and "assignees" not in skip:
        where.append(assignee_condition(col(Submission.assignee_id,
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
    """The visitor wrote last (or nobody answered yet) and the lead is not done.

    Its first term is ``ix_submissions_needs_reply``'s condition, and ``overdue_condition``'s
    first that of ``ix_submissions_unanswered``, term for term (models.py): SQLite uses a
    partial index only then."""
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


def assignee_condition(column: Any, assignees: Sequence[str | None]) -> ColumnElement[bool]:
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
