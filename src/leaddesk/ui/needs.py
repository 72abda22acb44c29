"""What a row of the message list says needs doing: its status badge, the unread dot, and how long
the visitor has been waiting for an answer ("waiting 3 d", amber once past a set time).

:func:`row_needs` is the one place that decides it; the list model hands its answer to the
delegate (``NEEDS_ROLE``) and to the plain-text roles. A new signal (an "Overdue" badge from
response-time targets, say) is a new field here and a line in the delegate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from leaddesk.db.models import Status
from leaddesk.query import SubmissionRow

from leaddesk.ui.format import duration

# The badge's words and colour per status: mid-tone colours, drawn with black or white text,
# that read on light and dark list backgrounds alike.
BADGES: dict[str, tuple[str, str]] = {
    Status.NEW.value: ("New", "#1e6fd9"),
    Status.OPEN.value: ("Open", "#2e7d32"),
    Status.WAITING.value: ("Waiting", "#8e5cc2"),
    Status.DONE.value: ("Done", "#78909c"),
    Status.SPAM.value: ("Spam", "#c62828"),
}
HIDDEN_BADGE = ("Not a lead", "#8d6e63")  # "not a form submission", shown in the All view


@dataclass(frozen=True)
class RowNeeds:
    badge: str  # the status badge's words
    badge_colour: str
    unread: bool  # an answer its owner has not read
    waiting: timedelta | None  # how long the visitor has waited for an answer; None: nobody waits
    overdue: bool  # waited longer than the team's setting: the waiting text turns amber

    @property
    def waiting_text(self) -> str:
        return f"waiting {duration(self.waiting)}" if self.waiting is not None else ""

    def describe(self) -> str:
        """Everything in words (the cell's text for copying and screen readers)."""
        parts = [self.badge, "unread" if self.unread else "", self.waiting_text]
        return " · ".join(p for p in parts if p)


def waiting_since(row: SubmissionRow) -> datetime | None:
    """When the visitor's unanswered message came in, or None when nobody waits on the team:
    answered (our reply is the newest e-mail), done, spam, or not a lead at all."""
    if row.is_spam or not row.is_submission or not row.needs_reply:
        return None
    return row.last_inbound_at or row.submitted_at or row.received_at


def row_needs(row: SubmissionRow, *, now: datetime, amber_after: timedelta) -> RowNeeds:
    badge, colour = BADGES.get(row.status, (row.status.capitalize(), "#78909c"))
    if not row.is_submission and not row.is_spam:
        badge, colour = HIDDEN_BADGE
    since = waiting_since(row)
    waiting = max(now - since, timedelta(0)) if since is not None else None
    return RowNeeds(badge, colour, row.unread, waiting,
                    overdue=waiting is not None and waiting >= amber_after)
