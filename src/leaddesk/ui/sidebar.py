"""The sidebar: views, topics and tags, each with its count; saved views at the bottom.

Its order holds still: views as declared, topics and tags by name, whatever the counts do; and
so does its scroll position when the counts are refreshed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QContextMenuEvent, QFont
from PySide6.QtWidgets import QHeaderView, QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from leaddesk.query import Facets

from leaddesk.ui.safe_text import PlainItemDelegate, action_text
from leaddesk.ui.views import View
from leaddesk.ui.widgets import colour_dot

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
VALUE_ROLE = Qt.ItemDataRole.UserRole + 2
NO_TOPIC_LABEL = "No topic"


class Sidebar(QTreeWidget):
    view_chosen = Signal(str)  # view key
    topic_toggled = Signal(object)  # topic name, or None for "No topic"
    tag_toggled = Signal(str)
    saved_chosen = Signal(str)  # saved view name
    save_requested = Signal()
    saved_delete_requested = Signal(str)

    def __init__(self, views: list[View], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setItemDelegate(PlainItemDelegate(self))  # topics are typed by strangers
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setUniformRowHeights(True)
        self.setIconSize(QSize(10, 10))
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self._views = self._section("Views")
        self._topics = self._section("Topics")
        self._tags = self._section("Tags")
        self._saved = self._section("Saved views")
        self._view_items: dict[str, QTreeWidgetItem] = {}
        self._seen_topics: set[str] = set()  # every topic a view showed since the window opened
        self._no_topic_seen = False
        for view in views:
            item = self._entry(self._views, view.label, "view", view.key)
            self._view_items[view.key] = item
        self.expandAll()
        self.itemClicked.connect(self._clicked)
        self.setCurrentItem(self._view_items[views[0].key])

    def _section(self, title: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(self, [title.upper()])
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 0.85)
        item.setFont(0, font)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setForeground(0, self.palette().placeholderText())
        return item

    def _entry(self, parent: QTreeWidgetItem, label: str, kind: str, value: object,
               count: int | None = None) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [label, "" if count is None else f"{count:,}"])
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, VALUE_ROLE, value)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(1, self.palette().placeholderText())
        return item

    def _clicked(self, item: QTreeWidgetItem, column: int) -> None:
        kind = item.data(0, KIND_ROLE)
        value = item.data(0, VALUE_ROLE)
        if kind == "view":
            self.view_chosen.emit(value)
        elif kind == "topic":
            self.topic_toggled.emit(value)
        elif kind == "tag":
            self.tag_toggled.emit(value)
        elif kind == "saved":
            self.saved_chosen.emit(value)
        elif kind == "save":
            self.save_requested.emit()

    def set_saved_views(self, names: list[str]) -> None:
        self._saved.takeChildren()
        for name in names:
            self._entry(self._saved, name, "saved", name)
        hint = self._entry(self._saved, "+ Save current view…", "save", None)
        hint.setForeground(0, self.palette().placeholderText())
        hint.setToolTip(0, "Keep the current view, topics, tags and search under a name")
        self._saved.setExpanded(True)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        item = self.itemAt(event.pos())
        if item is not None and item.data(0, KIND_ROLE) == "saved":
            menu = QMenu(self)
            name = str(item.data(0, VALUE_ROLE))
            menu.addAction(action_text(f"Delete saved view “{name}”"),
                           lambda: self.saved_delete_requested.emit(name))
            menu.exec(event.globalPos())

    def select_view(self, key: str) -> None:
        item = self._view_items.get(key)
        if item is not None:
            with self._holding_still():
                self.setCurrentItem(item)

    @contextmanager
    def _holding_still(self) -> Iterator[None]:
        """Refresh without scrolling: a new current item scrolls itself into view, and the
        views are at the top; after a click on a tag far down, the refresh it starts (or
        another desktop's change) would slide other entries under the pointer."""
        bar = self.verticalScrollBar()
        where = bar.value()
        self.setAutoScroll(False)
        try:
            yield
        finally:
            self.setAutoScroll(True)
            bar.setValue(where)

    def set_view_counts(self, counts: Mapping[str, int]) -> None:
        for key, item in self._view_items.items():
            item.setText(1, f"{counts[key]:,}" if key in counts else "")

    def set_facets(self, facets: Facets, tag_colours: Mapping[str, str],
                   chosen_topics: tuple[str | None, ...], chosen_tags: tuple[str, ...]) -> None:
        """Topics and tags with their counts in the current view, in a stable order (by name,
        "No topic" last) that no action reshuffles. A topic or tag the view holds none of stays,
        greyed with 0, so the sections never vanish (Mine of someone who owns nothing yet)."""
        with self._holding_still():
            self._set_facets(facets, tag_colours, chosen_topics, chosen_tags)

    def _set_facets(self, facets: Facets, tag_colours: Mapping[str, str],
                    chosen_topics: tuple[str | None, ...], chosen_tags: tuple[str, ...]) -> None:
        self._seen_topics.update(t for t in facets.topics if t is not None)
        self._no_topic_seen = self._no_topic_seen or bool(facets.topics.get(None))
        topics: list[tuple[object, int]] = [
            (t, facets.topics.get(t, 0)) for t in sorted(self._seen_topics, key=_by_name)]
        if self._no_topic_seen:
            topics.append((None, facets.topics.get(None, 0)))
        self._fill(self._topics, "topic", topics, chosen_topics, {})
        names = sorted({*tag_colours, *facets.tags}, key=_by_name)
        self._fill(self._tags, "tag", [(t, facets.tags.get(t, 0)) for t in names], chosen_tags,
                   tag_colours)

    def _fill(self, section: QTreeWidgetItem, kind: str, entries: list[tuple[object, int]],
              chosen: tuple[object, ...], colours: Mapping[str, str]) -> None:
        section.takeChildren()
        for value, count in entries:
            label = NO_TOPIC_LABEL if value is None else str(value)
            item = self._entry(section, label, kind, value, count)
            if isinstance(value, str) and value in colours:
                item.setIcon(0, colour_dot(colours[value]))
            if not count:
                item.setForeground(0, self.palette().placeholderText())
            if value in chosen:
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
        section.setExpanded(True)
        section.setHidden(not entries)


def _by_name(name: str) -> tuple[str, str]:
    return name.casefold(), name
