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
from collections.abc import Sequence

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
_kept: OrderedDict[tuple[str, str], tuple[str, bytearray]] = OrderedDict()
_kept_ids: OrderedDict[tuple[str, str, str], tuple[str, array[int]]] = OrderedDict()


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
    with _lock:
        kept = _kept.get(key)
        kept_ids = _kept_ids.get(ids_key)
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
    if found is None and kept is not None and unchanged and token == kept[0]:
        marks = kept[1]
    else:
        marks = _marks(found or ())
        if unchanged:
            with _lock:
                _kept[key] = (token, marks)
                _kept.move_to_end(key)
                while len(_kept) > KEPT:
                    _kept.popitem(last=False)
    if ids is None and kept_ids is not None and unchanged and token == kept_ids[0]:
        held = kept_ids[1]
    else:
        held = _held(ids or ())
        if unchanged:
            with _lock:
                _kept_ids[ids_key] = (token, held)
                _kept_ids.move_to_end(ids_key)
                while len(_kept_ids) > 1 and sum(
                        len(a) * a.itemsize for _, a in _kept_ids.values()) > KEPT_IDS_BYTES:
                    _kept_ids.popitem(last=False)
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
    with _lock:
        _kept.clear()
        _kept_ids.clear()

