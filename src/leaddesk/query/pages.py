"""Ordered pages: the sort order, keyset paging (after a :class:`~leaddesk.query.rows.Cursor`) and
offset paging, and :func:`find`, including how a page of a text search is found on SQLite (see
:mod:`leaddesk.query.text_plan`).
"""

from __future__ import annotations

import json

from sqlalchemy import ColumnElement, Select, String, case, func, select, tuple_, type_coerce
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Submission
from leaddesk.errors import ValidationError
from leaddesk.query import known_walk, pg_page, pg_text, word_maps
from leaddesk.query.counts import count_planned
from leaddesk.query.filters import (
    SORT_COLUMNS,
    WALKED_SORTS,
    Filter,
    Sort,
    Steer,
    conditions,
    dialect_of,
    walk_covers,
    without_index,
)
from leaddesk.query.rows import (
    DEFAULT_PAGE_SIZE,
    TOTAL_COLUMN,
    AnySelect,
    Cursor,
    Page,
    SubmissionRow,
    row_select,
    rows_by_ids,
    to_rows,
)
from leaddesk.query.text_plan import (
    NARROW_ROWS,
    SORT_MAX,
    WALK_BATCH_MAX,
    TextPlan,
    has_narrow_filters,
    intersection,
    kept_intersection,
    sorts_known,
)

# From how many rows a filter (its search aside) walks its sort's index on SQLite rather than
# reading the rows through the filter's own indexes and sorting them. At a million leads a walk over the
# whole index takes 0.1-0.3 s; the other way read every matching row for its sort key: the
# Inbox's 436k ids in received order 1.2 s (all leads 2.6 s; many times that with a cold cache),
# its first page by name 1.2 s warm and 23 s cold. Below this, sorting the few rows is cheaper.
WALK_FROM = 5_000


def order_steer(session: Session, flt: Filter, *, every: bool) -> Steer:
    """How ``flt`` is read in order on SQLite: walking the sort's index when the filter keeps
    many rows (counted without its search), else through the filter's own indexes and a sort.

    A page (``every`` false) walks even when the walk must read each entry's row for a condition
    the index lacks, as it stops at the page's end; the whole id list walks only when the index
    holds every condition (:func:`~leaddesk.query.filters.walk_covers`).
    """
    walks = walk_covers(flt) if every else flt.sort in WALKED_SORTS
    if walks and dialect_of(session) == "sqlite" and not _rows_fewer_than(session, flt, WALK_FROM):
        return Steer.ORDERED
    return Steer.FREE


def ordered(stmt: AnySelect, flt: Filter, *, bare: bool = False) -> AnySelect:
    column = SORT_COLUMNS[flt.sort]
    if bare:  # sort the few rows found by id rather than walk the sort column's index
        column = without_index(column)
    if flt.descending:
        return stmt.order_by(column.desc(), Submission.id.desc())
    return stmt.order_by(column.asc(), Submission.id.asc())


def _after(cursor: Cursor, flt: Filter, *, bare: bool = False) -> ColumnElement[bool]:
    key = tuple_(without_index(Submission.received_at) if bare else Submission.received_at, Submission.id)
    edge = tuple_(cursor.received_at, cursor.id)
    return key < edge if flt.descending else key > edge


def find(session: Session, flt: Filter, *, limit: int = DEFAULT_PAGE_SIZE, offset: int = 0,
         after: Cursor | None = None, with_total: bool = True) -> Page:
    """One ordered page of rows, the total count, and a cursor for the next page.

    ``after`` pages by keyset (constant cost at any depth) and works with the received-date sort;
    ``offset`` works with every sort.
    """
    if after is not None and flt.sort is not Sort.RECEIVED:
        raise ValidationError("keyset paging works with the received-date sort only")
    dialect = dialect_of(session)
    plan = TextPlan.make(session, flt)
    total: int | None = None
    exact: str | None = None  # PostgreSQL: the search's prefixes written out
    if plan is not None and plan.found == 0:
        rows: list[SubmissionRow] = []
        total = 0
    elif plan is not None:
        page_ids, total = _text_page(session, flt, plan, limit=limit, offset=offset, after=after,
                                     with_total=with_total)
        rows = rows_by_ids(session, page_ids)
    elif dialect == "sqlite" and flt.sort is not Sort.RECEIVED:
        # The page's ids first: sorting ids and keys over an index (the topic and status sorts
        # sort the covering facets index) rather than whole rows with their message text, the
        # rows after (Inbox by topic at 1M rows: 2.1 s → 0.1 s).
        where = conditions(flt, dialect, steer=order_steer(session, flt, every=False))
        ids = session.execute(ordered(select(Submission.id).where(*where), flt)
                              .limit(limit).offset(offset)).scalars().all()
        rows = rows_by_ids(session, ids)
    else:
        if dialect == "postgresql" and flt.text:
            exact = pg_text.expanded(session, flt.text)
        where = conditions(flt, dialect, steer=Steer.ORDERED, exact=exact)
        if after is not None:
            where.append(_after(after, flt))
        if dialect == "postgresql":  # the page's ids first, then rows, tags and a kept total
            ids_select = ordered(select(Submission.id).where(*where), flt).limit(limit).offset(offset)
            stmt = pg_page.with_extras(ordered(row_select().where(
                Submission.id.in_(ids_select)), flt), flt, total=with_total)
        else:
            stmt = ordered(row_select().where(*where), flt).limit(limit).offset(offset)
        records = session.execute(stmt).all()
        rows = to_rows(session, records)
        if records and TOTAL_COLUMN in records[0]._fields:
            total = int(getattr(records[0], TOTAL_COLUMN))
    next_cursor = None
    if len(rows) == limit and flt.sort is Sort.RECEIVED:
        next_cursor = Cursor(rows[-1].received_at, rows[-1].id)
    if not with_total:
        total = -1
    elif total is None:
        total = count_planned(session, flt, plan, exact=exact)
    return Page(rows=tuple(rows), total=total, next_cursor=next_cursor)


def _text_page(session: Session, flt: Filter, plan: TextPlan, *, limit: int, offset: int,
               after: Cursor | None, with_total: bool) -> tuple[list[int], int | None]:
    """The ids of a page of a text search on SQLite, and the total when it came for free."""
    if plan.by_id(offset + limit):
        return _ids_by_id(session, flt, plan, limit=limit, offset=offset, after=after,
                          with_total=with_total)
    total, hits = None, None
    if has_narrow_filters(flt) and (with_total or (plan.ids is not None and _rows_fewer_than(
            session, flt, NARROW_ROWS))):
        # The other filters pick a short range of a covering index: intersect it with the
        # matches there (a common word's kept map, else SQL), which gives the total and, when
        # short, the page.
        kept = kept_intersection(session, flt, plan)
        if kept is not None:  # every match among the filters' rows: a walk reads no index
            sort = len(kept) <= SORT_MAX if flt.sort is not Sort.RECEIVED \
                else sorts_known(len(kept), offset + limit)
            total, both_ids, hits = len(kept), (json.dumps(kept) if sort else None), set(kept)
        else:
            both = intersection(flt, plan).subquery()
            total, both_ids = session.execute(select(func.count(), case(
                (func.count() <= SORT_MAX, func.json_group_array(both.c.id))))).one()
        if both_ids is not None:
            stmt = select(Submission.id).where(Submission.id.in_(search.json_ids(both_ids)))
            return _page_of(session, ordered(stmt, flt, bare=True), flt, limit=limit,
                            offset=offset, after=after), total
    if flt.sort is Sort.RECEIVED:
        return _walk_text(session, flt, plan, need=offset + limit, after=after,
                          hits=hits)[offset:], total
    stmt = ordered(select(Submission.id).where(*conditions(flt, "sqlite", plan=plan)), flt)
    return _page_of(session, stmt, flt, limit=limit, offset=offset, after=None), total


def _ids_by_id(session: Session, flt: Filter, plan: TextPlan, *, limit: int, offset: int,
               after: Cursor | None, with_total: bool) -> tuple[list[int], int | None]:
    """A page of ids for text with few matches: each match is looked up by id and only ids and
    sort keys are sorted. With a total and no cursor, one pass gives both."""
    stmt = ordered(select(Submission.id).where(
        *conditions(flt, "sqlite", steer=Steer.BY_ID, plan=plan)), flt, bare=True)
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
    found = select(Submission.id).where(*conditions(flt, "sqlite", with_text=False)).limit(limit)
    return session.execute(select(func.count()).select_from(found.subquery())).scalar_one() < limit


def _walk_text(session: Session, flt: Filter, plan: TextPlan, *, need: int,
               after: Cursor | None, hits: set[int] | None = None) -> list[int]:
    """The first ``need`` ids in received order that pass ``flt``, for text with many matches
    (``hits``: every id that passes ``flt``, found just before, when known).

    Each batch of candidates comes back as two JSON arrays (ids and stored dates), not as rows:
    see :func:`search.first_matches` on the garbage collector.
    """
    where = conditions(flt, "sqlite", steer=Steer.ORDERED, with_text=False)
    if after is not None:
        where.append(_after(after, flt))
    if hits is not None and (walked := known_walk.first(
            session, ordered(select(Submission.id).where(*where), flt), hits, need)) is not None:
        return walked
    stored = type_coerce(Submission.received_at, String)
    known = hits if hits is not None else set(json.loads(plan.ids)) if plan.ids is not None \
        else None
    batch = plan.first_batch(need)
    found: list[int] = []
    edge: tuple[str, int] | None = None
    while True:
        stmt = ordered(select(Submission.id.label("id"), stored.label("at")).where(*where), flt)
        if edge is not None:
            key, last = tuple_(stored, Submission.id), tuple_(*edge)
            stmt = stmt.where(key < last if flt.descending else key > last)
        page = stmt.limit(batch).subquery()
        count_, ids_json, ats_json = session.execute(select(
            func.count(), func.json_group_array(page.c.id), func.json_group_array(page.c.at))).one()
        if not count_:
            return found[:need]
        ids, ats = json.loads(ids_json), json.loads(ats_json)
        hits = known if known is not None else word_maps.kept_among(session, flt.text, ids,
                                                                    ids_json)
        if hits is None:
            hits = search.matching_ids(session, flt.text, ids_json, low=min(ids), high=max(ids))
        keys = sorted(((ats[i], ids[i]) for i, x in enumerate(ids) if x in hits),
                      reverse=flt.descending)
        found.extend(i for _, i in keys)
        if len(found) >= need or count_ < batch:
            return found[:need]
        keyed = zip(ats, ids, strict=True)
        edge = min(keyed) if flt.descending else max(keyed)
        batch = min(batch * 4, WALK_BATCH_MAX)
