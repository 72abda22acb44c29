"""What a row of the message list says needs doing: its status badge, the unread dot, how long
the visitor has been waiting for an answer ("waiting 3 d"), and whether the lead is overdue.

Two thresholds, two meanings: the text "waiting 3 d" turns **amber** once past this desktop's own
setting (``WAITING_AMBER_HOURS``, wall-clock hours: a personal nudge), while a red **Overdue**
badge follows the team's business-hours policy only (:func:`leaddesk.response_times.overdue`,
the same rule as the Overdue view and ``list --overdue``): one source of truth for "overdue".

:func:`row_needs` is the one place that decides it; the list model hands its answer to the
delegate (``NEEDS_ROLE``) and to the plain-text roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from leaddesk import response_times
from leaddesk.db.models import Status
from leaddesk.query import SubmissionRow
from leaddesk.response_times import ResponsePolicy

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
# A deep red, darker than Spam's: white text on it reads at 6.6:1 (WCAG AA asks 4.5:1).
OVERDUE_BADGE = ("Overdue", "#b71c1c")


@dataclass(frozen=True)
class RowNeeds:
    badge: str  # the status badge's words
    badge_colour: str
    unread: bool  # an answer its owner has not read
    waiting: timedelta | None  # how long the visitor has waited for an answer; None: nobody waits
    amber: bool  # waited longer than this desktop's setting: the waiting text turns amber
    overdue: bool = False  # past the team's target in business hours: a red "Overdue" badge

    @property
    def waiting_text(self) -> str:
        return f"waiting {duration(self.waiting)}" if self.waiting is not None else ""

    def describe(self) -> str:
        """Everything in words (the cell's text for copying and screen readers)."""
        parts = [self.badge, OVERDUE_BADGE[0] if self.overdue else "",
                 "unread" if self.unread else "", self.waiting_text]
        return " · ".join(p for p in parts if p)


def waiting_since(row: SubmissionRow) -> datetime | None:
    """When the visitor's unanswered message came in, or None when nobody waits on the team:
    answered (our reply is the newest e-mail), done, spam, or not a lead at all."""
    if row.is_spam or not row.is_submission or not row.needs_reply:
        return None
    return row.last_inbound_at or row.submitted_at or row.received_at


def row_needs(row: SubmissionRow, *, now: datetime, amber_after: timedelta,
              policy: ResponsePolicy | None = None) -> RowNeeds:
    """What ``row`` needs at ``now``; ``policy`` is the team's (None: the process's active one)."""
    badge, colour = BADGES.get(row.status, (row.status.capitalize(), "#78909c"))
    if not row.is_submission and not row.is_spam:
        badge, colour = HIDDEN_BADGE
    since = waiting_since(row)
    waiting = max(now - since, timedelta(0)) if since is not None else None
    return RowNeeds(badge, colour, row.unread, waiting,
                    amber=waiting is not None and waiting >= amber_after,
                    overdue=response_times.overdue(row, now, policy))
