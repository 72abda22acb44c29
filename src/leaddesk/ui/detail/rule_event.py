"""A change a rule made, in the lead's timeline: which rule, and "Undo" in one click.

Undo runs the very core function ``leaddesk rules undo ID --rule NAME`` runs
(:func:`leaddesk.rules.service.undo_rule`: every change that rule made on the lead, newest first)
through a DbOp; the undone edits go on the bus, so the lead refreshes. A person's later change
wins: when the core refuses because someone changed the lead since, its plain message shows
under the entry and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from leaddesk.rules.engine import RULE_PREFIX
from leaddesk.triage import Edit

from leaddesk.ui.context import AppContext
from leaddesk.ui.operations import DbOp, known_error_in
from leaddesk.ui.safe_text import PlainLabel, tooltip

NOTHING_TO_UNDO = "Nothing to undo: an acknowledgement sent cannot be unsent."


def rule_of(actor: str | None) -> str | None:
    """The rule's name when ``actor`` is a rule ("rule: speakers" → "speakers"), else None."""
    if actor and actor.startswith(RULE_PREFIX):
        return actor[len(RULE_PREFIX):] or None
    return None


class RuleEventEntry(QFrame):
    """The event's line (as every event shows), the rule that made it, and Undo."""

    undo_requested = Signal(str)

    def __init__(self, text: str, rule: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rule = rule
        self.setObjectName("timelineRuleEvent")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        line = QHBoxLayout()
        line.setSpacing(8)
        self.label = PlainLabel(text)
        self.label.setWordWrap(True)
        self.label.setEnabled(False)  # quiet, like every other event
        line.addWidget(self.label, 1)
        self.undo = QPushButton("Undo")
        self.undo.setObjectName("undoRule")
        self.undo.setToolTip(tooltip(f"Undo what rule {rule} changed on this lead "
                                     f"(`leaddesk rules undo ID --rule {rule}`)"))
        self.undo.clicked.connect(self._clicked)
        line.addWidget(self.undo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(line)
        self.error = PlainLabel()
        self.error.setObjectName("undoRuleError")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def _clicked(self) -> None:
        self.error.hide()
        self.undo.setEnabled(False)  # one click: no second undo queued behind the first
        self.undo_requested.emit(self.rule)

    def show_error(self, message: str) -> None:
        """The core's plain message under the entry ("" hides it); Undo can be clicked again."""
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.undo.setEnabled(True)


def undo_rule(ctx: AppContext, parent: QWidget, lead: int, rule: str, *,
              error: Callable[[str], None]) -> None:
    """Undo what ``rule`` changed on ``lead`` as the current actor; a refusal (a person changed
    the lead since, the rule changed nothing left to undo) goes to ``error``."""
    actor = ctx.actor

    def work(session: Session) -> list[Edit]:
        from leaddesk.rules import service  # in the worker, on the first Undo: not to start
        return service.undo_rule(session, lead, actor=actor, rule=rule)

    def done(undone: list[Edit]) -> None:
        if not undone:
            error(NOTHING_TO_UNDO)

    def failed(exc: BaseException) -> bool:
        if known_error_in(error)(exc):
            return True
        error("")  # anything else takes the default path (the banner or a dialog)
        return False

    (DbOp(ctx, work, parent=parent, what=f"undoing rule {rule}")
     .success(done).failure(failed).run_in_background())
