"""The detail pane's "Also viewing" line: colleagues' names come from a shared team database."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from leaddesk.db import Database
from tests.ui.hostile import HOSTILE, LONG_WORD, SHOWN, on_a_laptop
from tests.ui.test_main_window_layout import open_window, settle


def test_a_colleagues_hostile_or_5000_letter_name_shows_as_typed_and_never_widens_the_window(
        qtbot, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    window = open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None)
    detail = window.inbox.detail
    detail.set_viewers([HOSTILE, LONG_WORD])
    settle()
    assert detail.also_viewing.textFormat() == Qt.TextFormat.PlainText
    assert detail.also_viewing.text() == f"Also viewing: {SHOWN}, {LONG_WORD}"
    assert window.width() <= screen.width()
    assert window.minimumSizeHint().width() <= screen.width()
