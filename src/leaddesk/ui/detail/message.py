"""The message itself: plain text, every form field, safe HTML, raw source, notes, history and
the conversation's timeline."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QFontDatabase, QTextDocument
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from leaddesk.detail import ReplyView, SubmissionDetail

from leaddesk.ui.detail.timeline import TimelineView
from leaddesk.ui.format import long_time


class _InertDocument(QTextDocument):
    """A document that loads no resource. When the browser's loader declines, QTextDocument's
    own loadResource reads ``file:`` paths and ``data:`` URLs itself, so declining there is not
    enough: this override is the one the document consults while laying out images and styles."""

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None


class SafeBrowser(QTextBrowser):
    """Shows sanitised HTML and never loads anything: remote images, style sheets, links."""

    def __init__(self) -> None:
        super().__init__()
        self.setDocument(_InertDocument(self))
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None  # what setSource() would fetch; the document's own loads go to _InertDocument


class MessageTabs(QTabWidget):
    note_added = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.fields = QTableWidget(0, 2)
        self.fields.setHorizontalHeaderLabels(["Field", "Value"])
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.verticalHeader().setVisible(False)
        self.fields.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.html = SafeBrowser()
        self.source = QPlainTextEdit()
        self.source.setReadOnly(True)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.notes = QTextBrowser()
        self.notes_page = notes_page = QWidget()
        notes_layout = QVBoxLayout(notes_page)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self.notes)
        add = QHBoxLayout()
        self.note_input = QLineEdit()
        self.note_input.setPlaceholderText("Add an internal note for the team…")
        self.note_input.returnPressed.connect(self._add_note)
        button = QPushButton("Add note")
        button.clicked.connect(self._add_note)
        add.addWidget(self.note_input)
        add.addWidget(button)
        notes_layout.addLayout(add)
        self.addTab(self.text, "Message")
        self.addTab(self.fields, "Fields")
        self.addTab(self.html, "HTML")
        self.addTab(self.source, "Source")
        self.addTab(notes_page, "Notes")
        self.history = QTextBrowser()
        self.addTab(self.history, "History")
        self.replies = QTextBrowser()  # the replies sent (and unsent drafts) in this thread
        self.addTab(self.replies, "Replies")
        # The whole conversation (leaddesk.conversations), first: it is what a lead is about.
        self.timeline = TimelineView()
        self.insertTab(0, self.timeline, "Conversation")

    def _add_note(self) -> None:
        text = self.note_input.text().strip()
        if text:
            self.note_added.emit(text)
            self.note_input.clear()

    def show_detail(self, detail: SubmissionDetail, raw: bytes | None) -> None:
        row = detail.row
        lines = []
        if row.topic:
            lines.append(f"Topic of interest: {row.topic}\n")
        lines.append(row.message or "(no message text)")
        footer = [p for p in (row.account, long_time(row.received_at)) if p]
        if detail.spam_reason:
            footer.append(f"spam: {detail.spam_reason}")
        for problem in row.problems:
            footer.append(f"⚠ {problem}")
        self.text.setPlainText("\n".join(lines) + "\n\n" + " · ".join(footer))
        self.fields.setRowCount(len(detail.fields))
        for i, (key, value) in enumerate(detail.fields.items()):
            self.fields.setItem(i, 0, QTableWidgetItem(str(key)))
            self.fields.setItem(i, 1, QTableWidgetItem(str(value)))
        self.fields.resizeColumnToContents(0)
        self.setTabText(self.indexOf(self.fields), f"Fields ({len(detail.fields)})")
        self.html.setHtml(detail.body_html or "<p><i>This message has no HTML part.</i></p>")
        self.setTabEnabled(self.indexOf(self.html), bool(detail.body_html))
        self.source.setPlainText(raw.decode("utf-8", "replace") if raw else "(no source kept)")
        self.notes.setPlainText("\n\n".join(f"{n.author} · {long_time(n.created_at)}\n{n.body}"
                                            for n in detail.notes) or "No notes yet.")
        notes_tab = self.indexOf(self.notes_page)
        self.setTabText(notes_tab, f"Notes ({len(detail.notes)})" if detail.notes else "Notes")
        self.replies.setPlainText("\n\n".join(reply_text(r) for r in detail.replies)
                                  or "No replies yet. Press r to answer.")
        self.setTabText(self.indexOf(self.replies), f"Replies ({len(detail.replies)})"
                        if detail.replies else "Replies")
        self.timeline.show_entries(detail.timeline())
        count = len(detail.messages)
        index = self.indexOf(self.timeline)
        self.setTabText(index, f"Conversation ({count})" if count > 1 else "Conversation")
        # A lead with answers opens on its conversation; a lone submission on its message.
        if count > 1:
            self.setCurrentIndex(index)
        elif self.currentIndex() == index:
            self.setCurrentWidget(self.text)
        self.history.setPlainText("\n".join(
            f"{long_time(h.at)}  {h.actor}  {h.action}  {h.after or ''}" for h in detail.history)
            or "No changes yet.")


def reply_text(r: ReplyView) -> str:
    """One reply in the thread: state and time, who to whom, the subject, any error, the text."""
    head = f"{r.state} {long_time(r.sent_at)}" if r.sent_at else r.state
    lines = [f"{head} · {r.author} → {r.to}" + (f" · cc {r.cc}" if r.cc else ""), r.subject]
    if r.error and r.state != "sent":
        lines.append(f"⚠ {r.error}")
    return "\n".join(lines) + "\n\n" + r.body
