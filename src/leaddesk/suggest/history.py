"""What the team decided, read from the audit log, and what the model reads of each lead.

The labels of a lead are replayed from its audit events in order: the last topic a person set
(a field edit of ``topic``), the last owner a person assigned, and the tags people added and did
not take off again. Changes made by a rule (actor ``rule: NAME``) are not the team's judgement and
are skipped; so are re-reads and anything else that is not triage. Every lead a person triaged is
an example for tags (its people-made tags, possibly none: "none of these" is a habit too); it is an
example for topic and owner only when a person set one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, null, select
from sqlalchemy.orm import Session

from leaddesk.db.models import AuditEvent, Submission
from leaddesk.suggest.features import LeadText, features
from leaddesk.suggest.model import Labelled
from leaddesk.triage.results import ASSIGN, EDIT, TAG_ADD, TAG_REMOVE, tag_diff
from leaddesk.triage.versions import chunks

RULE_ACTOR_PREFIX = "rule:"
TRIAGE_ACTIONS = (EDIT, ASSIGN, TAG_ADD, TAG_REMOVE)


def is_rule(actor: str) -> bool:
    return actor.startswith(RULE_ACTOR_PREFIX)


@dataclass
class Labels:
    topic: str | None = None
    owner: str | None = None
    tags: set[str] = field(default_factory=set)

    def apply(self, action: str, before: Mapping[str, Any] | None,
              after: Mapping[str, Any] | None) -> bool:
        """Replay one event; False when it says nothing about topic, owner or tags."""
        after = after or {}
        if action == EDIT:
            if "topic" not in after:
                return False
            self.topic = after["topic"] or None
        elif action == ASSIGN:
            self.owner = after.get("assignee") or None
        elif action == TAG_ADD:
            self.tags.update(tag_diff(before, after))
        elif action == TAG_REMOVE:
            self.tags.difference_update(tag_diff(before, after))
        else:
            return False
        return True


def _person_events(actions: Sequence[str]) -> Select[Any]:
    # Owner and topic need only ``after``; only tags need ``before`` too (decoding JSON is most
    # of a retrain's reading time, so the two families are read apart: they replay independently).
    before = AuditEvent.before if TAG_ADD in actions else null()
    return (select(AuditEvent.entity_id, AuditEvent.action, before, AuditEvent.after)
            .where(AuditEvent.entity == "submission", AuditEvent.action.in_(actions),
                   AuditEvent.entity_id.is_not(None),
                   ~AuditEvent.actor.startswith(RULE_ACTOR_PREFIX, autoescape=True))
            .order_by(AuditEvent.id))


_FAMILIES = ((EDIT, ASSIGN), (TAG_ADD, TAG_REMOVE))


def _replay(rows: Iterable[Any], labels: dict[int, Labels]) -> None:
    for sid, action, before, after in rows:
        current = labels.get(sid) or Labels()
        if current.apply(action, before, after):
            labels[sid] = current


def team_labels(session: Session, ids: Sequence[int] | None = None) -> dict[int, Labels]:
    """Each lead's labels as people set them; all leads with any, or only ``ids``."""
    labels: dict[int, Labels] = {}
    for family in _FAMILIES:
        query = _person_events(family)
        if ids is None:
            _replay(session.execute(query.execution_options(yield_per=5000)), labels)
            continue
        for chunk in chunks(list(ids)):
            _replay(session.execute(query.where(AuditEvent.entity_id.in_(chunk))), labels)
    return labels


def latest_event_id(session: Session) -> int:
    return int(session.scalar(select(func.max(AuditEvent.id))) or 0)


def touched_since(session: Session, after_id: int) -> list[int]:
    """Leads with a person's triage event newer than ``after_id``."""
    query = (select(AuditEvent.entity_id).distinct()
             .where(AuditEvent.id > after_id, AuditEvent.entity == "submission",
                    AuditEvent.action.in_(TRIAGE_ACTIONS), AuditEvent.entity_id.is_not(None),
                    ~AuditEvent.actor.startswith(RULE_ACTOR_PREFIX, autoescape=True)))
    return sorted(int(sid) for sid in session.scalars(query) if sid is not None)


def lead_texts(session: Session, ids: Sequence[int]) -> Iterator[tuple[int, LeadText]]:
    """The parts of each lead the model reads, in chunks (deleted leads are left out)."""
    for chunk in chunks(list(ids)):
        rows = session.execute(
            select(Submission.id, Submission.subject, Submission.body_text, Submission.fields,
                   Submission.page_url, Submission.visitor_email)
            .where(Submission.id.in_(chunk)))
        for sid, subject, body, fields, page_url, email in rows:
            yield sid, LeadText(subject, body, fields, page_url, email)


def lead_features(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    return {sid: features(text) for sid, text in lead_texts(session, ids)}


def examples(session: Session, labels: Mapping[int, Labels]) -> list[Labelled]:
    """The training examples of the labelled leads that still exist."""
    found = lead_features(session, sorted(labels))
    return [to_example(sid, found[sid], labels[sid]) for sid in sorted(found)]


def to_example(sid: int, feats: Sequence[str], labels: Labels) -> Labelled:
    return Labelled(sid, tuple(feats), labels.topic, labels.owner, tuple(sorted(labels.tags)))
