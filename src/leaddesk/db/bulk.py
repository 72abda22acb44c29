"""Many rows into one table at once, in the caller's transaction: :func:`insert_rows`, tag
links with their facet counts added once per batch: :func:`insert_tag_links`, and the rows that
hold any of many keys: :func:`rows_among`.

The store uses it for new submissions (where it matters most: the full-text trigger) and for its
look-ups by a batch's keys, the rules for the tag links and audit events of a batch of new leads.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from sqlalchemy import (
    Column,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from leaddesk.db.models import submission_tags, tag_facet_counts, tag_facet_counts_paused
from leaddesk.db.types import UTCDateTime

# Values per multi-row INSERT on SQLite (at most: older SQLite builds allow only 999).
SQLITE_VALUES_PARAMETERS = 30_000


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]], *,
                shared: bool = False) -> None:
    """Insert ``rows`` (all with the same keys) into ``table`` in the session's transaction.

    On SQLite the rows go in as multi-row ``INSERT … VALUES (…), (…)`` statements of up to
    ``SQLITE_VALUES_PARAMETERS`` values: FTS5 writes its pending terms at the end of every
    statement that fires the index trigger, so an executemany (one statement per row) costs
    about twice as much per row. The values are converted by the columns' own bind processors,
    exactly as a Core insert would store them, and the target's column affinities apply as on
    any INSERT. Elsewhere it is a Core executemany. (The ORM's bulk INSERT splits a batch by
    which columns are None, and with RETURNING SQLite would get one INSERT per row.)

    ``shared``: many rows hold the very same value objects (one time, the same before and after
    on many audit events), so on SQLite each object is converted once, not once per row.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        session.execute(insert(table), rows)
        return
    names = list(rows[0])
    dates: dict[int, str] = {}
    processors = [_sqlite_processor(table.c[name], dialect, dates) for name in names]
    _insert_flat(session, table, names,
                 _flat_values(rows, names, processors, [{} for _ in names] if shared else None))


# The text SQLite's DATETIME stores by default (sqlalchemy.dialects.sqlite.DATETIME): the same
# as ``datetime.isoformat(" ", "microseconds")`` of a naive datetime.
_SQLITE_DATETIME = ("%(year)04d-%(month)02d-%(day)02d "
                    "%(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d")


def _sqlite_processor(column: Column[Any], dialect: Dialect, dates: dict[int, str]
                      ) -> Callable[[Any], Any] | None:
    """The column's bind processor, or for a UTC datetime column one that stores the very same
    text at about a third of the cost (SQLAlchemy's goes through the type decorator, then a
    %-format of a dict; a store of 5,000 messages converts 40,000 datetimes). ``dates``: the
    text of each datetime object converted in this insert (by identity, shared by all its date
    columns: a row's received and last-inbound times, every row's created and updated times are
    the same objects), so each object is converted once."""
    slow = column.type._cached_bind_processor(dialect)
    impl = column.type.dialect_impl(dialect)
    if (not isinstance(column.type, UTCDateTime) or slow is None
            or getattr(getattr(impl, "impl", None), "_storage_format", None) != _SQLITE_DATETIME):
        return slow

    def process(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = dates.get(id(value))
        if text is None:
            if value.tzinfo is None:
                refused: str | None = slow(value)  # raises the column type's own error
                return refused
            text = dates[id(value)] = value.astimezone(UTC).isoformat(" ", "microseconds")[:26]
        return text

    return process


def rows_among(session: Session, columns: Sequence[Column[Any]],
               among: Sequence[tuple[Column[Any], Collection[Any]]]) -> list[tuple[Any, ...]]:
    """The ``columns`` (of one table) of every row where any column of ``among`` holds one of its
    values: ``SELECT … WHERE a IN (…) OR b IN (…)``, each row once.

    On SQLite, when no column involved converts its values (text, integers), the statement is
    written here and run through the connection: SQLAlchemy's expanding IN cost ~2 ms of CPU per
    thousand values (a name, a dict entry and a processor call each), more than SQLite's index
    look-ups themselves, and the store asks with a thousand keys several times a transaction.
    Elsewhere, or for other columns, it is the Core select.
    """
    wanted = [(column, list(values)) for column, values in among if values]
    if not wanted:
        return []
    connection = session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite" or not all(
            _as_stored(column, dialect) for column in (*columns, *(c for c, _ in wanted))):
        return [tuple(row) for row in session.execute(
            select(*columns).where(or_(*(column.in_(values) for column, values in wanted))))]
    table = columns[0].table
    names = ", ".join(f'"{column.name}"' for column in columns)
    driver = connection.connection.driver_connection
    limit = min(SQLITE_VALUES_PARAMETERS, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
                if driver is not None else 999)
    if sum(len(values) for _, values in wanted) > limit:  # one column and a slice at a time
        wanted = [(column, values[start:start + limit]) for column, values in wanted
                  for start in range(0, len(values), limit)]
        statements = [[piece] for piece in wanted]
    else:
        statements = [wanted]
    found: dict[tuple[Any, ...], None] = {}
    for statement in statements:
        where = " OR ".join(f'"{column.name}" IN ({", ".join("?" * len(values))})'
                            for column, values in statement)
        parameters = tuple(chain.from_iterable(values for _, values in statement))
        found.update(dict.fromkeys(tuple(row) for row in connection.exec_driver_sql(
            f'SELECT {names} FROM "{table.name}" WHERE {where}', parameters)))
    return list(found)


def _as_stored(column: Column[Any], dialect: Dialect) -> bool:
    """Whether the column's values go to the driver and come back from it unconverted."""
    return (column.type._cached_bind_processor(dialect) is None
            and column.type._cached_result_processor(dialect, None) is None)


def _insert_flat(session: Session, table: Table, names: Sequence[str], values: Sequence[Any]
                 ) -> None:
    """SQLite: rows of ``names`` given as their values one row after the other, already as
    stored, in multi-row INSERTs (see :func:`insert_rows`)."""
    connection = session.connection()
    columns = ", ".join(f'"{name}"' for name in names)
    one = f"({', '.join('?' * len(names))})"
    driver = connection.connection.driver_connection
    limit = driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) if driver is not None else 999
    per_statement = max(1, min(SQLITE_VALUES_PARAMETERS, limit) // len(names)) * len(names)
    for start in range(0, len(values), per_statement):
        chunk = values[start:start + per_statement]
        # Through the connection, not a bare cursor: a refused unique key comes back as
        # SQLAlchemy's IntegrityError, which store_batch retries.
        connection.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({columns}) VALUES '
            f'{", ".join([one] * (len(chunk) // len(names)))}', tuple(chunk))


def _flat_values(rows: Sequence[dict[str, Any]], names: Sequence[str],
                 processors: Sequence[Any], memo: Sequence[dict[int, Any]] | None
                 ) -> list[Any]:
    """The rows' values, row after row, each through its column's processor (None too: a JSON
    column stores None as 'null'). Column by column, so a column without a processor costs a
    list of its values and nothing per value. ``memo`` (per column, by the object's identity;
    every object lives in ``rows`` while this runs): each object is converted once."""
    columns: list[list[Any]] = []
    for place, (name, convert) in enumerate(zip(names, processors, strict=True)):
        column = [row[name] for row in rows]
        if convert is not None:
            if memo is None:
                column = list(map(convert, column))
            else:
                seen = memo[place]
                for value in column:
                    if id(value) not in seen:
                        seen[id(value)] = convert(value)
                column = [seen[id(value)] for value in column]
        columns.append(column)
    return list(chain.from_iterable(zip(*columns, strict=True)))


def insert_tag_links(session: Session, links: Sequence[tuple[int, int, bool, str]], *,
                     writer: str) -> None:
    """Link tags to submissions: ``links`` holds (submission id, tag id, the submission's
    ``is_submission``, its ``status``), each submission as stored in this transaction now.

    The per-tag facet counts are what the link trigger (revisions 0006, 0011) would leave, added
    once per (tag, shown, status) group instead of by the trigger once per link: the links go in
    while this transaction holds a row in ``tag_facet_counts_paused`` (``writer`` says who),
    which the trigger skips for, and the row goes before the counts are added. All in a
    savepoint: if anything fails, the row, the links and the counts go back together, so the row
    is never committed and every other write keeps the trigger.
    """
    if not links:
        return
    counts = Counter((tag, bool(shown), status) for _, tag, shown, status in links)
    with session.begin_nested():
        session.execute(insert(tag_facet_counts_paused).values(writer=writer))
        if session.connection().dialect.name == "sqlite":  # two integers: nothing to convert
            _insert_flat(session, submission_tags, ("submission_id", "tag_id"),
                         list(chain.from_iterable((sid, tag) for sid, tag, _, _ in links)))
        else:
            insert_rows(session, submission_tags,
                        [{"submission_id": sid, "tag_id": tag} for sid, tag, _, _ in links])
        session.execute(delete(tag_facet_counts_paused)
                        .where(tag_facet_counts_paused.c.writer == writer))
        _add_tag_counts(session, counts)


def _add_tag_counts(session: Session, counts: Counter[tuple[int, bool, str]]) -> None:
    """Add ``counts`` (per tag, shown, status) to ``tag_facet_counts`` as the link trigger does:
    on PostgreSQL through its function (a row no other writer holds, or a new one); on SQLite
    (one writer at a time) to the group's first row, or a new row for a new group."""
    if session.connection().dialect.name == "postgresql":
        session.execute(text("SELECT leaddesk_tag_facet_add(:tag, :shown, :status, :n)"),
                        [{"tag": tag, "shown": shown, "status": status, "n": n}
                         for (tag, shown, status), n in counts.items()])
        return
    t = tag_facet_counts
    rowid: ColumnElement[int] = literal_column("rowid")
    first = {(tag, bool(shown), status): row for row, tag, shown, status in session.execute(
        select(func.min(rowid), t.c.tag_id, t.c.is_submission, t.c.status)
        .where(t.c.tag_id.in_({tag for tag, _, _ in counts}))
        .group_by(t.c.tag_id, t.c.is_submission, t.c.status))}
    found = [{"row": first[key], "add": n} for key, n in counts.items() if key in first]
    if found:
        session.execute(update(t).where(rowid == bindparam("row"))
                        .values(n=t.c.n + bindparam("add")), found)
    insert_rows(session, t, [{"tag_id": tag, "is_submission": shown, "status": status, "n": n}
                             for (tag, shown, status), n in counts.items()
                             if (tag, shown, status) not in first])
