"""What ``--topic`` and ``--tag`` name: the stored names, whatever the letter case.

``list --topic "speakers bureaus"`` finds the leads of "Speakers Bureaus": each typed name is
replaced by every stored name it equals case-insensitively (a topic may be stored in two spellings
by two form versions). A name that matches nothing is an error naming the closest stored names,
rather than an empty list that looks like "no such leads".
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from leaddesk.db import Database
from leaddesk.db.models import Tag, TopicMapping, facet_counts
from leaddesk.errors import NotFoundError
from leaddesk.query import Filter

SUGGESTIONS = 3


def stored_topics(session: Session) -> list[str]:
    """Every topic a submission has (the trigger-kept facet counts, not the rows) and every topic
    the team's mappings give."""
    c = facet_counts.c
    held = session.execute(select(c.topic).where(c.topic.is_not(None)).group_by(c.topic)
                           .having(func.sum(c.n) > 0)).scalars()
    mapped = session.execute(select(TopicMapping.topic).distinct()).scalars()
    return sorted({*held, *mapped})


def stored_tags(session: Session) -> list[str]:
    return sorted(session.execute(select(Tag.name)).scalars())


def closest(name: str, known: Iterable[str], n: int = SUGGESTIONS) -> list[str]:
    """The known names nearest to ``name`` (letter case ignored), best first."""
    by_key: dict[str, str] = {}
    for k in sorted(known):
        by_key.setdefault(k.casefold(), k)
    keys = difflib.get_close_matches(name.casefold(), list(by_key), n=n, cutoff=0.5)
    if not keys:  # a part of a longer name ("speakers" for "Speakers bureaus")
        keys = [k for k in by_key if name.casefold() in k][:n]
    return [by_key[k] for k in keys]


def not_found(what: str, option: str, name: str, known: Sequence[str]) -> NotFoundError:
    near = closest(name, known)
    if near:
        hint = "did you mean " + " or ".join(f'"{k}"' for k in near) + "?"
    elif known:
        hint = f"the {what}s are: " + ", ".join(f'"{k}"' for k in known[:8]) + \
            (", …" if len(known) > 8 else "")
    else:
        hint = f"there are no {what}s yet"
    return NotFoundError(f'no {what} "{name}" ({option}); {hint}')


def _matching(name: str, known: Sequence[str]) -> list[str]:
    key = name.casefold()
    return [k for k in known if k.casefold() == key]


def resolve(session: Session, flt: Filter) -> Filter:
    """``flt`` with its topics and tags spelled as stored; NotFoundError for a name that matches
    nothing. ``None`` (``--topic none``) passes through."""
    if not flt.topics and not flt.tags:
        return flt
    topics: list[str | None] = []
    if flt.topics:
        known = stored_topics(session)
        for topic in flt.topics:
            if topic is None:
                topics.append(None)
                continue
            found = _matching(topic, known)
            if not found:
                raise not_found("topic", "--topic", topic, known)
            topics.extend(found)
    tags: list[str] = []
    if flt.tags:
        known = stored_tags(session)
        for tag in flt.tags:
            found = _matching(tag, known)
            if not found:
                raise not_found("tag", "--tag", tag, known)
            # Tags are unique whatever the case; an exact spelling wins over older duplicates.
            tags.append(tag if tag in found else found[0])
    return replace(flt, topics=tuple(dict.fromkeys(topics)), tags=tuple(dict.fromkeys(tags)))


def resolve_in(db: Database, flt: Filter) -> Filter:
    """:func:`resolve` in a short session of its own."""
    if not flt.topics and not flt.tags:
        return flt
    with db.session() as session:
        return resolve(session, flt)
