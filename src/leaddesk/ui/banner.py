"""A non-modal banner above the content: what happened and what to do, dismissable."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QToolButton, QWidget

from leaddesk.ui.safe_text import PlainLabel

STYLES = {  # background, text, border
    "error": ("#fdecea", "#611a15", "#f5c2c0"),
    "warning": ("#fff4e5", "#663c00", "#ffd59e"),
    "info": ("#e8f4fd", "#0d3c61", "#b6dcf7"),
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
        # The label and the close button take the banner's colour too: on a dark palette they
        # would otherwise keep their light text on the banner's light background.
        background, colour, border = STYLES[kind]
        self.setStyleSheet(f"#banner {{background: {background}; border: 1px solid {border}; "
                           f"border-radius: 4px;}} "
                           f"#banner QLabel, #banner QToolButton {{color: {colour};}}")
        self.show()
        if seconds:
            self._timer.start(seconds * 1000)
        else:
            self._timer.stop()
