"""The window and its dialogs stay on screens from 800 × 600 to 1920 × 1080: opening the correction
form, the Leads and Insights pages, the reply window and the settings never make anything taller
or wider than the screen (the detail pane scrolls instead), and a form's field grid shows each
value on one line with no bidirectional override left to reorder it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QScrollArea

from leaddesk.db import Database
from tests.support.factories import BASE_TIME, make_submission
from tests.ui.test_main_window_layout import LONG_NAME, open_window, settle

from leaddesk.ui.composer import Composer
from leaddesk.ui.detail.message import MessageTabs
from leaddesk.ui.main_window import INSIGHTS_PAGE, LEADS_PAGE
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.settings_dialog import SettingsDialog

SIZES = [(800, 600), (1024, 700), (1280, 800), (1366, 768), (1440, 900), (1920, 1080),
         (2560, 1440),
         # 1280 x 800 at a scale factor of 2 and of 1.5, 1366 x 768 and 1024 x 768 at 2: the
         # logical screen the window sees.
         (640, 400), (853, 533), (683, 384), (512, 384)]


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def screen(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> QRect:
    """The screen every window reads (``availableGeometry``) at one of the sizes."""
    width, height = request.param
    room = QRect(0, 0, width, height)
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: room)
    return room


def test_the_correction_form_and_every_page_keep_the_window_on_the_screen(
        qtbot, ui_db: Database, screen: QRect) -> None:
    with ui_db.session() as session:  # a header that wraps onto several lines
        make_submission(session, visitor_name=LONG_NAME, visitor_company="Hohenzollern " * 8,
                        visitor_email="max@" + "x" * 60 + ".example", visitor_phone="+49 " * 10,
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    detail = window.inbox.detail
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.row.name == LONG_NAME)
    detail.edit.open_editor()
    settle()
    assert detail.edit.isVisible()
    assert window.height() <= screen.height()
    assert window.width() <= screen.width()
    for page in (LEADS_PAGE, INSIGHTS_PAGE, 0):
        window.show_page(page)
        settle()
        assert window.height() <= screen.height(), page
        assert window.width() <= screen.width(), page


def test_the_reply_window_and_the_settings_open_within_the_screen(
        qtbot, ui_db: Database, screen: QRect) -> None:
    window = open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None)
    current = window.inbox.detail.current
    assert current is not None
    for dialog in (Composer(window.ctx, current.row.id, window), SettingsDialog(window.ctx, window)):
        qtbot.addWidget(dialog)
        assert dialog.width() <= screen.width()
        assert dialog.height() <= screen.height()


def test_the_field_grid_shows_each_value_on_one_line_without_bidi_overrides(qtbot) -> None:
    tabs = MessageTabs()
    qtbot.addWidget(tabs)
    tabs._show_fields({"Your \u202eName": "Zed \u202eevil\u202c\nsecond line",
                       "Topic": "<b>Pricing</b>\u2066"}, "")
    items = [(tabs.fields.item(r, 0), tabs.fields.item(r, 1)) for r in range(tabs.fields.rowCount())]
    shown = [(label.text(), value.text()) for label, value in items if label and value]
    assert shown == [("Your Name", "Zed evil second line"), ("Topic", "<b>Pricing</b>")]


def test_a_lead_with_a_5000_character_word_keeps_the_list_and_the_pane_in_place(
        qtbot, ui_db: Database, screen: QRect) -> None:
    with ui_db.session() as session:
        make_submission(session, visitor_name="W" * 5000, subject="S" * 5000,
                        body_text="B" * 5000, visitor_company="<b>C</b>" * 600,
                        received_at=BASE_TIME + timedelta(days=9))  # the newest: it opens
    window = open_window(qtbot, ui_db)
    inbox = window.inbox
    qtbot.waitUntil(lambda: inbox.detail.current is not None
                    and inbox.detail.current.row.name == "W" * 5000)
    settle()
    assert window.width() <= screen.width()
    assert window.height() <= screen.height()
    assert not inbox.list.horizontalScrollBar().isVisible()
    # Elided, never wider than the pane (than the page it scrolls, on the narrowest screens).
    assert inbox.detail.card.name.width() <= max(inbox.detail.width(),
                                                 inbox.detail.least_width())


def test_a_5000_character_word_in_the_conversation_never_widens_it(
        qtbot, ui_db: Database, screen: QRect) -> None:
    with ui_db.session() as session:
        make_submission(session, body_text="A reply:\n" + "B" * 5000 + "\nthanks",
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    detail = window.inbox.detail
    qtbot.waitUntil(lambda: detail.current is not None)
    tabs = detail.message
    tabs.setCurrentWidget(tabs.timeline)
    settle()
    timeline = tabs.timeline
    assert timeline.entries
    assert not timeline.horizontalScrollBar().isVisible()
    content = timeline.widget()
    assert content is not None
    assert content.width() <= timeline.viewport().width()
    assert window.width() <= screen.width()


def test_no_page_or_dialog_asks_for_more_than_the_screen(
        qtbot, ui_db: Database, screen: QRect) -> None:
    """What a window may not shrink below (its minimum) fits the screen: a too-large minimum is
    what put the window partly off a 1280 x 800 screen at a scale of 2 (640 x 400 logical)."""
    window = open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None)
    for page in (0, LEADS_PAGE, INSIGHTS_PAGE):
        window.show_page(page)
        settle()
        least = window.minimumSizeHint()
        assert least.width() <= screen.width(), page
        assert least.height() <= screen.height(), page
        assert QRect(screen).contains(window.frameGeometry()), page
        if page == LEADS_PAGE and screen.height() >= 700:  # room: the chart panel never scrolls
            assert not window.leads.side.verticalScrollBar().isVisible()
    window.show_page(0)
    current = window.inbox.detail.current
    assert current is not None
    for dialog in (Composer(window.ctx, current.row.id, window),
                   SettingsDialog(window.ctx, window), window.inbox.export_dialog()):
        qtbot.addWidget(dialog)
        least = dialog.minimumSizeHint()
        assert least.width() <= screen.width(), type(dialog).__name__
        assert least.height() <= screen.height(), type(dialog).__name__


def test_on_a_640_by_400_screen_the_list_stays_readable_and_long_lines_elide(
        qtbot, ui_db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    room = QRect(0, 0, 640, 400)  # 1280 x 800 at QT_SCALE_FACTOR=2
    monkeypatch.setattr(QScreen, "availableGeometry", lambda _self: room)
    with ui_db.session() as session:  # the newest, so it opens: "Show formatted" in the tabs' corner
        make_submission(session, body_html="<p>Hello</p>", received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    qtbot.waitUntil(lambda: window.inbox.detail.current is not None)
    assert window.inbox.detail.message.formatted.isVisible()
    # The lead's tabs shorten their titles rather than widen the pane: the list keeps its room.
    assert window.inbox.list.width() >= 240
    # A team database's long address and the shortcut hint elide; the status bar never sets
    # the window's least width.
    window.db_label.setText("postgresql+psycopg://leaddesk@" + "db" * 80 + ".example/leads")
    settle()
    assert window.statusBar().minimumSizeHint().width() <= room.width() // 2
    assert window.minimumSizeHint().width() <= room.width()
    assert window.shortcut_hint.toolTip() == tooltip(window.shortcut_hint.text())
    insights = window.insights
    window.show_page(INSIGHTS_PAGE)
    settle()
    assert insights.median.text().startswith("Median time")
    assert insights.median.toolTip() == tooltip(insights.median.text())  # elided, whole here
    responses = insights.responses
    assert responses.minimumSizeHint().width() <= responses.width()  # nothing cut at the side
    assert window.width() <= room.width()


def test_settings_tabs_scroll_only_on_a_screen_too_small_for_them(
        qtbot, ui_db: Database, screen: QRect) -> None:
    window = open_window(qtbot, ui_db)
    dialog = SettingsDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    roomy = screen.width() >= 1024 and screen.height() >= 700  # the dialog's whole 760 x 520
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        settle()
        area = dialog.tabs.currentWidget()
        assert isinstance(area, QScrollArea)
        page = dialog.page(index)
        assert page is not None
        if roomy:  # a wrapped help text's preferred height must not make a tab scroll
            assert not area.verticalScrollBar().isVisible(), dialog.tabs.tabText(index)
            assert not area.horizontalScrollBar().isVisible(), dialog.tabs.tabText(index)
        # Never cut off: what the viewport cannot show, it scrolls to.
        assert page.width() >= page.minimumSizeHint().width()
        assert page.height() >= page.minimumSizeHint().height()
    assert dialog.frameGeometry().height() <= screen.height()


def test_the_leads_header_rows_never_overlap_on_a_short_screen(
        qtbot, ui_db: Database, screen: QRect) -> None:
    """What wraps (the contact line, the buttons and chips, a suggestion) keeps the height it
    needs at the pane's width: the page scrolls instead of drawing rows over one another."""
    with ui_db.session() as session:
        make_submission(session, visitor_name=LONG_NAME, visitor_company="Hohenzollern " * 4,
                        visitor_email="max@" + "x" * 40 + ".example", visitor_phone="+49 30 1234",
                        received_at=BASE_TIME + timedelta(days=9))
    window = open_window(qtbot, ui_db)
    detail = window.inbox.detail
    qtbot.waitUntil(lambda: detail.current is not None and detail.current.row.name == LONG_NAME)
    for n in range(6):
        detail.card.tag_added.emit(f"tag number {n}")
    settle()
    page = detail.page_scroll.inner
    layout = page.layout()
    assert layout is not None
    for index in range(layout.count()):
        item = layout.itemAt(index)
        assert item is not None
        if item.isEmpty():
            continue
        width = item.geometry().width()
        least = (item.minimumHeightForWidth(width) if item.hasHeightForWidth()
                 else item.minimumSize().height())
        assert item.geometry().height() >= least, item.widget()


def test_the_list_keeps_room_and_the_lead_scrolls_sideways_only_on_the_narrowest_screens(
        qtbot, ui_db: Database, screen: QRect) -> None:
    window = open_window(qtbot, ui_db)
    detail = window.inbox.detail
    qtbot.waitUntil(lambda: detail.current is not None)
    settle()
    assert window.inbox.list.width() >= min(240, screen.width() // 3)
    page = detail.page_scroll.inner
    assert page.width() >= page.minimumSizeHint().width()  # never cut off: it scrolls
    sideways = detail.page_scroll.horizontalScrollBar().isVisible()
    assert sideways == (screen.width() < 600)  # 512 x 384 (1024 x 768 at a scale of 2) only


def test_a_narrow_pane_moves_show_formatted_before_it_cuts_a_tab_title(qtbot) -> None:
    tabs = MessageTabs()
    qtbot.addWidget(tabs)
    tabs._has_html = True
    bar = tabs.tabBar()
    titles = sum(bar.tabSizeHint(i).width() for i in range(bar.count()))

    def shown_whole() -> bool:
        return all(bar.tabRect(i).width() >= bar.tabSizeHint(i).width() for i in range(bar.count()))

    def in_corner() -> bool:
        return tabs.cornerWidget(Qt.Corner.TopRightCorner) is tabs.formatted

    tabs.resize(titles + 70, 300)  # room for the titles and "HTML", not "Show formatted"
    tabs.show()
    qtbot.waitExposed(tabs)
    settle()
    assert (tabs.formatted.text(), in_corner()) == ("HTML", True)
    assert shown_whole()
    assert tabs.formatted.isVisible()
    tabs.formatted.setChecked(True)
    assert tabs.formatted.text() == "Text"
    tabs.resize(titles + 300, 300)
    settle()
    assert (tabs.formatted.text(), in_corner()) == ("Show plain text", True)
    assert shown_whole()
    assert tabs.formatted.isVisible()
    tabs.resize(titles + 8, 300)  # no room for any words: a line of its own under the fields
    settle()
    assert (tabs.formatted.text(), in_corner()) == ("Show plain text", False)
    assert shown_whole()
    assert tabs.formatted.isVisible()
    tabs.formatted.click()
    assert tabs.body.currentWidget() is tabs.text
    tabs.resize(titles + 300, 300)  # and back
    settle()
    assert (tabs.formatted.text(), in_corner()) == ("Show formatted", True)
    assert tabs.formatted.isVisible()
    tabs.setCurrentWidget(tabs.notes_page)
    assert not tabs.formatted.isVisible()
