"""A non-modal banner above the content: what happened and what to do, dismissable."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from leaddesk.ui.safe_text import PlainLabel

STYLES = {
    "error": "background: #fdecea; color: #611a15; border: 1px solid #f5c2c0;",
    "warning": "background: #fff4e5; color: #663c00; border: 1px solid #ffd59e;",
    "info": "background: #e8f4fd; color: #0d3c61; border: 1px solid #b6dcf7;",
}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = PlainLabel()
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        close = QToolButton()
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.hide)
        layout.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, kind: str = "error", *, seconds: int = 0) -> None:
        self.label.setText(text)
        self.setStyleSheet(f"#banner {{{STYLES[kind]} border-radius: 4px;}}")
        self.show()
        if seconds:
            self._timer.start(seconds * 1000)
        else:
            self._timer.stop()
