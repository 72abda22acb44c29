"""Topic of interest: from the form's topic field, else from the post's categories and tags.

The mapping from terms to the team's topics lives in ``topic_mappings`` and is editable. Without an
explicit mapping each category is its own topic (WordPress' "Uncategorized" and its translations are
none); tags give a topic only when mapped. A tag mapping wins over a category, being more specific.
A mapping to the empty topic says "this term gives no topic".

``submissions.topic_source`` says where a topic came from: ``field`` (the form), ``mapping`` (the
post's terms) or ``manual``. Re-deriving after the mapping changed touches only ``mapping`` rows and
rows with no topic, so what a visitor chose or a colleague set stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from leaddesk.db.models import AuditEvent, Post, Submission, TopicMapping
from leaddesk.db.types import utcnow
from leaddesk.errors import NotFoundError, ValidationError

FIELD, MAPPING, MANUAL = "field", "mapping", "manual"
KINDS = ("category", "tag")
UNCATEGORISED = frozenset({"uncategorized", "uncategorised", "allgemein", "non classé",
                           "sin categoría", "senza categoria", "geen categorie", "bez kategorii"})
_CHUNK = 500


@dataclass(frozen=True)
class MappingInfo:
    kind: str
    term: str
    topic: str | None  # the effective topic; None: this term gives none
    explicit: bool  # stored in topic_mappings (else the default)
    posts: int  # resolved posts carrying the term

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "term": self.term, "topic": self.topic,
                "explicit": self.explicit, "posts": self.posts}


class Mappings:
    """The stored mappings, matched case-insensitively."""

    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.by_term = {(kind, term.casefold()): topic for kind, term, topic in rows}

    @classmethod
    def load(cls, session: Session) -> Mappings:
        return cls(session.execute(select(TopicMapping.kind, TopicMapping.term,
                                          TopicMapping.topic)))

    def explicit(self, kind: str, term: str) -> str | None:
        return self.by_term.get((kind, term.casefold()))

    def effective(self, kind: str, term: str) -> str | None:
        topic = self.explicit(kind, term)
        if topic is not None:
            return topic or None
        if kind == "category" and term.casefold() not in UNCATEGORISED:
            return term  # the default: one topic per category
        return None

    def topic_for(self, categories: Sequence[str], tags: Sequence[str]) -> str | None:
        for tag in tags:
            topic = self.explicit("tag", tag)
            if topic:
                return topic
        for category in categories:
            topic = self.effective("category", category)
            if topic:
                return topic
        return None


def known_topics(session: Session, mappings: Mappings | None = None) -> dict[str, str]:
    """The team's topics, by their case-folded name: every mapping's topic and every category's
    default topic. A form's subject that names one of them is taken as the lead's topic."""
    mappings = mappings or Mappings.load(session)
    found = {topic.casefold(): topic for topic in mappings.by_term.values() if topic}
    for categories in session.execute(select(Post.categories)).scalars():
        for category in categories or []:
            topic = mappings.effective("category", str(category))
            if topic:
                found.setdefault(topic.casefold(), topic)
    return found


def _clean(kind: str, term: str) -> tuple[str, str]:
    kind = kind.strip().lower()
    if kind not in KINDS:
        raise ValidationError(f"{kind!r} is not a kind of term; use `category` or `tag`")
    term = " ".join(term.split())
    if not term:
        raise ValidationError("the term is empty; give a category or tag name")
    return kind, term


def _find(session: Session, kind: str, term: str) -> TopicMapping | None:
    return session.execute(select(TopicMapping).where(
        TopicMapping.kind == kind, func.lower(TopicMapping.term) == term.lower())).scalar_one_or_none()


def set_mapping(session: Session, kind: str, term: str, topic: str | None) -> None:
    """Map a term to a topic; ``None`` or empty maps it to no topic."""
    kind, term = _clean(kind, term)
    clean_topic = " ".join((topic or "").split())
    found = _find(session, kind, term)
    if found is None:
        session.add(TopicMapping(kind=kind, term=term, topic=clean_topic))
    else:
        found.topic = clean_topic
    session.flush()


def remove_mapping(session: Session, kind: str, term: str) -> None:
    kind, term = _clean(kind, term)
    found = _find(session, kind, term)
    if found is None:
        raise NotFoundError(f"no mapping for {kind} {term!r}; `leaddesk topics list` shows them")
    session.delete(found)
    session.flush()


def list_mappings(session: Session) -> list[MappingInfo]:
    """Every stored mapping and every term of a resolved post, with the topic it gives."""
    mappings = Mappings.load(session)
    counts: dict[tuple[str, str], tuple[str, int]] = {}
    for categories, tags in session.execute(select(Post.categories, Post.tags)
                                            .where(Post.source.is_not(None))):
        for kind, terms in (("category", categories or []), ("tag", tags or [])):
            for term in {str(t) for t in terms}:
                name, n = counts.get((kind, term.casefold()), (term, 0))
                counts[kind, term.casefold()] = (name, n + 1)
    for mapping in session.execute(select(TopicMapping)).scalars():
        counts.setdefault((mapping.kind, mapping.term.casefold()), (mapping.term, 0))
    return sorted((MappingInfo(kind, name, mappings.effective(kind, name),
                               mappings.explicit(kind, name) is not None, n)
                   for (kind, _), (name, n) in counts.items()),
                  key=lambda m: (m.kind, m.term.casefold()))


def derive_topics(session: Session, *, post_ids: Iterable[int] | None = None) -> int:
    """Set the mapped topic on submissions whose topic is derived or missing; returns how many
    changed. Only resolved posts give a topic; the terms are those of the lead's snapshot (the post
    as it was when the lead arrived) when there is one."""
    mappings = Mappings.load(session)
    stmt = (select(Submission.id, Submission.topic, Submission.post_snapshot, Post.categories,
                   Post.tags)
            .join(Post, Post.id == Submission.post_id)
            .where(Post.source.is_not(None),
                   or_(Submission.topic_source == MAPPING,
                       and_(Submission.topic_source.is_(None), Submission.topic.is_(None)))))
    if post_ids is not None:
        wanted = list(post_ids)
        if not wanted:
            return 0
        stmt = stmt.where(Submission.post_id.in_(wanted))
    changes: dict[str | None, list[int]] = {}
    for sid, topic, snapshot, categories, tags in session.execute(stmt):
        if isinstance(snapshot, dict) and snapshot.get("url"):
            categories, tags = snapshot.get("categories") or [], snapshot.get("tags") or []
        new = mappings.topic_for([str(c) for c in categories or []], [str(t) for t in tags or []])
        if new != topic:
            changes.setdefault(new, []).append(sid)
    now = utcnow()
    for new, ids in changes.items():
        for start in range(0, len(ids), _CHUNK):
            session.execute(update(Submission).where(Submission.id.in_(ids[start:start + _CHUNK]))
                            .values(topic=new, topic_source=MAPPING if new else None,
                                    updated_at=now))
    session.flush()
    return sum(len(ids) for ids in changes.values())


def rederive(session: Session, *, actor: str) -> int:
    """Re-derive every mapped topic after the mapping changed; one audit event for the run."""
    changed = derive_topics(session)
    session.add(AuditEvent(actor=actor, action="rederive_topics", entity="topics", entity_id=None,
                           before=None, after={"changed": changed}))
    session.flush()
    return changed
