"""A person correcting what the parser read: name, e-mail, phone, company, topic and page URL.

An edit is a triage change like any other: version-checked (a colleague's change in between is a
conflict), audited with the values before and after, undoable, and it marks each corrected field
as the person's (``edited_fields``: who and when), so that a re-read never overwrites it
(:mod:`leaddesk.reparse`). A changed page URL re-links the post; a changed e-mail re-links the
contact, and when the address already belongs to another contact the result offers to merge the
two (:func:`leaddesk.contacts.merge_contacts` does it, when the person agrees).

Keys starting with ``_`` in a change's before/after (``_edited``, ``_contact_id``, ``_post_id``,
``_topic_source``) are the bookkeeping undo needs; they are not shown as edited fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, null, select
from sqlalchemy.orm import Session

from leaddesk.db.models import Contact, ContactAlias, Post, Submission
from leaddesk.db.types import utcnow
from leaddesk.errors import ValidationError
from leaddesk.lines import as_one_line
from leaddesk.posts.snapshot import is_resolved, snapshot_of
from leaddesk.posts.topics import MANUAL
from leaddesk.triage.results import EDIT, Edit
from leaddesk.triage.validation import clean_actor, clean_email
from leaddesk.triage.versions import apply_one, plan_one, read_current, unchanged

# The fields a person may correct, and the column each lives in.
EDITABLE: Mapping[str, str] = {
    "name": "visitor_name", "email": "visitor_email", "phone": "visitor_phone",
    "company": "visitor_company", "topic": "topic", "page_url": "page_url",
}
_LIMITS = {"name": 255, "email": 320, "phone": 64, "company": 255, "topic": 255,
           "page_url": 2048}


@dataclass(frozen=True)
class EditResult:
    """What an edit did, and the contact merge it suggests (``(keep_id, drop_id)``) if any."""

    change: Edit
    merge_offer: tuple[int, int] | None = None


def clean_value(field: str, value: str | None) -> str | None:
    """A typed value as stored: trimmed, "" for none, the e-mail validated, the URL normalised."""
    if field not in EDITABLE:
        raise ValidationError(f"{field!r} cannot be edited; use one of {', '.join(EDITABLE)}")
    text = as_one_line(value or "")  # no line break, no bidi override: it shows on one line
    if not text:
        return None
    if len(text) > _LIMITS[field]:
        raise ValidationError(f"the {field.replace('_', ' ')} is too long; keep it to "
                              f"{_LIMITS[field]} characters")
    if field == "email":
        return clean_email(text)
    if field == "page_url":
        # Imported here: the parser package is large and the window imports this module at start.
        from leaddesk.ingest.parse import normalise_url

        url = normalise_url(text)
        if url is None:
            raise ValidationError(f"{text!r} is not a web address; use https://host/path")
        return url
    return text


def edit_submission(session: Session, submission_id: int, changes: Mapping[str, str | None], *,
                    actor: str, expected_version: int | None = None) -> EditResult:
    """Correct the given fields of one submission (a value of None or "" clears the field)."""
    actor = clean_actor(actor)
    wanted = {field: clean_value(field, value) for field, value in changes.items()}
    if not wanted:
        raise ValidationError("nothing to edit; name at least one field")
    current = read_current(session, submission_id)
    row = session.execute(select(Submission.edited_fields, Submission.contact_id,
                                 Submission.post_id, Submission.topic_source,
                                 *(getattr(Submission, EDITABLE[f]) for f in wanted))
                          .where(Submission.id == submission_id)).one()
    edited, contact_id, post_id, topic_source = dict(row[0] or {}), row[1], row[2], row[3]
    old = dict(zip(wanted, row[4:], strict=True))
    differing = {f: v for f, v in wanted.items() if v != old[f]}
    plan = plan_one(current, expected_version, {f: old[f] for f in differing}, differing)
    if not differing:
        return EditResult(unchanged(session, current, plan, EDIT))

    mark = {"by": actor, "at": utcnow().isoformat()}
    values: dict[str, Any] = {EDITABLE[f]: v for f, v in differing.items()}
    values["edited_fields"] = {**edited, **dict.fromkeys(differing, mark)}
    before: dict[str, Any] = {**plan.before, "_edited": {f: edited.get(f) for f in differing}}
    after: dict[str, Any] = {**plan.after, "_edited": dict.fromkeys(differing, mark)}
    offer = None
    if "email" in differing:
        new_contact, offer = link_contact(session, submission_id, contact_id,
                                             differing["email"])
        values["contact_id"] = new_contact
        before["_contact_id"], after["_contact_id"] = contact_id, new_contact
    if "page_url" in differing:
        values.update(link_post(session, differing["page_url"]))
        before["_post_id"], after["_post_id"] = post_id, values["post_id"]
    if "topic" in differing:
        values["topic_source"] = MANUAL if differing["topic"] else None
        before["_topic_source"], after["_topic_source"] = topic_source, values["topic_source"]
    plan = plan_one(current, expected_version, before, after)
    change = apply_one(session, current, plan, action=EDIT, actor=actor, values=values)
    if "email" in differing and offer is None:
        # A contact that existed only through the mistyped address goes; one that collides is
        # kept for the merge the person is offered.
        drop_if_orphan(session, contact_id, keep=values["contact_id"])
    return EditResult(change, offer)


def undo_edit(session: Session, change: Edit, *, actor: str) -> Edit:
    """Put the fields back as they were before ``change``, marks and links included."""
    actor = clean_actor(actor)
    current = read_current(session, change.submission_id)
    before, after = dict(change.before), dict(change.after)
    fields = [f for f in before if f in EDITABLE]
    edited = dict(session.execute(select(Submission.edited_fields)
                                  .where(Submission.id == change.submission_id)).scalar() or {})
    for field, mark in dict(before.get("_edited") or {}).items():
        if mark:
            edited[field] = mark
        else:
            edited.pop(field, None)
    values: dict[str, Any] = {EDITABLE[f]: before[f] for f in fields}
    values["edited_fields"] = edited or null()
    if "_contact_id" in before:
        restored = before["_contact_id"]
        if restored is not None and session.get(Contact, restored) is None:
            restored, _ = link_contact(session, change.submission_id, None, before.get("email"))
        values["contact_id"] = restored
    if "_post_id" in before:
        values.update(link_post(session, before.get("page_url")))
    if "_topic_source" in before:
        values["topic_source"] = before["_topic_source"]
    plan = plan_one(current, change.version, after, before)
    undone = apply_one(session, current, plan, action=EDIT, actor=actor, values=values)
    if "_contact_id" in after:
        drop_if_orphan(session, after["_contact_id"], keep=values.get("contact_id"))
    return undone


def _contact_for(session: Session, email: str) -> int | None:
    key = email.casefold()
    found = session.scalar(select(Contact.id).where(func.lower(Contact.email) == key))
    if found is None:
        found = session.scalar(select(ContactAlias.contact_id)
                               .where(func.lower(ContactAlias.email) == key))
    return found


def link_contact(session: Session, submission_id: int, old_contact: int | None,
                    email: str | None) -> tuple[int | None, tuple[int, int] | None]:
    """(the contact the submission belongs to with ``email``, a merge to offer or None)."""
    if email is None:
        return None, None
    found = _contact_for(session, email)
    if found is not None:
        offer = (found, old_contact) if old_contact not in (None, found) else None
        return found, offer
    name, phone, company, seen = session.execute(
        select(Submission.visitor_name, Submission.visitor_phone, Submission.visitor_company,
               Submission.received_at).where(Submission.id == submission_id)).one()
    contact = Contact(email=email.casefold(), name=name, phone=phone, company=company,
                      first_seen_at=seen, last_seen_at=seen)
    session.add(contact)
    session.flush()
    return contact.id, None


def drop_if_orphan(session: Session, contact_id: int | None, *, keep: int | None) -> None:
    """Delete a contact that only existed through a mistyped address, now that nothing uses it."""
    if contact_id is None or contact_id == keep:
        return
    used = session.scalar(select(func.count()).select_from(Submission).where(
        Submission.contact_id == contact_id))
    aliases = session.scalar(select(func.count()).select_from(ContactAlias).where(
        ContactAlias.contact_id == contact_id))
    contact = session.get(Contact, contact_id)
    if contact is not None and not used and not aliases:
        session.delete(contact)
        session.flush()


def link_post(session: Session, url: str | None) -> dict[str, Any]:
    """post_id and snapshot for a page URL: the known post, or a new one the resolver looks up."""
    # null(), not None: None in a JSON column is stored as the JSON value null.
    if url is None:
        return {"post_id": None, "post_snapshot": null()}
    post = session.scalar(select(Post).where(Post.url == url))
    if post is None:
        post = Post(url=url)
        session.add(post)
        session.flush()
    return {"post_id": post.id, "post_snapshot": snapshot_of(post) if is_resolved(post) else null()}
