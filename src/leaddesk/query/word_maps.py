"""SQLite: which rows a common word matches, as one byte per id, kept on the connection while
the database is unchanged; and the matches among a filter's ids, looked up in it.

The exact total of a common word under other filters needs every match checked against them. In
SQL that is the full-text index's ids (~325k for "engagement" at 1M rows) each probed in an
ephemeral index of the filter's ids: ~60 ms, whatever the filter. Here the matches are read once
into a ``bytearray`` indexed by id (1 MB per million rows) and the filter's ids (a covering index,
one JSON string) are looked up in it at C speed (``map(bytes.__getitem__)``): ~10 ms for a topic
and three statuses. Reading a word's map costs about what one SQL intersection does, so only a
word that is searched again (another filter, the next page's total, a refresh) gains; a user
narrowing a search by topic and status does exactly that.

Exact by construction, never stale:

* a map is kept per DBAPI connection (SQLAlchemy's ``connection.info``, which lives as long as
  the connection) under the connection's ``PRAGMA data_version`` (another connection committed)
  and ``total_changes`` (this one wrote), both read before the map is;
* nothing is read from or stored in a map inside a transaction (this connection's own pending
  writes: a rollback would not change either number);
* ``data_version`` is read again after the filter's ids: if another connection committed in
  between, the ids and the map may come from different snapshots, and the caller falls back to
  SQL (None).
"""

from __future__ import annotations

import json
from collections import OrderedDict, deque
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from leaddesk.db import search

# Bytes of maps kept per connection: a byte per row per word, so 8 words at 1M rows, 80 at 100k.
# Common words are few (each is in over 2 % of the rows), and a user moves among a handful.
KEPT_BYTES = 8_000_000
_INFO_KEY = "leaddesk.query.word_maps"


@dataclass(frozen=True)
class _Map:
    version: tuple[int, int]   # (data_version, total_changes) when read
    found: bytearray           # found[id] == 1 when the word matches row id
    matches: int


def _dbapi(session: Session) -> tuple[Any, dict[str, Any]] | None:
    """The session's SQLite connection and its kept-for-life ``info`` dict; None elsewhere."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    fairy = connection.connection
    return fairy.dbapi_connection, fairy.info


def _version(raw: Any) -> tuple[int, int] | None:
    """What tells this connection's view of the database apart, or None inside a transaction."""
    if raw.in_transaction:
        return None
    return int(raw.execute("PRAGMA data_version").fetchone()[0]), int(raw.total_changes)


def _word_map(session: Session, raw: Any, info: dict[str, Any], query: str,
              version: tuple[int, int]) -> _Map | None:
    kept: OrderedDict[str, _Map] = info.setdefault(_INFO_KEY, OrderedDict())
    expression = search.fts5_query(query)
    if expression is None:
        return None
    known = kept.get(expression)
    if known is not None and known.version == version:
        return _kept(kept, expression, known)
    made = _read(session, expression, version)
    if _version(raw) != version:  # a write came between: use once, keep nothing
        return made
    kept[expression] = made
    while sum(len(m.found) for m in kept.values()) > KEPT_BYTES and len(kept) > 1:
        kept.popitem(last=False)
    return made


def _kept(kept: OrderedDict[str, _Map], expression: str, known: _Map) -> _Map:
    kept.move_to_end(expression)
    return known


def _read(session: Session, expression: str, version: tuple[int, int]) -> _Map:
    """The map of an FTS5 expression's matches, read through the full-text index."""
    largest, ids = session.execute(text(
        "SELECT max(rowid), json_group_array(rowid) FROM submissions_fts "
        "WHERE submissions_fts MATCH :q"), {"q": expression}).one()
    found = bytearray((largest or 0) + 1)
    matched = json.loads(ids)
    # One C-level loop sets a byte per match (a Python loop costs several times as much).
    deque(map(found.__setitem__, matched, repeat(1)), maxlen=0)
    return _Map(version, found, len(matched))


def _current(session: Session, query: str) -> tuple[Any, tuple[int, int], _Map] | None:
    """The connection, its version and ``query``'s map (kept or read now), or None."""
    found = _dbapi(session)
    if found is None:
        return None
    raw, info = found
    version = _version(raw)
    if version is None:
        return None
    word = _word_map(session, raw, info, query, version)
    return None if word is None else (raw, version, word)


def matching(session: Session, query: str, candidates: Select[Any]) -> list[int] | None:
    """The ids among ``candidates`` (a SELECT of submission ids) that ``query`` matches, in the
    candidates' order; None when no map can answer (not SQLite, inside a transaction, or the
    database changed while reading)."""
    current = _current(session, query)
    if current is None:
        return None
    raw, version, word = current
    listed = candidates.subquery()
    ids = json.loads(session.execute(select(func.json_group_array(listed.c[0]))).scalar_one())
    if _version(raw) != version:
        return None
    return _among(word, ids)


def _among(word: _Map, ids: list[int]) -> list[int]:
    try:
        return list(compress(ids, map(word.found.__getitem__, ids)))
    except IndexError:  # ids above the word's largest match: none of those matches
        padded = word.found + bytes(max(ids) + 1 - len(word.found))
        return list(compress(ids, map(padded.__getitem__, ids)))


def kept_among(session: Session, query: str, ids: list[int]) -> set[int] | None:
    """Which of ``ids`` (read just before) ``query`` matches, from a map kept for the current
    database only (never read here: a page needs a few batches, which the full-text index
    answers faster than a map is read); None when there is none."""
    found = _dbapi(session)
    expression = search.fts5_query(query)
    if found is None or expression is None:
        return None
    raw, info = found
    version = _version(raw)  # after the ids: equal to the map's, nothing changed since
    known = info.get(_INFO_KEY, {}).get(expression)
    if version is None or known is None or known.version != version:
        return None
    return set(_among(known, ids))


def count_all(session: Session, query: str, hidden: Select[Any] | None) -> int | None:
    """How many rows ``query`` matches, less those among ``hidden`` (a SELECT of ids), or None
    as :func:`matching`."""
    current = _current(session, query)
    if current is None:
        return None
    raw, version, word = current
    if hidden is None:
        return word.matches
    among = matching(session, query, hidden)
    if among is None or _version(raw) != version:
        return None
    return word.matches - len(among)
