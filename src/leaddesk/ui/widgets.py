"""Small reusable widgets: tag chips, section captions, elided labels, settings button rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.ui.safe_text import PlainLabel, tooltip


def button_row(layout: QBoxLayout, buttons: Sequence[tuple[str, Callable[[], None]]]) -> QLabel:
    """A row of push buttons under a list, and below it the label where their errors show
    (plain text: messages quote what strangers wrote)."""
    row = QHBoxLayout()
    for label, handler in buttons:
        button = QPushButton(label)
        button.clicked.connect(handler)
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    message = PlainLabel()
    message.setWordWrap(True)
    message.setTextFormat(Qt.TextFormat.PlainText)
    message.setStyleSheet("color: #b00020;")
    layout.addWidget(message)
    return message


def readable_on(colour: QColor) -> QColor:
    """Black or white text, whichever reads better on ``colour``."""
    luminance = 0.299 * colour.red() + 0.587 * colour.green() + 0.114 * colour.blue()
    return QColor("#000000") if luminance > 150 else QColor("#ffffff")


def chip_style(colour: str) -> str:
    base = QColor(colour)
    tint = QColor(base)
    tint.setAlpha(60)
    return (f"background: rgba({tint.red()},{tint.green()},{tint.blue()},0.28);"
            f"border: 1px solid rgba({base.red()},{base.green()},{base.blue()},0.55);"
            f"border-radius: 9px; padding: 1px 8px;")


class Chip(QWidget):
    """A coloured, rounded label with an optional remove button."""

    removed = Signal(str)

    def __init__(self, text: str, colour: str = "#808080", *, removable: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = text
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        label = PlainLabel(text + (" " if removable else ""))
        label.setStyleSheet(chip_style(colour))
        layout.addWidget(label)
        if removable:
            button = QToolButton()
            button.setText("×")
            button.setAutoRaise(True)
            button.setToolTip(tooltip(f"Remove {text}"))
            button.setAccessibleName(f"Remove {text}")
            button.clicked.connect(lambda: self.removed.emit(self.text))
            layout.addWidget(button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


def caption(text: str) -> QLabel:
    """A small upper-case section caption in the palette's muted colour."""
    label = PlainLabel(text.upper())
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 0.8)
    font.setBold(True)
    label.setFont(font)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText,
                     palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def muted(text: str = "") -> QLabel:
    label = PlainLabel(text)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText,
                     palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def clear_layout(layout: QHBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.deleteLater()


def dialog_layout(dialog: QDialog, title: str, width: int, height: int) -> QVBoxLayout:
    """Title, size and the vertical layout of a simple dialog."""
    dialog.setWindowTitle(title)
    dialog.resize(width, height)
    return QVBoxLayout(dialog)


def close_button(dialog: QDialog, layout: QBoxLayout) -> None:
    """A Close button at the bottom of a dialog that only shows something."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
