"""The visitor card: who wrote, how to reach them, and status, owner and tags within one click."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.db.models import Status
from leaddesk.detail import SubmissionDetail

from leaddesk.ui.format import short_time
from leaddesk.ui.safe_text import PlainLabel, ask_item, tooltip
from leaddesk.ui.widgets import Chip, clear_layout, muted


class VisitorCard(QFrame):
    status_chosen = Signal(str)
    assignee_chosen = Signal(object)  # a member name, or None to unassign
    tag_added = Signal(str)
    tag_removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        self.name = PlainLabel()
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name.setFont(font)
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reach = muted()
        layout.addWidget(self.name)
        layout.addWidget(self.reach)

        controls = QHBoxLayout()
        self.statuses = QButtonGroup(self)
        self.statuses.setExclusive(True)
        for status in Status:
            button = QPushButton(status.value.capitalize())
            button.setCheckable(True)
            button.setObjectName(f"status-{status.value}")
            button.setToolTip(tooltip(f"Mark as {status.value}"))
            self.statuses.addButton(button)
            controls.addWidget(button)
            button.clicked.connect(lambda _=False, s=status.value: self.status_chosen.emit(s))
        controls.addSpacing(12)
        self.owner = QToolButton()
        self.owner.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.owner.setToolTip("Assign (a)")
        self.owner_menu = QMenu(self.owner)
        self.owner.setMenu(self.owner_menu)
        controls.addWidget(self.owner)
        self.tags = QHBoxLayout()
        self.tags.setSpacing(4)
        controls.addLayout(self.tags)
        self.add_tag = QToolButton()
        self.add_tag.setText("+ tag")
        self.add_tag.setAutoRaise(True)
        self.add_tag.setToolTip("Add a tag (t)")
        self.add_tag.clicked.connect(self.ask_tag)
        controls.addWidget(self.add_tag)
        controls.addStretch(1)
        layout.addLayout(controls)
        self._members: list[str] = []
        self._known_tags: list[str] = []
        self._tag_colours: dict[str, str] = {}

    def set_choices(self, members: list[str], tags: dict[str, str]) -> None:
        self._members = members
        self._known_tags = sorted(tags)
        self._tag_colours = dict(tags)
        self.owner_menu.clear()
        for name in members:
            action = QAction(name, self.owner_menu)
            action.triggered.connect(lambda _=False, n=name: self.assignee_chosen.emit(n))
            self.owner_menu.addAction(action)
        if members:
            self.owner_menu.addSeparator()
        unassign = QAction("Unassign", self.owner_menu)
        unassign.triggered.connect(lambda: self.assignee_chosen.emit(None))
        self.owner_menu.addAction(unassign)

    def show_detail(self, detail: SubmissionDetail) -> None:
        row = detail.row
        self.name.setText(row.name or row.email or "(unknown visitor)")
        parts = [p for p in (row.company, row.email, row.phone) if p]
        if detail.contact is not None:
            if detail.contact.first_seen_at:
                parts.append(f"first seen {short_time(detail.contact.first_seen_at)}")
            if detail.contact.other_submissions:
                n = detail.contact.other_submissions
                parts.append(f"{n} other message{'s' if n != 1 else ''}")
        self.reach.setText(" · ".join(parts))
        for button in self.statuses.buttons():
            button.setChecked(button.objectName() == f"status-{row.status}")
        self.owner.setText(f"Owner: {row.assignee} ▾" if row.assignee else "Owner ▾")
        clear_layout(self.tags)
        for name, colour in zip(row.tags, row.tag_colours, strict=True):
            chip = Chip(name, colour, removable=True)
            chip.removed.connect(self.tag_removed)
            self.tags.addWidget(chip)

    def ask_tag(self) -> None:
        name, ok = ask_item(self, "Add tag", "Tag (pick one or type a new name):", self._known_tags)
        if ok and name.strip():
            self.tag_added.emit(name.strip())

    def open_owner_menu(self) -> None:
        self.owner.showMenu()
