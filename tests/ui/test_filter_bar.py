"""Each page's own bar: the search box clears with Escape, even with a window-wide Escape key; a
bar of many filters is one full row on a wide window and wraps on a narrow one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton, QVBoxLayout, QWidget

from leaddesk.ui.filter_bar import SearchBox, wrapping_bar
from leaddesk.ui.main_window import MainWindow


def test_escape_clears_the_search_at_once_and_the_list_comes_back(qtbot, window: MainWindow) -> None:
    inbox = window.inbox
    inbox.search.setText("Visitor 07")
    qtbot.waitUntil(lambda: inbox.model.rowCount() == 1, timeout=3000)
    inbox.search.setFocus()
    qtbot.keyClick(inbox.search, Qt.Key.Key_Escape)
    assert inbox.search.text() == ""
    assert inbox.model.rowCount() == 30  # no debounce wait for the full list
    qtbot.keyClick(inbox.search, Qt.Key.Key_Escape)  # an empty box: the keyboard goes back
    assert not inbox.search.hasFocus()


def test_a_window_escape_shortcut_does_not_take_the_key_from_a_search(qtbot) -> None:
    from PySide6.QtWidgets import QMainWindow
    window = QMainWindow()
    qtbot.addWidget(window)
    box = SearchBox("Search")
    window.setCentralWidget(box)
    fired: list[bool] = []
    close = QAction(window)
    close.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    close.triggered.connect(lambda: fired.append(True))
    window.addAction(close)
    window.show()
    qtbot.waitExposed(window)
    box.setFocus()
    box.setText("nadia")
    with qtbot.waitSignal(box.search_changed, timeout=1000) as searched:
        qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert searched.args == [""]
    assert box.text() == ""
    assert fired == []


def test_the_search_key_goes_to_the_shown_pages_own_box(qtbot, window: MainWindow) -> None:
    window.show_page(1)
    action = window.findChild(QAction, "action-search")
    assert action is not None
    action.trigger()
    assert window.leads.search.hasFocus() or window.focusWidget() is window.leads.search
    assert not window.top.findChildren(QLineEdit)  # the window-wide bar has no search any more


def bar_page(qtbot, combos: list[QComboBox], *rest: QWidget) -> tuple[QWidget, QWidget]:
    """A page with a wrapping bar of ``combos`` and ``rest`` at its top: (page, bar)."""
    page = QWidget()
    qtbot.addWidget(page)
    bar, layout = wrapping_bar()
    for widget in (*combos, *rest):
        layout.addWidget(widget)
    column = QVBoxLayout(page)
    column.setContentsMargins(0, 0, 0, 0)
    column.addWidget(bar)
    column.addStretch(1)
    return page, bar


def test_a_wrapping_bar_is_one_full_row_when_wide_and_wraps_when_narrow(qtbot) -> None:
    combos = [QComboBox() for _ in range(4)]
    for combo in combos:
        combo.addItem("Status: not spam")
    search = SearchBox("Filter contacts…")
    export = QPushButton("Export 1,234 contacts…")
    page, bar = bar_page(qtbot, combos, search, export)
    page.resize(1400, 300)
    page.show()
    qtbot.waitExposed(page)
    row = {w.geometry().center().y() for w in (*combos, search, export)}
    assert len(row) == 1  # one row …
    assert export.geometry().right() == bar.width() - 8 - 1  # … filled to the right margin
    assert search.width() > search.sizeHint().width()  # by the search box
    page.resize(420, 300)
    qtbot.waitUntil(lambda: export.geometry().top() > combos[0].geometry().bottom())
    assert bar.height() >= 2 * combos[0].height()  # wrapped onto more lines, in the bar's height
    assert all(w.geometry().right() < bar.width() for w in (*combos, search, export))
    assert page.minimumSizeHint().width() <= 420


def test_a_bar_shrinks_its_filters_toward_their_least_before_it_wraps(qtbot) -> None:
    combos = [QComboBox() for _ in range(3)]
    for combo in combos:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumContentsLength(10)  # as the Leads page's
        combo.addItems(["Topic: all", "Topic: Public/private partnerships (IMI)"])
    search = SearchBox("Filter contacts…")
    page, bar = bar_page(qtbot, combos, search)
    everything = [*combos, search]
    least = sum(w.minimumSizeHint().expandedTo(w.minimumSize()).width() for w in everything)
    asked = sum(w.sizeHint().expandedTo(w.minimumSize()).width() for w in everything)
    width = (least + asked) // 2 + 3 * 6 + 16
    assert least < asked
    page.resize(width, 100)
    page.show()
    qtbot.waitExposed(page)
    assert len({w.geometry().center().y() for w in everything}) == 1  # one line, not two
    assert all(w.width() >= w.minimumSizeHint().width() for w in everything)
    assert search.geometry().right() <= bar.width() - 8


def test_a_narrow_bar_wraps_rather_than_cut_the_choice_a_drop_down_shows(qtbot) -> None:
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    from leaddesk.ui.filter_bar import BarCombo
    page = QWidget()
    qtbot.addWidget(page)
    bar, layout = wrapping_bar(page)
    combos = []
    for shown, longest in (("Topic: all", "Topic: Public/private partnerships (IMI)"),
                           ("Owner: anyone", "Owner: Katrin Hollstein-Lindqvist"),
                           ("Status: not spam", "Status: waiting")):
        combo = BarCombo()
        combo.addItems([shown, longest])
        combos.append(combo)
        layout.addWidget(combo)
    layout.addWidget(SearchBox("Filter contacts…"))
    layout.addWidget(QPushButton("Export 37 contacts…"))
    for width in (800, 520, 330):
        bar.resize(width, bar.heightForWidth(width))
        page.resize(width, bar.height())
        page.show()
        qtbot.waitExposed(page)
        for combo in combos:
            option = QStyleOptionComboBox()
            combo.initStyleOption(option)
            field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                                 QStyle.SubControl.SC_ComboBoxEditField, combo)
            assert field.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText()), (
                width, combo.currentText())
