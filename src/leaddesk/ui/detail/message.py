"""The message and what surrounds it, in four tabs that fit beside the post at 1280 px:

* **Message**: the form's fields in a compact grid above the text; "Show formatted" switches the
  text for the sanitised HTML view (the one place a message's HTML is drawn; it loads nothing);
* **Conversation**: one timeline of the e-mails, replies (drafts and failed ones too), notes,
  status changes and every other recorded change (owner, tags, corrections);
* **Notes**: the team's internal notes and the box to add one;
* **Source**: the raw message as stored.

Every lead opens on its Message: the tab used last does not stick.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QFontDatabase, QResizeEvent, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from leaddesk.conversations.timeline import TimelineEntry
from leaddesk.detail import HistoryEntry, ReplyView, SubmissionDetail
from leaddesk.lines import as_one_line
from leaddesk.triage import NOTE, STATUS

from leaddesk.ui.detail import reading_place
from leaddesk.ui.detail.timeline import TimelineView
from leaddesk.ui.format import long_time
from leaddesk.ui.safe_text import tooltip, without_overrides

FIELD_ROWS_SHOWN = 5  # more fields scroll inside the grid: the text stays in view
# The corner button's words (formatted view off, on), and the short ones it takes when the pane
# is too narrow for them beside the four tab titles.
FORMATTED_WORDS = {False: ("Show formatted", "HTML"), True: ("Show plain text", "Text")}


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
        self.setObjectName("messageTabs")
        self.setUsesScrollButtons(False)  # four short titles fit; never hide one behind arrows
        # On a very narrow pane (a 640 px wide screen) the titles shorten instead of widening it.
        self.setElideMode(Qt.TextElideMode.ElideRight)
        self.setDocumentMode(True)
        self._has_html = False
        self._lead: int | None = None  # the lead shown
        self.message_page = self._message_page()
        self.addTab(self.message_page, "Message")
        self.timeline = TimelineView()  # the conversation, replies and history merged
        self.addTab(self.timeline, "Conversation")
        self.notes_page = self._notes_page()
        self.addTab(self.notes_page, "Notes")
        self.source = QPlainTextEdit()
        self.source.setReadOnly(True)
        self.source.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.source.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.addTab(self.source, "Source")

    def _message_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        self.fields = QTableWidget(0, 2)  # the form's fields, compact, above the text
        self.fields.setObjectName("formFields")
        self.fields.horizontalHeader().hide()
        self.fields.verticalHeader().hide()
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.verticalHeader().setDefaultSectionSize(
            self.fields.fontMetrics().height() + 6)
        self.fields.setShowGrid(False)
        self.fields.setWordWrap(False)
        self.fields.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.fields.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.fields.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.fields)
        self.more = QToolButton()  # "2 more messages in the conversation →"
        self.more.setObjectName("conversationHint")
        self.more.setAutoRaise(True)
        self.more.clicked.connect(lambda: self.setCurrentWidget(self.timeline))
        self.more.hide()
        # Under the fields: the hint, and "Show formatted" when the tab bar has no room for it.
        self.under_fields = QHBoxLayout()
        self.under_fields.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        self.under_fields.addStretch(1)
        layout.addLayout(self.under_fields)
        # In the tab bar's corner, where it costs no line of the text's height.
        self.formatted = QToolButton()
        self.formatted.setObjectName("showFormatted")
        self.formatted.setText(FORMATTED_WORDS[False][0])
        self.formatted.setCheckable(True)
        self.formatted.setAutoRaise(True)
        self.formatted.setToolTip("The message's HTML, sanitised; remote images and links are "
                                  "never loaded")
        self.formatted.toggled.connect(self._show_formatted)
        self.setCornerWidget(self.formatted, Qt.Corner.TopRightCorner)
        self.currentChanged.connect(self._corner)
        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.html = SafeBrowser()
        self.body = QStackedWidget()
        self.body.addWidget(self.text)
        self.body.addWidget(self.html)
        layout.addWidget(self.body, 1)
        return page

    def _notes_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        self.notes = QTextBrowser()
        layout.addWidget(self.notes)
        add = QHBoxLayout()
        self.note_input = QLineEdit()
        self.note_input.setPlaceholderText("Add an internal note for the team…")
        self.note_input.returnPressed.connect(self._add_note)
        button = QPushButton("Add note")
        button.clicked.connect(self._add_note)
        add.addWidget(self.note_input)
        add.addWidget(button)
        layout.addLayout(add)
        return page

    def _corner(self) -> None:
        self.formatted.setVisible(self._has_html and self.currentWidget() is self.message_page)

    def _show_formatted(self, shown: bool) -> None:
        self.body.setCurrentWidget(self.html if shown else self.text)
        self._corner_words()

    def _corner_words(self) -> None:
        """"Show formatted" in the tab bar's corner where it fits beside the whole tab titles,
        in short ("HTML") where only that fits, else on a line of its own under the fields: a
        title cut to "Me…" or "N…" says nothing."""
        full, short = FORMATTED_WORDS[self.formatted.isChecked()]
        bar = self.tabBar()
        room = self.width() - sum(bar.tabSizeHint(i).width() for i in range(bar.count()))
        metrics = self.formatted.fontMetrics()
        margins = self.formatted.sizeHint().width() - metrics.horizontalAdvance(
            self.formatted.text())  # the button's own, whatever its words
        words = next((w for w in (full, short) if margins + metrics.horizontalAdvance(w) <= room),
                     None)
        in_corner = self.cornerWidget(Qt.Corner.TopRightCorner) is self.formatted
        if words is None and in_corner:
            self.setCornerWidget(None, Qt.Corner.TopRightCorner)  # type: ignore[arg-type]  # Qt takes nullptr
            self.under_fields.addWidget(self.formatted)
        elif words is not None and not in_corner:
            self.under_fields.removeWidget(self.formatted)
            self.setCornerWidget(self.formatted, Qt.Corner.TopRightCorner)
        self.formatted.setText(words or full)
        self._corner()  # a widget moved between parents is hidden until shown again

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._corner_words()
        super().resizeEvent(event)

    def _add_note(self) -> None:
        text = self.note_input.text().strip()
        if text:
            self.note_added.emit(text)
            self.note_input.clear()

    def show_detail(self, detail: SubmissionDetail, raw: bytes | None) -> None:
        row = detail.row
        # The same lead again (a colleague's change, an answer arriving): stay where the user
        # reads. Every other lead opens on its Message (the tab used last does not stick).
        place = reading_place.remember(self) if row.id == self._lead else None
        self._lead = row.id
        lines = []
        if row.topic:
            lines.append(f"Topic of interest: {row.topic}\n")
        lines.append(row.message or "(no message text)")
        footer = [p for p in (row.account, long_time(row.received_at)) if p]
        if detail.spam_reason:
            footer.append(f"spam: {detail.spam_reason}")
        for problem in row.problems:
            footer.append(f"⚠ {problem}")
        self.text.setPlainText(without_overrides("\n".join(lines) + "\n\n" + " · ".join(footer)))
        self._show_fields(detail.fields, row.message or "")
        self.html.setHtml(detail.body_html or "<p><i>This message has no HTML part.</i></p>")
        self.formatted.setChecked(False)
        self._has_html = bool(detail.body_html)
        self.source.setPlainText(raw.decode("utf-8", "replace") if raw else "(no source kept)")
        self.notes.setPlainText("\n\n".join(f"{n.author} · {long_time(n.created_at)}\n{n.body}"
                                            for n in detail.notes) or "No notes yet.")
        notes_tab = self.indexOf(self.notes_page)
        self.setTabText(notes_tab, f"Notes ({len(detail.notes)})" if detail.notes else "Notes")
        self.timeline.show_entries(conversation(detail), lead=row.id)
        count = len(detail.messages)
        index = self.indexOf(self.timeline)
        self.setTabText(index, f"Conversation ({count})" if count > 1 else "Conversation")
        more = count - 1
        self.more.setText(f"{more} more message{'s' if more != 1 else ''} in the conversation →")
        self.more.setVisible(more > 0)
        if place is None:
            self.setCurrentWidget(self.message_page)
        else:
            self.formatted.setChecked(place.formatted and self._has_html)
            reading_place.restore(self, place)
        self._corner_words()  # the titles may have grown a count

    def _show_fields(self, fields: dict[str, object], message: str) -> None:
        said = " ".join(message.split())
        # The message field is the text right below: the grid holds the rest.
        fields = {k: v for k, v in fields.items() if not said or " ".join(str(v).split()) != said}
        self.fields.setRowCount(len(fields))
        for i, (key, value) in enumerate(fields.items()):
            # One line each, as the parser stores a name: a bidi override in a form's raw
            # field would reverse the rest of the cell ("Trojan Source"-style spoofing).
            label = QTableWidgetItem(as_one_line(str(key)))
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            self.fields.setItem(i, 0, label)
            item = QTableWidgetItem(as_one_line(str(value)))
            item.setToolTip(tooltip(str(value)))
            self.fields.setItem(i, 1, item)
        rows = min(len(fields), FIELD_ROWS_SHOWN)
        self.fields.setFixedHeight(rows * self.fields.verticalHeader().defaultSectionSize()
                                   + 2 * self.fields.frameWidth())
        self.fields.setVisible(bool(fields))


def conversation(detail: SubmissionDetail) -> tuple[TimelineEntry, ...]:
    """The lead's timeline (e-mails, notes, status changes) with the rest of its history and
    the replies not sent (drafts, failures) merged in, in time order."""
    entries = list(detail.timeline())
    entries += [TimelineEntry(h.at, "event", h.actor, history_text(h)) for h in detail.history
                if h.action not in (STATUS, NOTE)]  # those are in the timeline already
    entries += [TimelineEntry(r.sent_at or detail.row.received_at, "reply", r.author,
                              reply_text(r)) for r in detail.replies if r.state != "sent"]
    order = {"message": 0, "status": 1, "event": 1, "reply": 2, "note": 2}
    return tuple(sorted(entries, key=lambda e: (e.at, order.get(e.kind, 3))))


def history_text(h: HistoryEntry) -> str:
    """"owner → Ada", "tag added: hot lead", "edited name, topic": one recorded change."""
    after = h.after or {}
    before = h.before or {}
    if h.action == "assign":
        return f"owner → {after.get('assignee') or 'nobody'}"
    if h.action in ("tag.add", "tag.remove"):
        added = sorted(set(after.get("tags") or ()) - set(before.get("tags") or ()))
        removed = sorted(set(before.get("tags") or ()) - set(after.get("tags") or ()))
        changed = added or removed
        verb = "tag added" if h.action == "tag.add" else "tag removed"
        return f"{verb}: {', '.join(map(str, changed))}" if changed else verb
    if h.action == "edit":
        return f"edited {', '.join(sorted(after))}" if after else "edited"
    return h.action


def reply_text(r: ReplyView) -> str:
    """One reply in the thread: state and time, who to whom, the subject, any error, the text."""
    head = f"{r.state} {long_time(r.sent_at)}" if r.sent_at else r.state
    lines = [f"{head} · {r.author} → {r.to}" + (f" · cc {r.cc}" if r.cc else ""), r.subject]
    if r.error and r.state != "sent":
        lines.append(f"⚠ {r.error}")
    return "\n".join(lines) + "\n\n" + r.body
