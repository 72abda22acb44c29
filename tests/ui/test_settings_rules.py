"""Settings → Rules: list in order, add and edit with the preview line, reorder, enable, delete;
errors under the list; the tab is in the settings dialog; a long name elides, whole in its
tooltip."""

from __future__ import annotations

from sqlalchemy import select

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QToolTip

from leaddesk.db import Database
from leaddesk.db.models import AuditEvent
from leaddesk.rules import catalog

from leaddesk.ui.context import AppContext
from leaddesk.ui.safe_text import tooltip
from leaddesk.ui.settings_dialog import SettingsDialog
from leaddesk.ui.settings_rules import RulesTab
from leaddesk.ui.widgets import FitWidthDelegate


def rules(db: Database) -> list[tuple[int, str, bool]]:
    with db.session() as s:
        return [(r.position, r.name, r.enabled) for r in catalog.list_rules(s)]


def fill(tab: RulesTab, name: str, when: str, do: str) -> None:
    tab.new()
    tab.name.setText(name)
    tab.when.setPlainText(when)
    tab.do.setPlainText(do)


def test_add_preview_edit_reorder_and_delete(qtbot, ctx: AppContext, ui_db: Database) -> None:
    tab = RulesTab(ctx)
    qtbot.addWidget(tab)
    assert tab.list.count() == 0
    fill(tab, "speakers", "topic=Speakers bureaus", "assign=Ada\ntag=speakers")
    tab.update_preview()  # what the timer calls once typing stops
    assert tab.preview.text() == "would change 20 of the last 30 leads"
    tab.save()
    assert rules(ui_db) == [(1, "speakers", True)]
    assert [tab.list.item(i).text() for i in range(tab.list.count())] == ["1. speakers"]

    fill(tab, "engagement", "topic=Patient engagement", "tag=pe")
    tab.stop.setChecked(True)
    tab.save()
    assert rules(ui_db) == [(1, "speakers", True), (2, "engagement", True)]
    assert tab.current == "engagement"
    tab.reorder(-1)
    assert rules(ui_db) == [(1, "engagement", True), (2, "speakers", True)]

    tab.list.setCurrentRow(1)
    assert (tab.name.text(), tab.when.toPlainText()) == ("speakers", "topic=Speakers bureaus")
    tab.enabled.setChecked(False)
    tab.save()
    assert rules(ui_db)[1] == (2, "speakers", False)
    assert tab.list.item(1).text() == "2. speakers  (off)"
    tab.delete()
    assert rules(ui_db) == [(1, "engagement", True)]
    with ui_db.session() as s:
        actors = set(s.execute(select(AuditEvent.actor).where(AuditEvent.entity == "rule"))
                     .scalars())
    assert actors == {"tester"}


def test_typos_show_the_closest_word_and_save_nothing(qtbot, ctx: AppContext,
                                                      ui_db: Database) -> None:
    tab = RulesTab(ctx)
    qtbot.addWidget(tab)
    fill(tab, "r", "topc=x", "tag=a")
    tab.update_preview()
    assert "did you mean topic?" in tab.preview.text()
    tab.save()
    assert "did you mean topic?" in tab.error.text()
    fill(tab, "r", "", "assign=Adda")
    tab.save()
    assert "did you mean Ada" in tab.error.text()
    assert rules(ui_db) == []


def test_options_are_saved_with_the_rule(qtbot, ctx: AppContext, ui_db: Database) -> None:
    tab = RulesTab(ctx)
    qtbot.addWidget(tab)
    assert not tab.acknowledge.isChecked()  # off by default
    fill(tab, "r", "hours=18-08", "tag=night")
    tab.zone.setText("Europe/Stockholm")
    tab.acknowledge.setChecked(True)
    tab.save()
    with ui_db.session() as s:
        assert catalog.get_options(s) == {"timezone": "Europe/Stockholm",
                                          "acknowledgements": "on", "acknowledge-account": ""}


def test_the_settings_dialog_has_the_rules_tab(qtbot, ctx: AppContext) -> None:
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Rules" in titles
    assert isinstance(dialog.page(titles.index("Rules")), RulesTab)


def test_a_long_rule_name_elides_and_never_scrolls_the_list_sideways(
        qtbot, ctx: AppContext, ui_db: Database) -> None:
    tab = RulesTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(640, 400)
    tab.show()
    qtbot.waitExposed(tab)
    name = "<b>Speakers</b> " + "bureaus-to-Ada-and-Ben-" * 3  # 85 characters
    fill(tab, name.strip(), "topic=Speakers bureaus", "assign=Ada")
    tab.save()
    assert tab.error.text() == ""
    qtbot.waitUntil(lambda: tab.list.count() == 1)
    QApplication.processEvents()
    assert tab.list.horizontalScrollBar().maximum() == 0
    assert tab.list.visualItemRect(tab.list.item(0)).width() <= tab.list.viewport().width()
    delegate = tab.list.itemDelegate()
    assert isinstance(delegate, FitWidthDelegate)
    index = tab.list.model().index(0, 0)
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), tab.list.mapToGlobal(QPoint(5, 5)))
    assert delegate.helpEvent(event, tab.list, QStyleOptionViewItem(), index)
    qtbot.waitUntil(QToolTip.isVisible)
    assert QToolTip.text() == tooltip(f"1. {name.strip()}")  # whole, and plain
    QToolTip.hideText()
