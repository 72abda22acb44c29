"""What a page of the window (Leads, Insights) shares: it follows the change bus.

How to add a page: subclass :class:`BusPage`, load in :meth:`reload` through a
:class:`~leaddesk.ui.operations.DbOp`, and say in :meth:`affected_by` which changes alter what it
shows. A visible page reloads at once (once per batch); a hidden one reloads when it is shown.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from leaddesk.changes import Change, Kind

from leaddesk.ui.context import AppContext

# The fields of a submission that counts, charts and lead rows read.
COUNTED_FIELDS = ("created", "deleted", "status", "is_spam", "is_submission", "assignee", "topic",
                  "tags", "contact", "post")


class BusPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = False
        ctx.bus.changes_made.connect(self.on_changes)

    def reload(self) -> None:
        raise NotImplementedError

    def affected_by(self, change: Change) -> bool:
        if change.kind == Kind.SUBMISSION:
            return change.touches(COUNTED_FIELDS)
        return change.kind in (Kind.ANY, Kind.CONTACT, Kind.MEMBER, Kind.POST, Kind.TAG)

    def on_changes(self, changes: list[Change], _initiator: object) -> None:
        if not any(self.affected_by(c) for c in changes):
            return
        if self.isVisible():
            self.reload()
        else:
            self.stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.reload()


def focus_search(page: QWidget | None) -> None:
    """Put the keyboard in ``page``'s search box, if it has one (Inbox and Leads do)."""
    focus = getattr(page, "focus_search", None)
    if callable(focus):
        focus()
