"""The lead header: who wrote, how to reach them, and status, owner, tags, Reply and a template
within one click.

It holds still: the name elides, the contact line wraps, and the buttons and tag chips flow onto
another line, so a 200-character name or a dozen tags make the header taller, never the detail
pane wider (the splitter beside it does not move).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
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

from leaddesk.ui.detail.tag_picker import TagPicker
from leaddesk.ui.format import clipped, short_time
from leaddesk.ui.safe_text import action_text, tooltip
from leaddesk.ui.widgets import Chip, ElidedLabel, FlowLayout, muted, never_widens

REACH_PART_CHARS = 60  # of the company, address or phone in the line under the name


class VisitorCard(QFrame):
    status_chosen = Signal(str)
    assignee_chosen = Signal(object)  # a member name, or None to unassign
    tag_added = Signal(str)
    tag_removed = Signal(str)
    reply_requested = Signal()
    template_chosen = Signal(str)  # reply starting from this saved reply

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("visitorCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(4)
        self.name = ElidedLabel()
        self.name.setObjectName("visitorName")
        font = self.name.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.name.setFont(font)
        self.reach = never_widens(muted())
        layout.addWidget(self.name)
        layout.addWidget(self.reach)

        self.controls = FlowLayout()
        self.statuses = QButtonGroup(self)
        self.statuses.setExclusive(True)
        for status in Status:
            button = QToolButton()
            button.setText(status.value.capitalize())
            button.setCheckable(True)
            button.setObjectName(f"status-{status.value}")
            button.setToolTip(tooltip(f"Mark as {status.value}"))
            self.statuses.addButton(button)
            self.controls.addWidget(button)
            button.clicked.connect(lambda _=False, s=status.value: self.status_chosen.emit(s))
        self.owner = QToolButton()
        self.owner.setObjectName("ownerButton")
        self.owner.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.owner.setToolTip("Assign (a)")
        self.owner.setMaximumWidth(220)  # a long member name elides in the button
        self.owner_menu = QMenu(self.owner)
        self.owner.setMenu(self.owner_menu)
        self.controls.addWidget(self.owner)
        self.assign_me = QToolButton()
        self.assign_me.setObjectName("assignMe")
        self.assign_me.setText("Assign to me")
        self.assign_me.setToolTip("Make this lead yours (m)")
        self.assign_me.clicked.connect(self.assign_to_me)
        self.controls.addWidget(self.assign_me)
        self.chips: list[Chip] = []
        self.add_tag = QToolButton()
        self.add_tag.setObjectName("addTag")
        self.add_tag.setText("+ tag")
        self.add_tag.setAutoRaise(True)
        self.add_tag.setToolTip("Add a tag (t)")
        self.add_tag.clicked.connect(self.ask_tag)
        self.controls.addWidget(self.add_tag)
        layout.addLayout(self.controls)

        self.action_row = actions = QHBoxLayout()  # the pane adds "Correct details" at its end
        actions.setSpacing(6)
        self.reply = QPushButton("↩ Reply")
        self.reply.setObjectName("replyButton")
        self.reply.setToolTip("Answer the visitor (r)")
        self.reply.clicked.connect(self.reply_requested)
        actions.addWidget(self.reply)
        self.template = QToolButton()
        self.template.setObjectName("templateButton")
        self.template.setText("Template ▾")
        self.template.setToolTip("Reply starting from a saved reply (Settings → Templates)")
        self.template.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.template_menu = QMenu(self.template)
        self.template.setMenu(self.template_menu)
        actions.addWidget(self.template)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.me = ""
        self._members: list[str] = []
        self._tag_colours: dict[str, str] = {}
        self._on_lead: tuple[str, ...] = ()
        self.set_templates([])

    def set_me(self, me: str) -> None:
        """Who "Assign to me" assigns to: Settings → "I am", followed at once."""
        self.me = me
        self.assign_me.setToolTip(tooltip(f"Make this lead yours, {me} (m)") if me else "")

    def set_choices(self, members: list[str], tags: dict[str, str]) -> None:
        self._members = members
        self._tag_colours = dict(tags)
        self.owner_menu.clear()
        for name in members:
            action = QAction(action_text(name), self.owner_menu)
            action.triggered.connect(lambda _=False, n=name: self.assignee_chosen.emit(n))
            self.owner_menu.addAction(action)
        if members:
            self.owner_menu.addSeparator()
        unassign = QAction("Unassign", self.owner_menu)
        unassign.triggered.connect(lambda: self.assignee_chosen.emit(None))
        self.owner_menu.addAction(unassign)

    def set_templates(self, names: list[str]) -> None:
        self.template_menu.clear()
        for name in names:
            action = QAction(action_text(name), self.template_menu)
            action.setData(name)
            action.triggered.connect(lambda _=False, n=name: self.template_chosen.emit(n))
            self.template_menu.addAction(action)
        if not names:
            none = self.template_menu.addAction("No saved replies yet: add one in Settings → "
                                                "Templates")
            none.setEnabled(False)

    def template_names(self) -> list[str]:
        return [a.data() for a in self.template_menu.actions() if a.isEnabled()]

    def show_detail(self, detail: SubmissionDetail) -> None:
        row = detail.row
        self.name.setText(row.name or row.email or "(unknown visitor)")
        parts = [p for p in (row.company, row.email, row.phone) if p]
        # Each part cut to a line's worth: a stranger's 255-character company would take five
        # lines of a small screen's header (squeezing the buttons under it); whole in the tooltip.
        self.reach.setToolTip(tooltip("\n".join(parts)))
        parts = [clipped(p, REACH_PART_CHARS) for p in parts]
        if detail.contact is not None:
            if detail.contact.first_seen_at:
                parts.append(f"first seen {short_time(detail.contact.first_seen_at)}")
            if detail.contact.other_submissions:
                n = detail.contact.other_submissions
                parts.append(f"{n} other message{'s' if n != 1 else ''}")
        self.reach.setText(" · ".join(parts))
        for button in self.statuses.buttons():
            button.setChecked(button.objectName() == f"status-{row.status}")
        self.owner.setText(action_text(f"Owner: {row.assignee} ▾") if row.assignee else "Owner ▾")
        self.owner.setToolTip(tooltip(f"Owner: {row.assignee} — assign (a)") if row.assignee
                              else "Assign (a)")
        self.assign_me.setVisible(not self.me or row.assignee != self.me)
        self._show_tags(row.tags, row.tag_colours)

    def _show_tags(self, names: tuple[str, ...], colours: tuple[str, ...]) -> None:
        for chip in self.chips:
            self.controls.removeWidget(chip)
            chip.deleteLater()
        self.chips = []
        self._on_lead = tuple(names)
        at = self.controls.indexOf(self.add_tag)
        for name, colour in zip(names, colours, strict=True):
            chip = Chip(name, colour, removable=True)
            chip.setMaximumWidth(220)
            chip.removed.connect(self.tag_removed)
            self.controls.insert_widget(at, chip)  # chips sit before "+ tag"
            at += 1
            self.chips.append(chip)

    def ask_tag(self) -> None:
        picker = TagPicker(self._tag_colours, self._on_lead, self)
        picker.move(self.add_tag.mapToGlobal(self.add_tag.rect().bottomLeft()))
        if picker.exec() and picker.chosen:
            self.tag_added.emit(picker.chosen)

    def assign_to_me(self) -> None:
        if self.me:
            self.assignee_chosen.emit(self.me)

    def open_owner_menu(self) -> None:
        self.owner.showMenu()
