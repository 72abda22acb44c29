"""Settings: who this desktop is, auto-sync, notifications; the team members and the tags."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from leaddesk import triage
from leaddesk.config import current_user

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import ask_text, tooltip
from leaddesk.ui.settings import AUTO_SYNC_MINUTES, ME, NOTIFY_NEW, WAITING_AMBER_HOURS
from leaddesk.ui.settings_team import MemberRow, set_away
from leaddesk.ui.widgets import button_row, colour_dot, resize_within_screen, scrolled


class _ListTab(QWidget):
    """A list with buttons underneath and a line for errors; refreshed from the database."""

    def __init__(self, buttons: list[tuple[str, Callable[[], None]]]) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        self.error = button_row(layout, buttons)

    def add(self, item: QListWidgetItem, row: QWidget | None = None) -> None:
        """Add ``item`` (shown by ``row`` if given) at the list's width, never wider: a long
        name elides, its whole text in the tooltip, instead of scrolling the list sideways."""
        self.list.addItem(item)
        if row is None:
            item.setToolTip(tooltip(item.text()))
            height = self.list.sizeHintForRow(self.list.row(item))
        else:
            self.list.setItemWidget(item, row)
            height = row.sizeHint().height()
        item.setSizeHint(QSize(1, height))

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(256)) if item is not None else None

    @contextmanager
    def refilling(self) -> Iterator[None]:
        """Clear and refill the list, keeping the chosen entry and the scroll position: a
        refresh after "Away" on a member far down must not slide another one under the
        pointer."""
        chosen, where = self.chosen(), self.list.verticalScrollBar().value()
        self.list.clear()
        yield
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item is not None and item.data(256) == chosen:
                self.list.setCurrentItem(item)
        self.list.verticalScrollBar().setValue(where)


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = ctx.settings
        self.setWindowTitle("LeadDesk settings")
        resize_within_screen(self, 760, 520)
        tabs = QTabWidget()

        def add(page: QWidget, title: str) -> None:
            # Each tab scrolls when the screen is smaller than its form (640 × 400 at a scale
            # of 2): the dialog, its OK and Cancel included, stays on the screen.
            tabs.addTab(scrolled(page), title)

        add(self._general(), "General")
        self.members = _ListTab([("Add…", self._add_member), ("Remove", self._remove_member)])
        add(self.members, "Team")
        self.tags = _ListTab([("New…", self._new_tag), ("Rename…", self._rename_tag),
                              ("Colour…", self._recolour_tag), ("Delete", self._delete_tag)])
        add(self.tags, "Tags")
        from leaddesk.ui.accounts_dialog import AccountsTab
        from leaddesk.ui.settings_templates import TemplatesTab
        self.accounts = AccountsTab(ctx)
        add(self.accounts, "Accounts")
        self.templates = TemplatesTab(ctx)
        add(self.templates, "Templates")
        from leaddesk.ui.settings_sites import SitesTab
        self.sites = SitesTab(ctx)
        add(self.sites, "Sites && topics")
        from leaddesk.ui.settings_rules import RulesTab
        add(RulesTab(ctx), "Rules")
        from leaddesk.ui.settings_hours import HoursTab
        self.hours = HoursTab(ctx)
        add(self.hours, "Response times")
        self.tabs = tabs
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh()

    def page(self, index: int) -> QWidget | None:
        """The page of tab ``index`` (inside the area that scrolls it)."""
        area = self.tabs.widget(index)
        return area.widget() if isinstance(area, QScrollArea) else area

    def show_tab(self, page: QWidget) -> None:
        for index in range(self.tabs.count()):
            if self.page(index) is page:
                self.tabs.setCurrentIndex(index)

    def _general(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        # The team's members to pick from (so Mine, notes and replies carry the very name leads
        # are assigned to), or any name typed; empty means the login name.
        self.me_choice = QComboBox()
        self.me_choice.setObjectName("iAm")
        self.me_choice.setEditable(True)
        self.me_choice.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.me_choice.lineEdit()
        assert line is not None
        self.me = line
        self.me.setText(self.settings.get(ME))
        self.me.setPlaceholderText(f"your login name ({current_user()})")
        form.addRow("I am (team member name):", self.me_choice)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 240)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("off")
        self.minutes.setValue(self.settings.get(AUTO_SYNC_MINUTES))
        form.addRow("Sync automatically every:", self.minutes)
        self.amber = QSpinBox()
        self.amber.setRange(1, 24 * 30)
        self.amber.setSuffix(" h")
        self.amber.setValue(self.settings.get(WAITING_AMBER_HOURS))
        form.addRow("Show \"waiting\" in amber after:", self.amber)
        self.notify = QCheckBox("Notify me when new leads arrive")
        self.notify.setChecked(self.settings.get(NOTIFY_NEW))
        form.addRow(self.notify)
        return page

    # ------------------------------------------------------------ team and tags
    def refresh(self) -> None:
        def load(session: Session) -> tuple[list[triage.Member], list[triage.TagInfo]]:
            return triage.list_members(session, include_inactive=True), triage.list_tags(session)

        # A read: the members and tags it returns carry change records, not to be published.
        (DbOp(self.ctx, load, parent=self, what="loading the team and tags")
         .changes(lambda _data: []).success(self._show).run_in_background())

    def _show(self, data: tuple[list[triage.Member], list[triage.TagInfo]]) -> None:
        members, tags = data
        typed = self.me.text()
        self.me_choice.clear()
        self.me_choice.addItems([m.name for m in members if m.active])
        self.me.setText(typed)
        with self.members.refilling():
            for m in members:
                item = QListWidgetItem()
                item.setData(256, m.name)
                row = MemberRow(m)  # the name and the Away toggle (settings_team)
                row.away_toggled.connect(self._set_away)
                self.members.add(item, row)
        with self.tags.refilling():
            for t in tags:
                item = QListWidgetItem(colour_dot(t.colour, 12), f"{t.name}  ({t.submissions})")
                item.setData(256, t.name)
                self.tags.add(item)

    def _change(self, tab: _ListTab, work: Callable[[Session, str], object]) -> None:
        """Run one catalogue change as the current actor; a known error (duplicate name, bad
        colour) shows under the list, what it changed goes on the bus."""
        tab.error.clear()
        actor = self.ctx.actor
        (DbOp(self.ctx, lambda s: work(s, actor), parent=self, what="changing the team or tags")
         .success(lambda _r: self.refresh()).failure(known_error_in(tab.error.setText))
         .run_in_background())

    def _add_member(self) -> None:
        name, ok = ask_text(self, "Add team member", "Name:")
        if ok and name.strip():
            self._change(self.members,
                         lambda s, actor: triage.add_member(s, name.strip(), actor=actor))

    def _set_away(self, name: str, away: bool) -> None:
        self.members.error.clear()
        set_away(self.ctx, self, name, away, refresh=self.refresh, error=self.members.error.setText)

    def _remove_member(self) -> None:
        name = self.members.chosen()
        if name:
            self._change(self.members, lambda s, actor: triage.remove_member(s, name, actor=actor))

    def _new_tag(self) -> None:
        name, ok = ask_text(self, "New tag", "Name:")
        if ok and name.strip():
            colour = QColorDialog.getColor(QColor("#808080"), self, "Tag colour")
            hex_colour = colour.name() if colour.isValid() else triage.DEFAULT_TAG_COLOUR
            self._change(self.tags, lambda s, actor: triage.create_tag(
                s, name.strip(), hex_colour, actor=actor))

    def _rename_tag(self) -> None:
        old = self.tags.chosen()
        if old:
            new, ok = ask_text(self, "Rename tag", "New name:", old)
            if ok and new.strip():
                self._change(self.tags, lambda s, actor: triage.rename_tag(
                    s, old, new.strip(), actor=actor))

    def _recolour_tag(self) -> None:
        name = self.tags.chosen()
        if name:
            colour = QColorDialog.getColor(QColor("#808080"), self, f"Colour of {name}")
            if colour.isValid():
                self._change(self.tags, lambda s, actor: triage.recolour_tag(
                    s, name, colour.name(), actor=actor))

    def _delete_tag(self) -> None:
        name = self.tags.chosen()
        if name:
            self._change(self.tags, lambda s, actor: triage.delete_tag(s, name, actor=actor))

    def accept(self) -> None:
        self.settings.set(ME, self.me.text().strip())
        self.settings.set(AUTO_SYNC_MINUTES, self.minutes.value())
        self.settings.set(NOTIFY_NEW, self.notify.isChecked())
        self.settings.set(WAITING_AMBER_HOURS, self.amber.value())
        self.settings.sync()
        super().accept()
