"""The keyboard map, declared once: the window binds it, the status bar and the sheet show it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from leaddesk.ui.safe_text import RichLabel, escape

SHORTCUTS: tuple[tuple[str, str, str], ...] = (
    # (action name, key, what it does)
    ("next", "J", "next message"),
    ("previous", "K", "previous message"),
    ("done", "E", "mark done"),
    ("open", "O", "mark open"),
    ("waiting", "W", "mark waiting"),
    ("spam", "!", "mark spam"),
    ("restore", "N", "not spam / a real lead: bring it back as new"),
    ("assign", "A", "assign"),
    ("assign_me", "M", "assign to me"),
    ("tag", "T", "add a tag"),
    ("suggestion", "Y", "accept the suggested topic, tags and owner"),
    ("reply", "R", "reply"),
    ("search", "/", "search"),
    ("undo", "Ctrl+Z", "undo the last triage action"),
    ("sync", "F5", "sync now"),
    ("reparse", "Ctrl+Shift+R", "re-read stored mail with the current parser"),
    ("sidebar", "Ctrl+B", "show or hide the sidebar"),
    ("help", "?", "all shortcuts"),
)

STATUS_HINT = "j/k next · e done · a assign · t tag · r reply · / search · ? all shortcuts"


def as_typed(key: str) -> str:
    """A key as the user types it: a plain letter in lower case ("j", not "J"); Qt's key
    sequences want the capital, so SHORTCUTS keeps that form."""
    return key.lower() if len(key) == 1 and key.isalpha() else key


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = "".join(f"<tr><td><b>{escape(as_typed(key))}</b></td>"
                       f"<td>&nbsp;&nbsp;{escape(what)}</td></tr>" for _, key, what in SHORTCUTS)
        layout.addWidget(RichLabel(f"<table>{rows}</table>"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
