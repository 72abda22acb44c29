"""Suggesting a topic, tags and an owner for one lead, and accepting or rejecting them.

Nothing here changes a lead by itself: :func:`suggest` only reads. :func:`accept` applies the
suggestion through the ordinary triage calls (version-checked, audited as the person who accepted,
undoable with :func:`undo_accept`), and that audit event is what the model later learns from.
:func:`reject` records the person's "no" (``suggest_feedback``): the value is not suggested for
that lead again, and the next update counts it against the value for leads like it.

A lead gets suggestions while it is untriaged: a submission still ``new``, and only for what is
still empty (no topic, no tags, no owner).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.changes import Change
from leaddesk.db.models import (
    Status,
    Submission,
    SuggestExample,
    SuggestFeedback,
    TeamMember,
    submission_tags,
)
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.suggest.features import LeadText, describe, features
from leaddesk.suggest.model import OWNER, TAGS, TARGETS, TOPIC, Model, Ranked
from leaddesk.suggest.store import ACCEPT, REJECT, load
from leaddesk.triage.validation import clean_actor
from leaddesk.triage.versions import current_tags

MIN_CONFIDENCE = 0.25  # below this a topic or owner is a guess, not a suggestion
TAG_CONFIDENCE = 0.5  # a tag is suggested when more likely on than off
MAX_TAGS = 3
SIMILAR_LEADS = 2
_SIMILAR_SCAN = 300  # recent examples searched for earlier leads sharing the reasons


@dataclass(frozen=True)
class Reason:
    kind: str  # word, field, post, domain
    value: str
    weight: float  # the feature's log-likelihood ratio for the value

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "weight": self.weight}


@dataclass(frozen=True)
class Suggestion:
    target: str
    value: str
    confidence: float
    reasons: tuple[Reason, ...] = ()
    leads: tuple[int, ...] = ()  # earlier leads with this value that share the reasons

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "confidence": round(self.confidence, 3),
                "reasons": [r.as_json() for r in self.reasons], "leads": list(self.leads)}

    def because(self) -> str:
        """The reasons in words: ``the words "invoice", "speaker"; like #12, #31``."""
        parts: list[str] = []
        by_kind: dict[str, list[str]] = {}
        for reason in self.reasons:
            by_kind.setdefault(reason.kind, []).append(f"\u201c{reason.value}\u201d")
        for kind, values in by_kind.items():
            noun = kind if len(values) == 1 else f"{kind}s"
            parts.append(f"the {noun} {', '.join(values)}")
        if self.leads:
            parts.append("like " + ", ".join(f"#{i}" for i in self.leads))
        return "; ".join(parts) or "the team's habits"


@dataclass(frozen=True)
class Suggestions:
    """What is suggested for one lead; empty when it is triaged or nothing was learnt yet."""

    submission_id: int
    untriaged: bool
    trained: bool
    topic: Suggestion | None = None
    tags: tuple[Suggestion, ...] = ()
    owner: Suggestion | None = None

    def of(self, target: str) -> list[Suggestion]:
        if target == TAGS:
            return list(self.tags)
        one = self.topic if target == TOPIC else self.owner
        return [one] if one is not None else []

    @property
    def all(self) -> list[Suggestion]:
        return [s for target in TARGETS for s in self.of(target)]

    def as_json(self) -> dict[str, Any] | None:
        if not self.untriaged:
            return None
        return {"topic": self.topic.as_json() if self.topic else None,
                "tags": [t.as_json() for t in self.tags],
                "owner": self.owner.as_json() if self.owner else None,
                "trained": self.trained}


# ------------------------------------------------------------------ suggesting

@dataclass(frozen=True)
class _Lead:
    id: int
    untriaged: bool
    topic: str | None
    owner_id: int | None
    tags: list[str]
    features: list[str]


def _read_lead(session: Session, sid: int) -> _Lead:
    row = session.execute(
        select(Submission.status, Submission.is_submission, Submission.topic,
               Submission.assignee_id, Submission.subject, Submission.body_text,
               Submission.fields, Submission.page_url, Submission.visitor_email)
        .where(Submission.id == sid)).first()
    if row is None:
        raise NotFoundError(f"no submission {sid}; `leaddesk list --all` shows the ids")
    status, is_sub, topic, owner_id, subject, body, fields, page_url, email = row
    return _Lead(sid, bool(is_sub) and status == Status.NEW.value, topic, owner_id,
                 current_tags(session, [sid])[sid],
                 features(LeadText(subject, body, fields, page_url, email)))


def rejected_values(session: Session, sid: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {t: set() for t in TARGETS}
    for target, value in session.execute(
            select(SuggestFeedback.target, SuggestFeedback.value)
            .where(SuggestFeedback.submission_id == sid, SuggestFeedback.verdict == REJECT)):
        found.setdefault(target, set()).add(value)
    return found


def _active_members(session: Session) -> set[str]:
    return set(session.scalars(select(TeamMember.name).where(TeamMember.active.is_(True))))


def suggest(session: Session, submission_id: int, *, model: Model | None = None) -> Suggestions:
    """The suggestions for one lead (reads only; ``model`` defaults to the stored one)."""
    lead = _read_lead(session, submission_id)
    if not lead.untriaged:
        return Suggestions(submission_id, False, True)
    model = model if model is not None else load(session)
    if model is None:
        return Suggestions(submission_id, True, False)
    rejected = rejected_values(session, submission_id)
    topic = owner = None
    tags: list[Ranked] = []
    if lead.topic is None:
        topic = _first(model.rank(TOPIC, lead.features, exclude=rejected[TOPIC], limit=1))
    if lead.owner_id is None:
        owner = _first(model.rank(OWNER, lead.features, allowed=_active_members(session),
                                  exclude=rejected[OWNER], limit=1))
    if not lead.tags:
        tags = [r for r in model.rank(TAGS, lead.features, exclude=rejected[TAGS],
                                      limit=MAX_TAGS) if r.confidence >= TAG_CONFIDENCE]
    similar = _Similar(session, submission_id)
    return Suggestions(
        submission_id, True, True,
        topic=similar.suggestion(TOPIC, topic) if topic else None,
        tags=tuple(similar.suggestion(TAGS, t) for t in tags),
        owner=similar.suggestion(OWNER, owner) if owner else None)


def untriaged(session: Session, limit: int = 20) -> list[int]:
    """The newest untriaged leads (new submissions missing a topic, tags or an owner)."""
    tagged = select(submission_tags.c.submission_id)
    return list(session.scalars(
        select(Submission.id)
        .where(Submission.status == Status.NEW.value, Submission.is_submission.is_(True),
               (Submission.topic.is_(None)) | (Submission.assignee_id.is_(None))
               | Submission.id.not_in(tagged))
        .order_by(Submission.received_at.desc(), Submission.id.desc()).limit(limit)))


def _first(ranked: list[Ranked]) -> Ranked | None:
    return ranked[0] if ranked and ranked[0].confidence >= MIN_CONFIDENCE else None


class _Similar:
    """Earlier leads with the suggested value that share its heaviest features."""

    def __init__(self, session: Session, submission_id: int) -> None:
        self.session = session
        self.submission_id = submission_id
        self._recent: list[SuggestExample] | None = None

    def _candidates(self, target: str, value: str) -> Iterable[SuggestExample]:
        query = (select(SuggestExample).where(SuggestExample.submission_id < self.submission_id)
                 .order_by(SuggestExample.submission_id.desc()).limit(_SIMILAR_SCAN))
        if target == TOPIC:
            return self.session.scalars(query.where(SuggestExample.topic == value))
        if target == OWNER:
            return self.session.scalars(query.where(SuggestExample.owner == value))
        if self._recent is None:  # tags sit in a JSON list: one scan serves every tag
            self._recent = list(self.session.scalars(query))
        return (e for e in self._recent if value in (e.tags or ()))

    def leads(self, target: str, value: str, reasons: Sequence[str]) -> tuple[int, ...]:
        if not reasons:
            return ()
        wanted = set(reasons)
        scored = [(len(wanted.intersection(e.features or ())), e.submission_id)
                  for e in self._candidates(target, value)]
        scored = [s for s in scored if s[0] > 0]
        scored.sort(key=lambda s: (-s[0], -s[1]))
        return tuple(sid for _, sid in scored[:SIMILAR_LEADS])

    def suggestion(self, target: str, ranked: Ranked) -> Suggestion:
        reasons = tuple(Reason(*describe(f), w) for f, w in ranked.reasons)
        leads = self.leads(target, ranked.value, [f for f, _ in ranked.reasons])
        return Suggestion(target, ranked.value, ranked.confidence, reasons, leads)


# ------------------------------------------------------------------ accepting and rejecting

@dataclass(frozen=True)
class Accepted:
    """What an accept did: the triage edits, in order (each undoable), and what was accepted."""

    submission_id: int
    edits: tuple[triage.Edit, ...]
    accepted: tuple[Suggestion, ...]

    @property
    def changes(self) -> list[Change]:
        return [e.change for e in self.edits]

    def describe(self) -> str:
        return ", ".join(f"{s.target} {s.value}" for s in self.accepted)


def _chosen(found: Suggestions, targets: Iterable[str] | None) -> list[Suggestion]:
    wanted = list(TARGETS if targets is None else targets)
    unknown = [t for t in wanted if t not in TARGETS]
    if unknown:
        raise ValidationError(f"{unknown[0]!r} is not a suggestion; use topic, tags or owner")
    chosen = [s for t in wanted for s in found.of(t)]
    if not chosen:
        which = "/".join(wanted)
        raise ValidationError(f"lead {found.submission_id} has no {which} suggestion to take; "
                              f"`leaddesk suggest {found.submission_id}` shows what there is")
    return chosen


def _record(session: Session, sid: int, suggestions: Sequence[Suggestion], verdict: str,
            actor: str, feats: Sequence[str]) -> None:
    for s in suggestions:
        session.add(SuggestFeedback(submission_id=sid, target=s.target, value=s.value,
                                    verdict=verdict, confidence=round(s.confidence * 100),
                                    actor=actor, features=list(feats)))
    session.flush()


def accept(session: Session, submission_id: int, targets: Iterable[str] | None = None, *,
           actor: str, shown: Suggestions | None = None) -> Accepted:
    """Apply the suggestions (all, or those of ``targets``) through triage, as ``actor``.

    ``shown`` is what the person saw (the window passes it): exactly that is applied, even if the
    model has learnt something since.
    """
    actor = clean_actor(actor)
    found = shown if shown is not None else suggest(session, submission_id)
    chosen = _chosen(found, targets)
    edits: list[triage.Edit] = []
    for s in chosen:
        if s.target == TOPIC:
            edits.append(triage.edit_submission(session, submission_id, {"topic": s.value},
                                                actor=actor).change)
        elif s.target == OWNER:
            edits.append(triage.assign(session, submission_id, s.value, actor=actor))
        else:
            edits.append(triage.add_tag(session, submission_id, s.value, actor=actor))
    _record(session, submission_id, chosen, ACCEPT, actor, _read_lead(session, submission_id)
            .features)
    return Accepted(submission_id, tuple(e for e in edits if e.changed), tuple(chosen))


def undo_accept(session: Session, accepted: Accepted, *, actor: str) -> list[triage.Edit]:
    """Take back an accept's edits, newest first, unless someone changed the lead since."""
    undone: list[triage.Edit] = []
    version: int | None = None
    for edit in reversed(accepted.edits):
        # Each undo bumps the version; only our own undos lie between these edits now.
        target = edit if version is None else replace(edit, version=version)
        result = triage.undo(session, target, actor=actor)
        version = result.version
        undone.append(result)
    return undone


def reject(session: Session, submission_id: int, targets: Iterable[str] | None = None, *,
           actor: str, shown: Suggestions | None = None) -> list[Suggestion]:
    """Record a "no" to the suggestions (all, or those of ``targets``); the lead is not changed."""
    actor = clean_actor(actor)
    found = shown if shown is not None else suggest(session, submission_id)
    chosen = _chosen(found, targets)
    _record(session, submission_id, chosen, REJECT, actor,
            _read_lead(session, submission_id).features)
    return chosen

