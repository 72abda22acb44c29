"""One query API for the UI, the CLI and export: a Filter in, plain rows, counts and facets out.

Everything filters in the database (never in Python), so it scales to a million submissions.
Rows are frozen dataclasses, safe to hand to another thread after the session is gone.

On SQLite the statements are shaped to get fast plans with or without planner statistics (see
the sections below); bench/README.md has the figures and bench/verify.py checks that every shape
answers exactly what plain SQL answers.
"""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    exists,
    func,
    or_,
    select,
    text,
    tuple_,
    type_coerce,
)
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
ID_CHUNK = 5_000  # ids fetched per call by ids()
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


SORT_COLUMNS = {
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
    post_url: str | None = None  # the resolved post's address (None: no post linked)

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
#
# SQLite plans without statistics and takes any index that an equality touches, so a page of
# "status IN ('new', 'open')" newest first would read every such row through the status index and
# sort them all. Conditions therefore come in three shapes (:class:`_Steer`); a column hidden from
# the planner is written ``+column``, which has the same value and type but no index.
# PostgreSQL plans from statistics and always gets the plain conditions.

_FACET_DIMENSIONS = frozenset({"statuses", "topics", "assignees"})
FACET_GROUPS_MAX = 4_000    # possible (status, topic, assignee) groups counted one by one


class _Steer(enum.Enum):
    FREE = "free"          # counts and facets: any index, above all the covering facet index
    ORDERED = "ordered"    # a page in received order: walk an index in that order, never sort
    BY_ID = "by_id"        # the rows come from a short id list: look them up by id only


def _bare(attribute: Any) -> Any:
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


def _conditions(flt: Filter, dialect: str, *, skip: Collection[str] = (),
                steer: _Steer = _Steer.FREE, with_text: bool = True,
                plan: _TextPlan | None = None) -> list[ColumnElement[bool]]:
    """WHERE conditions for ``flt``; ``skip`` leaves out facet dimensions, ``with_text`` the search.

    With a ``plan`` that holds the matching ids, the search reads those instead of the index.
    """
    steered = dialect == "sqlite" and steer is not _Steer.FREE
    sqlite = dialect == "sqlite"

    def col(attribute: Any, *, ranges: int) -> Any:
        # ``ranges``: how many index ranges the condition reads; only one keeps a walk in order.
        hide = steered and (steer is _Steer.BY_ID or ranges != 1)
        return _bare(attribute) if hide else attribute

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
        match = search.matches(dialect, flt.text, lookup=not sqlite or steer is _Steer.BY_ID,
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
    if flt.contact_id is not None:
        where.append(Submission.contact_id == flt.contact_id)
    if flt.ids:
        where.append(Submission.id.in_(flt.ids))
    return where


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


def _only_exclusions(flt: Filter, *, skip: Collection[str] = ()) -> bool:
    """True when nothing narrows ``flt`` but hiding spam and non-submissions (the plain inbox)."""
    narrowing = (
        search.terms(flt.text), "statuses" not in skip and flt.statuses,
        "topics" not in skip and flt.topics, "tags" not in skip and flt.tags,
        "assignees" not in skip and flt.assignees, flt.accounts, flt.ids,
        flt.received_from is not None, flt.received_to is not None, flt.replied is not None,
        flt.contact_id is not None)
    return not any(narrowing)


def _hidden(flt: Filter) -> list[list[ColumnElement[bool]]]:
    """What the plain inbox hides, as disjoint condition lists (non-submissions, then spam)."""
    parts: list[list[ColumnElement[bool]]] = []
    if not flt.include_non_submissions:
        parts.append([Submission.is_submission.is_(False)])
    if not flt.include_spam:
        spam = [Submission.status == Status.SPAM.value]
        if not flt.include_non_submissions:
            spam.insert(0, Submission.is_submission.is_(True))
        parts.append(spam)
    return parts


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _ordered(stmt: AnySelect, flt: Filter, *, bare: bool = False) -> AnySelect:
    column = SORT_COLUMNS[flt.sort]
    if bare:  # sort the few rows found by id rather than walk the sort column's index
        column = _bare(column)
    if flt.descending:
        return stmt.order_by(column.desc(), Submission.id.desc())
    return stmt.order_by(column.asc(), Submission.id.asc())


def _after(cursor: Cursor, flt: Filter, *, bare: bool = False) -> ColumnElement[bool]:
    key = tuple_(_bare(Submission.received_at) if bare else Submission.received_at, Submission.id)
    edge = tuple_(cursor.received_at, cursor.id)
    return key < edge if flt.descending else key > edge


# ----------------------------------------------------------------- free text on SQLite
#
# FTS5 yields matches in id order, but pages are in received order. The plan first tells a common
# word from a rarer one without merging prefix lists (whole words among the newest rows), and
# fetches every match of a rarer one once, so that later statements reuse the ids, never the index.
# Few matches are then looked up by id and sorted (cost grows with the matches); for more, a page
# walks the other conditions newest first in batches and keeps the candidates that match (cost
# shrinks as matches grow). The switch is where both cost about the same, measured:
# sqrt(rows needed * table size / 4) matches.

COMMON = 20_000             # a word matching more rows than this is "common"
RECENT_WINDOW = 2_000       # newest ids sampled to estimate a word's share
WALK_BATCH_MAX = 20_000     # candidates per batch of the walk
SORT_MAX = 5_000            # rows matching text and filters that are sorted rather than walked
NARROW_ROWS = 50_000        # filters passing fewer rows are intersected with the matches


@dataclass(frozen=True)
class _TextPlan:
    found: int | None               # rows the text matches; None for a common word
    ids: str | None                 # those rows' ids as a JSON array; None for a common word
    largest_id: int
    share: float                    # estimated share of recent rows the text matches

    @classmethod
    def make(cls, session: Session, flt: Filter) -> _TextPlan | None:
        """The plan for ``flt``'s text on SQLite; None without text or on another database."""
        if _dialect(session) != "sqlite" or not search.terms(flt.text):
            return None
        largest = int(session.execute(select(func.max(Submission.id))).scalar() or 0)
        share = search.recent_share(session, flt.text, newest=largest, window=RECENT_WINDOW)
        if share * largest >= COMMON:
            return cls(found=None, ids=None, largest_id=largest, share=share)
        first = search.first_matches(session, flt.text, cap=COMMON)
        if first is None:
            return cls(found=None, ids=None, largest_id=largest,
                       share=max(share, COMMON / max(largest, 1)))
        found, ids = first
        return cls(found=found, ids=ids, largest_id=largest,
                   share=max(share, found / max(largest, 1)))

    @property
    def matches(self) -> int:
        """Rows the text matches (COMMON for a common word)."""
        return COMMON if self.found is None else self.found

    def by_id(self, need: int = DEFAULT_PAGE_SIZE) -> bool:
        """Fetch the matches by id and sort them, rather than walk in received order?"""
        limit = min(max(500, math.isqrt(need * self.largest_id // 4)), COMMON // 2)
        return self.found is not None and self.found <= limit

    def first_batch(self, need: int) -> int:
        return min(max(int(need / max(self.share, 1e-6) * 1.5) + 50, 200), WALK_BATCH_MAX)


def _text_steer(plan: _TextPlan | None) -> _Steer:
    """For counts, facets and id lists: let few matches drive the statement, else the filters."""
    return _Steer.BY_ID if plan is not None and plan.by_id() else _Steer.FREE


def _walk_text(session: Session, flt: Filter, plan: _TextPlan, *, need: int,
               after: Cursor | None) -> list[int]:
    """The first ``need`` ids in received order that pass ``flt``, for text with many matches.

    Each batch of candidates comes back as two JSON arrays (ids and stored dates), not as rows:
    see :func:`search.first_matches` on the garbage collector.
    """
    where = _conditions(flt, "sqlite", steer=_Steer.ORDERED, with_text=False)
    if after is not None:
        where.append(_after(after, flt))
    stored = type_coerce(Submission.received_at, String)
    known = set(json.loads(plan.ids)) if plan.ids is not None else None
    batch = plan.first_batch(need)
    found: list[int] = []
    edge: tuple[str, int] | None = None
    while True:
        stmt = _ordered(select(Submission.id.label("id"), stored.label("at")).where(*where), flt)
        if edge is not None:
            key, last = tuple_(stored, Submission.id), tuple_(*edge)
            stmt = stmt.where(key < last if flt.descending else key > last)
        page = stmt.limit(batch).subquery()
        count_, ids_json, ats_json = session.execute(select(
            func.count(), func.json_group_array(page.c.id), func.json_group_array(page.c.at))).one()
        if not count_:
            return found[:need]
        ids, ats = json.loads(ids_json), json.loads(ats_json)
        hits = known if known is not None else search.matching_ids(
            session, flt.text, ids_json, low=min(ids), high=max(ids))
        keys = sorted(((ats[i], ids[i]) for i, x in enumerate(ids) if x in hits),
                      reverse=flt.descending)
        found.extend(i for _, i in keys)
        if len(found) >= need or count_ < batch:
            return found[:need]
        keyed = zip(ats, ids, strict=True)
        edge = min(keyed) if flt.descending else max(keyed)
        batch = min(batch * 4, WALK_BATCH_MAX)


# ----------------------------------------------------------------- public queries

def count(session: Session, flt: Filter) -> int:
    return _count(session, flt, _TextPlan.make(session, flt))


def _count(session: Session, flt: Filter, plan: _TextPlan | None) -> int:
    dialect = _dialect(session)
    if plan is not None and plan.found == 0:
        return 0
    if dialect == "sqlite" and _only_exclusions(flt):
        # Counting a whole index reads page headers only; the hidden rows are few.
        visible: ColumnElement[Any] = select(func.count()).select_from(Submission).scalar_subquery()
        for part in _hidden(flt):
            visible = visible - select(func.count()).select_from(Submission).where(*part)\
                .scalar_subquery()
        return int(session.execute(select(visible)).scalar_one())
    if plan is not None and _narrow(flt) and not plan.by_id():
        stmt = select(func.count()).select_from(_intersection(flt, plan).subquery())
    else:
        stmt = select(func.count()).select_from(Submission).where(
            *_conditions(flt, dialect, steer=_text_steer(plan), plan=plan))
    return int(session.execute(stmt).scalar_one())


def ids(session: Session, flt: Filter) -> list[int]:
    """Every matching id in display order: what a lazy list model holds."""
    plan = _TextPlan.make(session, flt)
    stmt = _ordered(select(Submission.id).where(
        *_conditions(flt, _dialect(session), steer=_text_steer(plan), plan=plan)), flt)
    # In chunks: one fetchall of a million rows is a single C call that holds the GIL for
    # ~0.5 s, freezing the GUI thread while a worker loads the list.
    found: list[int] = []
    for chunk in session.execute(stmt.execution_options(yield_per=ID_CHUNK)).scalars().partitions():
        found.extend(chunk)
    return found


def _row_select() -> AnySelect:
    return (
        select(
            Submission.id, Submission.version, Submission.message_id,
            Account.name.label("account"), Submission.received_at, Submission.submitted_at,
            Submission.visitor_name, Submission.visitor_email, Submission.visitor_phone,
            Submission.visitor_company, Submission.topic, Submission.page_url,
            Post.title.label("post_title"), Post.url.label("post_url"), Submission.status,
            Submission.is_submission,
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
            post_url=r.post_url,
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
    if after is not None and flt.sort is not Sort.RECEIVED:
        raise ValidationError("keyset paging works with the received-date sort only")
    dialect = _dialect(session)
    plan = _TextPlan.make(session, flt)
    total: int | None = None
    if plan is not None and plan.found == 0:
        rows: list[SubmissionRow] = []
        total = 0
    elif plan is not None:
        page_ids, total = _text_page(session, flt, plan, limit=limit, offset=offset, after=after,
                                     with_total=with_total)
        rows = rows_by_ids(session, page_ids)
    else:
        steer = _Steer.ORDERED if flt.sort is Sort.RECEIVED else _Steer.FREE
        stmt = _ordered(_row_select().where(*_conditions(flt, dialect, steer=steer)), flt)
        if after is not None:
            stmt = stmt.where(_after(after, flt))
        rows = _to_rows(session, session.execute(stmt.limit(limit).offset(offset)).all())
    next_cursor = None
    if len(rows) == limit and flt.sort is Sort.RECEIVED:
        next_cursor = Cursor(rows[-1].received_at, rows[-1].id)
    if not with_total:
        total = -1
    elif total is None:
        total = _count(session, flt, plan)
    return Page(rows=tuple(rows), total=total, next_cursor=next_cursor)


def _text_page(session: Session, flt: Filter, plan: _TextPlan, *, limit: int, offset: int,
               after: Cursor | None, with_total: bool) -> tuple[list[int], int | None]:
    """The ids of a page of a text search on SQLite, and the total when it came for free."""
    if plan.by_id(offset + limit):
        return _ids_by_id(session, flt, plan, limit=limit, offset=offset, after=after,
                          with_total=with_total)
    total = None
    if _narrow(flt) and (with_total or (plan.ids is not None and _rows_fewer_than(
            session, flt, NARROW_ROWS))):
        # The other filters pick a short range of a covering index: intersect it with the
        # matches there, which gives the total and, when short, the page.
        both = _intersection(flt, plan).subquery()
        total, both_ids = session.execute(select(func.count(), case(
            (func.count() <= SORT_MAX, func.json_group_array(both.c.id))))).one()
        if both_ids is not None:
            stmt = select(Submission.id).where(Submission.id.in_(search.json_ids(both_ids)))
            return _page_of(session, _ordered(stmt, flt, bare=True), flt, limit=limit,
                            offset=offset, after=after), total
    if flt.sort is Sort.RECEIVED:
        return _walk_text(session, flt, plan, need=offset + limit, after=after)[offset:], total
    stmt = _ordered(select(Submission.id).where(*_conditions(flt, "sqlite", plan=plan)), flt)
    return _page_of(session, stmt, flt, limit=limit, offset=offset, after=None), total


def _intersection(flt: Filter, plan: _TextPlan) -> Select[int]:
    """The ids that pass ``flt`` with narrowing filters, matches looked up the cheaper way."""
    if plan.ids is None:  # a common word: read its many matches once, in order
        return search.matches_among(flt.text, select(Submission.id).where(
            *_conditions(flt, "sqlite", with_text=False)))
    return select(Submission.id).where(*_conditions(flt, "sqlite", plan=plan))


def _ids_by_id(session: Session, flt: Filter, plan: _TextPlan, *, limit: int, offset: int,
               after: Cursor | None, with_total: bool) -> tuple[list[int], int | None]:
    """A page of ids for text with few matches: each match is looked up by id and only ids and
    sort keys are sorted. With a total and no cursor, one pass gives both."""
    stmt = _ordered(select(Submission.id).where(
        *_conditions(flt, "sqlite", steer=_Steer.BY_ID, plan=plan)), flt, bare=True)
    if after is None and with_total:  # the total rides along on every row of the page
        rows = session.execute(stmt.add_columns(func.count().over())
                               .limit(limit).offset(offset)).all()
        return [r[0] for r in rows], (int(rows[0][1]) if rows else None)
    return _page_of(session, stmt, flt, limit=limit, offset=offset, after=after), None


def _page_of(session: Session, stmt: Select[int], flt: Filter, *, limit: int, offset: int,
             after: Cursor | None) -> list[int]:
    """One page of an ordered id select that is sorted, not walked (keyset key kept bare)."""
    if after is not None:
        stmt = stmt.where(_after(after, flt, bare=True))
    return list(session.execute(stmt.limit(limit).offset(offset)).scalars().all())


def _rows_fewer_than(session: Session, flt: Filter, limit: int) -> bool:
    """Do fewer than ``limit`` rows pass ``flt`` without its text? (Stops counting there.)"""
    found = select(Submission.id).where(*_conditions(flt, "sqlite", with_text=False)).limit(limit)
    return session.execute(select(func.count()).select_from(found.subquery())).scalar_one() < limit


def _narrow(flt: Filter) -> bool:
    """Do status, topic or owner filters (read from covering indexes) bound the rows to search?"""
    return bool(flt.statuses or flt.topics or flt.assignees) and not (
        flt.tags or flt.accounts or flt.replied is not None)


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
    """Counts per status, topic, tag and assignee under the rest of the filter.

    Statuses, topics and assignees come from counts per (status, topic, assignee) group, taken
    in one pass; each facet then drops its own dimension of the filter here, in Python.
    """
    dialect = _dialect(session)
    members = dict(session.execute(select(TeamMember.id, TeamMember.name)).all())
    names = {a for a in flt.assignees if a is not None}
    plan = _TextPlan.make(session, flt)
    steer = _text_steer(plan)
    groups = None
    if dialect == "sqlite" and _only_exclusions(flt, skip=_FACET_DIMENSIONS):
        groups = _group_counts_by_seek(session, flt)
    if groups is None:
        groups = [tuple(g) for g in session.execute(
            select(Submission.status, Submission.topic, Submission.assignee_id, func.count())
            .where(*_conditions(flt, dialect, skip=_FACET_DIMENSIONS, steer=steer, plan=plan))
            .group_by(Submission.status, Submission.topic, Submission.assignee_id))]

    def status_ok(status: str) -> bool:
        if flt.statuses:
            return status in flt.statuses
        return flt.include_spam or status != Status.SPAM.value

    def topic_ok(topic: str | None) -> bool:
        return not flt.topics or topic in flt.topics

    def assignee_ok(member: int | None) -> bool:
        if not flt.assignees:
            return True
        if member is None:
            return UNASSIGNED in flt.assignees
        return members.get(member) in names

    statuses: dict[str, int] = {}
    topics: dict[str | None, int] = {}
    assignees: dict[str | None, int] = {}
    for status, topic, member, n in groups:
        if topic_ok(topic) and assignee_ok(member):
            statuses[status] = statuses.get(status, 0) + n
        if status_ok(status) and assignee_ok(member):
            topics[topic] = topics.get(topic, 0) + n
        if status_ok(status) and topic_ok(topic):
            name = members.get(member) if member is not None else None
            assignees[name] = assignees.get(name, 0) + n
    return Facets(statuses=_by_key(statuses), topics=_by_key(topics),
                  tags=_by_key(_tag_counts(session, flt, dialect, steer, plan)),
                  assignees=_by_key(assignees))


# Each possible (shown, status, topic, assignee) group, counted as one exact range of the facet
# index. The value lists are JSON, so the statement stays the same and is prepared once.
_GROUP_COUNTS = text("""
    SELECT s.value, t.value, m.value, (
        SELECT count(*) FROM submissions
        WHERE is_submission = k.value AND status = s.value
          AND topic IS t.value AND assignee_id IS m.value)
    FROM json_each(:shown) AS k, json_each(:statuses) AS s, json_each(:topics) AS t,
         json_each(:members) AS m""")


def _group_counts_by_seek(session: Session, flt: Filter) -> list[tuple[Any, ...]] | None:
    """(status, topic, assignee id, count) of the plain inbox's groups, on SQLite; None when
    there are too many possible groups for this to pay.

    Rather than group a million index entries, count each possible group as one exact range of
    the facet index: counting a range only compares keys, about twice as fast. The possible
    values come from skipping through the indexes (a few lookups per distinct value).
    """
    values: dict[str, list[Any]] = {"shown": [0, 1] if flt.include_non_submissions else [1]}
    combinations = len(values["shown"])
    for name, attribute in (("statuses", Submission.status), ("topics", Submission.topic),
                            ("members", Submission.assignee_id)):
        found = _distinct(session, attribute, most=FACET_GROUPS_MAX // combinations)
        if found is None:
            return None
        values[name], combinations = found, combinations * max(len(found), 1)
    groups: dict[tuple[Any, ...], int] = {}
    params = {name: json.dumps(found) for name, found in values.items()}
    for status, topic, member, n in session.execute(_GROUP_COUNTS, params):
        if n:
            groups[status, topic, member] = groups.get((status, topic, member), 0) + n
    return [(*key, n) for key, n in groups.items()]


def _distinct(session: Session, attribute: Any, *, most: int) -> list[Any] | None:
    """The distinct values of an indexed column, NULL first, one index seek per value; None if
    there are more than ``most``."""
    found: list[Any] = []
    if attribute.expression.nullable and session.execute(
            select(Submission.id).where(attribute.is_(None)).limit(1)).first():
        found.append(None)
    value = session.execute(select(func.min(attribute))).scalar()
    while value is not None:
        if len(found) >= most:
            return None
        found.append(value)
        value = session.execute(select(func.min(attribute)).where(attribute > value)).scalar()
    return found


def _tag_counts(session: Session, flt: Filter, dialect: str, steer: _Steer,
                plan: _TextPlan | None) -> dict[str, int]:
    tag_names = dict(session.execute(select(Tag.id, Tag.name)).all())
    if _only_exclusions(flt, skip={"tags"}):
        # Every link, less those of hidden rows: short index reads instead of a join that would
        # look up a row per link (on PostgreSQL: instead of scanning every row).
        counts: dict[int, int] = dict(session.execute(
            select(submission_tags.c.tag_id, func.count()).group_by(submission_tags.c.tag_id))
            .all())
        for part in _hidden(flt):
            hidden = session.execute(  # from the hidden rows to their links, never the reverse
                select(submission_tags.c.tag_id, func.count()).select_from(Submission)
                .join(submission_tags, submission_tags.c.submission_id == (
                    _bare(Submission.id) if dialect == "sqlite" else Submission.id))
                .where(*part).group_by(submission_tags.c.tag_id))
            for tag_id, n in hidden:
                counts[tag_id] -= n
        return {tag_names[t]: n for t, n in counts.items() if n > 0}
    links = session.execute(
        select(Tag.name, func.count())
        .select_from(submission_tags)
        .join(Tag, Tag.id == submission_tags.c.tag_id)
        .join(Submission, Submission.id == submission_tags.c.submission_id)
        .where(*_conditions(flt, dialect, skip={"tags"}, steer=steer, plan=plan))
        .group_by(Tag.name))
    return {name: int(n) for name, n in links}


def _by_key(counts: dict[Any, int]) -> dict[Any, int]:
    """Counts in key order, ``None`` first (as SQLite's GROUP BY returns them)."""
    return dict(sorted(counts.items(), key=lambda item: (item[0] is not None, item[0] or "")))


__all__ = [
    "NO_TOPIC", "UNASSIGNED", "Cursor", "Facets", "Filter", "Page", "Sort", "SubmissionRow",
    "count", "facets", "find", "ids", "iterate", "rows_by_ids",
]


def conditions(flt: Filter, dialect: str) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``flt``, for other read models (leads, insights, export)."""
    return _conditions(flt, dialect)
