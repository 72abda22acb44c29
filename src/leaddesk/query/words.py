"""PostgreSQL: how many rows a search word matches, without visiting them.

A GIN index cannot count its matches without reading every matching row, so the counts come from
``submission_search_terms`` (revision 0010: documents per lexeme and facet group, kept by
triggers) when the search is one word whose prefix names one lexeme; otherwise from the newest
documents, sampled as SQLite's text plan samples them (an estimate, never shown as exact).
:mod:`leaddesk.query.counts` sums the groups a filter passes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Integer,
    String,
    Text,
    column,
    func,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session

from leaddesk.db import search
from leaddesk.db.models import Submission

RECENT_WINDOW = 2_000       # newest documents sampled for a word's share

# What to_tsquery makes of one prefix word: 'engagement':* (quotes in a lexeme doubled).
_ONE_PREFIX = re.compile(r"'((?:[^']|'')+)':\*")

# Documents per lexeme and facet group (revision 0010; PostgreSQL only, outside the ORM).
TERMS = table("submission_search_terms", column("term", Text), column("is_submission", Boolean),
              column("status", String), column("topic", String),
              column("assignee_id", Integer), column("n", Integer))


def kept_count(session: Session, query: str,
               groups: Callable[[Any], list[ColumnElement[bool]]]) -> int | None:
    """The documents holding ``query``'s one word in the groups ``groups(table)`` passes, from
    the kept counts, or None when they cannot tell (see :func:`lexeme`).

    One statement, one round trip: PostgreSQL's reading of the word, the first two lexemes from
    the word on (the index's order) and the first one's count are asked at once, on the guess
    that PostgreSQL reads the word as Python splits it; when it does not, :func:`lexeme` asks.
    """
    words = search.terms(query)
    if len(words) != 1 or len(words[0]) != 1:
        return None
    word = words[0][0]
    first_, second_, counted = (TERMS.alias(name) for name in ("first_", "second_", "counted"))
    first = (select(first_.c.term).where(first_.c.term >= word, first_.c.n != 0)
             .order_by(first_.c.term).limit(1).scalar_subquery())
    second = (select(second_.c.term).where(second_.c.term > first, second_.c.n != 0)
              .order_by(second_.c.term).limit(1).scalar_subquery())
    total = (select(func.coalesce(func.sum(counted.c.n), 0))
             .where(counted.c.term == first, *groups(counted)).scalar_subquery())
    parsed, named, after, n = session.execute(select(
        text("querytree(to_tsquery('simple', :q))").bindparams(q=search.tsquery(query)),
        first, second, total)).one()
    if parsed != "'" + word.replace("'", "''") + "':*":  # not the guess: ask the long way
        one = lexeme(session, query)
        if not one:
            return None if one is None else 0
        return int(session.execute(select(func.coalesce(func.sum(counted.c.n), 0)).where(
            counted.c.term == one, *groups(counted))).scalar_one())
    if named is None or not named.startswith(word):
        return 0
    if after is not None and after.startswith(word):
        return None  # several lexemes: a document holding two would be counted twice
    return int(n)


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


def newest_matches(session: Session, query: str, among: Sequence[ColumnElement[bool]], *,
                   window: int = RECENT_WINDOW) -> tuple[int, int]:
    """(matching, sampled): how many of the ``window`` newest rows that pass ``among`` (newest
    by received time, the order the inbox's indexes keep per status, topic and owner) the text
    matches, and how many rows were sampled: fewer than ``window`` means every row passing
    ``among`` was, so the first number is then the exact count."""
    expression = search.tsquery(query)
    if expression is None:
        return 0, 0
    newest = (select(Submission.id).where(*among)
              .order_by(Submission.received_at.desc(), Submission.id.desc()).limit(window)
              .subquery())
    documents = table("submission_search", column("submission_id", Integer)).alias("d")
    matches = text("d.document @@ to_tsquery('simple', :q)").bindparams(q=expression)
    found, sampled = session.execute(
        select(func.count().filter(matches), func.count())
        .select_from(newest.outerjoin(documents, documents.c.submission_id == newest.c.id))
    ).one()
    return int(found), int(sampled)
