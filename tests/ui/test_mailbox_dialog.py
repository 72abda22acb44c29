"""Add a mailbox: what the IMAP server said, when it quotes a stranger, shows as typed and fits."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt

from tests.ui.hostile import LONG_WORD, MARKUP, on_a_laptop
from tests.ui.test_main_window_layout import settle

from leaddesk.ui.context import AppContext
from leaddesk.ui.mailbox_dialog import MailboxDialog


def test_a_servers_words_with_markup_and_a_long_word_show_as_typed_and_fit(
        qtbot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> None:
    screen = on_a_laptop(monkeypatch)
    dialog = MailboxDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    said = f"the IMAP server says: NO [{MARKUP}] {LONG_WORD[:200]}"
    dialog.status.setText(said)
    settle()
    assert dialog.status.textFormat() == Qt.TextFormat.PlainText
    assert dialog.status.text() == said
    assert dialog.width() <= screen.width()
    assert dialog.minimumSizeHint().width() <= screen.width()
