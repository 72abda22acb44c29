"""Saved replies in Settings: the list on the left, the selected one editable on the right.

Placeholders are checked when saving, so a typo like ``{firstname}`` is reported here and never
reaches a visitor.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtWidgets import (
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from leaddesk.reply import templates
from leaddesk.reply.templates import TemplateInfo

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import button_row, list_beside_form

HELP = ("Placeholders: " + "  ".join(f"{{{p}}}" for p in templates.PLACEHOLDERS)
        + ". A missing value reads naturally (\"Hi there\"). An empty subject answers "
          "with \"Re: …\".")


class TemplatesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[TemplateInfo] = []
        self.current: str | None = None  # the stored name of the template being edited
        layout, self.list, form = list_beside_form(self, self._chosen)
        self.name = QLineEdit()
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("Re: … (the lead's subject)")
        self.body = QPlainTextEdit()
        self.body.setPlaceholderText("Hi {first_name},\n\nthanks for reading “{post_title}”…")
        form.addRow("Name", self.name)
        form.addRow("Subject", self.subject)
        form.addRow("Text", self.body)
        hint = PlainLabel(HELP)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        self.error = button_row(layout, [("New", self.new), ("Save", self.save),
                                         ("Delete", self.delete)])
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        def show(found: list[TemplateInfo]) -> None:
            self.items = found
            self.list.blockSignals(True)
            self.list.clear()
            self.list.addItems([t.name for t in found])
            self.list.blockSignals(False)
            names = [t.name for t in found]
            if select in names:
                self.list.setCurrentRow(names.index(select))
            elif found:
                self.list.setCurrentRow(0)
            else:
                self.new()

        DbOp(self.ctx, templates.list_templates, parent=self, what="loading templates").success(
            show).failure(known_error_in(self.error.setText)).run_in_background()

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self.items):
            t = self.items[row]
            self.current = t.name
            self.name.setText(t.name)
            self.subject.setText(t.subject or "")
            self.body.setPlainText(t.body)
            self.error.clear()

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        self.name.clear()
        self.subject.clear()
        self.body.clear()
        self.name.setFocus()

    def _run(self, work: Callable[[Session], TemplateInfo], select: str | None) -> None:
        self.error.clear()
        (DbOp(self.ctx, work, parent=self, what="saving the template")
         .success(lambda _t: self.refresh(select)).failure(known_error_in(self.error.setText))
         .run_in_background())

    def save(self) -> None:
        name, subject, body = self.name.text(), self.subject.text(), self.body.toPlainText()
        current, actor = self.current, self.ctx.actor

        def work(session: Session) -> TemplateInfo:
            if current is None:
                return templates.add_template(session, name, body, subject, actor=actor)
            return templates.edit_template(session, current, actor=actor, new_name=name,
                                           body=body, subject=subject)

        self._run(work, " ".join(name.split()))

    def delete(self) -> None:
        current, actor = self.current, self.ctx.actor
        if current is None:
            return
        self._run(lambda s: templates.remove_template(s, current, actor=actor), None)
