"""PostgreSQL: a search's matching ids kept in this process while the database is unchanged, for
exact totals of a search under status, topic and owner filters.

A search the kept word counts cannot tell (two words, a prefix naming several words) is counted
from its documents: a phrase of a fifth of all rows ("white paper") or a prefix of 1,532 e-mail
words ("hoffmann") costs 140-420 ms at a million rows, because the full-text index lives in
``submission_search`` and every match's row there is read to learn its submission's id
(bench/README.md, PostgreSQL sixth round). SQLite keeps a common word's matches per connection
while the file is unchanged (:mod:`leaddesk.query.word_maps`); this is PostgreSQL's equivalent:
a byte per id, kept per search and database, with the server's snapshot it was read in. The ids
the other filters pass are kept the same way, per statement and parameters' values (~30 ms for a
topic and a status at a million rows: PostgreSQL reads 85k index entries), as 8-byte integers.

Exactness rests on the snapshot: one statement reads the current snapshot
(``pg_current_snapshot()``: the oldest running transaction, the next unassigned one and those
in progress) together with the ids the other filters pass and, unless the kept matches were read
in an equal snapshot, every match. Equal snapshots mean no transaction committed or rolled back
in between, so the kept matches are the matches now. A transaction that has written itself
(``txid_current_if_assigned()`` is set) sees its own rows, which no snapshot shows: it neither
uses nor keeps matches. Any commit anywhere on the server changes the snapshot, so on a busy
team server the matches are read again often: that costs what counting did before, not more.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    case,
    column,
    func,
    literal,
    null,
    select,
    text,
)
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Submission

KEPT = 8                # searches kept per process (a byte per id each: 1 MB at a million rows)
MAX_CANDIDATES = 150_000  # rows the other filters may pass for their ids to be sent here
KEPT_IDS_BYTES = 4_000_000  # the filters' ids kept per process (8 bytes an id)

_lock = threading.Lock()
K = TypeVar("K")
V = TypeVar("V")


class _Kept(Generic[K, V]):
    """Values kept per key with the snapshot (its token) they were read in, the least recently
    used dropped first while ``full`` says there are too many."""

    def __init__(self, full: Callable[[OrderedDict[K, tuple[str, V]]], bool]) -> None:
        self._items: OrderedDict[K, tuple[str, V]] = OrderedDict()
        self._full = full

    def get(self, key: K) -> tuple[str, V] | None:
        with _lock:
            return self._items.get(key)

    def current(self, key: K, kept: tuple[str, V] | None, read: Sequence[int] | None, token: str,
                unchanged: bool, make: Callable[[Sequence[int]], V]) -> V:
        """The kept value when the statement skipped reading it again (``read`` is None and the
        snapshot is the kept one: NULL also stands for nothing read), else ``make(read)``, kept
        unless the transaction wrote itself (``unchanged`` False)."""
        if read is None and kept is not None and unchanged and token == kept[0]:
            return kept[1]
        value = make(read or ())
        if unchanged:
            with _lock:
                self._items[key] = (token, value)
                self._items.move_to_end(key)
                while len(self._items) > 1 and self._full(self._items):
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with _lock:
            self._items.clear()


_kept: _Kept[tuple[str, str], bytearray] = _Kept(lambda items: len(items) > KEPT)
_kept_ids: _Kept[tuple[str, str, str], array[int]] = _Kept(
    lambda items: sum(len(a) * a.itemsize for _, a in items.values()) > KEPT_IDS_BYTES)


def count(session: Session, query: str, exact: str | None,
          others: Sequence[ColumnElement[bool]]) -> int | None:
    """The rows passing ``others`` that the text matches (``exact``: its prefixes written out by
    :mod:`~leaddesk.query.pg_text`), or None when the text has no words."""
    expression: str | None
    if exact is not None:
        expression, matching = exact, "document @@ CAST(:q AS tsquery)"
    else:
        expression, matching = search.tsquery(query), "document @@ to_tsquery('simple', :q)"
    if expression is None:
        return None
    url = str(session.get_bind().engine.url)
    key = (url, expression)
    candidates = select(func.array_agg(Submission.id)).where(*others)
    # Under the statement and its parameters' values: a filter may hold the time of the call
    # ("overdue"), so the same Filter selects other rows later.
    compiled = candidates.compile(dialect=session.get_bind().dialect)
    ids_key = (url, compiled.string, repr(sorted(compiled.params.items())))
    kept, kept_ids = _kept.get(key), _kept_ids.get(ids_key)
    snapshot = select(func.pg_current_snapshot().cast(Text).label("token"),
                      func.txid_current_if_assigned().label("own")).subquery()
    matches = text(f"SELECT array_agg(submission_id) FROM submission_search WHERE {matching}"
                   ).bindparams(q=expression).columns(column("ids")).scalar_subquery()

    def current(entry: tuple[str, object] | None) -> ColumnElement[bool]:
        return and_(snapshot.c.own.is_(None),
                    snapshot.c.token == literal(entry[0] if entry is not None else "", Text))
    # Each is read only when its kept copy is not current (PostgreSQL evaluates an uncorrelated
    # subquery of a CASE branch only when the branch is taken).
    token, own, ids, found = session.execute(select(
        snapshot.c.token, snapshot.c.own,
        case((current(kept_ids), null()), else_=candidates.scalar_subquery()),
        case((current(kept), null()), else_=matches)).select_from(snapshot)).one()
    unchanged = own is None  # else this transaction's own rows are in both: keep nothing
    marks = _kept.current(key, kept, found, token, unchanged, _marks)
    held = _kept_ids.current(ids_key, kept_ids, ids, token, unchanged, _held)
    size = len(marks)
    return sum(map(marks.__getitem__, filter(size.__gt__, held)))


def _held(ids: Sequence[int]) -> array[int]:
    return array("q", ids)


def _marks(ids: Sequence[int]) -> bytearray:
    marks = bytearray(max(ids, default=-1) + 1)
    for i in ids:
        marks[i] = 1
    return marks


def forget() -> None:
    """Drop every kept search and filter's ids (tests)."""
    _kept.clear()
    _kept_ids.clear()

