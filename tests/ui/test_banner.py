"""The banner and the failure dialog, on an error that quotes a stranger: an IMAP or HTTP server's
message repeating a visitor's markup and a 5,000-letter word shows as typed and fits the screen."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from leaddesk.db import Database
from leaddesk.errors import LeadDeskError
from tests.ui.hostile import HOSTILE, LONG_WORD, SHOWN, on_a_laptop
from tests.ui.test_main_window_layout import open_window, settle


def test_a_servers_error_quoting_a_visitor_is_a_plain_banner_that_never_widens_the_window(
        qtbot, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    window = open_window(qtbot, ui_db)
    said = f"The IMAP server said: BAD [{HOSTILE}] {LONG_WORD}"
    window.ctx.failures.report(LeadDeskError(said), window, what="syncing")
    settle()
    label = window.banner.label
    assert window.banner.isVisible()
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text() == f"The IMAP server said: BAD [{SHOWN}] {LONG_WORD}"
    assert window.width() <= screen.width()
    assert window.minimumSizeHint().width() <= screen.width()


def test_an_unexpected_error_quoting_a_visitor_is_a_plain_dialog_within_the_screen(
        qtbot, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    window = open_window(qtbot, ui_db)
    with qtbot.waitSignal(window.ctx.failures.dialog_shown) as shown:
        window.ctx.failures.report(RuntimeError(f"HTTP 500: {HOSTILE} {LONG_WORD}"), window)
    box: QMessageBox = shown.args[0]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert f"HTTP 500: {SHOWN} W" in box.text()  # no override left to reverse the paragraph
    assert box.width() <= screen.width()
    box.close()
