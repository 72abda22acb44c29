"""The triage page: sidebar of views and facets, the lazy message list, and the detail pane.

It owns the current view, facet picks, search text and sort; every change re-queries the database
in the worker (ids for the list, counts and facets for the sidebar) and never filters in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from leaddesk import detail, query, triage
from leaddesk.db import Database
from leaddesk.detail import SubmissionDetail
from leaddesk.query import Facets, Filter, Sort

from leaddesk.ui.detail.pane import DetailPane
from leaddesk.ui.list_delegate import TagChipDelegate
from leaddesk.ui.list_model import COLUMNS, ID_ROLE, ROW_ROLE, SubmissionListModel
from leaddesk.ui.operations import Operations
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.sidebar import NO_TOPIC_LABEL, Sidebar
from leaddesk.ui.tasks import TaskRunner
from leaddesk.ui.views import Narrowing, SavedView, View, builtin_views, combine


@dataclass(frozen=True)
class SidebarData:
    counts: dict[str, int]
    facets: Facets
    tag_colours: dict[str, str]
    members: list[str]


class InboxPage(QWidget):
    filter_changed = Signal(object)  # the Filter now shown
    empty_database = Signal()  # nothing at all stored yet: the first run
    new_count_changed = Signal(int)
    chips_changed = Signal(list)
    total_changed = Signal(int)

    def __init__(self, db: Database, tasks: TaskRunner, operations: Operations, me: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.ops = operations
        self.me = me
        self.views = {v.key: v for v in builtin_views(me)}
        self.view: View = self.views["inbox"]
        self.narrowing = Narrowing()
        self.order = Filter()
        self.tag_colours: dict[str, str] = {}
        self._load_generation = 0

        self.sidebar = Sidebar(list(self.views.values()))
        self.model = SubmissionListModel(db, tasks)
        self.list = QTableView()
        self.list.setObjectName("messageList")
        self.list.setModel(self.model)
        self.list.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setSortingEnabled(True)
        self.list.horizontalHeader().setSortIndicator(len(COLUMNS) - 1, Qt.SortOrder.DescendingOrder)
        self.list.verticalHeader().setVisible(False)
        self.list.verticalHeader().setDefaultSectionSize(26)
        # Fixed row heights: with a million rows, Qt must not measure each one on a reset.
        self.list.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.list.setShowGrid(False)
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(False)
        self.list.setItemDelegateForColumn(3, TagChipDelegate(self.list))
        header = self.list.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((150, 110, 180, 90, 64, 60, 76)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # the post takes the slack
        header.setStretchLastSection(False)
        self.list.setColumnHidden(5, True)  # status shows as bold (new) and in the detail pane
        self.footer = PlainLabel()
        self.footer.setContentsMargins(6, 2, 6, 2)
        list_box = QWidget()
        list_layout = QVBoxLayout(list_box)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(0)
        list_layout.addWidget(self.list, 1)
        list_layout.addWidget(self.footer)
        self.detail = DetailPane()

        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.setObjectName("inboxSplit")
        self.split.addWidget(self.sidebar)
        self.split.addWidget(list_box)
        self.split.addWidget(self.detail)
        self.split.setSizes([230, 600, 610])
        self.split.setStretchFactor(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.split)

        self.sidebar.view_chosen.connect(self.choose_view)
        self.sidebar.topic_toggled.connect(self.toggle_topic)
        self.sidebar.tag_toggled.connect(self.toggle_tag)
        self.sidebar.saved_chosen.connect(self.choose_saved)
        self.saved: list[SavedView] = []
        self.model.sort_requested.connect(self._sort)
        self.model.page_loaded.connect(self._update_footer)
        self.list.selectionModel().currentRowChanged.connect(self._current_changed)
        card = self.detail.card
        card.status_chosen.connect(lambda s: self.ops.set_status(self.selected_ids(), s,
                                                                 self._version()))
        card.assignee_chosen.connect(lambda who: self.ops.assign(self.selected_ids(), who,
                                                                 self._version()))
        card.tag_added.connect(lambda t: self.ops.add_tag(self.selected_ids(), t, self._version()))
        card.tag_removed.connect(lambda t: self.ops.remove_tag(self.selected_ids(), t,
                                                               self._version()))
        self.detail.message.note_added.connect(self._add_note)
        self.ops.read_marked.connect(lambda _id: self.refresh())

    def _add_note(self, text: str) -> None:
        current = self._current_id()
        if current is not None:
            self.ops.add_note(current, text)

    # ------------------------------------------------------------ what is shown
    def current_filter(self) -> Filter:
        return combine(self.view, self.narrowing, sort=self.order)

    def choose_view(self, key: str) -> None:
        self.view = self.views[key]
        self.reload()

    def set_saved_views(self, saved: list[SavedView]) -> None:
        self.saved = saved
        self.sidebar.set_saved_views([v.name for v in saved])

    def current_as_saved(self, name: str) -> SavedView:
        return SavedView(name, self.view.key, self.narrowing)

    def choose_saved(self, name: str) -> None:
        for saved in self.saved:
            if saved.name == name and saved.view in self.views:
                self.view = self.views[saved.view]
                self.narrowing = saved.narrowing
                self.reload()
                return

    def toggle_topic(self, topic: str | None) -> None:
        self.narrowing = self.narrowing.toggle_topic(topic)
        self.reload()

    def toggle_tag(self, tag: str) -> None:
        self.narrowing = self.narrowing.toggle_tag(tag)
        self.reload()

    def set_text(self, text: str) -> None:
        self.narrowing = replace(self.narrowing, text=text)
        self.reload()

    def set_days(self, days: int | None) -> None:
        self.narrowing = replace(self.narrowing, days=days)
        self.reload()

    def remove_chip(self, kind: str, value: str) -> None:
        if kind == "topic":
            self.toggle_topic(None if value == "" else value)
        elif kind == "tag":
            self.toggle_tag(value)
        elif kind == "days":
            self.set_days(None)

    def _sort(self, key: Sort, descending: bool) -> None:
        self.order = Filter(sort=key, descending=descending)
        self.reload()

    def chips(self) -> list[tuple[str, str, str, str]]:
        chips = [("topic", t or "", t or NO_TOPIC_LABEL, "#7e57c2") for t in self.narrowing.topics]
        chips += [("tag", t, t, self.tag_colours.get(t, "#808080")) for t in self.narrowing.tags]
        if self.narrowing.days:
            chips.append(("days", str(self.narrowing.days), f"{self.narrowing.days} days", "#607d8b"))
        return chips

    # ------------------------------------------------------------ loading
    def reload(self, keep: int | None = None) -> None:
        """Re-query ids for the list and the sidebar's counts, keeping the selection if possible."""
        flt = self.current_filter()
        self._load_generation += 1
        generation = self._load_generation
        keep = keep if keep is not None else self._current_id()
        fallback_row = self.list.currentIndex().row()

        def load_ids() -> list[int]:
            with self.db.session() as session:
                return query.ids(session, flt)

        self.tasks.db(load_ids, lambda ids: self._show_ids(generation, ids, keep, fallback_row))
        self.reload_sidebar()
        self.filter_changed.emit(flt)
        self.chips_changed.emit(self.chips())

    def reload_sidebar(self) -> None:
        views = dict(self.views)
        narrowing = self.narrowing
        view = self.view

        def load() -> SidebarData:
            with self.db.session() as session:
                counts = {key: query.count(session, v.base) for key, v in views.items()}
                counts["new"] = query.count(session, Filter(statuses=("new",)))
                facets = query.facets(session, combine(view, narrowing))
                tags = {t.name: t.colour for t in triage.list_tags(session)}
                members = [m.name for m in triage.list_members(session)]
            return SidebarData(counts, facets, tags, members)

        self.tasks.db(load, self._show_sidebar)

    def _show_sidebar(self, data: SidebarData) -> None:
        self.tag_colours = data.tag_colours
        self.sidebar.set_view_counts(data.counts)
        self.new_count_changed.emit(data.counts.get("new", 0))
        if data.counts.get("all", 0) == 0 and data.counts.get("spam", 0) == 0:
            self.detail.show_welcome()
            self.empty_database.emit()
        self.sidebar.set_facets(data.facets, data.tag_colours, self.narrowing.topics,
                                self.narrowing.tags)
        self.sidebar.select_view(self.view.key)
        self.detail.card.set_choices(data.members, data.tag_colours)
        self.chips_changed.emit(self.chips())

    def _show_ids(self, generation: int, ids: list[int], keep: int | None,
                  fallback_row: int) -> None:
        if generation != self._load_generation:
            return
        self.model.set_ids(ids)
        self.total_changed.emit(len(ids))
        self._update_footer()
        row = self.model.row_of(keep) if keep is not None else -1
        if row < 0 and keep is not None and fallback_row >= 0 and ids:
            row = min(fallback_row, len(ids) - 1)  # the message left the view: show the next one
        if row < 0 and ids:
            row = 0  # a new view opens on its newest message
        if row >= 0:
            self.select_row(row)
        elif self.detail.currentWidget() is not self.detail.welcome:
            self.detail.clear()

    def _update_footer(self) -> None:
        shown = self.model.rowCount()
        order = self.current_filter()
        arrow = "↓" if order.descending else "↑"
        self.footer.setText(f"{shown:,} messages · sorted by {order.sort.value} {arrow} · "
                            f"rows load as you scroll")

    # ------------------------------------------------------------ selection and detail
    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.list.selectionModel().selectedRows()})
        ids = [int(self.model.index(r, 0).data(ID_ROLE)) for r in rows]
        current = self._current_id()
        return ids or ([current] if current is not None else [])

    def _current_id(self) -> int | None:
        index = self.list.currentIndex()
        return int(index.data(ID_ROLE)) if index.isValid() else None

    def _version(self) -> int | None:
        """The version the user is looking at, so a colleague's edit in between is a conflict."""
        shown = self.detail.current
        return shown.row.version if shown is not None and len(self.selected_ids()) == 1 else None

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.list.scrollTo(index)

    def step_selection(self, step: int) -> None:
        current = self.list.currentIndex().row()
        target = max(0, min(self.model.rowCount() - 1, current + step if current >= 0 else 0))
        if self.model.rowCount():
            self.select_row(target)

    def _current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        self.load_detail(int(current.data(ID_ROLE)))

    def load_detail(self, submission_id: int) -> None:
        def load() -> tuple[SubmissionDetail, bytes]:
            with self.db.session() as session:
                return detail.load(session, submission_id), detail.raw_bytes(session, submission_id)

        def show(result: tuple[SubmissionDetail, bytes]) -> None:
            if self._current_id() == submission_id:
                self.detail.show_detail(*result)
                if result[0].row.unread:
                    self.ops.mark_read(submission_id)

        self.tasks.db(load, show, lambda exc: self.detail.clear())

    def refresh(self, ids: Sequence[int] = ()) -> None:
        """After a change: re-query, since the row may leave the view. The reload resets the model
        (dropping every cached page) and reselects the row, which reloads the detail too."""
        self.reload(keep=self._current_id())

    def current_row(self) -> query.SubmissionRow | None:
        index = self.list.currentIndex()
        return index.data(ROW_ROLE) if index.isValid() else None
