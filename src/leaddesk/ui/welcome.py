"""The first run: an empty database and no mailbox yet. Offer the three ways to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

from leaddesk.ui.safe_text import PlainLabel


class Welcome(QWidget):
    add_mailbox = Signal()
    add_api = Signal()  # a form backend (Netlify, Formspree, HubSpot…) instead of a mailbox
    open_demo = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = PlainLabel("Welcome to LeadDesk")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        text = PlainLabel("Your inbox of website leads is empty. Connect the mailbox that receives "
                      "the form notifications, or look around with demo leads first.")
        text.setWordWrap(True)
        text.setMaximumWidth(460)
        mailbox = QPushButton("Add mailbox…")
        mailbox.setDefault(True)
        mailbox.clicked.connect(self.add_mailbox)
        api = QPushButton("Add API source…")
        api.setToolTip("A form backend's API: Netlify, Formspree, Gravity Forms, HubSpot, Typeform")
        api.clicked.connect(self.add_api)
        demo = QPushButton("Open the demo")
        demo.setToolTip("Demo leads and a demo team, in a database of their own; this window "
                        "makes way for the demo's, and your database stays as it is")
        demo.clicked.connect(self.open_demo)
        for widget in (title, text, mailbox, api, demo):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
