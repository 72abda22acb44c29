"""Triage: what a team does to submissions, and the tag catalogue and team list it uses.

This module owns status changes, tagging, assignment and notes (one submission or many at once),
the tags themselves (create, rename, recolour, delete) and team members (add, remove, list).

Every change writes an :class:`~leaddesk.db.models.AuditEvent`. A change to a submission also bumps
its ``version`` with a compare-and-swap ``UPDATE … WHERE id = :id AND version = :expected``: when
another desktop or process got there first, nothing is written and :class:`ConflictError` names who
changed it, from the audit log. Versions are always read from the database, never from the ORM
identity map, which may hold rows another connection has since changed.

Functions work inside the caller's session and transaction and never commit. On any error the
caller must roll back (``Database.session()`` does): that is what makes bulk operations
all-or-nothing. Results are plain frozen dataclasses, safe to keep after the session is gone.
Read-only helpers (``list_tags``, ``list_members``) take no ``actor``; everything that writes does.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import and_, delete, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from leaddesk.db.models import (
    STATUS_VALUES,
    AuditEvent,
    Note,
    Status,
    Submission,
    Tag,
    TeamMember,
    submission_tags,
)
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError, LeadDeskError, NotFoundError, ValidationError

# Audit actions on submissions (entity "submission").
STATUS = "status"
TAG_ADD = "tag.add"
TAG_REMOVE = "tag.remove"
ASSIGN = "assign"
NOTE = "note"
CONTACT = "contact"  # written by leaddesk.contacts when a merge moves a submission

DEFAULT_TAG_COLOUR = "#808080"

# Column widths from the model; PostgreSQL would reject longer values with a less helpful error.
_NAME_LIMITS = {"tag": 80, "team member": 120, "actor": 120}

# Keeps every IN list (and the tuple IN of the compare-and-swap, two parameters per row) well
# under SQLite's and PostgreSQL's bind-parameter limits, whatever the selection size.
_CHUNK = 500

# The CSS names people actually type, stored as #rrggbb so every view renders them the same.
CSS_COLOURS: Mapping[str, str] = {
    "black": "#000000", "white": "#ffffff", "grey": "#808080", "gray": "#808080",
    "silver": "#c0c0c0", "red": "#ff0000", "maroon": "#800000", "crimson": "#dc143c",
    "orange": "#ffa500", "gold": "#ffd700", "yellow": "#ffff00", "olive": "#808000",
    "lime": "#00ff00", "green": "#008000", "teal": "#008080", "cyan": "#00ffff",
    "aqua": "#00ffff", "blue": "#0000ff", "navy": "#000080", "indigo": "#4b0082",
    "purple": "#800080", "violet": "#ee82ee", "magenta": "#ff00ff", "fuchsia": "#ff00ff",
    "pink": "#ffc0cb", "brown": "#a52a2a", "coral": "#ff7f50", "salmon": "#fa8072",
    "turquoise": "#40e0d0", "beige": "#f5f5dc",
}
_HEX_COLOUR = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")

_T = TypeVar("_T")


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class Change:
    """What one call did to one submission: enough for the UI to show it and to :func:`undo` it.

    ``changed`` is False when the submission already had the requested value; then nothing was
    written. ``version`` is the submission's version afterwards: pass it as ``expected_version``
    to the next change so that an edit by someone else in between becomes a conflict.
    """

    submission_id: int
    action: str
    before: Mapping[str, Any]
    after: Mapping[str, Any]
    version: int
    changed: bool = True


@dataclass(frozen=True)
class TagInfo:
    id: int
    name: str
    colour: str
    submissions: int  # how many submissions carry the tag (had it, for a deleted tag)


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str | None
    active: bool
    assigned: int  # submissions currently assigned to them


@dataclass(frozen=True)
class MemberRemoval:
    """Outcome of :func:`remove_member`: deleted outright, or deactivated to keep their work."""

    name: str
    deleted: bool
    still_assigned: int


# ------------------------------------------------------------------ validation

def clean_actor(actor: str) -> str:
    """The actor name as written on audit events: trimmed, non-empty, within the column width."""
    return _clean_name(actor, "actor")


def normalise_colour(value: str) -> str:
    """``#rrggbb`` (lower case) from ``#rrggbb``, ``#rgb`` or a common CSS colour name."""
    text = value.strip().lower()
    if text in CSS_COLOURS:
        return CSS_COLOURS[text]
    match = _HEX_COLOUR.fullmatch(text)
    if match is None:
        raise ValidationError(f"invalid colour {value!r}; use #rrggbb")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def _clean_status(value: str) -> str:
    text = value.strip().lower()
    if text not in STATUS_VALUES:
        raise ValidationError(f"unknown status {value!r}; use one of {', '.join(STATUS_VALUES)}")
    return Status(text).value


def _clean_name(value: str, what: str) -> str:
    name = value.strip()
    if not name:
        raise ValidationError(f"the {what} name is empty")
    limit = _NAME_LIMITS[what]
    if len(name) > limit:
        raise ValidationError(f"the {what} name {name[:20]!r}… is too long; keep it to {limit} "
                              f"characters")
    return name


def _clean_email(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"invalid e-mail address {value!r}: {exc}") from None


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


def _chunks(items: Sequence[_T]) -> Iterator[Sequence[_T]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _sorted_names(names: Iterable[str]) -> list[str]:
    return sorted(names, key=lambda n: (n.casefold(), n))


# ------------------------------------------------------------------ reading current state

@dataclass(frozen=True)
class _Current:
    """A submission's triage fields as the database has them now (not as the session cached)."""

    id: int
    version: int
    status: str
    assignee_id: int | None
    assignee: str | None


@dataclass(frozen=True)
class _Planned:
    id: int
    expected_version: int
    before: dict[str, Any]
    after: dict[str, Any]


def _no_submission(ids: Sequence[int]) -> NotFoundError:
    shown = ", ".join(str(i) for i in ids[:5]) + (", …" if len(ids) > 5 else "")
    noun = "submission" if len(ids) == 1 else "submissions"
    return NotFoundError(f"no {noun} {shown}; `leaddesk list --all` shows the ids")


def _read(session: Session, ids: Sequence[int]) -> dict[int, _Current]:
    """Current rows for ``ids``, or NotFoundError naming the missing ones (nothing is changed)."""
    found: dict[int, _Current] = {}
    for chunk in _chunks(ids):
        result = session.execute(
            select(Submission.id, Submission.version, Submission.status, Submission.assignee_id,
                   TeamMember.name)
            .outerjoin(TeamMember, TeamMember.id == Submission.assignee_id)
            .where(Submission.id.in_(chunk)))
        for sid, version, status, assignee_id, assignee in result:
            found[sid] = _Current(sid, version, status, assignee_id, assignee)
    missing = [i for i in ids if i not in found]
    if missing:
        raise _no_submission(missing)
    return found


def _read_one(session: Session, submission_id: int) -> _Current:
    return _read(session, [submission_id])[submission_id]


def _tags_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        result = session.execute(
            select(submission_tags.c.submission_id, Tag.name)
            .join(Tag, Tag.id == submission_tags.c.tag_id)
            .where(submission_tags.c.submission_id.in_(chunk)))
        for sid, name in result:
            tags[sid].append(name)
    return {sid: _sorted_names(names) for sid, names in tags.items()}


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


def _tag_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    old = set((before or {}).get("tags") or [])
    new = set((after or {}).get("tags") or [])
    return _sorted_names(new ^ old)


def describe_change(action: str, before: Mapping[str, Any] | None,
                    after: Mapping[str, Any] | None) -> str:
    """A short human phrase for an audit event on a submission, e.g. ``status → done``."""
    after = after or {}
    if action == STATUS:
        return f"status → {after.get('status')}"
    if action == ASSIGN:
        who = after.get("assignee")
        return f"assigned to {who}" if who else "unassigned"
    if action == TAG_ADD:
        return f"tagged {', '.join(_tag_diff(before, after))}"
    if action == TAG_REMOVE:
        return f"tag {', '.join(_tag_diff(before, after))} removed"
    if action == NOTE:
        return "note added"
    if action == CONTACT:
        return f"moved to contact {after.get('contact_id')}"
    return action


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

def _expire(session: Session, ids: Iterable[int]) -> None:
    # Changes go through SQL, not the ORM: drop cached copies so the caller's objects reload.
    for sid in ids:
        cached = session.identity_map.get(identity_key(Submission, sid))
        if cached is not None:
            session.expire(cached)


def _bump(session: Session, planned: Sequence[_Planned], values: Mapping[str, Any],
          now: datetime) -> dict[int, int]:
    """Compare-and-swap update of every planned row; new versions by id, or ConflictError."""
    versions: dict[int, int] = {}
    for chunk in _chunks(planned):
        if len(chunk) == 1:
            where = and_(Submission.id == chunk[0].id,
                         Submission.version == chunk[0].expected_version)
        else:
            where = tuple_(Submission.id, Submission.version).in_(
                [(p.id, p.expected_version) for p in chunk])
        result = session.execute(
            update(Submission).where(where)
            .values(version=Submission.version + 1, updated_at=now, **values)
            .returning(Submission.id, Submission.version)
            .execution_options(synchronize_session=False))
        versions.update((sid, version) for sid, version in result)
        stale = [p.id for p in chunk if p.id not in versions]
        if stale:
            raise _conflict(session, stale[0])
    _expire(session, versions)
    return versions


def _record(session: Session, planned: Sequence[_Planned], *, action: str, actor: str,
            now: datetime) -> None:
    """One audit event per changed submission, in one executemany round trip."""
    if planned:
        session.execute(insert(AuditEvent), [
            {"at": now, "actor": actor, "action": action, "entity": "submission",
             "entity_id": p.id, "before": p.before, "after": p.after} for p in planned])


def _audit(session: Session, *, actor: str, action: str, entity: str, entity_id: int | None,
           before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
    session.add(AuditEvent(actor=actor, action=action, entity=entity, entity_id=entity_id,
                           before=before, after=after))


def _plan_one(current: _Current, expected_version: int | None, before: dict[str, Any],
              after: dict[str, Any]) -> _Planned:
    expected = current.version if expected_version is None else expected_version
    return _Planned(current.id, expected, before, after)


def _unchanged(session: Session, current: _Current, plan: _Planned, action: str) -> Change:
    # Nothing to write, but a stale expected_version is still a conflict, as in the
    # compare-and-swap: the caller decided on an outdated view, even if the result matches.
    if plan.expected_version != current.version:
        raise _conflict(session, current.id)
    return Change(current.id, action, plan.before, plan.after, current.version, changed=False)


def _apply_one(session: Session, current: _Current, plan: _Planned, *, action: str, actor: str,
               values: Mapping[str, Any]) -> Change:
    now = utcnow()
    versions = _bump(session, [plan], values, now)
    _record(session, [plan], action=action, actor=actor, now=now)
    return Change(current.id, action, plan.before, plan.after, versions[current.id])


# ------------------------------------------------------------------ status

def set_status(session: Session, submission_id: int, status: str, *, actor: str,
               expected_version: int | None = None) -> Change:
    """Move a submission to ``status`` (one of :class:`~leaddesk.db.models.Status`)."""
    actor = clean_actor(actor)
    new = _clean_status(status)
    current = _read_one(session, submission_id)
    plan = _plan_one(current, expected_version, {"status": current.status}, {"status": new})
    if current.status == new:
        return _unchanged(session, current, plan, STATUS)
    return _apply_one(session, current, plan, action=STATUS, actor=actor, values={"status": new})


def bulk_set_status(session: Session, submission_ids: Sequence[int], status: str, *,
                    actor: str) -> int:
    """Set ``status`` on every listed submission; returns how many actually changed."""
    actor = clean_actor(actor)
    new = _clean_status(status)
    current = _read(session, _unique(submission_ids))
    planned = [_Planned(c.id, c.version, {"status": c.status}, {"status": new})
               for c in current.values() if c.status != new]
    return _apply_many(session, planned, action=STATUS, actor=actor, values={"status": new})


def _apply_many(session: Session, planned: Sequence[_Planned], *, action: str, actor: str,
                values: Mapping[str, Any]) -> int:
    now = utcnow()
    versions = _bump(session, planned, values, now)
    _record(session, planned, action=action, actor=actor, now=now)
    return len(versions)


# ------------------------------------------------------------------ tags on submissions

def _all_tags(session: Session) -> list[Tag]:
    # populate_existing: a colleague may have renamed or recoloured a tag since it was cached.
    return list(session.scalars(select(Tag).execution_options(populate_existing=True)))


def _find_tag(session: Session, name: str) -> Tag | None:
    # Compared in Python: SQLite's lower() folds ASCII only, so "Ärger" and "ärger" would pass
    # as different names there. The catalogue is a few dozen rows.
    key = name.casefold()
    return next((t for t in _all_tags(session) if t.name.casefold() == key), None)


def _require_tag(session: Session, name: str) -> Tag:
    tag = _find_tag(session, _clean_name(name, "tag"))
    if tag is None:
        raise NotFoundError(f"no tag {name.strip()!r}")
    return tag


def _insert_tag(session: Session, name: str, colour: str, *, actor: str) -> Tag:
    tag = Tag(name=name, colour=colour)
    session.add(tag)
    try:
        session.flush()
    except IntegrityError:
        # Another desktop created the same name between our check and this insert.
        raise ConflictError(f"tag {name!r} was just created by someone else; "
                            f"reload and try again") from None
    _audit(session, actor=actor, action="tag.create", entity="tag", entity_id=tag.id,
           before=None, after={"name": tag.name, "colour": tag.colour})
    return tag


def _link(session: Session, tag_id: int, ids: Sequence[int]) -> None:
    if ids:
        session.execute(insert(submission_tags),
                        [{"submission_id": sid, "tag_id": tag_id} for sid in ids])


def add_tag(session: Session, submission_id: int, tag_name: str, *, actor: str,
            expected_version: int | None = None) -> Change:
    """Tag a submission, creating the tag (grey) if no tag has that name in any letter case."""
    actor = clean_actor(actor)
    name = _clean_name(tag_name, "tag")
    current = _read_one(session, submission_id)
    tag = _find_tag(session, name)
    name = tag.name if tag is not None else name
    tags = _tags_of(session, [submission_id])[submission_id]
    plan = _plan_one(current, expected_version, {"tags": tags},
                     {"tags": _sorted_names({*tags, name})})
    if name in tags:
        return _unchanged(session, current, plan, TAG_ADD)
    now = utcnow()
    versions = _bump(session, [plan], {}, now)
    if tag is None:
        tag = _insert_tag(session, name, DEFAULT_TAG_COLOUR, actor=actor)
    _link(session, tag.id, [submission_id])
    _record(session, [plan], action=TAG_ADD, actor=actor, now=now)
    return Change(submission_id, TAG_ADD, plan.before, plan.after, versions[submission_id])


def remove_tag(session: Session, submission_id: int, tag_name: str, *, actor: str,
               expected_version: int | None = None) -> Change:
    """Take a tag off a submission; the tag itself stays in the catalogue."""
    actor = clean_actor(actor)
    current = _read_one(session, submission_id)
    tag = _require_tag(session, tag_name)
    tags = _tags_of(session, [submission_id])[submission_id]
    plan = _plan_one(current, expected_version, {"tags": tags},
                     {"tags": [t for t in tags if t != tag.name]})
    if tag.name not in tags:
        return _unchanged(session, current, plan, TAG_REMOVE)
    now = utcnow()
    versions = _bump(session, [plan], {}, now)
    _unlink(session, tag.id, [submission_id])
    _record(session, [plan], action=TAG_REMOVE, actor=actor, now=now)
    return Change(submission_id, TAG_REMOVE, plan.before, plan.after, versions[submission_id])


def _unlink(session: Session, tag_id: int, ids: Sequence[int]) -> None:
    for chunk in _chunks(ids):
        session.execute(delete(submission_tags).where(
            submission_tags.c.tag_id == tag_id, submission_tags.c.submission_id.in_(chunk)))


def bulk_add_tag(session: Session, submission_ids: Sequence[int], tag_name: str, *,
                 actor: str) -> int:
    """Tag every listed submission (creating the tag if needed); returns how many changed."""
    actor = clean_actor(actor)
    name = _clean_name(tag_name, "tag")
    ids = _unique(submission_ids)
    current = _read(session, ids)
    tag = _find_tag(session, name)
    name = tag.name if tag is not None else name
    tags = _tags_of(session, ids)
    planned = [_Planned(c.id, c.version, {"tags": tags[c.id]},
                        {"tags": _sorted_names([*tags[c.id], name])})
               for c in current.values() if name not in tags[c.id]]
    if not planned:
        return 0
    now = utcnow()
    versions = _bump(session, planned, {}, now)
    if tag is None:
        tag = _insert_tag(session, name, DEFAULT_TAG_COLOUR, actor=actor)
    _link(session, tag.id, [p.id for p in planned])
    _record(session, planned, action=TAG_ADD, actor=actor, now=now)
    return len(versions)


def bulk_remove_tag(session: Session, submission_ids: Sequence[int], tag_name: str, *,
                    actor: str) -> int:
    """Take a tag off every listed submission; returns how many had it."""
    actor = clean_actor(actor)
    ids = _unique(submission_ids)
    current = _read(session, ids)
    tag = _require_tag(session, tag_name)
    tags = _tags_of(session, ids)
    planned = [_Planned(c.id, c.version, {"tags": tags[c.id]},
                        {"tags": [t for t in tags[c.id] if t != tag.name]})
               for c in current.values() if tag.name in tags[c.id]]
    now = utcnow()
    versions = _bump(session, planned, {}, now)
    _unlink(session, tag.id, [p.id for p in planned])
    _record(session, planned, action=TAG_REMOVE, actor=actor, now=now)
    return len(versions)


# ------------------------------------------------------------------ the tag catalogue
# Catalogue changes are audited on the tag (entity "tag") and leave submission versions alone:
# a rename or recolour changes no submission, and a delete only unlinks it, which conflicts with
# no concurrent edit of its status, owner or notes.

def _tag_info(session: Session, tag: Tag) -> TagInfo:
    count = session.scalar(select(func.count()).select_from(submission_tags)
                           .where(submission_tags.c.tag_id == tag.id)) or 0
    return TagInfo(tag.id, tag.name, tag.colour, count)


def list_tags(session: Session) -> list[TagInfo]:
    """Every tag with how many submissions carry it, by name."""
    counts: dict[int, int] = dict(session.execute(
        select(submission_tags.c.tag_id, func.count()).group_by(submission_tags.c.tag_id)).all())
    return [TagInfo(t.id, t.name, t.colour, counts.get(t.id, 0))
            for t in sorted(_all_tags(session), key=lambda t: (t.name.casefold(), t.name))]


def create_tag(session: Session, name: str, colour: str = DEFAULT_TAG_COLOUR, *,
               actor: str) -> TagInfo:
    """A new tag; the name must differ from every existing one in more than letter case."""
    actor = clean_actor(actor)
    name = _clean_name(name, "tag")
    colour = normalise_colour(colour)
    existing = _find_tag(session, name)
    if existing is not None:
        raise ValidationError(f"a tag named {existing.name!r} already exists")
    return _tag_info(session, _insert_tag(session, name, colour, actor=actor))


def rename_tag(session: Session, old: str, new: str, *, actor: str) -> TagInfo:
    """Rename a tag everywhere it is used; changing only the letter case is allowed."""
    actor = clean_actor(actor)
    tag = _require_tag(session, old)
    new_name = _clean_name(new, "tag")
    clash = _find_tag(session, new_name)
    if clash is not None and clash.id != tag.id:
        raise ValidationError(f"cannot rename {tag.name!r} to {new_name!r}: a tag named "
                              f"{clash.name!r} already exists")
    if tag.name != new_name:
        before = {"name": tag.name}
        tag.name = new_name
        session.flush()
        _audit(session, actor=actor, action="tag.rename", entity="tag", entity_id=tag.id,
               before=before, after={"name": new_name})
    return _tag_info(session, tag)


def recolour_tag(session: Session, name: str, colour: str, *, actor: str) -> TagInfo:
    actor = clean_actor(actor)
    tag = _require_tag(session, name)
    new_colour = normalise_colour(colour)
    if tag.colour != new_colour:
        before = {"colour": tag.colour}
        tag.colour = new_colour
        session.flush()
        _audit(session, actor=actor, action="tag.recolour", entity="tag", entity_id=tag.id,
               before=before, after={"colour": new_colour})
    return _tag_info(session, tag)


def delete_tag(session: Session, name: str, *, actor: str) -> TagInfo:
    """Delete a tag and take it off every submission; the audit event lists them, for an undo."""
    actor = clean_actor(actor)
    tag = _require_tag(session, name)
    tagged = sorted(session.scalars(select(submission_tags.c.submission_id)
                                    .where(submission_tags.c.tag_id == tag.id)))
    info = TagInfo(tag.id, tag.name, tag.colour, len(tagged))
    _audit(session, actor=actor, action="tag.delete", entity="tag", entity_id=tag.id,
           before={"name": tag.name, "colour": tag.colour, "submission_ids": tagged}, after=None)
    session.execute(delete(submission_tags).where(submission_tags.c.tag_id == tag.id))
    session.delete(tag)
    session.flush()
    # Cached submissions may still list the tag in their loaded ``tags`` collection.
    _expire(session, tagged)
    return info


# ------------------------------------------------------------------ assignment

def _members(session: Session) -> list[TeamMember]:
    return list(session.scalars(select(TeamMember)
                                .execution_options(populate_existing=True)))


def _find_member(session: Session, name: str) -> TeamMember | None:
    # Exact match first, so "ada" and "Ada" could coexist from older data; then any letter case.
    members = _members(session)
    exact = next((m for m in members if m.name == name), None)
    if exact is not None:
        return exact
    key = name.casefold()
    return next((m for m in members if m.name.casefold() == key), None)


def _no_member(name: str) -> NotFoundError:
    return NotFoundError(f"no team member {name!r}; add one with "
                         f"`leaddesk members add {shlex.quote(name)}`")


def _assignable(session: Session, name: str) -> TeamMember:
    cleaned = _clean_name(name, "team member")
    member = _find_member(session, cleaned)
    if member is None:
        raise _no_member(cleaned)
    if not member.active:
        raise ValidationError(f"team member {member.name!r} was removed; add them again with "
                              f"`leaddesk members add {shlex.quote(member.name)}`")
    return member


def assign(session: Session, submission_id: int, member_name: str | None, *, actor: str,
           expected_version: int | None = None) -> Change:
    """Give a submission to a team member, or to nobody with ``None``."""
    actor = clean_actor(actor)
    member = _assignable(session, member_name) if member_name is not None else None
    current = _read_one(session, submission_id)
    plan = _plan_one(current, expected_version, {"assignee": current.assignee},
                     {"assignee": member.name if member else None})
    new_id = member.id if member else None
    if current.assignee_id == new_id:
        return _unchanged(session, current, plan, ASSIGN)
    return _apply_one(session, current, plan, action=ASSIGN, actor=actor,
                      values={"assignee_id": new_id})


def bulk_assign(session: Session, submission_ids: Sequence[int], member_name: str | None, *,
                actor: str) -> int:
    """Assign every listed submission (``None`` unassigns); returns how many changed."""
    actor = clean_actor(actor)
    member = _assignable(session, member_name) if member_name is not None else None
    new_id = member.id if member else None
    current = _read(session, _unique(submission_ids))
    planned = [_Planned(c.id, c.version, {"assignee": c.assignee},
                        {"assignee": member.name if member else None})
               for c in current.values() if c.assignee_id != new_id]
    return _apply_many(session, planned, action=ASSIGN, actor=actor,
                       values={"assignee_id": new_id})


# ------------------------------------------------------------------ team members

def _assigned_counts(session: Session) -> dict[int, int]:
    result = session.execute(
        select(Submission.assignee_id, func.count())
        .where(Submission.assignee_id.is_not(None))
        .group_by(Submission.assignee_id))
    return {member_id: n for member_id, n in result if member_id is not None}


def list_members(session: Session, *, include_inactive: bool = False) -> list[Member]:
    """Team members by name, with how many submissions each one owns."""
    counts = _assigned_counts(session)
    return [Member(m.id, m.name, m.email, m.active, counts.get(m.id, 0))
            for m in sorted(_members(session), key=lambda m: (m.name.casefold(), m.name))
            if m.active or include_inactive]


def add_member(session: Session, name: str, email: str | None = None, *, actor: str) -> Member:
    """Add someone submissions can be assigned to; re-adding a removed member reactivates them."""
    actor = clean_actor(actor)
    name = _clean_name(name, "team member")
    address = _clean_email(email)
    member = _find_member(session, name)
    if member is not None and member.active:
        raise ValidationError(f"team member {member.name!r} already exists")
    if member is not None:
        before = {"name": member.name, "email": member.email, "active": False}
        member.active = True
        member.email = address if address is not None else member.email
        action = "member.reactivate"
    else:
        before = None
        member = TeamMember(name=name, email=address, active=True)
        session.add(member)
        action = "member.add"
    try:
        session.flush()
    except IntegrityError:
        raise ConflictError(f"team member {name!r} was just added by someone else; "
                            f"reload and try again") from None
    _audit(session, actor=actor, action=action, entity="member", entity_id=member.id,
           before=before, after={"name": member.name, "email": member.email, "active": True})
    return Member(member.id, member.name, member.email, True,
                  _assigned_counts(session).get(member.id, 0))


def remove_member(session: Session, name: str, *, actor: str) -> MemberRemoval:
    """Remove a team member from the list.

    Someone who owns no submission is deleted. Someone who still owns submissions is only
    deactivated: their submissions keep showing who had them (rather than silently becoming
    unassigned) until someone reassigns them, and nobody can assign new ones to them.
    """
    actor = clean_actor(actor)
    cleaned = _clean_name(name, "team member")
    member = _find_member(session, cleaned)
    if member is None or not member.active:
        raise _no_member(cleaned)
    owned = _assigned_counts(session).get(member.id, 0)
    before = {"name": member.name, "email": member.email, "active": True}
    if owned:
        member.active = False
        action, after = "member.deactivate", {**before, "active": False, "still_assigned": owned}
    else:
        session.delete(member)
        action, after = "member.remove", None
    session.flush()
    _audit(session, actor=actor, action=action, entity="member", entity_id=member.id,
           before=before, after=after)
    return MemberRemoval(member.name, deleted=not owned, still_assigned=owned)


# ------------------------------------------------------------------ notes

def add_note(session: Session, submission_id: int, text: str, *, actor: str,
             expected_version: int | None = None) -> Change:
    """Add an internal note, written by ``actor``.

    The audit event holds the note's id and length, never its text: notes often quote the
    visitor, and the audit log must not become a second copy of personal data.
    """
    actor = clean_actor(actor)
    body = text.strip()
    if not body:
        raise ValidationError("the note is empty; write something first")
    current = _read_one(session, submission_id)
    expected = current.version if expected_version is None else expected_version
    now = utcnow()
    versions = _bump(session, [_Planned(current.id, expected, {}, {})], {}, now)
    note = Note(submission_id=submission_id, author=actor, body=body, created_at=now)
    session.add(note)
    session.flush()
    plan = _Planned(current.id, expected, {}, {"note_id": note.id, "length": len(body)})
    _record(session, [plan], action=NOTE, actor=actor, now=now)
    return Change(submission_id, NOTE, plan.before, plan.after, versions[submission_id])


# ------------------------------------------------------------------ after a lost connection

def was_saved(session: Session, change: Change, *, actor: str) -> bool:
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

def undo(session: Session, change: Change, *, actor: str) -> Change:
    """Reverse a status, assignment or tag change, unless the submission changed since.

    The reversal is itself a change (audited, version bumped) made with ``change.version`` as
    the expected version, so undoing over a colleague's newer edit raises ConflictError.
    Notes cannot be undone this way.
    """
    if not change.changed:
        return change
    sid, version = change.submission_id, change.version
    if change.action == STATUS:
        return set_status(session, sid, change.before["status"], actor=actor,
                          expected_version=version)
    if change.action == ASSIGN:
        return assign(session, sid, change.before["assignee"], actor=actor,
                      expected_version=version)
    if change.action in (TAG_ADD, TAG_REMOVE):
        (tag,) = _tag_diff(change.before, change.after)
        reverse = remove_tag if change.action == TAG_ADD else add_tag
        return reverse(session, sid, tag, actor=actor, expected_version=version)
    raise ValidationError(f"a {change.action!r} change cannot be undone")
