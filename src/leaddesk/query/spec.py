"""What to show, without SQL: :class:`Filter` and its :class:`Sort`.

Kept apart from :mod:`leaddesk.query.filters` (which turns a filter into SQLAlchemy conditions)
so that the command line can parse and check a filter without importing SQLAlchemy; the quick
read of :mod:`leaddesk.query.quick` answers `leaddesk list` from it alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from leaddesk.changes import CREATED, DELETED
from leaddesk.errors import ValidationError
from leaddesk.statuses import Status

NO_TOPIC = None  # in Filter.topics, matches submissions without a topic
UNASSIGNED = None  # in Filter.assignees, matches submissions nobody owns


class Sort(enum.StrEnum):
    RECEIVED = "received"
    SUBMITTED = "submitted"
    NAME = "name"
    EMAIL = "email"
    TOPIC = "topic"
    STATUS = "status"
    ACTIVITY = "activity"  # the visitor's latest mail first: an answer brings its lead to the top


# The change-record field (leaddesk.changes) each sort key reads.
SORT_FIELDS = {Sort.RECEIVED: "received_at", Sort.SUBMITTED: "submitted_at",
               Sort.NAME: "visitor", Sort.EMAIL: "visitor", Sort.TOPIC: "topic",
               Sort.STATUS: "status"}


@dataclass(frozen=True)
class Filter:
    """What to show. Empty tuples mean "any"; several values in one tuple mean "any of these".

    Spam and messages that are not form submissions are hidden unless asked for (or unless the
    statuses name ``spam`` explicitly). Tags must all be present.
    """

    text: str = ""
    statuses: tuple[str, ...] = ()
    topics: tuple[str | None, ...] = ()
    tags: tuple[str, ...] = ()
    assignees: tuple[str | None, ...] = ()
    accounts: tuple[str, ...] = ()
    received_from: datetime | None = None
    received_to: datetime | None = None
    replied: bool | None = None
    needs_reply: bool | None = None  # the last message of the conversation is the visitor's
    unread: bool | None = None  # an answer the owner has not read yet
    # Not answered and waiting longer than the team's target in business hours
    # (leaddesk.response_times). ``overdue_before`` is that deadline resolved for one moment
    # (received before it = overdue); without it the active policy and the current time decide.
    overdue: bool | None = None
    overdue_before: datetime | None = None
    contact_id: int | None = None
    ids: tuple[int, ...] = ()
    include_spam: bool = False
    include_non_submissions: bool = False
    sort: Sort = Sort.RECEIVED
    descending: bool = True

    def __post_init__(self) -> None:
        unknown = [s for s in self.statuses if s not in Status._value2member_map_]
        if unknown:
            raise ValidationError(f"unknown status {unknown[0]!r}; use one of "
                                  f"{', '.join(s.value for s in Status)}")
        sort: object = self.sort  # callers may pass a plain string (CLI, saved views)
        if not isinstance(sort, Sort):
            try:
                object.__setattr__(self, "sort", Sort(str(sort)))
            except ValueError:
                raise ValidationError(f"cannot sort by {sort!r}; use one of "
                                      f"{', '.join(s.value for s in Sort)}") from None

    def with_(self, **changes: Any) -> Filter:
        return replace(self, **changes)

    def drops_status(self, status: str) -> bool:
        """True when a lead moved to ``status`` no longer matches, whatever else it holds (the
        Inbox, new and open leads, drops one marked done): the list can lose it at once."""
        if self.statuses:
            return status not in self.statuses
        return status == Status.SPAM.value and not self.include_spam

    def depends_on(self) -> frozenset[str]:
        """The submission fields (as named in :mod:`leaddesk.changes`) that decide whether a row
        belongs to this filter or where it sorts: a change to one of them re-queries the list,
        a change to any other field only repaints the rows it names."""
        fields = {CREATED, DELETED, "status", "is_spam", "is_submission", SORT_FIELDS[self.sort]}
        for wanted, names in ((self.text, ("visitor", "message", "subject")),
                              (self.topics, ("topic",)), (self.tags, ("tags",)),
                              (self.assignees, ("assignee",)), (self.accounts, ("account",)),
                              (self.replied is not None, ("replies",)),
                              (self.needs_reply is not None, ("replies", "answers")),
                              (self.unread is not None, ("unread", "answers")),
                              (self.overdue is not None, ("replies", "answers", "received_at")),
                              (self.contact_id is not None, ("contact",))):
            if wanted:
                fields.update(names)
        return frozenset(fields)
