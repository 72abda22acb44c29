"""Free-text search behind one function, on SQLite FTS5 and PostgreSQL full-text search.

The index itself (an FTS5 table or a tsvector side table, kept in sync by triggers) is created by
the migrations. User text is never handed to either query language as is: it is split into word
tokens, each term becomes a quoted prefix phrase, and all terms must match.

On SQLite, :mod:`leaddesk.query` also asks how many rows match (:func:`count_matches`) and which of
a batch of candidates match (:func:`matching_ids`), to pick a fast plan. Keep in mind that FTS5
answers a prefix term by merging the lists of every word with that prefix, once per statement:
a few milliseconds for a word in a third of a million rows, so the plans use few statements and
never probe the index row by row.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    TextualSelect,
    bindparam,
    column,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from leaddesk.db.models import Submission

_WORD = re.compile(r"\w+", re.UNICODE)


def terms(query: str) -> list[list[str]]:
    """Split user text into terms (whitespace-separated), each a list of word tokens."""
    result = []
    for chunk in query.split():
        tokens = _WORD.findall(chunk.lower())
        if tokens:
            result.append(tokens)
    return result


def fts5_query(query: str, *, prefix: bool = True) -> str | None:
    """An FTS5 MATCH expression: every term as a prefix phrase, all required. None if empty.

    ``prefix=False`` matches whole words only: a subset, cheaper to evaluate (see
    :func:`count_matches`).
    """
    star = "*" if prefix else ""
    parts = [f'"{" ".join(tokens)}"{star}' for tokens in terms(query)]
    return " ".join(parts) if parts else None


def tsquery(query: str) -> str | None:
    """A PostgreSQL to_tsquery expression with the same meaning as :func:`fts5_query`."""
    parts = []
    for tokens in terms(query):
        *head, last = tokens
        parts.append(" <-> ".join([*head, f"{last}:*"]))
    return " & ".join(f"({part})" for part in parts) if parts else None


_FTS = table("submissions_fts", column("rowid", Integer))


def unindexed(element: ColumnElement[Any]) -> ColumnElement[Any]:
    """``+column``: the same value and type, but SQLite may not use the column's index (or, for
    an id, look rows up by it). The query layer steers SQLite's plans with it."""
    return UnaryExpression(element, operator=operators.custom_op("+"), type_=element.type)


_SQLITE_IDS = "SELECT rowid FROM submissions_fts WHERE submissions_fts MATCH :q"
_POSTGRES_IDS = ("SELECT submission_id FROM submission_search "
                 "WHERE document @@ to_tsquery('simple', :q)")
# The same with the words written out already (leaddesk.query.pg_text), taken as they are.
_POSTGRES_EXACT_IDS = ("SELECT submission_id FROM submission_search "
                       "WHERE document @@ CAST(:q AS tsquery)")


def json_ids(ids: str) -> TextualSelect:
    """SQLite: a subquery of the ids in a JSON array (one parameter, however many ids)."""
    return text("SELECT value FROM json_each(:ids)").bindparams(
        bindparam("ids", ids, unique=True)).columns(column("id", Integer))


def matches(dialect: str, query: str, *, lookup: bool = True, ids: str | None = None,
            exact: str | None = None) -> ColumnElement[bool] | None:
    """A WHERE clause on ``submissions.id`` for free text, or None when the text has no words.

    SQLite only: ``lookup=False`` writes ``+id``, so that the matches cannot be fetched by id and
    are checked against the rows the other conditions select (whatever the statistics say);
    ``ids``, every matching id found earlier in the same transaction (a JSON array), replaces
    the index. PostgreSQL only: ``exact``, the text as a tsquery of the words its prefixes name
    (:func:`leaddesk.query.pg_text.expanded`), replaces the prefix search.
    """
    expression: str | None
    if dialect == "postgresql" and exact is not None:
        sql, expression = _POSTGRES_EXACT_IDS, exact
    elif dialect == "postgresql":
        sql, expression = _POSTGRES_IDS, tsquery(query)
    else:
        sql, expression = _SQLITE_IDS, fts5_query(query)
    if expression is None:
        return None
    if ids is not None and dialect == "sqlite":
        found = json_ids(ids)
    else:
        found = text(sql).bindparams(bindparam("q", expression)).columns(column("id", Integer))
    if lookup or dialect != "sqlite":
        return Submission.id.in_(found)
    return unindexed(Submission.id.expression).in_(found)


def recent_share(session: Session, query: str, *, newest: int, window: int) -> float:
    """SQLite: the share of the ``window`` newest ids that contain the text as whole words.

    Whole words are read lazily from their lists, from the window's first id on: about a
    millisecond even for a word in every row, where a prefix term would merge its lists first.
    """
    expression = fts5_query(query, prefix=False)
    if expression is None:
        return 0.0
    found = session.execute(text(f"SELECT count(*) FROM ({_SQLITE_IDS} AND rowid > :lo)"),
                            {"q": expression, "lo": newest - window}).scalar_one()
    return int(found) / max(window, 1)


def first_matches(session: Session, query: str, *, cap: int) -> tuple[int, str] | None:
    """SQLite: how many ids the text matches and all of them as a JSON array, or None if it
    matches ``cap`` or more.

    Ids travel as one JSON string, not as rows: thousands of row tuples in Python would wake the
    garbage collector, whose full passes cost tens of milliseconds in a large application.
    """
    expression = fts5_query(query)
    if expression is None:
        return 0, "[]"
    found, ids = session.execute(
        text(f"SELECT count(*), json_group_array(rowid) FROM ({_SQLITE_IDS} LIMIT :cap)"),
        {"q": expression, "cap": cap}).one()
    return None if found >= cap else (int(found), str(ids))


def matching_ids(session: Session, query: str, candidates: str, *, low: int,
                 high: int, expression: str | None = None) -> set[int]:
    """SQLite: which of ``candidates`` (a JSON array of ids between ``low`` and ``high``) the
    text matches.

    One pass over the full-text index between the smallest and the largest candidate id: recent
    submissions have neighbouring ids, so the pass is short. (Asking per id would merge the prefix
    lists once per id.)
    """
    expression = expression or fts5_query(query)  # given: the same matches, written cheaper
    if expression is None:
        return set()
    found = session.execute(
        text(f"SELECT json_group_array(value) FROM json_each(:ids) WHERE value IN "
             f"({_SQLITE_IDS} AND rowid BETWEEN :lo AND :hi)"),
        {"ids": candidates, "q": expression, "lo": low, "hi": high}).scalar_one()
    return set(json.loads(found))


def count_all_matches(session: Session, query: str) -> int:
    """SQLite: how many rows the text matches, counted in the full-text index alone.

    FTS5 counts a match list's row ids without reading the rows: ~30 ms for a word in a third of
    a million rows, where joining the matches to the table takes ten times as long.
    """
    expression = fts5_query(query)
    if expression is None:
        return 0
    return int(session.execute(text(f"SELECT count(*) FROM ({_SQLITE_IDS})"),
                               {"q": expression}).scalar_one())


def matches_among(query: str, candidates: Select[int]) -> Select[int]:
    """SQLite: the ids among ``candidates`` (a SELECT of submission ids) that the text matches.

    The candidates are collected first and the full-text index is read once through: for a word
    in a large share of all rows, cheaper than collecting its matches first. (``+rowid`` keeps
    FTS5 from being asked once per candidate.)
    """
    expression = fts5_query(query) or '""'
    return select(_FTS.c.rowid.label("id")).where(
        text("submissions_fts MATCH :q").bindparams(bindparam("q", expression)),
        unindexed(_FTS.c.rowid).in_(candidates))
