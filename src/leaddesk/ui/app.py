"""Starting the desktop app: the QApplication, the database, the main window."""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QApplication

from leaddesk import __version__
from leaddesk.config import current_user
from leaddesk.db import Database

from leaddesk.ui.icons import app_icon
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.settings import ME, Settings


def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("LeadDesk")
    app.setOrganizationName("LeadDesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("org.leaddesk.LeadDesk")
    app.setWindowIcon(app_icon())
    return app


def run(db: Database, *, title_suffix: str = "") -> int:
    """Show the main window on ``db`` and run the event loop until it closes."""
    app = application()
    settings = Settings()
    me = settings.get_str(ME) or current_user()
    window = MainWindow(db, me=me, settings=settings, title_suffix=title_suffix)
    window.show()
    # Everything alive now (Qt wrappers, modules) lives for the whole session: keep it out of the
    # cyclic collector's full passes, which otherwise stall list loads at a million rows.
    gc.freeze()
    return int(app.exec())
