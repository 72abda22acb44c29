"""The last sync's report: every problem the engine reported, and what to do about each.

The sync engine reports an item it could not take (an unreadable API page, a record that is not
JSON, an account that cannot be reached) through the reporter's ``item_failed``; the window keeps
them here, says "3 problems in the last sync" in the status bar, and opens this list on a click.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QVBoxLayout, QWidget

from leaddesk.ui.safe_text import PlainLabel
from leaddesk.ui.widgets import close_button, dialog_layout


@dataclass(frozen=True)
class Problem:
    item: str  # what could not be taken: an account, a page, a record
    reason: str  # what happened, as the engine said it
    advice: str  # what to do


@dataclass
class SyncReport:
    started: datetime = field(default_factory=lambda: datetime.now().astimezone())
    problems: list[Problem] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    added: int = 0
    answers: list[str] = field(default_factory=list)  # who answered a lead
    accounts: int = 0

    def item_failed(self, item: str, reason: str) -> None:
        self.problems.append(Problem(item, reason, advice_for(item, reason)))

    def account_failed(self, account: str, message: str) -> None:
        # A LeadDesk error's message already says what to do.
        self.problems.append(Problem(account, message, "Follow the message; then sync again."))

    def headline(self) -> str:
        count = len(self.problems)
        return "" if count == 0 else f"{count} problem{'s' if count != 1 else ''} in the last sync"


def advice_for(item: str, reason: str) -> str:
    """What the user can do about one failed item (the engine's reasons are stable phrases)."""
    account = item.split(" ", 1)[0]
    if "asked for again" in reason or "ask for them again" in reason or "asks for them" in reason:
        return (f"Nothing is lost: the next sync asks for it again. If it keeps failing, run "
                f"`leaddesk accounts test {account}` and check the form backend's status.")
    if "not a JSON object" in reason or "skipped" in reason:
        return (f"The form backend sent a record LeadDesk cannot read, so it was skipped. Check "
                f"the submission in the backend's own dashboard; `leaddesk sync {account} -v` "
                f"logs the details.")
    if "stored" in reason or "quarantin" in reason:
        return "The message is stored with its problems listed: open it under All messages."
    return f"Run `leaddesk accounts test {account}` to see what fails, then sync again."


class SyncReportDialog(QDialog):
    """The problems of the last sync, one block each: what, what happened, what to do."""

    def __init__(self, report: SyncReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = dialog_layout(self, "Last sync", 720, 420)
        when = report.started.strftime("%H:%M")
        added = f"{report.added} new message{'s' if report.added != 1 else ''}"
        self.summary = plain_label(f"Sync at {when}: {added}, "
                                   f"{report.headline() or 'no problems'}.")
        layout.addWidget(self.summary)
        self.blocks: list[tuple[QLabel, QLabel, QLabel]] = []
        inner = QWidget()
        rows = QVBoxLayout(inner)
        for problem in report.problems:
            # Plain text always: an API's error may quote a stranger's data.
            item, reason = plain_label(problem.item), plain_label(problem.reason)
            advice = plain_label(f"What to do: {problem.advice}")
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            for label in (item, reason, advice):
                rows.addWidget(label)
            rows.addSpacing(10)
            self.blocks.append((item, reason, advice))
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        close_button(self, layout)


def plain_label(text: str) -> QLabel:
    label = PlainLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
