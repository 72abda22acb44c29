"""What every page's own filter bar is made of: a search box (debounced; Escape clears it), the
drop-downs (never narrower than the choice they show) and the bar itself, with the page's Export
button at its right end.

Each page (Inbox, Leads, Insights) builds its bar from these and owns what it filters and what
its Export writes; no page shows another page's filters.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QWidget,
)

from leaddesk.ui.widgets import FlowLayout

SEARCH_DEBOUNCE_MS = 250


class SearchBox(QLineEdit):
    """A search field: ``search_changed`` once typing pauses; Escape empties it at once (and a
    second Escape, on an empty box, hands the keyboard back to the page)."""

    search_changed = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMinimumWidth(160)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.search_changed.emit(self.text()))
        self.textChanged.connect(lambda _: self._debounce.start())

    def event(self, event: QEvent) -> bool:
        # A window-wide Escape shortcut (closing a composer, say) must not take the key while
        # there is a search to clear.
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.key() == Qt.Key.Key_Escape and self.text()):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
                self._debounce.stop()
                self.search_changed.emit("")  # no wait: the full list comes back at once
            else:
                self.clearFocus()
            event.accept()
            return
        super().keyPressEvent(event)

    def focus(self) -> None:
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()


def page_bar(parent: QWidget | None = None) -> tuple[QWidget, QHBoxLayout]:
    """The strip across the top of a page that holds its filters."""
    bar = QWidget(parent)
    bar.setObjectName("pageBar")
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(8, 4, 8, 4)
    layout.setSpacing(6)
    return bar, layout


def wrapping_bar(parent: QWidget | None = None) -> tuple[QWidget, FlowLayout]:
    """A page bar for many filters: one row on a wide window, wrapped onto a second line on a
    narrow one (640 px at a scale of 2) instead of making the window wider than the screen; the
    search box takes the spare width of its line."""
    bar = QWidget(parent)
    bar.setObjectName("pageBar")
    layout = FlowLayout(bar, spacing=6, fill=True)
    layout.setContentsMargins(8, 4, 8, 4)
    return bar, layout


def chip_strip(parent: QWidget | None = None) -> tuple[QWidget, QHBoxLayout]:
    """Where a bar's filter chips go: it gives way (clips) rather than widen the window."""
    strip = QWidget(parent)
    layout = QHBoxLayout(strip)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    layout.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    strip.setMinimumWidth(1)
    strip.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return strip, layout


def export_button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("exportButton")
    return button


class BarCombo(QComboBox):
    """A drop-down for a wrapping bar: as wide as its longest choice (at most ``widest``) where
    the line has room, and never narrower than the choice it shows, so a narrow window wraps
    the bar rather than cut "Owner: anyone" to "Owner: anyon"."""

    def __init__(self, parent: QWidget | None = None, *, widest: int = 220) -> None:
        super().__init__(parent)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMaximumWidth(widest)
        self.currentTextChanged.connect(lambda _text: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        metrics = self.fontMetrics()
        text = QSize(metrics.horizontalAdvance(self.currentText()), metrics.height())
        least = self.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, text, self)
        return QSize(min(least.width(), self.maximumWidth()), super().minimumSizeHint().height())
