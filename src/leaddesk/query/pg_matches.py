"""PostgreSQL: a search's matching ids kept in this process while the database is unchanged, for
exact totals of a search under status, topic and owner filters.

A search the kept word counts cannot tell (two words, a prefix naming several words) is counted
from its documents: a phrase of a fifth of all rows ("white paper") or a prefix of 1,532 e-mail
words ("hoffmann") costs 140-420 ms at a million rows, because the full-text index lives in
``submission_search`` and every match's row there is read to learn its submission's id
(bench/README.md, PostgreSQL sixth round). SQLite keeps a common word's matches per connection
while the file is unchanged (:mod:`leaddesk.query.word_maps`); this is PostgreSQL's equivalent:
a byte per id, kept per search and database, with the server's snapshot it was read in.

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

_lock = threading.Lock()
_kept: OrderedDict[tuple[str, str], tuple[str, bytearray]] = OrderedDict()


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
    key = (str(session.get_bind().engine.url), expression)
    with _lock:
        kept = _kept.get(key)
    snapshot = select(func.pg_current_snapshot().cast(Text).label("token"),
                      func.txid_current_if_assigned().label("own")).subquery()
    candidates = select(func.array_agg(Submission.id)).where(*others).scalar_subquery()
    matches = text(f"SELECT array_agg(submission_id) FROM submission_search WHERE {matching}"
                   ).bindparams(q=expression).columns(column("ids")).scalar_subquery()
    still = and_(snapshot.c.own.is_(None),
                 snapshot.c.token == literal(kept[0] if kept is not None else "", Text))
    # The matches are read only when the kept ones are not current (PostgreSQL evaluates an
    # uncorrelated subquery of a CASE branch only when the branch is taken).
    token, own, ids, found = session.execute(select(
        snapshot.c.token, snapshot.c.own, candidates,
        case((still, null()), else_=matches)).select_from(snapshot)).one()
    if found is None and kept is not None and own is None and token == kept[0]:
        marks = kept[1]
    else:
        marks = _marks(found or ())
        if own is None:
            with _lock:
                _kept[key] = (token, marks)
                _kept.move_to_end(key)
                while len(_kept) > KEPT:
                    _kept.popitem(last=False)
    size = len(marks)
    return sum(1 for i in ids or () if i < size and marks[i])


def _marks(ids: Sequence[int]) -> bytearray:
    marks = bytearray(max(ids, default=-1) + 1)
    for i in ids:
        marks[i] = 1
    return marks


def forget() -> None:
    """Drop every kept search (tests)."""
    with _lock:
        _kept.clear()

