"""Tags: putting them on and taking them off submissions, one or many, and the tag catalogue.

Tagging a submission is a versioned change like any other (see :mod:`leaddesk.triage.versions`);
adding a tag no one has yet creates it in :data:`DEFAULT_TAG_COLOUR`. The catalogue calls create,
rename, recolour and delete tags; names are unique regardless of letter case.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leaddesk.changes import Change
from leaddesk.db.models import Tag, submission_tags
from leaddesk.db.types import utcnow
from leaddesk.errors import ConflictError, NotFoundError, ValidationError
from leaddesk.triage.results import TAG_ADD, TAG_REMOVE, Edit, TagInfo, submission_change
from leaddesk.triage.validation import clean_actor, clean_name, normalise_colour, sorted_names, unique
from leaddesk.triage.versions import (
    VersionedWrite,
    audit,
    bump_versions,
    chunks,
    current_tags,
    expire,
    plan_one,
    read_current,
    read_many,
    record_events,
    unchanged,
)

DEFAULT_TAG_COLOUR = "#808080"


# ------------------------------------------------------------------ tags on submissions

def all_tags(session: Session) -> list[Tag]:
    # populate_existing: a colleague may have renamed or recoloured a tag since it was cached.
    return list(session.scalars(select(Tag).execution_options(populate_existing=True)))


def _find_tag(session: Session, name: str) -> Tag | None:
    # Compared in Python: SQLite's lower() folds ASCII only, so "Ärger" and "ärger" would pass
    # as different names there. The catalogue is a few dozen rows.
    key = name.casefold()
    return next((t for t in all_tags(session) if t.name.casefold() == key), None)


def _require_tag(session: Session, name: str) -> Tag:
    tag = _find_tag(session, clean_name(name, "tag"))
    if tag is None:
        raise NotFoundError(f"no tag {name.strip()!r}")
    return tag


def insert_tag(session: Session, name: str, colour: str, *, actor: str) -> Tag:
    tag = Tag(name=name, colour=colour)
    session.add(tag)
    try:
        session.flush()
    except IntegrityError:
        # Another desktop created the same name between our check and this insert.
        raise ConflictError(f"tag {name!r} was just created by someone else; "
                            f"reload and try again") from None
    audit(session, actor=actor, action="tag.create", entity="tag", entity_id=tag.id,
           before=None, after={"name": tag.name, "colour": tag.colour})
    return tag


def _link(session: Session, tag_id: int, ids: Sequence[int]) -> None:
    if ids:
        session.execute(insert(submission_tags),
                        [{"submission_id": sid, "tag_id": tag_id} for sid in ids])


def add_tag(session: Session, submission_id: int, tag_name: str, *, actor: str,
            expected_version: int | None = None) -> Edit:
    """Tag a submission, creating the tag (grey) if no tag has that name in any letter case."""
    actor = clean_actor(actor)
    name = clean_name(tag_name, "tag")
    current = read_current(session, submission_id)
    tag = _find_tag(session, name)
    name = tag.name if tag is not None else name
    tags = current_tags(session, [submission_id])[submission_id]
    plan = plan_one(current, expected_version, {"tags": tags},
                     {"tags": sorted_names({*tags, name})})
    if name in tags:
        return unchanged(session, current, plan, TAG_ADD)
    now = utcnow()
    versions = bump_versions(session, [plan], {}, now)
    if tag is None:
        tag = insert_tag(session, name, DEFAULT_TAG_COLOUR, actor=actor)
    _link(session, tag.id, [submission_id])
    record_events(session, [plan], action=TAG_ADD, actor=actor, now=now)
    return Edit(submission_id, TAG_ADD, plan.before, plan.after, versions[submission_id])


def remove_tag(session: Session, submission_id: int, tag_name: str, *, actor: str,
               expected_version: int | None = None) -> Edit:
    """Take a tag off a submission; the tag itself stays in the catalogue."""
    actor = clean_actor(actor)
    current = read_current(session, submission_id)
    tag = _require_tag(session, tag_name)
    tags = current_tags(session, [submission_id])[submission_id]
    plan = plan_one(current, expected_version, {"tags": tags},
                     {"tags": [t for t in tags if t != tag.name]})
    if tag.name not in tags:
        return unchanged(session, current, plan, TAG_REMOVE)
    now = utcnow()
    versions = bump_versions(session, [plan], {}, now)
    _unlink(session, tag.id, [submission_id])
    record_events(session, [plan], action=TAG_REMOVE, actor=actor, now=now)
    return Edit(submission_id, TAG_REMOVE, plan.before, plan.after, versions[submission_id])


def _unlink(session: Session, tag_id: int, ids: Sequence[int]) -> None:
    for chunk in chunks(ids):
        session.execute(delete(submission_tags).where(
            submission_tags.c.tag_id == tag_id, submission_tags.c.submission_id.in_(chunk)))


def bulk_add_tag(session: Session, submission_ids: Sequence[int], tag_name: str, *,
                 actor: str) -> Change:
    """Tag every listed submission (creating the tag if needed); the change names those tagged."""
    actor = clean_actor(actor)
    name = clean_name(tag_name, "tag")
    ids = unique(submission_ids)
    current = read_many(session, ids)
    tag = _find_tag(session, name)
    name = tag.name if tag is not None else name
    tags = current_tags(session, ids)
    planned = [VersionedWrite(c.id, c.version, {"tags": tags[c.id]},
                        {"tags": sorted_names([*tags[c.id], name])})
               for c in current.values() if name not in tags[c.id]]
    if not planned:
        return submission_change(TAG_ADD, [])
    now = utcnow()
    versions = bump_versions(session, planned, {}, now)
    if tag is None:
        tag = insert_tag(session, name, DEFAULT_TAG_COLOUR, actor=actor)
    _link(session, tag.id, [p.id for p in planned])
    record_events(session, planned, action=TAG_ADD, actor=actor, now=now)
    return submission_change(TAG_ADD, versions)


def bulk_remove_tag(session: Session, submission_ids: Sequence[int], tag_name: str, *,
                    actor: str) -> Change:
    """Take a tag off every listed submission; the change names those that had it."""
    actor = clean_actor(actor)
    ids = unique(submission_ids)
    current = read_many(session, ids)
    tag = _require_tag(session, tag_name)
    tags = current_tags(session, ids)
    planned = [VersionedWrite(c.id, c.version, {"tags": tags[c.id]},
                        {"tags": [t for t in tags[c.id] if t != tag.name]})
               for c in current.values() if tag.name in tags[c.id]]
    now = utcnow()
    versions = bump_versions(session, planned, {}, now)
    _unlink(session, tag.id, [p.id for p in planned])
    record_events(session, planned, action=TAG_REMOVE, actor=actor, now=now)
    return submission_change(TAG_REMOVE, versions)


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
            for t in sorted(all_tags(session), key=lambda t: (t.name.casefold(), t.name))]


def create_tag(session: Session, name: str, colour: str = DEFAULT_TAG_COLOUR, *,
               actor: str) -> TagInfo:
    """A new tag; the name must differ from every existing one in more than letter case."""
    actor = clean_actor(actor)
    name = clean_name(name, "tag")
    colour = normalise_colour(colour)
    existing = _find_tag(session, name)
    if existing is not None:
        raise ValidationError(f"a tag named {existing.name!r} already exists")
    return _tag_info(session, insert_tag(session, name, colour, actor=actor))


def rename_tag(session: Session, old: str, new: str, *, actor: str) -> TagInfo:
    """Rename a tag everywhere it is used; changing only the letter case is allowed."""
    actor = clean_actor(actor)
    tag = _require_tag(session, old)
    new_name = clean_name(new, "tag")
    clash = _find_tag(session, new_name)
    if clash is not None and clash.id != tag.id:
        raise ValidationError(f"cannot rename {tag.name!r} to {new_name!r}: a tag named "
                              f"{clash.name!r} already exists")
    if tag.name != new_name:
        before = {"name": tag.name}
        tag.name = new_name
        session.flush()
        audit(session, actor=actor, action="tag.rename", entity="tag", entity_id=tag.id,
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
        audit(session, actor=actor, action="tag.recolour", entity="tag", entity_id=tag.id,
               before=before, after={"colour": new_colour})
    return _tag_info(session, tag)


def delete_tag(session: Session, name: str, *, actor: str) -> TagInfo:
    """Delete a tag and take it off every submission; the audit event lists them, for an undo."""
    actor = clean_actor(actor)
    tag = _require_tag(session, name)
    tagged = sorted(session.scalars(select(submission_tags.c.submission_id)
                                    .where(submission_tags.c.tag_id == tag.id)))
    info = TagInfo(tag.id, tag.name, tag.colour, len(tagged))
    audit(session, actor=actor, action="tag.delete", entity="tag", entity_id=tag.id,
           before={"name": tag.name, "colour": tag.colour, "submission_ids": tagged}, after=None)
    session.execute(delete(submission_tags).where(submission_tags.c.tag_id == tag.id))
    session.delete(tag)
    session.flush()
    # Cached submissions may still list the tag in their loaded ``tags`` collection.
    expire(session, tagged)
    return info

