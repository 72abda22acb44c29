"""The tag picker of the lead header: the team's tags with their colours, filtered as you type,
and a new tag created in the colour it will get (the next palette colour, never grey).

A small popup rather than a bare input box: Enter takes the highlighted entry, Escape leaves.
Tag names are typed by colleagues and may be anything, so they show as list items (plain text).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from leaddesk.ui.widgets import colour_dot, next_tag_colour

NAME_ROLE = Qt.ItemDataRole.UserRole + 1


class TagPicker(QDialog):
    def __init__(self, tags: Mapping[str, str], on_lead: tuple[str, ...] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add tag")
        self.setObjectName("tagPicker")
        self.tags = dict(tags)
        self.on_lead = {t.casefold() for t in on_lead}
        self.new_colour = next_tag_colour(self.tags.values())
        self.chosen: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a tag or type a new one…")
        self.search.textChanged.connect(self._fill)
        self.search.installEventFilter(self)  # Up/Down move in the list while typing
        self.search.returnPressed.connect(self._take_current)
        layout.addWidget(self.search)
        self.list = QListWidget()
        self.list.itemActivated.connect(self._take)
        layout.addWidget(self.list)
        self.resize(260, 240)
        self._fill("")

    def _fill(self, text: str) -> None:
        typed = " ".join(text.split())
        self.list.clear()
        if typed and typed.casefold() not in {n.casefold() for n in self.tags}:
            item = QListWidgetItem(colour_dot(self.new_colour, 12), f"Create “{typed}”")
            item.setData(NAME_ROLE, typed)
            self.list.addItem(item)
        for name in sorted(self.tags, key=str.casefold):
            if typed.casefold() not in name.casefold():
                continue
            already = name.casefold() in self.on_lead
            item = QListWidgetItem(colour_dot(self.tags[name], 12),
                                   f"{name}  ✓" if already else name)
            item.setData(NAME_ROLE, name)
            if already:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        for row in range(self.list.count()):
            entry = self.list.item(row)
            if entry is not None and entry.flags() & Qt.ItemFlag.ItemIsEnabled:
                self.list.setCurrentRow(row)
                break

    def entries(self) -> list[str]:
        """The names offered, in order (a new one first); for tests and screen readers."""
        return [str(self.list.item(r).data(NAME_ROLE)) for r in range(self.list.count())]

    def choose(self, name: str) -> None:
        self.chosen = name
        self.accept()

    def _take(self, item: QListWidgetItem) -> None:
        if item.flags() & Qt.ItemFlag.ItemIsEnabled:
            self.choose(str(item.data(NAME_ROLE)))

    def _take_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self._take(item)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.search and isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)
