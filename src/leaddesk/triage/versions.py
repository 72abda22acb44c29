"""Reading a submission's current state and writing a change to it under a version check.

Versions are always read from the database, never from the ORM identity map, which may hold rows
another connection has since changed (:func:`read_current`, :func:`current_tags`). A change bumps
the version with a compare-and-swap ``UPDATE … WHERE id = :id AND version = :expected``: when
another desktop or process got there first, nothing is written and :class:`ConflictError` names who
changed it, from the audit log. Every change writes its audit event here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import and_, insert, select, tuple_, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from leaddesk.changes import Change
from leaddesk.db.models import AuditEvent, Submission, Tag, TeamMember, submission_tags
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError, LeadDeskError, NotFoundError
from leaddesk.triage.results import Edit, describe_change, submission_change
from leaddesk.triage.validation import sorted_names

# Keeps every IN list (and the tuple IN of the compare-and-swap, two parameters per row) well
# under SQLite's and PostgreSQL's bind-parameter limits, whatever the selection size.
_CHUNK = 500

_T = TypeVar("_T")


def chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


# ------------------------------------------------------------------ reading current state

@dataclass(frozen=True)
class Current:
    """A submission's triage fields as the database has them now (not as the session cached)."""

    id: int
    version: int
    status: str
    assignee_id: int | None
    assignee: str | None
    is_submission: bool = True
    status_set_by: str | None = None
    verdict_by: str | None = None
    spam_reason: str | None = None


@dataclass(frozen=True)
class VersionedWrite:
    id: int
    expected_version: int
    before: dict[str, Any]
    after: dict[str, Any]


def _no_submission(ids: Sequence[int]) -> NotFoundError:
    shown = ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")
    noun = "submission" if len(ids) == 1 else "submissions"
    return NotFoundError(f"no {noun} {shown}; `leaddesk list --all` shows the ids")


def read_many(session: Session, ids: Sequence[int]) -> dict[int, Current]:
    """Current rows for ``ids``, or NotFoundError naming the missing ones (nothing is changed)."""
    found: dict[int, Current] = {}
    for chunk in chunks(ids):
        result = session.execute(
            select(Submission.id, Submission.version, Submission.status, Submission.assignee_id,
                   TeamMember.name, Submission.is_submission, Submission.status_set_by,
                   Submission.verdict_by, Submission.spam_reason)
            .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
            .where(Submission.id.in_(chunk)))
        for (sid, version, status, assignee_id, assignee, is_sub, set_by, verdict_by,
             spam_reason) in result:
            found[sid] = Current(sid, version, status, assignee_id, assignee, bool(is_sub),
                                  set_by, verdict_by, spam_reason)
    missing = [i for i in ids if i not in found]
    if missing:
        raise _no_submission(missing)
    return found


def read_current(session: Session, submission_id: int) -> Current:
    """One submission's triage fields and version as the database has them now."""
    return read_many(session, [submission_id])[submission_id]


def current_tags(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    """The tag names on each of ``ids``, sorted, as the database has them now."""
    tags: dict[int, list[str]] = {i: [] for i in ids}
    for chunk in chunks(ids):
        result = session.execute(
            select(submission_tags.c.submission_id, Tag.name)
            .join(Tag, Tag.id == submission_tags.c.tag_id)
            .where(submission_tags.c.submission_id.in_(chunk)))
        for sid, name in result:
            tags[sid].append(name)
    return {sid: sorted_names(names) for sid, names in tags.items()}


# ------------------------------------------------------------------ conflicts

def _ago(at: datetime, now: datetime) -> str:
    seconds = (now - at).total_seconds()
    if seconds < 90:  # also absorbs small clock differences between desktops
        return "a moment ago"
    if seconds < 3600:
        return f"{round(seconds / 60)} minutes ago"
    if seconds < 86400:
        hours = int(seconds // 3600)
        return "an hour ago" if hours == 1 else f"{hours} hours ago"
    return f"on {at:%Y-%m-%d} at {at:%H:%M} UTC"


def _conflict(session: Session, submission_id: int) -> LeadDeskError:
    """The error for a compare-and-swap that matched no row, naming the last writer."""
    still_there = session.execute(
        select(Submission.id).where(Submission.id == submission_id)).first()
    if still_there is None:
        return NotFoundError(f"no submission {submission_id}; it was deleted meanwhile")
    # By id, not time: ids grow with every insert, while desktops' clocks may disagree.
    event = session.execute(
        select(AuditEvent.actor, AuditEvent.at, AuditEvent.action, AuditEvent.before,
               AuditEvent.after)
        .where(AuditEvent.entity == "submission", AuditEvent.entity_id == submission_id)
        .order_by(AuditEvent.id.desc()).limit(1)).first()
    if event is None:
        return ConflictError(f"submission {submission_id} was changed by someone else meanwhile; "
                             f"reload and try again")
    actor, at, action, before, after = event
    return ConflictError(
        f"submission {submission_id} was changed by {actor} {_ago(at, utcnow())} "
        f"({describe_change(action, before, after)}); reload and try again",
        changed_by=actor, changed_at=at.isoformat())


# ------------------------------------------------------------------ writing

def expire(session: Session, ids: Iterable[int]) -> None:
    # Changes go through SQL, not the ORM: drop cached copies so the caller's objects reload.
    for sid in ids:
        cached = session.identity_map.get(identity_key(Submission, sid))
        if cached is not None:
            session.expire(cached)


def bump_versions(session: Session, planned: Sequence[VersionedWrite], values: Mapping[str, Any],
          now: datetime) -> dict[int, int]:
    """Compare-and-swap update of every planned row; new versions by id, or ConflictError."""
    versions: dict[int, int] = {}
    for chunk in chunks(planned):
        if len(chunk) == 1:
            where = and_(Submission.id == chunk[0].id,
                         Submission.version == chunk[0].expected_version)
        else:
            # The plain id list lets SQLite find the rows by primary key; a row-value IN alone
            # makes it scan the whole table for every chunk.
            where = and_(Submission.id.in_([p.id for p in chunk]),
                         tuple_(Submission.id, Submission.version).in_(
                             [(p.id, p.expected_version) for p in chunk]))
        result = session.execute(
            update(Submission).where(where)
            .values(version=Submission.version + 1, updated_at=now, **values)
            .returning(Submission.id, Submission.version)
            .execution_options(synchronize_session=False))
        versions.update((sid, version) for sid, version in result)
        stale = [p.id for p in chunk if p.id not in versions]
        if stale:
            raise _conflict(session, stale[0])
    expire(session, versions)
    return versions


def record_events(session: Session, planned: Sequence[VersionedWrite], *, action: str, actor: str,
            now: datetime) -> None:
    """One audit event per changed submission, in one executemany round trip."""
    if planned:
        session.execute(insert(AuditEvent), [
            {"at": now, "actor": actor, "action": action, "entity": "submission",
             "entity_id": p.id, "before": p.before, "after": p.after} for p in planned])


def audit(session: Session, *, actor: str, action: str, entity: str, entity_id: int | None,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    session.add(AuditEvent(actor=actor, action=action, entity=entity, entity_id=entity_id,
                           before=before, after=after))


def plan_one(current: Current, expected_version: int | None, before: dict[str, Any],
              after: dict[str, Any]) -> VersionedWrite:
    expected = current.version if expected_version is None else expected_version
    return VersionedWrite(current.id, expected, before, after)


def unchanged(session: Session, current: Current, plan: VersionedWrite, action: str) -> Edit:
    # Nothing to write, but a stale expected_version is still a conflict, as in the
    # compare-and-swap: the caller decided on an outdated view, even if the result matches.
    if plan.expected_version != current.version:
        raise _conflict(session, current.id)
    return Edit(current.id, action, plan.before, plan.after, current.version, changed=False)


def apply_one(session: Session, current: Current, plan: VersionedWrite, *, action: str, actor: str,
               values: Mapping[str, Any]) -> Edit:
    now = utcnow()
    versions = bump_versions(session, [plan], values, now)
    record_events(session, [plan], action=action, actor=actor, now=now)
    return Edit(current.id, action, plan.before, plan.after, versions[current.id])


def apply_many(session: Session, planned: Sequence[VersionedWrite], *, action: str, actor: str,
               values: Mapping[str, Any]) -> Change:
    """Write every planned row (version check, audit event); the change names the rows written."""
    now = utcnow()
    versions = bump_versions(session, planned, values, now)
    record_events(session, planned, action=action, actor=actor, now=now)
    return submission_change(action, versions)
