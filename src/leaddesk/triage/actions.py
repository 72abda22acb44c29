"""Actions on one submission or many: status, assignment and notes, and undoing or confirming them.

Bulk calls (``bulk_*``) plan every row first and then write them all in chunks, all-or-nothing in
the caller's transaction. :func:`was_saved` answers whether a change made before a lost connection
reached the database; :func:`undo` reverses one, unless someone changed the submission since.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from leaddesk.changes import Change, merge
from leaddesk.db.models import AuditEvent, Note, Status, Submission
from leaddesk.db.types import utcnow
from leaddesk.errors import ValidationError
from leaddesk.triage.edits import undo_edit
from leaddesk.triage.members import assignable
from leaddesk.triage.results import (
    ASSIGN,
    EDIT,
    NOTE,
    STATUS,
    TAG_ADD,
    TAG_REMOVE,
    Edit,
    submission_change,
    tag_diff,
)
from leaddesk.triage.tags import add_tag, remove_tag
from leaddesk.triage.validation import clean_actor, clean_status, unique
from leaddesk.triage.versions import (
    Current,
    VersionedWrite,
    apply_many,
    apply_one,
    bump_versions,
    plan_one,
    read_current,
    read_many,
    record_events,
    unchanged,
)

# ------------------------------------------------------------------ status

def _status_plan(current: Current, new: str, actor: str, reason: str | None = None
                 ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(before, after, column values) of moving ``current`` to status ``new``.

    A person's status outranks a re-read (``status_set_by``). Marking spam, taking a lead out of
    spam, or bringing back a message the parser called "not a submission" overrides the parser's
    verdict (``verdict_by``): a re-read never hides that lead again. ``reason`` is the spam
    verdict's reason when marking spam (a rule names itself); undo puts the old one back.
    """
    spam = Status.SPAM.value
    reinstate = not current.is_submission and new != spam
    before: dict[str, Any] = {"status": current.status}
    after: dict[str, Any] = {"status": new}
    values: dict[str, Any] = {"status": new, "status_set_by": actor}
    if reinstate:
        before["is_submission"], after["is_submission"] = False, True
        values["is_submission"] = True
    if reinstate or spam in (new, current.status):
        before["verdict_by"], after["verdict_by"] = current.verdict_by, actor
        values["verdict_by"] = actor
    if reason is not None and new == spam:
        before["spam_reason"], after["spam_reason"] = current.spam_reason, reason
        values["spam_reason"] = reason
    return before, after, values


def _status_unchanged(current: Current, new: str) -> bool:
    return current.status == new and (current.is_submission or new == Status.SPAM.value)


def set_status(session: Session, submission_id: int, status: str, *, actor: str,
               expected_version: int | None = None, reason: str | None = None) -> Edit:
    """Move a submission to ``status`` (one of :class:`~leaddesk.db.models.Status`).

    Any status but spam also brings back a message the parser judged "not a submission".
    """
    actor = clean_actor(actor)
    new = clean_status(status)
    current = read_current(session, submission_id)
    before, after, values = _status_plan(current, new, actor, reason)
    plan = plan_one(current, expected_version, before, after)
    if _status_unchanged(current, new):
        return unchanged(session, current, plan, STATUS)
    return apply_one(session, current, plan, action=STATUS, actor=actor, values=values)


def bulk_set_status(session: Session, submission_ids: Sequence[int], status: str, *,
                    actor: str, reason: str | None = None) -> Change:
    """Set ``status`` on every listed submission; the change names those that actually changed."""
    actor = clean_actor(actor)
    new = clean_status(status)
    current = read_many(session, unique(submission_ids))
    # Rows differ in what else changes (a verdict, a reinstated lead): one statement per shape.
    groups: dict[tuple[str, ...], tuple[dict[str, Any], list[VersionedWrite]]] = {}
    for c in current.values():
        if _status_unchanged(c, new):
            continue
        before, after, values = _status_plan(c, new, actor, reason)
        group = groups.setdefault(tuple(sorted(values)), (values, []))
        group[1].append(VersionedWrite(c.id, c.version, before, after))
    written = [apply_many(session, planned, action=STATUS, actor=actor, values=values)
               for values, planned in groups.values()]
    return merge(written)[0] if written else submission_change(STATUS, [])


def _undo_status(session: Session, change: Edit, *, actor: str) -> Edit:
    """Put back the status and, with it, the verdict and who had set them."""
    actor = clean_actor(actor)
    current = read_current(session, change.submission_id)
    before = dict(change.before)
    values: dict[str, Any] = {key: before[key] for key in ("status", "is_submission",
                                                           "verdict_by", "spam_reason")
                              if key in before}
    after: dict[str, Any] = {key: getattr(current, key) for key in values}
    values["status_set_by"] = actor  # putting a status back is a person's decision too
    plan = plan_one(current, change.version, after, before)
    return apply_one(session, current, plan, action=STATUS, actor=actor, values=values)


# ------------------------------------------------------------------ assignment

def assign(session: Session, submission_id: int, member_name: str | None, *, actor: str,
           expected_version: int | None = None) -> Edit:
    """Give a submission to a team member, or to nobody with ``None``."""
    actor = clean_actor(actor)
    member = assignable(session, member_name) if member_name is not None else None
    current = read_current(session, submission_id)
    plan = plan_one(current, expected_version, {"assignee": current.assignee},
                     {"assignee": member.name if member else None})
    new_id = member.id if member else None
    if current.assignee_id == new_id:
        return unchanged(session, current, plan, ASSIGN)
    return apply_one(session, current, plan, action=ASSIGN, actor=actor,
                      values={"assignee_id": new_id})


def bulk_assign(session: Session, submission_ids: Sequence[int], member_name: str | None, *,
                actor: str) -> Change:
    """Assign every listed submission (``None`` unassigns); the change names those that changed."""
    actor = clean_actor(actor)
    member = assignable(session, member_name) if member_name is not None else None
    new_id = member.id if member else None
    current = read_many(session, unique(submission_ids))
    planned = [VersionedWrite(c.id, c.version, {"assignee": c.assignee},
                        {"assignee": member.name if member else None})
               for c in current.values() if c.assignee_id != new_id]
    return apply_many(session, planned, action=ASSIGN, actor=actor,
                       values={"assignee_id": new_id})


# ------------------------------------------------------------------ notes

def add_note(session: Session, submission_id: int, text: str, *, actor: str,
             expected_version: int | None = None) -> Edit:
    """Add an internal note, written by ``actor``.

    The audit event holds the note's id and length, never its text: notes often quote the
    visitor, and the audit log must not become a second copy of personal data.
    """
    actor = clean_actor(actor)
    body = text.strip()
    if not body:
        raise ValidationError("the note is empty; write something first")
    current = read_current(session, submission_id)
    expected = current.version if expected_version is None else expected_version
    now = utcnow()
    versions = bump_versions(session, [VersionedWrite(current.id, expected, {}, {})], {}, now)
    note = Note(submission_id=submission_id, author=actor, body=body, created_at=now)
    session.add(note)
    session.flush()
    plan = VersionedWrite(current.id, expected, {}, {"note_id": note.id, "length": len(body)})
    record_events(session, [plan], action=NOTE, actor=actor, now=now)
    return Edit(submission_id, NOTE, plan.before, plan.after, versions[submission_id])


# ------------------------------------------------------------------ after a lost connection

def was_saved(session: Session, change: Edit, *, actor: str) -> bool:
    """Whether ``change`` (made by ``actor``) is in the database.

    For a retry after the connection dropped during COMMIT, when nobody knows whether the server
    committed: running the change again would add a second note, or turn a status change into a
    conflict with oneself (see :mod:`leaddesk.team.resilience`).
    """
    if not change.changed:
        return True
    if change.action == NOTE:
        return session.execute(select(Note.id).where(
            Note.id == change.after.get("note_id"), Note.submission_id == change.submission_id,
            Note.author == actor)).first() is not None
    version = session.scalar(select(Submission.version)
                             .where(Submission.id == change.submission_id))
    if version is None or version < change.version:
        return False
    recent = session.execute(
        select(AuditEvent.actor, AuditEvent.action, AuditEvent.after)
        .where(AuditEvent.entity == "submission", AuditEvent.entity_id == change.submission_id)
        .order_by(AuditEvent.id.desc()).limit(20))
    return any(who == actor and action == change.action and dict(after or {}) == dict(change.after)
               for who, action, after in recent)


# ------------------------------------------------------------------ undo

def undo(session: Session, change: Edit, *, actor: str) -> Edit:
    """Reverse a status, assignment, tag or field edit, unless the submission changed since.

    The reversal is itself a change (audited, version bumped) made with ``change.version`` as
    the expected version, so undoing over a colleague's newer edit raises ConflictError.
    Notes cannot be undone this way.
    """
    if not change.changed:
        return change
    sid, version = change.submission_id, change.version
    if change.action == STATUS:
        return _undo_status(session, change, actor=actor)
    if change.action == EDIT:
        return undo_edit(session, change, actor=actor)
    if change.action == ASSIGN:
        return assign(session, sid, change.before["assignee"], actor=actor,
                      expected_version=version)
    if change.action in (TAG_ADD, TAG_REMOVE):
        (tag,) = tag_diff(change.before, change.after)
        reverse = remove_tag if change.action == TAG_ADD else add_tag
        return reverse(session, sid, tag, actor=actor, expected_version=version)
    raise ValidationError(f"a {change.action!r} change cannot be undone")
