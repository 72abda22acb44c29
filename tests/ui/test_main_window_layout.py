"""The window holds still: it opens within its screen, the panes keep their widths whatever a
lead's header holds, the tabs fit, and at 1024 × 700 nothing is cut off.

The offscreen platform has one 800 × 800 screen; each test gives it the size a user's screen has
(``QScreen.availableGeometry``, which is what the window reads), so the window starts as it
would there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from PySide6.QtCore import QRect
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication

from leaddesk.db import Database
from tests.support.factories import BASE_TIME, make_submission

from leaddesk.ui.main_window import MainWindow, clamped, default_split
from leaddesk.ui.settings import GEOMETRY, Settings
from leaddesk.ui.tasks import TaskRunner

SIZES = [(1280, 800), (1024, 700)]
LONG_NAME = ("Dr. " + "Maximiliana-Alexandra von Hohenzollern-Sigmaringen " * 5)[:200]


@pytest.fixture
def screen_of(monkeypatch: pytest.MonkeyPatch) -> Callable[[int, int], None]:
    def set_size(width: int, height: int) -> None:
        monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: QRect(0, 0, width, height))
    return set_size


def open_window(qtbot, db: Database) -> MainWindow:
    window = MainWindow(db, me="tester", tasks=TaskRunner(inline=True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    settle()
    return window


def settle() -> None:
    """Let Qt run the layout requests the last change posted (no waiting on time)."""
    for _ in range(3):
        QApplication.processEvents()


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_window_opens_within_the_screen(qtbot, ui_db: Database, screen_of,
                                            width: int, height: int) -> None:
    screen_of(width, height)
    window = open_window(qtbot, ui_db)
    assert QRect(0, 0, width, height).contains(window.frameGeometry())
    assert window.minimumSizeHint().width() <= 1024
    assert window.minimumWidth() <= 1024


def test_a_remembered_geometry_is_clamped_to_the_screen(qtbot, ui_db: Database,
                                                        screen_of) -> None:
    screen_of(2560, 1440)
    big = open_window(qtbot, ui_db)
    big.setGeometry(1200, 500, 1300, 900)  # on a big monitor, far right
    big.close()  # remembers it
    assert Settings().get(GEOMETRY)
    screen_of(1024, 700)  # next start: on the laptop's screen
    window = open_window(qtbot, ui_db)
    assert QRect(0, 0, 1024, 700).contains(window.frameGeometry())


def test_clamping_moves_before_it_shrinks() -> None:
    screen = QRect(0, 0, 1280, 800)
    assert clamped(QRect(900, 300, 800, 600), screen) == QRect(480, 200, 800, 600)
    assert clamped(QRect(0, 0, 1284, 804), screen) == QRect(0, 0, 1280, 800)
    assert clamped(QRect(-50, -20, 2000, 1000), screen) == QRect(0, 0, 1280, 800)
    assert clamped(QRect(10, 10, 400, 300), screen) == QRect(10, 10, 400, 300)
    assert sum(default_split(1280)) == 1280
    assert default_split(1024)[0] == 0  # the sidebar folds away on a narrow window


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_panes_keep_their_widths_after_assign_tag_and_a_long_name(
        qtbot, ui_db: Database, screen_of, width: int, height: int) -> None:
    with ui_db.session() as s:
        make_submission(s, visitor_name=LONG_NAME, visitor_email="max@" + "x" * 60 + ".example",
                        visitor_company="Hohenzollern " * 8, received_at=BASE_TIME + timedelta(days=9))
    screen_of(width, height)
    window = open_window(qtbot, ui_db)
    inbox = window.inbox
    card = inbox.detail.card
    assert card.name.text() == LONG_NAME  # the newest: it is open
    settle()
    sizes = inbox.split.sizes()
    list_width = inbox.list.width()
    for step in (lambda: card.assignee_chosen.emit("Ada"),
                 *(lambda n=n: card.tag_added.emit(f"a rather long tag name {n}")
                   for n in range(10)),
                 lambda: inbox.step_selection(1), lambda: inbox.step_selection(-1)):
        step()
        settle()
        assert inbox.split.sizes() == sizes
        assert inbox.list.width() == list_width
        assert not inbox.list.horizontalScrollBar().isVisible()
    shown = inbox.detail.current
    assert shown is not None
    assert len(shown.row.tags) == 10
    assert card.name.width() <= inbox.detail.width()  # elided, not wider than its pane
    assert card.height() < inbox.detail.height() // 2  # the chips wrapped into a few lines


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_the_four_tabs_fit_without_scroll_arrows(qtbot, ui_db: Database, screen_of,
                                                 width: int, height: int) -> None:
    screen_of(width, height)
    window = open_window(qtbot, ui_db)
    tabs = window.inbox.detail.message
    assert [tabs.tabText(i).split(" (")[0] for i in range(tabs.count())] == [
        "Message", "Conversation", "Notes", "Source"]
    bar = tabs.tabBar()
    assert bar.sizeHint().width() <= bar.width()
    assert not tabs.usesScrollButtons()


def test_at_1024_the_sidebar_folds_away_and_comes_back(qtbot, ui_db: Database,
                                                       screen_of) -> None:
    screen_of(1024, 700)
    window = open_window(qtbot, ui_db)
    sidebar = window.inbox.sidebar
    assert not sidebar.isVisible()
    assert not window.inbox.list.horizontalScrollBar().isVisible()
    window.sidebar_toggle.click()  # the ☰ at the status bar's left
    assert sidebar.isVisible()
    assert sidebar.width() >= 120  # readable, not "In…"
    window.toggle_sidebar()
    assert not sidebar.isVisible()


def test_at_1280_the_sidebar_shows_its_names_whole(qtbot, ui_db: Database, screen_of) -> None:
    screen_of(1280, 800)
    window = open_window(qtbot, ui_db)
    sidebar = window.inbox.sidebar
    assert sidebar.isVisible()
    metrics = sidebar.fontMetrics()
    topics = sidebar.topLevelItem(1)
    assert topics is not None
    widest = max(metrics.horizontalAdvance(entry.text(0))
                 for entry in (topics.child(i) for i in range(topics.childCount())) if entry)
    assert sidebar.columnWidth(0) >= widest + sidebar.indentation()


def test_a_sidebar_folded_last_time_opens_on_a_wide_screen(qtbot, ui_db: Database,
                                                          screen_of) -> None:
    screen_of(1024, 700)
    narrow = open_window(qtbot, ui_db)
    assert narrow.inbox.split.sizes()[0] == 0
    narrow.close()  # remembers the folded sidebar's 0 width
    screen_of(1600, 1000)
    wide = open_window(qtbot, ui_db)
    wide.resize(1600, 1000)
    settle()
    assert wide.inbox.sidebar.isVisible()
    assert wide.inbox.sidebar.width() >= 150


def test_a_widened_window_widens_the_list_too(qtbot, ui_db: Database, screen_of) -> None:
    screen_of(1920, 1080)
    window = open_window(qtbot, ui_db)
    window.resize(1280, 800)
    settle()
    sidebar, listed, detail = window.inbox.split.sizes()
    window.resize(1920, 1080)
    settle()
    wider_sidebar, wider_list, wider_detail = window.inbox.split.sizes()
    assert wider_sidebar == sidebar  # the sidebar keeps its width
    grown = (wider_list - listed) + (wider_detail - detail)
    assert grown > 500
    assert wider_list - listed >= grown // 3  # the list shares the new width, not the lead alone
