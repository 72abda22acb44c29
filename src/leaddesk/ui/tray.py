"""The system-tray icon: the count of new leads, and a desktop notification when more arrive."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from leaddesk.ui.icons import app_icon, badge_icon
from leaddesk.ui.safe_text import notification
from leaddesk.ui.settings import NOTIFY_NEW, Settings


class Tray:
    def __init__(self, window: QMainWindow, settings: Settings) -> None:
        self.window = window
        self.settings = settings
        self.icon: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return  # no tray (offscreen, some Wayland desktops): the window still works
        self.icon = QSystemTrayIcon(app_icon(), window)
        menu = QMenu(window)
        menu.addAction("Show LeadDesk", self._show)
        menu.addAction("Quit", window.close)
        self.icon.setContextMenu(menu)
        self.icon.activated.connect(lambda _reason: self._show())
        self.icon.setToolTip("LeadDesk")
        self.icon.show()

    def _show(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def set_new_count(self, count: int) -> None:
        if self.icon is not None:
            self.icon.setIcon(badge_icon(count))
            self.icon.setToolTip(notification(f"LeadDesk — {count} new") if count else "LeadDesk")

    def notify_new(self, added: int) -> None:
        if self.icon is None or not self.settings.get(NOTIFY_NEW):
            return
        self.icon.showMessage("LeadDesk", notification(f"{added} new lead{'s' if added != 1 else ''} "
                                                       f"arrived"),
                              QSystemTrayIcon.MessageIcon.Information, 5000)

    def notify_answers(self, who: list[str]) -> None:
        """"Nadia Benali answered", or how many visitors did."""
        settings = getattr(self.window, "settings", None)
        if self.icon is None or not who or (settings is not None
                                             and not settings.get_bool(NOTIFY_NEW)):
            return
        self.icon.showMessage("LeadDesk", notification(answered_text(who)),
                              QSystemTrayIcon.MessageIcon.Information, 5000)

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()


def answered_text(who: list[str]) -> str:
    """The notification's words for the visitors who answered."""
    names = list(dict.fromkeys(who))
    if len(names) == 1:
        return f"{names[0]} answered"
    if len(names) == 2:
        return f"{names[0]} and {names[1]} answered"
    return f"{names[0]} and {len(names) - 1} others answered"
