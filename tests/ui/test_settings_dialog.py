"""Settings → General: the time after which "waiting" turns amber reaches the list at once."""

from __future__ import annotations

from datetime import timedelta

from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings import WAITING_AMBER_HOURS
from leaddesk.ui.settings_dialog import SettingsDialog


def test_the_amber_limit_is_a_setting_the_list_follows(qtbot, window: MainWindow) -> None:
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    assert dialog.amber.value() == 24
    dialog.amber.setValue(72)
    dialog.accept()
    assert window.settings.get(WAITING_AMBER_HOURS) == 72
    assert window.inbox.model.amber_after == timedelta(hours=72)
