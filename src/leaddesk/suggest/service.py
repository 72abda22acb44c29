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

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Text, bindparam, cast, select
from sqlalchemy.orm import Session

from leaddesk import triage
from leaddesk.changes import Change
from leaddesk.db.models import (
    Status,
    Submission,
    SuggestExample,
    SuggestFeedback,
    Tag,
    TeamMember,
    submission_tags,
)
from leaddesk.errors import NotFoundError, ValidationError
from leaddesk.suggest.features import LeadText, describe, features
from leaddesk.suggest.model import OWNER, TAGS, TARGETS, TOPIC, Model, Ranked
from leaddesk.suggest.store import ACCEPT, REJECT, load
from leaddesk.triage.validation import clean_actor

MIN_CONFIDENCE = 0.25  # below this a topic or owner is a guess, not a suggestion
TAG_CONFIDENCE = 0.5  # a tag is suggested when more likely on than off
MAX_TAGS = 3
SIMILAR_LEADS = 2
_SIMILAR_SCAN = 100  # recent examples searched for earlier leads sharing the reasons


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

    @property
    def percent(self) -> str:
        """The confidence for people: never "100 %", a suggestion is a guess. The space is a
        non-breaking one, so "99 %" never wraps between the number and its sign."""
        return f"{min(round(self.confidence * 100), 99)}\u00a0%"

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


# Built once: suggesting runs these for every lead opened, and building a statement costs more
# than running it.
_LEAD = (select(Submission.status, Submission.is_submission, Submission.topic,
                Submission.assignee_id, Submission.subject, Submission.body_text,
                Submission.fields, Submission.page_url, Submission.visitor_email)
         .where(Submission.id == bindparam("sid")))
_TAGS = (select(Tag.name).join(submission_tags, submission_tags.c.tag_id == Tag.id)
         .where(submission_tags.c.submission_id == bindparam("sid")))
_REJECTED = (select(SuggestFeedback.target, SuggestFeedback.value)
             .where(SuggestFeedback.submission_id == bindparam("sid"),
                    SuggestFeedback.verdict == REJECT))
_ACTIVE = select(TeamMember.name).where(TeamMember.active.is_(True))


def _read_lead(session: Session, sid: int) -> _Lead:
    row = session.execute(_LEAD, {"sid": sid}).first()
    if row is None:
        raise NotFoundError(f"no submission {sid}; `leaddesk list --all` shows the ids")
    status, is_sub, topic, owner_id, subject, body, fields, page_url, email = row
    return _Lead(sid, bool(is_sub) and status == Status.NEW.value, topic, owner_id,
                 list(session.scalars(_TAGS, {"sid": sid})),
                 features(LeadText(subject, body, fields, page_url, email)))


def rejected_values(session: Session, sid: int) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {t: set() for t in TARGETS}
    for target, value in session.execute(_REJECTED, {"sid": sid}):
        found.setdefault(target, set()).add(value)
    return found


def _active_members(session: Session) -> set[str]:
    return set(session.scalars(_ACTIVE))


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


def _needles(value: str) -> tuple[str, ...]:
    # How a string looks inside the stored JSON text: escaped (SQLite, json.dumps) or not
    # (PostgreSQL's own rendering of non-ASCII characters).
    return tuple({json.dumps(value), json.dumps(value, ensure_ascii=False)})


_RECENT = (select(SuggestExample.submission_id, cast(SuggestExample.features, Text),
                  SuggestExample.topic, SuggestExample.owner, cast(SuggestExample.tags, Text))
           .where(SuggestExample.submission_id < bindparam("before"))
           .order_by(SuggestExample.submission_id.desc()).limit(bindparam("scan")))


class _Similar:
    """Earlier leads with the suggested value that share its heaviest features.

    The newest examples are read once per lead as plain JSON text and searched as text: decoding
    them, or one query per suggestion, would cost more than all the rest of suggesting.
    """

    def __init__(self, session: Session, submission_id: int) -> None:
        self.session = session
        self.submission_id = submission_id
        self._recent: list[tuple[int, str, str | None, str | None, str]] | None = None

    def _rows(self, target: str, value: str) -> list[tuple[int, str, str | None, str | None, str]]:
        if self._recent is None:
            self._recent = [tuple(r) for r in self.session.execute(  # type: ignore[misc]
                _RECENT, {"before": self.submission_id, "scan": _SIMILAR_SCAN})]
        rows = self._recent
        if target == TOPIC:
            found = [r for r in rows if r[2] == value]
        elif target == OWNER:
            found = [r for r in rows if r[3] == value]
        else:
            tag = _needles(value)
            found = [r for r in rows if any(t in (r[4] or "") for t in tag)]
        if found or target == TAGS:
            return found
        # A value none of the newest examples has: look for it alone.
        column = SuggestExample.topic if target == TOPIC else SuggestExample.owner
        return [tuple(r) for r in self.session.execute(  # type: ignore[misc]
            _RECENT.where(column == value), {"before": self.submission_id, "scan": 20})]

    def leads(self, target: str, value: str, reasons: Sequence[str]) -> tuple[int, ...]:
        if not reasons:
            return ()
        needles = [_needles(f) for f in reasons]
        scored = [(sum(any(n in (r[1] or "") for n in each) for each in needles), r[0])
                  for r in self._rows(target, value)]
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

