"""What a triage change is: the records triage hands back and the audit action names.

Owns :class:`Edit` (what one call did to one submission, enough to show and undo it), the
:class:`TagInfo`, :class:`Member` and :class:`MemberRemoval` results, the action names written on
submission audit events, and :func:`describe_change`, the short phrase for one such event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leaddesk.changes import Change, Kind
from leaddesk.triage.validation import sorted_names

# Audit actions on submissions (entity "submission").
STATUS = "status"
TAG_ADD = "tag.add"
TAG_REMOVE = "tag.remove"
ASSIGN = "assign"
NOTE = "note"
CONTACT = "contact"  # written by leaddesk.contacts when a merge moves a submission
EDIT = "edit"  # a person corrected fields the parser read (leaddesk.triage.edits)
REPARSE = "reparse"  # a newer parser (or a taught label) re-read the stored message

# The submission field each action writes, for the change record the window refreshes by.
FIELDS = {STATUS: "status", ASSIGN: "assignee", TAG_ADD: "tags", TAG_REMOVE: "tags",
          NOTE: "notes", CONTACT: "contact"}


# A corrected field (leaddesk.triage.edits) as the change-record field the window refreshes by.
EDITED_FIELDS = {"name": "visitor", "email": "visitor", "phone": "visitor", "company": "visitor",
                 "topic": "topic", "page_url": "post"}


def submission_change(action: str, ids: Iterable[int]) -> Change:
    """The plain change record of ``action`` on ``ids`` (see :mod:`leaddesk.changes`)."""
    return Change.of(Kind.SUBMISSION, ids, {FIELDS.get(action, action)})


@dataclass(frozen=True)
class Edit:
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

    @property
    def change(self) -> Change:
        """What it wrote, as the plain record (no ids when nothing was written)."""
        ids = [self.submission_id] if self.changed else []
        if self.action == EDIT:  # a correction names the fields it wrote
            return Change.of(Kind.SUBMISSION, ids,
                             {EDITED_FIELDS.get(name, name) for name in self.after})
        return submission_change(self.action, ids)


@dataclass(frozen=True)
class TagInfo:
    id: int
    name: str
    colour: str
    submissions: int  # how many submissions carry the tag (had it, for a deleted tag)

    @property
    def change(self) -> Change:
        """A catalogue write's record: the tag (its name and colour show on many rows)."""
        return Change.of(Kind.TAG, [self.id])


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str | None
    active: bool
    assigned: int  # submissions currently assigned to them
    away: bool = False  # marked away: round-robin rules skip them (leaddesk rules away)

    @property
    def change(self) -> Change:
        return Change.of(Kind.MEMBER, [self.id])


@dataclass(frozen=True)
class MemberRemoval:
    """Outcome of :func:`remove_member`: deleted outright, or deactivated to keep their work."""

    name: str
    deleted: bool
    still_assigned: int

    @property
    def change(self) -> Change:
        return Change.of(Kind.MEMBER)


def tag_diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> list[str]:
    old = set((before or {}).get("tags") or [])
    new = set((after or {}).get("tags") or [])
    return sorted_names(new ^ old)


def describe_change(action: str, before: Mapping[str, Any] | None,
                    after: Mapping[str, Any] | None) -> str:
    """A short human phrase for an audit event on a submission, e.g. ``status → done``."""
    after = after or {}
    if action == STATUS:
        back = " (brought back as a lead)" if after.get("is_submission") is True else ""
        return f"status → {after.get('status')}{back}"
    if action == ASSIGN:
        who = after.get("assignee")
        return f"assigned to {who}" if who else "unassigned"
    if action == TAG_ADD:
        return f"tagged {', '.join(tag_diff(before, after))}"
    if action == TAG_REMOVE:
        return f"tag {', '.join(tag_diff(before, after))} removed"
    if action == NOTE:
        return "note added"
    if action == EDIT:
        return "edited " + ", ".join(k for k in after if not k.startswith("_"))
    if action == REPARSE:
        return "re-read: " + ", ".join(k for k in after if not k.startswith("_"))
    if action == CONTACT:
        return f"moved to contact {after.get('contact_id')}"
    return action

