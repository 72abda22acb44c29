"""PostgreSQL: how many rows a search word matches, without visiting them.

A GIN index cannot count its matches without reading every matching row, so the counts come from
``submission_search_terms`` (revision 0010: documents per lexeme and facet group, kept by
triggers) when the search is one word whose prefix names one lexeme; otherwise from the newest
documents, sampled as SQLite's text plan samples them (an estimate, never shown as exact).
:mod:`leaddesk.query.counts` sums the groups a filter passes.
"""

from __future__ import annotations

import re

from sqlalchemy import Boolean, Integer, String, Text, column, table, text
from sqlalchemy.orm import Session

from leaddesk.db import search

RECENT_WINDOW = 2_000       # newest documents sampled for a word's share

# What to_tsquery makes of one prefix word: 'engagement':* (quotes in a lexeme doubled).
_ONE_PREFIX = re.compile(r"'((?:[^']|'')+)':\*")

# Documents per lexeme and facet group (revision 0010; PostgreSQL only, outside the ORM).
TERMS = table("submission_search_terms", column("term", Text), column("is_submission", Boolean),
              column("status", String), column("topic", String),
              column("assignee_id", Integer), column("n", Integer))


def lexeme(session: Session, query: str) -> str | None:
    """The one lexeme ``query``'s prefix names in the kept counts ("" if none), or None when the
    query is not a single word or its prefix names several lexemes (a document holding two
    would be counted twice)."""
    words = search.terms(query)
    if len(words) != 1 or len(words[0]) != 1:
        return None
    parsed = str(session.execute(text("SELECT querytree(to_tsquery('simple', :q))"),
                                 {"q": search.tsquery(query)}).scalar_one())
    one = _ONE_PREFIX.fullmatch(parsed)
    if one is None:  # PostgreSQL's parser split the word: a phrase
        return None
    prefix = one.group(1).replace("''", "'")
    pattern = re.sub(r"([\\%_])", r"\\\1", prefix) + "%"
    named = session.execute(text(
        "SELECT DISTINCT term FROM submission_search_terms "
        "WHERE term LIKE :p AND n <> 0 ORDER BY term LIMIT 2"), {"p": pattern}).scalars().all()
    if len(named) > 1:
        return None
    return str(named[0]) if named else ""


def recent_share(session: Session, query: str, *, window: int = RECENT_WINDOW) -> float:
    """The share of the ``window`` newest documents the text matches (an index range of ids)."""
    expression = search.tsquery(query)
    if expression is None:
        return 0.0
    found, sampled = session.execute(text(
        "SELECT count(*) FILTER (WHERE document @@ to_tsquery('simple', :q)), count(*) "
        "FROM (SELECT document FROM submission_search ORDER BY submission_id DESC LIMIT :w) AS d"),
        {"w": window, "q": expression}).one()
    return int(found) / max(int(sampled), 1)
