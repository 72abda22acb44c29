"""SQLite: the matches of a common word among a filter's ids, and how many rows it matches in all,
without SQL's slow intersection; and a word's matches kept on the connection as a byte per id.

The exact total of a common word under other filters needs every match checked against them. In
SQL that is the full-text index's ids (~325k for "engagement" at 1M rows) each probed in an
ephemeral index of the filter's ids: ~60 ms, whatever the filter. Two faster ways, both exact:

* **The sieve** (a word's first searches): the filter's ids (a covering index, one JSON string)
  become a byte-per-id BLOB, and one pass over the word's full-text matches keeps those whose
  byte is set (``substr`` of a BLOB is a byte offset, ~40 ns a match): ~25 ms for "engagement"
  under a topic and three statuses. A prefix that names one indexed word only is read as that
  word (:func:`_cheapest`), which FTS5 reads from one list instead of merging lists (a page's
  walk asks the index that way too: :func:`kept_among`). What a sieve found out (the ids it
  checked, those matching) is kept per version, so a narrower search, a refresh or the same
  search's count is answered from it (:class:`_Learnt`). A filter's ids are kept per version
  too (as JSON text, :class:`_Filtered`): the next word typed under the same filters reads
  them back in ~3 ms instead of ~9 through SQL.
* **A kept map**: the word's matches read once into a ``bytearray`` indexed by id (1 MB per
  million rows), where the filter's ids are looked up at C speed (``map(bytes.__getitem__)``):
  ~3 ms. Reading one costs ~55 ms for "engagement" (the ids travel as JSON and are set byte by
  byte in Python), more than a search's whole budget, so only the count of a word alone (the
  UI's exact count, run in a worker) reads one, the second time it is asked for on a
  connection; every call then uses it while it is current.

Exact by construction, never stale:

* maps, sieve answers, filters' ids and one-word readings are kept per DBAPI connection
  (SQLAlchemy's ``connection.info``, which lives as long as the connection) under its ``PRAGMA
  data_version`` (another connection committed) and ``total_changes`` (this one wrote), both read
  before them; a filter's ids also under its statement and parameters' values (a filter may hold
  the time of the call);
* nothing is read from or stored in them, and no sieve runs, inside a transaction (this
  connection's own pending writes: a rollback would not change either number);
* ``data_version`` is read again after the filter's ids and the matches: if another connection
  committed in between, they may come from different snapshots, and the caller falls back to
  SQL (None).
"""

from __future__ import annotations

import json
import re
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from sqlalchemy import Select, func, select, text
from sqlalchemy.orm import Session

from leaddesk.db import search

# Bytes of maps kept per connection: a byte per row per word, so 8 words at 1M rows, 80 at 100k
# (and as much again for sieve answers). Common words are few (each is in over 2 % of the rows),
# and a user moves among a handful.
KEPT_BYTES = 8_000_000
# Bytes of filters' ids kept per connection, as JSON text (~7 bytes an id): at 1M rows, a topic
# and three statuses (~53k ids) take 0.4 MB.
FILTER_BYTES = 4_000_000
# The count of a word alone reads its map the READ_AFTER-th time it is asked for on a connection.
READ_AFTER = 2
_INFO_KEY = "leaddesk.query.word_maps"
_ASKED_KEY = "leaddesk.query.word_maps.asked"
_WORDS_KEY = "leaddesk.query.word_maps.words"
_CHEAP_KEY = "leaddesk.query.word_maps.cheapest"
_LEARNT_KEY = "leaddesk.query.word_maps.learnt"
_FILTERS_KEY = "leaddesk.query.word_maps.filters"
_MATCHED = 3  # in a _Learnt's state
_MATCHING = bytes(int(n == _MATCHED) for n in range(256))  # a state to 1 if matching, else 0
_PLAIN = re.compile(r"[a-z0-9]+")
_ZEROS = ("[0,", ",0,", ",0]", "[0]")  # an id of 0 in a JSON array of ids


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


@dataclass(frozen=True)
class _Learnt:
    """What the sieve found out about a word at one version: which ids it checked, which of
    those match. A later filter whose ids were all checked is answered from it (a user narrowing
    a search, a refresh, the next page's total)."""
    version: tuple[int, int]
    state: bytearray                # per id: 0 never checked, 1 checked, 3 checked and matching


@dataclass(frozen=True)
class _Asked:
    raw: Any                        # the DBAPI connection
    info: dict[str, Any]            # its kept-for-life dict
    key: str                        # the word's FTS5 expression as the user wrote it
    version: tuple[int, int]        # its version when asked
    expression: str                 # what reads the word's matches (see _cheapest)
    word: _Map | None               # the word's map, kept or read now


def _ask(session: Session, query: str, *, reading: bool) -> _Asked | None:
    """``query``'s map if one is kept for the current database (or, when ``reading``, if it is
    worth reading now), and how to read its matches otherwise; None when SQL must answer (not
    SQLite, no words, inside a transaction)."""
    found = _dbapi(session)
    key = search.fts5_query(query)
    if found is None or key is None:
        return None
    raw, info = found
    version = _version(raw)
    if version is None:
        return None
    kept: OrderedDict[str, _Map] = info.setdefault(_INFO_KEY, OrderedDict())
    known = kept.get(key)
    if known is not None and known.version == version:
        return _Asked(raw, info, key, version, key, _kept(kept, key, known))
    expression = _cheap(raw, info, query, key, version)
    if not (reading and _worth_reading(info, key)):
        return _Asked(raw, info, key, version, expression, None)
    made = _read(session, expression, version)
    if _version(raw) == version:  # else a write came between: use once, keep nothing
        kept[key] = made
        while sum(len(m.found) for m in kept.values()) > KEPT_BYTES and len(kept) > 1:
            kept.popitem(last=False)
    return _Asked(raw, info, key, version, expression, made)


def _worth_reading(info: dict[str, Any], key: str) -> bool:
    """Read a word's map now? From the READ_AFTER-th time it is asked for on this connection."""
    asked: Counter[str] = info.setdefault(_ASKED_KEY, Counter())
    asked[key] += 1
    return asked[key] >= READ_AFTER


def _kept(kept: OrderedDict[str, _Map], expression: str, known: _Map) -> _Map:
    kept.move_to_end(expression)
    return known


def _read(session: Session, expression: str, version: tuple[int, int]) -> _Map:
    """The map of an FTS5 expression's matches, read through the full-text index."""
    # Ids below 1 have no byte (the ids looked up here never are: see _ids), but count.
    total, ids = session.execute(text(
        "SELECT count(*), json_group_array(rowid) FILTER (WHERE rowid > 0) FROM submissions_fts "
        "WHERE submissions_fts MATCH :q"), {"q": expression}).one()
    matched: list[int] = json.loads(ids)
    # FTS5 yields matches in id order: the last is the largest (max() if ever not).
    found = _marked(matched, max(matched[-1:], default=0))
    return _Map(version, found, int(total))


def matching(session: Session, query: str, candidates: Select[Any], *,
             largest: int = 0) -> list[int] | None:
    """The ids among ``candidates`` (a SELECT of submission ids) that ``query`` matches; None when
    SQL must answer (not SQLite, inside a transaction, or the database changed while reading).

    With the word's map kept the ids are looked up in it; otherwise (never read here: it costs
    more than a search may) the full-text index is read once through and each match is checked
    against a byte-per-id map of the candidates (:func:`_sieve`; ``largest``, the largest id in
    the table if known, sizes that map)."""
    asked = _ask(session, query, reading=False)
    if asked is None:
        return None
    filtered = _filtered(session, asked, candidates)
    if filtered is None:
        return None
    ids = filtered.ids
    learnt: OrderedDict[str, _Learnt] = asked.info.setdefault(_LEARNT_KEY, OrderedDict())
    marks = None
    if asked.word is not None:
        among = _among(asked.word, ids)
    else:
        known = learnt.get(asked.key)
        states = _states(known, ids) if known is not None and known.version == asked.version \
            else None
        if states is not None and 0 not in states:  # every id checked before
            learnt.move_to_end(asked.key)
            among = list(compress(ids, states.translate(_MATCHING)))
        elif not ids:
            among = []
        else:
            marks = _marked(ids, largest)
            _, among = _sieve(session, asked.expression, marks)
    if _version(asked.raw) != asked.version:  # the ids and the matches: different snapshots
        return None
    if marks is not None:
        _learn(learnt, asked, marks, ids, among)
    _keep_filtered(asked, filtered)
    return among


def _states(known: _Learnt, ids: Sequence[int]) -> bytes | None:
    """What ``known`` says of each of ``ids`` (one C-level pass), or None if an id is above
    every id it checked or one of a few sampled was never checked (another filter's ids)."""
    try:
        if not all(map(known.state.__getitem__, ids[::max(1, len(ids) // 16)])):
            return None
        return bytes(map(known.state.__getitem__, ids))
    except IndexError:
        return None


def _learn(learnt: OrderedDict[str, _Learnt], asked: _Asked, marks: bytearray,
           ids: Sequence[int], among: list[int]) -> None:
    """Keep what a sieve found out (``marks``: a byte set for each of ``ids``, the ids it
    checked, now the learnt state's own; ``among``: those matching), with what earlier sieves of
    the same word found out at the same version."""
    known = learnt.pop(asked.key, None)
    state = marks  # 1 for every id checked
    if known is not None and known.version == asked.version:  # the same data: add it up
        state = known.state
        if len(state) < len(marks):
            state = state + bytes(len(marks) - len(state))
        # An id matching before matches now (same data): it is in ``among`` and set back to 3.
        # Plain loops: ``state[i] = 1`` is the interpreter's fast path, twice as fast as a
        # C-level ``map(state.__setitem__, ids, repeat(1))``.
        for i in ids:
            state[i] = 1
    for i in among:
        state[i] = _MATCHED
    learnt[asked.key] = _Learnt(asked.version, state)
    while sum(len(k.state) for k in learnt.values()) > KEPT_BYTES and len(learnt) > 1:
        learnt.popitem(last=False)


def _cheap(raw: Any, info: dict[str, Any], query: str, key: str, version: tuple[int, int]) -> str:
    """:func:`_cheapest` for ``query`` (FTS5 expression ``key``), kept for ``version``."""
    cheap: dict[str, tuple[tuple[int, int], str]] = info.setdefault(_CHEAP_KEY, {})
    known = cheap.get(key)
    if known is not None and known[0] == version:
        return known[1]
    expression = _cheapest(raw, info, query) or key
    cheap[key] = (version, expression)
    return expression


def _cheapest(raw: Any, info: dict[str, Any], query: str) -> str | None:
    """``query``'s FTS5 expression with each prefix that names one indexed word only written as
    that word: the same matches, read from one list instead of merged lists (~11 ms against ~17
    for "engagement" at 1M rows). Only plain ASCII words, which the tokenizer keeps as they are;
    the caller checks that nothing was committed since (the answer holds for one snapshot)."""
    if not info.get(_WORDS_KEY):  # the index's words, as a table (this connection's own)
        raw.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.leaddesk_fts_words "
                    "USING fts5vocab(main, submissions_fts, instance)")
        info[_WORDS_KEY] = True
    parts = []
    for tokens in search.terms(query):
        last, star = tokens[-1], "*"
        if _PLAIN.fullmatch(last):
            # The first indexed word after ``last`` itself (no word holds a character below
            # U+0002): a seek per segment, the first instance only.
            after = raw.execute("SELECT term FROM temp.leaddesk_fts_words WHERE term >= ? LIMIT 1",
                                (last + "\x01",)).fetchone()
            if after is None or not after[0].startswith(last):
                star = ""
        parts.append(f'"{" ".join(tokens)}"{star}')
    return " ".join(parts) if parts else None


def _ids(session: Session, candidates: Select[Any]) -> tuple[list[int], str] | None:
    """The ids ``candidates`` selects, and the same as the JSON array they were read as (see
    :mod:`leaddesk.db.search`); None if one is below 1 (a byte-per-id map has no place for it:
    SQL answers)."""
    listed = candidates.subquery()
    found: str = session.execute(select(func.json_group_array(listed.c[0]))).scalar_one()
    # Read off the text (a C-level search, ~0.05 ms at 50k ids), where min() of the ids takes
    # 0.7 ms and a second aggregate in SQL 2: a JSON array of integers holds "-" only in a
    # negative one, and a 0 only ever stands between "[" or "," and "," or "]".
    if "-" in found or any(zero in found for zero in _ZEROS):
        return None
    ids: list[int] = json.loads(found)
    return ids, found


def _marked(ids: Sequence[int], largest: int) -> bytearray:
    """A byte per id up to ``largest`` (or the largest of ``ids``), set to 1 for each of ``ids``
    (all 1 or above). A plain loop: ``marks[i] = 1`` is the interpreter's fast path, twice as
    fast as a C-level ``map(marks.__setitem__, ids, repeat(1))`` (1.2 against 2.3 ms at 50k)."""
    marks = bytearray(largest + 1)
    try:
        for i in ids:
            marks[i] = 1
    except IndexError:  # not told the largest id, or rows came since
        marks = bytearray(max(ids) + 1)
        for i in ids:
            marks[i] = 1
    return marks


class _Filtered:
    """A filter's ids at one version. Kept, they are held as their JSON text (~7 bytes an id,
    where a list of ints takes ~40; read back in ~50 ns an id, against ~150 through SQL). Their
    byte-per-id marks are made again by each sieve, which hands them to what it learnt (kept,
    1 MB per million rows each, they would double what a first search allocates)."""

    __slots__ = ("_ids", "key", "text", "version")

    def __init__(self, version: tuple[int, int], key: tuple[str, str] | None,
                 ids: list[int], text: str) -> None:
        self.version = version
        self.key = key              # the filter's statement and parameters (None: not kept)
        self._ids: list[int] | None = ids
        self.text = text            # ``ids`` as a JSON array

    @property
    def ids(self) -> list[int]:
        if self._ids is not None:
            return self._ids
        ids: list[int] = json.loads(self.text)
        return ids

    def forget_list(self) -> None:
        self._ids = None


def _filter_key(session: Session, candidates: Select[Any]) -> tuple[str, str]:
    """What tells filters apart: the statement and its parameters (a filter's conditions may
    hold the time of the call, e.g. "overdue": the same Filter later selects other rows)."""
    compiled = candidates.compile(dialect=session.get_bind().dialect)
    return compiled.string, repr(sorted(compiled.params.items()))


def _filtered(session: Session, asked: _Asked, candidates: Select[Any] | None) -> _Filtered | None:
    """The ids ``candidates`` selects at ``asked``'s version: kept from an earlier call with the
    same filter at the same version (a user typing one word after another under the same
    filters pays for them once), else read now; None when SQL must answer (see :func:`_ids`)."""
    if candidates is None:
        return _Filtered(asked.version, None, [], "[]")
    key = _filter_key(session, candidates)
    kept: OrderedDict[tuple[str, str], _Filtered] = asked.info.setdefault(
        _FILTERS_KEY, OrderedDict())
    known = kept.get(key)
    if known is not None and known.version == asked.version:
        kept.move_to_end(key)
        return known
    found = _ids(session, candidates)
    return None if found is None else _Filtered(asked.version, key, *found)


def _keep_filtered(asked: _Asked, filtered: _Filtered) -> None:
    """Keep ``filtered`` (read at ``asked``'s version, still current: the caller checked) for the
    next call, within :data:`FILTER_BYTES` per connection, the least recently used dropped."""
    if filtered.key is None:
        return
    kept: OrderedDict[tuple[str, str], _Filtered] = asked.info.setdefault(
        _FILTERS_KEY, OrderedDict())
    if kept.get(filtered.key) is not filtered:
        for key in [k for k, f in kept.items() if f.version != filtered.version]:
            del kept[key]  # read before a write: never current again
        filtered.forget_list()
        kept[filtered.key] = filtered
    while kept and sum(len(f.text) for f in kept.values()) > FILTER_BYTES:
        kept.popitem(last=False)


def _sieve(session: Session, expression: str, marks: bytearray, *,
           whole: bool = False) -> tuple[int | None, list[int]]:
    """Which ids the FTS5 ``expression`` matches among those set in ``marks`` (a byte per id,
    see :func:`_marked`), and with ``whole`` how many rows it matches in all, in one pass over
    its matches: each is checked in ``marks`` passed as a BLOB (``substr`` of a BLOB is a byte
    offset: ~40 ns a match, where a probe of SQL's ephemeral index of the ids takes ~90 ns and
    reading the word's own map into Python ~100 ns)."""
    # marks[1:]: byte n of the BLOB is id n. A rowid of 0 or below would read before the BLOB's
    # start or count from its end: "rowid > 0", evaluated only after a hit, keeps it exact.
    hit = "substr(:marks, rowid, 1) = x'01' AND rowid > 0"
    params = {"q": expression, "marks": memoryview(marks)[1:]}
    if whole:
        total, found = session.execute(text(
            f"SELECT count(*), json_group_array(rowid) FILTER (WHERE {hit}) "
            f"FROM submissions_fts WHERE submissions_fts MATCH :q"), params).one()
        return int(total), json.loads(found)
    found = session.execute(text(
        f"SELECT json_group_array(rowid) FROM submissions_fts WHERE submissions_fts MATCH :q "
        f"AND {hit}"), params).scalar_one()
    return None, json.loads(found)


def _among(word: _Map, ids: Sequence[int]) -> list[int]:
    try:
        return list(compress(ids, map(word.found.__getitem__, ids)))
    except IndexError:  # ids above the word's largest match: none of those matches
        padded = word.found + bytes(max(ids) + 1 - len(word.found))
        return list(compress(ids, map(padded.__getitem__, ids)))


def kept_among(session: Session, query: str, ids: list[int], ids_json: str) -> set[int] | None:
    """Which of ``ids`` (read just before; ``ids_json``, the same as a JSON array) ``query``
    matches, for a page's walk: from the word's map if one is kept for the current database
    (never read here: a page needs a few batches, which the full-text index answers faster than
    a map is read), else through the index when each prefix names one word (:func:`_cheapest`:
    FTS5 seeks to the batch's ids in one list, ~1 ms, where a prefix merges its lists whole,
    ~12 ms for "engagement"); None when SQL must answer (:func:`search.matching_ids`)."""
    found = _dbapi(session)
    key = search.fts5_query(query)
    if found is None or key is None or not ids:
        return None
    raw, info = found
    version = _version(raw)  # after the ids: equal to the map's, nothing changed since
    if version is None:
        return None
    known = info.get(_INFO_KEY, {}).get(key)
    if known is not None and known.version == version:
        return set(_among(known, ids))
    expression = _cheap(raw, info, query, key, version)
    if expression == key:
        return None
    hits = search.matching_ids(session, query, ids_json, low=min(ids), high=max(ids),
                               expression=expression)
    if _version(raw) != version:  # a word with the prefix may have come: ask the prefix
        return None
    return hits


def count_all(session: Session, query: str, hidden: Select[Any] | None) -> int | None:
    """How many rows ``query`` matches, less those among ``hidden`` (a SELECT of ids), or None
    as :func:`matching`. Reads the word's map the second time (:data:`READ_AFTER`)."""
    asked = _ask(session, query, reading=True)
    if asked is None:
        return None
    filtered = _filtered(session, asked, hidden)
    if filtered is None:
        return None
    if asked.word is None:
        total, among = _sieve(session, asked.expression, _marked(filtered.ids, 0), whole=True)
    else:
        total, among = asked.word.matches, _among(asked.word, filtered.ids)
    if _version(asked.raw) != asked.version:
        return None
    _keep_filtered(asked, filtered)
    return (total or 0) - len(among)
