"""The bar across the top of the window: pages, Sync with inline progress and cancel, settings.

What spans pages only: each page has its own filter bar (search, chips, Export) below this one,
built from :mod:`leaddesk.ui.filter_bar`, so no page shows filters that act on another.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QTabBar,
    QToolButton,
    QWidget,
)

from leaddesk.ui.safe_text import PlainLabel

PROGRESS_AFTER_MS = 500  # a progress bar only for work that lasts; no flicker for quick syncs


class TopBar(QWidget):
    page_changed = Signal(int)
    sync_clicked = Signal()
    cancel_clicked = Signal()
    settings_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        brand = PlainLabel("LeadDesk")
        font = brand.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        brand.setFont(font)
        layout.addWidget(brand)
        self.pages = QTabBar()
        self.pages.setDrawBase(False)
        for name in ("Inbox", "Leads", "Insights"):
            self.pages.addTab(name)
        self.pages.currentChanged.connect(self.page_changed)
        layout.addWidget(self.pages)

        self.sync = QPushButton("⟳ Sync")
        self.sync.setToolTip("Fetch new messages from every mailbox (F5)")
        self.sync.clicked.connect(self.sync_clicked)
        layout.addWidget(self.sync)
        self.sync_label = PlainLabel()
        self.sync_bar = QProgressBar()
        self.sync_bar.setMaximumWidth(140)
        self.sync_bar.setTextVisible(False)
        self.sync_cancel = QToolButton()
        self.sync_cancel.setText("✕")
        self.sync_cancel.setToolTip("Cancel the sync (what was fetched is kept)")
        self.sync_cancel.clicked.connect(self.cancel_clicked)
        for widget in (self.sync_label, self.sync_bar, self.sync_cancel):
            layout.addWidget(widget)
            widget.hide()
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.timeout.connect(self._reveal_progress)

        layout.addStretch(1)
        settings = QToolButton()
        settings.setText("⚙")
        settings.setToolTip("Settings")
        settings.clicked.connect(self.settings_clicked)
        layout.addWidget(settings)

    def sync_started(self) -> None:
        self.sync.setEnabled(False)
        self.sync_label.setText("Syncing")
        self.sync_bar.setRange(0, 0)
        self._progress_timer.start(PROGRESS_AFTER_MS)

    def _reveal_progress(self) -> None:
        for widget in (self.sync_label, self.sync_bar, self.sync_cancel):
            widget.show()

    def sync_progress(self, what: str, done: int, total: object) -> None:
        if isinstance(total, int) and total > 0:
            self.sync_bar.setRange(0, total)
            self.sync_bar.setValue(done)
            self.sync_label.setText(f"{what.removeprefix('sync ')} {done:,}/{total:,}")
        else:
            self.sync_label.setText(f"{what.removeprefix('sync ')}…")

    def sync_stopped(self) -> None:
        self._progress_timer.stop()
        self.sync.setEnabled(True)
        for widget in (self.sync_label, self.sync_bar, self.sync_cancel):
            widget.hide()
