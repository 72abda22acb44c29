"""Starting the desktop app: the QApplication, the database, the main window."""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from leaddesk import __version__
from leaddesk.config import current_user
from leaddesk.db import Database

from leaddesk.ui.icons import app_icon
from leaddesk.ui.main_window import MainWindow
from leaddesk.ui.operations import NetOp
from leaddesk.ui.settings import ME, Settings
from leaddesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from leaddesk import demo

# Set (to anything) by packaging tests: show the window, wait for the inbox's first page, print one
# line and exit 0; exit 1 if nothing loads within SMOKE_TIMEOUT_MS. Proves an installed build starts.
ENV_SMOKE_TEST = "LEADDESK_SMOKE_TEST"
SMOKE_TIMEOUT_MS = 60_000


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


def show_window(db: Database, *, title_suffix: str = "") -> MainWindow:
    """Build the main window on ``db`` and show it (what :func:`run` does before its event loop;
    ``bench/bench_window.py`` measures exactly this)."""
    application()
    settings = Settings()
    me = settings.get(ME) or current_user()
    window = MainWindow(db, me=me, settings=settings, title_suffix=title_suffix)
    window.show()
    # Everything alive now (Qt wrappers, modules) lives for the whole session: keep it out of the
    # cyclic collector's full passes, which otherwise stall list loads at a million rows. The
    # collector may have been off until here (`leaddesk gui` turns it off for the imports, where
    # its passes took 90-190 ms of the start): on again, for what the session allocates.
    gc.freeze()
    gc.enable()
    return window


def run(db: Database, *, title_suffix: str = "") -> int:
    """Show the main window on ``db`` and run the event loop until it closes."""
    app = application()
    window = show_window(db, title_suffix=title_suffix)
    if os.environ.get(ENV_SMOKE_TEST):
        _quit_when_loaded(app, window)
    return int(app.exec())


# Windows opened in place of another ("Open the demo") with the demo they show: referenced while
# the session lasts.
REPLACEMENTS: list[tuple[MainWindow, demo.OpenDemo]] = []


def open_demo_instead(window: MainWindow) -> None:
    """The welcome screen's "Open the demo": fill the demo database in the network pool through
    :func:`leaddesk.demo.open_demo` (what `leaddesk demo` runs, so the demo is the same), then put
    a window on it where ``window`` (the empty one) was, and close ``window``."""

    # Imported here: the demo's content and its local blog are only needed when asked for, not to
    # start the app.
    from leaddesk import demo

    def opened(result: demo.OpenDemo) -> None:
        # The same kind of task runner (inline only under tests).
        tasks = TaskRunner(inline=True) if window.tasks.inline else None
        demo_window = MainWindow(result.db, me=window.me, settings=window.settings, tasks=tasks,
                                 title_suffix=demo.TITLE_SUFFIX)
        demo_window.restoreGeometry(window.saveGeometry())
        app = QApplication.instance()
        if app is not None:  # the blog is served and the database open until LeadDesk quits
            app.aboutToQuit.connect(result.close)
        REPLACEMENTS.append((demo_window, result))
        demo_window.show()
        window.close()

    window.statusBar().showMessage("Opening the demo…", 5000)
    NetOp(window.ctx, demo.open_demo, parent=window, what="opening the demo").success(
        opened).run_in_background()


def _quit_when_loaded(app: QApplication, window: MainWindow) -> None:
    reported: list[str] = []

    def done(code: int, what: str) -> None:
        if reported:  # later pages load too; only the first answer counts
            return
        reported.append(what)
        if sys.stdout is not None:  # a windowed Windows build has no stdout
            print(f"leaddesk {__version__} smoke test: {what}", flush=True)
        app.exit(code)

    def loaded() -> None:
        done(0, f"window shown, {window.inbox.model.rowCount()} messages listed")

    window.inbox.model.page_loaded.connect(loaded)
    window.inbox.empty_database.connect(loaded)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: done(1, "the inbox did not load in time"))
