"""SQLite: the first rows of a page in received order when every match among the filters' rows
is known (a common word's sieve or kept map just found them, :mod:`leaddesk.query.word_maps`).

The walk of :func:`leaddesk.query.pages._walk_text` reads the filters' rows newest first in
batches, each sent to Python as JSON and checked against the known matches there: two or three
statements and ~4 ms for "engagement" under a topic and three statuses at 1M rows (9k matches,
a first batch of 277 candidates finding 47 of the 50 rows asked). Here the known matches travel
once, as a byte-per-id BLOB, and one statement walks the same index in the same order checking
each candidate's byte (``substr`` of a BLOB is a byte offset), stopping at the rows asked:
~0.7 ms. The filters are checked as in that walk, so the rows are those it would give.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import LargeBinary, Select, bindparam, func, literal
from sqlalchemy.orm import Session

from leaddesk.db.models import Submission

# Above this many known matches the batched walk is as cheap (its first batch finds the page),
# and setting a byte per match would cost more than it saves (~25 ns each).
MOST = 50_000
_SCRATCH_KEY = "leaddesk.query.known_walk.scratch"


def first(session: Session, walk: Select[Any], known: Collection[int],
          need: int) -> list[int] | None:
    """The first ``need`` ids of ``walk`` (an ordered SELECT of ids: the filters, the cursor and
    the order of a page) that are among ``known``; None when the batched walk should answer
    (too many known, or an id below 1, which a byte-per-id map has no place for)."""
    if len(known) > MOST or (known and min(known) < 1):
        return None
    if not known:  # nothing to find: no walk through every row of the filters
        return []
    top = max(known)
    marks = _scratch(session, top + 1)
    for i in known:  # a plain loop: the interpreter's fast path for ``bytearray[int] = int``
        marks[i] = 1
    try:
        # Byte n of the BLOB is id n. An id of 0 or below would read before the BLOB's start or
        # count from its end: "id > 0" keeps it exact. (The driver copies the BLOB.)
        blob = memoryview(marks)[1:top + 1]
        hit = func.substr(bindparam("known_marks", blob, type_=LargeBinary),
                          Submission.id, 1) == literal(b"\x01", LargeBinary)
        return list(session.execute(walk.where(hit, Submission.id > 0).limit(need)).scalars())
    finally:
        for i in known:
            marks[i] = 0


def _scratch(session: Session, size: int) -> bytearray:
    """A zeroed byte per id up to ``size``, kept on the connection for the next walk (left
    zeroed): a fresh megabyte costs ~0.6 ms of page faults, more than the walk itself."""
    info = session.connection().connection.info
    marks: bytearray | None = info.get(_SCRATCH_KEY)
    if marks is None or len(marks) < size:  # room for the rows to come (and other matches)
        marks = info[_SCRATCH_KEY] = bytearray(size + size // 8)
    return marks
