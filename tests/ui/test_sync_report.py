"""The last sync's problems, when a server's or an API's error quotes a visitor's words."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QScrollArea

from tests.ui.hostile import HOSTILE, LONG_WORD, SHOWN, on_a_laptop
from tests.ui.test_main_window_layout import settle

from leaddesk.ui.sync_report import SyncReport, SyncReportDialog


def test_an_error_quoting_a_visitor_shows_as_typed_and_never_scrolls_sideways(
        qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    report = SyncReport()
    report.item_failed(f"netlify record {HOSTILE}", f"HTTP 422: {HOSTILE} {LONG_WORD}; skipped")
    dialog = SyncReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    settle()
    ((item, reason, _advice),) = dialog.blocks
    assert item.textFormat() == reason.textFormat() == Qt.TextFormat.PlainText
    assert item.text() == f"netlify record {SHOWN}"
    assert reason.text() == f"HTTP 422: {SHOWN} {LONG_WORD}; skipped"
    scroll = dialog.findChild(QScrollArea)
    assert scroll is not None
    assert not scroll.horizontalScrollBar().isVisible()
    assert dialog.width() <= screen.width()
