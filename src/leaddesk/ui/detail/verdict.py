"""Why a message is hidden (spam, or "not a form submission"), with the one-click way back.

A real lead must never vanish without a visible reason: this bar sits above the visitor card
whenever the open message is hidden from the inbox, says why in plain text (the reason may quote
the visitor) and brings it back with one click or the N key.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from leaddesk.query import SubmissionRow

from leaddesk.ui.colours import VERDICT_HUE, notice_style
from leaddesk.ui.safe_text import PlainLabel


class VerdictBar(QFrame):
    restore_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBar")
        self.setStyleSheet(notice_style("verdictBar", VERDICT_HUE, self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 4, 4, 4)
        self.reason = PlainLabel()  # the reason may quote the visitor
        self.reason.setObjectName("verdictReason")
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reason, 1)
        self.restore = QPushButton("Not spam — bring it back (N)")
        self.restore.setObjectName("restoreLead")
        self.restore.setToolTip("Mark it new and show it in the inbox; a re-read never hides it "
                                "again")
        self.restore.clicked.connect(self.restore_requested)
        layout.addWidget(self.restore)
        self.hide()

    def show_row(self, row: SubmissionRow) -> None:
        reason = row.hidden_reason
        if reason is None:
            self.hide()
            return
        self.reason.setText(reason)
        self.restore.setText("Not spam — bring it back (N)" if row.is_spam
                             else "It is a lead — bring it back (N)")
        self.show()
