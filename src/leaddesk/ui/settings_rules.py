"""Rules in Settings: the rules in the order they run on the left (up/down to reorder), the chosen
one editable on the right, and the preview line ("would change 37 of the last 500 leads").

Conditions and actions are typed one per line exactly as on the command line (``topic=Speakers
bureaus``, ``assign=round-robin:Anna,Ben``), so what a person learns here works in `leaddesk
rules add` too. The preview is computed in the database worker a moment after typing stops.
Everything shown is plain text: rule values may quote what strangers wrote.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from leaddesk.errors import LeadDeskError
from leaddesk.rules import catalog, service
from leaddesk.rules.spec import (
    ACTIONS,
    FIELDS,
    Action,
    Condition,
    RuleSpec,
    parse_action,
    parse_condition,
)

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import button_row, list_beside_form

HELP = (f"When (all must hold), one per line: {', '.join(f'{f}=…' for f in FIELDS)}. "
        f"Do, one per line: {', '.join(ACTIONS)} (assign=round-robin:Anna,Ben spreads leads "
        f"evenly and skips members marked away). Hours and days are read in the time zone below.")
PREVIEW_DELAY_MS = 400


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class RulesTab(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.items: list[RuleSpec] = []
        self.current: str | None = None  # the stored name of the rule being edited
        layout, self.list, form = list_beside_form(self, self._chosen)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Speakers bureaus to Anna")
        flags = QHBoxLayout()
        self.enabled = QCheckBox("Enabled")
        self.enabled.setChecked(True)
        self.stop = QCheckBox("Stop: rules below do not run on a lead this one matched")
        flags.addWidget(self.enabled)
        flags.addWidget(self.stop, 1)
        self.when = QPlainTextEdit()
        self.when.setPlaceholderText("topic=Speakers bureaus\nhours=18-08")
        self.do = QPlainTextEdit()
        self.do.setPlaceholderText("assign=round-robin:Anna,Ben\ntag=speakers")
        for box in (self.when, self.do):
            box.setTabChangesFocus(True)
            box.textChanged.connect(self._schedule_preview)
        form.addRow("Name", self.name)
        form.addRow(flags)
        form.addRow("When", self.when)
        form.addRow("Do", self.do)
        self.preview = PlainLabel("")
        self.preview.setWordWrap(True)
        form.addRow("Preview", self.preview)
        hint = PlainLabel(HELP)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        form.addRow(hint)
        self.error = button_row(layout, [("Up", lambda: self.reorder(-1)),
                                         ("Down", lambda: self.reorder(1)), ("New", self.new),
                                         ("Save", self.save), ("Delete", self.delete)])
        layout.addLayout(self._options())
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.update_preview)
        self.refresh()

    def _options(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(PlainLabel("Time zone"))
        self.zone = QLineEdit()
        self.zone.setPlaceholderText("the business hours' zone (or e.g. Europe/Stockholm)")
        row.addWidget(self.zone, 1)
        self.acknowledge = QCheckBox("Let rules send acknowledgements (acknowledge=TEMPLATE)")
        row.addWidget(self.acknowledge)
        return row

    # ------------------------------------------------------------ loading
    def refresh(self, select: str | None = None) -> None:
        def load(session: Session) -> tuple[list[RuleSpec], dict[str, str]]:
            return catalog.list_rules(session), catalog.get_options(session)

        def show(data: tuple[list[RuleSpec], dict[str, str]]) -> None:
            found, options = data
            self.items = found
            self.zone.setText(options[catalog.TIMEZONE])
            self.acknowledge.setChecked(options[catalog.ACKNOWLEDGEMENTS] == "on")
            self.list.blockSignals(True)
            self.list.clear()
            self.list.addItems([f"{r.position}. {r.name}" + ("" if r.enabled else "  (off)")
                                for r in found])
            self.list.blockSignals(False)
            names = [r.name for r in found]
            wanted = select if select is not None else self.current
            if wanted in names:
                self.list.setCurrentRow(names.index(wanted))
            elif found:
                self.list.setCurrentRow(0)
            else:
                self.new()

        DbOp(self.ctx, load, parent=self, what="loading rules").success(show).failure(
            known_error_in(self.error.setText)).run_in_background()

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self.items):
            rule = self.items[row]
            self.current = rule.name
            self.name.setText(rule.name)
            self.enabled.setChecked(rule.enabled)
            self.stop.setChecked(rule.stop)
            self.when.setPlainText("\n".join(str(c) for c in rule.conditions))
            self.do.setPlainText("\n".join(str(a) for a in rule.actions))
            self.error.clear()

    def new(self) -> None:
        self.current = None
        self.list.clearSelection()
        self.name.clear()
        self.enabled.setChecked(True)
        self.stop.setChecked(False)
        self.when.clear()
        self.do.clear()
        self.preview.setText("")
        self.name.setFocus()

    # ------------------------------------------------------------ the form
    def _parsed(self) -> tuple[tuple[Condition, ...], tuple[Action, ...]]:
        """What the form says; ValidationError (with the closest word) for a typo."""
        return (tuple(parse_condition(line) for line in _lines(self.when.toPlainText())),
                tuple(parse_action(line) for line in _lines(self.do.toPlainText())))

    def _schedule_preview(self) -> None:
        self._timer.start()

    def update_preview(self) -> None:
        try:
            conditions, actions = self._parsed()
        except LeadDeskError as exc:
            self.preview.setText(str(exc))
            return
        if not actions:
            self.preview.setText("add an action to see what the rule would change")
            return
        spec = RuleSpec(self.name.text().strip() or "new rule", conditions, actions,
                        stop=self.stop.isChecked())
        self.preview.setText("counting…")
        (DbOp(self.ctx, lambda s: service.preview(s, spec), parent=self, what="preview")
         .success(lambda result: self.preview.setText(str(result)))
         .failure(known_error_in(self.preview.setText)).run_in_background())

    def _run(self, work: Callable[[Session], RuleSpec | None], select: str | None) -> None:
        self.error.clear()
        (DbOp(self.ctx, work, parent=self, what="saving the rule")
         .success(lambda _r: self.refresh(select)).failure(known_error_in(self.error.setText))
         .run_in_background())

    def save(self) -> None:
        try:
            conditions, actions = self._parsed()
        except LeadDeskError as exc:
            self.error.setText(str(exc))
            return
        name, current, actor = self.name.text(), self.current, self.ctx.actor
        enabled, stop = self.enabled.isChecked(), self.stop.isChecked()
        zone, acknowledge = self.zone.text().strip(), "on" if self.acknowledge.isChecked() else "off"

        def work(session: Session) -> RuleSpec:
            options = catalog.get_options(session)
            if options[catalog.TIMEZONE] != zone:
                catalog.set_option(session, catalog.TIMEZONE, zone, actor=actor)
            if options[catalog.ACKNOWLEDGEMENTS] != acknowledge:
                catalog.set_option(session, catalog.ACKNOWLEDGEMENTS, acknowledge, actor=actor)
            if current is None:
                return catalog.add_rule(session, RuleSpec(name, conditions, actions, stop=stop,
                                                          enabled=enabled), actor=actor)
            return catalog.edit_rule(session, current, actor=actor, new_name=name,
                                     conditions=conditions, actions=actions, stop=stop,
                                     enabled=enabled)

        self._run(work, " ".join(name.split()))

    def reorder(self, by: int) -> None:
        current, actor = self.current, self.ctx.actor
        if current is not None:
            self._run(lambda s: catalog.move_rule(s, current, by, actor=actor), current)

    def delete(self) -> None:
        current, actor = self.current, self.ctx.actor
        if current is not None:
            self.current = None
            self._run(lambda s: catalog.remove_rule(s, current, actor=actor), None)
