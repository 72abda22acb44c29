"""Correcting a lead in the detail pane: name, e-mail, phone, company, topic and page URL.

A strip under the visitor card says who corrected what ("edited by Ada: name, topic") and opens
the form; Save sends only the fields that changed (``save_requested``), which the window runs as
a version-checked, undoable triage operation (TriageActions.edit). Values are checked here first with
the core's own rules (:func:`leaddesk.triage.clean_value`, e-mail by email-validator), so a typo is
a line under the form rather than a round trip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.errors import ValidationError
from leaddesk.query import SubmissionRow
from leaddesk.triage import EDITABLE, clean_value

from leaddesk.ui.colours import message_style
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import muted, never_widens

LABELS = {"name": "Name", "email": "E-mail", "phone": "Phone", "company": "Company",
          "topic": "Topic", "page_url": "Page URL"}


def current_values(row: SubmissionRow) -> dict[str, str]:
    return {"name": row.name or "", "email": row.email or "", "phone": row.phone or "",
            "company": row.company or "", "topic": row.topic or "",
            "page_url": row.page_url or ""}


def edited_summary(row: SubmissionRow) -> str:
    """"Edited by Ada: name, topic · Bob: phone", or "" when nobody corrected anything."""
    by: dict[str, list[str]] = {}
    for name, mark in row.edited_fields.items():
        who = mark.get("by") if isinstance(mark, dict) else None
        by.setdefault(str(who or "someone"), []).append(LABELS.get(name, name).lower())
    if not by:
        return ""
    return "Edited by " + " · ".join(f"{who}: {', '.join(names)}" for who, names in by.items())


class EditFieldsPanel(QFrame):
    save_requested = Signal(dict)  # field -> new value (None clears), only what changed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editFields")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.strip = QWidget()
        strip = QHBoxLayout(self.strip)
        strip.setContentsMargins(0, 0, 0, 0)
        self.toggle = QToolButton()
        self.toggle.setObjectName("editToggle")
        self.toggle.setText("✎ Correct details")
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip("Fix the name, e-mail, phone, company, topic or page the form "
                               "notification was read with")
        self.toggle.clicked.connect(self.open_editor)
        strip.addWidget(self.toggle)
        self.edited = muted()
        self.edited.setObjectName("editedBy")
        self.edited.setTextFormat(Qt.TextFormat.PlainText)
        strip.addWidget(self.edited, 1)
        never_widens(self.edited)
        outer.addWidget(self.strip)

        self.form_box = QFrame()
        self.form_box.setFrameShape(QFrame.Shape.StyledPanel)
        form = QFormLayout(self.form_box)
        self.inputs: dict[str, QLineEdit] = {}
        for name in EDITABLE:
            if name == "topic":
                self.topic = QComboBox()
                self.topic.setEditable(True)  # pick a team topic or type a new one
                self.topic.setObjectName("edit-topic")
                self.topic.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
                line = self.topic.lineEdit()
                assert line is not None
                line.setPlaceholderText("pick one of the team's topics or type a new one")
                self.inputs[name] = line
                form.addRow(LABELS[name], self.topic)
                continue
            edit = QLineEdit()
            edit.setObjectName(f"edit-{name}")
            edit.returnPressed.connect(self.save)
            self.inputs[name] = edit
            form.addRow(LABELS[name], edit)
        self.error = PlainLabel()
        self.error.setObjectName("editError")
        self.error.setStyleSheet(message_style(ok=False, widget=self))
        self.error.setWordWrap(True)
        self.error.hide()
        form.addRow(self.error)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.close_editor)
        self.save_button = QPushButton("Save")
        self.save_button.setObjectName("saveEdit")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.form_box.hide()
        outer.addWidget(self.form_box)
        self._shown: dict[str, str] = {}

    def strip_widget(self) -> QWidget:
        """The "✎ Correct details · edited by …" line, for a host that places it elsewhere (the
        lead header puts it beside Reply)."""
        return self.strip

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.form_box.isVisible():
            self.close_editor()  # Escape leaves the form as it leaves a dialog: nothing saved
            return
        super().keyPressEvent(event)

    def set_topics(self, topics: list[str]) -> None:
        text = self.topic.currentText()
        self.topic.clear()
        self.topic.addItems(topics)
        self.topic.setEditText(text)

    def show_row(self, row: SubmissionRow) -> None:
        self._shown = current_values(row)
        self.edited.setText(edited_summary(row))
        self.close_editor()

    def open_editor(self) -> None:
        for name, edit in self.inputs.items():
            edit.setText(self._shown.get(name, ""))
        self.error.hide()
        self.form_box.show()
        self.toggle.hide()
        self.inputs["name"].setFocus()

    def close_editor(self) -> None:
        self.form_box.hide()
        self.toggle.show()

    def changes(self) -> dict[str, str | None]:
        """The fields whose cleaned value differs from what is shown; ValidationError if bad."""
        changed: dict[str, str | None] = {}
        for name, edit in self.inputs.items():
            if " ".join(edit.text().split()) == " ".join(self._shown.get(name, "").split()):
                continue  # untouched: a stored value that would not pass today stays as it is
            value = clean_value(name, edit.text())
            if (value or "") != (clean_value(name, self._shown.get(name)) or ""):
                changed[name] = value
        return changed

    def save(self) -> None:
        try:
            changed = self.changes()
        except ValidationError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.close_editor()
        if changed:
            self.save_requested.emit(changed)
