"""Where exported rows come from: one streamed, ordered query, handed out in batches.

The filter becomes SQL exactly as :mod:`leaddesk.query` writes it for ``leaddesk list`` (same
conditions, same order of rows), so an export holds what the list shows. Rows are fetched with a
server-side cursor (PostgreSQL) or SQLite's step-by-step cursor, ``batch`` at a time; nothing here
keeps more than one batch.

Per lead, window functions fold each contact's matching submissions into one row in the database:
the latest submission's columns, its first touch (topic, post, page), how many there were and
when the first came. Submissions without a contact (no e-mail address) each stay a lead of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

# The conditions are leaddesk.query's own, so export and `list` cannot drift apart; this module's
# one use of them (with a SQLite planner hint, query.Steer) is _where().
from leaddesk import query
from leaddesk.db.models import Account, Post, Submission, Tag, TeamMember, submission_tags
from leaddesk.export.cells import join_values, timestamp
from leaddesk.export.fields import SELECTED, Record
from leaddesk.export.names import split_name
from leaddesk.query import Filter, Sort

AnySelect = Select[*tuple[Any, ...]]

# Rows per batch. Measured at 1M rows: 500 beats 2,000 by 15%, mostly in the garbage collector,
# which runs far less often when fewer rows are alive at once; PostgreSQL's round trips stay few.
DEFAULT_BATCH = 500



def _where(session: Session, flt: Filter, *, ordered: bool = False
           ) -> list[ColumnElement[bool]]:
    """The filter's WHERE conditions, as ``list`` uses them, planned for reading them all
    (``ordered``: walking the received-date index, as for a date range).

    An id selection is written into the SQL, whatever its size: bound parameters are limited
    (SQLite 32,766, PostgreSQL 65,535), and "1-100000" is one short option on the command line.
    Integers are safe to inline.
    """
    dialect = _dialect(session)
    steer: dict[str, Any] = {}
    if flt.sort is Sort.RECEIVED and (ordered or (flt.received_from or flt.received_to)
                                      is not None):
        # A date range in date order: SQLite must read the received-date index for just that
        # range (10x faster at 1M rows) rather than the whole table through the facets index.
        # Without a range, SQLite's own plan stands: reading everything, it is as good as any.
        steer["steer"] = query.Steer.ORDERED
    conditions = query.conditions(flt.with_(ids=()), dialect, **steer)
    if flt.ids:
        conditions.append(Submission.id.in_(
            bindparam("export_ids", sorted(set(flt.ids)), expanding=True, literal_execute=True)))
    return conditions


def order_key(flt: Filter) -> tuple[Any, bool]:
    """The column the export's rows are ordered by (then by id, the same way), and whether
    newest (largest) first."""
    return query.SORT_COLUMNS[flt.sort], flt.descending


def _ordered(stmt: AnySelect, flt: Filter) -> AnySelect:
    column, descending = order_key(flt)
    if descending:
        return stmt.order_by(column.desc(), Submission.id.desc())
    return stmt.order_by(column.asc(), Submission.id.asc())


def _lead_key() -> ColumnElement[int]:
    # Contact ids are positive; a submission without a contact is its own lead, keyed by -id.
    return func.coalesce(Submission.contact_id, -Submission.id)


def _raw(column: Any) -> Any:
    """The column's value without SQLAlchemy's datetime conversion (see cells.Moment): at a million
    rows, parsing and re-formatting two datetimes per row is a good part of the export's time."""
    return type_coerce(column, String)


# Tag names joined by the database in one correlated subquery per row: cheaper than a second
# query per batch and its Python bookkeeping. The separator is the ASCII unit separator, which
# nobody types into a tag name; the order is made stable in Python (see _tags).
_TAG_SEPARATOR = "\x1f"


def _tag_names() -> Any:
    return (select(func.aggregate_strings(Tag.name, _TAG_SEPARATOR))
            .select_from(submission_tags)
            .join(Tag, Tag.id == submission_tags.c.tag_id)
            .where(submission_tags.c.submission_id == Submission.id)
            .scalar_subquery())


def _tags(joined: str | None) -> str:
    """The database's joined names as one cell: sorted (by code point, the same on either
    database), separated by "; "."""
    if not joined:
        return ""
    if _TAG_SEPARATOR not in joined:
        return joined
    return join_values(sorted(joined.split(_TAG_SEPARATOR)))


def _last_contact() -> Any:
    """The newer of the last inbound and last outbound e-mail (either may be missing)."""
    inbound, outbound = Submission.last_inbound_at, Submission.last_outbound_at
    return case((and_(outbound.is_not(None), or_(inbound.is_(None), outbound > inbound)), outbound),
                else_=inbound)


def _row_select() -> AnySelect:
    # In the order of Record's first fields (fields.SELECTED), labelled with their names.
    columns = (
        Submission.id, Submission.message_id, Account.name,
        _raw(Submission.received_at), _raw(Submission.submitted_at),
        Submission.visitor_name, Submission.visitor_email, Submission.visitor_phone,
        Submission.visitor_company, Submission.topic, Submission.page_url, Post.title,
        Submission.status, Submission.is_submission, TeamMember.name, TeamMember.email,
        Submission.subject, Submission.body_text, Submission.contact_id,
        Submission.message_count, _raw(_last_contact()), _raw(Submission.first_answered_at),
        _tag_names(),
    )
    return (
        select(*(column.label(field) for column, field in zip(columns, SELECTED, strict=True)))
        .select_from(Submission)
        .outerjoin(Account, Account.id == Submission.account_id)
        .outerjoin(Post, Post.id == Submission.post_id)
        .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
    )


_SELECTED = len(SELECTED)
_new_record = tuple.__new__


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def submissions_statement(session: Session, flt: Filter, *, ordered: bool = False
                          ) -> AnySelect:
    """One row per matching submission, in the filter's order (``ordered``: see _where)."""
    return _ordered(_row_select().where(*_where(session, flt, ordered=ordered)), flt)


def leads_statement(session: Session, flt: Filter) -> AnySelect:
    """One row per lead: the latest matching submission plus the lead's first touch and counts."""
    lead = _lead_key()
    ranked = (
        select(
            Submission.id.label("id"),
            func.count().over(partition_by=lead).label("submission_count"),
            _raw(func.min(Submission.received_at).over(partition_by=lead))
            .label("first_contact_at"),
            func.row_number().over(partition_by=lead, order_by=(
                Submission.received_at.desc(), Submission.id.desc())).label("newest"),
            func.first_value(Submission.id).over(partition_by=lead, order_by=(
                Submission.received_at.asc(), Submission.id.asc())).label("first_id"),
        )
        .where(*_where(session, flt))
        .subquery("ranked")
    )
    first = aliased(Submission, name="first_touch")
    first_post = aliased(Post, name="first_post")
    stmt = (
        _row_select()
        .add_columns(ranked.c.submission_count, ranked.c.first_contact_at, first.topic,
                     first_post.title, first.page_url)
        .join(ranked, ranked.c.id == Submission.id)
        .join(first, first.id == ranked.c.first_id)
        .outerjoin(first_post, first_post.id == first.post_id)
        .where(ranked.c.newest == 1)
    )
    # Ordered like the inbox: by received date the latest submission is the lead's last contact.
    return _ordered(stmt, flt)


def pivot_statement(session: Session, flt: Filter, offset: int) -> AnySelect:
    """The order key (raw) and id of the submission at ``offset`` in the export's order. In
    received order, SQLite walks the received-date index to it: its own plan for the inbox reads
    the facets index and sorts every match, 8 s at 1M rows for these two columns, against 0.1 s."""
    column, _ = order_key(flt)
    stmt = (select(_raw(column), Submission.id).select_from(Submission)
            .where(*_where(session, flt, ordered=True)))
    return _ordered(stmt, flt).offset(offset).limit(1)


def count(session: Session, flt: Filter, *, per_lead: bool) -> int:
    """How many rows the export will write (the progress bar's total)."""
    what = func.count(func.distinct(_lead_key())) if per_lead else func.count()
    stmt = select(what).select_from(Submission).where(*_where(session, flt))
    return int(session.execute(stmt).scalar_one())


_RECEIVED, _SUBMITTED, _NAME, _TOPIC, _PAGE_URL, _POST_TITLE, _TAGS, _LAST_CONTACT = (
    SELECTED.index(field) for field in (
        "received_raw", "submitted_raw", "name", "topic", "page_url", "post_title", "tags_raw",
        "last_contact_raw"))
_FIRST_ANSWERED = SELECTED.index("first_answered_raw")


def _record(row: Sequence[Any], per_lead: bool) -> Record:
    selected = row[:_SELECTED]
    parts = split_name(selected[_NAME])
    received = timestamp(selected[_RECEIVED]) or ""
    if per_lead:
        count, first_raw, first_topic, first_post, first_page = row[_SELECTED:]
        first = timestamp(first_raw) or ""
    else:  # a submission on its own is a lead of one
        count, first = 1, received
        first_topic, first_post = selected[_TOPIC], selected[_POST_TITLE]
        first_page = selected[_PAGE_URL]
    # tuple.__new__: one step, in Record's field order (what _row_select selects, then the rest).
    return _new_record(Record, (
        *selected, received, timestamp(selected[_SUBMITTED]), parts.first, parts.last,
        parts.salutation, _tags(selected[_TAGS]), count, first, received, first_topic,
        first_post, first_page, timestamp(selected[_LAST_CONTACT]),
        timestamp(selected[_FIRST_ANSWERED])))


def batches(session: Session, flt: Filter, *, per_lead: bool,
            batch: int = DEFAULT_BATCH) -> Iterator[list[Record]]:
    """The export's records, ``batch`` at a time, in the filter's order; constant memory."""
    stmt = leads_statement(session, flt) if per_lead else submissions_statement(session, flt)
    if _dialect(session) == "sqlite":
        # SQLAlchemy binds the parameters; the rows are then read from the driver's own cursor
        # (sqlite3 steps through the statement, `batch` rows at a time), as plain tuples: every
        # column is selected raw (see _raw), so SQLAlchemy's row objects would only add cost,
        # about a sixth of the export's CPU time. SQLite's booleans stay 0 and 1 here.
        result = session.connection().execute(stmt)
        try:
            fetch = result.cursor.fetchmany
            while rows := fetch(batch):
                yield [_record(row, per_lead) for row in rows]
        finally:
            result.close()
        return
    # Core, not the ORM (no identity map, no per-row ORM bookkeeping); yield_per streams with a
    # server-side cursor on PostgreSQL, `batch` rows at a time.
    result = session.connection().execution_options(yield_per=batch).execute(stmt)
    try:
        for rows in result.partitions(batch):
            yield [_record(row, per_lead) for row in rows]
    finally:
        result.close()  # an export stopped early (cancel, error) frees the server-side cursor
