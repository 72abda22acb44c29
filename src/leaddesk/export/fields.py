"""The export's vocabulary: one :class:`Record` per exported row and the named fields it offers.

A record is one submission, or one lead (a contact's submissions folded into one row: the latest
submission's data plus first touch, count, first and last contact). A submission exported on its
own is a lead of one, so every field exists in both modes and a saved mapping works with either.

A record holds its cells ready to write: times as ISO 8601 text, tags joined, the name already
split. Every field is then a plain attribute, and a row of any
field-only layout comes out of a single ``attrgetter`` call; at a million rows that matters.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from leaddesk.export.cells import Cell, Moment

# The generic export's columns, in order: the stable, documented shape of `export --preset generic`.
SUBMISSION_FIELDS = (
    "id", "message_id", "received_at", "submitted_at", "name", "first_name", "last_name", "email",
    "phone", "company", "topic", "tags", "status", "assignee", "page_url", "post_title", "message",
    "account", "messages", "last_contact", "first_answered_at",
)
# Added after those when exporting one row per lead.
LEAD_FIELDS = (
    "contact_id", "submission_count", "first_contact_at", "last_contact_at", "first_topic",
    "first_post_title", "first_page_url",
)
# Offered to saved mappings only.
EXTRA_FIELDS = ("salutation", "subject", "assignee_email")
FIELD_NAMES = (*SUBMISSION_FIELDS, *LEAD_FIELDS, *EXTRA_FIELDS)


class Record(NamedTuple):
    """One exported row. Times are ISO 8601 text in UTC to the second ("…T09:00:00+00:00"),
    ``tags`` is the names joined with "; ".

    A named tuple: built in one step from the database row (the first fields, in the order
    :mod:`~leaddesk.export.source` selects them) and what is worked out from it (the rest).
    """

    # As selected from the database.
    id: int = 0
    message_id: str | None = None
    account: str | None = None
    received_raw: Moment = ""
    submitted_raw: Moment | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    company: str | None = None
    topic: str | None = None
    page_url: str | None = None
    post_title: str | None = None
    status: str = ""
    is_submission: bool = True
    assignee: str | None = None
    assignee_email: str | None = None
    subject: str | None = None
    message: str | None = None
    contact_id: int | None = None
    messages: int = 1  # e-mails in the conversation, the submission included
    last_contact_raw: Moment | None = None  # the conversation's newest e-mail, either way
    first_answered_raw: Moment | None = None  # the team's first e-mail (response times)
    tags_raw: str | None = None  # the names as the database joins them (see source._tag_names)
    # Worked out.
    received_at: str = ""
    submitted_at: str | None = None
    first_name: str = ""
    last_name: str = ""
    salutation: str = ""
    tags: str = ""
    submission_count: int = 1
    first_contact_at: str = ""
    last_contact_at: str = ""
    first_topic: str | None = None
    first_post_title: str | None = None
    first_page_url: str | None = None
    last_contact: str | None = None
    first_answered_at: str | None = None


SELECTED = Record._fields[:Record._fields.index("tags_raw") + 1]

Getter = Callable[[Record], Cell]

FIELDS: Mapping[str, Getter] = MappingProxyType({name: attrgetter(name) for name in FIELD_NAMES})
