"""The change bus: one signal that says what changed, whoever changed it.

``changes_made(changes, initiator)`` carries a list of :class:`leaddesk.changes.Change` records
and the object that caused them: the widget whose operation wrote them (see
:mod:`leaddesk.ui.operations`), the settings store, or :data:`ELSEWHERE` when the live feed
announced another desktop's, the CLI's or the sync worker's write. This desktop's own commits
never come back from the feed (it recognises them by their connection), so nothing is refreshed
twice. Every page listens and decides for itself what to refresh.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from leaddesk.changes import Change, merge

ELSEWHERE = "elsewhere"  # the initiator of what the live feed announces


class ChangeBus(QObject):
    changes_made = Signal(object, object)  # list[Change], initiator
    # The database dropped during an operation, which is being retried (leaddesk.team.resilience).
    reconnecting = Signal(str)

    def publish(self, changes: Sequence[Change], initiator: object = None) -> None:
        merged = merge(c for c in changes if c.ids is None or c.ids)
        if merged:
            self.changes_made.emit(merged, initiator)
