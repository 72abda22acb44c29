"""PostgreSQL: a search's prefixes written out as the words they name, for the GIN index.

A search term is a prefix ("proposal" finds "proposals"), so the tsquery is ``proposal:*``. The
GIN index answers a prefix by a partial match: it walks every index entry from the prefix on and
builds a bitmap of all their rows before it can intersect anything, 45-50 ms for "proposal
budget" at a million rows, against 5 ms for the same two words matched exactly (bench/README.md).
The kept word counts (revision 0010) list every word the stored documents hold, so a prefix that
names a few of them becomes their alternatives, ``proposal`` or ``(webinar | webinars)``, which
the index matches exactly and intersects cheaply: the same rows.

Only when PostgreSQL reads the search as Python split it (else the words looked up would not be
its words) and when a prefix names at most :data:`MAX_WORDS` words (an e-mail's name such as
"hoffmann" names hundreds: left a prefix). Like the counts, the list is as of the last commit,
so rows a transaction wrote itself and has not committed are found by the prefix only.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from leaddesk.db import search
from leaddesk.query import words

MAX_WORDS = 8


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def _successor(prefix: str) -> str | None:
    """The smallest string after every string that starts with ``prefix`` (byte order)."""
    last = ord(prefix[-1])
    return None if last >= 0x10FFFF else prefix[:-1] + chr(last + 1)


def expanded(session: Session, query: str) -> str | None:
    """``query`` as a tsquery of exact words (for ``CAST(… AS tsquery)``), or None when it
    stays the prefix search (:func:`leaddesk.db.search.tsquery`)."""
    terms = search.terms(query)
    if not terms:
        return None
    bounds = [(tokens[-1], _successor(tokens[-1])) for tokens in terms]
    if any(high is None for _, high in bounds):
        return None
    t = words.TERMS
    named: list[ColumnElement[object]] = []
    for low, high in bounds:
        inner = (select(t.c.term).where(t.c.term >= low, t.c.term < high, t.c.n != 0)
                 .distinct().order_by(t.c.term).limit(MAX_WORDS + 1))
        named.append(select(text("array_agg(term)")).select_from(inner.subquery())
                     .scalar_subquery())
    parsed, *found = session.execute(select(
        text("querytree(to_tsquery('simple', :q))").bindparams(q=search.tsquery(query)),
        *named)).one()
    wanted = " & ".join(" <-> ".join([*(_quoted(w) for w in tokens[:-1]),
                                      _quoted(tokens[-1]) + ":*"]) for tokens in terms)
    if parsed != wanted:  # PostgreSQL reads the words otherwise: keep its own reading
        return None
    parts = []
    for tokens, lexemes in zip(terms, found, strict=True):
        lexemes = lexemes or []
        if not lexemes or len(lexemes) > MAX_WORDS:  # none (finds nothing fast) or too many
            last = _quoted(tokens[-1]) + ":*"
        elif len(lexemes) == 1:
            last = _quoted(lexemes[0])
        else:
            last = "(" + " | ".join(_quoted(x) for x in lexemes) + ")"
        parts.append("(" + " <-> ".join([*(_quoted(w) for w in tokens[:-1]), last]) + ")")
    return " & ".join(parts)

