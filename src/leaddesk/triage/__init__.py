"""Triage: what a team does to submissions, and the tag catalogue and team list it uses.

This package owns status changes, tagging, assignment and notes (one submission or many at once),
the tags themselves (create, rename, recolour, delete) and team members (add, remove, list).
Import it whole (``from leaddesk import triage``): every name below is re-exported here.

- ``actions``: status, assignment and notes on one submission or many; ``was_saved``; ``undo``
- ``tags``: tags on submissions, and the tag catalogue
- ``batch``: many steps on many submissions written at once (``apply_steps``), or played on
  rows before they are inserted (``play_on_new``), as rules do
- ``edits``: a person correcting the fields the parser read (``edit_submission``)
- ``members``: team members
- ``versions``: reading current state, the compare-and-swap version check, conflicts, audit events
- ``results``: ``Edit`` and the other result records, audit action names, ``describe_change``
- ``validation``: cleaning names, colours, statuses and e-mail addresses

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

from leaddesk.triage.actions import (
    add_note,
    assign,
    bulk_assign,
    bulk_set_status,
    set_status,
    undo,
    was_saved,
)
from leaddesk.triage.batch import NewLeads, Step, apply_steps, play_on_new
from leaddesk.triage.edits import EDITABLE, EditResult, clean_value, edit_submission
from leaddesk.triage.members import add_member, list_members, remove_member
from leaddesk.triage.results import (
    ASSIGN,
    CONTACT,
    EDIT,
    NOTE,
    REPARSE,
    STATUS,
    TAG_ADD,
    TAG_REMOVE,
    Edit,
    Member,
    MemberRemoval,
    TagInfo,
    describe_change,
    submission_change,
)
from leaddesk.triage.tags import (
    DEFAULT_TAG_COLOUR,
    add_tag,
    bulk_add_tag,
    bulk_remove_tag,
    create_tag,
    delete_tag,
    list_tags,
    recolour_tag,
    remove_tag,
    rename_tag,
)
from leaddesk.triage.validation import CSS_COLOURS, clean_actor, normalise_colour
from leaddesk.triage.versions import current_tags, read_current

__all__ = [
    "ASSIGN",
    "CONTACT",
    "CSS_COLOURS",
    "DEFAULT_TAG_COLOUR",
    "EDIT",
    "EDITABLE",
    "NOTE",
    "REPARSE",
    "STATUS",
    "TAG_ADD",
    "TAG_REMOVE",
    "Edit",
    "EditResult",
    "Member",
    "MemberRemoval",
    "NewLeads",
    "Step",
    "TagInfo",
    "add_member",
    "add_note",
    "add_tag",
    "apply_steps",
    "assign",
    "bulk_add_tag",
    "bulk_assign",
    "bulk_remove_tag",
    "bulk_set_status",
    "clean_actor",
    "clean_value",
    "create_tag",
    "current_tags",
    "delete_tag",
    "describe_change",
    "edit_submission",
    "list_members",
    "list_tags",
    "normalise_colour",
    "play_on_new",
    "read_current",
    "recolour_tag",
    "remove_member",
    "remove_tag",
    "rename_tag",
    "set_status",
    "submission_change",
    "undo",
    "was_saved",
]
