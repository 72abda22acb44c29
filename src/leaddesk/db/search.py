"""Free-text search behind one function, on SQLite FTS5 and PostgreSQL full-text search.

The index itself (an FTS5 table or a tsvector side table, kept in sync by triggers) is created by
the migrations. User text is never handed to either query language as is: it is split into word
tokens, each term becomes a quoted prefix phrase, and all terms must match.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Integer, bindparam, column, text

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


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH expression: every term as a prefix phrase, all required. None if empty."""
    parts = [f'"{" ".join(tokens)}"*' for tokens in terms(query)]
    return " ".join(parts) if parts else None


def tsquery(query: str) -> str | None:
    """A PostgreSQL to_tsquery expression with the same meaning as :func:`fts5_query`."""
    parts = []
    for tokens in terms(query):
        *head, last = tokens
        parts.append(" <-> ".join([*head, f"{last}:*"]))
    return " & ".join(f"({part})" for part in parts) if parts else None


_SQLITE_IDS = "SELECT rowid FROM submissions_fts WHERE submissions_fts MATCH :q"
_POSTGRES_IDS = ("SELECT submission_id FROM submission_search "
                 "WHERE document @@ to_tsquery('simple', :q)")


def matches(dialect: str, query: str) -> ColumnElement[bool] | None:
    """A WHERE clause on ``submissions.id`` for free text, or None when the text has no words."""
    if dialect == "postgresql":
        sql, expression = _POSTGRES_IDS, tsquery(query)
    else:
        sql, expression = _SQLITE_IDS, fts5_query(query)
    if expression is None:
        return None
    ids = text(sql).bindparams(bindparam("q", expression)).columns(column("id", Integer))
    return Submission.id.in_(ids)
